#include "domain/mediation_json.h"

#include <gtest/gtest.h>

#include "common/problem.h"

using namespace archway;
namespace json = boost::json;

namespace {

std::string error_of(const std::string& body, bool cors = false) {
  try {
    if (cors) domain::cors_from_json(json::parse(body), "corsConfiguration");
    else domain::policy_flows_from_json(json::parse(body), "apiPolicies");
  } catch (const common::ProblemError& e) {
    EXPECT_EQ(e.problem().status, 400);
    return e.problem().description;
  }
  return "";
}

}  // namespace

TEST(MediationJson, FlowsRoundTripInOrderWithTheirParameters) {
  const auto f = domain::policy_flows_from_json(json::parse(R"({
    "request":[{"policyName":"addHeader","policyVersion":"v1","parameters":{"headerName":"X-A","headerValue":"1"}},
               {"policyName":"removeQueryParam","parameters":{"paramKey":"debug"}},
               {"policyName":"rewriteMethod","parameters":{"updatedMethod":"POST"}}],
    "response":[{"policyName":"removeHeader","parameters":{"headerName":"Server"}}],
    "fault":[]})"), "apiPolicies");
  ASSERT_EQ(f.request.size(), 3u);
  EXPECT_EQ(f.request[0].name, "addHeader");
  EXPECT_EQ(f.request[0].parameters.at("headerValue"), "1");
  EXPECT_EQ(f.request[2].parameters.at("updatedMethod"), "POST");
  ASSERT_EQ(f.response.size(), 1u);
  const auto back = domain::policy_flows_from_json(json::value(domain::policy_flows_to_json(f)), "apiPolicies");
  ASSERT_EQ(back.request.size(), 3u);
  EXPECT_EQ(back.request[1].parameters.at("paramKey"), "debug");
  EXPECT_TRUE(domain::policy_flows_from_json(json::value(nullptr), "x").empty());
}

TEST(MediationJson, NumbersAndBooleansAreAcceptedAsParameterText) {
  const auto f = domain::policy_flows_from_json(
      json::parse(R"({"request":[{"policyName":"mockResponse","parameters":{"statusCode":201,"body":"{}"}}]})"), "p");
  EXPECT_EQ(f.request[0].parameters.at("statusCode"), "201");
}

// Whether such a policy exists is the Publisher's check against the stored custom policies.
TEST(MediationJson, APolicyThatIsNotBuiltInIsKeptAsAUseOfACustomPolicy) {
  const auto f = domain::policy_flows_from_json(
      json::parse(R"({"request":[{"policyName":"stamp","policyVersion":"v2","parameters":{"value":7,"list":[1]}}]})"),
      "p");
  ASSERT_EQ(f.request.size(), 1u);
  EXPECT_EQ(f.request[0].name, "stamp");
  EXPECT_EQ(f.request[0].version, "v2");
  EXPECT_EQ(f.request[0].parameters.at("value"), "7");
  EXPECT_EQ(f.request[0].parameters.at("list"), "[1]");
}

TEST(MediationJson, BadPoliciesAre400NamingTheField) {
  EXPECT_NE(error_of(R"({"request":[{"policyName":"addHeader","parameters":{"headerName":"X"}}]})")
                .find("'apiPolicies.request[0].parameters.headerValue' is required"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"request":[{"policyName":"addHeader","parameters":{"headerName":"X Y","headerValue":"1"}}]})")
                .find("'apiPolicies.request[0].parameters.headerName': 'X Y' is not a valid Header Name"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"response":[{"policyName":"addQueryParam","parameters":{"paramKey":"a","paramValue":"b"}}]})")
                .find("cannot run in the response flow"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"fault":[{"policyName":"addQueryParam","parameters":{"paramKey":"a","paramValue":"b"}}]})")
                .find("cannot run in the fault flow"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"request":[{"policyName":"removeHeader","parameters":{"headerName":"X","extra":"1"}}]})")
                .find("'apiPolicies.request[0].parameters.extra': policy 'removeHeader' has no such parameter"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"request":[{"policyName":"removeHeader","policyVersion":"v2","parameters":{"headerName":"X"}}]})").find("policyVersion"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"request":[{"parameters":{}}]})").find("'apiPolicies.request[0].policyName' is required"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"request":{}})").find("apiPolicies.request"), std::string::npos);
}

TEST(MediationJson, CorsConfigurationRoundTripsAndChecksMethodsAndOrigins) {
  const auto c = domain::cors_from_json(json::parse(R"({"corsConfigurationEnabled":true,
      "accessControlAllowOrigins":["https://app.example.com"],"accessControlAllowMethods":["GET","POST"],
      "accessControlAllowHeaders":["Authorization"],"accessControlAllowCredentials":true})"), "corsConfiguration");
  EXPECT_TRUE(c.enabled);
  EXPECT_TRUE(c.allow_credentials);
  EXPECT_EQ(c.allow_methods, (std::vector<std::string>{"GET", "POST"}));
  const auto back = domain::cors_from_json(json::value(domain::cors_to_json(c)), "corsConfiguration");
  EXPECT_EQ(back.allow_origins, c.allow_origins);
  EXPECT_NE(error_of(R"({"accessControlAllowMethods":["FETCH"]})", true).find("accessControlAllowMethods[0]"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"accessControlAllowOrigins":["example.com"]})", true).find("accessControlAllowOrigins[0]"),
            std::string::npos);
}

TEST(MediationJson, CatalogueListsEveryBuiltInWithItsAttributes) {
  ASSERT_NE(domain::find_builtin_policy("addHeader"), nullptr);
  const auto o = domain::policy_spec_to_json(*domain::find_builtin_policy("addHeader"));
  EXPECT_EQ(o.at("name").as_string(), "addHeader");
  EXPECT_EQ(o.at("policyAttributes").as_array().size(), 2u);
  for (const char* n : {"removeHeader", "addQueryParam", "removeQueryParam", "rewriteMethod", "rewritePath", "mockResponse"})
    EXPECT_NE(domain::find_builtin_policy(n), nullptr) << n;
}
