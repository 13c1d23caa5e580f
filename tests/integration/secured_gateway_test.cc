// Key Manager, Developer Portal and the gateway's token checks, end to end against the real binary.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto/base64url.h"
#include "crypto/jwt.h"
#include "crypto/random.h"
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

class SecuredGateway : public ServerSuite {
 protected:
  // The classic key-confusion attack: HS256 "signed" with the server's RSA public key as the secret.
  std::string hmac_forgery(const std::string& payload) {
    auto jwks = json_of(mgmt().get("/oauth2/jwks"));
    const auto& jwk = jwks["keys"].as_array()[0].as_object();
    const std::string secret = json::serialize(jwk);  // what a naive verifier would use
    const std::string input =
        crypto::base64url_encode(R"({"alg":"HS256","typ":"JWT","kid":")" + str(jwk.at("kid")) + R"("})") + "." + payload;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(input.data()),
         input.size(), mac, &len);
    return input + "." + crypto::base64url_encode(std::string(reinterpret_cast<char*>(mac), len));
  }

};

TEST_F(SecuredGateway, SubscribedApplicationTokenIsAcceptedAndOthersAreNot) {
  const std::string api = secured_api("Sec", "/sec");
  Client c = application("SecApp");
  auto missing = gw().get("/sec/1.0.0/x");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(json_of(missing)["code"], 900902);
  EXPECT_NE(missing.header("www-authenticate").find("Bearer"), std::string::npos);
  ASSERT_EQ(wait_for_call("/sec/1.0.0/x", c.token, 403), 403);  // once the new application reached the gateway
  auto unsubscribed = call("/sec/1.0.0/x", c.token);
  EXPECT_EQ(unsubscribed.status, 403);
  EXPECT_EQ(json_of(unsubscribed)["code"], 900908);
  subscribe(c.app_id, api);
  EXPECT_EQ(wait_for_call("/sec/1.0.0/x", c.token, 200), 200);
  auto ok = call("/sec/1.0.0/pets", c.token);
  EXPECT_EQ(str(json_of(ok)["target"]), "/backend/pets");
  EXPECT_FALSE(json_of(ok)["headers"].as_object().contains("authorization"));  // the token stays at the gateway
}

TEST_F(SecuredGateway, TokenEndpointIssuesClientCredentialsTokensTheGatewayAccepts) {
  const std::string api = secured_api("Tok", "/tok");
  Client c = application("TokApp");
  subscribe(c.app_id, api);
  auto r = form("/oauth2/token", "grant_type=client_credentials", c.consumer_key, c.consumer_secret);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("cache-control"), "no-store");
  auto o = json_of(r);
  EXPECT_EQ(o["token_type"], "Bearer");
  EXPECT_EQ(o["expires_in"], 3600);
  const std::string token = str(o["access_token"]);
  EXPECT_EQ(wait_for_call("/tok/1.0.0/x", token, 200), 200);

  // The claims the product's tokens carry, signed by a key the JWKS publishes.
  auto jwt = crypto::parse_jwt(token, nullptr);
  ASSERT_TRUE(jwt);
  for (const char* claim : {"iss", "sub", "aud", "azp", "client_id", "scope", "iat", "nbf", "exp", "jti", "keytype", "application"})
    EXPECT_TRUE(jwt->claims.contains(claim)) << claim;
  EXPECT_EQ(str(jwt->claims["keytype"]), "PRODUCTION");
  EXPECT_EQ(str(jwt->claims["application"].at("name")), "TokApp");
  auto jwks = json_of(mgmt().get("/oauth2/jwks"));
  bool found = false;
  for (const auto& k : jwks["keys"].as_array())
    if (str(k.at("kid")) == jwt->kid) found = crypto::VerificationKey::from_jwk(k.as_object()).has_value();
  EXPECT_TRUE(found);

  // Form-field client authentication and the password grant work too.
  EXPECT_EQ(form("/oauth2/token", "grant_type=client_credentials&client_id=" + c.consumer_key + "&client_secret=" +
                                      c.consumer_secret).status, 200);
  auto pw = form("/oauth2/token", std::string("grant_type=password&username=admin&password=") + kPassword,
                 c.consumer_key, c.consumer_secret);
  ASSERT_EQ(pw.status, 200) << pw.body;
  auto pjwt = crypto::parse_jwt(str(json_of(pw)["access_token"]), nullptr);
  EXPECT_EQ(str(pjwt->claims["sub"]), "admin");
}

