#include "http/rest_router.h"

#include <gtest/gtest.h>

namespace archway::http {
namespace {

TEST(RestRouter, MatchesParamsAndDistinguishesMethodFromPath) {
  RestRouter r;
  r.add("GET", "/apis/{apiId}", [](RestRequest& q) { return RestResponse::json(200, q.path_params["apiId"]); });
  r.add("POST", "/apis/change-lifecycle", [](RestRequest&) { return RestResponse::empty(200); });
  RestRequest req;
  req.method = "GET";
  req.path = "/apis/abc%20d";
  bool known = false;
  auto* h = r.match(req, known);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ((*h)(req).body, "abc d");
  req.method = "DELETE";
  EXPECT_EQ(r.match(req, known), nullptr);
  EXPECT_TRUE(known);
  req.path = "/nothing/here";
  EXPECT_EQ(r.match(req, known), nullptr);
  EXPECT_FALSE(known);
  req.method = "POST";
  req.path = "/apis/change-lifecycle";
  EXPECT_NE(r.match(req, known), nullptr);
}

TEST(RestRouter, ALiteralSegmentWinsOverAParameterWhateverTheOrderOfAdding) {
  RestRouter r;
  r.add("GET", "/apis/{apiId}", [](RestRequest& q) { return RestResponse::json(200, "api " + q.path_params["apiId"]); });
  r.add("GET", "/apis/{apiId}/documents/{documentId}", [](RestRequest&) { return RestResponse::json(200, "doc"); });
  r.add("GET", "/apis/export", [](RestRequest&) { return RestResponse::json(200, "export"); });
  r.add("GET", "/apis/{apiId}/documents/search", [](RestRequest&) { return RestResponse::json(200, "search"); });
  r.add("GET", "/{any}/export", [](RestRequest&) { return RestResponse::json(200, "any"); });
  auto body = [&](const std::string& path) {
    RestRequest req;
    req.method = "GET";
    req.path = path;
    bool known = false;
    auto* h = r.match(req, known);
    return h ? (*h)(req).body : std::string("none");
  };
  EXPECT_EQ(body("/apis/export"), "export");
  EXPECT_EQ(body("/apis/42"), "api 42");
  EXPECT_EQ(body("/apis/42/documents/search"), "search");
  EXPECT_EQ(body("/apis/42/documents/7"), "doc");
  EXPECT_EQ(body("/things/export"), "any");
}

TEST(RestRouter, ARestParameterTakesTheRemainingSegmentsAndLosesToExactRoutes) {
  RestRouter r;
  r.add("GET", "/publisher/{path...}", [](RestRequest& q) { return RestResponse::json(200, "spa " + q.path_params["path"]); });
  r.add("GET", "/publisher/{page}", [](RestRequest& q) { return RestResponse::json(200, "page " + q.path_params["page"]); });
  auto body = [&](const std::string& path) {
    RestRequest req;
    req.method = "GET";
    req.path = path;
    bool known = false;
    auto* h = r.match(req, known);
    return h ? (*h)(req).body : std::string("none");
  };
  EXPECT_EQ(body("/publisher"), "spa ");
  EXPECT_EQ(body("/publisher/apis/42/resources"), "spa apis/42/resources");
  EXPECT_EQ(body("/publisher/apis"), "page apis");
  EXPECT_EQ(body("/devportal/x"), "none");
}

// Found by tests/fuzz/rest_router_fuzz.cc and oauth_form_fuzz.cc: credentials whose base64 length
// is not a multiple of 4 were decoded into a buffer sized for the whole groups only (a heap
// overflow from any client's Authorization header).
TEST(BasicAuth, UnpaddedCredentialsDecodeWithoutOverrunningTheBuffer) {
  EXPECT_EQ(parse_basic_auth("Basic YWRtaW46YWRtaW4"), std::make_pair(std::string("admin"), std::string("admin")));
  EXPECT_EQ(parse_basic_auth("Basic YTpi"), std::make_pair(std::string("a"), std::string("b")));
  EXPECT_EQ(parse_basic_auth("Basic YTpiYw"), std::make_pair(std::string("a"), std::string("bc")));
  // The fuzzers' inputs (23 and 27 base64 characters, no ':' once decoded).
  EXPECT_FALSE(parse_basic_auth("basic   YccccccccccccccccWRtaW4"));
  EXPECT_FALSE(parse_basic_auth("Basic Y2xpZW5Y2xpZW50LTE6czNjcjN0"));
}

TEST(QueryString, DecodesPairs) {
  auto q = parse_query("a=1&b=x%20y+z&flag&=skip");
  EXPECT_EQ(q["a"], "1");
  EXPECT_EQ(q["b"], "x y z");
  EXPECT_EQ(q["flag"], "");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
}

}  // namespace
}  // namespace archway::http
