// Users, roles, self sign-up, and management calls with Bearer tokens carrying apim:* scopes.
#include "crypto/jwt.h"
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kAdminApi = "/api/am/admin/v4";
const std::string kPw = "password-123";

class UsersRoles : public ServerSuite {
 protected:
  void make_user(const std::string& name, const std::string& role) {
    auto r = admin("POST", kAdminApi + "/users",
                   R"({"username":")" + name + R"(","password":")" + kPw + R"(","roles":[")" + role + R"("]})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  HttpResponse as(const std::string& user, const std::string& method, const std::string& target,
                  const std::string& body = "") {
    return mgmt().call(method, target, body, user, kPw);
  }
  HttpResponse bearer(const std::string& token, const std::string& method, const std::string& target,
                      const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
    return mgmt().send(r);
  }
  // An application of `user` with keys allowing the password grant: {consumerKey, consumerSecret}.
  std::pair<std::string, std::string> client_of(const std::string& user, const std::string& app_name) {
    auto as = [&](const std::string& u, const std::string& m, const std::string& t, const std::string& b = "") {
      return mgmt().call(m, t, b, u, u == kAdmin ? kPassword : kPw);
    };
    auto a = as(user, "POST", kDev + "/applications", R"({"name":")" + app_name + R"("})");
    EXPECT_EQ(a.status, 201) << a.body;
    auto k = as(user, "POST", kDev + "/applications/" + str(json_of(a)["applicationId"]) + "/generate-keys",
                R"({"keyType":"PRODUCTION","grantTypesToBeSupported":["password","client_credentials"]})");
    EXPECT_EQ(k.status, 200) << k.body;
    return {str(json_of(k)["consumerKey"]), str(json_of(k)["consumerSecret"])};
  }
};

TEST_F(UsersRoles, AdminManagesUsersWithValidation) {
  make_user("uma", "subscriber");
  EXPECT_EQ(admin("POST", kAdminApi + "/users", R"({"username":"uma","password":"password-123","roles":["subscriber"]})").status, 409);
  auto short_pw = admin("POST", kAdminApi + "/users", R"({"username":"ulf","password":"short","roles":["subscriber"]})");
  EXPECT_EQ(short_pw.status, 400);
  EXPECT_NE(short_pw.body.find("'password'"), std::string::npos);
  auto bad_role = admin("POST", kAdminApi + "/users", R"({"username":"ulf","password":"password-123","roles":["king"]})");
  EXPECT_EQ(bad_role.status, 400);
  EXPECT_NE(bad_role.body.find("'roles'"), std::string::npos);
  EXPECT_EQ(admin("POST", kAdminApi + "/users", R"({"username":"a b","password":"password-123","roles":["subscriber"]})").status, 400);
  auto got = json_of(admin("GET", kAdminApi + "/users/uma"));
  EXPECT_EQ(str(got["roles"].as_array()[0]), "subscriber");
  EXPECT_FALSE(got.contains("password_hash"));
  EXPECT_EQ(as("uma", "GET", kAdminApi + "/users").status, 403);
  ASSERT_EQ(admin("PUT", kAdminApi + "/users/uma", R"({"roles":["subscriber","creator"]})").status, 200);
  EXPECT_EQ(as("uma", "GET", "/api/am/publisher/v4/apis").status, 200);
  ASSERT_EQ(admin("DELETE", kAdminApi + "/users/uma").status, 200);
  EXPECT_EQ(as("uma", "GET", kDev + "/applications").status, 401);
  EXPECT_EQ(admin("DELETE", kAdminApi + "/users/admin").status, 400);
  EXPECT_EQ(admin("GET", kAdminApi + "/users/nobody").status, 404);
}

TEST_F(UsersRoles, TheLastAdminCannotLoseTheAdminRole) {
  auto last = admin("PUT", kAdminApi + "/users/admin", R"({"roles":["subscriber"]})");
  EXPECT_EQ(last.status, 409);
  EXPECT_NE(last.body.find("last user with the admin role"), std::string::npos);
  EXPECT_EQ(admin("GET", kAdminApi + "/users").status, 200);  // still an admin
  // With a second admin the first may step down, and back up again.
  make_user("ada", "admin");
  ASSERT_EQ(admin("PUT", kAdminApi + "/users/ada", R"({"roles":["admin","creator"]})").status, 200);
  EXPECT_EQ(as("ada", "PUT", kAdminApi + "/users/admin", R"({"roles":["creator"]})").status, 200);
  EXPECT_EQ(as("ada", "PUT", kAdminApi + "/users/admin", R"({"roles":["admin"]})").status, 200);
  ASSERT_EQ(admin("DELETE", kAdminApi + "/users/ada").status, 200);
}

TEST_F(UsersRoles, TheLastAdminCannotBeDeletedUnderAnotherSpellingOfTheName) {
  make_user("edna", "admin");
  ASSERT_EQ(as("edna", "PUT", kAdminApi + "/users/admin", R"({"roles":["creator"]})").status, 200);
  // User names ignore case: "EDNA" is edna, the only admin left.
  const auto last = as("edna", "DELETE", kAdminApi + "/users/EDNA");
  EXPECT_EQ(last.status, 409) << last.body;
  EXPECT_NE(last.body.find("last user with the admin role"), std::string::npos);
  ASSERT_EQ(as("edna", "PUT", kAdminApi + "/users/admin", R"({"roles":["admin"]})").status, 200);
  ASSERT_EQ(admin("DELETE", kAdminApi + "/users/edna").status, 200);
}

TEST_F(UsersRoles, SubscriberCannotSeeAnotherUsersApplications) {
  make_user("alice", "subscriber");
  make_user("bob", "subscriber");
  auto a = as("alice", "POST", kDev + "/applications", R"({"name":"AliceApp"})");
  ASSERT_EQ(a.status, 201);
  const std::string id = str(json_of(a)["applicationId"]);
  EXPECT_EQ(str(json_of(a)["owner"]), "alice");
  EXPECT_EQ(as("bob", "GET", kDev + "/applications/" + id).status, 404);
  EXPECT_EQ(as("bob", "PUT", kDev + "/applications/" + id, R"({"name":"Mine"})").status, 404);
  EXPECT_EQ(as("bob", "DELETE", kDev + "/applications/" + id).status, 404);
  EXPECT_EQ(as("bob", "GET", kDev + "/applications/" + id + "/oauth-keys").status, 404);
  EXPECT_EQ(as("bob", "GET", kDev + "/subscriptions?applicationId=" + id).status, 404);
  EXPECT_EQ(json_of(as("bob", "GET", kDev + "/applications"))["count"], 0);
  EXPECT_EQ(as("alice", "GET", kDev + "/applications/" + id).status, 200);
  // Same name for another owner is fine.
  EXPECT_EQ(as("bob", "POST", kDev + "/applications", R"({"name":"AliceApp"})").status, 201);
}

TEST_F(UsersRoles, RolesGatePublisherActions) {
  make_user("carol", "creator");
  make_user("dave", "publisher");
  make_user("sam", "subscriber");
  auto created = as("carol", "POST", kApis,
                    api_body("RoleApi", "/roleapi", R"([{"target":"/*","verb":"GET"}])", "",
                             R"("policies":["Unlimited"],)"));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = str(json_of(created)["id"]);
  EXPECT_EQ(str(json_of(created)["provider"]), "carol");
  EXPECT_EQ(as("carol", "POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + id + "&action=Publish").status, 403);
  EXPECT_EQ(as("dave", "POST", kApis, api_body("RoleApi2", "/roleapi2")).status, 403);
  EXPECT_EQ(as("dave", "POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + id + "&action=Publish").status, 200);
  EXPECT_EQ(as("sam", "GET", kApis).status, 403);
  EXPECT_EQ(as("carol", "GET", kDev + "/applications").status, 403);
}

TEST_F(UsersRoles, SelfSignUpCreatesSubscribers) {
  auto r = mgmt().call("POST", kDev + "/me/sign-up", R"({"username":"eve","password":"password-123"})", "", "");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(mgmt().call("GET", kDev + "/applications", "", "eve", "password-123").status, 200);
  EXPECT_EQ(mgmt().call("GET", kApis, "", "eve", "password-123").status, 403);
  EXPECT_EQ(mgmt().call("POST", kDev + "/me/sign-up", R"({"username":"eve","password":"password-123"})", "", "").status, 409);
  EXPECT_EQ(mgmt().call("POST", kDev + "/me/sign-up", R"({"username":"eve2","password":"x"})", "", "").status, 400);
}

TEST_F(UsersRoles, BearerTokensCarryOnlyTheScopesTheUsersRolesAllow) {
  make_user("tina", "subscriber");
  auto [ck, cs] = client_of("tina", "TinaApp");
  auto t = form("/oauth2/token", "grant_type=password&username=tina&password=" + kPw + "&scope=apim:subscribe%20apim:api_create",
                ck, cs);
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(str(json_of(t)["scope"]), "apim:subscribe");
  const std::string token = str(json_of(t)["access_token"]);
  EXPECT_EQ(bearer(token, "GET", kDev + "/applications").status, 200);
  EXPECT_EQ(bearer(token, "GET", kApis).status, 403);
  EXPECT_EQ(bearer("not-a-token", "GET", kDev + "/applications").status, 401);

  // An admin token limited to apim:api_view reads APIs but cannot create them.
  auto [ack, acs] = client_of("admin", "AdminApp");
  auto at = form("/oauth2/token", std::string("grant_type=password&username=admin&password=") + kPassword +
                                      "&scope=apim:api_view",
                 ack, acs);
  ASSERT_EQ(at.status, 200) << at.body;
  const std::string admin_token = str(json_of(at)["access_token"]);
  EXPECT_EQ(bearer(admin_token, "GET", kApis).status, 200);
  auto denied = bearer(admin_token, "POST", kApis, api_body("ByToken", "/bytoken"));
  EXPECT_EQ(denied.status, 403);
  EXPECT_NE(denied.body.find("apim:api_create"), std::string::npos);

  // Revoked: refused at once on the management plane.
  ASSERT_EQ(form("/oauth2/revoke", "token=" + token, ck, cs).status, 200);
  EXPECT_EQ(bearer(token, "GET", kDev + "/applications").status, 401);
}

TEST_F(UsersRoles, RotatedSigningKeyKeepsOldTokensValid) {
  const std::string api = create_api(api_body("Rot", "/rot", R"([{"target":"/*","verb":"GET"}])", "", R"("policies":["Unlimited"],)"));
  ASSERT_EQ(admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + api + "&action=Publish").status, 200);
  deploy(api, create_revision(api));
  auto [ck, cs] = client_of("admin", "RotApp");
  auto apps = json_of(admin("GET", kDev + "/applications"));
  std::string app_id;
  for (const auto& a : apps["list"].as_array())
    if (str(a.at("name")) == "RotApp") app_id = str(a.at("applicationId"));
  ASSERT_EQ(admin("POST", kDev + "/subscriptions", R"({"applicationId":")" + app_id + R"(","apiId":")" + api +
                                                       R"(","throttlingPolicy":"Unlimited"})").status, 201);
  const std::string old_token = str(json_of(form("/oauth2/token", "grant_type=client_credentials", ck, cs))["access_token"]);
  ASSERT_EQ(wait_for_status("/rot/1.0.0/x", [](int s) { return s == 401; }), 401);
  auto rot = admin("POST", kAdminApi + "/signing-keys/rotate");
  ASSERT_EQ(rot.status, 201) << rot.body;
  const std::string new_kid = str(json_of(rot)["kid"]);
  const std::string new_token = str(json_of(form("/oauth2/token", "grant_type=client_credentials", ck, cs))["access_token"]);
  EXPECT_EQ(crypto::parse_jwt(new_token, nullptr)->kid, new_kid);
  EXPECT_EQ(json_of(mgmt().get("/oauth2/jwks"))["keys"].as_array().size(), 2u);
  for (const auto& t : {old_token, new_token}) {
    int status = 0;
    for (int i = 0; i < 200 && status != 200; ++i) {
      status = gw().get("/rot/1.0.0/x", {{"Authorization", "Bearer " + t}}).status;
      if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_EQ(status, 200);
  }
  EXPECT_EQ(as("nobody", "POST", kAdminApi + "/signing-keys/rotate").status, 401);
}

TEST_F(UsersRoles, DynamicClientRegistrationGivesAClientForTheTokenEndpoint) {
  make_user("dcr", "creator");
  const std::string body = R"({"callbackUrl":"www.example.com","clientName":"rest_api_publisher","owner":"dcr",)"
                           R"("grantType":"client_credentials password refresh_token","saasApp":true})";
  auto r = as("dcr", "POST", "/client-registration/v0.17/register", body);
  ASSERT_EQ(r.status, 201) << r.body;
  auto o = json_of(r);
  EXPECT_EQ(str(o["clientName"]), "dcr_rest_api_publisher");
  EXPECT_EQ(str(o["appOwner"]), "dcr");
  const std::string id = str(o["clientId"]);
  auto t = form("/oauth2/token", "grant_type=password&username=dcr&password=" + kPw + "&scope=apim:api_view%20apim:api_create",
                id, str(o["clientSecret"]));
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(str(json_of(t)["scope"]), "apim:api_view apim:api_create");
  EXPECT_EQ(bearer(str(json_of(t)["access_token"]), "GET", kApis).status, 200);
  // Registering again returns the same client with a new secret.
  auto again = as("dcr", "POST", "/client-registration/v0.17/register", body);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(str(json_of(again)["clientId"]), id);
  EXPECT_EQ(form("/oauth2/token", "grant_type=client_credentials", id, str(o["clientSecret"])).status, 401);
  EXPECT_EQ(form("/oauth2/token", "grant_type=client_credentials", id, str(json_of(again)["clientSecret"])).status, 200);
  EXPECT_EQ(as("dcr", "POST", "/client-registration/v0.17/register", R"({"owner":"dcr"})").status, 400);
  EXPECT_EQ(as("dcr", "POST", "/client-registration/v0.17/register", R"({"clientName":"x","owner":"admin"})").status, 403);
  EXPECT_EQ(mgmt().call("POST", "/client-registration/v0.17/register", body, "", "").status, 401);
}

TEST_F(UsersRoles, BasicAuthApisCheckUsersAndTheirRolesAgainstScopes) {
  make_user("bella", "subscriber");
  make_user("pete", "publisher");
  const std::string id = create_api(api_body(
      "BasicApi", "/basicapi",
      R"([{"target":"/open","verb":"GET"},{"target":"/admin","verb":"GET","scopes":["ops:manage"]}])", "",
      R"("securityScheme":["basic_auth"],"scopes":[{"scope":{"name":"ops:manage","bindings":["publisher"]}}],)"));
  deploy(id, create_revision(id));
  ASSERT_EQ(wait_for_status("/basicapi/1.0.0/open", [](int s) { return s == 401; }), 401);
  auto get = [&](const std::string& path, const std::string& user, const std::string& pw) {
    return gw().get(path, {{"Authorization", basic_auth(user, pw)}});
  };
  auto missing = gw().get("/basicapi/1.0.0/open");
  EXPECT_EQ(json_of(missing)["code"], 900902);
  EXPECT_NE(missing.header("www-authenticate").find("Basic"), std::string::npos);
  auto ok = get("/basicapi/1.0.0/open", "bella", kPw);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_FALSE(json_of(ok)["headers"].as_object().contains("authorization"));  // credentials stay at the gateway
  auto wrong = get("/basicapi/1.0.0/open", "bella", "nope-nope");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(json_of(wrong)["code"], 900901);
  EXPECT_EQ(json_of(get("/basicapi/1.0.0/admin", "bella", kPw))["code"], 900910);
  EXPECT_EQ(get("/basicapi/1.0.0/admin", "pete", kPw).status, 200);
  EXPECT_EQ(get("/basicapi/1.0.0/open", "nobody", kPw).status, 401);
  EXPECT_EQ(gw().get("/basicapi/1.0.0/open", {{"Authorization", "Basic %%%"}}).status, 401);
}

TEST_F(UsersRoles, ABasicAuthenticatedCallerCannotForgeTheBackendJwt) {
  make_user("bert", "subscriber");
  const std::string id = create_api(api_body("BasicJwt", "/basicjwt", R"([{"target":"/*","verb":"GET"}])", "",
                                             R"("securityScheme":["basic_auth"],"enableBackendJWT":true,)"));
  deploy(id, create_revision(id));
  ASSERT_EQ(wait_for_status("/basicjwt/1.0.0/x", [](int s) { return s == 401; }), 401);
  auto r = gw().get("/basicjwt/1.0.0/x", {{"Authorization", basic_auth("bert", kPw)}, {"X-JWT-Assertion", "forged"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(json_of(r)["headers"].as_object().contains("x-jwt-assertion")) << r.body;
}

TEST_F(UsersRoles, TokensCarryTheApiScopesTheUsersRolesAreBoundToAsApisChange) {
  make_user("sam", "publisher");
  auto [ck, cs] = client_of("admin", "ScopeShopApp");  // the password grant: sam's roles decide
  auto scopes_of_sam = [&, ck = ck, cs = cs] {
    auto t = form("/oauth2/token", "grant_type=password&username=sam&password=" + kPw +
                                       "&scope=shop:open%20shop:pub%20shop:admin%20shop:none%20shop:open",
                  ck, cs);
    EXPECT_EQ(t.status, 200) << t.body;
    return str(json_of(t)["scope"]);
  };
  auto body = [&](const std::string& admin_binding) {
    return api_body("ScopeShop", "/scopeshop", R"([{"target":"/*","verb":"GET"}])", "",
                    R"("scopes":[{"scope":{"name":"shop:open","bindings":[]}},)"
                    R"({"scope":{"name":"shop:pub","bindings":["subscriber","publisher"]}},)"
                    R"({"scope":{"name":"shop:admin","bindings":[")" + admin_binding + R"("]}}],)");
  };
  const std::string id = create_api(body("admin"));
  EXPECT_EQ(scopes_of_sam(), "shop:open shop:pub");
  ASSERT_EQ(admin("PUT", kApis + "/" + id, body("publisher")).status, 200);
  EXPECT_EQ(scopes_of_sam(), "shop:open shop:pub shop:admin");
  ASSERT_EQ(admin("DELETE", kApis + "/" + id).status, 200);
  EXPECT_EQ(scopes_of_sam(), "default");
}

TEST(SelfSignUp, CanBeSwitchedOff) {
  ServerOptions o;
  o.extra_args = {"--set", "devportal.self_signup=false"};
  ServerProcess s(o);
  auto r = HttpClient("127.0.0.1", s.management_port())
               .call("POST", kDev + "/me/sign-up", R"({"username":"eve","password":"password-123"})", "", "");
  EXPECT_EQ(r.status, 403);
}

}  // namespace
}  // namespace archway::testing
