// The web portals as the management listener serves them (embedded build, caching, compression,
// client-side routes) and their sign-in: public OAuth clients of our own Key Manager using the
// authorization code flow with PKCE, refresh without a secret, sign-out that revokes.
#include <regex>

#include "crypto/base64url.h"
#include "crypto/random.h"
#include "integration/fixture.h"

namespace archway::testing {
namespace {

class WebPortals : public ServerSuite {
 protected:
  std::string origin() { return "http://127.0.0.1:" + std::to_string(server_->management_port()); }
  struct Tokens {
    std::string access, refresh, scope;
  };
  // Signs `user` in to `portal` as the browser does; returns the tokens of the code exchange.
  Tokens sign_in(const std::string& portal, const std::string& user, const std::string& password,
                 const std::string& scope) {
    const std::string verifier = crypto::base64url_encode(crypto::random_bytes(40));
    const std::string challenge = crypto::base64url_encode(crypto::sha256(verifier));
    const std::string redirect = origin() + "/" + portal + "/callback";
    const std::string params = "response_type=code&client_id=archway-" + portal + "&redirect_uri=" + enc(redirect) +
                               "&scope=" + enc(scope) + "&state=st&code_challenge=" + challenge +
                               "&code_challenge_method=S256";
    auto back = sign_in_through_form(params, "username=" + user + "&password=" + enc(password));
    EXPECT_EQ(back.status, 302) << back.body;
    const std::string location = back.header("location");
    EXPECT_TRUE(location.starts_with(redirect + "?code=")) << location;
    const std::string code = location.substr(location.find("code=") + 5, location.find('&') - location.find("code=") - 5);
    auto t = form("/oauth2/token", "grant_type=authorization_code&client_id=archway-" + portal + "&code=" + code +
                                       "&redirect_uri=" + enc(redirect) + "&code_verifier=" + verifier);
    EXPECT_EQ(t.status, 200) << t.body;
    auto o = json_of(t);
    return {str(o["access_token"]), str(o["refresh_token"]), str(o["scope"])};
  }
  HttpResponse bearer_get(const std::string& target, const std::string& token) {
    return mgmt().get(target, {{"Authorization", "Bearer " + token}});
  }
};

TEST_F(WebPortals, EachPortalIsServedWithItsIndexForClientSideRoutes) {
  for (const std::string portal : {"publisher", "devportal", "admin"}) {
    auto r = mgmt().get("/" + portal + "/some/client/route");
    ASSERT_EQ(r.status, 200) << portal << ": " << r.body;
    EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
    EXPECT_EQ(r.header("cache-control"), "no-cache");
    EXPECT_NE(r.body.find("<div id=\"root\">"), std::string::npos);
    EXPECT_NE(r.header("content-security-policy").find("script-src 'self'"), std::string::npos);
    auto again = mgmt().get("/" + portal + "/", {{"If-None-Match", r.header("etag")}});
    EXPECT_EQ(again.status, 304);
  }
  auto root = mgmt().get("/");
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(root.header("location"), "/devportal/");
  EXPECT_EQ(mgmt().get("/publisher/no-such-chunk.js").status, 404);
  EXPECT_EQ(mgmt().get("/assets/no-such-file.js").status, 404);
}

TEST_F(WebPortals, HashedAssetsAreCachedForAYearAndSentCompressed) {
  auto index = mgmt().get("/publisher/");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(index.body, m, std::regex("/assets/[A-Za-z0-9_.-]+\\.js"))) << index.body;
  const std::string script = m.str();
  auto br = mgmt().get(script, {{"Accept-Encoding", "gzip, br"}});
  ASSERT_EQ(br.status, 200);
  EXPECT_EQ(br.header("content-encoding"), "br");
  EXPECT_EQ(br.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(br.header("cache-control"), "public, max-age=31536000, immutable");
  auto gz = mgmt().get(script, {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(gz.header("content-encoding"), "gzip");
  auto plain = mgmt().get(script);
  EXPECT_EQ(plain.header("content-encoding"), "");
  EXPECT_GT(plain.body.size(), br.body.size());
  auto head = mgmt().send({"HEAD", script, {}, "", false, 10000});
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

TEST_F(WebPortals, APortalSignsInWithPkceOnTheOriginItIsServedFrom) {
  const Tokens t = sign_in("publisher", kAdmin, kPassword, "apim:api_view apim:api_create");
  EXPECT_EQ(t.scope, "apim:api_view apim:api_create");
  EXPECT_FALSE(t.refresh.empty());
  EXPECT_EQ(bearer_get("/api/am/publisher/v4/apis", t.access).status, 200);
  // The callback is only ever on the origin the browser used, never another one.
  const std::string challenge = crypto::base64url_encode(crypto::sha256(std::string(43, 'v')));
  auto evil = mgmt().get("/oauth2/authorize?response_type=code&client_id=archway-publisher&redirect_uri=" +
                         enc("https://evil.example/publisher/callback") + "&code_challenge=" + challenge +
                         "&code_challenge_method=S256");
  EXPECT_EQ(evil.status, 400);
  EXPECT_TRUE(evil.header("location").empty());
  // The portals' clients have no secret: nothing to guess, and client credentials are refused.
  auto cc = form("/oauth2/token", "grant_type=client_credentials&client_id=archway-publisher&client_secret=x");
  EXPECT_EQ(cc.status, 401);
}

TEST_F(WebPortals, APortalRefreshesWithoutASecretAndSignOutRevokesBothTokens) {
  const Tokens t = sign_in("admin", kAdmin, kPassword, "apim:admin");
  auto refreshed = form("/oauth2/token", "grant_type=refresh_token&client_id=archway-admin&refresh_token=" + t.refresh);
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  const std::string access = str(json_of(refreshed)["access_token"]);
  const std::string refresh = str(json_of(refreshed)["refresh_token"]);
  EXPECT_EQ(str(json_of(refreshed)["scope"]), "apim:admin");
  EXPECT_EQ(bearer_get("/api/am/admin/v4/users", access).status, 200);
  // Sign-out: the portal revokes both tokens with its client_id alone.
  EXPECT_EQ(form("/oauth2/revoke", "client_id=archway-admin&token_type_hint=refresh_token&token=" + refresh).status, 200);
  EXPECT_EQ(form("/oauth2/revoke", "client_id=archway-admin&token=" + access).status, 200);
  EXPECT_EQ(bearer_get("/api/am/admin/v4/users", access).status, 401);
  auto after = form("/oauth2/token", "grant_type=refresh_token&client_id=archway-admin&refresh_token=" + refresh);
  EXPECT_EQ(after.status, 400);
  EXPECT_EQ(str(json_of(after)["error"]), "invalid_grant");
  // Another client cannot revoke the portal's tokens.
  const Tokens other = sign_in("admin", kAdmin, kPassword, "apim:admin");
  EXPECT_EQ(form("/oauth2/revoke", "client_id=archway-publisher&token=" + other.access).status, 200);
  EXPECT_EQ(bearer_get("/api/am/admin/v4/users", other.access).status, 200);
}

TEST_F(WebPortals, AUserWithoutTheRoleGetsATokenWithoutThePortalsScopes) {
  ASSERT_EQ(admin("POST", "/api/am/admin/v4/users", R"({"username":"sub1","password":"subscriber-pw","roles":["subscriber"]})").status, 201);
  const Tokens t = sign_in("admin", "sub1", "subscriber-pw", "apim:admin");
  EXPECT_EQ(t.scope, "default");  // the portal shows its "no access" page for this token
  EXPECT_EQ(bearer_get("/api/am/admin/v4/users", t.access).status, 403);
}

TEST_F(WebPortals, ASecretBearingClientCannotRefreshWithoutItsSecret) {
  auto a = admin("POST", kDev + "/applications", R"({"name":"Confidential"})");
  const std::string app_id = str(json_of(a)["applicationId"]);
  auto k = admin("POST", kDev + "/applications/" + app_id + "/generate-keys",
                 R"({"keyType":"PRODUCTION","grantTypesToBeSupported":["password","refresh_token"]})");
  ASSERT_EQ(k.status, 200) << k.body;
  const std::string ck = str(json_of(k)["consumerKey"]);
  const std::string cs = str(json_of(k)["consumerSecret"]);
  auto t = form("/oauth2/token", "grant_type=password&username=admin&password=" + enc(kPassword) + "&client_id=" + ck +
                                     "&client_secret=" + cs);
  ASSERT_EQ(t.status, 200) << t.body;
  auto r = form("/oauth2/token", "grant_type=refresh_token&client_id=" + ck + "&refresh_token=" + str(json_of(t)["refresh_token"]));
  EXPECT_EQ(r.status, 401);
  // Nor revoke with its id alone.
  const std::string access = str(json_of(t)["access_token"]);
  EXPECT_EQ(form("/oauth2/revoke", "client_id=" + ck + "&token=" + access).status, 401);
}

}  // namespace
}  // namespace archway::testing
