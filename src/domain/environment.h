#pragma once
// Gateway environments (the product's Environment): named groups of gateways that API revisions are
// deployed to. The built-in environment ("Default") is this server's own gateway and cannot be
// changed through REST; the Admin API adds more, each served by the gateways configured with its
// name (`gateway.environment`).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace archway::domain {

inline constexpr std::string_view kDefaultEnvironment = "Default";

// A host name (with an optional context prefix) the environment's gateways answer on. A port of -1:
// no such listener.
struct VirtualHost {
  std::string host;
  std::string http_context;  // "" or "/prefix"
  int http_port = 80;
  int https_port = 443;
  int ws_port = 9099;
  int wss_port = 8099;
  std::string ws_host;   // "" = host
  std::string wss_host;  // "" = host
};

struct Environment {
  std::string id;  // a UUID; the built-in environment's id is its name, as the product has it
  std::string name;
  std::string display_name;
  std::string description;
  std::string provider = "wso2";
  std::string type = "hybrid";  // hybrid: production and sandbox keys; production; sandbox
  std::string gateway_type = "Regular";
  bool read_only = false;  // the built-in one
  std::vector<VirtualHost> vhosts;
  std::vector<std::pair<std::string, std::string>> additional_properties;  // key, value in order
  std::string permission_type = "PUBLIC";                                  // PUBLIC, ALLOW or DENY
  std::vector<std::string> permission_roles;
  std::int64_t created_time = 0;  // ms
  std::int64_t updated_time = 0;
};

// Whether the environment accepts tokens of a key type ("PRODUCTION"/"SANDBOX").
inline bool accepts_key_type(const Environment& env, std::string_view key_type) {
  if (env.type == "production") return key_type == "PRODUCTION";
  if (env.type == "sandbox") return key_type == "SANDBOX";
  return true;
}

// A gateway node that serves an environment, as its last heartbeat recorded it.
struct GatewayInstance {
  std::string gateway_id;
  std::string environment;       // name
  std::int64_t last_active = 0;  // ms
};

// A platform gateway (the product's Admin /gateways): a remote gateway registered by name, whose
// registration token opens the control plane's gateway feed as cluster.gateway_token does.
struct PlatformGateway {
  std::string id;
  std::string name;  // 3 to 64 of a-z, 0-9 and '-'; unique; never changes
  std::string display_name;
  std::string description;
  std::string vhost;              // the gateway's URL; never changes
  std::string properties = "{}";  // JSON object text
  std::string permission_type = "PUBLIC";  // PUBLIC, ALLOW or DENY (who sees it)
  std::vector<std::string> roles;
  std::string token_hash;  // SHA-256 (hex) of the registration token, which is shown once
  std::int64_t created_time = 0;
  std::int64_t updated_time = 0;
  std::int64_t last_active_time = 0;  // ms; the last feed call made with its token
};

// Per-API, per-environment properties (the product's environment-specific API properties).
using EnvironmentProperties = std::map<std::string, std::string>;

struct Api;

// Applies an API's properties for one environment to its endpoints: "productionEndpoint" and
// "sandboxEndpoint" replace the primary endpoint of that key type, and every "{{name}}" in an
// endpoint URL is replaced by the property of that name.
void apply_environment_properties(Api& api, const EnvironmentProperties& properties);
// Every endpoint URL of the API (primaries, then the groups).
std::vector<std::string> endpoint_urls(const Api& api);

// An admin-defined label attached to APIs.
struct Label {
  std::string id;
  std::string name;
  std::string description;
};

}  // namespace archway::domain
