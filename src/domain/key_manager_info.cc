#include "domain/key_manager_info.h"

#include <boost/json.hpp>

#include "common/json.h"

namespace archway::domain {

namespace json = boost::json;

namespace {

json::object info(std::string_view id, std::string_view name, std::string_view type, std::string_view display_name,
                  std::string_view description, bool enabled) {
  return json::object{{"id", id},
                      {"name", name},
                      {"type", type},
                      {"displayName", display_name},
                      {"description", description},
                      {"enabled", enabled},
                      {"enableTokenEncryption", false},
                      {"enableTokenHashing", false},
                      {"additionalProperties", json::object()}};
}

}  // namespace

json::object resident_key_manager_info(const ServerInfo& server) {
  json::object o = info(kResidentKeyManagerId, kResidentKeyManager, "default", kResidentKeyManager,
                        "The built-in Key Manager: OAuth2 clients of applications and their JWT access tokens", true);
  json::array grants;
  for (auto g : kSupportedGrantTypes) grants.emplace_back(g);
  o["availableGrantTypes"] = std::move(grants);
  o["tokenEndpoint"] = server.token_endpoint;
  o["revokeEndpoint"] = server.revoke_endpoint;
  o["userInfoEndpoint"] = "";
  o["enableTokenGeneration"] = true;
  o["enableOAuthAppCreation"] = true;
  o["enableMapOAuthConsumerApps"] = false;
  // The one per-client setting a key mapping's additionalProperties takes (PUT oauth-keys/{id}).
  o["applicationConfiguration"] = json::array{json::object{
      {"name", kTokenExpiryProperty},
      {"label", "Application Access Token Expiry Time"},
      {"type", "input"},
      {"required", false},
      {"mask", false},
      {"multiple", false},
      {"tooltip", "Lifetime of the access tokens issued to the application, in seconds"},
      {"default", "3600"},
      {"values", json::array()}}};
  return o;
}

json::object external_key_manager_info(const ExternalKeyManager& km) {
  json::object o = info(km.id, km.name, km.type, km.display_name.empty() ? km.name : km.display_name,
                        km.description, km.enabled);
  o["availableGrantTypes"] = json::array();  // its clients' grants are the external server's business
  o["tokenEndpoint"] = "";
  o["revokeEndpoint"] = "";
  o["userInfoEndpoint"] = "";
  o["enableTokenGeneration"] = false;
  o["enableOAuthAppCreation"] = false;
  o["enableMapOAuthConsumerApps"] = true;
  o["applicationConfiguration"] = json::array();
  return o;
}

json::object key_manager_list(const ServerInfo& server, const std::vector<ExternalKeyManager>& externals) {
  json::array items{resident_key_manager_info(server)};
  for (const auto& k : externals)
    if (k.enabled) items.push_back(external_key_manager_info(k));
  return common::list_body(std::move(items));
}

}  // namespace archway::domain
