// Advanced (API and resource) throttling policies (issue #4): seeded tiers, Admin CRUD with
// conditional groups, validation that names the field, tiers named by APIs and operations checked
// against them, deletion refused while in use, and the API's backend limit (maxTps).
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kAdvanced = "/api/am/admin/v4/throttling/policies/advanced";
const char* kCountLimit = R"({"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":100}})";
const char* kIpRange =
    R"({"type":"IPCONDITION","invertCondition":false,"ipCondition":{"ipConditionType":"IPRANGE","startingIP":"10.0.0.1","endingIP":"10.0.0.255"}})";

class AdvancedPolicies : public ServerSuite {
 protected:
  // An advanced policy with one conditional group of `conditions` limited by `group_limit`.
  static std::string policy(const std::string& name, const std::string& conditions = std::string("[") + kIpRange + "]",
                            const std::string& group_limit = kCountLimit, const std::string& count = "1000") {
    return R"({"policyName":")" + name + R"(","displayName":")" + name + R"(","description":"d",)"
           R"("defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":)" +
           count + R"(}},"conditionalGroups":[{"description":"office","conditions":)" + conditions +
           R"(,"limit":)" + group_limit + "}]}";
  }
  std::string create_policy(const std::string& name) {
    auto r = admin("POST", kAdvanced, policy(name));
    EXPECT_EQ(r.status, 201) << r.body;
    return str(json_of(r)["policyId"]);
  }
  std::string id_of(const std::string& name) {
    const json::object listed = json_of(admin("GET", kAdvanced));
    for (const auto& p : listed.at("list").as_array())
      if (str(p.at("policyName")) == name) return str(p.at("policyId"));
    return "";
  }
  void add_user(const std::string& name, const std::string& role) {
    auto r = admin("POST", "/api/am/admin/v4/users",
                   R"({"username":")" + name + R"(","password":"password-123","roles":[")" + role + R"("]})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
};

TEST_F(AdvancedPolicies, ProductAdvancedTiersAreSeededAndListedAsApiLevel) {
  const json::object listed = json_of(admin("GET", kAdvanced));
  std::vector<std::string> names;
  for (const auto& p : listed.at("list").as_array()) {
    names.push_back(str(p.at("policyName")));
    EXPECT_EQ(str(p.at("type")), "AdvancedThrottlePolicy");
  }
  for (const char* t : {"Unlimited", "10KPerMin", "20KPerMin", "50KPerMin"})
    EXPECT_NE(std::find(names.begin(), names.end(), t), names.end()) << t;
  EXPECT_EQ(listed.at("count"), names.size());
  auto pub = json_of(admin("GET", "/api/am/publisher/v4/throttling-policies/api"));
  bool ten_k = false;
  for (const auto& p : pub["list"].as_array()) {
    EXPECT_EQ(str(p.at("policyLevel")), "api");
    if (str(p.at("name")) == "10KPerMin") ten_k = p.at("requestCount") == 10000 && str(p.at("timeUnit")) == "min";
  }
  EXPECT_TRUE(ten_k);
  auto bad_level = admin("GET", "/api/am/publisher/v4/throttling-policies/advanced");
  EXPECT_EQ(bad_level.status, 400);
  EXPECT_NE(bad_level.body.find("subscription, api or application"), std::string::npos) << bad_level.body;
}

TEST_F(AdvancedPolicies, AdminCreatesReadsUpdatesAndDeletesAdvancedPolicies) {
  auto created = admin("POST", kAdvanced, policy("Office"));
  ASSERT_EQ(created.status, 201) << created.body;
  auto o = json_of(created);
  const std::string id = str(o["policyId"]);
  EXPECT_EQ(created.header("location"), kAdvanced + "/" + id);
  EXPECT_EQ(str(o["type"]), "AdvancedThrottlePolicy");
  const auto& group = o["conditionalGroups"].as_array().at(0).as_object();
  EXPECT_EQ(str(group.at("conditions").as_array().at(0).at("ipCondition").at("endingIP")), "10.0.0.255");
  EXPECT_EQ(group.at("limit").at("requestCount").at("requestCount"), 100);

  EXPECT_EQ(admin("POST", kAdvanced, policy("Office")).status, 409);
  auto got = json_of(admin("GET", kAdvanced + "/" + id));
  EXPECT_EQ(str(got["policyName"]), "Office");
  EXPECT_EQ(got["defaultLimit"].at("requestCount").at("requestCount"), 1000);

  const std::string header_group = R"([{"type":"HEADERCONDITION","invertCondition":true,)"
                                   R"("headerCondition":{"headerName":"X-Partner","headerValue":"acme"}}])";
  auto updated = admin("PUT", kAdvanced + "/" + id, policy("Office", header_group, kCountLimit, "2000"));
  ASSERT_EQ(updated.status, 200) << updated.body;
  got = json_of(admin("GET", kAdvanced + "/" + id));
  EXPECT_EQ(got["defaultLimit"].at("requestCount").at("requestCount"), 2000);
  const auto& cond = got["conditionalGroups"].as_array().at(0).at("conditions").as_array().at(0).as_object();
  EXPECT_EQ(str(cond.at("type")), "HEADERCONDITION");
  EXPECT_EQ(cond.at("invertCondition"), true);
  EXPECT_EQ(str(cond.at("headerCondition").at("headerName")), "X-Partner");

  auto renamed = admin("PUT", kAdvanced + "/" + id, policy("Renamed"));
  EXPECT_EQ(renamed.status, 400);
  EXPECT_NE(renamed.body.find("'policyName'"), std::string::npos) << renamed.body;

  EXPECT_EQ(admin("DELETE", kAdvanced + "/" + id).status, 200);
  EXPECT_EQ(admin("GET", kAdvanced + "/" + id).status, 404);
  EXPECT_EQ(admin("DELETE", kAdvanced + "/" + id).status, 404);
  auto missing = admin("PUT", kAdvanced + "/no-such-policy", policy("Ghost"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(json_of(missing)["description"].as_string().find("no-such-policy"), std::string::npos);
}

TEST_F(AdvancedPolicies, PoliciesOfOneLevelAreNotFoundUnderAnother) {
  const std::string id = create_policy("LevelBound");
  EXPECT_EQ(admin("GET", "/api/am/admin/v4/throttling/policies/subscription/" + id).status, 404);
  EXPECT_EQ(admin("DELETE", "/api/am/admin/v4/throttling/policies/application/" + id).status, 404);
  EXPECT_EQ(admin("GET", kAdvanced + "/" + id).status, 200);
}

TEST_F(AdvancedPolicies, AdvancedTierInUseByAnApiOrOperationCannotBeDeleted) {
  const std::string id = create_policy("Busy");
  const std::string api = create_api(api_body("BusyApi", "/busy", R"([{"target":"/*","verb":"GET"}])", "",
                                              R"("apiThrottlingPolicy":"Busy",)"));
  auto refused = admin("DELETE", kAdvanced + "/" + id);
  EXPECT_EQ(refused.status, 409);
  EXPECT_NE(refused.body.find("apiThrottlingPolicy"), std::string::npos) << refused.body;

  // Moved from the API to an operation: still in use.
  auto moved = admin("PUT", kApis + "/" + api,
                     api_body("BusyApi", "/busy",
                              R"([{"target":"/a","verb":"GET"},{"target":"/b","verb":"GET","throttlingPolicy":"Busy"}])"));
  ASSERT_EQ(moved.status, 200) << moved.body;
  refused = admin("DELETE", kAdvanced + "/" + id);
  EXPECT_EQ(refused.status, 409);
  EXPECT_NE(refused.body.find("operations[1].throttlingPolicy"), std::string::npos) << refused.body;

  // A revision keeps naming it after the working copy lets go.
  create_revision(api);
  auto freed = admin("PUT", kApis + "/" + api, api_body("BusyApi", "/busy", R"([{"target":"/a","verb":"GET"}])"));
  ASSERT_EQ(freed.status, 200) << freed.body;
  refused = admin("DELETE", kAdvanced + "/" + id);
  EXPECT_EQ(refused.status, 409);
  EXPECT_NE(refused.body.find("revision 1"), std::string::npos) << refused.body;

  ASSERT_EQ(admin("DELETE", kApis + "/" + api).status, 200);
  EXPECT_EQ(admin("DELETE", kAdvanced + "/" + id).status, 200);
}

TEST_F(AdvancedPolicies, SeededTiersFollowTheRulesOfTheOtherLevels) {
  auto unlimited = admin("DELETE", kAdvanced + "/" + id_of("Unlimited"));
  EXPECT_EQ(unlimited.status, 400);
  EXPECT_NE(unlimited.body.find("built-in"), std::string::npos) << unlimited.body;
  EXPECT_EQ(admin("PUT", kAdvanced + "/" + id_of("Unlimited"), policy("Unlimited")).status, 400);
  // A seeded limited tier is an ordinary one: refused while used, deletable once unused.
  const std::string api = create_api(api_body("FiftyK", "/fiftyk", R"([{"target":"/*","verb":"GET","throttlingPolicy":"50KPerMin"}])"));
  EXPECT_EQ(admin("DELETE", kAdvanced + "/" + id_of("50KPerMin")).status, 409);
  ASSERT_EQ(admin("DELETE", kApis + "/" + api).status, 200);
  EXPECT_EQ(admin("DELETE", kAdvanced + "/" + id_of("50KPerMin")).status, 200);
  EXPECT_EQ(id_of("50KPerMin"), "");
}

TEST_F(AdvancedPolicies, BadAdvancedPoliciesAre400NamingTheField) {
  const std::string range_after = R"([{"type":"IPCONDITION","ipCondition":{"ipConditionType":"IPRANGE","startingIP":"10.0.0.9","endingIP":"10.0.0.1"}}])";
  const std::pair<std::string, std::string> cases[] = {
      {policy("BadIp", std::string("[") + kIpRange +
                           R"(,{"type":"IPCONDITION","ipCondition":{"ipConditionType":"IPRANGE","startingIP":"10.0.0.300","endingIP":"10.0.0.9"}}])"),
       "'conditionalGroups[0].conditions[1].ipCondition.startingIP' is not an IP address"},
      {policy("BadEnd", R"([{"type":"IPCONDITION","ipCondition":{"ipConditionType":"IPRANGE","startingIP":"10.0.0.1","endingIP":"ten"}}])"),
       "'conditionalGroups[0].conditions[0].ipCondition.endingIP' is not an IP address"},
      {policy("Backwards", range_after), "'conditionalGroups[0].conditions[0].ipCondition.startingIP' ('10.0.0.9') is after"},
      {policy("BadSpecific", R"([{"type":"IPCONDITION","ipCondition":{"ipConditionType":"IPSPECIFIC","specificIP":"1.2.3"}}])"),
       "'conditionalGroups[0].conditions[0].ipCondition.specificIP' is not an IP address"},
      {policy("BadIpType", R"([{"type":"IPCONDITION","ipCondition":{"ipConditionType":"CIDR"}}])"),
       "'conditionalGroups[0].conditions[0].ipCondition.ipConditionType'"},
      {policy("Cookie", R"([{"type":"COOKIECONDITION"}])"), "'conditionalGroups[0].conditions[0].type'"},
      {policy("NoHeader", R"([{"type":"HEADERCONDITION","headerCondition":{"headerValue":"x"}}])"),
       "'conditionalGroups[0].conditions[0].headerCondition.headerName'"},
      {policy("NoQuery", R"([{"type":"QUERYPARAMETERCONDITION"}])"),
       "'conditionalGroups[0].conditions[0].queryParameterCondition'"},
      {policy("NoClaim", R"([{"type":"JWTCLAIMSCONDITION","jwtClaimsCondition":{"claimUrl":"sub"}}])"),
       "'conditionalGroups[0].conditions[0].jwtClaimsCondition.attribute'"},
      {policy("Empty", "[]"), "'conditionalGroups[0].conditions' must hold at least one condition"},
      {policy("ZeroGroup", std::string("[") + kIpRange + "]",
              R"({"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":0}})"),
       "'conditionalGroups[0].limit.requestCount.requestCount'"},
      {policy("NegGroup", std::string("[") + kIpRange + "]",
              R"({"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":-1,"requestCount":5}})"),
       "'conditionalGroups[0].limit.requestCount.unitTime'"},
      {policy("WeekGroup", std::string("[") + kIpRange + "]",
              R"({"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"week","unitTime":1,"requestCount":5}})"),
       "'conditionalGroups[0].limit.requestCount.timeUnit'"},
      {policy("ZeroDefault", std::string("[") + kIpRange + "]", kCountLimit, "0"), "'defaultLimit.requestCount.requestCount'"},
      {policy("NegDefault", std::string("[") + kIpRange + "]", kCountLimit, "-10"), "'defaultLimit.requestCount.requestCount'"},
      {R"({"policyName":"NoGroupLimit","defaultLimit":)" + std::string(kCountLimit) +
           R"(,"conditionalGroups":[{"conditions":[)" + kIpRange + "]}]}",
       "'conditionalGroups[0].limit' is required"},
      {R"({"policyName":"NotAList","defaultLimit":)" + std::string(kCountLimit) + R"(,"conditionalGroups":"none"})",
       "'conditionalGroups' must be an array"},
      {"{\"policyName\": ", "not valid JSON"},
  };
  for (const auto& [body, field] : cases) {
    auto r = admin("POST", kAdvanced, body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_NE(r.body.find(field), std::string::npos) << body << " -> " << r.body;
    EXPECT_EQ(r.header("content-type").find("application/json"), 0u) << r.body;
  }
  // The same validation on update.
  const std::string id = create_policy("Validated");
  auto r = admin("PUT", kAdvanced + "/" + id, policy("Validated", range_after));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("'conditionalGroups[0].conditions[0].ipCondition.startingIP'"), std::string::npos) << r.body;
}

TEST_F(AdvancedPolicies, ApisAndOperationsMustNameAdvancedTiers) {
  auto api = admin("POST", kApis, api_body("NoAdvTier", "/noadvtier", R"([{"target":"/*","verb":"GET"}])", "",
                                           R"("apiThrottlingPolicy":"Diamond",)"));
  EXPECT_EQ(api.status, 400);
  EXPECT_NE(api.body.find("'apiThrottlingPolicy': 'Diamond' is not an advanced tier"), std::string::npos) << api.body;
  auto op = admin("POST", kApis, api_body("NoOpTier", "/nooptier",
                                          R"([{"target":"/a","verb":"GET"},{"target":"/b","verb":"GET"},)"
                                          R"({"target":"/c","verb":"GET","throttlingPolicy":"Foo"}])"));
  EXPECT_EQ(op.status, 400);
  EXPECT_NE(op.body.find("'operations[2].throttlingPolicy': 'Foo' is not an advanced tier"), std::string::npos) << op.body;
  // A subscription tier is not an advanced one.
  auto gold = admin("POST", kApis, api_body("GoldOp", "/goldop", R"([{"target":"/*","verb":"GET","throttlingPolicy":"Gold"}])"));
  EXPECT_EQ(gold.status, 400);
  EXPECT_NE(gold.body.find("'operations[0].throttlingPolicy'"), std::string::npos) << gold.body;

  const std::string id = create_api(api_body("AdvTiered", "/advtiered",
                                             R"([{"target":"/a","verb":"GET","throttlingPolicy":"20KPerMin"},{"target":"/b","verb":"GET","throttlingPolicy":""}])",
                                             "", R"("apiThrottlingPolicy":"10KPerMin",)"));
  auto got = json_of(admin("GET", kApis + "/" + id));
  EXPECT_EQ(str(got["apiThrottlingPolicy"]), "10KPerMin");
  EXPECT_EQ(str(got["operations"].as_array()[0].at("throttlingPolicy")), "20KPerMin");
  EXPECT_EQ(str(got["operations"].as_array()[1].at("throttlingPolicy")), "Unlimited");  // empty: the default
  auto bad_update = admin("PUT", kApis + "/" + id, api_body("AdvTiered", "/advtiered", R"([{"target":"/a","verb":"GET"}])",
                                                           "", R"("apiThrottlingPolicy":"Nope",)"));
  EXPECT_EQ(bad_update.status, 400);
  EXPECT_NE(bad_update.body.find("'apiThrottlingPolicy'"), std::string::npos) << bad_update.body;
  auto cleared = admin("PUT", kApis + "/" + id, api_body("AdvTiered", "/advtiered", R"([{"target":"/a","verb":"GET"}])",
                                                        "", R"("apiThrottlingPolicy":"",)"));
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(json_of(admin("GET", kApis + "/" + id))["apiThrottlingPolicy"].is_null());
}

TEST_F(AdvancedPolicies, ApiMaxTpsRoundTripsAndBadValuesAre400) {
  const std::string id = create_api(api_body("Tps", "/tps", R"([{"target":"/*","verb":"GET"}])", "",
                                             R"("maxTps":{"production":100,"sandbox":10},)"));
  auto got = json_of(admin("GET", kApis + "/" + id));
  EXPECT_EQ(got["maxTps"].at("production"), 100);
  EXPECT_EQ(got["maxTps"].at("sandbox"), 10);
  auto only_prod = admin("PUT", kApis + "/" + id,
                         api_body("Tps", "/tps", R"([{"target":"/*","verb":"GET"}])", "", R"("maxTps":{"production":5},)"));
  ASSERT_EQ(only_prod.status, 200) << only_prod.body;
  got = json_of(admin("GET", kApis + "/" + id));
  EXPECT_EQ(got["maxTps"].at("production"), 5);
  EXPECT_FALSE(got["maxTps"].as_object().contains("sandbox"));
  auto none = admin("PUT", kApis + "/" + id, api_body("Tps", "/tps", R"([{"target":"/*","verb":"GET"}])", "", R"("maxTps":null,)"));
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_TRUE(json_of(admin("GET", kApis + "/" + id))["maxTps"].is_null());

  const std::pair<std::string, std::string> cases[] = {
      {R"("maxTps":{"production":-1},)", "'maxTps.production'"},
      {R"("maxTps":{"production":"lots"},)", "'maxTps.production'"},
      {R"("maxTps":{"sandbox":1.5},)", "'maxTps.sandbox'"},
      {R"("maxTps":{"sandbox":-7},)", "'maxTps.sandbox'"},
      {R"("maxTps":100,)", "'maxTps'"},
  };
  int n = 0;
  for (const auto& [extra, field] : cases) {
    const std::string name = "BadTps" + std::to_string(n++);
    auto r = admin("POST", kApis, api_body(name, "/" + name, R"([{"target":"/*","verb":"GET"}])", "", extra));
    EXPECT_EQ(r.status, 400) << extra;
    EXPECT_NE(r.body.find(field), std::string::npos) << extra << " -> " << r.body;
  }
}

TEST_F(AdvancedPolicies, OnlyAdminsManageAdvancedPolicies) {
  add_user("carl", "creator");
  EXPECT_EQ(mgmt().call("GET", kAdvanced, "", "carl", "password-123").status, 403);
  EXPECT_EQ(mgmt().call("POST", kAdvanced, policy("CarlsTier"), "carl", "password-123").status, 403);
  EXPECT_EQ(mgmt().call("DELETE", kAdvanced + "/" + id_of("10KPerMin"), "", "carl", "password-123").status, 403);
  EXPECT_EQ(mgmt().call("GET", kAdvanced, "", "", "").status, 401);
  // Creators see the tiers they may name through the Publisher.
  EXPECT_EQ(mgmt().call("GET", "/api/am/publisher/v4/throttling-policies/api", "", "carl", "password-123").status, 200);
}

}  // namespace
}  // namespace archway::testing
