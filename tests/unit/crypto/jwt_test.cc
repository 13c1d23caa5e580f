#include "crypto/jwt.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include <boost/json.hpp>

#include "crypto/base64url.h"
#include "crypto/secret_box.h"

namespace archway::crypto {
namespace {

namespace json = boost::json;

json::object claims(std::int64_t exp) {
  return json::object{{"iss", "https://archway/oauth2/token"}, {"sub", "app"}, {"exp", exp}, {"iat", 1000}};
}

TEST(Base64Url, RoundTripsAndRejectsNonCanonicalText) {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\xff\x00\x10", 3)})
    EXPECT_EQ(base64url_decode(base64url_encode(s)), s);
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_FALSE(base64url_decode("Zm9v="));  // padding
  EXPECT_FALSE(base64url_decode("Zm+v"));   // standard alphabet
  EXPECT_FALSE(base64url_decode("Z"));      // impossible length
  EXPECT_FALSE(base64url_decode("Zh"));     // non-zero trailing bits
}

class JwtTest : public ::testing::TestWithParam<JwsAlg> {};

TEST_P(JwtTest, SignedTokenVerifiesWithItsJwk) {
  SigningKey key = SigningKey::generate(GetParam());
  const std::string token = sign_jwt(key, claims(5000));
  JwtError err;
  auto jwt = parse_jwt(token, &err);
  ASSERT_TRUE(jwt) << describe(err);
  EXPECT_EQ(jwt->kid, key.kid());
  auto vk = VerificationKey::from_jwk(key.public_jwk());
  ASSERT_TRUE(vk);
  EXPECT_TRUE(verify_jwt_signature(*jwt, *vk));
  EXPECT_EQ(check_claims(jwt->claims, 4000, 30, "https://archway/oauth2/token"), JwtError::kNone);
}

TEST_P(JwtTest, TamperedPayloadFailsVerification) {
  SigningKey key = SigningKey::generate(GetParam());
  std::string token = sign_jwt(key, claims(5000));
  const auto d1 = token.find('.');
  const auto d2 = token.find('.', d1 + 1);
  std::string forged = token.substr(0, d1 + 1) +
                       base64url_encode(json::serialize(json::object{{"sub", "admin"}, {"exp", 99999}})) +
                       token.substr(d2);
  auto jwt = parse_jwt(forged, nullptr);
  ASSERT_TRUE(jwt);
  EXPECT_FALSE(verify_jwt_signature(*jwt, key.verification_key()));
}

TEST_P(JwtTest, OtherKeyFailsVerification) {
  SigningKey a = SigningKey::generate(GetParam());
  SigningKey b = SigningKey::generate(GetParam());
  auto jwt = parse_jwt(sign_jwt(a, claims(5000)), nullptr);
  EXPECT_FALSE(verify_jwt_signature(*jwt, b.verification_key()));
}

TEST_P(JwtTest, PemRoundTripKeepsTheKey) {
  SigningKey a = SigningKey::generate(GetParam());
  SigningKey b = SigningKey::from_pem(a.private_pem(), a.kid(), a.alg());
  auto jwt = parse_jwt(sign_jwt(b, claims(5000)), nullptr);
  EXPECT_TRUE(verify_jwt_signature(*jwt, a.verification_key()));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, JwtTest, ::testing::Values(JwsAlg::kRS256, JwsAlg::kES256));

TEST(Jwt, AlgNoneAndHmacAreRefused) {
  const std::string payload = base64url_encode(json::serialize(claims(5000)));
  JwtError err;
  EXPECT_FALSE(parse_jwt(base64url_encode(R"({"alg":"none"})") + "." + payload + ".", &err));
  EXPECT_FALSE(parse_jwt(base64url_encode(R"({"alg":"none"})") + "." + payload + ".AAAA", &err));
  EXPECT_EQ(err, JwtError::kUnsupportedAlg);
  EXPECT_FALSE(parse_jwt(base64url_encode(R"({"alg":"HS256","kid":"k"})") + "." + payload + ".AAAA", &err));
  EXPECT_EQ(err, JwtError::kUnsupportedAlg);
  EXPECT_FALSE(parse_jwt(base64url_encode(R"({"alg":"RS256","crit":["x"]})") + "." + payload + ".AAAA", &err));
  EXPECT_EQ(err, JwtError::kUnsupportedAlg);
}

TEST(Jwt, AlgorithmMustMatchTheKeyType) {
  SigningKey ec = SigningKey::generate(JwsAlg::kES256);
  SigningKey rsa = SigningKey::generate(JwsAlg::kRS256);
  auto jwt = parse_jwt(sign_jwt(ec, claims(5000)), nullptr);
  EXPECT_FALSE(verify_jwt_signature(*jwt, rsa.verification_key()));
}

TEST(Jwt, MalformedAndOversizedTokensAreRefused) {
  JwtError err;
  for (std::string bad : {"", "abc", "a.b", "a.b.c.d", "!!.??.**", "e30.e30.", "W10.e30.AAAA"}) {
    EXPECT_FALSE(parse_jwt(bad, &err)) << bad;
  }
  EXPECT_FALSE(parse_jwt(std::string(16 * 1024, 'a'), &err));
  EXPECT_EQ(err, JwtError::kTooLarge);
}

TEST(Jwt, TimeAndIssuerChecks) {
  EXPECT_EQ(check_claims(claims(1000), 1100, 30, ""), JwtError::kExpired);
  EXPECT_EQ(check_claims(claims(1000), 1020, 30, ""), JwtError::kNone);  // within leeway
  auto c = claims(5000);
  c["nbf"] = 2000;
  EXPECT_EQ(check_claims(c, 1500, 30, ""), JwtError::kNotYetValid);
  EXPECT_EQ(check_claims(claims(5000), 1500, 30, "https://other"), JwtError::kWrongIssuer);
  EXPECT_EQ(check_claims(json::object{{"sub", "x"}}, 1, 30, ""), JwtError::kMalformed);  // exp required
  EXPECT_EQ(check_claims(json::object{{"exp", "soon"}}, 1, 30, ""), JwtError::kMalformed);
}

// Found by tests/fuzz/jwt_fuzz.cc: numbers beyond int64 used to wrap (an nbf of 2^64-1 became -1,
// so the token counted as valid already) or overflow (1e300 cast, exp + leeway at the maximum).
TEST(Jwt, OutOfRangeNumericDatesSaturateInsteadOfWrapping) {
  json::object c{{"exp", std::numeric_limits<std::uint64_t>::max()}, {"nbf", std::numeric_limits<std::uint64_t>::max()}};
  EXPECT_EQ(check_claims(c, 1500, 30, ""), JwtError::kNotYetValid);
  EXPECT_EQ(check_claims(json::object{{"exp", 1e300}}, 1500, 30, ""), JwtError::kNone);
  EXPECT_EQ(check_claims(json::object{{"exp", -1e300}}, 1500, 30, ""), JwtError::kExpired);
  // Boost.JSON 1.81 reads "nbf":-0e+320 as NaN (the fuzzer's second input): malformed, not a cast.
  EXPECT_EQ(check_claims(json::object{{"exp", std::nan("")}}, 1500, 30, ""), JwtError::kMalformed);
  EXPECT_EQ(check_claims(json::object{{"exp", 5000}, {"iat", 1e300}}, 1500, 30, ""), JwtError::kNotYetValid);
  EXPECT_EQ(check_claims(json::object{{"exp", std::numeric_limits<std::int64_t>::max()}}, 1500, 30, ""), JwtError::kNone);
  // The fuzzer's input: {"exp":1e+300,"nbf":-1e+300}, parsed from a token.
  auto jwt = parse_jwt("eyJhbGciOiJFUzI1NiJ9.eyJleHAiOjFlKzMwMCwibmJmIjotMWUrMzAwfQ.AQ", nullptr);
  ASSERT_TRUE(jwt);
  EXPECT_EQ(check_claims(jwt->claims, 1500, 30, ""), JwtError::kNone);
}

TEST(Jwk, RejectsWeakAndUnsupportedKeys) {
  std::string why;
  EXPECT_FALSE(VerificationKey::from_jwk(json::object{{"kty", "oct"}, {"k", "AAAA"}}, &why));
  EXPECT_FALSE(VerificationKey::from_jwk(json::object{{"kty", "RSA"}, {"n", "AQAB"}, {"e", "AQAB"}}, &why));
  EXPECT_NE(why.find("2048"), std::string::npos);
  EXPECT_FALSE(VerificationKey::from_jwk(json::object{{"kty", "EC"}, {"crv", "P-384"}}, &why));
}

// Found by tests/fuzz/jwt_fuzz.cc: an EC key labelled "alg": "RS256" was read as an ES256 key.
TEST(Jwk, AnEcKeyWhoseAlgIsNotEs256IsRefused) {
  const SigningKey es = SigningKey::generate(JwsAlg::kES256);
  json::object jwk = es.public_jwk();
  ASSERT_TRUE(VerificationKey::from_jwk(jwk));
  jwk["alg"] = "RS256";
  std::string why;
  EXPECT_FALSE(VerificationKey::from_jwk(jwk, &why));
  EXPECT_NE(why.find("alg"), std::string::npos) << why;
}

TEST(SecretBox, SealsAndDetectsTampering) {
  SecretBox box(std::string(32, 'k'));
  const std::string sealed = box.seal("private key pem");
  EXPECT_EQ(box.open(sealed), "private key pem");
  std::string bad = sealed;
  bad[bad.size() / 2] = bad[bad.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(box.open(bad));
  EXPECT_FALSE(SecretBox(std::string(32, 'x')).open(sealed));
}

}  // namespace
}  // namespace archway::crypto
