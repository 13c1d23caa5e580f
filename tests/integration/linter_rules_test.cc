// The Publisher's linter custom rules (issue #16: GET /linter-custom-rules), set by an admin
// through Archway's Admin settings route: kept across calls, readable by Publisher roles only.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

const std::string kPw = "password-123";
const std::string kRules = "/api/am/admin/v4/settings/linter-custom-rules";
const std::string kPublisherRules = "/api/am/publisher/v4/linter-custom-rules";
const std::string kRuleset =
    R"({"extends":["spectral:oas"],"rules":{"operation-description":{"given":"$.paths.*.*","severity":"warn","then":{"field":"description","function":"truthy"}}}})";

class LinterRules : public ServerSuite {
 protected:
  void make_user(const std::string& name, const std::string& role) {
    auto r = admin("POST", "/api/am/admin/v4/users",
                   R"({"username":")" + name + R"(","password":")" + kPw + R"(","roles":[")" + role + R"("]})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
};

TEST_F(LinterRules, AdminSetsRulesThatThePublisherReads) {
  make_user("lintcreator", "creator");
  make_user("lintsubscriber", "subscriber");
  EXPECT_EQ(admin("GET", kPublisherRules).status, 404);  // none set yet

  auto put = admin("PUT", kRules, kRuleset);
  ASSERT_EQ(put.status, 200) << put.body;
  auto read = mgmt().call("GET", kPublisherRules, "", "lintcreator", kPw);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(boost::json::parse(read.body), boost::json::parse(kRuleset));
  EXPECT_EQ(boost::json::parse(admin("GET", kRules).body), boost::json::parse(kRuleset));
  EXPECT_EQ(mgmt().call("GET", kPublisherRules, "", "lintsubscriber", kPw).status, 403);
  EXPECT_EQ(mgmt().call("PUT", kRules, kRuleset, "lintcreator", kPw).status, 403);

  ASSERT_EQ(admin("DELETE", kRules).status, 200);
  EXPECT_EQ(admin("GET", kPublisherRules).status, 404);
  EXPECT_EQ(admin("DELETE", kRules).status, 404);
}

TEST_F(LinterRules, BadRulesetsAre400AndKeepTheOldOne) {
  ASSERT_EQ(admin("PUT", kRules, kRuleset).status, 200);
  for (const std::string body : {"not json", "[]", R"({"extends":"spectral:oas"})", R"({"rules":[]})",
                                 R"({"rules":{},"extends":7})"}) {
    auto r = admin("PUT", kRules, body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    EXPECT_EQ(json_of(r)["code"], 400) << body;
  }
  EXPECT_EQ(boost::json::parse(admin("GET", kPublisherRules).body), boost::json::parse(kRuleset));
}

}  // namespace
}  // namespace archway::testing
