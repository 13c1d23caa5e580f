#include "gateway/mediation.h"

#include <gtest/gtest.h>

using namespace archway;

namespace {
domain::PolicyRef policy(std::string name, std::map<std::string, std::string> params = {}) {
  domain::PolicyRef p;
  p.name = std::move(name);
  p.parameters = std::move(params);
  return p;
}
}  // namespace

TEST(Mediation, ApiPoliciesRunBeforeTheOperationsInOrder) {
  auto f = gateway::compile_flow({policy("addHeader", {{"headerName", "X-A"}, {"headerValue", "api"}})},
                                 {policy("setHeader", {{"headerName", "X-A"}, {"headerValue", "op"}}),
                                  policy("removeHeader", {{"headerName", "X-B"}})});
  ASSERT_EQ(f.headers.size(), 3u);
  EXPECT_EQ(f.headers[0].value, "api");
  EXPECT_EQ(f.headers[1].kind, gateway::CompiledFlow::HeaderOp::Kind::kSet);
  EXPECT_EQ(f.headers[2].name, "X-B");
  EXPECT_FALSE(f.empty());
  EXPECT_TRUE(gateway::compile_flow({}, {}).empty());
}

TEST(Mediation, QueryParametersAreRemovedThenAdded) {
  auto f = gateway::compile_flow({policy("removeQueryParam", {{"paramKey", "debug"}}),
                                  policy("addQueryParam", {{"paramKey", "src"}, {"paramValue", "gw"}})},
                                 {});
  EXPECT_EQ(gateway::rewrite_query("a=1&debug=true&b=2", f), "a=1&b=2&src=gw");
  EXPECT_EQ(gateway::rewrite_query("debug", f), "src=gw");
  EXPECT_EQ(gateway::rewrite_query("", f), "src=gw");
}

TEST(Mediation, PathTemplatesTakeTheOperationsParameters) {
  EXPECT_EQ(gateway::expand_path("/v2/items/{itemId}/parts/{p}", {{"itemId", "42"}, {"p", "a"}}), "/v2/items/42/parts/a");
  EXPECT_EQ(gateway::expand_path("/v2/{unknown}", {}), "/v2/{unknown}");
  const auto params = gateway::template_params("/items/{itemId}/parts/{p}", "/items/42/parts/a");
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].first, "itemId");
  EXPECT_EQ(params[0].second, "42");
  EXPECT_EQ(gateway::expand_path("/v2/{itemId}", params), "/v2/42");
}

TEST(Mediation, MethodRewriteAndMockAreCompiled) {
  auto f = gateway::compile_flow({}, {policy("rewriteMethod", {{"updatedMethod", "POST"}}),
                                      policy("mockResponse", {{"statusCode", "201"}, {"body", "{\"ok\":true}"}})});
  EXPECT_EQ(f.method, "POST");
  ASSERT_TRUE(f.mock);
  EXPECT_EQ(f.mock->status, 201);
  EXPECT_EQ(f.mock->content_type, "application/json");
}

TEST(Mediation, CorsAllowsListedOriginsAndEchoesOriginsWithCredentials) {
  domain::CorsConfiguration c;
  c.enabled = true;
  c.allow_origins = {"https://app.example.com"};
  c.allow_methods = {"GET", "POST"};
  auto cors = gateway::compile_cors(c);
  EXPECT_EQ(cors.methods, "GET,POST");
  EXPECT_EQ(cors.allow_origin("https://app.example.com").value_or(""), "https://app.example.com");
  EXPECT_FALSE(cors.allow_origin("https://evil.example.com"));
  c.allow_origins = {"*"};
  EXPECT_EQ(gateway::compile_cors(c).allow_origin("https://x.example").value_or(""), "*");
  c.allow_credentials = true;
  EXPECT_EQ(gateway::compile_cors(c).allow_origin("https://x.example").value_or(""), "https://x.example");
  c.enabled = false;
  EXPECT_FALSE(gateway::compile_cors(c).allow_origin("https://x.example"));
}
