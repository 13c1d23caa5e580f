#include "crypto/http_digest.h"

#include <gtest/gtest.h>

namespace archway::crypto {
namespace {

constexpr const char* kNonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
constexpr const char* kCnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
constexpr const char* kOpaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";

// RFC 7616 §3.9.1 and RFC 2617 §3.5: the published answers.
TEST(HttpDigest, ResponsesMatchTheRfcExamples) {
  EXPECT_EQ(digest_response("MD5", "Mufasa", "http-auth@example.org", "Circle of Life", kNonce, "00000001", kCnonce,
                            "auth", "GET", "/dir/index.html"),
            "8ca523f5e9506fed4657c9700eebdbec");
  EXPECT_EQ(digest_response("SHA-256", "Mufasa", "http-auth@example.org", "Circle of Life", kNonce, "00000001",
                            kCnonce, "auth", "GET", "/dir/index.html"),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  EXPECT_EQ(digest_response("MD5", "Mufasa", "testrealm@host.com", "Circle Of Life",
                            "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", "auth", "GET",
                            "/dir/index.html"),
            "6629fae49393a05397450978507c4ef1");
}

TEST(HttpDigest, TheRfcChallengeIsReadAndAnswered) {
  const std::string header = std::string(R"(Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce=")") +
                             kNonce + R"(", opaque=")" + kOpaque + "\"";
  auto c = parse_digest_challenge(header);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->realm, "http-auth@example.org");
  EXPECT_EQ(c->nonce, kNonce);
  EXPECT_EQ(c->algorithm, "SHA-256");
  EXPECT_TRUE(c->qop_auth);
  EXPECT_TRUE(c->has_opaque);
  EXPECT_FALSE(c->stale);
  const std::string a = digest_authorization(*c, "Mufasa", "Circle of Life", "GET", "/dir/index.html", 1, kCnonce);
  auto p = auth_params(a, "digest");
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)["response"], "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  EXPECT_EQ((*p)["username"], "Mufasa");
  EXPECT_EQ((*p)["uri"], "/dir/index.html");
  EXPECT_EQ((*p)["nc"], "00000001");
  EXPECT_EQ((*p)["qop"], "auth");
  EXPECT_EQ((*p)["cnonce"], kCnonce);
  EXPECT_EQ((*p)["opaque"], kOpaque);
  EXPECT_EQ((*p)["algorithm"], "SHA-256");
}

TEST(HttpDigest, TheDigestChallengeIsFoundAmongOtherSchemes) {
  auto c = parse_digest_challenge(R"(Basic realm="a, b", Digest nonce="n1", realm="r", stale=TRUE, algorithm=md5-sess, Bearer)");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->nonce, "n1");
  EXPECT_EQ(c->realm, "r");
  EXPECT_TRUE(c->stale);
  EXPECT_EQ(c->algorithm, "MD5-sess");
  EXPECT_FALSE(c->qop_auth);  // no qop offered: answered RFC 2069 style
  const std::string a = digest_authorization(*c, "u", "p", "POST", "/x?y=1", 3, "cn");
  EXPECT_EQ(a.find("qop="), std::string::npos);
  EXPECT_EQ(a.find("opaque="), std::string::npos);
}

TEST(HttpDigest, ChallengesThatCannotBeAnsweredAreRefused) {
  EXPECT_FALSE(parse_digest_challenge(R"(Basic realm="x")"));
  EXPECT_FALSE(parse_digest_challenge(R"(Digest realm="x")"));                    // no nonce
  EXPECT_FALSE(parse_digest_challenge(R"(Digest nonce="n")"));                    // no realm
  EXPECT_FALSE(parse_digest_challenge(R"(Digest realm="x", nonce="n", algorithm=SHA-512-256)"));
  EXPECT_FALSE(parse_digest_challenge(R"(Digest realm="x", nonce="n", qop="auth-int")"));
  EXPECT_FALSE(parse_digest_challenge(""));
  EXPECT_FALSE(parse_digest_challenge(R"(Digest realm="unterminated)"));
}

TEST(HttpDigest, QuotesAndBackslashesInValuesAreEscaped) {
  DigestChallenge c;
  c.realm = R"(a "quoted" \ realm)";
  c.nonce = "n";
  const std::string a = digest_authorization(c, R"(us"er)", "p", "GET", "/", 1, "c");
  auto p = auth_params(a, "Digest");
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)["realm"], c.realm);
  EXPECT_EQ((*p)["username"], R"(us"er)");
}

}  // namespace
}  // namespace archway::crypto
