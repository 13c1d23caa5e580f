// Developer Portal changes after the first keys and subscriptions: a key mapping read, changed and
// cleaned up; a subscription moved to another tier; paged subscription lists; a user's own
// password change. Each change is in effect at the token endpoint and the gateway at once.
#include <set>
#include <string>
#include <vector>

#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kPw = "password-123";

class ApplicationKeys : public ServerSuite {
 protected:
  std::string key_path(const Client& c) { return kDev + "/applications/" + c.app_id + "/oauth-keys/" + c.key_mapping_id; }
  void make_user(const std::string& name) {
    auto r = admin("POST", "/api/am/admin/v4/users",
                   R"({"username":")" + name + R"(","password":")" + kPw + R"(","roles":["subscriber"]})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
};

TEST_F(ApplicationKeys, KeyMappingChangeIsHonouredByTheTokenEndpointAtOnce) {
  Client c = application("KeysApp");
  auto got = admin("GET", key_path(c));
  ASSERT_EQ(got.status, 200) << got.body;
  auto o = json_of(got);
  EXPECT_EQ(str(o["keyMappingId"]), c.key_mapping_id);
  EXPECT_EQ(str(o["consumerKey"]), c.consumer_key);
  EXPECT_TRUE(o["consumerSecret"].is_null());
  EXPECT_EQ(str(o["keyType"]), "PRODUCTION");
  EXPECT_EQ(o["supportedGrantTypes"].as_array().size(), 3u);
  EXPECT_EQ(form("/oauth2/token", std::string("grant_type=password&username=admin&password=") + kPassword,
                 c.consumer_key, c.consumer_secret).status,
            200);

  auto put = admin("PUT", key_path(c),
                   R"({"supportedGrantTypes":["client_credentials"],"callbackUrl":"https://app.example.com/cb",
                       "keyType":"PRODUCTION","consumerKey":"ignored",
                       "additionalProperties":{"application_access_token_expiry_time":"120"}})");
  ASSERT_EQ(put.status, 200) << put.body;
  auto p = json_of(put);
  EXPECT_EQ(p["supportedGrantTypes"].as_array().size(), 1u);
  EXPECT_EQ(str(p["callbackUrl"]), "https://app.example.com/cb");
  EXPECT_EQ(p["additionalProperties"].at("application_access_token_expiry_time"), 120);
  EXPECT_EQ(str(p["consumerKey"]), c.consumer_key);
  EXPECT_EQ(str(json_of(admin("GET", key_path(c)))["callbackUrl"]), "https://app.example.com/cb");

  auto refused = form("/oauth2/token", std::string("grant_type=password&username=admin&password=") + kPassword,
                      c.consumer_key, c.consumer_secret);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(str(json_of(refused)["error"]), "unauthorized_client");
  auto cc = form("/oauth2/token", "grant_type=client_credentials", c.consumer_key, c.consumer_secret);
  ASSERT_EQ(cc.status, 200) << cc.body;
  EXPECT_EQ(json_of(cc)["expires_in"], 120);
  auto t = admin("POST", key_path(c) + "/generate-token", R"({"consumerSecret":")" + c.consumer_secret + R"("})");
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(json_of(t)["validityTime"], 120);

  // A number works as well as the product's string.
  auto num = admin("PUT", key_path(c), R"({"additionalProperties":{"application_access_token_expiry_time":300}})");
  ASSERT_EQ(num.status, 200) << num.body;
  EXPECT_EQ(json_of(num)["supportedGrantTypes"].as_array().size(), 1u);  // absent fields keep their value
  EXPECT_EQ(json_of(form("/oauth2/token", "grant_type=client_credentials", c.consumer_key, c.consumer_secret))["expires_in"],
            300);
}

TEST_F(ApplicationKeys, KeyMappingUpdateRefusesBadInputAndWritesNothing) {
  Client c = application("BadKeysApp");
  const std::string before = admin("GET", key_path(c)).body;
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"supportedGrantTypes":["implicit"]})", "supportedGrantTypes"},
      {R"({"supportedGrantTypes":[]})", "supportedGrantTypes"},
      {R"({"supportedGrantTypes":"password"})", "supportedGrantTypes"},
      {R"({"supportedGrantTypes":[7]})", "supportedGrantTypes"},
      {R"({"callbackUrl":"https://a b"})", "callbackUrl"},
      {R"({"callbackUrl":12})", "callbackUrl"},
      {R"({"supportedGrantTypes":["authorization_code"],"callbackUrl":""})", "callbackUrl"},
      {R"({"additionalProperties":{"application_access_token_expiry_time":"soon"}})", "application_access_token_expiry_time"},
      {R"({"additionalProperties":{"application_access_token_expiry_time":0}})", "application_access_token_expiry_time"},
      {R"({"additionalProperties":{"application_access_token_expiry_time":99999999999}})", "application_access_token_expiry_time"},
      {R"({"additionalProperties":{"refresh_token_expiry_time":"60"}})", "refresh_token_expiry_time"},
      {R"({"supportedGrantTypes":["password"],"keyType":"SANDBOX"})", "keyType"},
      {R"({"supportedGrantTypes":["password"],)", ""},
      {R"(["password"])", ""},
  };
  for (const auto& [body, field] : bad) {
    auto r = admin("PUT", key_path(c), body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    EXPECT_EQ(json_of(r)["code"], 400) << body;
    if (!field.empty()) {
      EXPECT_NE(str(json_of(r)["description"]).find(field), std::string::npos) << r.body;
    }
  }
  EXPECT_EQ(admin("GET", key_path(c)).body, before);
  auto no_callback = admin("POST", kDev + "/applications/" + c.app_id + "/generate-keys",
                           R"({"keyType":"SANDBOX","grantTypesToBeSupported":["authorization_code"]})");
  EXPECT_EQ(no_callback.status, 400);
  EXPECT_NE(str(json_of(no_callback)["description"]).find("callbackUrl"), std::string::npos);
  EXPECT_EQ(admin("PUT", kDev + "/applications/" + c.app_id + "/oauth-keys/no-such-mapping", "{}").status, 404);
  EXPECT_EQ(admin("GET", kDev + "/applications/" + c.app_id + "/oauth-keys/no-such-mapping").status, 404);

  make_user("keys-other");
  EXPECT_EQ(mgmt().call("GET", key_path(c), "", "keys-other", kPw).status, 404);
  EXPECT_EQ(mgmt().call("PUT", key_path(c), R"({"supportedGrantTypes":["password"]})", "keys-other", kPw).status, 404);
  EXPECT_EQ(mgmt().call("POST", key_path(c) + "/clean-up", "", "keys-other", kPw).status, 404);
  EXPECT_EQ(admin("GET", key_path(c)).body, before);
}

