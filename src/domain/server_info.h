#pragma once
// What the REST settings and key-manager calls tell clients about this server: its gateway
// environments (with the URLs they answer on) and its Key Manager's endpoints. app/ builds it
// when asked, since listener ports picked at start (port 0) are known only once bound.
#include <functional>
#include <string>
#include <vector>

#include "domain/environment.h"

namespace archway::domain {

struct ServerInfo {
  std::vector<Environment> environments;  // the built-in one first
  std::string management_url;   // where the REST APIs answer, e.g. https://localhost:9443
  std::string token_endpoint;   // the resident Key Manager's
  std::string revoke_endpoint;
};

using ServerInfoSource = std::function<ServerInfo()>;

// "http://host:port[/context]" and "https://..." of a virtual host's listeners, in that order.
std::vector<std::string> gateway_urls(const VirtualHost& vhost);

}  // namespace archway::domain
