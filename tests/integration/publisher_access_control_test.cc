// Publisher access control: an API RESTRICTED to roles is listed, read and changed in the Publisher
// only by admins and by users holding one of its roles; others get 403 (900365) on every route that
// names it and do not find it in lists or searches. The Developer Portal is not concerned.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

const std::string kUsers = "/api/am/admin/v4/users";
const std::string kPw = "password-123";

class PublisherAccessControl : public ServerSuite {
 protected:
  void SetUp() override {
    static bool made = false;
    if (made) return;
    made = true;
    for (const auto& [name, roles] : std::vector<std::pair<std::string, std::string>>{
             {"ac-creator", R"(["creator"])"}, {"ac-publisher", R"(["publisher"])"}, {"ac-both", R"(["creator","publisher"])"}}) {
      auto r = admin("POST", kUsers, R"({"username":")" + name + R"(","password":")" + kPw + R"(","roles":)" + roles + "}");
      ASSERT_EQ(r.status, 201) << r.body;
    }
  }
  HttpResponse as(const std::string& user, const std::string& method, const std::string& target,
                  const std::string& body = "") {
    return mgmt().call(method, target, body, user, kPw);
  }
  static bool lists(const json::object& page, const std::string& id) {
    for (const auto& a : page.at("list").as_array())
      if (str(a.as_object().at("id")) == id) return true;
    return false;
  }
};

TEST_F(PublisherAccessControl, ARestrictedApiIsHiddenFromPublisherUsersWithoutItsRoles) {
  const std::string id = create_api(api_body("AcHidden", "/ac-hidden", R"([{"target":"/*","verb":"GET"}])", "",
                                             R"("accessControl":"RESTRICTED","accessControlRoles":["Publisher"],)"));
  const json::object read = json_of(admin("GET", kApis + "/" + id));
  EXPECT_EQ(str(read.at("accessControl")), "RESTRICTED");
  ASSERT_EQ(read.at("accessControlRoles").as_array().size(), 1u);
  EXPECT_EQ(str(read.at("accessControlRoles").as_array()[0]), "publisher");  // case-insensitive, kept lower case

  // A creator without the role: not in the list nor a search, 403 on the API and its sub-resources.
  const json::object page = json_of(as("ac-creator", "GET", kApis + "?limit=1000"));
  EXPECT_FALSE(lists(page, id));
  EXPECT_FALSE(lists(json_of(as("ac-creator", "GET", kApis + "?query=name:AcHidden")), id));
  for (const std::string& target : {kApis + "/" + id, kApis + "/" + id + "/swagger", kApis + "/" + id + "/documents",
                                    kApis + "/" + id + "/revisions", "/api/am/publisher/v4/subscriptions?apiId=" + id}) {
    auto r = as("ac-creator", "GET", target);
    EXPECT_EQ(r.status, 403) << target << " -> " << r.body;
    EXPECT_NE(r.body.find("900365"), std::string::npos) << r.body;
  }
  EXPECT_EQ(as("ac-creator", "DELETE", kApis + "/" + id).status, 403);
  EXPECT_EQ(admin("GET", kApis + "/" + id).status, 200);  // nothing was deleted

  // A user holding the role, and the admin, see it.
  EXPECT_TRUE(lists(json_of(as("ac-publisher", "GET", kApis + "?limit=1000")), id));
  EXPECT_EQ(as("ac-publisher", "GET", kApis + "/" + id).status, 200);
  EXPECT_TRUE(lists(json_of(admin("GET", kApis + "?limit=1000")), id));
  // The total counts only what the caller may see.
  const auto total_of = [](const json::object& p) { return p.at("pagination").as_object().at("total").as_int64(); };
  EXPECT_EQ(total_of(json_of(as("ac-creator", "GET", kApis))) + 1, total_of(json_of(admin("GET", kApis))));
}

TEST_F(PublisherAccessControl, LiftingTheRestrictionShowsTheApiToEveryPublisherUser) {
  const std::string body = api_body("AcLifted", "/ac-lifted", R"([{"target":"/*","verb":"GET"}])", "",
                                    R"("accessControl":"RESTRICTED","accessControlRoles":["admin"],)");
  const std::string id = create_api(body);
  EXPECT_EQ(as("ac-both", "GET", kApis + "/" + id).status, 403);
  json::object api = json_of(admin("GET", kApis + "/" + id));
  api["accessControl"] = "NONE";
  auto put = admin("PUT", kApis + "/" + id, json::serialize(api));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_TRUE(json_of(put).at("accessControlRoles").as_array().empty());
  EXPECT_EQ(as("ac-both", "GET", kApis + "/" + id).status, 200);
  EXPECT_TRUE(lists(json_of(as("ac-creator", "GET", kApis + "?limit=1000")), id));
}

TEST_F(PublisherAccessControl, ACreatorCannotRestrictAnApiToRolesTheyDoNotHold) {
  auto refused = as("ac-creator", "POST", kApis,
                    api_body("AcSelfLock", "/ac-self-lock", "[]", "",
                             R"("accessControl":"RESTRICTED","accessControlRoles":["publisher"],)"));
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(refused.body.find("at least one role"), std::string::npos) << refused.body;

  auto made = as("ac-both", "POST", kApis,
                 api_body("AcOwn", "/ac-own", "[]", "", R"("accessControl":"RESTRICTED","accessControlRoles":["creator"],)"));
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string id = str(json_of(made).at("id"));
  EXPECT_EQ(as("ac-creator", "GET", kApis + "/" + id).status, 200);  // holds creator
  EXPECT_EQ(as("ac-publisher", "GET", kApis + "/" + id).status, 403);
}

TEST_F(PublisherAccessControl, BadAccessControlSettingsAreRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("accessControl":"SOMETIMES",)", "'accessControl'"},
      {R"("accessControl":"RESTRICTED",)", "'accessControlRoles'"},
      {R"("accessControl":"RESTRICTED","accessControlRoles":["nobody"],)", "Invalid user roles"},
      {R"("accessControl":"RESTRICTED","accessControlRoles":"admin",)", "accessControlRoles"},
  };
  int n = 0;
  for (const auto& [extra, says] : cases) {
    auto r = admin("POST", kApis, api_body("AcBad" + std::to_string(n), "/ac-bad-" + std::to_string(n), "[]", "", extra));
    ++n;
    EXPECT_EQ(r.status, 400) << extra << " -> " << r.body;
    EXPECT_NE(r.body.find(says), std::string::npos) << r.body;
  }
}

TEST_F(PublisherAccessControl, ARestrictedApiProductIsHiddenAlike) {
  const std::string api_id = create_api(api_body("AcMember", "/ac-member", R"([{"target":"/items","verb":"GET"}])"));
  auto r = admin("POST", "/api/am/publisher/v4/api-products",
                 R"({"name":"AcProduct","context":"/ac-product","policies":["Unlimited"],)"
                 R"("accessControl":"RESTRICTED","accessControlRoles":["publisher"],)"
                 R"("apis":[{"apiId":")" + api_id + R"(","operations":[{"target":"/items","verb":"GET"}]}]})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = str(json_of(r).at("id"));
  EXPECT_EQ(str(json_of(r).at("accessControl")), "RESTRICTED");
  EXPECT_EQ(as("ac-creator", "GET", "/api/am/publisher/v4/api-products/" + id).status, 403);
  EXPECT_FALSE(lists(json_of(as("ac-creator", "GET", "/api/am/publisher/v4/api-products?limit=1000")), id));
  EXPECT_EQ(as("ac-publisher", "GET", "/api/am/publisher/v4/api-products/" + id).status, 200);
}

}  // namespace
}  // namespace archway::testing
