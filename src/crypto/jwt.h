#pragma once
// Compact JWS/JWT (RFC 7515/7519): parsing with strict limits, signing, and the time/issuer checks
// every verifier needs. Only RS256 and ES256 are accepted; "none" and HMAC never are.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/jwk.h"

namespace archway::crypto {

inline constexpr std::size_t kMaxJwtBytes = 8 * 1024;

enum class JwtError {
  kNone,
  kMalformed,       // not three base64url parts of JSON objects
  kTooLarge,        // over kMaxJwtBytes
  kUnsupportedAlg,  // alg missing, "none", HS*, or anything but RS256/ES256; or a crit header
  kBadSignature,
  kUnknownKey,
  kExpired,
  kNotYetValid,
  kWrongIssuer,
};
std::string_view describe(JwtError e);

struct Jwt {
  boost::json::object header;
  boost::json::object claims;
  std::string signing_input;  // "<header>.<payload>" as received
  std::string signature;      // decoded bytes
  JwsAlg alg = JwsAlg::kRS256;
  std::string kid;
};

std::optional<Jwt> parse_jwt(std::string_view token, JwtError* error);
std::string sign_jwt(const SigningKey& key, const boost::json::object& claims);
bool verify_jwt_signature(const Jwt& jwt, const VerificationKey& key);

// Checks exp (required), nbf and iat-in-the-future with `leeway_s`, and iss when `issuer` is set.
// `require_exp` false accepts a token without exp (API keys that do not expire).
JwtError check_claims(const boost::json::object& claims, std::int64_t now_s, std::int64_t leeway_s,
                      std::string_view issuer, bool require_exp = true);

}  // namespace archway::crypto
