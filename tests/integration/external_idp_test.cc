// External key managers: an IdP registered through the Admin API, its JWKS fetched by the control
// plane, its tokens accepted by the gateway for applications that mapped the IdP's client.
#include <boost/json.hpp>

#include "crypto/jwt.h"
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kKms = "/api/am/admin/v4/key-managers";
const std::string kIdp = "https://idp.example.org/oauth2";

class ExternalIdp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    backend_ = new Backend();
    ServerOptions o;
    o.extra_args = {"--set", "keymanager.jwks_min_refetch_ms=100"};
    server_ = new ServerProcess(o);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete backend_;
  }
  HttpResponse admin(const std::string& method, const std::string& target, const std::string& body = "") {
    return HttpClient("127.0.0.1", server_->management_port()).call(method, target, body, kAdmin, kPassword);
  }
  static std::string jwks_of(std::initializer_list<const crypto::SigningKey*> keys) {
    json::array a;
    for (const auto* k : keys) a.push_back(k->public_jwk());
    return json::serialize(json::object{{"keys", std::move(a)}});
  }
  static std::string token(const crypto::SigningKey& key, const std::string& client, const std::string& iss = kIdp) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    return crypto::sign_jwt(key, json::object{{"iss", iss}, {"cid", client}, {"sub", "someone@idp"}, {"iat", now},
                                              {"exp", now + 300}, {"scp", json::array{"read"}}});
  }
  int call(const std::string& tok, int want) {
    int status = 0;
    for (int i = 0; i < 300 && status != want; ++i) {
      status = HttpClient("127.0.0.1", server_->gateway_port())
                   .get("/ext/1.0.0/x", {{"Authorization", "Bearer " + tok}})
                   .status;
      if (status != want) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return status;
  }
  static ServerProcess* server_;
  static Backend* backend_;
};
ServerProcess* ExternalIdp::server_ = nullptr;
Backend* ExternalIdp::backend_ = nullptr;

TEST_F(ExternalIdp, TokensOfARegisteredIdpCallApisForMappedApplications) {
  const auto key1 = crypto::SigningKey::generate(crypto::JwsAlg::kRS256);
  const auto key2 = crypto::SigningKey::generate(crypto::JwsAlg::kES256);
  backend_->serve_static("/jwks", jwks_of({&key1}));

  const std::string km_body = R"({"name":"Okta","type":"Okta","issuer":")" + kIdp +
                              R"(","certificates":{"type":"JWKS","value":")" + backend_->url("/jwks") +
                              R"("},"consumerKeyClaim":"cid","scopesClaim":"scp"})";
  auto km = admin("POST", kKms, km_body);
  ASSERT_EQ(km.status, 201) << km.body;
  EXPECT_FALSE(json::parse(km.body).at("jwksFetchedTime").is_null());
  EXPECT_EQ(admin("POST", kKms, km_body).status, 409);
  EXPECT_EQ(admin("POST", kKms, R"({"name":"NoIssuer","certificates":{"type":"JWKS","value":"https://x/jwks"}})").status, 400);
  EXPECT_EQ(admin("POST", kKms, R"({"name":"Pem","issuer":"https://p","certificates":{"type":"PEM","value":"x"}})").status, 400);
  EXPECT_EQ(json::parse(admin("GET", kKms).body).at("count"), 2);  // the resident one and Okta

  // A published, deployed API; an application mapping the IdP's client and subscribed to it.
  auto api = admin("POST", "/api/am/publisher/v4/apis",
                   R"({"name":"Ext","context":"/ext","version":"1.0.0","policies":["Unlimited"],)"
                   R"("endpointConfig":{"endpoint_type":"http","production_endpoints":{"url":")" + backend_->url() +
                       R"("}},"operations":[{"target":"/*","verb":"GET"}]})");
  ASSERT_EQ(api.status, 201) << api.body;
  const std::string api_id(json::parse(api.body).at("id").as_string());
  ASSERT_EQ(admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + api_id + "&action=Publish").status, 200);
  auto rev = admin("POST", "/api/am/publisher/v4/apis/" + api_id + "/revisions", "{}");
  ASSERT_EQ(admin("POST", "/api/am/publisher/v4/apis/" + api_id + "/deploy-revision?revisionId=" +
                      std::string(json::parse(rev.body).at("id").as_string()),
                  R"([{"name":"Default"}])").status, 201);
  auto app = admin("POST", kDev + "/applications", R"({"name":"ExtApp"})");
  const std::string app_id(json::parse(app.body).at("applicationId").as_string());
  EXPECT_EQ(admin("POST", kDev + "/applications/" + app_id + "/map-keys",
                  R"({"consumerKey":"ext-client","keyType":"PRODUCTION","keyManager":"Nope"})").status, 400);
  auto mapped = admin("POST", kDev + "/applications/" + app_id + "/map-keys",
                      R"({"consumerKey":"ext-client","keyType":"PRODUCTION","keyManager":"Okta"})");
  ASSERT_EQ(mapped.status, 200) << mapped.body;
  EXPECT_EQ(json::parse(mapped.body).at("keyManager"), "Okta");
  ASSERT_EQ(admin("POST", kDev + "/subscriptions", R"({"applicationId":")" + app_id + R"(","apiId":")" + api_id +
                                                       R"(","throttlingPolicy":"Unlimited"})").status, 201);

  EXPECT_EQ(call(token(key1, "ext-client"), 200), 200);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string expired = crypto::sign_jwt(key1, json::object{{"iss", kIdp}, {"cid", "ext-client"}, {"iat", now - 600},
                                                                  {"exp", now - 120}});
  const std::string early = crypto::sign_jwt(key1, json::object{{"iss", kIdp}, {"cid", "ext-client"}, {"nbf", now + 600},
                                                                {"exp", now + 900}});
  for (const auto& [what, t] : {std::pair{"expired", expired}, std::pair{"nbf in the future", early}}) {
    auto r = HttpClient("127.0.0.1", server_->gateway_port()).get("/ext/1.0.0/x", {{"Authorization", "Bearer " + t}});
    EXPECT_EQ(r.status, 401) << what;
    EXPECT_NE(r.body.find("900901"), std::string::npos) << what;
  }
  EXPECT_EQ(call(token(key1, "unmapped-client"), 401), 401);
  EXPECT_EQ(call(token(key1, "ext-client", "https://evil.example/"), 401), 401);
  // The IdP rotates to a key we have not seen: the unknown kid triggers a (rate-limited) refetch.
  const std::string rotated = token(key2, "ext-client");
  EXPECT_EQ(call(rotated, 401), 401);
  backend_->serve_static("/jwks", jwks_of({&key1, &key2}));
  EXPECT_EQ(call(rotated, 200), 200);
  // A mapped external client has no secret here: our token endpoint does not serve it.
  HttpRequest t;
  t.method = "POST";
  t.target = "/oauth2/token";
  t.body = "grant_type=client_credentials&client_id=ext-client&client_secret=";
  t.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  EXPECT_EQ(HttpClient("127.0.0.1", server_->management_port()).send(t).status, 401);
}

