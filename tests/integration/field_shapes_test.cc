// The product's objects carry all their top-level fields here: scripts that read any field of the
// Publisher's API, the Developer Portal's API, Application, ApplicationKey or Subscription find it.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

class FieldShapes : public ServerSuite {
 protected:
  static void expect_fields(const json::object& o, std::initializer_list<const char*> fields, const std::string& what) {
    for (const char* f : fields) EXPECT_TRUE(o.contains(f)) << what << " lacks '" << f << "': " << json::serialize(o);
  }
};

TEST_F(FieldShapes, ThePublishersApiObjectHasEveryFieldOfTheProducts) {
  const std::string id = create_api(api_body("ShapeApi", "/shape", R"([{"target":"/*","verb":"GET"}])", "",
                                             R"("policies":["Unlimited"],"additionalProperties":[)"
                                             R"({"name":"region","value":"eu-west","display":true},)"
                                             R"({"name":"costCentre","value":"42","display":false}],)"));
  const json::object api = json_of(admin("GET", kApis + "/" + id));
  expect_fields(api,
                {"id", "name", "description", "context", "version", "provider", "lifeCycleStatus", "wsdlInfo", "wsdlUrl",
                 "responseCachingEnabled", "cacheTimeout", "hasThumbnail", "isDefaultVersion", "isRevision",
                 "revisionedApiId", "revisionId", "enableSchemaValidation", "enableSubscriberVerification", "type",
                 "audience", "audiences", "transport", "tags", "policies", "organizationPolicies", "apiThrottlingPolicy",
                 "authorizationHeader", "apiKeyHeader", "securityScheme", "maxTps", "visibility", "visibleRoles",
                 "visibleTenants", "visibleOrganizations", "mediationPolicies", "apiPolicies", "subscriptionAvailability",
                 "subscriptionAvailableTenants", "additionalProperties", "additionalPropertiesMap", "monetization",
                 "accessControl", "accessControlRoles", "businessInformation", "corsConfiguration",
                 "websubSubscriptionConfiguration", "workflowStatus", "createdTime", "lastUpdatedTimestamp",
                 "lastUpdatedTime", "endpointConfig", "endpointImplementationType", "scopes", "operations",
                 "threatProtectionPolicies", "categories", "keyManagers", "serviceInfo", "advertiseInfo",
                 "gatewayVendor", "gatewayType", "asyncTransportProtocols"},
                "Publisher API");
  ASSERT_EQ(api.at("additionalProperties").as_array().size(), 2u);
  EXPECT_EQ(str(api.at("additionalPropertiesMap").at("region").at("value")), "eu-west");
  EXPECT_EQ(str(api.at("apiKeyHeader")), "apikey");
  EXPECT_EQ(str(api.at("authorizationHeader")), "Authorization");

  // The map form is accepted as the product's UI sends it, and replaces the list on update.
  json::object changed = api;
  changed.erase("additionalProperties");
  changed["additionalPropertiesMap"] = json::object{{"tier", json::object{{"value", "gold"}, {"display", true}}}};
  auto r = admin("PUT", kApis + "/" + id, json::serialize(changed));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json_of(r).at("additionalProperties").as_array().at(0).at("name")), "tier");
}

TEST_F(FieldShapes, TheDeveloperPortalsObjectsHaveEveryFieldOfTheProducts) {
  const std::string id = secured_api("PortalShape", "/portal-shape",
                                     R"("policies":["Unlimited"],"additionalProperties":[)"
                                     R"({"name":"region","value":"eu-west","display":true},)"
                                     R"({"name":"costCentre","value":"42","display":false}],)");
  const json::object api = json_of(admin("GET", kDev + "/apis/" + id));
  expect_fields(api,
                {"id", "name", "description", "context", "version", "provider", "apiDefinition", "wsdlUri", "lifeCycleStatus",
                 "isDefaultVersion", "type", "transport", "operations", "authorizationHeader", "securityScheme", "tags",
                 "tiers", "hasThumbnail", "additionalProperties", "monetization", "endpointURLs", "businessInformation",
                 "environmentList", "scopes", "avgRating", "advertiseInfo", "isSubscriptionAvailable", "categories",
                 "keyManagers", "createdTime", "lastUpdatedTime", "gatewayVendor", "asyncTransportProtocols"},
                "DevPortal API");
  // Only the properties marked for display reach the portal.
  ASSERT_EQ(api.at("additionalProperties").as_array().size(), 1u);
  EXPECT_EQ(str(api.at("additionalProperties").as_array()[0].at("name")), "region");
  EXPECT_TRUE(api.at("isSubscriptionAvailable").as_bool());
  EXPECT_EQ(str(api.at("environmentList").as_array().at(0)), "Default");
  // The definition as the portal's /swagger answers it: no backend endpoints.
  const json::value definition = json::parse(str(api.at("apiDefinition")));
  EXPECT_TRUE(definition.as_object().contains("openapi")) << str(api.at("apiDefinition"));
  EXPECT_FALSE(definition.as_object().contains("x-wso2-production-endpoints"));

  Client c = application("ShapeApp");
  const std::string sub = subscribe(c.app_id, id);
  const json::object app = json_of(admin("GET", kDev + "/applications/" + c.app_id));
  expect_fields(app,
                {"applicationId", "name", "throttlingPolicy", "description", "tokenType", "status", "groups",
                 "subscriptionCount", "keys", "attributes", "subscriptionScopes", "owner", "hashEnabled"},
                "Application");
  const json::object key = app.at("keys").as_array().at(0).as_object();
  expect_fields(key,
                {"keyMappingId", "keyManager", "consumerKey", "consumerSecret", "supportedGrantTypes", "callbackUrl",
                 "keyState", "keyType", "mode", "groupId", "additionalProperties"},
                "ApplicationKey");
  EXPECT_TRUE(key.at("consumerSecret").is_null());  // shown once, when made
  const json::object s = json_of(admin("GET", kDev + "/subscriptions/" + sub));
  expect_fields(s,
                {"subscriptionId", "applicationId", "apiId", "apiInfo", "applicationInfo", "throttlingPolicy",
                 "requestedThrottlingPolicy", "status", "redirectionParams"},
                "Subscription");
  const json::object listed = json_of(admin("GET", kDev + "/subscriptions?applicationId=" + c.app_id));
  EXPECT_TRUE(listed.at("list").as_array().at(0).as_object().contains("applicationInfo"));
}

TEST_F(FieldShapes, SettingsThisServerCannotHonourAreRefusedNotIgnored) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("additionalProperties":[{"name":"name","value":"x"}],)", "reserved"},
      {R"("additionalProperties":[{"name":"has space","value":"x"}],)", "white space"},
      {R"("additionalProperties":[{"name":"a","value":"x"},{"name":"a","value":"y"}],)", "twice"},
      {R"("additionalProperties":[7],)", "additionalProperties[0]"},
  };
  int n = 0;
  for (const auto& [extra, says] : cases) {
    auto r = admin("POST", kApis, api_body("Refused" + std::to_string(n), "/refused-" + std::to_string(n), "[]", "", extra));
    ++n;
    EXPECT_EQ(r.status, 400) << extra << " -> " << r.body;
    EXPECT_NE(r.body.find(says), std::string::npos) << r.body;
  }
  EXPECT_EQ(admin("POST", kApis, api_body("AllowedAc", "/allowed-ac", "[]", "", R"("accessControl":"NONE",)")).status, 201);
}

}  // namespace
}  // namespace archway::testing
