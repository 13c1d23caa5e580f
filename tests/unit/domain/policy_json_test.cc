#include "domain/policy_json.h"

#include <gtest/gtest.h>

#include "common/problem.h"

namespace archway::domain {
namespace {

namespace json = boost::json;

std::string rejection(const std::string& body, std::string_view level = kPolicyLevelSubscription) {
  try {
    policy_from_json(json::parse(body).as_object(), level);
  } catch (const common::ProblemError& e) {
    EXPECT_EQ(e.problem().status, 400);
    return e.problem().description;
  }
  return "";
}

TEST(PolicyJson, RoundTripsASubscriptionTierWithBurstControl) {
  const auto in = json::parse(R"({"policyName":"Gold","displayName":"Gold","description":"5k",
    "defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":5000}},
    "rateLimitCount":100,"rateLimitTimeUnit":"sec","stopOnQuotaReach":false,"billingPlan":"COMMERCIAL"})").as_object();
  ThrottlePolicy p = policy_from_json(in, kPolicyLevelSubscription);
  EXPECT_EQ(p.limit.request_count, 5000);
  EXPECT_EQ(p.rate_limit_count, 100);
  EXPECT_FALSE(p.stop_on_quota_reach);
  ThrottlePolicy again = policy_from_json(policy_to_json(p), kPolicyLevelSubscription);
  EXPECT_EQ(again.billing_plan, "COMMERCIAL");
  EXPECT_EQ(again.limit.time_unit, "min");
  EXPECT_EQ(policy_to_json(p)["type"], "SubscriptionThrottlePolicy");
}

TEST(PolicyJson, BandwidthLimitsCarryAmountAndUnit) {
  auto p = policy_from_json(json::parse(R"({"policyName":"1MB","defaultLimit":{"type":"BANDWIDTHLIMIT",
    "bandwidth":{"timeUnit":"hour","unitTime":2,"dataAmount":1,"dataUnit":"MB"}}})").as_object(),
                            kPolicyLevelApplication);
  EXPECT_EQ(p.limit.data_unit, "MB");
  EXPECT_EQ(p.limit.unit_time, 2);
  EXPECT_FALSE(policy_to_json(p).contains("billingPlan"));  // application tiers have no plan
}

TEST(PolicyJson, RejectionsNameTheField) {
  const std::string limit = R"("defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":1}})";
  EXPECT_NE(rejection(R"({)" + limit + "}").find("'policyName'"), std::string::npos);
  EXPECT_NE(rejection(R"({"policyName":"a b",)" + limit + "}").find("'policyName'"), std::string::npos);
  EXPECT_NE(rejection(R"({"policyName":"x","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":0,"requestCount":1}}})")
                .find("unitTime"),
            std::string::npos);
  EXPECT_NE(rejection(R"({"policyName":"x",)" + limit + R"(,"rateLimitCount":5})").find("'rateLimitTimeUnit'"),
            std::string::npos);
  EXPECT_NE(rejection(R"({"policyName":"x",)" + limit + R"(,"rateLimitCount":-1,"rateLimitTimeUnit":"sec"})")
                .find("'rateLimitCount'"),
            std::string::npos);
  EXPECT_NE(rejection(R"({"policyName":"x",)" + limit + R"(,"billingPlan":"GRATIS"})").find("'billingPlan'"),
            std::string::npos);
  EXPECT_NE(rejection(R"({"policyName":"x","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","requestCount":"ten"}}})")
                .find("requestCount"),
            std::string::npos);
}

}  // namespace
}  // namespace archway::domain