TEST_F(ExternalIdp, JwtBearerGrantExchangesAnIdpAssertionForOurToken) {
  const auto idp_key = crypto::SigningKey::generate(crypto::JwsAlg::kRS256);
  backend_->serve_static("/jwks2", jwks_of({&idp_key}));
  const std::string issuer = "https://assertions.example.org";
  ASSERT_EQ(admin("POST", kKms, R"({"name":"Assertions","issuer":")" + issuer +
                                    R"(","certificates":{"type":"JWKS","value":")" + backend_->url("/jwks2") + R"("}})").status,
            201);
  auto app = admin("POST", kDev + "/applications", R"({"name":"BearerApp"})");
  const std::string app_id(json::parse(app.body).at("applicationId").as_string());
  auto keys = json::parse(admin("POST", kDev + "/applications/" + app_id + "/generate-keys",
                                R"({"keyType":"PRODUCTION","grantTypesToBeSupported":["urn:ietf:params:oauth:grant-type:jwt-bearer"]})").body);
  const std::string ck(keys.at("consumerKey").as_string()), cs(keys.at("consumerSecret").as_string());
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto assertion = [&](const std::string& aud, const crypto::SigningKey& key) {
    return crypto::sign_jwt(key, json::object{{"iss", issuer}, {"sub", "alice@idp"}, {"aud", aud}, {"iat", now}, {"exp", now + 120}});
  };
  auto exchange = [&](const std::string& a) {
    HttpRequest r;
    r.method = "POST";
    r.target = "/oauth2/token";
    r.body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + a;
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Authorization", basic_auth(ck, cs)}};
    return HttpClient("127.0.0.1", server_->management_port()).send(r);
  };
  auto ok = exchange(assertion("https://localhost:9443/oauth2/token", idp_key));
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto jwt = crypto::parse_jwt(std::string(json::parse(ok.body).at("access_token").as_string()), nullptr);
  EXPECT_EQ(jwt->claims.at("sub"), "alice@idp");
  auto wrong_aud = exchange(assertion("https://elsewhere", idp_key));
  EXPECT_EQ(wrong_aud.status, 400);
  EXPECT_EQ(json::parse(wrong_aud.body).at("error"), "invalid_grant");
  const auto stranger = crypto::SigningKey::generate(crypto::JwsAlg::kRS256);
  EXPECT_EQ(json::parse(exchange(assertion("https://localhost:9443/oauth2/token", stranger)).body).at("error"), "invalid_grant");
  EXPECT_EQ(json::parse(exchange("not-a-jwt").body).at("error"), "invalid_grant");
}

}  // namespace
}  // namespace archway::testing
