// Deny policies (blocking conditions, issue #4): Admin CRUD in the product's BlockingCondition
// shape, enabling and disabling through PATCH, 409 for a duplicate, and 400 naming the field for
// every malformed value.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kDenyPolicies = "/api/am/admin/v4/throttling/deny-policies";
const std::string kDenyPolicy = "/api/am/admin/v4/throttling/deny-policy/";

class DenyPolicies : public ServerSuite {
 protected:
  std::string create(const std::string& body) {
    auto r = admin("POST", kDenyPolicies, body);
    EXPECT_EQ(r.status, 201) << body << " -> " << r.body;
    return r.status == 201 ? str(json_of(r)["conditionId"]) : "";
  }
  std::int64_t count() { return json_of(admin("GET", kDenyPolicies))["count"].to_number<std::int64_t>(); }
};

TEST_F(DenyPolicies, AdminCreatesReadsAndDeletesDenyPoliciesOfEveryType) {
  const std::pair<std::string, std::string> bodies[] = {
      {R"({"conditionType":"API","conditionValue":"/pizzashack/1.0.0","conditionStatus":true})", R"("/pizzashack/1.0.0")"},
      {R"({"conditionType":"APPLICATION","conditionValue":"admin:DefaultApplication","conditionStatus":true})",
       R"("admin:DefaultApplication")"},
      {R"({"conditionType":"USER","conditionValue":"mallory"})", R"("mallory")"},
      {R"({"conditionType":"IP","conditionValue":{"fixedIp":"192.0.2.7","invert":false}})",
       R"({"fixedIp":"192.0.2.7","invert":false})"},
      {R"({"conditionType":"IPRANGE","conditionValue":{"startingIp":"198.51.100.1","endingIp":"198.51.100.99","invert":true}})",
       R"({"startingIp":"198.51.100.1","endingIp":"198.51.100.99","invert":true})"},
  };
  std::vector<std::string> ids;
  for (const auto& [body, value] : bodies) {
    auto r = admin("POST", kDenyPolicies, body);
    ASSERT_EQ(r.status, 201) << body << " -> " << r.body;
    auto o = json_of(r);
    const std::string id = str(o["conditionId"]);
    EXPECT_FALSE(id.empty());
    EXPECT_EQ(r.header("location"), kDenyPolicy + id);
    EXPECT_EQ(o["conditionStatus"], true);  // enabled unless told otherwise
    EXPECT_EQ(o["conditionValue"], json::parse(value)) << body;
    auto got = json_of(admin("GET", kDenyPolicy + id));
    EXPECT_EQ(got["conditionType"], json::parse(body).as_object().at("conditionType"));
    EXPECT_EQ(got["conditionValue"], json::parse(value));
    ids.push_back(id);
  }
  auto listed = json_of(admin("GET", kDenyPolicies));
  EXPECT_EQ(listed["count"], listed["list"].as_array().size());
  for (const auto& id : ids) {
    const auto& list = listed["list"].as_array();
    EXPECT_TRUE(std::any_of(list.begin(), list.end(), [&](const json::value& c) { return str(c.at("conditionId")) == id; }));
  }
  const auto before_delete = count();
  for (const auto& id : ids) EXPECT_EQ(admin("DELETE", kDenyPolicy + id).status, 200);
  EXPECT_EQ(count(), before_delete - static_cast<std::int64_t>(ids.size()));
  EXPECT_EQ(admin("GET", kDenyPolicy + ids[0]).status, 404);
  auto again = admin("DELETE", kDenyPolicy + ids[0]);
  EXPECT_EQ(again.status, 404);
  EXPECT_NE(json_of(again)["description"].as_string().find(ids[0]), std::string::npos);
}

