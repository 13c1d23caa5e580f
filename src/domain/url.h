#pragma once
// Backend URLs split into the parts a gateway needs to connect and build request targets.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace archway::domain {

struct BackendUrl {
  bool tls = false;
  std::string host;
  std::uint16_t port = 0;
  std::string base_path;  // without a trailing slash; "" for the root

  std::string authority() const;  // host[:port], as sent in Host
};

// Parses an absolute http(s) URL; nullopt with `error` set when it does not parse or is not http(s).
std::optional<BackendUrl> parse_backend_url(std::string_view url, std::string* error = nullptr);

// Whether an endpoint URL as an API states it is well formed: an absolute http(s) URL once each
// "{{name}}" placeholder (letters, digits, '_', '-', '.'; filled per gateway environment) stands for
// a host or path word. false with `error` set otherwise.
bool valid_endpoint_url(std::string_view url, std::string* error = nullptr);

}  // namespace archway::domain
