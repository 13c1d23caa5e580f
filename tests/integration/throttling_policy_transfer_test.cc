// Admin throttling policy search, export and import: a policy moves from one installation to
// another in the product's exported-file shape (JSON or YAML).
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

const std::string kPolicies = "/api/am/admin/v4/throttling/policies";

class ThrottlingPolicyTransfer : public ServerSuite {
 protected:
  HttpResponse import_file(const std::string& content, const std::string& query = "",
                           const std::string& filename = "policy.yaml") {
    return admin_upload("POST", kPolicies + "/import" + query,
                        {{"file", content, filename, "application/octet-stream"}});
  }
  std::vector<std::string> search(const std::string& query) {
    auto r = admin("GET", kPolicies + "/search?query=" + enc(query));
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    const auto body = json_of(r);
    for (const auto& p : body.at("list").as_array())
      out.push_back(str(p.at("type")) + "/" + str(p.at("policyName")));
    return out;
  }
};

TEST_F(ThrottlingPolicyTransfer, SearchFindsPoliciesByTypeAndName) {
  const auto apps = search("type:app");
  EXPECT_NE(std::find(apps.begin(), apps.end(), "app/10PerMin"), apps.end());
  for (const auto& p : apps) EXPECT_EQ(p.rfind("app/", 0), 0u) << p;
  const auto gold = search("name:gold");
  EXPECT_EQ(gold, std::vector<std::string>{"sub/Gold"});
  const auto unlimited = search("Unlimited");
  EXPECT_EQ(unlimited.size(), 3u);  // one per level
  EXPECT_TRUE(search("type:custom").empty());
  EXPECT_EQ(admin("GET", kPolicies + "/search?query=type:bogus").status, 400);
  HttpClient c = mgmt();
  EXPECT_EQ(c.call("GET", kPolicies + "/search", "", "", "").status, 401);
}

TEST_F(ThrottlingPolicyTransfer, AnExportedPolicyImportsElsewhereAndOverwritesOnlyWhenAsked) {
  auto created = admin(
      "POST", kPolicies + "/subscription",
      R"({"policyName":"Moved","displayName":"Moved","description":"30 a minute",)"
      R"("defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":30}}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = str(json_of(created)["policyId"]);

  auto exported = admin("GET", kPolicies + "/export?name=Moved&type=sub");
  ASSERT_EQ(exported.status, 200) << exported.body;
  const auto file = json_of(exported);
  EXPECT_EQ(str(file.at("type")), "throttling policy");
  EXPECT_EQ(str(file.at("subtype")), "subscription policy");
  EXPECT_EQ(file.at("data").at("defaultLimit").at("requestCount").at("requestCount").as_int64(),
            30);
  auto yaml = admin("GET", kPolicies + "/export?policyId=" + id + "&format=YAML");
  ASSERT_EQ(yaml.status, 200) << yaml.body;
  EXPECT_NE(yaml.body.find("subtype: subscription policy"), std::string::npos) << yaml.body;

  // The same name again is a conflict unless overwriting; overwriting changes the limit in place.
  auto conflict = import_file(yaml.body);
  EXPECT_EQ(conflict.status, 409) << conflict.body;
  std::string changed = exported.body;
  changed.replace(changed.find("\"requestCount\":30"), 17, "\"requestCount\":45");
  auto over = import_file(changed, "?overwrite=true", "policy.json");
  ASSERT_EQ(over.status, 200) << over.body;
  EXPECT_EQ(over.body, "Successfully imported Subscription Throttling Policy : Moved");
  auto read = json_of(admin("GET", kPolicies + "/subscription/" + id));
  EXPECT_EQ(read["defaultLimit"].at("requestCount").at("requestCount").as_int64(), 45);

  // Deleted, it comes back from its file under a new id.
  ASSERT_EQ(admin("DELETE", kPolicies + "/subscription/" + id).status, 200);
  auto back = import_file(yaml.body);
  ASSERT_EQ(back.status, 200) << back.body;
  const auto found = search("name:Moved");
  EXPECT_EQ(found, std::vector<std::string>{"sub/Moved"});
}

TEST_F(ThrottlingPolicyTransfer, BadExportsAndImportsAreRefusedAndChangeNothing) {
  EXPECT_EQ(admin("GET", kPolicies + "/export").status, 400);
  EXPECT_EQ(admin("GET", kPolicies + "/export?name=NoSuchPolicy").status, 404);
  EXPECT_EQ(admin("GET", kPolicies + "/export?name=Gold&format=xml").status, 400);
  EXPECT_EQ(admin("GET", kPolicies + "/export?name=Gold&type=app").status,
            404);  // Gold is a subscription tier

  EXPECT_EQ(import_file("not: [valid").status, 400);
  EXPECT_EQ(import_file(R"({"type":"api","subtype":"subscription policy","data":{}})").status, 400);
  EXPECT_EQ(
      import_file(R"({"type":"throttling policy","subtype":"custom policy","data":{}})").status,
      400);
  auto bad_limit =
      import_file(R"({"type":"throttling policy","subtype":"application policy",)"
                  R"("data":{"policyName":"BadOne","defaultLimit":{"type":"REQUESTCOUNTLIMIT"}}})");
  EXPECT_EQ(bad_limit.status, 400) << bad_limit.body;
  EXPECT_TRUE(search("name:BadOne").empty());
  EXPECT_EQ(import_file(R"({"type":"throttling policy"})", "?overwrite=maybe").status, 400);
  // The built-in Unlimited tier cannot be replaced.
  auto unlimited = admin("GET", kPolicies + "/export?name=Unlimited&type=app");
  ASSERT_EQ(unlimited.status, 200);
  EXPECT_EQ(import_file(unlimited.body, "?overwrite=true", "u.json").status, 400);
  // Without a file part.
  EXPECT_EQ(admin_upload("POST", kPolicies + "/import", {{"other", "x", "", ""}}).status, 400);
}

}  // namespace
}  // namespace archway::testing
