// The Developer Portal's older key routes (/applications/{id}/keys[/{keyType}/...]), which scripts
// written for the product still call: views by key type over the same key mappings the
// oauth-keys routes serve, so a change through one is seen through the other and at the token
// endpoint at once.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kPw = "password-123";

class ApplicationKeyViews : public ServerSuite {
 protected:
  std::string keys(const Client& c, const std::string& rest = "") { return kDev + "/applications/" + c.app_id + "/keys" + rest; }
  std::string oauth_key(const Client& c) { return kDev + "/applications/" + c.app_id + "/oauth-keys/" + c.key_mapping_id; }
  void make_user(const std::string& name) {
    auto r = admin("POST", "/api/am/admin/v4/users",
                   R"({"username":")" + name + R"(","password":")" + kPw + R"(","roles":["subscriber"]})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  int client_credentials(const std::string& key, const std::string& secret) {
    return form("/oauth2/token", "grant_type=client_credentials", key, secret).status;
  }
};

TEST_F(ApplicationKeyViews, KeysOfATypeAreTheSameMappingAsItsOauthKeys) {
  Client c = application("ViewApp");
  auto list = admin("GET", keys(c));
  ASSERT_EQ(list.status, 200) << list.body;
  auto l = json_of(list);
  EXPECT_EQ(l["count"], 1);
  EXPECT_EQ(str(l["list"].as_array().at(0).at("keyMappingId")), c.key_mapping_id);
  EXPECT_TRUE(l["list"].as_array().at(0).at("consumerSecret").is_null());

  auto prod = admin("GET", keys(c, "/PRODUCTION"));
  ASSERT_EQ(prod.status, 200) << prod.body;
  EXPECT_EQ(prod.body, admin("GET", oauth_key(c)).body);
  EXPECT_EQ(str(json_of(prod)["consumerKey"]), c.consumer_key);
  EXPECT_EQ(str(json_of(prod)["keyManager"]), "Resident Key Manager");
  EXPECT_EQ(admin("GET", keys(c, "/PRODUCTION?keyManager=Resident%20Key%20Manager")).body, prod.body);

  // A change through the view is the mapping's change.
  auto put = admin("PUT", keys(c, "/PRODUCTION"),
                   R"({"supportedGrantTypes":["client_credentials"],"callbackUrl":"https://view.example.com/cb","keyType":"PRODUCTION"})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(str(json_of(admin("GET", oauth_key(c)))["callbackUrl"]), "https://view.example.com/cb");
  EXPECT_EQ(form("/oauth2/token", std::string("grant_type=password&username=admin&password=") + kPassword, c.consumer_key,
                 c.consumer_secret)
                .status,
            400);  // the password grant was taken away

  auto token = admin("POST", keys(c, "/PRODUCTION/generate-token"),
                     R"({"consumerSecret":")" + c.consumer_secret + R"(","validityPeriod":600,"scopes":[]})");
  ASSERT_EQ(token.status, 200) << token.body;
  EXPECT_EQ(json_of(token)["validityTime"], 600);
  EXPECT_FALSE(str(json_of(token)["accessToken"]).empty());

  auto regen = admin("POST", keys(c, "/PRODUCTION/regenerate-secret"));
  ASSERT_EQ(regen.status, 200) << regen.body;
  const std::string secret = str(json_of(regen)["consumerSecret"]);
  EXPECT_EQ(str(json_of(regen)["consumerKey"]), c.consumer_key);
  EXPECT_EQ(client_credentials(c.consumer_key, c.consumer_secret), 401);
  EXPECT_EQ(client_credentials(c.consumer_key, secret), 200);
  EXPECT_EQ(admin("POST", keys(c, "/PRODUCTION/generate-token"), R"({"consumerSecret":")" + c.consumer_secret + R"("})").status,
            401);

  ASSERT_EQ(admin("POST", keys(c, "/PRODUCTION/clean-up")).status, 200);
  EXPECT_EQ(admin("GET", oauth_key(c)).status, 404);
  EXPECT_EQ(admin("GET", keys(c, "/PRODUCTION")).status, 404);
  EXPECT_EQ(json_of(admin("GET", keys(c)))["count"], 0);
  EXPECT_EQ(client_credentials(c.consumer_key, secret), 401);
}

TEST_F(ApplicationKeyViews, KeyTypeMustBeProductionOrSandboxAndMissingKeysAre404) {
  Client c = application("TypeApp");
  const std::string before = admin("GET", oauth_key(c)).body;
  for (const std::string type : {"production", "OTHER", "PRODUCTION2"}) {
    for (const auto& [method, rest] : std::vector<std::pair<std::string, std::string>>{
             {"GET", ""}, {"PUT", ""}, {"POST", "/regenerate-secret"}, {"POST", "/clean-up"}, {"POST", "/generate-token"}}) {
      auto r = admin(method, keys(c, "/" + type + rest), method == "GET" ? "" : "{}");
      EXPECT_EQ(r.status, 400) << method << " " << type << rest << " -> " << r.body;
      EXPECT_NE(str(json_of(r)["description"]).find("keyType"), std::string::npos) << r.body;
    }
  }
  // The application has PRODUCTION keys only.
  for (const auto& [method, rest] : std::vector<std::pair<std::string, std::string>>{
           {"GET", ""}, {"PUT", ""}, {"POST", "/regenerate-secret"}, {"POST", "/clean-up"}, {"POST", "/generate-token"}}) {
    auto r = admin(method, keys(c, "/SANDBOX" + rest), method == "GET" ? "" : "{}");
    EXPECT_EQ(r.status, 404) << method << " SANDBOX" << rest << " -> " << r.body;
    EXPECT_EQ(json_of(r)["code"], 404);
  }
  auto unknown_km = admin("GET", keys(c, "/PRODUCTION?keyManager=NoSuchManager"));
  EXPECT_EQ(unknown_km.status, 400);
  EXPECT_NE(str(json_of(unknown_km)["description"]).find("keyManager"), std::string::npos);
  EXPECT_EQ(admin("GET", keys(c, "?keyManager=NoSuchManager")).status, 400);
  EXPECT_EQ(admin("GET", kDev + "/applications/no-such-app/keys").status, 404);
  EXPECT_EQ(admin("GET", kDev + "/applications/no-such-app/keys/PRODUCTION").status, 404);
  EXPECT_EQ(admin("GET", oauth_key(c)).body, before);
}

TEST_F(ApplicationKeyViews, BadBodiesAreRefusedAndChangeNothing) {
  Client c = application("BadViewApp");
  const std::string before = admin("GET", keys(c, "/PRODUCTION")).body;
  for (const std::string body : {R"({"supportedGrantTypes":["implicit"]})", R"({"keyType":"SANDBOX"})",
                                 R"({"callbackUrl":"https://a b"})", R"({"supportedGrantTypes":[)", R"([1])"}) {
    auto r = admin("PUT", keys(c, "/PRODUCTION"), body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    EXPECT_EQ(json_of(r)["code"], 400);
  }
  EXPECT_EQ(admin("POST", keys(c, "/PRODUCTION/generate-token"), "{}").status, 400);
  EXPECT_EQ(admin("POST", keys(c, "/PRODUCTION/generate-token"), R"({"consumerSecret":")" + c.consumer_secret +
                                                                    R"(","validityPeriod":0})")
                .status,
            400);
  EXPECT_EQ(admin("POST", keys(c, "/PRODUCTION/generate-token"), "not json").status, 400);
  EXPECT_EQ(admin("GET", keys(c, "/PRODUCTION")).body, before);
}

TEST_F(ApplicationKeyViews, AnotherUsersKeysDoNotExistForTheCallerAndAnonymousCallersGet401) {
  Client c = application("PrivateViewApp");
  make_user("view-other");
  for (const auto& [method, rest] : std::vector<std::pair<std::string, std::string>>{
           {"GET", ""}, {"GET", "/PRODUCTION"}, {"PUT", "/PRODUCTION"}, {"POST", "/PRODUCTION/regenerate-secret"},
           {"POST", "/PRODUCTION/clean-up"}, {"POST", "/PRODUCTION/generate-token"}}) {
    const std::string body = method == "GET" ? "" : R"({"consumerSecret":")" + c.consumer_secret + R"("})";
    EXPECT_EQ(mgmt().call(method, keys(c, rest), body, "view-other", kPw).status, 404) << method << rest;
    EXPECT_EQ(mgmt().call(method, keys(c, rest), body, "", "").status, 401) << method << rest;
  }
  EXPECT_EQ(client_credentials(c.consumer_key, c.consumer_secret), 200);  // nothing was regenerated or removed
}

TEST_F(ApplicationKeyViews, KeyManagerParameterSelectsMappedExternalKeys) {
  backend_->serve_static("/jwks", R"({"keys":[]})");
  auto km = admin("POST", "/api/am/admin/v4/key-managers",
                  R"({"name":"ViewIdp","type":"custom","issuer":"https://idp.view.example","certificates":{"type":"JWKS","value":")" +
                      backend_->url("/jwks") + R"("}})");
  ASSERT_EQ(km.status, 201) << km.body;
  Client c = application("MixedApp");
  ASSERT_EQ(admin("POST", kDev + "/applications/" + c.app_id + "/map-keys",
                  R"({"consumerKey":"view-ext-client","keyType":"SANDBOX","keyManager":"ViewIdp"})")
                .status,
            200);
  EXPECT_EQ(admin("GET", keys(c, "/SANDBOX")).status, 404);  // the resident Key Manager has none
  auto ext = admin("GET", keys(c, "/SANDBOX?keyManager=ViewIdp"));
  ASSERT_EQ(ext.status, 200) << ext.body;
  EXPECT_EQ(str(json_of(ext)["consumerKey"]), "view-ext-client");
  EXPECT_EQ(admin("GET", keys(c, "/SANDBOX?keyManager=" + str(json_of(km)["id"]))).body, ext.body);
  EXPECT_EQ(json_of(admin("GET", keys(c)))["count"], 1);
  EXPECT_EQ(json_of(admin("GET", keys(c, "?keyManager=ViewIdp")))["count"], 1);
  auto put = admin("PUT", keys(c, "/SANDBOX?keyManager=ViewIdp"), R"({"callbackUrl":"https://x.example"})");
  EXPECT_EQ(put.status, 400);  // changed at that key manager, not here
  EXPECT_EQ(admin("GET", keys(c, "/PRODUCTION?keyManager=ViewIdp")).status, 404);
}

}  // namespace
}  // namespace archway::testing
