// What the portals read before they draw anything: /settings of the Publisher, Developer Portal and
// Admin APIs, the key managers, tags, an API's subscription tiers and single throttling policies.
#include "crypto/base64url.h"
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kPub = "/api/am/publisher/v4";
const std::string kAdminApi = "/api/am/admin/v4";

class PortalSettings : public ServerSuite {
 protected:
  static bool has_string(const json::value& array, const std::string& s) {
    for (const auto& v : array.as_array())
      if (v.is_string() && v.get_string() == s) return true;
    return false;
  }
  static const json::object* named(const json::value& list, const std::string& name) {
    for (const auto& v : list.as_array())
      if (str(v.at("name")) == name) return &v.as_object();
    return nullptr;
  }
  // The fixture binds the gateway to 127.0.0.1, so that is the host its URLs name.
  std::string http_url() const { return "http://127.0.0.1:" + std::to_string(server_->gateway_port()); }
};

TEST_F(PortalSettings, PublisherSettingsNameTheGatewayEnvironmentAndItsUrls) {
  auto r = admin("GET", kPub + "/settings");
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = json_of(r);
  ASSERT_EQ(o["environment"].as_array().size(), 1u);
  const auto& env = o["environment"].as_array()[0].as_object();
  EXPECT_EQ(str(env.at("name")), "Default");
  EXPECT_EQ(str(env.at("type")), "hybrid");
  EXPECT_FALSE(str(env.at("serverUrl")).empty());
  const auto& vhost = env.at("vhosts").as_array().at(0).as_object();
  EXPECT_EQ(str(vhost.at("host")), "127.0.0.1");
  EXPECT_EQ(vhost.at("httpPort"), server_->gateway_port());
  bool http_listed = false;
  for (const auto& u : env.at("endpointURIs").as_array()) http_listed |= str(u.at("endpointURI")) == http_url();
  EXPECT_TRUE(http_listed) << json::serialize(env);
  EXPECT_TRUE(has_string(o["scopes"], "apim:api_view"));
  EXPECT_TRUE(has_string(o["scopes"], "apim:api_publish"));
  EXPECT_EQ(o["monetizationEnabled"], false);
  EXPECT_EQ(o["externalStoresEnabled"], false);
  EXPECT_EQ(o["crossTenantSubscriptionEnabled"], false);
  EXPECT_EQ(o["docVisibilityEnabled"], true);
  EXPECT_EQ(str(o["defaultAdvancePolicy"]), "Unlimited");
  EXPECT_EQ(str(o["defaultSubscriptionPolicy"]), "Unlimited");
  EXPECT_EQ(str(o["authorizationHeader"]), "Authorization");

  EXPECT_EQ(mgmt().get(kPub + "/settings").status, 401);  // the Publisher has no anonymous reads
}

TEST_F(PortalSettings, DevportalSettingsAnswerAnonymousCallers) {
  auto r = mgmt().get(kDev + "/settings");
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = json_of(r);
  EXPECT_TRUE(has_string(o["grantTypes"], "client_credentials"));
  EXPECT_TRUE(has_string(o["grantTypes"], "authorization_code"));
  EXPECT_TRUE(has_string(o["scopes"], "apim:subscribe"));
  EXPECT_NE(str(o["apiGatewayEndpoint"]).find(http_url()), std::string::npos) << str(o["apiGatewayEndpoint"]);
  EXPECT_EQ(o["applicationSharingEnabled"], false);
  EXPECT_EQ(o["monetizationEnabled"], false);
  EXPECT_EQ(o["recommendationEnabled"], false);
  EXPECT_EQ(o["IsAnonymousModeEnabled"], true);
  EXPECT_EQ(o["IsPasswordChangeEnabled"], true);
  EXPECT_EQ(o["identityProvider"].at("external"), false);
  EXPECT_EQ(o["passwordPolicyMinLength"], 8);
  EXPECT_EQ(o["passwordPolicyMaxLength"], 256);
  EXPECT_FALSE(str(o["userStorePasswordPattern"]).empty());

  auto attrs = mgmt().get(kDev + "/settings/application-attributes");
  ASSERT_EQ(attrs.status, 200);
  EXPECT_EQ(json_of(attrs)["count"], 0);
  EXPECT_TRUE(json_of(attrs)["list"].as_array().empty());
}