TEST_F(DenyPolicies, PatchEnablesAndDisablesADenyPolicy) {
  const std::string id = create(R"({"conditionType":"USER","conditionValue":"eve","conditionStatus":true})");
  auto off = admin("PATCH", kDenyPolicy + id, R"({"conditionStatus":false})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(json_of(off)["conditionStatus"], false);
  EXPECT_EQ(json_of(admin("GET", kDenyPolicy + id))["conditionStatus"], false);
  auto on = admin("PATCH", kDenyPolicy + id, R"({"conditionId":")" + id + R"(","conditionStatus":true})");
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_EQ(json_of(admin("GET", kDenyPolicy + id))["conditionStatus"], true);
  EXPECT_EQ(str(json_of(on)["conditionValue"]), "eve");  // the rest is unchanged
}

TEST_F(DenyPolicies, PatchNeedsABooleanConditionStatus) {
  const std::string id = create(R"({"conditionType":"USER","conditionValue":"trent"})");
  const std::pair<std::string, std::string> cases[] = {
      {R"({})", "'conditionStatus'"},
      {R"({"conditionStatus":null})", "'conditionStatus'"},
      {R"({"conditionStatus":"false"})", "'conditionStatus'"},
      {R"({"conditionStatus":0})", "'conditionStatus'"},
      {R"([true])", "request body"},
      {R"({"conditionStatus":)", "not valid JSON"},
  };
  for (const auto& [body, field] : cases) {
    auto r = admin("PATCH", kDenyPolicy + id, body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_NE(r.body.find(field), std::string::npos) << body << " -> " << r.body;
  }
  EXPECT_EQ(json_of(admin("GET", kDenyPolicy + id))["conditionStatus"], true);  // untouched
  EXPECT_EQ(admin("PATCH", kDenyPolicy + "no-such-condition", R"({"conditionStatus":false})").status, 404);
}

TEST_F(DenyPolicies, TheSameConditionCannotBeAddedTwice) {
  const auto before = count();
  create(R"({"conditionType":"API","conditionValue":"/weather/1.0.0"})");
  auto dup = admin("POST", kDenyPolicies, R"({"conditionType":"API","conditionValue":"/weather/1.0.0","conditionStatus":false})");
  EXPECT_EQ(dup.status, 409);
  EXPECT_NE(json_of(dup)["description"].as_string().find("/weather/1.0.0"), std::string::npos) << dup.body;
  create(R"({"conditionType":"IP","conditionValue":{"fixedIp":"2001:db8::7"}})");
  EXPECT_EQ(admin("POST", kDenyPolicies, R"({"conditionType":"IP","conditionValue":{"fixedIp":"2001:DB8:0:0::7"}})").status, 409);
  // Same text under another type, or the inverted condition, is a different policy.
  create(R"({"conditionType":"USER","conditionValue":"/weather/1.0.0"})");
  create(R"({"conditionType":"IP","conditionValue":{"fixedIp":"2001:db8::7","invert":true}})");
  EXPECT_EQ(count(), before + 4);
}

TEST_F(DenyPolicies, BadDenyPoliciesAre400NamingTheField) {
  const auto before = count();
  const std::pair<std::string, std::string> cases[] = {
      {R"({"conditionValue":"/a"})", "'conditionType'"},
      {R"({"conditionType":"COUNTRY","conditionValue":"NZ"})", "'conditionType'"},
      {R"({"conditionType":7,"conditionValue":"/a"})", "'conditionType'"},
      {R"({"conditionType":"API"})", "'conditionValue'"},
      {R"({"conditionType":"API","conditionValue":"pizzashack"})", "'conditionValue' must be an API context"},
      {R"({"conditionType":"API","conditionValue":"/"})", "'conditionValue' must be an API context"},
      {R"({"conditionType":"API","conditionValue":["/a"]})", "'conditionValue' must be a string"},
      {R"({"conditionType":"APPLICATION","conditionValue":"DefaultApplication"})", "'conditionValue' must be '<owner>:<application name>'"},
      {R"({"conditionType":"APPLICATION","conditionValue":":DefaultApplication"})", "'conditionValue' must be '<owner>:<application name>'"},
      {R"({"conditionType":"APPLICATION","conditionValue":"admin:"})", "'conditionValue' must be '<owner>:<application name>'"},
      {R"({"conditionType":"USER","conditionValue":""})", "'conditionValue'"},
      {R"({"conditionType":"IP","conditionValue":"192.0.2.1"})", "'conditionValue' must be a JSON object"},
      {R"({"conditionType":"IP","conditionValue":{"fixedIp":"192.0.2.300"}})", "'conditionValue.fixedIp' is not an IP address"},
      {R"({"conditionType":"IP","conditionValue":{"invert":true}})", "'conditionValue.fixedIp' is required"},
      {R"({"conditionType":"IP","conditionValue":{"fixedIp":"192.0.2.1","invert":"yes"}})", "'conditionValue.invert'"},
      {R"({"conditionType":"IPRANGE","conditionValue":{"startingIp":"192.0.2.x","endingIp":"192.0.2.9"}})",
       "'conditionValue.startingIp' is not an IP address"},
      {R"({"conditionType":"IPRANGE","conditionValue":{"startingIp":"192.0.2.1","endingIp":"::g"}})",
       "'conditionValue.endingIp' is not an IP address"},
      {R"({"conditionType":"IPRANGE","conditionValue":{"startingIp":"192.0.2.1"}})", "'conditionValue.endingIp' is required"},
      {R"({"conditionType":"IPRANGE","conditionValue":{"startingIp":"192.0.2.9","endingIp":"192.0.2.1"}})",
       "'conditionValue.startingIp' ('192.0.2.9') is after 'conditionValue.endingIp'"},
      {R"({"conditionType":"USER","conditionValue":"bob","conditionStatus":"yes"})", "'conditionStatus'"},
      {R"("just a string")", "request body"},
  };
  for (const auto& [body, field] : cases) {
    auto r = admin("POST", kDenyPolicies, body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_NE(r.body.find(field), std::string::npos) << body << " -> " << r.body;
  }
  EXPECT_EQ(count(), before);  // nothing stored
}

TEST_F(DenyPolicies, OnlyAdminsManageDenyPolicies) {
  ASSERT_EQ(admin("POST", "/api/am/admin/v4/users", R"({"username":"pete","password":"password-123","roles":["publisher"]})").status,
            201);
  const std::string id = create(R"({"conditionType":"USER","conditionValue":"victor"})");
  EXPECT_EQ(mgmt().call("GET", kDenyPolicies, "", "pete", "password-123").status, 403);
  EXPECT_EQ(mgmt().call("POST", kDenyPolicies, R"({"conditionType":"USER","conditionValue":"x"})", "pete", "password-123").status, 403);
  EXPECT_EQ(mgmt().call("PATCH", kDenyPolicy + id, R"({"conditionStatus":false})", "pete", "password-123").status, 403);
  EXPECT_EQ(mgmt().call("DELETE", kDenyPolicy + id, "", "pete", "password-123").status, 403);
  EXPECT_EQ(json_of(admin("GET", kDenyPolicy + id))["conditionStatus"], true);
}

}  // namespace
}  // namespace archway::testing
