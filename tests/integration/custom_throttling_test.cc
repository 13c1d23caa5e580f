// Custom rules (Admin /throttling/policies/custom) end to end against the real binary: their REST
// shape and errors, the product's Siddhi sample read as a condition, export and import as
// "global" policies, and the gateway counting matching callers under the expanded key template.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kCustom = "/api/am/admin/v4/throttling/policies/custom";
const std::string kAdminApi = "/api/am/admin/v4";

// The product's documented sample: 10 requests a minute for the admin user.
const std::string kSiddhiSample =
    "FROM RequestStream\nSELECT userId, ( userId == 'admin@carbon.super' ) AS isEligible , "
    "str:concat('admin@carbon.super','') as throttleKey\nINSERT INTO EligibilityStream; \n\n"
    "FROM EligibilityStream[isEligible==true]#throttler:timeBatch(1 min) \nSELECT throttleKey, "
    "(count(userId) >= 10) as isThrottled, expiryTimeStamp group by throttleKey \nINSERT ALL "
    "EVENTS into ResultStream;";

std::string rule_body(const std::string& name, const std::string& condition, long count,
                      const std::string& key = "$userId") {
  return R"({"policyName":")" + name + R"(","description":"test","keyTemplate":")" + key +
         R"(","condition":)" + condition + R"(,"limit":{"requestCount":)" + std::to_string(count) +
         R"(,"timeUnit":"min","unitTime":1}})";
}

class CustomThrottling : public ServerSuite {
 protected:
  HttpResponse as(const std::string& user, const std::string& method, const std::string& target,
                  const std::string& body = "") {
    return mgmt().call(method, target, body, user, "password-123");
  }

  void user(const std::string& name, const std::string& role) {
    auto r = admin(
        "POST", kAdminApi + "/users",
        R"({"username":")" + name + R"(","password":"password-123","roles":[")" + role + R"("]})");
    ASSERT_EQ(r.status, 201) << r.body;
  }

  // An application of `owner` (a subscriber) subscribed to `api`; returns its access token.
  std::string token_of(const std::string& owner, const std::string& app, const std::string& api) {
    auto a = as(owner, "POST", kDev + "/applications",
                R"({"name":")" + app + R"(","throttlingPolicy":"Unlimited"})");
    EXPECT_EQ(a.status, 201) << a.body;
    const std::string app_id = str(json_of(a)["applicationId"]);
    auto k = as(
        owner, "POST", kDev + "/applications/" + app_id + "/generate-keys",
        R"({"keyType":"PRODUCTION","grantTypesToBeSupported":["client_credentials"],"validityTime":3600})");
    EXPECT_EQ(k.status, 200) << k.body;
    auto s = as(owner, "POST", kDev + "/subscriptions",
                R"({"applicationId":")" + app_id + R"(","apiId":")" + api +
                    R"(","throttlingPolicy":"Unlimited"})");
    EXPECT_EQ(s.status, 201) << s.body;
    return str(json_of(k)["token"].at("accessToken"));
  }

  // Events reach the gateway in order: once a deny policy created after the rules blocks a probe
  // API, every rule created before it is enforced.
  void wait_until_enforced(const std::string& probe) {
    auto d = admin("POST", kAdminApi + "/throttling/deny-policies",
                   R"({"conditionType":"API","conditionValue":")" + probe +
                       R"(/1.0.0","conditionStatus":true})");
    ASSERT_EQ(d.status, 201) << d.body;
    ASSERT_EQ(wait_for_status(probe + "/1.0.0/x", [](int s) { return s == 403; }), 403);
  }
};

TEST_F(CustomThrottling, RulesAreCreatedReadUpdatedAndDeleted) {
  auto c =
      admin("POST", kCustom,
            rule_body("PerUser",
                      R"({"apiContext":"/crud","headers":[{"name":"X-Lane","value":"a"}]})", 5));
  ASSERT_EQ(c.status, 201) << c.body;
  auto o = json_of(c);
  const std::string id = str(o["policyId"]);
  EXPECT_EQ(c.header("location"), kCustom + "/" + id);
  EXPECT_EQ(str(o["policyName"]), "PerUser");
  EXPECT_EQ(str(o["keyTemplate"]), "$userId");
  EXPECT_EQ(o["isDeployed"], true);
  EXPECT_EQ(str(o["type"]), "CustomRule");
  EXPECT_TRUE(o["siddhiQuery"].is_string());
  EXPECT_EQ(str(o["condition"].at("apiContext")), "/crud");
  EXPECT_EQ(str(o["condition"].at("headers").at(0).at("name")), "X-Lane");
  EXPECT_EQ(o["limit"].at("requestCount"), 5);

  auto list = json_of(admin("GET", kCustom));
  EXPECT_EQ(list["count"], 1);
  EXPECT_EQ(str(list["list"].at(0).at("policyId")), id);
  EXPECT_EQ(str(json_of(admin("GET", kCustom + "/" + id))["policyName"]), "PerUser");

  auto u = admin("PUT", kCustom + "/" + id,
                 rule_body("PerUser", R"({"userId":"bob"})", 7, "$userId:$apiContext"));
  ASSERT_EQ(u.status, 200) << u.body;
  auto got = json_of(admin("GET", kCustom + "/" + id));
  EXPECT_EQ(got["limit"].at("requestCount"), 7);
  EXPECT_EQ(str(got["keyTemplate"]), "$userId:$apiContext");
  EXPECT_EQ(str(got["condition"].at("userId")), "bob");
  EXPECT_FALSE(got["condition"].as_object().contains("apiContext"));

  ASSERT_EQ(admin("DELETE", kCustom + "/" + id).status, 200);
  EXPECT_EQ(admin("GET", kCustom + "/" + id).status, 404);
  EXPECT_EQ(json_of(admin("GET", kCustom))["count"], 0);
}

