// Throttling policies (issue #4, first slice): seeded tiers, Admin CRUD with validation, the
// portals' tier lists, and tiers named by APIs and applications checked against them.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kSubPolicies = "/api/am/admin/v4/throttling/policies/subscription";
const std::string kAppPolicies = "/api/am/admin/v4/throttling/policies/application";

class ThrottlingPolicies : public ServerSuite {
 protected:
  static std::string sub_policy(const std::string& name, const std::string& count, const std::string& unit = "min") {
    return R"({"policyName":")" + name + R"(","displayName":")" + name + R"(","description":"d",)"
           R"("defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":")" + unit +
           R"(","unitTime":1,"requestCount":)" + count + R"(}},"rateLimitCount":5,"rateLimitTimeUnit":"sec",)"
           R"("stopOnQuotaReach":true,"billingPlan":"FREE"})";
  }
  std::vector<std::string> names(const std::string& target) {
    std::vector<std::string> out;
    const json::object listed = json_of(admin("GET", target));  // range-for must not outlive a temporary
    for (const auto& p : listed.at("list").as_array())
      out.push_back(str(p.as_object().contains("policyName") ? p.as_object().at("policyName") : p.as_object().at("name")));
    return out;
  }
};

TEST_F(ThrottlingPolicies, ProductTiersAreSeededOnFirstStart) {
  const auto subs = names(kSubPolicies);
  for (const char* t : {"Unlimited", "Gold", "Silver", "Bronze", "Unauthenticated"})
    EXPECT_NE(std::find(subs.begin(), subs.end(), t), subs.end()) << t;
  const auto apps = names(kAppPolicies);
  for (const char* t : {"Unlimited", "10PerMin", "20PerMin", "50PerMin"})
    EXPECT_NE(std::find(apps.begin(), apps.end(), t), apps.end()) << t;
  auto pub = json_of(admin("GET", "/api/am/publisher/v4/throttling-policies/subscription"));
  bool gold = false;
  for (const auto& p : pub["list"].as_array())
    if (str(p.at("name")) == "Gold") gold = p.at("requestCount") == 5000 && str(p.at("timeUnit")) == "min";
  EXPECT_TRUE(gold);
  EXPECT_EQ(json_of(admin("GET", "/api/am/devportal/v3/throttling-policies/application"))["count"], 4);
  EXPECT_EQ(admin("GET", "/api/am/publisher/v4/throttling-policies/galactic").status, 400);
}

TEST_F(ThrottlingPolicies, AdminCreatesUpdatesAndDeletesSubscriptionTiers) {
  auto created = admin("POST", kSubPolicies, sub_policy("Platinum", "10000"));
  ASSERT_EQ(created.status, 201) << created.body;
  auto o = json_of(created);
  const std::string id = str(o["policyId"]);
  EXPECT_EQ(o["defaultLimit"].at("requestCount").at("requestCount"), 10000);
  EXPECT_EQ(o["rateLimitCount"], 5);
  EXPECT_EQ(admin("POST", kSubPolicies, sub_policy("Platinum", "1")).status, 409);
  auto updated = admin("PUT", kSubPolicies + "/" + id, sub_policy("Platinum", "20000"));
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(json_of(admin("GET", kSubPolicies + "/" + id))["defaultLimit"].at("requestCount").at("requestCount"), 20000);
  EXPECT_EQ(admin("PUT", kSubPolicies + "/" + id, sub_policy("Renamed", "1")).status, 400);
  // In use by an API: cannot be deleted.
  const std::string api = create_api(api_body("Tiered", "/tiered", R"([{"target":"/*","verb":"GET"}])", "",
                                              R"("policies":["Platinum"],)"));
  EXPECT_EQ(admin("DELETE", kSubPolicies + "/" + id).status, 409);
  ASSERT_EQ(admin("DELETE", kApis + "/" + api).status, 200);
  EXPECT_EQ(admin("DELETE", kSubPolicies + "/" + id).status, 200);
  EXPECT_EQ(admin("GET", kSubPolicies + "/" + id).status, 404);
}

TEST_F(ThrottlingPolicies, BadPoliciesAre400NamingTheField) {
  const std::pair<std::string, std::string> cases[] = {
      {sub_policy("Zero", "0"), "'defaultLimit.requestCount.requestCount'"},
      {sub_policy("Negative", "-5"), "'defaultLimit.requestCount.requestCount'"},
      {sub_policy("Weekly", "10", "week"), "'defaultLimit.requestCount.timeUnit'"},
      {R"({"policyName":"NoLimit"})", "'defaultLimit'"},
      {R"({"defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":1}}})",
       "'policyName'"},
      {R"({"policyName":"Odd","defaultLimit":{"type":"EVENTCOUNTLIMIT"}})", "'defaultLimit.type'"},
      {R"({"policyName":"Bw","defaultLimit":{"type":"BANDWIDTHLIMIT","bandwidth":{"timeUnit":"min","unitTime":1,"dataAmount":5,"dataUnit":"TB"}}})",
       "'defaultLimit.bandwidth.dataUnit'"},
  };
  for (const auto& [body, field] : cases) {
    auto r = admin("POST", kSubPolicies, body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_NE(r.body.find(field), std::string::npos) << body << " -> " << r.body;
  }
  auto bw = admin("POST", kAppPolicies, R"({"policyName":"1MBPerMin","defaultLimit":{"type":"BANDWIDTHLIMIT",)"
                                        R"("bandwidth":{"timeUnit":"min","unitTime":1,"dataAmount":1,"dataUnit":"MB"}}})");
  EXPECT_EQ(bw.status, 201) << bw.body;
  // Built-in tiers stay.
  const json::object listed = json_of(admin("GET", kSubPolicies));
  for (const auto& p : listed.at("list").as_array()) {
    if (str(p.at("policyName")) == "Unlimited" || str(p.at("policyName")) == "Unauthenticated") {
      EXPECT_EQ(admin("DELETE", kSubPolicies + "/" + str(p.at("policyId"))).status, 400);
    }
  }
}

TEST_F(ThrottlingPolicies, ApisAndApplicationsMustNameExistingTiers) {
  auto api = admin("POST", kApis, api_body("NoSuchTier", "/nosuchtier", R"([{"target":"/*","verb":"GET"}])", "",
                                           R"("policies":["Gold","Diamond"],)"));
  EXPECT_EQ(api.status, 400);
  EXPECT_NE(api.body.find("'policies[1]'"), std::string::npos) << api.body;
  auto app = admin("POST", "/api/am/devportal/v3/applications", R"({"name":"TierApp","throttlingPolicy":"5PerMin"})");
  EXPECT_EQ(app.status, 400);
  EXPECT_NE(app.body.find("'throttlingPolicy'"), std::string::npos);
  auto created = admin("POST", kAppPolicies, R"({"policyName":"5PerMin","defaultLimit":{"type":"REQUESTCOUNTLIMIT",)"
                                             R"("requestCount":{"timeUnit":"min","unitTime":1,"requestCount":5}}})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto ok = admin("POST", "/api/am/devportal/v3/applications", R"({"name":"TierApp","throttlingPolicy":"5PerMin"})");
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(admin("DELETE", kAppPolicies + "/" + str(json_of(created)["policyId"])).status, 409);  // in use
}

}  // namespace
}  // namespace archway::testing