TEST_F(PortalSettings, AdminSettingsDescribeTheKeyManagerTypes) {
  auto r = admin("GET", kAdminApi + "/settings");
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = json_of(r);
  EXPECT_TRUE(has_string(o["scopes"], "apim:admin"));
  EXPECT_EQ(o["analyticsEnabled"], false);
  const auto& types = o["keyManagerConfiguration"].as_array();
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(str(types[0].at("type")), "custom");
  EXPECT_EQ(str(types[0].at("defaultConsumerKeyClaim")), "azp");
  EXPECT_EQ(mgmt().get(kAdminApi + "/settings").status, 401);
}

TEST_F(PortalSettings, KeyManagersAreTheResidentOneAndTheEnabledExternalOnes) {
  const std::string jwks = backend_->url("/jwks");
  ASSERT_EQ(admin("POST", kAdminApi + "/key-managers",
                  R"({"name":"OnIdp","issuer":"https://on.example","certificates":{"type":"JWKS","value":")" + jwks +
                      R"("}})").status,
            201);
  ASSERT_EQ(admin("POST", kAdminApi + "/key-managers",
                  R"({"name":"OffIdp","issuer":"https://off.example","enabled":false,"certificates":{"type":"JWKS","value":")" +
                      jwks + R"("}})").status,
            201);
  for (const auto& [target, anonymous_ok] : {std::pair{kPub + "/key-managers", false}, {kDev + "/key-managers", true}}) {
    auto r = admin("GET", target);
    ASSERT_EQ(r.status, 200) << target << r.body;
    auto list = json_of(r)["list"];
    const json::object* resident = named(list, "Resident Key Manager");
    ASSERT_NE(resident, nullptr) << r.body;
    EXPECT_EQ(str(resident->at("type")), "default");
    EXPECT_EQ(resident->at("enabled"), true);
    EXPECT_EQ(resident->at("enableTokenGeneration"), true);
    EXPECT_TRUE(str(resident->at("tokenEndpoint")).ends_with("/oauth2/token"));
    EXPECT_TRUE(str(resident->at("revokeEndpoint")).ends_with("/oauth2/revoke"));
    EXPECT_TRUE(has_string(resident->at("availableGrantTypes"), "password"));
    EXPECT_EQ(str(resident->at("applicationConfiguration").as_array().at(0).at("name")),
              "application_access_token_expiry_time");
    const json::object* on = named(list, "OnIdp");
    ASSERT_NE(on, nullptr) << r.body;
    EXPECT_EQ(on->at("enableMapOAuthConsumerApps"), true);
    EXPECT_EQ(on->at("enableTokenGeneration"), false);
    EXPECT_EQ(named(list, "OffIdp"), nullptr);
    EXPECT_EQ(mgmt().get(target).status, anonymous_ok ? 200 : 401);
  }
}

