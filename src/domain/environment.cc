#include "domain/environment.h"

#include "domain/api.h"

namespace archway::domain {

namespace {

// Replaces each {{name}} whose name is a property; other text stays as it is.
std::string substitute(const std::string& text, const EnvironmentProperties& properties) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find("{{", at);
    const std::size_t close = open == std::string::npos ? open : text.find("}}", open + 2);
    if (close == std::string::npos) break;
    const auto it = properties.find(text.substr(open + 2, close - open - 2));
    out.append(text, at, open - at);
    if (it != properties.end())
      out += it->second;
    else
      out.append(text, open, close + 2 - open);
    at = close + 2;
  }
  out.append(text, at);
  return out;
}

void apply_to(std::optional<Endpoint>& primary, std::vector<Endpoint>& group,
              const EnvironmentProperties& properties, const char* override_key) {
  for (auto& e : group) e.url = substitute(e.url, properties);
  if (primary) primary->url = substitute(primary->url, properties);
  const auto it = properties.find(override_key);
  if (it == properties.end() || !primary) return;
  if (!group.empty() && group.front().url == primary->url) group.front().url = it->second;
  primary->url = it->second;
}

}  // namespace

void apply_environment_properties(Api& api, const EnvironmentProperties& properties) {
  if (properties.empty()) return;
  EndpointConfig& c = api.endpoint_config;
  apply_to(c.production, c.production_group, properties, "productionEndpoint");
  apply_to(c.sandbox, c.sandbox_group, properties, "sandboxEndpoint");
}

std::vector<std::string> endpoint_urls(const Api& api) {
  std::vector<std::string> out;
  const EndpointConfig& c = api.endpoint_config;
  if (c.production) out.push_back(c.production->url);
  if (c.sandbox) out.push_back(c.sandbox->url);
  for (const auto& e : c.production_group) out.push_back(e.url);
  for (const auto& e : c.sandbox_group) out.push_back(e.url);
  return out;
}

}  // namespace archway::domain
