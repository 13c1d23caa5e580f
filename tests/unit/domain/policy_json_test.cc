#include "domain/policy_json.h"

#include <gtest/gtest.h>

#include "common/problem.h"
#include "domain/custom_rule_json.h"

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

const char* kLimit = R"({"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":100}})";

// An advanced policy body with one conditional group holding `conditions` (a JSON array text).
std::string advanced(const std::string& conditions, const std::string& limit = kLimit) {
  return R"({"policyName":"Adv","defaultLimit":)" + std::string(kLimit) +
         R"(,"conditionalGroups":[{"description":"g","conditions":)" + conditions + R"(,"limit":)" + limit + "}]}";
}

std::string deny_rejection(const std::string& body) {
  try {
    block_condition_from_json(json::parse(body).as_object());
  } catch (const common::ProblemError& e) {
    EXPECT_EQ(e.problem().status, 400);
    return e.problem().description;
  }
  return "";
}

TEST(PolicyJson, RoundTripsAnAdvancedPolicyWithEveryConditionType) {
  const auto in = json::parse(R"({"policyName":"Adv","displayName":"Advanced","description":"d",
    "defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":1000}},
    "conditionalGroups":[
      {"description":"office","conditions":[
         {"type":"IPCONDITION","invertCondition":false,"ipCondition":{"ipConditionType":"IPRANGE","startingIP":"10.0.0.1","endingIP":"10.0.0.255"}},
         {"type":"HEADERCONDITION","invertCondition":true,"headerCondition":{"headerName":"X-Tier","headerValue":"gold"}}],
       "limit":{"type":"BANDWIDTHLIMIT","bandwidth":{"timeUnit":"hour","unitTime":1,"dataAmount":5,"dataUnit":"MB"}}},
      {"description":"partners","conditions":[
         {"type":"QUERYPARAMETERCONDITION","queryParameterCondition":{"parameterName":"partner","parameterValue":"acme"}},
         {"type":"JWTCLAIMSCONDITION","jwtClaimsCondition":{"claimUrl":"http://wso2.org/claims/role","attribute":"partner"}},
         {"type":"IPCONDITION","ipCondition":{"ipConditionType":"IPSPECIFIC","specificIP":"2001:db8::1"}}],
       "limit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"sec","unitTime":1,"requestCount":5}}}]})")
                      .as_object();
  ThrottlePolicy p = policy_from_json(in, kPolicyLevelAdvanced);
  ASSERT_EQ(p.conditional_groups.size(), 2u);
  const auto& office = p.conditional_groups[0];
  ASSERT_EQ(office.conditions.size(), 2u);
  EXPECT_EQ(office.conditions[0].ip_condition_type, "IPRANGE");
  EXPECT_EQ(office.conditions[0].ending_ip, "10.0.0.255");
  EXPECT_TRUE(office.conditions[1].invert);
  EXPECT_EQ(office.conditions[1].name, "X-Tier");
  EXPECT_EQ(office.limit.type, "BANDWIDTHLIMIT");
  EXPECT_EQ(office.limit.data_unit, "MB");
  const auto& partners = p.conditional_groups[1];
  EXPECT_EQ(partners.conditions[0].value, "acme");
  EXPECT_EQ(partners.conditions[1].name, "http://wso2.org/claims/role");
  EXPECT_EQ(partners.conditions[2].specific_ip, "2001:db8::1");
  EXPECT_EQ(partners.limit.request_count, 5);

  json::object out = policy_to_json(p);
  EXPECT_EQ(out["type"], "AdvancedThrottlePolicy");
  EXPECT_EQ(out["conditionalGroups"].as_array()[0].at("conditions").as_array()[0].at("ipCondition").at("startingIP"),
            "10.0.0.1");
  ThrottlePolicy again = policy_from_json(out, kPolicyLevelAdvanced);
  ASSERT_EQ(again.conditional_groups.size(), 2u);
  EXPECT_EQ(again.conditional_groups[1].conditions[1].value, "partner");
  EXPECT_EQ(again.conditional_groups[0].limit.data_amount, 5);
  EXPECT_EQ(policy_summary_json(p)["policyLevel"], "api");
}

TEST(PolicyJson, AdvancedPolicyWithoutGroupsIsJustADefaultLimit) {
  auto p = policy_from_json(json::parse(R"({"policyName":"10KPerMin","defaultLimit":)" + std::string(kLimit) + "}")
                                .as_object(),
                            kPolicyLevelAdvanced);
  EXPECT_TRUE(p.conditional_groups.empty());
  EXPECT_EQ(policy_to_json(p)["conditionalGroups"].as_array().size(), 0u);
}

