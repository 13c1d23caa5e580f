// libFuzzer target for the OAuth endpoints' form parsing: /oauth2/token, /oauth2/authorize,
// /oauth2/revoke and /oauth2/introspect read application/x-www-form-urlencoded bodies with
// http::parse_query and client credentials from a Basic Authorization header with
// http::parse_basic_auth (src/keymanager/oauth_rest.cc). The input's first line is the
// Authorization value, the rest the body. Checks:
// - parse_query agrees with a plain reading of the form (split at '&', then at the first '=',
//   '+' as space, %XX decoded, the last of a repeated name wins, empty pairs skipped);
// - the pairs written out again as a form (spaces as '+') read back to the same pairs;
// - Basic credentials contain no ':' in the user part, and re-encoded decode to themselves.
// Built and run by `make fuzz` (scripts/fuzz.sh); seeds in tests/corpus/oauth_form.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <boost/beast/core/detail/base64.hpp>

#include "http/rest_router.h"

namespace {

using namespace archway::http;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The form decoding as the HTML and OAuth specifications describe it, written plainly.
std::string form_decode(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '+') {
      out += ' ';
      ++i;
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 3;
    } else {
      out += s[i++];
    }
  }
  return out;
}

std::map<std::string, std::string> plain_form(std::string_view body) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t amp = body.find('&', start);
    const std::string_view pair = body.substr(start, amp == std::string_view::npos ? body.npos : amp - start);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      const std::string_view name = pair.substr(0, eq);
      const std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
      out[form_decode(name)] = form_decode(value);
    }
    if (amp == std::string_view::npos) return out;
    start = amp + 1;
  }
}

std::string form_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (c == ' ') {
      out += '+';
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
               c == '.' || c == '_' || c == '*') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace b64 = boost::beast::detail::base64;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = in.find('\n');
  const std::string_view authorization = in.substr(0, nl);
  const std::string_view body = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);

  const auto form = parse_query(body);
  check(form == plain_form(body));
  std::string again;
  for (const auto& [k, v] : form) {
    if (k.empty() && v.empty()) continue;  // "=" alone: written again it would be an empty pair
    again += (again.empty() ? "" : "&") + form_encode(k) + "=" + form_encode(v);
  }
  auto back = parse_query(again);
  if (auto it = form.find(""); it != form.end() && it->second.empty()) back.emplace("", "");
  check(back == form);

  if (const auto creds = parse_basic_auth(authorization)) {
    check(creds->first.find(':') == std::string::npos);
    const std::string plain = creds->first + ":" + creds->second;
    std::string enc(b64::encoded_size(plain.size()), '\0');
    enc.resize(b64::encode(enc.data(), plain.data(), plain.size()));
    const auto again_creds = parse_basic_auth("Basic " + enc);
    check(again_creds && *again_creds == *creds);
  }
  return 0;
}
