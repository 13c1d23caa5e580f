// libFuzzer target for JWS/JWT and JWK parsing (src/crypto): tokens arrive from any client of the
// gateway and the OAuth endpoints, JWKS documents from external key managers. The first byte
// picks what the rest is:
// - 0: a compact token. Whatever parse_jwt accepts has alg RS256 or ES256 as its header says
//   (never "none", HS*, or a crit header), a signing input that is the token up to its second
//   dot, and it verifies against neither test key of the other algorithm; check_claims on its
//   claims must return, whatever the numbers.
// - 1: a JWK or a JWKS ({"keys": [...]}). A key that loads has the algorithm its kty implies
//   and its alg member (when given) names; it rejects a signature made by a test key.
// - 2: a JSON claims object, signed with a fixed test key (bit 0 of the second byte picks RS256
//   or ES256): the token parses back to the same claims and verifies with the key's public JWK
//   read back through from_jwk, not with the other key, and not after a byte of it changes.
// Built and run by `make fuzz` (scripts/fuzz.sh); seeds in tests/corpus/jwt.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "crypto/base64url.h"
#include "crypto/jwk.h"
#include "crypto/jwt.h"

namespace {

using namespace archway::crypto;
namespace json = boost::json;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// Test keys for this target only, generated for it; they sign nothing anywhere else.
constexpr std::string_view kEcPem = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgczt8wSx2JW2nehPH
P6zEbpCWgajkaJ8VUTt1vbB4fj6hRANCAARbEW5a9kp1dFtnQSFXEij68C8v0hkE
TK9/i+dsmV1aF0LQeKI1+S+X/U+n1xaoRlbIH7jKeb3AExnXd820AbTo
-----END PRIVATE KEY-----
)";
constexpr std::string_view kRsaPem = R"(-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCv029ITjH/OTvn
k8ntIqBRDA5a+J3dNfWdDNofa9nGrA9Hj51vIrddlK5fRsiViCafIxGlGFKJdFJz
f2TRufazDMThFDs3E6gv5DV8N92kwQ/95jEVDN+oCTjQO+PHQnp6lDrOiEaMnQGy
wNUie7eO62kwiSx4O1sk3R9AVHOhqWj8uAsJXLS7t03iXTP7kEXwxccYVSLVcCAb
oXLalO9vEhRWI4a1EBV4vozH8jhMvkM6BlRzhW3QzUTsflT1fYQWn/njqtiEk/1q
QrIjFsOd8CKKWLQHBBFhABbrzNtXz1jJVwduiECRvCMt7/+8d7U+yTlaEtUdp2Hz
3uQo6njVAgMBAAECggEAD/+d5lchIv9G9WMj8kUej8lYTAxHtv9oLiZjeYzzd6mj
yUfm1Bw1UZlMBYTYDw0gsIW9HwfXyMSSFQrQNmokqbWde3p/Cduqx9LM0BT4QLvF
c/2cVTVC65QNPJtadkDVCq7OrAjH3JcTtrtnmVfnA6TlgSJWLsl92VyacZzNmbW8
rE79uR5dTMJPInYGbA5Rw3vc71elN0VdCSvV2y+o+4rzvXZgmo4vzWRfJfaz/HS1
96lZAaxRZo1noVNaVtusyo0E0Vn6M1xmCoxN9wFIzP6ebnQd88vVKzp9JmvrOrQC
5zMbfgMo4QDbLEWf8IqXEmguqx72nUmhKueW0yxzSQKBgQD4pcdJlqYfUJeuWUG9
41FuyI4UEl9aGzl15rSENfxNH47YAMUxqsRwHqlb8Jfmiee0S2N/vWes/RzoJ/ls
CespMDd4QP53tNIr0qyuJFG111YJvpAk1+5LVbd7Pr37bZI5pPLbpzXQ1vMjt3c8
3MoGoBx3vk0gZPnVF+TYTo8kXQKBgQC1Bmh+5wm4aVkWyw0QPaB1m6ZdVnMdVaME
SwSxS611WAa3iM3JDLVjPKWlrmTDoAOFCBnr0T6aGWd7RR2U+RgKzh5D6IHVKyDm
uf1utzTD1soz4aorT9l9v3wQgIbChkGPb9xw2OJqkjIivBR9cw31Jz6Vviy6Fmo9
D/mV73ze2QKBgDjTmoJE/d52StQ77fx58WiCSYZo1IYBZtZ9TZBRzkHKDplrQ6Yg
QxjkyQwMJos3xU69VBYjsYglqO+eAzEf6zDUpjjDkeTF3KrLUU/TWSFX/3/mn4bs
Grf49SAjrMPDvQGTozV0N6ZtGdB147hzNXDiMt9jDLl0mmyLM3AENE65AoGAcaWs
RL9XYucAf0bK1L9b1Xn6X+6+JlR1G2TddVFFfL3euaqxRt8roTmZ5QIvUIFMtF/5
pgqfeq8oQEOL5tLbPS1Z4tg9ak7BQRjS+ocaITjfiOLLqpVevYtRoCqQb99JmXto
sY/31WAjCZt6Yaexw473w5q5Cbq4x80XrAHGK0ECgYEAwAjOJXbnR3udCplvPAZl
yTKHcJeuQt+KVEico4M81esslPlTE135yaNsJOAbB/FAwQ9nX9hiNPbzFz7kyAcM
hERQVZjS0oYB78FSlQTOEt58yeLmZ3Yo3drG03EOPCZT97O7YymCR75WmE44+2AU
s+I73jM4uSLJMyoG9yEb4hA=
-----END PRIVATE KEY-----
)";