TEST(PolicyJson, AdvancedRejectionsNameTheFieldPath) {
  const std::string ip_range = R"({"type":"IPCONDITION","ipCondition":{"ipConditionType":"IPRANGE","startingIP":"10.0.0.1","endingIP":"10.0.0.9"}})";
  const std::pair<std::string, std::string> cases[] = {
      {advanced(R"([)" + ip_range + R"(,{"type":"IPCONDITION","ipCondition":{"ipConditionType":"IPRANGE","startingIP":"10.0.0.300","endingIP":"10.0.0.9"}}])"),
       "'conditionalGroups[0].conditions[1].ipCondition.startingIP' is not an IP address"},
      {advanced(R"([{"type":"IPCONDITION","ipCondition":{"ipConditionType":"IPRANGE","startingIP":"10.0.0.9","endingIP":"10.0.0.1"}}])"),
       "'conditionalGroups[0].conditions[0].ipCondition.startingIP' ('10.0.0.9') is after"},
      {advanced(R"([{"type":"IPCONDITION","ipCondition":{"ipConditionType":"IPSPECIFIC","specificIP":"localhost"}}])"),
       "'conditionalGroups[0].conditions[0].ipCondition.specificIP' is not an IP address"},
      {advanced(R"([{"type":"IPCONDITION","ipCondition":{"ipConditionType":"SUBNET"}}])"),
       "'conditionalGroups[0].conditions[0].ipCondition.ipConditionType'"},
      {advanced(R"([{"type":"IPCONDITION"}])"), "'conditionalGroups[0].conditions[0].ipCondition' is required"},
      {advanced(R"([{"type":"COOKIECONDITION"}])"), "'conditionalGroups[0].conditions[0].type' must be"},
      {advanced(R"([{"headerCondition":{"headerName":"a","headerValue":"b"}}])"), "'conditionalGroups[0].conditions[0].type'"},
      {advanced(R"([{"type":"HEADERCONDITION","headerCondition":{"headerValue":"b"}}])"),
       "'conditionalGroups[0].conditions[0].headerCondition.headerName' is required"},
      {advanced(R"([{"type":"QUERYPARAMETERCONDITION","queryParameterCondition":{"parameterName":"p"}}])"),
       "'conditionalGroups[0].conditions[0].queryParameterCondition.parameterValue' is required"},
      {advanced(R"([{"type":"JWTCLAIMSCONDITION","jwtClaimsCondition":{"attribute":"x"}}])"),
       "'conditionalGroups[0].conditions[0].jwtClaimsCondition.claimUrl' is required"},
      {advanced(R"([{"type":"HEADERCONDITION","invertCondition":"yes","headerCondition":{"headerName":"a","headerValue":"b"}}])"),
       "'conditionalGroups[0].conditions[0].invertCondition'"},
      {advanced("[]"), "'conditionalGroups[0].conditions' must hold at least one condition"},
      {advanced("[5]"), "'conditionalGroups[0].conditions[0]'"},
      {advanced("[" + ip_range + "]", R"({"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":0}})"),
       "'conditionalGroups[0].limit.requestCount.requestCount' must be a positive number"},
      {advanced("[" + ip_range + "]", R"({"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":-3}})"),
       "'conditionalGroups[0].limit.requestCount.requestCount'"},
      {advanced("[" + ip_range + "]", R"({"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"fortnight","unitTime":1,"requestCount":3}})"),
       "'conditionalGroups[0].limit.requestCount.timeUnit' must be sec, min, hour or day"},
      {advanced("[" + ip_range + "]", R"({"type":"BANDWIDTHLIMIT","bandwidth":{"timeUnit":"min","unitTime":1,"dataAmount":0}})"),
       "'conditionalGroups[0].limit.bandwidth.dataAmount'"},
      {R"({"policyName":"Adv","defaultLimit":)" + std::string(kLimit) + R"(,"conditionalGroups":[{"conditions":[)" + ip_range + "]}]}",
       "'conditionalGroups[0].limit' is required"},
      {R"({"policyName":"Adv","defaultLimit":)" + std::string(kLimit) + R"(,"conditionalGroups":{}})", "'conditionalGroups' must be an array"},
  };
  for (const auto& [body, expected] : cases)
    EXPECT_NE(rejection(body, kPolicyLevelAdvanced).find(expected), std::string::npos)
        << body << " -> " << rejection(body, kPolicyLevelAdvanced);
}

