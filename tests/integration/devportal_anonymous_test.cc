// The Developer Portal for anonymous callers, and API visibility (PUBLIC, PRIVATE, RESTRICTED with
// visibleRoles) for anonymous and signed-in readers.
#include <functional>

#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kUsers = "/api/am/admin/v4/users";
const std::string kPw = "password-123";

class DevportalAnonymous : public ServerSuite {
 protected:
  HttpResponse anon(const std::string& target) { return mgmt().get(target); }
  HttpResponse as(const std::string& user, const std::string& method, const std::string& target,
                  const std::string& body = "") {
    return mgmt().call(method, target, body, user, kPw);
  }
  void make_user(const std::string& name, const std::string& roles) {
    auto r = admin("POST", kUsers, R"({"username":")" + name + R"(","password":")" + kPw + R"(","roles":)" + roles + "}");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  static std::vector<std::string> ids_of(const HttpResponse& r) {
    std::vector<std::string> out;
    const auto body = json_of(r);
    for (const auto& a : body.at("list").as_array()) out.push_back(str(a.at("id")));
    return out;
  }
  static bool lists(const HttpResponse& r, const std::string& id) {
    const auto ids = ids_of(r);
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }
  // An inline API_LEVEL document with content; returns its id.
  std::string document(const std::string& api) {
    auto d = admin("POST", kApis + "/" + api + "/documents",
                   R"({"name":"Guide","type":"HOWTO","sourceType":"INLINE","visibility":"API_LEVEL","inlineContent":"Read me"})");
    EXPECT_EQ(d.status, 201) << d.body;
    return str(json_of(d)["documentId"]);
  }
};

TEST_F(DevportalAnonymous, AnonymousCallerBrowsesPublicApis) {
  const std::string api = secured_api("AnonPub", "/anonpub", R"("policies":["Unlimited","Gold"],"tags":["anon-tag"],)");
  const std::string draft = create_api(api_body("AnonDraft", "/anondraft", R"([{"target":"/*","verb":"GET"}])", "",
                                                R"("policies":["Unlimited"],"tags":["anon-tag"],)"));
  const std::string doc = document(api);
  ASSERT_EQ(admin_upload("PUT", kApis + "/" + api + "/thumbnail", {{"file", kPng, "t.png", "image/png"}}).status, 200);

  auto list = anon(kDev + "/apis");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(lists(list, api));
  EXPECT_FALSE(lists(list, draft));  // CREATED is not in the portal
  EXPECT_TRUE(lists(anon(kDev + "/search?query=name:AnonPub"), api));
  auto one = anon(kDev + "/apis/" + api);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(str(json_of(one)["name"]), "AnonPub");
  EXPECT_EQ(anon(kDev + "/apis/" + draft).status, 404);

  EXPECT_EQ(json_of(anon(kDev + "/apis/" + api + "/documents"))["count"], 1);
  EXPECT_EQ(anon(kDev + "/apis/" + api + "/documents/" + doc).status, 200);
  auto content = anon(kDev + "/apis/" + api + "/documents/" + doc + "/content");
  EXPECT_EQ(content.status, 200);
  EXPECT_EQ(content.body, "Read me");
  EXPECT_EQ(anon(kDev + "/apis/" + api + "/thumbnail").status, 200);
  EXPECT_EQ(anon(kDev + "/apis/" + api + "/swagger").status, 200);
  EXPECT_EQ(anon(kDev + "/api-categories").status, 200);
  EXPECT_EQ(anon(kDev + "/settings").status, 200);
  EXPECT_EQ(anon(kDev + "/settings/application-attributes").status, 200);
  EXPECT_EQ(anon(kDev + "/key-managers").status, 200);
  EXPECT_EQ(anon(kDev + "/throttling-policies/subscription").status, 200);
  EXPECT_EQ(anon(kDev + "/throttling-policies/subscription/Gold").status, 200);

  // Tags count the APIs the caller sees: the draft's tag use does not count.
  auto tags = anon(kDev + "/tags");
  ASSERT_EQ(tags.status, 200) << tags.body;
  bool found = false;
  const auto tag_list = json_of(tags);
  for (const auto& t : tag_list.at("list").as_array())
    if (str(t.at("value")) == "anon-tag") {
      found = true;
      EXPECT_EQ(t.at("count"), 1);
    }
  EXPECT_TRUE(found) << tags.body;
  EXPECT_TRUE(json_of(tags).contains("pagination"));
}

TEST_F(DevportalAnonymous, AnonymousCallerCannotUseApplicationsSubscriptionsOrKeys) {
  auto r = mgmt().call("POST", kDev + "/applications", R"({"name":"AnonApp"})", "", "");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json_of(r)["code"], 401);
  EXPECT_EQ(anon(kDev + "/applications").status, 401);
  EXPECT_EQ(anon(kDev + "/subscriptions?apiId=x").status, 401);
  EXPECT_EQ(mgmt().call("POST", kDev + "/subscriptions", R"({"applicationId":"a","apiId":"b","throttlingPolicy":"Gold"})", "", "").status, 401);
  EXPECT_EQ(mgmt().call("PUT", kDev + "/subscriptions/x", R"({"throttlingPolicy":"Gold"})", "", "").status, 401);
  EXPECT_EQ(anon(kDev + "/applications/x/oauth-keys/y").status, 401);
  EXPECT_EQ(mgmt().call("PUT", kDev + "/applications/x/oauth-keys/y", "{}", "", "").status, 401);
  EXPECT_EQ(mgmt().call("POST", kDev + "/me/change-password", R"({"currentPassword":"a","newPassword":"b"})", "", "").status, 401);
}

TEST_F(DevportalAnonymous, WrongCredentialsAreRejectedEvenOnPublicReads) {
  EXPECT_EQ(mgmt().call("GET", kDev + "/apis", "", kAdmin, "wrong-password").status, 401);
  EXPECT_EQ(mgmt().call("GET", kDev + "/settings", "", "nobody", "whatever-pw").status, 401);
  EXPECT_EQ(mgmt().get(kDev + "/apis", {{"Authorization", "Bearer not-a-token"}}).status, 401);
  EXPECT_EQ(mgmt().get(kDev + "/tags", {{"Authorization", "Digest nonsense"}}).status, 401);
}

TEST_F(DevportalAnonymous, RestrictedApisShowOnlyToReadersHoldingAListedRole) {
  make_user("vis-sub", R"(["subscriber"])");
  make_user("vis-cre", R"(["subscriber","creator"])");
  const std::string priv = secured_api("VisPrivate", "/visprivate",
                                       R"("policies":["Unlimited"],"visibility":"PRIVATE","tags":["vis-tag"],)");
  const std::string restricted = secured_api(
      "VisRestricted", "/visrestricted",
      R"("policies":["Unlimited"],"visibility":"RESTRICTED","visibleRoles":["creator"],"tags":["vis-tag"],)");
  const std::string doc = document(restricted);

  // Anonymous: neither exists.
  auto list = anon(kDev + "/apis");
  EXPECT_FALSE(lists(list, priv));
  EXPECT_FALSE(lists(list, restricted));
  for (const auto& id : {priv, restricted}) {
    EXPECT_EQ(anon(kDev + "/apis/" + id).status, 404);
    EXPECT_EQ(anon(kDev + "/apis/" + id + "/swagger").status, 404);
    EXPECT_EQ(anon(kDev + "/apis/" + id + "/documents").status, 404);
  }
  EXPECT_EQ(anon(kDev + "/apis/" + restricted + "/documents/" + doc + "/content").status, 404);
  EXPECT_EQ(anon(kDev + "/tags").body.find("vis-tag"), std::string::npos);

  // A subscriber sees the PRIVATE API, not the RESTRICTED one, and cannot subscribe to it.
  auto sub_list = as("vis-sub", "GET", kDev + "/apis");
  EXPECT_TRUE(lists(sub_list, priv));
  EXPECT_FALSE(lists(sub_list, restricted));
  EXPECT_EQ(as("vis-sub", "GET", kDev + "/apis/" + restricted).status, 404);
  EXPECT_EQ(as("vis-sub", "GET", kDev + "/apis/" + restricted + "/documents/" + doc).status, 404);
  auto app = as("vis-sub", "POST", kDev + "/applications", R"({"name":"VisApp"})");
  ASSERT_EQ(app.status, 201) << app.body;
  const std::string app_id = str(json_of(app)["applicationId"]);
  EXPECT_EQ(as("vis-sub", "POST", kDev + "/subscriptions",
               R"({"applicationId":")" + app_id + R"(","apiId":")" + restricted + R"(","throttlingPolicy":"Unlimited"})")
                .status,
            404);
  EXPECT_EQ(as("vis-sub", "POST", kDev + "/subscriptions",
               R"({"applicationId":")" + app_id + R"(","apiId":")" + priv + R"(","throttlingPolicy":"Unlimited"})")
                .status,
            201);

  // A creator (a listed role) and an admin see both.
  auto cre_list = as("vis-cre", "GET", kDev + "/apis");
  EXPECT_TRUE(lists(cre_list, priv));
  EXPECT_TRUE(lists(cre_list, restricted));
  EXPECT_EQ(as("vis-cre", "GET", kDev + "/apis/" + restricted + "/documents/" + doc + "/content").status, 200);
  EXPECT_EQ(as("vis-cre", "GET", kDev + "/apis/" + restricted + "/swagger").status, 200);
  EXPECT_TRUE(lists(admin("GET", kDev + "/apis"), restricted));
  auto tags = json_of(as("vis-cre", "GET", kDev + "/tags"));
  for (const auto& t : tags["list"].as_array()) {
    if (str(t.at("value")) == "vis-tag") {
      EXPECT_EQ(t.at("count"), 2);
    }
  }
}

TEST_F(DevportalAnonymous, ApiListsPageInCreationOrderForEachKindOfReader) {
  make_user("page-cre", R"(["subscriber","creator"])");
  auto publish = [&](const std::string& name, const std::string& extra) {
    const std::string id = create_api(api_body(name, "/" + name, R"([{"target":"/*","verb":"GET"}])", "",
                                               R"("policies":["Unlimited"],)" + extra));
    EXPECT_EQ(admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + id + "&action=Publish").status, 200);
    return id;
  };
  const std::string pub = publish("pagepub", "");
  const std::string priv = publish("pagepriv", R"("visibility":"PRIVATE",)");
  const std::string restricted = publish("pagerestricted", R"("visibility":"RESTRICTED","visibleRoles":["creator"],)");
  // Each reader's pages of two, walked by their links, are the whole list in creation order.
  auto walk = [&](const std::function<HttpResponse(const std::string&)>& get) {
    const auto all = get(kDev + "/apis?limit=1000");
    EXPECT_EQ(all.status, 200) << all.body;
    std::vector<std::string> paged;
    std::string next = kDev + "/apis?limit=2&offset=0";
    for (int pages = 0; !next.empty() && pages < 100; ++pages) {
      const auto r = get(next);
      EXPECT_EQ(r.status, 200) << r.body;
      const auto body = json_of(r);
      const auto& pagination = body.at("pagination").as_object();
      EXPECT_EQ(pagination.at("total"), json_of(all).at("pagination").at("total"));
      EXPECT_EQ(pagination.at("limit"), 2);
      EXPECT_LE(body.at("count").as_int64(), 2);
      for (const auto& id : ids_of(r)) paged.push_back(id);
      next = str(pagination.at("next"));
    }
    EXPECT_EQ(paged, ids_of(all));
    EXPECT_EQ(static_cast<std::int64_t>(paged.size()), json_of(all).at("pagination").at("total").as_int64());
    return paged;
  };
  auto has = [](const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  const auto anonymous = walk([&](const std::string& t) { return anon(t); });
  EXPECT_TRUE(has(anonymous, pub));
  EXPECT_FALSE(has(anonymous, priv));
  EXPECT_FALSE(has(anonymous, restricted));
  const auto creator = walk([&](const std::string& t) { return as("page-cre", "GET", t); });
  EXPECT_TRUE(has(creator, pub) && has(creator, priv) && has(creator, restricted));
  const auto admins = walk([&](const std::string& t) { return admin("GET", t); });
  EXPECT_TRUE(has(admins, restricted));
  auto first = json_of(anon(kDev + "/apis?limit=1&offset=1"));
  EXPECT_EQ(str(first["pagination"].at("previous")), kDev + "/apis?limit=1&offset=0");
  // A search keeps its query in the links.
  auto search = json_of(admin("GET", kDev + "/search?query=name:page&limit=1"));
  EXPECT_EQ(search["pagination"].at("total"), 3);
  EXPECT_EQ(str(search["pagination"].at("next")), kDev + "/search?query=name%3Apage&limit=1&offset=1");
  // Blocking takes an API out of every reader's list.
  ASSERT_EQ(admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + pub + "&action=Block").status, 200);
  EXPECT_FALSE(has(ids_of(anon(kDev + "/apis?limit=1000")), pub));
  EXPECT_FALSE(has(ids_of(admin("GET", kDev + "/apis?limit=1000")), pub));
  // Bad paging is a 400 problem, after the credentials are checked.
  EXPECT_EQ(mgmt().call("GET", kDev + "/apis?limit=0", "", kAdmin, "wrong-password").status, 401);
  for (const auto& q : {"limit=0", "limit=1001", "limit=x", "offset=-1"}) {
    const auto bad = anon(kDev + "/apis?" + std::string(q));
    EXPECT_EQ(bad.status, 400) << q;
    EXPECT_EQ(json_of(bad)["code"], 400) << bad.body;
  }
}

TEST_F(DevportalAnonymous, VisibleRolesAreValidated) {
  auto none = admin("POST", kApis, api_body("VisBad", "/visbad", R"([{"target":"/*","verb":"GET"}])", "",
                                            R"("visibility":"RESTRICTED",)"));
  EXPECT_EQ(none.status, 400);
  EXPECT_NE(none.body.find("visibleRoles"), std::string::npos) << none.body;
  auto unknown = admin("POST", kApis, api_body("VisBad", "/visbad", R"([{"target":"/*","verb":"GET"}])", "",
                                               R"("visibility":"RESTRICTED","visibleRoles":["king"],)"));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("visibleRoles[0]"), std::string::npos) << unknown.body;
  auto wrong_type = admin("POST", kApis, api_body("VisBad", "/visbad", R"([{"target":"/*","verb":"GET"}])", "",
                                                  R"("visibility":"RESTRICTED","visibleRoles":"creator",)"));
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_EQ(admin("GET", kApis + "?query=name:VisBad").body.find("VisBad"), std::string::npos);  // nothing written

  const std::string id = create_api(api_body("VisGood", "/visgood", R"([{"target":"/*","verb":"GET"}])", "",
                                             R"("visibility":"RESTRICTED","visibleRoles":["creator","publisher"],)"));
  auto got = json_of(admin("GET", kApis + "/" + id));
  EXPECT_EQ(str(got["visibility"]), "RESTRICTED");
  ASSERT_EQ(got["visibleRoles"].as_array().size(), 2u);
  EXPECT_EQ(str(got["visibleRoles"].as_array()[0]), "creator");
}

}  // namespace
}  // namespace archway::testing