constexpr std::string_view kProbeInput = "eyJhbGciOiJFUzI1NiJ9.e30";

std::string_view strip_zeros(std::string_view b) {
  while (!b.empty() && b.front() == '\0') b.remove_prefix(1);
  return b;
}

struct Keys {
  SigningKey rs = SigningKey::from_pem(kRsaPem, "rs-test", JwsAlg::kRS256);
  SigningKey es = SigningKey::from_pem(kEcPem, "es-test", JwsAlg::kES256);
  VerificationKey rs_public = *VerificationKey::from_jwk(rs.public_jwk());
  VerificationKey es_public = *VerificationKey::from_jwk(es.public_jwk());
  std::string rs_probe = rs.sign(kProbeInput);
  std::string es_probe = es.sign(kProbeInput);
};

const Keys& keys() {
  static const Keys k;
  return k;
}

std::optional<json::value> parse_json(std::string_view text) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 32;
  json::value v = json::parse(text, ec, {}, opts);
  if (ec) return std::nullopt;
  return v;
}

void fuzz_token(std::string_view token) {
  JwtError error = JwtError::kNone;
  auto jwt = parse_jwt(token, &error);
  if (!jwt) {
    check(error != JwtError::kNone);
    return;
  }
  check(error == JwtError::kNone && token.size() <= kMaxJwtBytes);
  const json::value* alg = jwt->header.if_contains("alg");
  check(alg && alg->is_string() && alg->get_string() == alg_name(jwt->alg));
  check(!jwt->header.contains("crit"));
  check(!jwt->signature.empty());
  check(token.starts_with(jwt->signing_input) && token.size() > jwt->signing_input.size() &&
        token[jwt->signing_input.size()] == '.');
  const Keys& k = keys();
  const VerificationKey& other = jwt->alg == JwsAlg::kRS256 ? k.es_public : k.rs_public;
  check(!verify_jwt_signature(*jwt, other));
  const VerificationKey& same = jwt->alg == JwsAlg::kRS256 ? k.rs_public : k.es_public;
  (void)verify_jwt_signature(*jwt, same);  // a forgery would need the private key; the path runs
  (void)check_claims(jwt->claims, 1'800'000'000, 60, "https://issuer.test/token");
  (void)check_claims(jwt->claims, 0, 0, "", false);
}

void fuzz_key(const json::object& jwk) {
  std::string why;
  auto vk = VerificationKey::from_jwk(jwk, &why);
  if (!vk) {
    check(!why.empty());
    return;
  }
  const json::value* kty = jwk.if_contains("kty");
  check(kty && kty->is_string());
  check(vk->alg() == (kty->get_string() == "RSA" ? JwsAlg::kRS256 : JwsAlg::kES256));
  if (const json::value* alg = jwk.if_contains("alg"); alg && alg->is_string())
    check(alg->get_string() == alg_name(vk->alg()));
  // A key verifies a test key's signature only when it holds that key's public numbers.
  const Keys& k = keys();
  const bool rsa = vk->alg() == JwsAlg::kRS256;
  if (!vk->verify(kProbeInput, rsa ? k.rs_probe : k.es_probe)) return;
  const json::object pub = (rsa ? k.rs : k.es).public_jwk();
  for (const char* m : {"n", "e", "x", "y"}) {
    if (!pub.contains(m)) continue;
    auto theirs = base64url_decode(jwk.at(m).as_string());
    check(theirs && strip_zeros(*theirs) == strip_zeros(*base64url_decode(pub.at(m).as_string())));
  }
}

void fuzz_signed(std::string_view claims_text, bool rsa) {
  auto v = parse_json(claims_text);
  if (!v || !v->is_object()) return;
  const Keys& k = keys();
  const SigningKey& signer = rsa ? k.rs : k.es;
  const std::string token = sign_jwt(signer, v->get_object());
  JwtError error = JwtError::kNone;
  auto jwt = parse_jwt(token, &error);
  if (token.size() > kMaxJwtBytes) {
    check(!jwt && error == JwtError::kTooLarge);
    return;
  }
  // A claims object nested deeper than the parser's limit does not come back; anything else does,
  // as its JSON text reads back: Boost.JSON reads a number of many digits to within an ulp, so
  // 1844...4400000000 (60 digits) and the shortest text of the double it became may differ by one.
  if (!jwt) return;
  const auto expected = parse_json(json::serialize(*v));
  check(expected && jwt->claims == expected->get_object() && jwt->kid == signer.kid());
  check(verify_jwt_signature(*jwt, rsa ? k.rs_public : k.es_public));
  check(!verify_jwt_signature(*jwt, rsa ? k.es_public : k.rs_public));
  const std::size_t at = claims_text.size() % jwt->signing_input.size();
  jwt->signing_input[at] ^= 0x01;
  check(!verify_jwt_signature(*jwt, rsa ? k.rs_public : k.es_public));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 2, size - 2);
  switch (data[0] % 3) {
    case 0: fuzz_token(text); break;
    case 1: {
      auto v = parse_json(text);
      if (!v || !v->is_object()) break;
      if (const json::value* ks = v->get_object().if_contains("keys"); ks && ks->is_array()) {
        for (const json::value& key : ks->get_array())
          if (key.is_object()) fuzz_key(key.get_object());
      } else {
        fuzz_key(v->get_object());
      }
      break;
    }
    default: fuzz_signed(text, (data[1] & 1) != 0); break;
  }
  return 0;
}
