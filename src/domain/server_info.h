#pragma once
// What the REST settings and key-manager calls tell clients about this server: its gateway
// environments (with the URLs they answer on) and its Key Manager's endpoints. app/ builds it
// when asked, since listener ports picked at start (port 0) are known only once bound.
#include <functional>
#include <string>
#include <vector>

namespace archway::domain {

// A gateway environment APIs are deployed to (the product's Environment).
struct GatewayEnvironment {
  std::string name = "Default";
  std::string display_name = "Default";
  std::string type = "hybrid";  // serves production and sandbox keys
  std::string host = "localhost";
  int http_port = -1;   // -1: no plain listener
  int https_port = -1;  // -1: no TLS listener
};

struct ServerInfo {
  std::vector<GatewayEnvironment> environments;
  std::string management_url;   // where the REST APIs answer, e.g. https://localhost:9443
  std::string token_endpoint;   // the resident Key Manager's
  std::string revoke_endpoint;
};

using ServerInfoSource = std::function<ServerInfo()>;

// "http://host:port" and "https://host:port" of the environment's listeners, in that order.
std::vector<std::string> gateway_urls(const GatewayEnvironment& env);

}  // namespace archway::domain
