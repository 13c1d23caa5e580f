#include "catalog/catalog_rest.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "archive/zip.h"
#include "common/clock.h"
#include "common/problem.h"
#include "http/file_response.h"
#include "http/multipart.h"
#include "openapi/openapi.h"
#include "identity/roles.h"

namespace archway::catalog {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

std::string path(std::string_view suffix) { return std::string(kCatalogBase) + std::string(suffix); }

RestResponse ok_json(int status, const json::value& v) { return RestResponse::json(status, json::serialize(v)); }

struct ServiceUpload {
  json::object metadata;
  std::string definition;
};

// The product's multipart body: `serviceMetadata` (ServiceDTO JSON; `catalogEntry` in older
// clients) and the definition as `definitionFile` or `inlineContent`.
ServiceUpload read_upload(const RestRequest& req) {
  const auto parts = http::form_parts(req);
  const http::FormPart* meta = http::find_part(parts, "serviceMetadata");
  if (!meta) meta = http::find_part(parts, "catalogEntry");
  if (!meta) throw ProblemError(Problem::bad_request("Form part 'serviceMetadata' (the service's JSON metadata) is required"));
  ServiceUpload up;
  boost::system::error_code ec;
  json::value v = json::parse(meta->body, ec);
  if (ec || !v.is_object())
    throw ProblemError(Problem::bad_request("Form part 'serviceMetadata' must be a JSON object"));
  up.metadata = std::move(v.as_object());
  const http::FormPart* def = http::find_part(parts, "definitionFile");
  if (!def) def = http::find_part(parts, "inlineContent");
  if (!def) throw ProblemError(Problem::bad_request("Form part 'definitionFile' (or 'inlineContent') is required"));
  up.definition = std::string(def->body);
  return up;
}

std::vector<std::string> split_keys(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

json::object api_summary(const domain::Api& a) {
  return {{"id", a.id},           {"name", a.name},         {"version", a.version},
          {"context", a.context}, {"provider", a.provider}, {"lifeCycleStatus", a.lifecycle_status}};
}

}  // namespace

void add_catalog_routes(http::RestRouter& r, ServiceCatalog& catalog, identity::Authenticator& auth) {
  auto viewer = [&auth](const RestRequest& req) {
    auth.authorize(req, {domain::kRoleCreator, domain::kRolePublisher}, identity::kScopeServiceView);
  };
  auto writer = [&auth](const RestRequest& req) {
    auth.authorize(req, {domain::kRoleCreator}, identity::kScopeServiceWrite);
  };

  r.add("GET", path("/services"), [&, viewer](RestRequest& req) {
    viewer(req);
    store::ServiceQuery q;
    if (auto* v = req.query_param("name")) q.name = *v;
    if (auto* v = req.query_param("displayName")) q.display_name = *v;
    if (auto* v = req.query_param("version")) q.version = *v;
    if (auto* v = req.query_param("definitionType")) {
      q.definition_type = *v;
      const bool known = q.definition_type == "OAS" ||
                         std::find(std::begin(domain::kServiceDefinitionTypes), std::end(domain::kServiceDefinitionTypes),
                                   q.definition_type) != std::end(domain::kServiceDefinitionTypes);
      if (!known)
        throw ProblemError(Problem::bad_request(fmt::format(
            "Query parameter 'definitionType' must be OAS or one of {}, got '{}'",
            fmt::join(domain::kServiceDefinitionTypes, ", "), q.definition_type)));
    }
    if (auto* v = req.query_param("key")) q.keys = split_keys(*v);
    if (auto* v = req.query_param("sortBy")) {
      if (*v != "name" && *v != "definitionType")
        throw ProblemError(Problem::bad_request("Query parameter 'sortBy' must be name or definitionType, got '" + *v + "'"));
      q.sort_by_definition_type = *v == "definitionType";
    }
    if (auto* v = req.query_param("sortOrder")) {
      if (*v != "asc" && *v != "desc")
        throw ProblemError(Problem::bad_request("Query parameter 'sortOrder' must be asc or desc, got '" + *v + "'"));
      q.descending = *v == "desc";
    }
    q.limit = http::query_int(req, "limit", 25, 1, 1000);
    q.offset = http::query_int(req, "offset", 0, 0, INT64_MAX / 2);
    const bool shrink = http::query_bool(req, "shrink", false);
    const store::ServicePage page = catalog.list(q);
    json::array list;
    for (const auto& s : page.list) list.emplace_back(service_to_json(s, shrink));
    json::object pagination{{"offset", q.offset}, {"limit", q.limit}, {"total", page.total}};
    const std::string base = path("/services?limit=" + std::to_string(q.limit) + "&offset=");
    pagination["next"] = q.offset + q.limit < page.total ? base + std::to_string(q.offset + q.limit) : "";
    pagination["previous"] = q.offset > 0 ? base + std::to_string(q.offset > q.limit ? q.offset - q.limit : 0) : "";
    json::object out{{"count", list.size()}, {"list", std::move(list)}, {"pagination", std::move(pagination)}};
    return ok_json(200, out);
  });

  r.add("POST", path("/services"), [&, writer](RestRequest& req) {
    writer(req);
    ServiceUpload up = read_upload(req);
    const domain::CatalogService s = catalog.create(up.metadata, std::move(up.definition));
    RestResponse res = ok_json(201, service_to_json(s));
    res.headers.emplace_back("Location", path("/services/" + s.id));
    return res;
  });

  r.add("GET", path("/services/{serviceId}"), [&, viewer](RestRequest& req) {
    viewer(req);
    return ok_json(200, service_to_json(catalog.get(req.path_params["serviceId"])));
  });

  r.add("PUT", path("/services/{serviceId}"), [&, writer](RestRequest& req) {
    writer(req);
    ServiceUpload up = read_upload(req);
    return ok_json(200, service_to_json(catalog.update(req.path_params["serviceId"], up.metadata,
                                                       std::move(up.definition))));
  });

  r.add("DELETE", path("/services/{serviceId}"), [&, writer](RestRequest& req) {
    writer(req);
    catalog.remove(req.path_params["serviceId"]);
    return RestResponse::empty(204);
  });

  // The definition as registered: JSON or YAML, by its first character.
  r.add("GET", path("/services/{serviceId}/definition"), [&, viewer](RestRequest& req) {
    viewer(req);
    const domain::CatalogService s = catalog.get(req.path_params["serviceId"]);
    RestResponse res;
    res.status = 200;
    const std::size_t first = s.definition.find_first_not_of(" \t\r\n");
    const char c = first == std::string::npos ? ' ' : s.definition[first];
    res.content_type = c == '{' || c == '[' ? "application/json"
                       : c == '<'           ? "application/xml"
                       : s.definition_type == "GRAPHQL_SDL" ? "text/plain"
                                                            : "application/yaml";
    res.body = s.definition;
    return res;
  });

  // The APIs created from the service.
  r.add("GET", path("/services/{serviceId}/usage"), [&, viewer](RestRequest& req) {
    viewer(req);
    json::array list;
    for (const auto& a : catalog.usage(req.path_params["serviceId"])) list.emplace_back(api_summary(a));
    json::object out{{"count", list.size()}, {"list", std::move(list)}};
    return ok_json(200, out);
  });

  // A service as a zip: <name>-<version>/metadata.json (its ServiceDTO) and its definition file.
  r.add("GET", path("/services/export"), [&, viewer](RestRequest& req) {
    viewer(req);
    const std::string& name = http::required_query(req, "name");
    const std::string& version = http::required_query(req, "version");
    const domain::CatalogService s = catalog.get_by_key(name + "-" + version);
    json::object metadata = service_to_json(s);
    for (auto k : {"id", "createdTime", "lastUpdatedTime", "usage"}) metadata.erase(k);
    const std::size_t first = s.definition.find_first_not_of(" \t\r\n");
    const char c = first == std::string::npos ? ' ' : s.definition[first];
    const std::string ext = c == '{' || c == '[' ? "json" : c == '<' ? "xml" : s.definition_type == "GRAPHQL_SDL" ? "graphql" : "yaml";
    const std::string dir = s.key;
    const std::string zip = archive::write_zip(
        {{dir + "/metadata.json", json::serialize(metadata)}, {dir + "/definition." + ext, s.definition}});
    return http::file_response(zip, "application/zip", dir + ".zip");
  });

  // Services from a zip of folders, each with a metadata file (JSON or YAML) and a definition file
  // (definition.*). All or nothing: every folder is checked, and a service whose name and version
  // exist is a 409 unless overwrite=true, before anything is written.
  r.add("POST", path("/services/import"), [&, writer](RestRequest& req) {
    writer(req);
    const bool overwrite = http::query_bool(req, "overwrite", false);
    const auto parts = http::form_parts(req);
    const http::FormPart* file = http::find_part(parts, "file");
    if (!file) throw ProblemError(Problem::bad_request("'file' is required: send the services zip in a multipart 'file' part"));
    const archive::ZipReadResult zip = archive::read_zip(file->body, archive::ZipLimits{400, 64 * 1024 * 1024});
    if (!zip.ok()) throw ProblemError(Problem::bad_request("'file' is not a readable zip: " + zip.error));
    struct Folder {
      std::string name;
      const std::string* metadata = nullptr;
      const std::string* definition = nullptr;
    };
    std::vector<Folder> folders;
    for (const auto& e : zip.entries) {
      const std::size_t slash = e.name.rfind('/');
      const std::string dir = slash == std::string::npos ? "" : e.name.substr(0, slash);
      const std::string base = slash == std::string::npos ? e.name : e.name.substr(slash + 1);
      auto it = std::find_if(folders.begin(), folders.end(), [&](const Folder& f) { return f.name == dir; });
      if (it == folders.end()) it = folders.insert(folders.end(), Folder{dir});
      if (base == "metadata.json" || base == "metadata.yaml" || base == "metadata.yml") it->metadata = &e.data;
      else if (base.starts_with("definition.")) it->definition = &e.data;
    }
    std::erase_if(folders, [](const Folder& f) { return !f.metadata && !f.definition; });
    if (folders.empty()) throw ProblemError(Problem::bad_request("'file' holds no service (a folder with metadata.yaml and definition.*)"));
    struct Planned {
      json::object metadata;
      std::string definition;
      std::optional<domain::CatalogService> existing;
    };
    std::vector<Planned> plan;
    for (const auto& f : folders) {
      const std::string where = f.name.empty() ? std::string("the archive's root") : "'" + f.name + "'";
      if (!f.metadata || !f.definition)
        throw ProblemError(Problem::bad_request(fmt::format("{} needs both a metadata file and a definition file", where)));
      std::vector<openapi::Issue> issues;
      auto meta = openapi::parse_text(*f.metadata, issues);
      if (!meta || !meta->is_object())
        throw ProblemError(Problem::bad_request(fmt::format("The metadata of {} is not a JSON or YAML object", where)));
      const json::value* n = meta->as_object().if_contains("name");
      const json::value* v = meta->as_object().if_contains("version");
      if (!n || !n->is_string() || !v || !v->is_string())
        throw ProblemError(Problem::bad_request(fmt::format("The metadata of {} needs 'name' and 'version'", where)));
      const std::string key = std::string(n->as_string()) + "-" + std::string(v->as_string());
      for (const auto& p : plan)
        if (p.metadata.at("name") == *n && p.metadata.at("version") == *v)
          throw ProblemError(Problem::bad_request(fmt::format("Service '{}' is in the archive twice", key)));
      try {
        catalog.check(meta->as_object(), *f.definition);
      } catch (const ProblemError& e) {
        Problem named = e.problem();
        named.description = fmt::format("{}: {} (nothing was imported)", where, named.description);
        throw ProblemError(std::move(named));
      }
      Planned p{std::move(meta->as_object()), *f.definition, catalog.find_by_key(key)};
      if (p.existing && !overwrite)
        throw ProblemError(Problem::conflict(fmt::format(
            "Service '{}' exists; import with overwrite=true to replace it (nothing was imported)", key)));
      plan.push_back(std::move(p));
    }
    json::array list;
    for (auto& p : plan) {
      const domain::CatalogService s = p.existing ? catalog.update(p.existing->id, p.metadata, std::move(p.definition))
                                                  : catalog.create(p.metadata, std::move(p.definition));
      list.push_back(service_to_json(s, true));
    }
    json::object out{{"count", list.size()}, {"list", std::move(list)}};
    return ok_json(200, out);
  });

  r.add("GET", path("/settings"), [&, viewer](RestRequest& req) {
    viewer(req);
    json::object out{{"scopes", json::array{identity::kScopeServiceView, identity::kScopeServiceWrite}}};
    return ok_json(200, out);
  });
}

}  // namespace archway::catalog
