#include "devportal/settings_rest.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/json.h"
#include "devportal/devportal_rest.h"
#include "devportal/visibility.h"
#include "domain/key_manager_info.h"
#include "identity/roles.h"
#include "identity/user_service.h"

namespace archway::devportal {

namespace json = boost::json;
using http::RestRequest;
using http::RestResponse;

namespace {

std::string path(std::string_view suffix) { return std::string(kDevportalBase) + std::string(suffix); }
RestResponse ok(const json::value& v) { return RestResponse::json(200, json::serialize(v)); }

}  // namespace

void add_settings_routes(http::RestRouter& r, store::Store& store, identity::Authenticator& auth,
                         domain::ServerInfoSource server, bool self_signup) {
  r.add("GET", path("/settings"), [&auth, server, self_signup](RestRequest& req) {
    reader_of(auth, req);
    const domain::ServerInfo info = server();
    json::array grants;
    for (auto g : domain::kSupportedGrantTypes) grants.emplace_back(g);
    std::vector<std::string> urls;
    if (!info.environments.empty())  // this server's own gateway
      for (const auto& vhost : info.environments.front().vhosts)
        for (auto& u : domain::gateway_urls(vhost)) urls.push_back(std::move(u));
    json::object o;
    o["grantTypes"] = std::move(grants);
    o["scopes"] = json::array{identity::kScopeSubscribe};
    o["applicationSharingEnabled"] = false;
    o["mapExistingAuthApps"] = true;  // POST /applications/{id}/map-keys, for external key managers
    o["apiGatewayEndpoint"] = fmt::format("{}", fmt::join(urls, ","));
    o["monetizationEnabled"] = false;
    o["recommendationEnabled"] = false;
    o["IsUnlimitedTierPaid"] = false;
    o["identityProvider"] = json::object{{"external", false}};
    o["IsAnonymousModeEnabled"] = true;
    o["IsPasswordChangeEnabled"] = true;
    o["userStorePasswordPattern"] =
        fmt::format("^[\\S\\s]{{{},{}}}$", identity::kPasswordMinLength, identity::kPasswordMaxLength);
    o["passwordPolicyPattern"] = "";
    o["passwordPolicyMinLength"] = identity::kPasswordMinLength;
    o["passwordPolicyMaxLength"] = identity::kPasswordMaxLength;
    o["selfSignUpEnabled"] = self_signup;  // Archway: whether POST /me/sign-up creates accounts
    return ok(o);
  });

  // No custom application attributes are configured on this server: the list is empty.
  r.add("GET", path("/settings/application-attributes"), [&auth](RestRequest& req) {
    reader_of(auth, req);
    return ok(common::list_body(json::array()));
  });

  r.add("GET", path("/key-managers"), [&store, &auth, server](RestRequest& req) {
    reader_of(auth, req);
    return ok(domain::key_manager_list(server(), store.list_key_managers()));
  });
}

}  // namespace archway::devportal
