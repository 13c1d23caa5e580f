#include "domain/server_info.h"

#include <fmt/format.h>

namespace archway::domain {

std::vector<std::string> gateway_urls(const VirtualHost& vhost) {
  std::vector<std::string> out;
  const std::string host = vhost.host.find(':') == std::string::npos ? vhost.host : "[" + vhost.host + "]";  // IPv6
  if (vhost.http_port >= 0) out.push_back(fmt::format("http://{}:{}{}", host, vhost.http_port, vhost.http_context));
  if (vhost.https_port >= 0)
    out.push_back(fmt::format("https://{}:{}{}", host, vhost.https_port, vhost.http_context));
  return out;
}

}  // namespace archway::domain