TEST_F(CustomThrottling, BadRulesAreRefusedUnknownIdsAreNotFoundAndOnlyAdminsManageThem) {
  auto missing_key = admin("POST", kCustom, R"({"policyName":"NoKey","limit":{"requestCount":1}})");
  EXPECT_EQ(missing_key.status, 400);
  EXPECT_NE(str(json_of(missing_key)["description"]).find("keyTemplate"), std::string::npos);
  EXPECT_EQ(admin("POST", kCustom, rule_body("BadVar", "{}", 1, "$tenant")).status, 400);
  EXPECT_EQ(admin("POST", kCustom, rule_body("NoCount", "{}", 0)).status, 400);
  EXPECT_EQ(admin("POST", kCustom, rule_body("BadIp", R"({"clientIp":"300.1.1.1"})", 1)).status,
            400);
  EXPECT_EQ(admin("POST", kCustom, rule_body("BadField", R"({"tenant":"x"})", 1)).status, 400);
  EXPECT_EQ(admin("POST", kCustom, R"({"policyName":"Nothing","keyTemplate":"$userId"})").status,
            400);
  EXPECT_EQ(
      admin("POST", kCustom,
            R"({"policyName":"bad name!","keyTemplate":"$userId","limit":{"requestCount":1}})")
          .status,
      400);
  EXPECT_EQ(admin("POST", kCustom, "{not json").status, 400);
  auto siddhi =
      admin("POST", kCustom,
            R"({"policyName":"Siddhi","keyTemplate":"$userId","siddhiQuery":"FROM X SELECT 1"})");
  EXPECT_EQ(siddhi.status, 400);
  EXPECT_NE(str(json_of(siddhi)["description"]).find("condition"), std::string::npos)
      << siddhi.body;

  auto first = admin("POST", kCustom, rule_body("Twice", "{}", 3));
  ASSERT_EQ(first.status, 201) << first.body;
  auto twice = admin("POST", kCustom, rule_body("Twice", "{}", 4));
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(str(json_of(twice)["description"]), "A custom rule named 'Twice' already exists");
  const std::string id = str(json_of(first)["policyId"]);
  EXPECT_EQ(admin("PUT", kCustom + "/" + id, rule_body("Renamed", "{}", 3)).status, 400);
  EXPECT_EQ(admin("PUT", kCustom + "/" + id, rule_body("Twice", "{}", -1)).status, 400);

  EXPECT_EQ(admin("GET", kCustom + "/no-such-rule").status, 404);
  EXPECT_EQ(admin("PUT", kCustom + "/no-such-rule", rule_body("Twice", "{}", 3)).status, 404);
  EXPECT_EQ(admin("DELETE", kCustom + "/no-such-rule").status, 404);

  user("sam", "subscriber");
  EXPECT_EQ(as("sam", "GET", kCustom).status, 403);
  EXPECT_EQ(as("sam", "POST", kCustom, rule_body("Sneaky", "{}", 1)).status, 403);
  EXPECT_EQ(as("sam", "GET", kCustom + "/" + id).status, 403);
  EXPECT_EQ(as("sam", "DELETE", kCustom + "/" + id).status, 403);
  EXPECT_EQ(admin("GET", kCustom + "/" + id).status, 200);
  ASSERT_EQ(admin("DELETE", kCustom + "/" + id).status, 200);
}

TEST_F(CustomThrottling, TheProductsSampleSiddhiQueryIsReadAsACondition) {
  json::object body{{"policyName", "Sample"},
                    {"keyTemplate", "$userId"},
                    {"siddhiQuery", kSiddhiSample},
                    {"description", "Allow 10 requests per minute for admin user"}};
  auto r = admin("POST", kCustom, json::serialize(body));
  ASSERT_EQ(r.status, 201) << r.body;
  auto o = json_of(r);
  EXPECT_EQ(str(o["siddhiQuery"]), kSiddhiSample);  // kept as given
  EXPECT_EQ(str(o["condition"].at("userId")), "admin");
  EXPECT_EQ(o["limit"].at("requestCount"), 10);
  EXPECT_EQ(str(o["limit"].at("timeUnit")), "min");
  EXPECT_EQ(o["limit"].at("unitTime"), 1);
  ASSERT_EQ(admin("DELETE", kCustom + "/" + str(o["policyId"])).status, 200);
}