TEST(PolicyJson, DenyPoliciesRoundTripForEveryType) {
  const char* bodies[] = {
      R"({"conditionType":"API","conditionValue":"/pizzashack/1.0.0","conditionStatus":true})",
      R"({"conditionType":"APPLICATION","conditionValue":"admin:DefaultApplication","conditionStatus":false})",
      R"({"conditionType":"USER","conditionValue":"mallory"})",
      R"({"conditionType":"IP","conditionValue":{"fixedIp":"192.0.2.7","invert":true}})",
      R"({"conditionType":"IPRANGE","conditionValue":{"startingIp":"192.0.2.1","endingIp":"192.0.2.99","invert":false}})",
  };
  for (const char* body : bodies) {
    BlockCondition c = block_condition_from_json(json::parse(body).as_object());
    c.id = "id-1";
    json::object out = block_condition_to_json(c);
    EXPECT_EQ(out["conditionId"], "id-1");
    BlockCondition again = block_condition_from_json(out);
    EXPECT_EQ(again.type, c.type) << body;
    EXPECT_EQ(block_condition_key(again), block_condition_key(c)) << body;
    EXPECT_EQ(again.enabled, c.enabled) << body;
  }
  auto ip = block_condition_from_json(json::parse(R"({"conditionType":"IP","conditionValue":{"fixedIp":"192.0.2.7","invert":true}})").as_object());
  EXPECT_EQ(ip.fixed_ip, "192.0.2.7");
  EXPECT_TRUE(ip.invert);
  EXPECT_TRUE(ip.enabled);  // conditionStatus defaults to enabled
}

TEST(PolicyJson, DenyPolicyKeysCompareAddressesNotSpelling) {
  auto key = [](const std::string& body) { return block_condition_key(block_condition_from_json(json::parse(body).as_object())); };
  EXPECT_EQ(key(R"({"conditionType":"IP","conditionValue":{"fixedIp":"2001:DB8::1"}})"),
            key(R"({"conditionType":"IP","conditionValue":{"fixedIp":"2001:db8:0::1"}})"));
  EXPECT_EQ(key(R"({"conditionType":"IP","conditionValue":{"fixedIp":"::ffff:192.0.2.1"}})"),
            key(R"({"conditionType":"IP","conditionValue":{"fixedIp":"192.0.2.1"}})"));
  EXPECT_NE(key(R"({"conditionType":"IP","conditionValue":{"fixedIp":"192.0.2.1","invert":true}})"),
            key(R"({"conditionType":"IP","conditionValue":{"fixedIp":"192.0.2.1"}})"));
}

TEST(PolicyJson, DenyPolicyRejectionsNameTheField) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"conditionValue":"/a"})", "'conditionType'"},
      {R"({"conditionType":"COUNTRY","conditionValue":"NZ"})", "'conditionType' must be"},
      {R"({"conditionType":"API"})", "'conditionValue' is required"},
      {R"({"conditionType":"API","conditionValue":"pizzashack"})", "'conditionValue' must be an API context"},
      {R"({"conditionType":"API","conditionValue":"/pizza shack"})", "'conditionValue' must be an API context"},
      {R"({"conditionType":"API","conditionValue":{"context":"/a"}})", "'conditionValue' must be a string"},
      {R"({"conditionType":"APPLICATION","conditionValue":"DefaultApplication"})", "'conditionValue' must be '<owner>:<application name>'"},
      {R"({"conditionType":"APPLICATION","conditionValue":":app"})", "'conditionValue' must be '<owner>:<application name>'"},
      {R"({"conditionType":"APPLICATION","conditionValue":"admin:"})", "'conditionValue' must be '<owner>:<application name>'"},
      {R"({"conditionType":"USER","conditionValue":""})", "'conditionValue' must be a username"},
      {R"({"conditionType":"IP","conditionValue":"192.0.2.1"})", "'conditionValue' must be a JSON object"},
      {R"({"conditionType":"IP","conditionValue":{"fixedIp":"192.0.2.256"}})", "'conditionValue.fixedIp' is not an IP address"},
      {R"({"conditionType":"IP","conditionValue":{}})", "'conditionValue.fixedIp' is required"},
      {R"({"conditionType":"IP","conditionValue":{"fixedIp":"192.0.2.1","invert":"no"}})", "'conditionValue.invert'"},
      {R"({"conditionType":"IPRANGE","conditionValue":{"startingIp":"192.0.2","endingIp":"192.0.2.9"}})", "'conditionValue.startingIp' is not an IP address"},
      {R"({"conditionType":"IPRANGE","conditionValue":{"startingIp":"192.0.2.1","endingIp":"192.0.2.x"}})", "'conditionValue.endingIp' is not an IP address"},
      {R"({"conditionType":"IPRANGE","conditionValue":{"startingIp":"192.0.2.9","endingIp":"192.0.2.1"}})", "'conditionValue.startingIp' ('192.0.2.9') is after"},
      {R"({"conditionType":"USER","conditionValue":"bob","conditionStatus":"on"})", "'conditionStatus'"},
  };
  for (const auto& [body, expected] : cases)
    EXPECT_NE(deny_rejection(body).find(expected), std::string::npos) << body << " -> " << deny_rejection(body);
}

}  // namespace
}  // namespace archway::domain

