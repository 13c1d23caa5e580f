// Issued API keys end to end: the Admin's list (GET /api-keys) and revocation (POST
// /api-keys/revoke) reaching the gateway, and the Publisher's test key (POST
// /apis/{apiId}/generate-key) that opens one API without an application.
#include "crypto/jwt.h"
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kKeys = "/api/am/admin/v4/api-keys";
const std::string kAdminApi = "/api/am/admin/v4";

class ApiKeyAdmin : public ServerSuite {
 protected:
  HttpResponse with_key(const std::string& path, const std::string& key) {
    return gw().get(path, {{"apikey", key}});
  }

  // Calls with the key until the status is `want` (at most 1 s).
  int until_key(const std::string& path, const std::string& key, int want) {
    int status = 0;
    for (int i = 0; i < 200; ++i) {
      status = with_key(path, key).status;
      if (status == want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return status;
  }

  // The listed key of this id, or an empty object.
  json::object listed(const std::string& id) {
    auto r = admin("GET", kKeys);
    EXPECT_EQ(r.status, 200) << r.body;
    const json::object body = json_of(r);
    for (const auto& k : body.at("list").as_array())
      if (str(k.at("keyUUID")) == id) return k.as_object();
    return {};
  }

  // The jti of an API key (its keyUUID).
  static std::string id_of(const std::string& key) {
    return str(crypto::parse_jwt(key, nullptr)->claims.at("jti"));
  }

  std::string keyed_api(const std::string& name, const std::string& context) {
    const std::string id =
        create_api(api_body(name, context, R"([{"target":"/*","verb":"GET"}])", "",
                            R"("policies":["Unlimited"],"securityScheme":["oauth2","api_key"],)"));
    EXPECT_EQ(
        admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + id + "&action=Publish")
            .status,
        200);
    deploy(id, create_revision(id));
    return id;
  }
};

TEST_F(ApiKeyAdmin, IssuedKeysAreListedWithOwnerApplicationTypeAndExpiry) {
  Client c = application("ListedKeys");
  auto k = admin("POST", kDev + "/applications/" + c.app_id + "/api-keys/SANDBOX/generate",
                 R"({"validityPeriod":600})");
  ASSERT_EQ(k.status, 200) << k.body;
  const std::string key = str(json_of(k)["apikey"]);
  auto o = listed(id_of(key));
  ASSERT_FALSE(o.empty());
  EXPECT_EQ(str(o["keyName"]), "ListedKeys_SANDBOX");
  EXPECT_EQ(str(o["applicationName"]), "ListedKeys");
  EXPECT_EQ(str(o["applicationId"]), c.app_id);
  EXPECT_EQ(str(o["keyType"]), "SANDBOX");
  EXPECT_EQ(str(o["user"]), "admin");
  EXPECT_EQ(str(o["status"]), "ACTIVE");
  EXPECT_EQ(o["validityPeriod"], 600);
  EXPECT_TRUE(o["apiName"].is_null());
  EXPECT_TRUE(o["lastUsed"].is_null());
  ASSERT_TRUE(o["issuedOn"].is_int64());
  EXPECT_EQ(o["expiresOn"].as_int64(), o["issuedOn"].as_int64() + 600'000);
  auto list = json_of(admin("GET", kKeys));
  EXPECT_EQ(list["count"].as_int64(), static_cast<std::int64_t>(list["list"].as_array().size()));
  EXPECT_TRUE(list.contains("pagination"));
}

TEST_F(ApiKeyAdmin, ARevokedKeyIsRefusedByTheGateway) {
  const std::string api = keyed_api("AdminRevoked", "/adrev");
  Client c = application("RevokedKeys");
  subscribe(c.app_id, api);
  auto k = admin("POST", kDev + "/applications/" + c.app_id + "/api-keys/PRODUCTION/generate", "");
  ASSERT_EQ(k.status, 200) << k.body;
  const std::string key = str(json_of(k)["apikey"]);
  ASSERT_EQ(until_key("/adrev/1.0.0/x", key, 200), 200);

  const std::string id = id_of(key);
  ASSERT_EQ(admin("POST", kKeys + "/revoke", R"({"keyUUID":")" + id + R"("})").status, 200);
  EXPECT_EQ(until_key("/adrev/1.0.0/x", key, 401), 401);
  EXPECT_EQ(str(json_of(with_key("/adrev/1.0.0/x", key))["description"]),
            "the token has been revoked");
  EXPECT_EQ(str(listed(id)["status"]), "REVOKED");
  EXPECT_EQ(admin("POST", kKeys + "/revoke", R"({"keyUUID":")" + id + R"("})").status,
            200);  // again: no change

  // By the key itself, and through the Developer Portal's revoke: the list follows both.
  auto k2 = admin("POST", kDev + "/applications/" + c.app_id + "/api-keys/PRODUCTION/generate", "");
  const std::string key2 = str(json_of(k2)["apikey"]);
  ASSERT_EQ(until_key("/adrev/1.0.0/x", key2, 200), 200);
  ASSERT_EQ(admin("POST", kKeys + "/revoke", R"({"apikey":")" + key2 + R"("})").status, 200);
  EXPECT_EQ(until_key("/adrev/1.0.0/x", key2, 401), 401);
  auto k3 = admin("POST", kDev + "/applications/" + c.app_id + "/api-keys/PRODUCTION/generate", "");
  const std::string key3 = str(json_of(k3)["apikey"]);
  ASSERT_EQ(admin("POST", kDev + "/applications/" + c.app_id + "/api-keys/PRODUCTION/revoke",
                  R"({"apikey":")" + key3 + R"("})")
                .status,
            200);
  EXPECT_EQ(str(listed(id_of(key3))["status"]), "REVOKED");
}

TEST_F(ApiKeyAdmin, RevokeRefusesBadBodiesUnknownKeysAndNonAdmins) {
  EXPECT_EQ(admin("POST", kKeys + "/revoke", "{}").status, 400);
  EXPECT_EQ(admin("POST", kKeys + "/revoke", "[1,2]").status, 400);
  EXPECT_EQ(admin("POST", kKeys + "/revoke", "{oops").status, 400);
  EXPECT_EQ(admin("POST", kKeys + "/revoke", R"({"apikey":"not.a.key"})").status, 400);
  auto unknown = admin("POST", kKeys + "/revoke", R"({"keyUUID":"no-such-key"})");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(json_of(unknown)["code"], 404);
  ASSERT_EQ(admin("POST", kAdminApi + "/users",
                  R"({"username":"kim","password":"password-123","roles":["subscriber"]})")
                .status,
            201);
  EXPECT_EQ(mgmt().call("GET", kKeys, "", "kim", "password-123").status, 403);
  EXPECT_EQ(
      mgmt().call("POST", kKeys + "/revoke", R"({"keyUUID":"x"})", "kim", "password-123").status,
      403);
  EXPECT_EQ(mgmt().get(kKeys).status, 401);
}

TEST_F(ApiKeyAdmin, PublisherTestKeyOpensItsApiOnlyUntilRevoked) {
  const std::string api = secured_api("TryOut", "/tryout");  // OAuth2 only, no subscription
  secured_api("TryOther", "/tryother");
  auto g = admin("POST", kApis + "/" + api + "/generate-key");
  ASSERT_EQ(g.status, 200) << g.body;
  const std::string key = str(json_of(g)["apikey"]);
  EXPECT_EQ(json_of(g)["validityTime"], 3600);
  ASSERT_EQ(until_key("/tryout/1.0.0/x", key, 200), 200);
  EXPECT_EQ(with_key("/tryother/1.0.0/x", key).status, 401);
  EXPECT_EQ(call("/tryout/1.0.0/x", key).status, 401);  // a key, not a Bearer token

  auto o = listed(id_of(key));
  ASSERT_FALSE(o.empty());
  EXPECT_EQ(str(o["apiName"]), "TryOut");
  EXPECT_EQ(str(o["apiId"]), api);
  EXPECT_EQ(str(o["user"]), "admin");
  EXPECT_TRUE(o["applicationName"].is_null());

  EXPECT_EQ(admin("POST", kApis + "/no-such-api/generate-key").status, 404);
  ASSERT_EQ(admin("POST", kAdminApi + "/users",
                  R"({"username":"sue","password":"password-123","roles":["subscriber"]})")
                .status,
            201);
  EXPECT_EQ(
      mgmt().call("POST", kApis + "/" + api + "/generate-key", "", "sue", "password-123").status,
      403);

  ASSERT_EQ(admin("POST", kKeys + "/revoke", R"({"keyUUID":")" + id_of(key) + R"("})").status, 200);
  EXPECT_EQ(until_key("/tryout/1.0.0/x", key, 401), 401);
}

}  // namespace
}  // namespace archway::testing
