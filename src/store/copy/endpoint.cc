#include "store/copy/endpoint.h"

#include <fmt/format.h>

namespace archway::store::copy {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A query parameter's name as libpq reads it (percent-escapes decoded); an escape that is not
// two hex digits is kept as it is (libpq refuses the URL then).
std::string decoded(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

std::string redact_url(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const std::size_t start = scheme + 3;
  std::string out(url.substr(0, start));
  // The user part ends at the first '@' before any '/' (as libpq reads it); its password follows
  // the first ':'.
  const auto end_of_userinfo = url.find_first_of("@/", start);
  std::size_t rest = start;
  if (end_of_userinfo != std::string_view::npos && url[end_of_userinfo] == '@') {
    const std::string_view userinfo = url.substr(start, end_of_userinfo - start);
    const auto colon = userinfo.find(':');
    // An empty password (user:@host) is left as it is: there is nothing to hide.
    out += colon == std::string_view::npos || colon + 1 == userinfo.size()
               ? userinfo
               : std::string(userinfo.substr(0, colon + 1)) + "***";
    rest = end_of_userinfo;
  }
  const auto query = url.find('?', rest);
  out += url.substr(rest, query == std::string_view::npos ? std::string_view::npos : query - rest);
  if (query == std::string_view::npos) return out;
  std::size_t pos = query + 1;
  out += '?';
  while (true) {
    const auto amp = url.find('&', pos);
    const std::string_view param =
        url.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    const auto eq = param.find('=');
    if (eq != std::string_view::npos && eq + 1 < param.size() &&
        decoded(param.substr(0, eq)) == "password")
      out += std::string(param.substr(0, eq + 1)) + "***";
    else
      out += param;
    if (amp == std::string_view::npos) break;
    out += '&';
    pos = amp + 1;
  }
  return out;
}

std::string Endpoint::display() const {
  return kind == Kind::kSqlite ? "sqlite:" + location : redact_url(location);
}

std::optional<Endpoint> parse_endpoint(std::string_view text, std::string* error) {
  Endpoint e;
  if (text.starts_with("sqlite:")) {
    e.kind = Endpoint::Kind::kSqlite;
    e.location = std::string(text.substr(7));
    if (e.location.starts_with("//")) e.location = e.location.substr(2);  // sqlite:///abs/path
    if (!e.location.empty()) return e;
    if (error)
      *error = "sqlite: needs a path (sqlite:/var/lib/archway/archway.db or a data directory)";
    return std::nullopt;
  }
  if (text.starts_with("postgresql://") || text.starts_with("postgres://")) {
    e.kind = Endpoint::Kind::kPostgres;
    e.location = std::string(text);
    return e;
  }
  if (!error) return std::nullopt;
  // A libpq key=value string (host=db password=...) is not echoed: its password would be.
  if (text.find('=') != std::string_view::npos)
    *error =
        "neither sqlite:PATH nor a postgresql:// URL (a key=value connection string is not taken: "
        "write it as a postgresql:// URL)";
  else
    *error = fmt::format("'{}' is neither sqlite:PATH nor a postgresql:// URL", redact_url(text));
  return std::nullopt;
}

}  // namespace archway::store::copy