TEST_F(ApplicationKeys, CleanUpRemovesTheKeysAndTheirTokensStopWorking) {
  const std::string api = secured_api("CleanApi", "/cleanapi");
  Client c = application("CleanApp");
  subscribe(c.app_id, api);
  ASSERT_EQ(wait_for_call("/cleanapi/1.0.0/x", c.token, 200), 200);

  ASSERT_EQ(admin("POST", key_path(c) + "/clean-up").status, 200);
  EXPECT_EQ(admin("GET", key_path(c)).status, 404);
  EXPECT_EQ(json_of(admin("GET", kDev + "/applications/" + c.app_id + "/oauth-keys"))["count"], 0);
  EXPECT_EQ(form("/oauth2/token", "grant_type=client_credentials", c.consumer_key, c.consumer_secret).status, 401);
  EXPECT_EQ(call("/cleanapi/1.0.0/x", c.token).status, 401);
  EXPECT_EQ(admin("POST", key_path(c) + "/clean-up").status, 404);

  // The key type is free again.
  auto again = admin("POST", kDev + "/applications/" + c.app_id + "/generate-keys", R"({"keyType":"PRODUCTION"})");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(call("/cleanapi/1.0.0/x", str(json_of(again)["token"].at("accessToken"))).status, 200);
}