TEST_F(CustomThrottling, ARuleKeyedByUserThrottlesThatUserOnly) {
  const std::string api = secured_api("CustomUser", "/cuser");
  deployed_api(api_body("CuProbe", "/cuprobe"), "/cuprobe/1.0.0/x");
  user("bob", "subscriber");
  const std::string bob = token_of("bob", "BobApp", api);
  Client other = application("AdminCuApp");
  subscribe(other.app_id, api);
  ASSERT_EQ(wait_for_call("/cuser/1.0.0/x", bob, 200), 200);

  auto r =
      admin("POST", kCustom, rule_body("BobThree", R"({"userId":"bob","apiContext":"/cuser"})", 3));
  ASSERT_EQ(r.status, 201) << r.body;
  wait_until_enforced("/cuprobe");

  for (int i = 0; i < 3; ++i) EXPECT_EQ(call("/cuser/1.0.0/x", bob).status, 200) << i;
  auto refused = call("/cuser/1.0.0/x", bob);
  ASSERT_EQ(refused.status, 429) << refused.body;
  auto o = json_of(refused);
  EXPECT_EQ(o["code"], 900806);
  EXPECT_EQ(str(o["message"]), "Message throttled out");
  EXPECT_NE(str(o["description"]).find("BobThree"), std::string::npos) << refused.body;
  EXPECT_FALSE(refused.header("retry-after").empty());
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(call("/cuser/1.0.0/x", other.token).status, 200) << i;  // not bob

  // Deleted, the rule no longer counts.
  ASSERT_EQ(admin("DELETE", kCustom + "/" + str(json_of(r)["policyId"])).status, 200);
  EXPECT_EQ(wait_for_call("/cuser/1.0.0/x", bob, 200), 200);
}

TEST_F(CustomThrottling, EachExpandedKeyHasItsOwnWindow) {
  const std::string a = deployed_api(api_body("KeyedA", "/keyeda"), "/keyeda/1.0.0/x");
  const std::string b = deployed_api(api_body("KeyedB", "/keyedb"), "/keyedb/1.0.0/x");
  deployed_api(api_body("KeyProbe", "/keyprobe"), "/keyprobe/1.0.0/x");
  auto r = admin("POST", kCustom,
                 rule_body("PerContext", R"({"headers":[{"name":"X-Metered","value":"yes"}]})", 2,
                           "$apiContext:$apiVersion"));
  ASSERT_EQ(r.status, 201) << r.body;
  wait_until_enforced("/keyprobe");
  const std::vector<std::pair<std::string, std::string>> metered{{"X-Metered", "yes"}};
  for (const std::string path : {"/keyeda/1.0.0/x", "/keyedb/1.0.0/x"}) {
    EXPECT_EQ(gw().get(path, metered).status, 200) << path;
    EXPECT_EQ(gw().get(path, metered).status, 200) << path;
    EXPECT_EQ(gw().get(path, metered).status, 429) << path;
    EXPECT_EQ(gw().get(path).status, 200) << path;  // without the header the rule does not apply
  }
  ASSERT_EQ(admin("DELETE", kCustom + "/" + str(json_of(r)["policyId"])).status, 200);
}

TEST_F(CustomThrottling, RulesAreExportedAndImportedAsGlobalPolicies) {
  auto c =
      admin("POST", kCustom, rule_body("Moving", R"({"clientIp":"10.1.2.3"})", 9, "$clientIp"));
  ASSERT_EQ(c.status, 201) << c.body;
  const std::string id = str(json_of(c)["policyId"]);
  auto e = admin("GET", "/api/am/admin/v4/throttling/policies/export?name=Moving&type=global");
  ASSERT_EQ(e.status, 200) << e.body;
  auto file = json_of(e);
  EXPECT_EQ(str(file["subtype"]), "custom rule");
  EXPECT_EQ(str(file["data"].at("keyTemplate")), "$clientIp");
  auto found =
      json_of(admin("GET", "/api/am/admin/v4/throttling/policies/search?query=type:global"));
  EXPECT_EQ(found["count"], 1);

  Multipart form;
  form.file("file", "Moving.json", e.body, "application/json");
  EXPECT_EQ(admin_form("POST", "/api/am/admin/v4/throttling/policies/import", form).status, 409);
  ASSERT_EQ(admin("DELETE", kCustom + "/" + id).status, 200);
  auto imported = admin_form("POST", "/api/am/admin/v4/throttling/policies/import", form);
  ASSERT_EQ(imported.status, 200) << imported.body;
  auto list = json_of(admin("GET", kCustom));
  ASSERT_EQ(list["count"], 1);
  EXPECT_EQ(str(list["list"].at(0).at("condition").at("clientIp")), "10.1.2.3");
  EXPECT_EQ(list["list"].at(0).at("limit").at("requestCount"), 9);
  ASSERT_EQ(admin("DELETE", kCustom + "/" + str(list["list"].at(0).at("policyId"))).status, 200);
}

}  // namespace
}  // namespace archway::testing