TEST_F(SecuredGateway, TokenEndpointErrorsFollowRfc6749) {
  Client c = application("ErrApp");
  auto bad_secret = form("/oauth2/token", "grant_type=client_credentials", c.consumer_key, "wrong");
  EXPECT_EQ(bad_secret.status, 401);
  EXPECT_EQ(json_of(bad_secret)["error"], "invalid_client");
  EXPECT_NE(bad_secret.header("www-authenticate").find("Basic"), std::string::npos);
  EXPECT_EQ(json_of(form("/oauth2/token", "grant_type=client_credentials", "nobody", "x"))["error"], "invalid_client");
  auto grant = form("/oauth2/token", "grant_type=magic", c.consumer_key, c.consumer_secret);
  EXPECT_EQ(grant.status, 400);
  EXPECT_EQ(json_of(grant)["error"], "unsupported_grant_type");
  EXPECT_EQ(json_of(form("/oauth2/token", "", c.consumer_key, c.consumer_secret))["error"], "invalid_request");
  auto pw = form("/oauth2/token", "grant_type=password&username=admin&password=nope", c.consumer_key, c.consumer_secret);
  EXPECT_EQ(pw.status, 400);
  EXPECT_EQ(json_of(pw)["error"], "invalid_grant");
  auto json_body = mgmt().call("POST", "/oauth2/token", R"({"grant_type":"client_credentials"})", "", "");
  EXPECT_EQ(json_body.status, 400);
}

TEST_F(SecuredGateway, RefreshTokensRotateAndCannotBeReused) {
  Client c = application("RefreshApp");
  Client other = application("RefreshOther");
  auto pw = form("/oauth2/token", std::string("grant_type=password&username=admin&password=") + kPassword +
                                      "&scope=apim:api_view%20apim:subscribe",
                 c.consumer_key, c.consumer_secret);
  ASSERT_EQ(pw.status, 200) << pw.body;
  const std::string first = str(json_of(pw)["refresh_token"]);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(json_of(form("/oauth2/token", "grant_type=client_credentials", c.consumer_key, c.consumer_secret))
                .contains("refresh_token"), false);  // no user, no refresh token
  auto wrong_client = form("/oauth2/token", "grant_type=refresh_token&refresh_token=" + first, other.consumer_key,
                           other.consumer_secret);
  EXPECT_EQ(json_of(wrong_client)["error"], "invalid_grant");
  auto widened = form("/oauth2/token", "grant_type=refresh_token&scope=apim:admin&refresh_token=" + first,
                      c.consumer_key, c.consumer_secret);
  EXPECT_EQ(widened.status, 400);
  // Failed attempts do not consume it; only the owner's successful use does.
  auto r = form("/oauth2/token", "grant_type=refresh_token&refresh_token=" + first, c.consumer_key, c.consumer_secret);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string second = str(json_of(r)["refresh_token"]);
  EXPECT_NE(second, first);
  EXPECT_EQ(str(json_of(r)["scope"]), "apim:api_view apim:subscribe");
  auto narrowed = form("/oauth2/token", "grant_type=refresh_token&scope=apim:api_view&refresh_token=" + second,
                       c.consumer_key, c.consumer_secret);
  ASSERT_EQ(narrowed.status, 200) << narrowed.body;
  EXPECT_EQ(str(json_of(narrowed)["scope"]), "apim:api_view");
  // A rotated token presented again is refused (and revokes its grant: token_families_test.cc).
  auto reuse = form("/oauth2/token", "grant_type=refresh_token&refresh_token=" + first, c.consumer_key, c.consumer_secret);
  EXPECT_EQ(reuse.status, 400);
  EXPECT_EQ(json_of(reuse)["error"], "invalid_grant");
  EXPECT_EQ(json_of(form("/oauth2/token", "grant_type=refresh_token&refresh_token=bogus", c.consumer_key,
                         c.consumer_secret))["error"], "invalid_grant");
}

