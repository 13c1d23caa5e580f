#include "publisher/settings_rest.h"

#include <boost/json.hpp>

#include "common/json.h"
#include "common/problem.h"
#include "domain/key_manager_info.h"
#include "identity/roles.h"
#include "publisher/publisher_rest.h"

namespace archway::publisher {

namespace json = boost::json;
using http::RestRequest;
using http::RestResponse;

namespace {

RestResponse ok(const json::value& v) { return RestResponse::json(200, json::serialize(v)); }

// The product's Environment as the Publisher's settings list it: its virtual hosts with their
// ports and the URLs they answer on.
json::object environment_json(const domain::Environment& env, const std::string& server_url) {
  json::array vhosts;
  json::array uris;
  for (const auto& v : env.vhosts) {
    json::object vhost{{"host", v.host}, {"httpContext", v.http_context}};
    if (v.http_port >= 0) vhost["httpPort"] = v.http_port;
    if (v.https_port >= 0) vhost["httpsPort"] = v.https_port;
    if (v.ws_port >= 0) vhost["wsPort"] = v.ws_port;
    if (v.wss_port >= 0) vhost["wssPort"] = v.wss_port;
    vhosts.push_back(std::move(vhost));
    for (const auto& url : domain::gateway_urls(v))
      uris.push_back(json::object{{"protocol", url.substr(0, url.find(':'))}, {"endpointURI", url}});
  }
  json::array props;
  for (const auto& [k, v] : env.additional_properties) props.push_back(json::object{{"key", k}, {"value", v}});
  return json::object{{"id", env.id},
                      {"name", env.name},
                      {"displayName", env.display_name},
                      {"type", env.type},
                      {"provider", env.provider},
                      {"serverUrl", server_url},
                      {"showInApiConsole", true},
                      {"vhosts", std::move(vhosts)},
                      {"endpointURIs", std::move(uris)},
                      {"additionalProperties", std::move(props)}};
}

}  // namespace

void add_settings_routes(http::RestRouter& r, ApiService& apis, store::Store& store,
                         identity::Authenticator& auth, domain::ServerInfoSource server) {
  auto reader = [&auth](const RestRequest& req) {
    auth.authorize(req, {domain::kRoleCreator, domain::kRolePublisher}, identity::kScopeApiView);
  };

  r.add("GET", publisher_path("/settings"), [reader, server](RestRequest& req) {
    reader(req);
    const domain::ServerInfo info = server();
    json::array envs;
    for (const auto& env : info.environments) envs.push_back(environment_json(env, info.management_url));
    json::object o;
    o["environment"] = std::move(envs);
    o["gatewayTypes"] = json::array{"Regular"};
    o["scopes"] = json::array{identity::kScopeApiView, identity::kScopeApiCreate, identity::kScopeApiPublish,
                              identity::kScopeApiImportExport, identity::kScopeSharedScopeManage};
    o["monetizationEnabled"] = false;
    o["monetizationAttributes"] = json::array();
    o["subscriberContactAttributes"] = json::array();
    o["externalStoresEnabled"] = false;
    o["docVisibilityEnabled"] = true;  // documents take API_LEVEL, PRIVATE or OWNER_ONLY visibility
    o["crossTenantSubscriptionEnabled"] = false;
    o["defaultAdvancePolicy"] = "Unlimited";
    o["defaultSubscriptionPolicy"] = "Unlimited";
    o["authorizationHeader"] = "Authorization";
    return ok(o);
  });

  r.add("GET", publisher_path("/key-managers"), [&store, reader, server](RestRequest& req) {
    reader(req);
    return ok(domain::key_manager_list(server(), store.list_key_managers()));
  });

  // The definition linter rules the Admin set (PUT /api/am/admin/v4/settings/linter-custom-rules),
  // a Spectral ruleset the Publisher applies when it lints a definition; 404 when none are set.
  r.add("GET", publisher_path("/linter-custom-rules"), [&store, reader](RestRequest& req) {
    reader(req);
    const auto rules = store.server_setting("linter-custom-rules");
    if (!rules) throw common::ProblemError(common::Problem::not_found("No linter custom rules are set"));
    return RestResponse::json(200, *rules);
  });

  r.add("GET", publisher_path("/tags"), [&apis, reader](RestRequest& req) {
    reader(req);
    json::array items;
    for (const auto& [tag, n] : apis.tags()) items.push_back(json::object{{"value", tag}, {"count", n}});
    return ok(common::list_body(std::move(items)));
  });
}

}  // namespace archway::publisher
