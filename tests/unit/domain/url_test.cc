#include "domain/url.h"

#include <gtest/gtest.h>

namespace archway::domain {
namespace {

TEST(BackendUrl, ParsesHostPortAndBasePath) {
  auto u = parse_backend_url("http://127.0.0.1:8080/v2/");
  ASSERT_TRUE(u);
  EXPECT_FALSE(u->tls);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->base_path, "/v2");
  EXPECT_EQ(u->authority(), "127.0.0.1:8080");
}

TEST(BackendUrl, DefaultsPortsByScheme) {
  EXPECT_EQ(parse_backend_url("https://example.com")->port, 443);
  EXPECT_EQ(parse_backend_url("http://example.com")->port, 80);
  EXPECT_EQ(parse_backend_url("https://example.com")->authority(), "example.com");
}

TEST(BackendUrl, RejectsWhatCannotBeABackend) {
  std::string why;
  EXPECT_FALSE(parse_backend_url("not a url", &why));
  EXPECT_FALSE(why.empty());
  EXPECT_FALSE(parse_backend_url("ftp://host/x", &why));
  EXPECT_NE(why.find("http"), std::string::npos);
  EXPECT_FALSE(parse_backend_url("http://:80/x"));
  EXPECT_FALSE(parse_backend_url("http://host:99999/"));
  EXPECT_FALSE(parse_backend_url("http://user:pw@host/"));
  EXPECT_FALSE(parse_backend_url("/relative/path"));
}

}  // namespace
}  // namespace archway::domain
