#include "domain/url.h"

#include <boost/url/parse.hpp>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace archway::domain {

std::string BackendUrl::authority() const {
  const bool default_port = (tls && port == 443) || (!tls && port == 80);
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return default_port ? h : h + ":" + std::to_string(port);
}

std::optional<BackendUrl> parse_backend_url(std::string_view text, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<BackendUrl> {
    if (error) *error = why;
    return std::nullopt;
  };
  auto r = boost::urls::parse_absolute_uri(text);
  if (!r) return fail("is not an absolute URL");
  const auto& u = *r;
  BackendUrl out;
  if (u.scheme() == "http") {
    out.tls = false;
  } else if (u.scheme() == "https") {
    out.tls = true;
  } else {
    return fail("must use the http or https scheme");
  }
  if (!u.has_authority() || u.encoded_host().empty()) return fail("has no host");
  if (u.has_userinfo()) return fail("must not carry credentials");
  if (u.has_fragment()) return fail("must not have a fragment");
  if (u.has_query()) return fail("must not have a query string");
  out.host = std::string(u.host_address());
  if (u.has_port()) {
    auto p = u.port();
    unsigned v = 0;
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (ec != std::errc() || ptr != p.data() + p.size() || v == 0 || v > 65535)
      return fail("has an invalid port");
    out.port = static_cast<std::uint16_t>(v);
  } else {
    out.port = out.tls ? 443 : 80;
  }
  std::string path(u.encoded_path());
  while (!path.empty() && path.back() == '/') path.pop_back();
  out.base_path = std::move(path);
  return out;
}

bool valid_endpoint_url(std::string_view url, std::string* error) {
  std::string filled;
  std::size_t at = 0;
  while (at < url.size()) {
    const std::size_t open = url.find("{{", at);
    if (open == std::string_view::npos) break;
    const std::size_t close = url.find("}}", open + 2);
    const std::string_view name = close == std::string_view::npos ? "" : url.substr(open + 2, close - open - 2);
    const bool valid = !name.empty() && name.size() <= 255 && std::all_of(name.begin(), name.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '_' || c == '-' || c == '.';
    });
    if (!valid) {
      if (error) *error = "has a '{{' placeholder that is not '{{name}}' (letters, digits, '_', '-', '.')";
      return false;
    }
    filled.append(url, at, open - at);
    filled += "placeholder";
    at = close + 2;
  }
  filled.append(url, at);
  return parse_backend_url(filled, error).has_value();
}

}  // namespace archway::domain