TEST_F(PortalSettings, TagsCountTheApisCarryingEach) {
  create_api(api_body("TagA", "/tag-a", R"([{"target":"/*","verb":"GET"}])", "", R"("tags":["tc-pets","tc-food"],)"));
  create_api(api_body("TagB", "/tag-b", R"([{"target":"/*","verb":"GET"}])", "", R"("tags":["tc-pets","tc-pets"],)"));
  auto r = admin("GET", kPub + "/tags");
  ASSERT_EQ(r.status, 200) << r.body;
  std::map<std::string, std::int64_t> counts;
  const auto body = json_of(r);
  for (const auto& t : body.at("list").as_array()) counts[str(t.at("value"))] = t.at("count").as_int64();
  EXPECT_EQ(counts["tc-pets"], 2);  // an API naming a tag twice counts once
  EXPECT_EQ(counts["tc-food"], 1);
  EXPECT_EQ(body.at("count").to_number<std::size_t>(), body.at("list").as_array().size());
  EXPECT_EQ(mgmt().get(kPub + "/tags").status, 401);
}

TEST_F(PortalSettings, SubscriptionPoliciesAreTheTiersTheApiOffers) {
  const std::string id = create_api(
      api_body("TierApi", "/tier-api", R"([{"target":"/*","verb":"GET"}])", "", R"("policies":["Gold","Unlimited"],)"));
  auto r = admin("GET", kApis + "/" + id + "/subscription-policies");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto tiers = json::parse(r.body).as_array();
  ASSERT_EQ(tiers.size(), 2u);
  EXPECT_EQ(str(tiers[0].at("name")), "Gold");
  EXPECT_EQ(tiers[0].at("requestCount"), 5000);
  EXPECT_EQ(str(tiers[0].at("policyLevel")), "subscription");
  EXPECT_EQ(str(tiers[0].at("tierPlan")), "FREE");
  EXPECT_EQ(str(tiers[1].at("name")), "Unlimited");
  EXPECT_EQ(admin("GET", kApis + "/no-such-api/subscription-policies").status, 404);
}

TEST_F(PortalSettings, OneThrottlingPolicyIsReadByName) {
  auto gold = admin("GET", kPub + "/throttling-policies/subscription/Gold");
  ASSERT_EQ(gold.status, 200) << gold.body;
  EXPECT_EQ(str(json_of(gold)["name"]), "Gold");
  auto adv = admin("GET", kPub + "/throttling-policies/api/10KPerMin");
  ASSERT_EQ(adv.status, 200) << adv.body;
  EXPECT_EQ(str(json_of(adv)["policyLevel"]), "api");
  auto missing = admin("GET", kPub + "/throttling-policies/subscription/Platinum");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json_of(missing)["code"], 404);
  EXPECT_EQ(admin("GET", kPub + "/throttling-policies/galaxy/Gold").status, 400);

  auto app = mgmt().get(kDev + "/throttling-policies/application/10PerMin");
  ASSERT_EQ(app.status, 200) << app.body;
  EXPECT_EQ(json_of(app)["requestCount"], 10);
  EXPECT_EQ(mgmt().get(kDev + "/throttling-policies/subscription/Platinum").status, 404);
  EXPECT_EQ(mgmt().get(kDev + "/throttling-policies/api/Unlimited").status, 400);  // not a DevPortal level
}

TEST_F(PortalSettings, DevportalListsTheTiersOfAnApiItShows) {
  const std::string id = create_api(
      api_body("DevTiers", "/dev-tiers", R"([{"target":"/*","verb":"GET"}])", "", R"("policies":["Silver"],)"));
  EXPECT_EQ(mgmt().get(kDev + "/apis/" + id + "/subscription-policies").status, 404);  // CREATED: not shown
  ASSERT_EQ(admin("POST", kPub + "/apis/change-lifecycle?apiId=" + id + "&action=Publish").status, 200);
  auto r = mgmt().get(kDev + "/apis/" + id + "/subscription-policies");  // anonymous, PUBLIC API
  ASSERT_EQ(r.status, 200) << r.body;
  const auto tiers = json::parse(r.body).as_array();
  ASSERT_EQ(tiers.size(), 1u);
  EXPECT_EQ(str(tiers[0].at("name")), "Silver");
  EXPECT_EQ(mgmt().get(kDev + "/apis/no-such-api/subscription-policies").status, 404);
}

TEST_F(PortalSettings, RolesAreCheckedByTheirEncodedNames) {
  auto id = [](const std::string& name) { return crypto::base64url_encode(name); };
  EXPECT_EQ(admin("HEAD", kPub + "/roles/" + id("creator")).status, 200);
  EXPECT_EQ(admin("HEAD", kPub + "/roles/" + id("Internal/publisher")).status, 200);
  EXPECT_EQ(admin("HEAD", kPub + "/roles/" + id("king")).status, 404);
  EXPECT_EQ(admin("HEAD", kPub + "/roles/%2A%2A").status, 404);
  EXPECT_EQ(admin("HEAD", kPub + "/me/roles/" + id("admin")).status, 200);
  EXPECT_EQ(admin("HEAD", kPub + "/me/roles/" + id("Internal/creator")).status, 404);  // admin holds only admin
  EXPECT_EQ(mgmt().call("HEAD", kPub + "/roles/" + id("creator"), "", "", "").status, 401);
}

}  // namespace
}  // namespace archway::testing