namespace archway::domain {
namespace {

TEST(CustomRuleJson, ArchwayFieldsRoundTrip) {
  auto p = policy_from_json(json::parse(R"({"policyName":"R1","keyTemplate":"$userId:$apiContext",
      "condition":{"userId":"bob@carbon.super","apiVersion":"2.0","headers":[{"name":"X-A","value":"b"}]},
      "limit":{"requestCount":5,"timeUnit":"hour","unitTime":2}})").as_object(),
                            kPolicyLevelCustom);
  EXPECT_EQ(p.match.user_id, "bob");
  EXPECT_EQ(p.limit.request_count, 5);
  EXPECT_EQ(p.limit.time_unit, "hour");
  auto o = policy_to_json(p);
  EXPECT_EQ(o.at("type"), "CustomRule");
  auto again = policy_from_json(o, kPolicyLevelCustom);
  EXPECT_EQ(again.match.headers, p.match.headers);
  EXPECT_EQ(again.key_template, "$userId:$apiContext");
  EXPECT_EQ(again.limit.unit_time, 2);
}

TEST(CustomRuleJson, ReadsTheProductsSiddhiTemplateAndRefusesOtherQueries) {
  std::string why;
  auto r = read_siddhi_template(
      "FROM RequestStream SELECT userId, ( userId == 'admin@carbon.super' AND apiContext == '/pizza/1.0.0' ) AS "
      "isEligible, str:concat('a','') as throttleKey INSERT INTO EligibilityStream; FROM "
      "EligibilityStream[isEligible==true]#throttler:timeBatch(5 seconds) SELECT throttleKey, (count(userId) > 9) as "
      "isThrottled group by throttleKey INSERT ALL EVENTS into ResultStream;",
      why);
  ASSERT_TRUE(r) << why;
  EXPECT_EQ(r->match.user_id, "admin");
  EXPECT_EQ(r->match.api_context, "/pizza/1.0.0");
  EXPECT_EQ(r->limit.time_unit, "sec");
  EXPECT_EQ(r->limit.unit_time, 5);
  EXPECT_EQ(r->limit.request_count, 10);
  EXPECT_FALSE(read_siddhi_template("FROM S SELECT (userId == 'a' or userId == 'b') AS isEligible", why));
  EXPECT_FALSE(read_siddhi_template("FROM S SELECT (tenant == 'a') AS isEligible timeBatch(1 min) count(x) >= 1", why));
  EXPECT_NE(why.find("tenant"), std::string::npos);
  EXPECT_FALSE(read_siddhi_template("", why));
}

// Found by tests/fuzz/json_bodies_fuzz.cc: a Siddhi query whose quoted user id spans a line was
// stored, and then its own JSON (condition.userId with a newline) was refused on the way back.
TEST(CustomRuleJson, ASiddhiRuleIsHeldToTheConditionFieldsChecks) {
  const std::string query =
      "FROM RequestStream\nSELECT userId, ( userId == 'admin@carm\nSELECT userId, ( userId == "
      "'admin@cabon.super' ) AS msEligible , str:concat('admin@carbon.super','') as throttleKjy\n"
      "INzSERT INTO ElisEligible==true]#throttleV:timeBatch(1 min)\nSELECT throttleKey, (count(userId) >= 5) as "
      "isThrottled, expiryTimeStampttleKey\nINSERT ALL EVENTS into ResultStream;";
  const json::object body{{"policyName", "S1"}, {"keyTemplate", "$userId"}, {"siddhiQuery", query}};
  try {
    custom_rule_from_json(body);
    FAIL() << "accepted";
  } catch (const common::ProblemError& e) {
    EXPECT_EQ(e.problem().status, 400);
    EXPECT_NE(e.problem().description.find("userId"), std::string::npos) << e.problem().description;
  }
}

TEST(CustomRuleJson, RejectionsNameTheField) {
  auto reject = [](const std::string& body) { return rejection(body, kPolicyLevelCustom); };
  EXPECT_NE(reject(R"({"policyName":"A","limit":{"requestCount":1}})").find("keyTemplate"), std::string::npos);
  EXPECT_NE(reject(R"({"policyName":"A","keyTemplate":"$x","limit":{"requestCount":1}})").find("$x"), std::string::npos);
  EXPECT_NE(reject(R"({"policyName":"A","keyTemplate":"abc","limit":{"requestCount":1}})").find("keyTemplate"),
            std::string::npos);
  EXPECT_NE(reject(R"({"policyName":"A","keyTemplate":"$userId","limit":{"requestCount":1,"timeUnit":"week"}})")
                .find("limit.timeUnit"),
            std::string::npos);
  EXPECT_NE(reject(R"({"policyName":"A","keyTemplate":"$userId","condition":{}})").find("limit"), std::string::npos);
  EXPECT_NE(reject(R"({"policyName":"A","keyTemplate":"$userId","condition":{"clientIp":"x"},"limit":{"requestCount":1}})")
                .find("clientIp"),
            std::string::npos);
}

}  // namespace
}  // namespace archway::domain

