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
  identity::Authenticator::require(c, roles, import_export ? identity::kScopeApiImportExport : scope);
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
                                identity::Authenticator& auth) {
  // The API by apiId, or by name and version (and providerName) as the product also allows.
  r.add("GET", publisher_path("/apis/export"), [&](RestRequest& req) {
    authorize(auth, req, {domain::kRoleCreator, domain::kRolePublisher}, identity::kScopeApiView);
    std::string id;
    if (const std::string* given = req.query_param("apiId"); given && !given->empty()) {
      id = *given;
    } else {
      const std::string* name = req.query_param("name");
      const std::string* version = req.query_param("version");
      if (!name || name->empty() || !version || version->empty())
        throw ProblemError(Problem::bad_request("Give 'apiId', or 'name' and 'version', of the API to export"));
      auto found = projects.find_api(*name, *version);
      const std::string* provider = req.query_param("providerName");
      if (!found || (provider && !provider->empty() && found->provider != *provider))
        throw ProblemError(Problem::not_found(fmt::format("API '{}' version '{}' not found", *name, *version)));
      id = found->id;
    }
    apis.get(id);  // 404 before the options are looked at
    const ProjectFormat format = format_of(req);
    const bool preserve_status = http::query_bool(req, "preserveStatus", true);
    ProjectExport out = projects.export_api(id, format, preserve_status);
    return http::file_response(std::move(out.zip), "application/zip", out.file_name);
  });

  r.add("POST", publisher_path("/apis/import"), [&](RestRequest& req) {
    const identity::Caller c =
        authorize(auth, req, {domain::kRoleCreator}, identity::kScopeApiCreate);
    ProjectImportOptions options;
    options.preserve_provider = http::query_bool(req, "preserveProvider", true);
    options.overwrite = http::query_bool(req, "overwrite", false);
    options.rotate_revision = http::query_bool(req, "rotateRevision", false);
    const auto parts = http::form_parts(req);
    const http::FormPart* file = http::find_part(parts, "file");
    if (!file) throw ProblemError(Problem::bad_request("'file' is required: send the project zip in a multipart 'file' part"));
    ProjectImportResult done = projects.import_api(file->body, options, c.user);
    RestResponse res = RestResponse::json(done.created ? 201 : 200, json::serialize(domain::api_to_public_json(done.api)));
    res.headers.emplace_back("Location", publisher_path("/apis/" + done.api.id));
    return res;
  });
}

}  // namespace archway::publisher
