#pragma once
// HTTP Digest access authentication (RFC 7616), client side, as the gateway uses it toward
// backends whose endpoint_security is DIGEST: reading a server's challenge and computing the
// Authorization header that answers it. MD5 and SHA-256, with or without "-sess"; qop "auth"
// (or none, RFC 2069 style, when the server offers no qop).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace archway::crypto {

struct DigestChallenge {
  std::string realm;
  std::string nonce;
  std::string opaque;           // echoed back when present
  std::string algorithm = "MD5";  // MD5, MD5-sess, SHA-256 or SHA-256-sess (canonical spelling)
  bool qop_auth = false;        // the server offers qop "auth"
  bool has_opaque = false;
  bool stale = false;           // the nonce expired; the credentials themselves were fine
};

// The auth-params of one header value ("Digest a=1, b=\"x, y\"" -> {a: 1, b: "x, y"}) after the
// scheme named `scheme` (case-insensitive); nullopt when the value has no such scheme. Parameter
// names are lower-cased.
std::optional<std::map<std::string, std::string>> auth_params(std::string_view header, std::string_view scheme);

// The Digest challenge of a WWW-Authenticate value (which may list other schemes too); nullopt
// when there is none, it lacks realm or nonce, or its algorithm or qop cannot be answered.
std::optional<DigestChallenge> parse_digest_challenge(std::string_view www_authenticate);

// The "response" value (lower-case hex) of RFC 7616 §3.4.1 for qop "auth", or, when `qop` is
// empty, RFC 2069's H(HA1:nonce:HA2).
std::string digest_response(std::string_view algorithm, std::string_view username, std::string_view realm,
                            std::string_view password, std::string_view nonce, std::string_view nc,
                            std::string_view cnonce, std::string_view qop, std::string_view method,
                            std::string_view uri);

// The Authorization header value answering `c` for a request `method uri`, the nonce's `nc`-th use
// (1-based), with the client nonce `cnonce`.
std::string digest_authorization(const DigestChallenge& c, std::string_view username, std::string_view password,
                                 std::string_view method, std::string_view uri, std::uint32_t nc,
                                 std::string_view cnonce);

}  // namespace archway::crypto
