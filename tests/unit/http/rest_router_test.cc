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

TEST(QueryString, DecodesPairs) {
  auto q = parse_query("a=1&b=x%20y+z&flag&=skip");
  EXPECT_EQ(q["a"], "1");
  EXPECT_EQ(q["b"], "x y z");
  EXPECT_EQ(q["flag"], "");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
}

}  // namespace
}  // namespace archway::http
