// The Admin's application governance: every owner's applications listed (filtered, sorted,
// paged), read and deleted (with their keys and subscriptions: the gateway stops accepting the
// application's tokens), and handed to another existing user.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kPw = "password-123";
const std::string kAdminApps = "/api/am/admin/v4/applications";

class AdminApplications : public ServerSuite {
 protected:
  void make_user(const std::string& name) {
    auto r = admin("POST", "/api/am/admin/v4/users",
                   R"({"username":")" + name + R"(","password":")" + kPw + R"(","roles":["subscriber"]})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  std::string app_of(const std::string& user, const std::string& name) {
    auto r = mgmt().call("POST", kDev + "/applications", R"({"name":")" + name + R"("})", user, kPw);
    EXPECT_EQ(r.status, 201) << r.body;
    return str(json_of(r)["applicationId"]);
  }
  std::vector<std::string> names(const HttpResponse& r) {
    std::vector<std::string> out;
    const auto body = json_of(r);
    for (const auto& a : body.at("list").as_array()) out.push_back(str(a.at("name")) + "@" + str(a.at("owner")));
    return out;
  }
};

TEST_F(AdminApplications, ListsEveryOwnersApplicationsFilteredSortedAndPaged) {
  make_user("gov-ann");
  make_user("gov-bob");
  app_of("gov-ann", "ListZeta");
  app_of("gov-ann", "ListAlpha");
  app_of("gov-bob", "ListMid");
  auto all = admin("GET", kAdminApps + "?name=list");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(names(all), (std::vector<std::string>{"ListAlpha@gov-ann", "ListMid@gov-bob", "ListZeta@gov-ann"}));
  EXPECT_EQ(json_of(all)["pagination"].at("total"), 3);
  EXPECT_EQ(json_of(all)["list"].as_array().at(0).at("subscriptionCount"), 0);
  EXPECT_EQ(names(admin("GET", kAdminApps + "?name=list&sortOrder=desc")),
            (std::vector<std::string>{"ListZeta@gov-ann", "ListMid@gov-bob", "ListAlpha@gov-ann"}));
  EXPECT_EQ(names(admin("GET", kAdminApps + "?name=List&sortBy=owner&sortOrder=DESC")),
            (std::vector<std::string>{"ListMid@gov-bob", "ListZeta@gov-ann", "ListAlpha@gov-ann"}));
  EXPECT_EQ(names(admin("GET", kAdminApps + "?user=gov-bob")), (std::vector<std::string>{"ListMid@gov-bob"}));
  EXPECT_EQ(json_of(admin("GET", kAdminApps + "?user=nobody-at-all"))["count"], 0);

  auto page = admin("GET", kAdminApps + "?name=list&limit=2");
  EXPECT_EQ(json_of(page)["count"], 2);
  EXPECT_NE(str(json_of(page)["pagination"].at("next")).find("offset=2"), std::string::npos);
  EXPECT_NE(str(json_of(page)["pagination"].at("next")).find("name=list"), std::string::npos);
  auto last = admin("GET", kAdminApps + "?name=list&limit=2&offset=2");
  EXPECT_EQ(names(last), (std::vector<std::string>{"ListZeta@gov-ann"}));
  EXPECT_EQ(str(json_of(last)["pagination"].at("next")), "");

  for (const std::string bad : {"?sortBy=created", "?sortOrder=up", "?limit=0", "?offset=-1", "?limit=many"}) {
    auto r = admin("GET", kAdminApps + bad);
    EXPECT_EQ(r.status, 400) << bad << " -> " << r.body;
    EXPECT_EQ(json_of(r)["code"], 400);
  }
  EXPECT_EQ(mgmt().call("GET", kAdminApps, "", "gov-ann", kPw).status, 403);
  EXPECT_EQ(mgmt().call("GET", kAdminApps, "", "", "").status, 401);
}

TEST_F(AdminApplications, DeletingAnApplicationRemovesItsKeysAndSubscriptionsAndTheGatewayRefusesItsTokens) {
  make_user("gov-del");
  const std::string api = secured_api("GovDelApi", "/gov-del");
  const std::string app = app_of("gov-del", "DelApp");
  auto keys = mgmt().call("POST", kDev + "/applications/" + app + "/generate-keys", R"({"keyType":"PRODUCTION"})", "gov-del", kPw);
  ASSERT_EQ(keys.status, 200) << keys.body;
  const std::string token = str(json_of(keys)["token"].at("accessToken"));
  const std::string consumer_key = str(json_of(keys)["consumerKey"]);
  const std::string secret = str(json_of(keys)["consumerSecret"]);
  ASSERT_EQ(mgmt().call("POST", kDev + "/subscriptions",
                        R"({"applicationId":")" + app + R"(","apiId":")" + api + R"(","throttlingPolicy":"Unlimited"})",
                        "gov-del", kPw)
                .status,
            201);
  ASSERT_EQ(wait_for_call("/gov-del/1.0.0/x", token, 200), 200);

  auto got = admin("GET", kAdminApps + "/" + app);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(str(json_of(got)["owner"]), "gov-del");
  EXPECT_EQ(json_of(got)["subscriptionCount"], 1);
  EXPECT_EQ(mgmt().call("DELETE", kAdminApps + "/" + app, "", "gov-del", kPw).status, 403);

  ASSERT_EQ(admin("DELETE", kAdminApps + "/" + app).status, 200);
  EXPECT_EQ(call("/gov-del/1.0.0/x", token).status, 401);  // no waiting: the answer came after the gateway's update
  EXPECT_EQ(form("/oauth2/token", "grant_type=client_credentials", consumer_key, secret).status, 401);
  EXPECT_EQ(admin("GET", kAdminApps + "/" + app).status, 404);
  EXPECT_EQ(mgmt().call("GET", kDev + "/applications/" + app, "", "gov-del", kPw).status, 404);
  EXPECT_EQ(json_of(admin("GET", "/api/am/publisher/v4/subscriptions?apiId=" + api))["count"], 0);
  EXPECT_EQ(admin("DELETE", kAdminApps + "/" + app).status, 404);
  EXPECT_EQ(admin("GET", kAdminApps + "/no-such-app").status, 404);
}

TEST_F(AdminApplications, ChangeOwnerHandsTheApplicationToAnExistingUserOnly) {
  make_user("gov-from");
  make_user("gov-to");
  const std::string app = app_of("gov-from", "HandOver");
  const std::string target = kAdminApps + "/" + app + "/change-owner";
  for (const std::string bad : {"", "?owner=", "?owner=nobody-at-all"}) {
    auto r = admin("POST", target + bad);
    EXPECT_EQ(r.status, 400) << bad << " -> " << r.body;
    EXPECT_NE(str(json_of(r)["description"]).find("owner"), std::string::npos) << r.body;
  }
  EXPECT_EQ(str(json_of(admin("GET", kAdminApps + "/" + app))["owner"]), "gov-from");
  EXPECT_EQ(admin("POST", kAdminApps + "/no-such-app/change-owner?owner=gov-to").status, 404);
  EXPECT_EQ(mgmt().call("POST", target + "?owner=gov-to", "", "gov-from", kPw).status, 403);

  ASSERT_EQ(admin("POST", target + "?owner=gov-to").status, 200);
  EXPECT_EQ(str(json_of(admin("GET", kAdminApps + "/" + app))["owner"]), "gov-to");
  EXPECT_EQ(mgmt().call("GET", kDev + "/applications/" + app, "", "gov-to", kPw).status, 200);
  EXPECT_EQ(mgmt().call("GET", kDev + "/applications/" + app, "", "gov-from", kPw).status, 404);

  // The new owner has an application of that name already.
  const std::string twin = app_of("gov-from", "HandOver");
  auto conflict = admin("POST", kAdminApps + "/" + twin + "/change-owner?owner=gov-to");
  EXPECT_EQ(conflict.status, 409) << conflict.body;
  EXPECT_EQ(json_of(conflict)["code"], 409);
  EXPECT_EQ(str(json_of(admin("GET", kAdminApps + "/" + twin))["owner"]), "gov-from");
}

TEST_F(AdminApplications, ChangeSettingsChangesTheOwnerAndRefusesBadSettings) {
  make_user("gov-set-a");
  make_user("gov-set-b");
  const std::string app = app_of("gov-set-a", "Settled");
  const std::string target = kAdminApps + "/" + app + "/change-settings";
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"{}", "owner"},
      {R"({"owner":"nobody-at-all"})", "owner"},
      {R"({"owner":5})", "owner"},
      {R"({"tokenType":"OAUTH"})", "tokenType"},
      {R"({"owner":"gov-set-b","tokenType":"OAUTH"})", "tokenType"},
      {"not json", ""},
      {R"(["owner"])", ""},
  };
  for (const auto& [body, field] : bad) {
    auto r = admin("POST", target, body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    if (!field.empty()) {
      EXPECT_NE(str(json_of(r)["description"]).find(field), std::string::npos) << r.body;
    }
  }
  EXPECT_EQ(str(json_of(admin("GET", kAdminApps + "/" + app))["owner"]), "gov-set-a");
  EXPECT_EQ(admin("POST", kAdminApps + "/no-such-app/change-settings", R"({"owner":"gov-set-b"})").status, 404);
  EXPECT_EQ(mgmt().call("POST", target, R"({"owner":"gov-set-b"})", "gov-set-a", kPw).status, 403);

  auto r = admin("POST", target, R"({"owner":"gov-set-b","tokenType":"JWT"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json_of(r)["owner"]), "gov-set-b");
  EXPECT_EQ(str(json_of(r)["applicationId"]), app);
  EXPECT_EQ(mgmt().call("GET", kDev + "/applications/" + app, "", "gov-set-b", kPw).status, 200);
}

}  // namespace
}  // namespace archway::testing
