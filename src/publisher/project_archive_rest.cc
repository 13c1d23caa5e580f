#include "publisher/project_archive_rest.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "common/problem.h"
#include "common/strings.h"
#include "domain/api_json.h"
#include "http/file_response.h"
#include "http/multipart.h"
#include "identity/roles.h"
#include "publisher/publisher_rest.h"

namespace archway::publisher {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

// A token caller passes with apim:api_import_export or with `scope` (the product accepts both).
identity::Caller authorize(identity::Authenticator& auth, const RestRequest& req,
                           std::initializer_list<std::string_view> roles, std::string_view scope) {
  identity::Caller c = auth.authenticate(req);
  const bool import_export = c.with_token && std::find(c.scopes.begin(), c.scopes.end(),
                                                       identity::kScopeApiImportExport) != c.scopes.end();
  auth.require(c, roles, import_export ? identity::kScopeApiImportExport : scope);
  return c;
}

ProjectFormat format_of(const RestRequest& req) {
  const std::string* f = req.query_param("format");
  if (!f || f->empty()) return ProjectFormat::kYaml;
  const std::string lower = common::to_lower(*f);
  if (lower == "yaml") return ProjectFormat::kYaml;
  if (lower == "json") return ProjectFormat::kJson;
  throw ProblemError(Problem::bad_request(fmt::format("'format' must be YAML or JSON, got '{}'", *f)));
}

}  // namespace

void add_project_archive_routes(http::RestRouter& r, ProjectArchive& projects, ApiService& apis,
                                ApiService& products, identity::Authenticator& auth) {
  // The API (API product) by id, or by name and version (and providerName) as the product allows.
  auto export_route = [&](std::string_view collection, std::string_view id_param, ApiKind kind) {
    ApiService& svc = kind == ApiKind::kProduct ? products : apis;
    r.add("GET", publisher_path(std::string(collection) + "/export"), [&, id_param = std::string(id_param), kind](RestRequest& req) {
      authorize(auth, req, {domain::kRoleCreator, domain::kRolePublisher}, identity::kScopeApiView);
      std::string id;
      if (const std::string* given = req.query_param(id_param); given && !given->empty()) {
        id = *given;
      } else {
        const std::string* name = req.query_param("name");
        const std::string* version = req.query_param("version");
        if (!name || name->empty() || !version || version->empty())
          throw ProblemError(Problem::bad_request(fmt::format("Give '{}', or 'name' and 'version', of the {} to export",
                                                              id_param, kind == ApiKind::kProduct ? "API Product" : "API")));
        auto found = projects.find_api(*name, *version, kind);
        const std::string* provider = req.query_param("providerName");
        if (!found || (provider && !provider->empty() && found->provider != *provider))
          throw ProblemError(Problem::not_found(fmt::format("{} '{}' version '{}' not found",
                                                            kind == ApiKind::kProduct ? "API Product" : "API", *name, *version)));
        id = found->id;
      }
      svc.get(id);  // 404 before the options are looked at
      const ProjectFormat format = format_of(req);
      const bool preserve_status = http::query_bool(req, "preserveStatus", true);
      ProjectExport out = kind == ApiKind::kProduct ? projects.export_product(id, format, preserve_status)
                                                    : projects.export_api(id, format, preserve_status);
      return http::file_response(std::move(out.zip), "application/zip", out.file_name);
    });
  };
  export_route("/apis", "apiId", ApiKind::kApi);
  export_route("/api-products", "apiProductId", ApiKind::kProduct);

  auto archive_of = [](const RestRequest& req) {
    const auto parts = http::form_parts(req);
    const http::FormPart* file = http::find_part(parts, "file");
    if (!file)
      throw ProblemError(Problem::bad_request("'file' is required: send the project zip in a multipart 'file' part"));
    return std::string(file->body);
  };
  auto imported = [](const ProjectImportResult& done, bool product) {
    const json::object body = product ? domain::product_to_json(done.api) : domain::api_to_public_json(done.api);
    RestResponse res = RestResponse::json(done.created ? 201 : 200, json::serialize(body));
    res.headers.emplace_back("Location", publisher_path((product ? "/api-products/" : "/apis/") + done.api.id));
    return res;
  };

  r.add("POST", publisher_path("/apis/import"), [&, archive_of, imported](RestRequest& req) {
    const identity::Caller c = authorize(auth, req, {domain::kRoleCreator}, identity::kScopeApiCreate);
    ProjectImportOptions options;
    options.preserve_provider = http::query_bool(req, "preserveProvider", true);
    options.overwrite = http::query_bool(req, "overwrite", false);
    options.rotate_revision = http::query_bool(req, "rotateRevision", false);
    return imported(projects.import_api(archive_of(req), options, c.user), false);
  });

  r.add("POST", publisher_path("/api-products/import"), [&, archive_of, imported](RestRequest& req) {
    const identity::Caller c = authorize(auth, req, {domain::kRoleCreator}, identity::kScopeApiCreate);
    ProjectImportOptions options;
    options.preserve_provider = http::query_bool(req, "preserveProvider", true);
    options.overwrite = http::query_bool(req, "overwriteAPIProduct", false);
    options.rotate_revision = http::query_bool(req, "rotateRevision", false);
    options.import_apis = http::query_bool(req, "importAPIs", false);
    if (http::query_bool(req, "overwriteAPIs", false))
      throw ProblemError(Problem::bad_request(
          "'overwriteAPIs': update the product's APIs with POST /apis/import?overwrite=true, then import the product"));
    return imported(projects.import_product(archive_of(req), options, c.user), true);
  });
}

}  // namespace archway::publisher
