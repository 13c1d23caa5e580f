#include "publisher/service_import.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/json.h"
#include "common/problem.h"
#include "domain/api_json.h"
#include "identity/roles.h"

namespace archway::publisher {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

domain::ServiceInfo info_of(const domain::CatalogService& s) { return {s.key, s.name, s.version, s.md5}; }

void require_openapi(const domain::CatalogService& s) {
  if (s.definition_type != "OAS2" && s.definition_type != "OAS3")
    throw ProblemError(Problem::bad_request(fmt::format(
        "Service '{}' has a {} definition; only OAS2 and OAS3 services become REST APIs", s.key, s.definition_type)));
}

}  // namespace

domain::Api ServiceImport::import(const std::string& key, const json::object& api_dto, const domain::User& caller) {
  const domain::CatalogService service = catalog_.get_by_key(key);
  require_openapi(service);
  json::object additional = api_dto;
  additional.erase("serviceInfo");
  if (!additional.contains("endpointConfig"))
    additional["endpointConfig"] = {{"endpoint_type", "http"},
                                    {"production_endpoints", {{"url", service.service_url}}}};
  return openapi_.import_definition(service.definition, additional, caller, info_of(service));
}

domain::Api ServiceImport::reimport(const std::string& api_id) {
  const domain::Api api = apis_.get(api_id);
  if (api.service_info.key.empty())
    throw ProblemError(Problem::bad_request(fmt::format("API '{}' was not created from a service", api_id)));
  const domain::CatalogService service = catalog_.get_by_key(api.service_info.key);
  require_openapi(service);
  const domain::ServiceInfo info = info_of(service);
  openapi_.replace_definition(api_id, service.definition, &info);
  return apis_.get(api_id);
}

void add_service_import_routes(http::RestRouter& r, ServiceImport& import, identity::Authenticator& auth) {
  const std::string base(kPublisherBase);
  r.add("POST", base + "/apis/import-service", [&, base](RestRequest& req) {
    const auto user = auth.authorize(req, {domain::kRoleCreator}, identity::kScopeApiCreate).user;
    const std::string& key = http::required_query(req, "serviceKey");
    json::object dto;
    if (!req.body.empty()) dto = common::as_object(common::parse_json_body(req.body), "");
    const domain::Api created = import.import(key, dto, user);
    RestResponse res = RestResponse::json(201, json::serialize(domain::api_to_public_json(created)));
    res.headers.emplace_back("Location", base + "/apis/" + created.id);
    return res;
  });
  r.add("PUT", base + "/apis/{apiId}/reimport-service", [&](RestRequest& req) {
    auth.authorize(req, {domain::kRoleCreator}, identity::kScopeApiCreate);
    return RestResponse::json(200, json::serialize(domain::api_to_public_json(import.reimport(req.path_params["apiId"]))));
  });
}

}  // namespace archway::publisher
