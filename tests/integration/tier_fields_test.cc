// The product's throttle policy fields beyond limits (issue #16, item 12): a subscription tier's
// subscriberCount, customAttributes and role permissions (which hide a tier from the callers it
// keeps out and refuse their subscriptions), and an application tier's burstLimit, enforced by
// the gateway and cleared by reset-throttle-policy.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kPw = "password-123";
const std::string kSubPolicies = "/api/am/admin/v4/throttling/policies/subscription";
const std::string kAppPolicies = "/api/am/admin/v4/throttling/policies/application";
const std::string kLimit = R"("defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":100}})";

class TierFields : public ServerSuite {
 protected:
  void make_user(const std::string& name, const std::string& role) {
    auto r = admin("POST", "/api/am/admin/v4/users",
                   R"({"username":")" + name + R"(","password":")" + kPw + R"(","roles":[")" + role + R"("]})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  HttpResponse as(const std::string& user, const std::string& method, const std::string& target,
                  const std::string& body = "") {
    return mgmt().call(method, target, body, user, kPw);
  }
  static std::vector<std::string> tier_names(const json::value& list) {
    std::vector<std::string> out;
    for (const auto& p : list.as_array()) {
      const auto& o = p.as_object();
      out.push_back(str(o.contains("tierName") ? o.at("tierName") : o.at("name")));
    }
    return out;
  }
  static bool has(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  }
  static std::string sub_body(const std::string& app, const std::string& api, const std::string& tier) {
    return R"({"applicationId":")" + app + R"(","apiId":")" + api + R"(","throttlingPolicy":")" + tier + R"("})";
  }
};

TEST_F(TierFields, SubscriptionTierKeepsSubscriberCountAttributesAndPermissions) {
  auto created = admin("POST", kSubPolicies,
                       R"({"policyName":"Partner",)" + kLimit +
                           R"(,"subscriberCount":10,"customAttributes":[{"name":"region","value":"eu"},{"name":"sla","value":"gold"}],)"
                           R"("permissions":{"permissionType":"allow","roles":["Internal/creator","admin"]}})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto o = json_of(admin("GET", kSubPolicies + "/" + str(json_of(created)["policyId"])));
  EXPECT_EQ(o["subscriberCount"], 10);
  ASSERT_EQ(o["customAttributes"].as_array().size(), 2u);
  EXPECT_EQ(str(o["customAttributes"].as_array()[1].at("name")), "sla");
  EXPECT_EQ(str(o["customAttributes"].as_array()[1].at("value")), "gold");
  EXPECT_EQ(str(o["permissions"].at("permissionType")), "ALLOW");
  EXPECT_EQ(o["permissions"].at("roles").as_array().size(), 2u);
  // A tier without permissions says so with null.
  const json::object listed = json_of(admin("GET", kSubPolicies));
  for (const auto& p : listed.at("list").as_array())
    if (str(p.at("policyName")) == "Gold") {
      EXPECT_TRUE(p.at("permissions").is_null());
    }
  // The DevPortal's ThrottlingPolicy: attributes as a map, permissions with a lower-case type.
  auto d = json_of(admin("GET", "/api/am/devportal/v3/throttling-policies/subscription/Partner"));
  EXPECT_EQ(str(d["attributes"].at("region")), "eu");
  EXPECT_EQ(str(d["throttlingPolicyPermissions"].at("type")), "allow");
}

TEST_F(TierFields, BadTierFieldsAre400NamingTheField) {
  const std::pair<std::string, std::string> cases[] = {
      {R"("subscriberCount":-1)", "'subscriberCount'"},
      {R"("customAttributes":[{"value":"x"}])", "'customAttributes[0].name'"},
      {R"("customAttributes":[{"name":"a","value":"1"},{"name":"a","value":"2"}])", "'customAttributes[1].name'"},
      {R"("customAttributes":["a"])", "customAttributes[0]"},
      {R"("permissions":{"permissionType":"MAYBE","roles":["x"]})", "'permissions.permissionType'"},
      {R"("permissions":{"permissionType":"DENY","roles":[]})", "'permissions.roles'"},
      {R"("permissions":{"permissionType":"DENY","roles":[7]})", "'permissions.roles[0]'"},
  };
  for (const auto& [extra, field] : cases) {
    auto r = admin("POST", kSubPolicies, R"({"policyName":"BadTier",)" + kLimit + "," + extra + "}");
    EXPECT_EQ(r.status, 400) << extra;
    EXPECT_EQ(json_of(r)["code"], 400) << extra;
    EXPECT_NE(r.body.find(field), std::string::npos) << extra << " -> " << r.body;
  }
  auto app = admin("POST", kAppPolicies,
                   R"({"policyName":"BadBurst",)" + kLimit + R"(,"burstLimit":{"rateLimitCount":3,"rateLimitTimeUnit":"hour"}})");
  EXPECT_EQ(app.status, 400);
  EXPECT_NE(app.body.find("'burstLimit.rateLimitTimeUnit'"), std::string::npos) << app.body;
  EXPECT_EQ(admin("GET", kSubPolicies).status, 200);
  EXPECT_EQ(json_of(admin("GET", "/api/am/devportal/v3/throttling-policies/subscription/BadTier"))["code"], 404);
}

TEST_F(TierFields, DeniedTierIsHiddenFromItsRolesAndRefusesTheirSubscriptions) {
  make_user("tierdev", "subscriber");
  subscription_tier("Internal", 100, R"(,"permissions":{"permissionType":"DENY","roles":["Internal/subscriber"]})");
  subscription_tier("StaffOnly", 100, R"(,"permissions":{"permissionType":"ALLOW","roles":["admin"]})");
  const std::string api = secured_api("Tiered", "/tieredperm", R"("policies":["Unlimited","Internal","StaffOnly"],)");

  // Listing: the subscriber does not see the tiers kept from it; the admin sees all three.
  auto mine = json_of(as("tierdev", "GET", kDev + "/throttling-policies/subscription"));
  EXPECT_FALSE(has(tier_names(mine["list"]), "Internal"));
  EXPECT_FALSE(has(tier_names(mine["list"]), "StaffOnly"));
  EXPECT_TRUE(has(tier_names(mine["list"]), "Gold"));
  EXPECT_EQ(as("tierdev", "GET", kDev + "/throttling-policies/subscription/Internal").status, 404);
  EXPECT_EQ(as("tierdev", "GET", kDev + "/throttling-policies/subscription/Gold").status, 200);
  auto api_tiers = tier_names(json_of(as("tierdev", "GET", kDev + "/apis/" + api))["tiers"]);
  EXPECT_EQ(api_tiers, std::vector<std::string>{"Unlimited"});
  EXPECT_EQ(tier_names(json::parse(as("tierdev", "GET", kDev + "/apis/" + api + "/subscription-policies").body)),
            std::vector<std::string>{"Unlimited"});
  auto admin_tiers = tier_names(json_of(admin("GET", kDev + "/apis/" + api))["tiers"]);
  EXPECT_EQ(admin_tiers.size(), 3u);

  // Subscribing: 403 for a tier kept from the caller, 201 for an open one; changing to a kept tier is 403 too.
  auto app = as("tierdev", "POST", kDev + "/applications", R"({"name":"TierDevApp"})");
  ASSERT_EQ(app.status, 201) << app.body;
  const std::string app_id = str(json_of(app)["applicationId"]);
  for (const std::string tier : {"Internal", "StaffOnly"}) {
    auto r = as("tierdev", "POST", kDev + "/subscriptions", sub_body(app_id, api, tier));
    EXPECT_EQ(r.status, 403) << tier << " " << r.body;
    EXPECT_EQ(json_of(r)["code"], 403);
  }
  auto multi = as("tierdev", "POST", kDev + "/subscriptions/multiple", "[" + sub_body(app_id, api, "Internal") + "]");
  EXPECT_EQ(multi.status, 403) << multi.body;
  auto sub = as("tierdev", "POST", kDev + "/subscriptions", sub_body(app_id, api, "Unlimited"));
  ASSERT_EQ(sub.status, 201) << sub.body;
  const std::string sub_id = str(json_of(sub)["subscriptionId"]);
  auto change = as("tierdev", "PUT", kDev + "/subscriptions/" + sub_id, sub_body(app_id, api, "StaffOnly"));
  EXPECT_EQ(change.status, 403) << change.body;
  EXPECT_EQ(str(json_of(as("tierdev", "GET", kDev + "/subscriptions/" + sub_id))["throttlingPolicy"]), "Unlimited");

  // The admin holds the allowed role and not the denied one.
  Client c = application("StaffApp");
  subscribe(c.app_id, api, "StaffOnly");
  EXPECT_EQ(wait_for_call("/tieredperm/1.0.0/x", c.token, 200), 200);
}

TEST_F(TierFields, ApplicationTierBurstLimitCapsRequestsUntilTheReset) {
  auto t = admin("POST", kAppPolicies,
                 R"({"policyName":"Burst3",)" + kLimit + R"(,"burstLimit":{"rateLimitCount":3,"rateLimitTimeUnit":"min"}})");
  ASSERT_EQ(t.status, 201) << t.body;
  auto stored = json_of(admin("GET", kAppPolicies + "/" + str(json_of(t)["policyId"])));
  EXPECT_EQ(stored["burstLimit"].at("rateLimitCount"), 3);
  EXPECT_EQ(str(stored["burstLimit"].at("rateLimitTimeUnit")), "min");
  EXPECT_EQ(json_of(admin("GET", kDev + "/throttling-policies/application/Burst3"))["rateLimitCount"], 3);

  const std::string api = secured_api("AppBurst", "/appburst");
  Client c = application("BurstApp", "PRODUCTION", "Burst3");
  subscribe(c.app_id, api);
  const std::string target = "/appburst/1.0.0/x";
  ASSERT_EQ(wait_for_call(target, c.token, 200), 200);
  EXPECT_EQ(call(target, c.token).status, 200);
  EXPECT_EQ(call(target, c.token).status, 200);
  auto throttled = call(target, c.token);
  ASSERT_EQ(throttled.status, 429);
  EXPECT_EQ(json_of(throttled)["code"], 900807);
  ASSERT_EQ(admin("POST", kDev + "/applications/" + c.app_id + "/reset-throttle-policy", R"({"userName":"admin"})").status, 200);
  EXPECT_EQ(call(target, c.token).status, 200);
}

}  // namespace
}  // namespace archway::testing
