#include "crypto/jwt.h"

#include <boost/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

#include "crypto/base64url.h"

namespace archway::crypto {

namespace json = boost::json;

std::string_view describe(JwtError e) {
  switch (e) {
    case JwtError::kNone: return "valid";
    case JwtError::kMalformed: return "the token is not a well-formed JWT";
    case JwtError::kTooLarge: return "the token is too large";
    case JwtError::kUnsupportedAlg: return "the token's signing algorithm is not accepted";
    case JwtError::kBadSignature: return "the token's signature does not verify";
    case JwtError::kUnknownKey: return "the token was signed by an unknown key";
    case JwtError::kExpired: return "the token has expired";
    case JwtError::kNotYetValid: return "the token is not valid yet";
    case JwtError::kWrongIssuer: return "the token's issuer is not trusted";
  }
  return "invalid token";
}

namespace {

std::optional<json::object> decode_object(std::string_view part) {
  auto bytes = base64url_decode(part);
  if (!bytes) return std::nullopt;
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 16;
  json::value v = json::parse(*bytes, ec, {}, opts);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

std::optional<std::int64_t> int_claim(const json::object& c, std::string_view k, bool& malformed) {
  auto* v = c.if_contains(k);
  if (!v) return std::nullopt;
  // Out-of-range times saturate: a far-future nbf stays in the future, a far-past exp in the past.
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return v->get_uint64() > static_cast<std::uint64_t>(kMax) ? kMax : static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double()) {
    const double d = v->get_double();
    if (std::isnan(d)) {
      malformed = true;
      return std::nullopt;
    }
    if (d >= 9.2e18) return kMax;
    if (d <= -9.2e18) return kMin;
    return static_cast<std::int64_t>(d);
  }
  malformed = true;
  return std::nullopt;
}

}  // namespace

std::optional<Jwt> parse_jwt(std::string_view token, JwtError* error) {
  auto fail = [&](JwtError e) -> std::optional<Jwt> {
    if (error) *error = e;
    return std::nullopt;
  };
  if (token.size() > kMaxJwtBytes) return fail(JwtError::kTooLarge);
  const auto d1 = token.find('.');
  if (d1 == std::string_view::npos) return fail(JwtError::kMalformed);
  const auto d2 = token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos)
    return fail(JwtError::kMalformed);
  Jwt jwt;
  auto header = decode_object(token.substr(0, d1));
  if (!header) return fail(JwtError::kMalformed);
  jwt.header = std::move(*header);
  auto* alg = jwt.header.if_contains("alg");
  if (!alg || !alg->is_string()) return fail(JwtError::kUnsupportedAlg);
  auto parsed = parse_alg(alg->get_string());
  if (!parsed || jwt.header.contains("crit")) return fail(JwtError::kUnsupportedAlg);
  jwt.alg = *parsed;
  if (auto* kid = jwt.header.if_contains("kid"); kid && kid->is_string()) jwt.kid = std::string(kid->get_string());
  auto claims = decode_object(token.substr(d1 + 1, d2 - d1 - 1));
  if (!claims) return fail(JwtError::kMalformed);
  jwt.claims = std::move(*claims);
  auto sig = base64url_decode(token.substr(d2 + 1));
  if (!sig || sig->empty()) return fail(JwtError::kMalformed);
  jwt.signature = std::move(*sig);
  jwt.signing_input = std::string(token.substr(0, d2));
  if (error) *error = JwtError::kNone;
  return jwt;
}

std::string sign_jwt(const SigningKey& key, const json::object& claims) {
  json::object header{{"alg", alg_name(key.alg())}, {"typ", "JWT"}, {"kid", key.kid()}};
  std::string input = base64url_encode(json::serialize(header)) + "." + base64url_encode(json::serialize(claims));
  const std::string sig = key.sign(input);
  return input + "." + base64url_encode(sig);
}

bool verify_jwt_signature(const Jwt& jwt, const VerificationKey& key) {
  if (jwt.alg != key.alg()) return false;  // never let the token choose how its key is used
  return key.verify(jwt.signing_input, jwt.signature);
}

JwtError check_claims(const json::object& c, std::int64_t now, std::int64_t leeway, std::string_view issuer,
                      bool require_exp) {
  bool malformed = false;
  const auto exp = int_claim(c, "exp", malformed);
  const auto nbf = int_claim(c, "nbf", malformed);
  const auto iat = int_claim(c, "iat", malformed);
  if (malformed || (!exp && require_exp)) return JwtError::kMalformed;
  if (exp && now - leeway > *exp) return JwtError::kExpired;  // not *exp + leeway: exp may be the maximum
  if (nbf && now + leeway < *nbf) return JwtError::kNotYetValid;
  if (iat && now + leeway < *iat) return JwtError::kNotYetValid;
  if (!issuer.empty()) {
    auto* iss = c.if_contains("iss");
    if (!iss || !iss->is_string() || iss->get_string() != issuer) return JwtError::kWrongIssuer;
  }
  return JwtError::kNone;
}

}  // namespace archway::crypto