TEST_F(SecuredGateway, ApiKeysWorkWhereTheSecuritySchemeAllowsThemAndCanBeRevoked) {
  const std::string id = create_api(api_body("Keyed", "/keyed", R"([{"target":"/*","verb":"GET"}])", "",
                                             R"("policies":["Unlimited"],"securityScheme":["oauth2","api_key"],)"));
  ASSERT_EQ(admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + id + "&action=Publish").status, 200);
  deploy(id, create_revision(id));
  const std::string only_oauth = secured_api("NoKeys", "/nokeys");
  Client c = application("KeyApp");
  subscribe(c.app_id, id);
  subscribe(c.app_id, only_oauth);
  auto k = admin("POST", kDev + "/applications/" + c.app_id + "/api-keys/PRODUCTION/generate", R"({"validityPeriod":3600})");
  ASSERT_EQ(k.status, 200) << k.body;
  const std::string key = str(json_of(k)["apikey"]);
  EXPECT_EQ(json_of(k)["validityTime"], 3600);
  EXPECT_TRUE(crypto::parse_jwt(key, nullptr)->claims.contains("exp"));
  auto with_key = [&](const std::string& path, const std::string& k2) { return gw().get(path, {{"apikey", k2}}); };
  int status = 0;
  for (int i = 0; i < 200 && status != 200; ++i) {
    status = with_key("/keyed/1.0.0/x", key).status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(status, 200);
  auto echoed = json_of(with_key("/keyed/1.0.0/x", key));
  EXPECT_FALSE(echoed["headers"].as_object().contains("apikey"));  // the key stays at the gateway
  EXPECT_EQ(wait_for_call("/keyed/1.0.0/x", c.token, 200), 200);  // access tokens still work here
  EXPECT_EQ(call("/keyed/1.0.0/x", key).status, 401);                // an API key is not a Bearer token
  EXPECT_EQ(with_key("/keyed/1.0.0/x", c.token).status, 401);        // nor a token an API key
  auto ignored = with_key("/nokeys/1.0.0/x", key);                   // oauth2-only API: apikey is no credential
  EXPECT_EQ(ignored.status, 401);
  EXPECT_EQ(json_of(ignored)["code"], 900902);
  EXPECT_EQ(admin("POST", kDev + "/applications/" + c.app_id + "/api-keys/PRODUCTION/revoke", R"({"apikey":"junk"})").status, 400);
  ASSERT_EQ(admin("POST", kDev + "/applications/" + c.app_id + "/api-keys/PRODUCTION/revoke",
                  R"({"apikey":")" + key + R"("})").status, 200);
  for (int i = 0; i < 200 && status != 401; ++i) {
    status = with_key("/keyed/1.0.0/x", key).status;
    if (status != 401) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(status, 401);
  auto forever = admin("POST", kDev + "/applications/" + c.app_id + "/api-keys/PRODUCTION/generate", "");
  ASSERT_EQ(forever.status, 200);
  EXPECT_EQ(json_of(forever)["validityTime"], -1);
  EXPECT_EQ(admin("POST", kDev + "/applications/" + c.app_id + "/api-keys/PRODUCTION/generate", R"({"validityPeriod":0})").status, 400);
  EXPECT_EQ(admin("POST", kDev + "/applications/" + c.app_id + "/api-keys/TEST/generate", "").status, 400);
  // An unknown scheme is refused (mutualssl is known: certificates_test.cc).
  EXPECT_EQ(admin("POST", kApis, api_body("Kerb", "/kerb", R"([{"target":"/*","verb":"GET"}])", "",
                                          R"("securityScheme":["kerberos"],)")).status, 400);
}

TEST_F(SecuredGateway, OperationScopesNeedATokenHoldingOne) {
  const std::string scopes = R"("scopes":[{"scope":{"name":"pets:write","displayName":"Write pets","bindings":["admin"]},"shared":false},)"
                             R"({"scope":{"name":"pets:admin","bindings":["publisher"]},"shared":false}],)";
  const std::string id = create_api(api_body("Scoped", "/scoped",
                                             R"([{"target":"/read","verb":"GET"},{"target":"/write","verb":"GET","scopes":["pets:write"]}])",
                                             "", R"("policies":["Unlimited"],)" + scopes));
  auto got = json_of(admin("GET", kApis + "/" + id));
  EXPECT_EQ(str(got["scopes"].as_array()[0].at("scope").at("name")), "pets:write");
  ASSERT_EQ(admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + id + "&action=Publish").status, 200);
  deploy(id, create_revision(id));
  Client c = application("ScopeApp");
  subscribe(c.app_id, id);
  EXPECT_EQ(wait_for_call("/scoped/1.0.0/read", c.token, 200), 200);
  auto denied = call("/scoped/1.0.0/write", c.token);  // token scope "default"
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(json_of(denied)["code"], 900910);
  auto t = form("/oauth2/token", "grant_type=client_credentials&scope=pets:write%20pets:admin%20pets:unknown",
                c.consumer_key, c.consumer_secret);
  ASSERT_EQ(t.status, 200) << t.body;
  // The owner (admin) may hold both API scopes; unknown scopes are dropped.
  EXPECT_EQ(str(json_of(t)["scope"]), "pets:write pets:admin");
  EXPECT_EQ(call("/scoped/1.0.0/write", str(json_of(t)["access_token"])).status, 200);
  // Operations may only name scopes the API defines.
  EXPECT_EQ(admin("PUT", kApis + "/" + id, api_body("Scoped", "/scoped",
                                                    R"([{"target":"/x","verb":"GET","scopes":["nope"]}])")).status, 400);
}

TEST_F(SecuredGateway, AuthorizationCodeWithPkceSignsTheUserIn) {
  auto a = admin("POST", kDev + "/applications", R"({"name":"Portal"})");
  const std::string app_id = str(json_of(a)["applicationId"]);
  auto k = admin("POST", kDev + "/applications/" + app_id + "/generate-keys",
                 R"({"keyType":"PRODUCTION","grantTypesToBeSupported":["authorization_code","refresh_token"],)"
                 R"("callbackUrl":"https://portal.example/cb"})");
  ASSERT_EQ(k.status, 200) << k.body;
  const std::string client_id = str(json_of(k)["consumerKey"]);
  const std::string client_secret = str(json_of(k)["consumerSecret"]);
  const std::string verifier = "verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
  const std::string challenge = crypto::base64url_encode(crypto::sha256(verifier));
  const std::string query = "?response_type=code&client_id=" + client_id +
                            "&redirect_uri=https%3A%2F%2Fportal.example%2Fcb&scope=apim:subscribe&state=xyz"
                            "&code_challenge=" + challenge + "&code_challenge_method=S256";
  auto page = mgmt().get("/oauth2/authorize" + query);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.header("content-type").find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("<form"), std::string::npos);
  // A redirect URI that is not the client's is never redirected to.
  auto evil = mgmt().get("/oauth2/authorize?response_type=code&client_id=" + client_id +
                         "&redirect_uri=https%3A%2F%2Fevil.example%2F&code_challenge=" + challenge +
                         "&code_challenge_method=S256");
  EXPECT_EQ(evil.status, 400);
  EXPECT_TRUE(evil.header("location").empty());
  auto no_pkce = mgmt().get("/oauth2/authorize?response_type=code&client_id=" + client_id +
                            "&redirect_uri=https%3A%2F%2Fportal.example%2Fcb&state=s1");
  EXPECT_EQ(no_pkce.status, 302);
  EXPECT_NE(no_pkce.header("location").find("error=invalid_request"), std::string::npos);

  auto sign_in = [&](const std::string& password) {
    return sign_in_through_form(query.substr(1), "username=admin&password=" + password);
  };
  EXPECT_EQ(sign_in("wrong").status, 401);
  auto redirected = sign_in(kPassword);
  ASSERT_EQ(redirected.status, 302) << redirected.body;
  const std::string location = redirected.header("location");
  ASSERT_TRUE(location.starts_with("https://portal.example/cb?code=")) << location;
  EXPECT_NE(location.find("state=xyz"), std::string::npos);
  const std::string code = location.substr(location.find("code=") + 5, location.find('&') - location.find("code=") - 5);

  const std::string exchange = "grant_type=authorization_code&code=" + code +
                               "&redirect_uri=https%3A%2F%2Fportal.example%2Fcb&client_id=" + client_id;
  // A confidential client authenticates to exchange its code (RFC 6749 section 4.1.3): PKCE alone
  // is not enough, and the refused attempt does not use the code up.
  auto unauthenticated = form("/oauth2/token", exchange + "&code_verifier=" + verifier);
  EXPECT_EQ(unauthenticated.status, 401) << unauthenticated.body;
  EXPECT_EQ(json_of(unauthenticated)["error"], "invalid_client");
  auto t = form("/oauth2/token", exchange + "&code_verifier=" + verifier + "&client_secret=" + client_secret);
  ASSERT_EQ(t.status, 200) << t.body;
  auto o = json_of(t);
  EXPECT_EQ(str(o["scope"]), "apim:subscribe");
  EXPECT_FALSE(str(o["refresh_token"]).empty());
  EXPECT_EQ(str(crypto::parse_jwt(str(o["access_token"]), nullptr)->claims["sub"]), "admin");
  auto again = form("/oauth2/token", exchange + "&code_verifier=" + verifier + "&client_secret=" + client_secret);
  EXPECT_EQ(json_of(again)["error"], "invalid_grant");  // one use only
}

TEST_F(SecuredGateway, BackendJwtCarriesTheCallersClaimsSignedByTheGateway) {
  const std::string id = create_api(api_body("Bjwt", "/bjwt", R"([{"target":"/*","verb":"GET"},{"target":"/open","verb":"GET","authType":"None"}])",
                                             "", R"("policies":["Unlimited"],"enableBackendJWT":true,)"));
  ASSERT_EQ(admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + id + "&action=Publish").status, 200);
  deploy(id, create_revision(id));
  Client c = application("BjwtApp");
  subscribe(c.app_id, id);
  ASSERT_EQ(wait_for_call("/bjwt/1.0.0/x", c.token, 200), 200);
  auto echo = json_of(call("/bjwt/1.0.0/x", c.token));
  const std::string assertion = str(echo["headers"].at("x-jwt-assertion"));
  auto jwt = crypto::parse_jwt(assertion, nullptr);
  ASSERT_TRUE(jwt);
  EXPECT_EQ(str(jwt->claims["sub"]), "admin");
  EXPECT_EQ(str(jwt->claims["application"].at("name")), "BjwtApp");
  EXPECT_EQ(str(jwt->claims["api"].at("context")), "/bjwt");
  auto jwks = json::parse(gw().get("/.well-known/jwks.json").body).as_object();
  auto key = crypto::VerificationKey::from_jwk(jwks["keys"].as_array()[0].as_object());
  ASSERT_TRUE(key);
  EXPECT_TRUE(crypto::verify_jwt_signature(*jwt, *key));
  // A caller cannot smuggle its own assertion to the backend.
  auto open = json_of(gw().get("/bjwt/1.0.0/open", {{"X-JWT-Assertion", "forged"}}));
  EXPECT_FALSE(open["headers"].as_object().contains("x-jwt-assertion"));
}

TEST_F(SecuredGateway, RevokedTokenIsRejectedWithin1s) {
  const std::string api = secured_api("Rev", "/revoke");
  Client c = application("RevApp");
  subscribe(c.app_id, api);
  ASSERT_EQ(wait_for_call("/revoke/1.0.0/x", c.token, 200), 200);
  auto r = form("/oauth2/revoke", "token=" + c.token, c.consumer_key, c.consumer_secret);
  EXPECT_EQ(r.status, 200) << r.body;
  auto after = wait_for_call("/revoke/1.0.0/x", c.token, 401);
  EXPECT_EQ(after, 401);
  auto intro = form("/oauth2/introspect", "token=" + c.token, c.consumer_key, c.consumer_secret);
  EXPECT_EQ(json_of(intro)["active"], false);
  EXPECT_EQ(form("/oauth2/revoke", "token=" + c.token, c.consumer_key, "wrong").status, 401);
  EXPECT_EQ(form("/oauth2/revoke", "token=garbage", c.consumer_key, c.consumer_secret).status, 200);
}

TEST_F(SecuredGateway, IntrospectionShowsActiveTokensToAuthenticatedCallers) {
  Client c = application("IntroApp");
  auto r = form("/oauth2/introspect", "token=" + c.token, kAdmin, kPassword);
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = json_of(r);
  EXPECT_EQ(o["active"], true);
  EXPECT_EQ(str(o["client_id"]), c.consumer_key);
  EXPECT_EQ(form("/oauth2/introspect", "token=" + c.token).status, 401);
  EXPECT_EQ(json_of(form("/oauth2/introspect", "token=abc.def.ghi", kAdmin, kPassword))["active"], false);
}

TEST_F(SecuredGateway, PublisherListsAnApisSubscriptionsOnePageAtATime) {
  const std::string api = create_api(api_body("SubPages", "/subpages", R"([{"target":"/*","verb":"GET"}])", "",
                                              R"("policies":["Unlimited"],)"));
  ASSERT_EQ(admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + api + "&action=Publish").status, 200);
  std::vector<std::string> subs;
  for (int i = 0; i < 3; ++i) {
    auto a = admin("POST", kDev + "/applications", R"({"name":"SubPagesApp)" + std::to_string(i) + R"("})");
    ASSERT_EQ(a.status, 201) << a.body;
    subs.push_back(subscribe(str(json_of(a)["applicationId"]), api));
  }
  const std::string list = "/api/am/publisher/v4/subscriptions?apiId=" + api;
  auto first = admin("GET", list + "&limit=2");
  ASSERT_EQ(first.status, 200) << first.body;
  auto body = json_of(first);
  EXPECT_EQ(body["count"], 2);
  EXPECT_EQ(str(body["list"].at(0).at("subscriptionId")), subs[0]);
  EXPECT_EQ(str(body["list"].at(1).at("subscriptionId")), subs[1]);
  EXPECT_EQ(body["pagination"].at("total"), 3);
  EXPECT_EQ(str(body["pagination"].at("next")), "/subscriptions?apiId=" + api + "&limit=2&offset=2");
  EXPECT_EQ(str(body["pagination"].at("previous")), "");
  body = json_of(admin("GET", list + "&limit=2&offset=2"));
  EXPECT_EQ(body["count"], 1);
  EXPECT_EQ(str(body["list"].at(0).at("subscriptionId")), subs[2]);
  EXPECT_EQ(str(body["pagination"].at("next")), "");
  EXPECT_EQ(str(body["pagination"].at("previous")), "/subscriptions?apiId=" + api + "&limit=2&offset=0");
  EXPECT_EQ(json_of(admin("GET", list))["pagination"].at("limit"), 25);
  EXPECT_EQ(admin("GET", list + "&limit=0").status, 400);
  EXPECT_EQ(admin("GET", list + "&offset=x").status, 400);
  EXPECT_EQ(admin("GET", "/api/am/publisher/v4/subscriptions?apiId=nope").status, 404);
  EXPECT_EQ(admin("GET", "/api/am/publisher/v4/subscriptions").status, 400);
}

TEST_F(SecuredGateway, BlockedSubscriptionAndDeletedApplicationLoseAccess) {
  const std::string api = secured_api("Blk", "/blk");
  Client c = application("BlkApp");
  const std::string sub = subscribe(c.app_id, api);
  ASSERT_EQ(wait_for_call("/blk/1.0.0/x", c.token, 200), 200);
  ASSERT_EQ(admin("POST", "/api/am/publisher/v4/subscriptions/block-subscription?subscriptionId=" + sub +
                              "&blockState=BLOCKED").status, 200);
  EXPECT_EQ(wait_for_call("/blk/1.0.0/x", c.token, 403), 403);
  ASSERT_EQ(admin("POST", "/api/am/publisher/v4/subscriptions/unblock-subscription?subscriptionId=" + sub).status, 200);
  EXPECT_EQ(wait_for_call("/blk/1.0.0/x", c.token, 200), 200);
  EXPECT_EQ(admin("POST", "/api/am/publisher/v4/subscriptions/block-subscription?subscriptionId=" + sub +
                              "&blockState=SOMETIMES").status, 400);
  ASSERT_EQ(admin("DELETE", kDev + "/subscriptions/" + sub).status, 200);
  EXPECT_EQ(wait_for_call("/blk/1.0.0/x", c.token, 403), 403);
  subscribe(c.app_id, api);
  EXPECT_EQ(wait_for_call("/blk/1.0.0/x", c.token, 200), 200);
  ASSERT_EQ(admin("DELETE", kDev + "/applications/" + c.app_id).status, 200);
  EXPECT_EQ(wait_for_call("/blk/1.0.0/x", c.token, 401), 401);
}

TEST_F(SecuredGateway, HostileTokensAreRejectedAndTheGatewayKeepsServing) {
  const std::string api = secured_api("Bad", "/badtok");
  Client c = application("BadApp");
  subscribe(c.app_id, api);
  ASSERT_EQ(wait_for_call("/badtok/1.0.0/x", c.token, 200), 200);
  const auto d1 = c.token.find('.');
  const auto d2 = c.token.find('.', d1 + 1);
  const std::string header = c.token.substr(0, d1);
  const std::string payload = c.token.substr(d1 + 1, d2 - d1 - 1);
  const std::string sig = c.token.substr(d2 + 1);
  auto claims = json::parse(*crypto::base64url_decode(payload)).as_object();
  claims["sub"] = "mallory";
  const std::string forged_payload = crypto::base64url_encode(json::serialize(claims));
  auto other_key = crypto::SigningKey::generate(crypto::JwsAlg::kRS256);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"alg none", crypto::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + payload + "."},
      {"HS256 with the public key", hmac_forgery(payload)},
      {"tampered payload", header + "." + forged_payload + "." + sig},
      {"unknown kid", crypto::sign_jwt(other_key, claims)},
      {"malformed base64", header + ".@@@." + sig},
      {"malformed json", crypto::base64url_encode("{not json") + "." + payload + "." + sig},
      {"16 KB token", std::string(16 * 1024, 'A')},
      {"not a jwt", "opaque-token-value"},
  };
  for (const auto& [what, token] : cases) {
    auto r = call("/badtok/1.0.0/x", token);
    EXPECT_EQ(r.status, 401) << what;
    EXPECT_EQ(json_of(r)["code"], 900901) << what;
  }
  EXPECT_EQ(call("/badtok/1.0.0/x", c.token).status, 200);
}

TEST_F(SecuredGateway, OtherApplicationsTokenIsForbidden) {
  const std::string api = secured_api("Two", "/two");
  Client a = application("TwoA");
  Client b = application("TwoB");
  subscribe(a.app_id, api);
  ASSERT_EQ(wait_for_call("/two/1.0.0/x", a.token, 200), 200);
  EXPECT_EQ(wait_for_call("/two/1.0.0/x", b.token, 403), 403);
}

TEST_F(SecuredGateway, SandboxTokenNeedsASandboxEndpoint) {
  const std::string api = secured_api("Sbx", "/sbx");
  Client c = application("SbxApp", "SANDBOX");
  subscribe(c.app_id, api);
  HttpResponse r;
  for (int i = 0; i < 200 && r.body.find("sandbox endpoint") == std::string::npos; ++i) {
    r = call("/sbx/1.0.0/x", c.token);  // until application and subscription reached the gateway
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("sandbox endpoint"), std::string::npos) << r.body;
}

TEST_F(SecuredGateway, DevportalValidatesApplicationsKeysAndSubscriptions) {
  EXPECT_EQ(admin("POST", kDev + "/applications", R"({"throttlingPolicy":"Unlimited"})").status, 400);
  EXPECT_EQ(admin("POST", kDev + "/applications", R"({"name":"V","throttlingPolicy":"Platinum"})").status, 400);
  Client c = application("ValApp");
  EXPECT_EQ(admin("POST", kDev + "/applications", R"({"name":"ValApp"})").status, 409);
  EXPECT_EQ(admin("POST", kDev + "/applications/" + c.app_id + "/generate-keys", R"({"keyType":"PRODUCTION"})").status, 409);
  EXPECT_EQ(admin("POST", kDev + "/applications/" + c.app_id + "/generate-keys", R"({"keyType":"TEST"})").status, 400);
  auto keys = json_of(admin("GET", kDev + "/applications/" + c.app_id + "/oauth-keys"));
  EXPECT_EQ(keys["count"], 1);
  EXPECT_TRUE(keys["list"].as_array()[0].at("consumerSecret").is_null());  // shown once only
  const std::string api = secured_api("ValApi", "/valapi");
  EXPECT_EQ(admin("POST", kDev + "/subscriptions", R"({"applicationId":")" + c.app_id + R"(","apiId":")" + api +
                                                       R"(","throttlingPolicy":"Bronze"})").status, 400);
  subscribe(c.app_id, api, "Gold");
  EXPECT_EQ(admin("POST", kDev + "/subscriptions", R"({"applicationId":")" + c.app_id + R"(","apiId":")" + api +
                                                       R"(","throttlingPolicy":"Gold"})").status, 409);
  auto subs = json_of(admin("GET", kDev + "/subscriptions?applicationId=" + c.app_id));
  EXPECT_EQ(subs["count"], 1);
  EXPECT_EQ(str(subs["list"].as_array()[0].at("status")), "UNBLOCKED");
  EXPECT_EQ(admin("GET", kDev + "/subscriptions").status, 400);
  EXPECT_EQ(admin("GET", kDev + "/applications/00000000-0000-0000-0000-000000000000").status, 404);
  // Token generation needs the consumer secret; a new secret replaces the old one.
  const std::string gen = kDev + "/applications/" + c.app_id + "/oauth-keys/" + c.key_mapping_id + "/generate-token";
  EXPECT_EQ(admin("POST", gen, R"({"validityPeriod":60})").status, 400);
  EXPECT_EQ(admin("POST", gen, R"({"consumerSecret":"wrong"})").status, 401);
  auto tok = admin("POST", gen, R"({"consumerSecret":")" + c.consumer_secret + R"(","validityPeriod":60})");
  ASSERT_EQ(tok.status, 200) << tok.body;
  EXPECT_EQ(json_of(tok)["validityTime"], 60);
  auto regen = admin("POST", kDev + "/applications/" + c.app_id + "/oauth-keys/" + c.key_mapping_id + "/regenerate-secret");
  ASSERT_EQ(regen.status, 200);
  EXPECT_EQ(form("/oauth2/token", "grant_type=client_credentials", c.consumer_key, c.consumer_secret).status, 401);
  EXPECT_EQ(form("/oauth2/token", "grant_type=client_credentials", c.consumer_key, str(json_of(regen)["consumerSecret"])).status,
            200);
  // Only published APIs show in the portal.
  create_api(api_body("Hidden", "/hidden"));
  auto listed = admin("GET", kDev + "/apis");
  EXPECT_EQ(listed.body.find("Hidden"), std::string::npos);
  EXPECT_NE(listed.body.find("ValApi"), std::string::npos);
}

TEST_F(SecuredGateway, DiscoveryDocumentsNameTheEndpoints) {
  for (const char* p : {"/.well-known/openid-configuration", "/oauth2/token/.well-known/openid-configuration"}) {
    auto r = mgmt().get(p);
    ASSERT_EQ(r.status, 200);
    auto o = json_of(r);
    EXPECT_EQ(o["issuer"], "https://localhost:9443/oauth2/token");
    EXPECT_EQ(o["jwks_uri"], "https://localhost:9443/oauth2/jwks");
  }
}

// Read-your-writes: once the management API has answered a write, this process's gateway serves
// it: no polling between deploying, subscribing, revoking and calling.
TEST_F(SecuredGateway, TheGatewayServesAWriteAsSoonAsItIsAnswered) {
  for (int i = 0; i < 8; ++i) {
    const std::string n = std::to_string(i);
    const std::string context = "/ryw" + n;
    const std::string api = create_api(api_body("Ryw" + n, context, R"([{"target":"/*","verb":"GET"}])", "",
                                                R"("policies":["Unlimited"],)"));
    ASSERT_EQ(admin("POST", kApis + "/change-lifecycle?apiId=" + api + "&action=Publish").status, 200);
    deploy(api, create_revision(api));
    EXPECT_EQ(gw().get(context + "/1.0.0/x").status, 401) << "deployment not served yet, round " << n;
    Client c = application("RywApp" + n);
    subscribe(c.app_id, api);
    EXPECT_EQ(call(context + "/1.0.0/x", c.token).status, 200) << "key or subscription not served yet, round " << n;
    ASSERT_EQ(form("/oauth2/revoke", "token=" + c.token, c.consumer_key, c.consumer_secret).status, 200);
    EXPECT_EQ(call(context + "/1.0.0/x", c.token).status, 401) << "revocation not served yet, round " << n;
  }
}

}  // namespace
}  // namespace archway::testing