namespace archway::domain {
namespace {

TEST(TierPermission, AllowAdmitsOnlyTheNamedRolesAndDenyEveryoneElse) {
  const TierPermission allow{"ALLOW", {"Internal/Creator", "partner"}};
  EXPECT_TRUE(tier_permits(allow, {"creator"}));  // case and the Internal/ prefix do not matter
  EXPECT_TRUE(tier_permits(allow, {"subscriber", "PARTNER"}));
  EXPECT_FALSE(tier_permits(allow, {"subscriber"}));
  EXPECT_FALSE(tier_permits(allow, {}));  // an anonymous caller
  const TierPermission deny{"DENY", {"subscriber"}};
  EXPECT_FALSE(tier_permits(deny, {"Internal/subscriber"}));
  EXPECT_TRUE(tier_permits(deny, {"creator"}));
  EXPECT_TRUE(tier_permits(deny, {}));
  EXPECT_FALSE(tier_permits(TierPermission{"DENY", {"Internal/everyone"}}, {"admin"}));
  EXPECT_TRUE(tier_permits(TierPermission{}, {}));  // no permissions: open to all
}

TEST(PolicyJson, SubscriptionTierFieldsAndApplicationBurstRoundTrip) {
  const auto sub = json::parse(R"({"policyName":"Partner","defaultLimit":{"type":"REQUESTCOUNTLIMIT",
    "requestCount":{"timeUnit":"min","unitTime":1,"requestCount":5}},"subscriberCount":3,
    "customAttributes":[{"name":"region","value":"eu"}],"permissions":{"permissionType":"deny","roles":["x"]}})").as_object();
  const ThrottlePolicy p = policy_from_json(sub, kPolicyLevelSubscription);
  EXPECT_EQ(p.subscriber_count, 3);
  EXPECT_EQ(p.permission.type, "DENY");
  const json::object out = policy_to_json(p);
  EXPECT_EQ(out.at("customAttributes"), json::parse(R"([{"name":"region","value":"eu"}])"));
  EXPECT_EQ(out.at("permissions"), json::parse(R"({"permissionType":"DENY","roles":["x"]})"));
  const ThrottlePolicy again = policy_from_json(out, kPolicyLevelSubscription);
  EXPECT_EQ(again.custom_attributes, p.custom_attributes);
  EXPECT_EQ(again.permission.roles, p.permission.roles);
  EXPECT_EQ(policy_summary_json(p).at("throttlingPolicyPermissions"), json::parse(R"({"type":"deny","roles":["x"]})"));

  const auto app = json::parse(R"({"policyName":"B","defaultLimit":{"type":"REQUESTCOUNTLIMIT",
    "requestCount":{"timeUnit":"min","unitTime":1,"requestCount":5}},"burstLimit":{"rateLimitCount":2,"rateLimitTimeUnit":"sec"}})").as_object();
  const ThrottlePolicy a = policy_from_json(app, kPolicyLevelApplication);
  EXPECT_EQ(a.rate_limit_count, 2);
  EXPECT_EQ(policy_to_json(a).at("burstLimit"), json::parse(R"({"rateLimitCount":2,"rateLimitTimeUnit":"sec"})"));
  EXPECT_EQ(policy_from_json(policy_to_json(a), kPolicyLevelApplication).rate_limit_time_unit, "sec");
}

}  // namespace
}  // namespace archway::domain
