// libFuzzer target for the management plane's request routing (src/http/rest_router): every
// request to the Publisher, DevPortal, Admin and OAuth APIs goes through it before any check.
// The first byte picks the method; the rest is a request target ("path?query"), which is also
// given as an Authorization value. Checks:
// - a route table like the real one (parameters, literal siblings of parameters, "{name...}"
//   tails) added in two orders chooses the same route, whose method is the request's, and a
//   match sets path_known;
// - a matched route's parameters, percent-encoded back into its pattern, match the same route
//   with the same parameters;
// - parse_query's pairs, encoded again, parse back to the same map; percent_decode never grows
//   its input and undoes a full encoding;
// - parse_basic_auth's user and password, encoded again, decode to themselves.
// Built and run by `make fuzz` (scripts/fuzz.sh); seeds in tests/corpus/rest_router.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/core/detail/base64.hpp>

#include "http/rest_router.h"

namespace {

using namespace archway::http;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

struct Route {
  std::string_view method;
  std::string_view pattern;
};

// No two routes share a method and the places of their literal segments (ties are undefined).
constexpr Route kRoutes[] = {
    {"GET", "/apis"},
    {"POST", "/apis"},
    {"GET", "/apis/export"},
    {"POST", "/apis/import-openapi"},
    {"GET", "/apis/{apiId}"},
    {"PUT", "/apis/{apiId}"},
    {"DELETE", "/apis/{apiId}"},
    {"GET", "/apis/{apiId}/swagger"},
    {"PUT", "/apis/{apiId}/swagger"},
    {"GET", "/apis/{apiId}/documents/{documentId}"},
    {"GET", "/apis/{apiId}/documents/validate"},
    {"GET", "/apis/{apiId}/documents/{documentId}/content"},
    {"GET", "/apis/{apiId}/comments/{commentId}/replies"},
    {"GET", "/applications/{applicationId}/keys/{keyType}"},
    {"POST", "/applications/{applicationId}/api-keys/{keyType}/generate"},
    {"POST", "/cancel-revision-workflow/{revisionId}/{envName}"},
    {"GET", "/assets/{path...}"},
    {"GET", "/assets/index.html"},
    {"GET", "/devportal/{rest...}"},
    {"GET", "/oauth2/token/.well-known/openid-configuration"},
    {"POST", "/oauth2/token"},
    {"GET", "/"},
};
constexpr std::size_t kRouteCount = sizeof(kRoutes) / sizeof(kRoutes[0]);
constexpr std::string_view kMethods[] = {"GET", "POST", "PUT", "DELETE", "PATCH"};

RestRouter make_router(bool reversed) {
  RestRouter r;
  for (std::size_t k = 0; k < kRouteCount; ++k) {
    const std::size_t i = reversed ? kRouteCount - 1 - k : k;
    r.add(kRoutes[i].method, kRoutes[i].pattern, [i](RestRequest&) {
      RestResponse res;
      res.status = static_cast<int>(i);
      return res;
    });
  }
  return r;
}

const RestRouter& router(bool reversed) {
  static const RestRouter forward = make_router(false);
  static const RestRouter backward = make_router(true);
  return reversed ? backward : forward;
}

// Percent-encodes all but unreserved characters, or (`all`) every byte.
std::string encode(std::string_view s, bool all = false) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (all) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// The route a request lands on (its index in kRoutes), or -1.
int route_of(RestRequest& req, bool reversed, bool& known) {
  const RestHandler* h = router(reversed).match(req, known);
  if (!h) return -1;
  return (*h)(req).status;
}

void fuzz_match(std::string_view method, std::string_view path) {
  RestRequest a;
  a.method = std::string(method);
  a.path = std::string(path);
  RestRequest b = a;
  bool known_a = false;
  bool known_b = false;
  const int ra = route_of(a, false, known_a);
  const int rb = route_of(b, true, known_b);
  check(ra == rb && known_a == known_b);
  check(a.path_params == b.path_params);
  if (ra < 0) return;
  check(known_a && kRoutes[ra].method == method);
  // The pattern with each parameter replaced by its encoded value leads back to the same place.
  const std::string_view pattern = kRoutes[ra].pattern;
  if (pattern.ends_with("...}")) return;  // a tail's decoded '/' is not recoverable
  std::string rebuilt;
  std::size_t i = 0;
  while (i < pattern.size()) {
    const std::size_t open = pattern.find('{', i);
    if (open == std::string_view::npos) {
      rebuilt += pattern.substr(i);
      break;
    }
    const std::size_t close = pattern.find('}', open);
    rebuilt += pattern.substr(i, open - i);
    const auto it = a.path_params.find(std::string(pattern.substr(open + 1, close - open - 1)));
    check(it != a.path_params.end());
    rebuilt += encode(it->second, true);  // fully, so that no value reads as a literal segment
    i = close + 1;
  }
  RestRequest c;
  c.method = a.method;
  c.path = rebuilt;
  bool known_c = false;
  check(route_of(c, false, known_c) == ra && c.path_params == a.path_params);
}

void fuzz_query(std::string_view query) {
  const auto pairs = parse_query(query);
  std::string again;
  for (const auto& [k, v] : pairs) {
    if (k.empty() && v.empty()) continue;
    if (!again.empty()) again += '&';
    again += encode(k) + "=" + encode(v);
  }
  auto back = parse_query(again);
  for (const auto& [k, v] : pairs)
    if (k.empty() && v.empty()) back.emplace(k, v);
  check(back == pairs);
}

void fuzz_decode(std::string_view s) {
  check(percent_decode(s).size() <= s.size());
  check(percent_decode(s, true).size() <= s.size());
  check(percent_decode(encode(s)) == s && percent_decode(encode(s), true) == s);
}

void fuzz_basic(std::string_view authorization) {
  namespace b64 = boost::beast::detail::base64;
  const auto creds = parse_basic_auth(authorization);
  if (!creds) return;
  check(creds->first.find(':') == std::string::npos);
  const std::string plain = creds->first + ":" + creds->second;
  std::string enc(b64::encoded_size(plain.size()), '\0');
  enc.resize(b64::encode(enc.data(), plain.data(), plain.size()));
  const auto again = parse_basic_auth("Basic " + enc);
  check(again && *again == *creds);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view method = kMethods[data[0] % 5];
  const std::string_view target(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t q = target.find('?');
  fuzz_match(method, target.substr(0, q));
  if (q != std::string_view::npos) fuzz_query(target.substr(q + 1));
  fuzz_decode(target);
  fuzz_basic(target);
  return 0;
}
