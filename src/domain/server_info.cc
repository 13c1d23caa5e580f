#include "domain/server_info.h"

#include <fmt/format.h>

namespace archway::domain {

std::vector<std::string> gateway_urls(const GatewayEnvironment& env) {
  std::vector<std::string> out;
  const std::string host = env.host.find(':') == std::string::npos ? env.host : "[" + env.host + "]";  // IPv6
  if (env.http_port >= 0) out.push_back(fmt::format("http://{}:{}", host, env.http_port));
  if (env.https_port >= 0) out.push_back(fmt::format("https://{}:{}", host, env.https_port));
  return out;
}

}  // namespace archway::domain
