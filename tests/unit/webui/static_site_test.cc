#include "webui/static_site.h"

#include <gtest/gtest.h>

#include "common/problem.h"

namespace archway::webui {
namespace {

const WebAsset kAssets[] = {
    {"admin/index.html", "<html>admin</html>", "", "", "\"a1\""},
    {"assets/app-1a2b.js", "console.log(1)", "GZ", "BR", "\"j1\""},
    {"assets/plain-3c4d.css", "body{}", "", "", "\"c1\""},
    {"devportal/index.html", "<html>devportal</html>", "GZIP-HTML", "", "\"d1\""},
    {"publisher/index.html", "<html>publisher</html>", "", "", "\"p1\""},
};

http::RestRequest get(const std::string& path, std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::RestRequest r;
  r.method = "GET";
  r.path = path;
  r.headers = std::move(headers);
  return r;
}

std::string header(const http::RestResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

int status_of(const StaticSite& site, const std::string& path) {
  try {
    return site.serve(get(path)).status;
  } catch (const common::ProblemError& e) {
    return e.problem().status;
  }
}

TEST(StaticSite, ClientSideRoutesGetTheirPortalsIndexWithoutLongCaching) {
  StaticSite site(kAssets);
  for (const char* path : {"/publisher", "/publisher/", "/publisher/apis/42/resources", "/publisher/index.html"}) {
    auto r = site.serve(get(path));
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, "<html>publisher</html>") << path;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(header(r, "Cache-Control"), "no-cache");
    EXPECT_NE(header(r, "Content-Security-Policy").find("script-src 'self'"), std::string::npos);
  }
  EXPECT_EQ(site.serve(get("/admin/users")).body, "<html>admin</html>");
}

TEST(StaticSite, HashedAssetsAreImmutableAndCompressedAsTheBrowserAccepts) {
  StaticSite site(kAssets);
  auto br = site.serve(get("/assets/app-1a2b.js", {{"accept-encoding", "gzip, deflate, br"}}));
  EXPECT_EQ(br.body, "BR");
  EXPECT_EQ(header(br, "Content-Encoding"), "br");
  EXPECT_EQ(header(br, "Vary"), "Accept-Encoding");
  EXPECT_EQ(header(br, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(br.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(site.serve(get("/assets/app-1a2b.js", {{"accept-encoding", "gzip"}})).body, "GZ");
  EXPECT_EQ(site.serve(get("/assets/app-1a2b.js", {{"accept-encoding", "br;q=0, gzip;q=0.5"}})).body, "GZ");
  auto plain = site.serve(get("/assets/app-1a2b.js"));
  EXPECT_EQ(plain.body, "console.log(1)");
  EXPECT_EQ(header(plain, "Content-Encoding"), "");
  EXPECT_EQ(site.serve(get("/assets/plain-3c4d.css", {{"accept-encoding", "br"}})).body, "body{}");
}

TEST(StaticSite, AMatchingETagAnswers304) {
  StaticSite site(kAssets);
  auto r = site.serve(get("/devportal/apis", {{"if-none-match", "\"d1\""}}));
  EXPECT_EQ(r.status, 304);
  EXPECT_TRUE(r.body.empty());
}

TEST(StaticSite, MissingFilesAndUnknownPortalsAre404AndTheRootLeadsToTheDevPortal) {
  StaticSite site(kAssets);
  EXPECT_EQ(status_of(site, "/assets/nope.js"), 404);
  EXPECT_EQ(status_of(site, "/publisher/missing-chunk.js"), 404);
  EXPECT_EQ(status_of(site, "/assets/../publisher/index.html"), 404);
  auto root = site.serve(get("/"));
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(header(root, "Location"), "/devportal/");
}

TEST(StaticSite, ABinaryWithoutTheWebBuildSaysHowToGetIt) {
  StaticSite site({});
  EXPECT_EQ(status_of(site, "/publisher/"), 503);
}

TEST(StaticSite, MediaTypesAndEncodingChoice) {
  EXPECT_EQ(media_type_of("a/b.svg"), "image/svg+xml");
  EXPECT_EQ(media_type_of("x.woff2"), "font/woff2");
  EXPECT_EQ(media_type_of("noext"), "application/octet-stream");
  EXPECT_EQ(pick_encoding("gzip, br", true, true), "br");
  EXPECT_EQ(pick_encoding("GZIP", true, true), "gzip");
  EXPECT_EQ(pick_encoding("br;q=0.0", true, false), "");
  EXPECT_EQ(pick_encoding("", true, true), "");
}

}  // namespace
}  // namespace archway::webui
