// The DevPortal's Application object field by field against the product's (issue #16, item 12):
// attributes kept across reads, updates and lists, visibility, hashEnabled.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

const std::string kPw = "password-123";

class ApplicationFields : public ServerSuite {};

TEST_F(ApplicationFields, AttributesAreKeptAndReplacedByAnUpdate) {
  auto created = admin("POST", kDev + "/applications",
                       R"({"name":"AttrApp","throttlingPolicy":"Unlimited","attributes":{"External Reference Id":"ext-7","Billing Tier":"B"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto o = json_of(created);
  const std::string id = str(o["applicationId"]);
  EXPECT_EQ(str(o["attributes"].at("External Reference Id")), "ext-7");

  auto got = json_of(admin("GET", kDev + "/applications/" + id));
  EXPECT_EQ(got["attributes"].as_object().size(), 2u);
  EXPECT_EQ(str(got["attributes"].at("Billing Tier")), "B");
  EXPECT_EQ(str(got["visibility"]), "PRIVATE");
  EXPECT_EQ(got["hashEnabled"], true);

  // An update without attributes keeps them; one with attributes replaces them.
  ASSERT_EQ(admin("PUT", kDev + "/applications/" + id, R"({"description":"d"})").status, 200);
  EXPECT_EQ(json_of(admin("GET", kDev + "/applications/" + id))["attributes"].as_object().size(), 2u);
  auto updated = admin("PUT", kDev + "/applications/" + id, R"({"attributes":{"Billing Tier":"C"}})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  got = json_of(admin("GET", kDev + "/applications/" + id));
  ASSERT_EQ(got["attributes"].as_object().size(), 1u);
  EXPECT_EQ(str(got["attributes"].at("Billing Tier")), "C");

  // Lists (DevPortal and Admin) carry them too.
  bool listed = false;
  const auto list = json_of(admin("GET", kDev + "/applications"));
  for (const auto& a : list.at("list").as_array())
    if (str(a.at("applicationId")) == id) listed = str(a.at("attributes").at("Billing Tier")) == "C";
  EXPECT_TRUE(listed);
  EXPECT_EQ(str(json_of(admin("GET", "/api/am/admin/v4/applications/" + id))["attributes"].at("Billing Tier")), "C");
}

TEST_F(ApplicationFields, BadAttributesAre400AndOthersApplications404) {
  const std::string cases[] = {
      R"({"name":"BadAttr","attributes":{"a":1}})",
      R"({"name":"BadAttr","attributes":["a"]})",
      R"({"name":"BadAttr","attributes":{"a":")" + std::string(1100, 'v') + R"("}})",
  };
  for (const auto& body : cases) {
    auto r = admin("POST", kDev + "/applications", body);
    EXPECT_EQ(r.status, 400) << body.substr(0, 80);
    EXPECT_NE(r.body.find("'attributes"), std::string::npos) << r.body;
  }
  std::string many = R"({"name":"BadAttr","attributes":{)";
  for (int i = 0; i < 51; ++i) many += (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\":\"v\"";
  EXPECT_EQ(admin("POST", kDev + "/applications", many + "}}").status, 400);
  const auto apps = json_of(admin("GET", kDev + "/applications?limit=100"));
  for (const auto& a : apps.at("list").as_array()) EXPECT_NE(str(a.at("name")), "BadAttr");
  EXPECT_EQ(admin("PUT", kDev + "/applications/no-such-app", R"({"attributes":{}})").status, 404);

  ASSERT_EQ(admin("POST", "/api/am/admin/v4/users", R"({"username":"attrdev","password":")" + kPw + R"(","roles":["subscriber"]})").status, 201);
  auto mine = admin("POST", kDev + "/applications", R"({"name":"AdminOnly","attributes":{"x":"y"}})");
  ASSERT_EQ(mine.status, 201);
  auto theirs = mgmt().call("PUT", kDev + "/applications/" + str(json_of(mine)["applicationId"]),
                            R"({"attributes":{"x":"z"}})", "attrdev", kPw);
  EXPECT_EQ(theirs.status, 404) << theirs.body;
}

}  // namespace
}  // namespace archway::testing
