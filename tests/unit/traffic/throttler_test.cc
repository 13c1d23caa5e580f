#include "traffic/throttler.h"

#include <gtest/gtest.h>

#include <map>

using namespace archway;
using traffic::Decision;

namespace {

domain::ThrottlePolicy tier(std::string level, std::string name, std::int64_t count, std::string unit = "min") {
  domain::ThrottlePolicy p;
  p.level = std::move(level);
  p.name = std::move(name);
  p.limit.request_count = count;
  p.limit.time_unit = std::move(unit);
  return p;
}

struct Attrs : traffic::RequestAttributes {
  std::map<std::string, std::string, std::less<>> headers, params, claims;
  std::optional<std::string_view> header(std::string_view n) const override {
    auto it = headers.find(n);
    return it == headers.end() ? std::nullopt : std::optional<std::string_view>(it->second);
  }
  std::optional<std::string_view> query(std::string_view n) const override {
    auto it = params.find(n);
    return it == params.end() ? std::nullopt : std::optional<std::string_view>(it->second);
  }
  std::optional<std::string> claim(std::string_view n) const override {
    auto it = claims.find(n);
    return it == claims.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
};

class ThrottlerTest : public ::testing::Test {
 protected:
  void compile(std::vector<domain::ThrottlePolicy> ps, std::vector<domain::BlockCondition> bs = {}) {
    set = traffic::PolicySet::compile(ps, bs);
  }
  traffic::Request request() {
    traffic::Request r;
    r.api_id = "api-1";
    r.api_context = "/shop/1.0.0";
    r.api_context_unversioned = "/shop";
    r.resource = "GET /items";
    r.authenticated = true;
    r.application_id = "app-1";
    r.application_owner = "alice";
    r.application_name = "Mobile";
    r.user = "alice";
    r.ip = &ip;
    r.ip_text = "10.0.0.7";
    r.attributes = &attrs;
    return r;
  }
  int admitted(const traffic::Request& r, int n, std::int64_t now = 0, Decision* last = nullptr) {
    int ok = 0;
    for (int i = 0; i < n; ++i) {
      Decision d = throttler.admit(*set, r, now);
      ok += d.allowed();
      if (last) *last = d;
    }
    return ok;
  }
  traffic::CounterTable counters;
  traffic::Throttler throttler{counters};
  std::shared_ptr<const traffic::PolicySet> set;
  domain::IpAddress ip = *domain::parse_ip("10.0.0.7");
  Attrs attrs;
};

}  // namespace

TEST_F(ThrottlerTest, SubscriptionTierRefusesWith900804AndTheWindowReset) {
  compile({tier("subscription", "Bronze", 3)});
  auto r = request();
  r.subscription_policy = set->find("subscription", "Bronze");
  ASSERT_NE(r.subscription_policy, nullptr);
  Decision d;
  EXPECT_EQ(admitted(r, 5, 1000, &d), 3);
  EXPECT_EQ(d.kind, Decision::Kind::kThrottled);
  EXPECT_EQ(d.code, traffic::kCodeSubscriptionThrottled);
  EXPECT_EQ(d.limit, 3);
  EXPECT_EQ(d.reset_ms, 60'000);
  EXPECT_NE(d.description.find("Bronze"), std::string::npos);
  EXPECT_EQ(admitted(r, 5, 61'000), 3);
}

// A caller known by a client certificate has a subscription tier but no application: the empty
// parts of its keys (default string_views, no data at all) count like any other.
TEST_F(ThrottlerTest, ACallerWithoutApplicationIsCountedUnderItsSubscriptionTier) {
  compile({tier("subscription", "Bronze", 2)});
  traffic::Request r = request();
  r.application_id = {};
  r.application_owner = {};
  r.application_name = {};
  r.subscription_policy = set->find("subscription", "Bronze");
  ASSERT_NE(r.subscription_policy, nullptr);
  Decision d;
  EXPECT_EQ(admitted(r, 4, 1000, &d), 2);
  EXPECT_EQ(d.code, traffic::kCodeSubscriptionThrottled);
}

TEST_F(ThrottlerTest, BillingPlanThatDoesNotStopLetsTrafficThrough) {
  auto p = tier("subscription", "Metered", 2);
  p.stop_on_quota_reach = false;
  compile({p});
  auto r = request();
  r.subscription_policy = set->find("subscription", "Metered");
  EXPECT_EQ(admitted(r, 10), 10);
}

TEST_F(ThrottlerTest, BurstControlCapsInsideTheQuotaWith900807) {
  auto p = tier("subscription", "Spiky", 100);
  p.rate_limit_count = 2;
  p.rate_limit_time_unit = "sec";
  compile({p});
  auto r = request();
  r.subscription_policy = set->find("subscription", "Spiky");
  Decision d;
  EXPECT_EQ(admitted(r, 5, 0, &d), 2);
  EXPECT_EQ(d.code, traffic::kCodeBurstThrottled);
  EXPECT_EQ(admitted(r, 5, 1000), 2);  // next second
}

TEST_F(ThrottlerTest, ApplicationTierCountsAcrossApisPerUser) {
  compile({tier("application", "2PerMin", 2)});
  auto r = request();
  r.application_policy = set->find("application", "2PerMin");
  EXPECT_EQ(admitted(r, 1), 1);
  r.api_id = "api-2";
  Decision d;
  EXPECT_EQ(admitted(r, 3, 0, &d), 1);
  EXPECT_EQ(d.code, traffic::kCodeApplicationThrottled);
  r.user = "bob";  // another user of the same application has their own count
  EXPECT_EQ(admitted(r, 3), 2);
}

TEST_F(ThrottlerTest, ALaterRefusalGivesBackTheEarlierCounts) {
  compile({tier("subscription", "Ten", 10), tier("application", "One", 1)});
  auto r = request();
  r.subscription_policy = set->find("subscription", "Ten");
  r.application_policy = set->find("application", "One");
  EXPECT_EQ(admitted(r, 5), 1);  // four refused by the application tier
  r.application_policy = nullptr;
  EXPECT_EQ(admitted(r, 20), 9);  // the subscription counted only the one admitted
}

TEST_F(ThrottlerTest, ApiPolicyOverridesResourcePoliciesWithTheirCodes) {
  compile({tier("advanced", "Api3", 3), tier("advanced", "Res1", 1)});
  auto r = request();
  r.resource_policy = set->find("advanced", "Res1");
  Decision d;
  EXPECT_EQ(admitted(r, 3, 0, &d), 1);
  EXPECT_EQ(d.code, traffic::kCodeResourceThrottled);
  r.resource = "POST /items";  // another resource counts apart
  EXPECT_EQ(admitted(r, 2), 1);
  r.api_policy = set->find("advanced", "Api3");
  EXPECT_EQ(admitted(r, 5, 0, &d), 3);
  EXPECT_EQ(d.code, traffic::kCodeApiThrottled);
}

TEST_F(ThrottlerTest, ConditionalGroupsApplyTheirLimitToMatchingRequests) {
  auto p = tier("advanced", "Cond", 100);
  domain::ConditionalGroup header_group;
  header_group.limit.request_count = 1;
  header_group.conditions.push_back({"HEADERCONDITION", false, "X-Client", "mobile"});
  domain::ConditionalGroup range_group;
  range_group.limit.request_count = 2;
  domain::ThrottleCondition ipc;
  ipc.type = "IPCONDITION";
  ipc.ip_condition_type = "IPRANGE";
  ipc.starting_ip = "192.168.0.1";
  ipc.ending_ip = "192.168.0.255";
  range_group.conditions.push_back(ipc);
  domain::ConditionalGroup claim_group;
  claim_group.limit.request_count = 3;
  claim_group.conditions.push_back({"JWTCLAIMSCONDITION", true, "tier", "premium"});  // inverted
  p.conditional_groups = {header_group, range_group, claim_group};
  compile({p});
  auto r = request();
  r.api_policy = set->find("advanced", "Cond");
  attrs.claims["tier"] = "premium";
  attrs.headers["X-Client"] = "mobile";
  EXPECT_EQ(admitted(r, 5), 1);
  attrs.headers.clear();
  EXPECT_EQ(admitted(r, 150), 100);  // no group matches: the default limit
  ip = *domain::parse_ip("192.168.0.9");
  EXPECT_EQ(admitted(r, 5), 2);
  ip = *domain::parse_ip("10.1.1.1");
  attrs.claims["tier"] = "free";  // not premium: the inverted claim condition matches
  EXPECT_EQ(admitted(r, 5), 3);
}

TEST_F(ThrottlerTest, UnauthenticatedCallsAreCountedPerClientIp) {
  compile({tier("subscription", "Unauthenticated", 2)});
  auto r = request();
  r.authenticated = false;
  r.subscription_policy = set->find("subscription", "Unauthenticated");
  EXPECT_EQ(admitted(r, 5), 2);
  r.ip_text = "10.0.0.8";
  EXPECT_EQ(admitted(r, 5), 2);
}

TEST_F(ThrottlerTest, BackendMaxTpsIsAHardLimitPerSecond) {
  compile({});
  auto r = request();
  r.backend_tps = 3;
  Decision d;
  EXPECT_EQ(admitted(r, 5, 0, &d), 3);
  EXPECT_EQ(d.code, traffic::kCodeHardLimit);
  EXPECT_EQ(admitted(r, 5, 1000), 3);
}

TEST_F(ThrottlerTest, BlockingConditionsRefuseWith900805) {
  domain::BlockCondition api{"1", "API", "/shop/1.0.0"};
  domain::BlockCondition app{"2", "APPLICATION", "alice:Mobile"};
  domain::BlockCondition user{"3", "USER", "mallory"};
  domain::BlockCondition range{"4", "IPRANGE", "", "", "172.16.0.0", "172.16.255.255"};
  domain::BlockCondition off{"5", "USER", "bob"};
  off.enabled = false;
  compile({}, {range, user, off});
  auto r = request();
  EXPECT_TRUE(throttler.admit(*set, r, 0).allowed());
  r.user = "mallory";
  Decision d = throttler.admit(*set, r, 0);
  EXPECT_EQ(d.kind, Decision::Kind::kBlocked);
  EXPECT_EQ(d.code, traffic::kCodeBlocked);
  r.user = "bob";
  EXPECT_TRUE(throttler.admit(*set, r, 0).allowed());
  ip = *domain::parse_ip("172.16.3.4");
  EXPECT_FALSE(throttler.admit(*set, r, 0).allowed());
  ip = *domain::parse_ip("10.0.0.7");
  compile({}, {app});
  EXPECT_FALSE(throttler.admit(*set, r, 0).allowed());
  compile({}, {api});
  EXPECT_FALSE(throttler.admit(*set, r, 0).allowed());
  r.api_context = "/shop/2.0.0";
  EXPECT_TRUE(throttler.admit(*set, r, 0).allowed());
}

TEST_F(ThrottlerTest, InvertedIpDenyPolicyAllowsOnlyTheRange) {
  domain::BlockCondition only{"1", "IPRANGE", "", "", "10.0.0.0", "10.0.0.255"};
  only.invert = true;
  compile({}, {only});
  auto r = request();
  EXPECT_TRUE(throttler.admit(*set, r, 0).allowed());
  ip = *domain::parse_ip("2001:db8::1");
  EXPECT_FALSE(throttler.admit(*set, r, 0).allowed());
}

TEST_F(ThrottlerTest, BandwidthLimitsMeterTheBytesMoved) {
  domain::ThrottlePolicy p = tier("subscription", "1KB", 0);
  p.limit.type = "BANDWIDTHLIMIT";
  p.limit.data_amount = 1;
  p.limit.data_unit = "KB";
  compile({p});
  auto r = request();
  r.subscription_policy = set->find("subscription", "1KB");
  Decision d = throttler.admit(*set, r, 0);
  ASSERT_TRUE(d.allowed());
  ASSERT_EQ(d.meters.size(), 1u);
  throttler.record_bytes(d, 1024, 0);
  d = throttler.admit(*set, r, 1);
  EXPECT_FALSE(d.allowed());
  EXPECT_EQ(d.code, traffic::kCodeSubscriptionThrottled);
}

namespace {

domain::ThrottlePolicy custom_rule(std::string name, std::int64_t count, std::string key_template) {
  domain::ThrottlePolicy p = tier(std::string(domain::kPolicyLevelCustom), std::move(name), count);
  p.key_template = std::move(key_template);
  return p;
}

}  // namespace

TEST_F(ThrottlerTest, CustomRuleCountsMatchingRequestsPerExpandedKey) {
  auto rule = custom_rule("PerUser", 2, "$userId:$apiContext");
  rule.match.api_context = "/shop";  // the unversioned context matches too
  compile({rule});
  ASSERT_EQ(set->custom_rules().size(), 1u);
  auto alice = request();
  alice.api_version = "1.0.0";
  Decision d;
  EXPECT_EQ(admitted(alice, 4, 0, &d), 2);
  EXPECT_EQ(d.code, traffic::kCodeCustomThrottled);
  EXPECT_NE(d.description.find("PerUser"), std::string::npos);
  auto bob = alice;
  bob.user = "bob";
  EXPECT_EQ(admitted(bob, 3), 2);  // a key of its own
  auto elsewhere = alice;
  elsewhere.api_context = "/other/1.0.0";
  elsewhere.api_context_unversioned = "/other";
  EXPECT_EQ(admitted(elsewhere, 3), 3);  // not matched
  auto anonymous = alice;
  anonymous.user = "";
  EXPECT_EQ(admitted(anonymous, 3), 3);  // no user to key by: not counted
}

TEST_F(ThrottlerTest, CustomRuleMatchesUserIpAndHeaders) {
  auto rule = custom_rule("Narrow", 1, "$clientIp");
  rule.match.user_id = "alice";
  rule.match.client_ip = "10.0.0.7";
  rule.match.headers = {{"X-Plan", "free"}};
  compile({rule});
  auto r = request();
  EXPECT_EQ(admitted(r, 2), 2);  // the header is missing
  attrs.headers["X-Plan"] = "free";
  EXPECT_EQ(admitted(r, 2), 1);
  auto other_ip = r;
  domain::IpAddress ip2 = *domain::parse_ip("10.0.0.8");
  other_ip.ip = &ip2;
  other_ip.ip_text = "10.0.0.8";
  EXPECT_EQ(admitted(other_ip, 2), 2);
}