TEST_F(ApplicationKeys, SubscriptionTierChangeIsEnforcedByTheGatewayAtOnce) {
  subscription_tier("TwoPerMin", 2);
  const std::string api = secured_api("TierMove", "/tiermove", R"("policies":["Unlimited","TwoPerMin"],)");
  Client c = application("TierMoveApp");
  const std::string sub = subscribe(c.app_id, api, "Unlimited");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(wait_for_call("/tiermove/1.0.0/x", c.token, 200), 200);

  auto put = admin("PUT", kDev + "/subscriptions/" + sub,
                   R"({"applicationId":")" + c.app_id + R"(","apiId":")" + api + R"(","throttlingPolicy":"TwoPerMin"})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(str(json_of(put)["throttlingPolicy"]), "TwoPerMin");
  EXPECT_EQ(str(json_of(put)["subscriptionId"]), sub);
  EXPECT_EQ(str(json_of(admin("GET", kDev + "/subscriptions/" + sub))["throttlingPolicy"]), "TwoPerMin");
  int limited = 0;
  for (int i = 0; i < 3; ++i) limited += call("/tiermove/1.0.0/x", c.token).status == 429;
  EXPECT_GE(limited, 1);

  // Bad changes are refused and change nothing.
  auto not_offered = admin("PUT", kDev + "/subscriptions/" + sub, R"({"throttlingPolicy":"Gold"})");
  EXPECT_EQ(not_offered.status, 400);
  EXPECT_NE(str(json_of(not_offered)["description"]).find("Gold"), std::string::npos);
  EXPECT_EQ(admin("PUT", kDev + "/subscriptions/" + sub, "{}").status, 400);
  EXPECT_EQ(admin("PUT", kDev + "/subscriptions/" + sub, R"({"throttlingPolicy":"Unlimited","apiId":"other"})").status, 400);
  EXPECT_EQ(admin("PUT", kDev + "/subscriptions/" + sub, R"({"throttlingPolicy":"Unlimited","applicationId":"other"})").status,
            400);
  EXPECT_EQ(admin("PUT", kDev + "/subscriptions/" + sub, R"({"throttlingPolicy":5})").status, 400);
  EXPECT_EQ(admin("PUT", kDev + "/subscriptions/" + sub, "not json").status, 400);
  EXPECT_EQ(str(json_of(admin("GET", kDev + "/subscriptions/" + sub))["throttlingPolicy"]), "TwoPerMin");
  EXPECT_EQ(admin("PUT", kDev + "/subscriptions/no-such-subscription", R"({"throttlingPolicy":"Unlimited"})").status, 404);
  make_user("tier-other");
  EXPECT_EQ(mgmt().call("PUT", kDev + "/subscriptions/" + sub, R"({"throttlingPolicy":"Unlimited"})", "tier-other", kPw).status,
            404);
}

TEST_F(ApplicationKeys, SubscriptionListIsPaged) {
  Client c = application("PagedApp");
  for (const auto& [name, context] : {std::pair{"PageOne", "/page-one"}, {"PageTwo", "/page-two"}, {"PageThree", "/page-three"}})
    subscribe(c.app_id, secured_api(name, context));
  const std::string base = kDev + "/subscriptions?applicationId=" + c.app_id;
  auto first = json_of(admin("GET", base + "&limit=2"));
  EXPECT_EQ(first["count"], 2);
  EXPECT_EQ(first["pagination"].at("total"), 3);
  EXPECT_EQ(first["pagination"].at("limit"), 2);
  EXPECT_NE(str(first["pagination"].at("next")).find("offset=2"), std::string::npos);
  EXPECT_EQ(str(first["pagination"].at("previous")), "");
  auto second = json_of(admin("GET", base + "&limit=2&offset=2"));
  EXPECT_EQ(second["count"], 1);
  EXPECT_EQ(str(second["pagination"].at("next")), "");
  EXPECT_NE(str(second["pagination"].at("previous")).find("offset=0"), std::string::npos);
  EXPECT_EQ(json_of(admin("GET", base))["count"], 3);
  EXPECT_EQ(admin("GET", base + "&limit=0").status, 400);
  EXPECT_EQ(admin("GET", base + "&offset=-1").status, 400);
  EXPECT_EQ(admin("GET", base + "&limit=ten").status, 400);
}

TEST_F(ApplicationKeys, ApplicationListIsPagedWithSubscriptionCounts) {
  make_user("pager");
  auto as = [this](const std::string& method, const std::string& target, const std::string& body = "") {
    return mgmt().call(method, target, body, "pager", kPw);
  };
  std::string first_id;
  for (const char* name : {"PagerOne", "PagerTwo", "PagerThree"}) {
    auto r = as("POST", kDev + "/applications", std::string(R"({"name":")") + name + R"(","throttlingPolicy":"Unlimited"})");
    ASSERT_EQ(r.status, 201);
    if (first_id.empty()) first_id = str(json_of(r)["applicationId"]);
  }
  const std::string api = secured_api("PagerApi", "/pager-api");
  ASSERT_EQ(as("POST", kDev + "/subscriptions",
               R"({"applicationId":")" + first_id + R"(","apiId":")" + api + R"(","throttlingPolicy":"Unlimited"})")
                .status,
            201);
  // The pages cut the whole list where they say, in its order (creation time, then id: three
  // applications made within one millisecond may come in any order, but always the same one).
  auto all = json_of(as("GET", kDev + "/applications"));
  ASSERT_EQ(all["count"], 3);
  std::vector<std::string> order;
  for (const auto& a : all["list"].as_array()) order.push_back(str(a.at("name")));
  EXPECT_EQ(std::set<std::string>(order.begin(), order.end()),
            (std::set<std::string>{"PagerOne", "PagerTwo", "PagerThree"}));
  auto first = json_of(as("GET", kDev + "/applications?limit=2"));
  EXPECT_EQ(first["count"], 2);
  EXPECT_EQ(first["pagination"].at("total"), 3);
  auto second = json_of(as("GET", kDev + "/applications?limit=2&offset=2"));
  EXPECT_EQ(second["count"], 1);
  std::vector<std::string> paged;
  for (const auto* page : {&first, &second})
    for (const auto& a : page->at("list").as_array()) {
      paged.push_back(str(a.at("name")));
      EXPECT_EQ(a.at("subscriptionCount"), paged.back() == "PagerOne" ? 1 : 0) << paged.back();
    }
  EXPECT_EQ(paged, order);
  EXPECT_NE(str(first["pagination"].at("next")).find("offset=2"), std::string::npos);
  EXPECT_EQ(str(second["pagination"].at("next")), "");
  EXPECT_EQ(as("GET", kDev + "/applications?limit=0").status, 400);
  EXPECT_EQ(as("GET", kDev + "/applications?offset=-1").status, 400);
  EXPECT_EQ(as("GET", kDev + "/applications?limit=ten").status, 400);
}

TEST_F(ApplicationKeys, UsersChangeTheirOwnPassword) {
  make_user("pw-user");
  const std::string target = kDev + "/me/change-password";
  auto wrong = mgmt().call("POST", target, R"({"currentPassword":"not-it-at-all","newPassword":"new-password-1"})", "pw-user", kPw);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(str(json_of(wrong)["description"]).find("currentPassword"), std::string::npos);
  auto weak = mgmt().call("POST", target, R"({"currentPassword":"password-123","newPassword":"short"})", "pw-user", kPw);
  EXPECT_EQ(weak.status, 400);
  EXPECT_NE(str(json_of(weak)["description"]).find("newPassword"), std::string::npos);
  EXPECT_EQ(mgmt().call("POST", target, R"({"currentPassword":"password-123"})", "pw-user", kPw).status, 400);
  EXPECT_EQ(mgmt().call("POST", target, R"({"currentPassword":1,"newPassword":"new-password-1"})", "pw-user", kPw).status, 400);
  EXPECT_EQ(mgmt().call("GET", kDev + "/applications", "", "pw-user", kPw).status, 200);  // unchanged so far

  auto done = mgmt().call("POST", target, R"({"currentPassword":"password-123","newPassword":"new-password-1"})", "pw-user", kPw);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(mgmt().call("GET", kDev + "/applications", "", "pw-user", kPw).status, 401);
  EXPECT_EQ(mgmt().call("GET", kDev + "/applications", "", "pw-user", "new-password-1").status, 200);
}

}  // namespace
}  // namespace archway::testing
