// Shared scopes (the Publisher's /scopes): defined once, referenced by APIs with "shared": true,
// granted by the token endpoint by their own bindings, enforced by the gateway like local scopes,
// and kept while an API uses them.
#include "crypto/base64url.h"
#include "integration/fixture.h"

namespace archway::testing {
namespace {

const std::string kScopes = "/api/am/publisher/v4/scopes";
const std::string kUsers = "/api/am/admin/v4/users";

class SharedScopes : public ServerSuite {
 protected:
  std::string create_scope(const std::string& body) {
    auto r = admin("POST", kScopes, body);
    EXPECT_EQ(r.status, 201) << r.body;
    return str(json_of(r)["id"]);
  }
  static std::string id_of(const std::string& name) { return crypto::base64url_encode(name); }
};

TEST_F(SharedScopes, CrudFollowsTheProductShapes) {
  auto created = admin("POST", kScopes,
                       R"({"name":"orders:read","displayName":"Read orders","description":"Reads","bindings":["Internal/subscriber"]})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto s = json_of(created);
  const std::string id = str(s["id"]);
  EXPECT_EQ(created.header("location"), kScopes + "/" + id);
  EXPECT_EQ(str(s["name"]), "orders:read");
  EXPECT_EQ(str(s["displayName"]), "Read orders");
  EXPECT_EQ(str(s["bindings"].as_array().at(0)), "subscriber");
  EXPECT_EQ(s["usageCount"], 0);

  auto list = admin("GET", kScopes + "?limit=10&offset=0");
  ASSERT_EQ(list.status, 200) << list.body;
  auto l = json_of(list);
  EXPECT_GE(l["count"].as_int64(), 1);
  EXPECT_EQ(l["pagination"].at("limit"), 10);
  EXPECT_GE(l["pagination"].at("total").as_int64(), 1);

  EXPECT_EQ(str(json_of(admin("GET", kScopes + "/" + id))["description"]), "Reads");
  auto put = admin("PUT", kScopes + "/" + id, R"({"name":"orders:read","description":"Reads orders","bindings":[]})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(str(json_of(put)["description"]), "Reads orders");
  EXPECT_TRUE(json_of(put)["bindings"].as_array().empty());

  EXPECT_EQ(admin("HEAD", kScopes + "/" + id_of("orders:read")).status, 200);
  EXPECT_EQ(admin("HEAD", kScopes + "/" + id_of("apim:api_view")).status, 200);  // a management scope is taken too
  EXPECT_EQ(admin("HEAD", kScopes + "/" + id_of("orders:none")).status, 404);

  EXPECT_EQ(admin("DELETE", kScopes + "/" + id).status, 200);
  EXPECT_EQ(admin("GET", kScopes + "/" + id).status, 404);
}

TEST_F(SharedScopes, BadBodiesUnknownIdsAndCallersAreRefused) {
  create_scope(R"({"name":"dup:scope"})");
  EXPECT_EQ(admin("POST", kScopes, R"({"name":"dup:scope"})").status, 409);
  EXPECT_EQ(admin("POST", kScopes, R"({"displayName":"no name"})").status, 400);
  EXPECT_EQ(admin("POST", kScopes, R"({"name":"bad scope"})").status, 400);
  EXPECT_EQ(admin("POST", kScopes, R"({"name":"apim:mine"})").status, 400);
  auto role = admin("POST", kScopes, R"({"name":"x:y","bindings":["king"]})");
  EXPECT_EQ(role.status, 400);
  EXPECT_NE(role.body.find("bindings[0]"), std::string::npos) << role.body;
  EXPECT_EQ(admin("POST", kScopes, "{not json").status, 400);
  const std::string id = create_scope(R"({"name":"keep:name"})");
  EXPECT_EQ(admin("PUT", kScopes + "/" + id, R"({"name":"other:name"})").status, 400);
  EXPECT_EQ(admin("GET", kScopes + "/nope").status, 404);
  EXPECT_EQ(admin("PUT", kScopes + "/nope", R"({"name":"keep:name"})").status, 404);
  EXPECT_EQ(admin("DELETE", kScopes + "/nope").status, 404);
  EXPECT_EQ(admin("GET", kScopes + "/nope/usage").status, 404);

  EXPECT_EQ(mgmt().get(kScopes).status, 401);
  ASSERT_EQ(admin("POST", kUsers, R"({"username":"sid","password":"password-123","roles":["subscriber"]})").status, 201);
  EXPECT_EQ(mgmt().call("GET", kScopes, "", "sid", "password-123").status, 403);
  EXPECT_EQ(mgmt().call("POST", kScopes, R"({"name":"sid:scope"})", "sid", "password-123").status, 403);
  ASSERT_EQ(admin("POST", kUsers, R"({"username":"pat","password":"password-123","roles":["publisher"]})").status, 201);
  EXPECT_EQ(mgmt().call("GET", kScopes, "", "pat", "password-123").status, 200);  // publishers read
  EXPECT_EQ(mgmt().call("POST", kScopes, R"({"name":"pat:scope"})", "pat", "password-123").status, 403);
}

TEST_F(SharedScopes, AnOperationNamingASharedScopeNeedsATokenGrantedByItsBindings) {
  const std::string scope_id = create_scope(R"({"name":"stock:write","bindings":["creator"]})");
  const std::string scopes = R"("scopes":[{"scope":{"name":"stock:write"},"shared":true}],)";
  const std::string api = create_api(api_body("Stock", "/stock",
                                              R"([{"target":"/read","verb":"GET"},{"target":"/write","verb":"GET","scopes":["stock:write"]}])",
                                              "", R"("policies":["Unlimited"],)" + scopes));
  auto got = json_of(admin("GET", kApis + "/" + api));
  const auto& entry = got["scopes"].as_array().at(0);
  EXPECT_EQ(entry.at("shared"), true);
  EXPECT_EQ(str(entry.at("scope").at("bindings").as_array().at(0)), "creator");  // the shared definition
  ASSERT_EQ(admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + api + "&action=Publish").status, 200);
  deploy(api, create_revision(api));
  Client c = application("StockApp");
  subscribe(c.app_id, api);
  EXPECT_EQ(wait_for_call("/stock/1.0.0/read", c.token, 200), 200);
  EXPECT_EQ(call("/stock/1.0.0/write", c.token).status, 403);  // token scope "default"

  // A subscriber asking for the scope gets it only once the shared scope binds the subscriber role.
  ASSERT_EQ(admin("POST", kUsers, R"({"username":"sue","password":"password-123","roles":["subscriber"]})").status, 201);
  auto password_token = [&] {
    auto t = form("/oauth2/token", "grant_type=password&username=sue&password=password-123&scope=stock:write",
                  c.consumer_key, c.consumer_secret);
    EXPECT_EQ(t.status, 200) << t.body;
    return json_of(t);
  };
  EXPECT_EQ(str(password_token()["scope"]), "default");
  ASSERT_EQ(admin("PUT", kScopes + "/" + scope_id, R"({"name":"stock:write","bindings":["subscriber"]})").status, 200);
  auto t = password_token();
  EXPECT_EQ(str(t["scope"]), "stock:write");
  EXPECT_EQ(call("/stock/1.0.0/write", str(t["access_token"])).status, 200);

  // Usage names the API and its operations; a scope in use cannot be deleted.
  auto usage = admin("GET", kScopes + "/" + scope_id + "/usage");
  ASSERT_EQ(usage.status, 200) << usage.body;
  auto u = json_of(usage);
  EXPECT_EQ(str(u["name"]), "stock:write");
  const auto& used = u["usedApiList"].as_array().at(0);
  EXPECT_EQ(str(used.at("name")), "Stock");
  EXPECT_EQ(str(used.at("usedResourceList").as_array().at(0).at("target")), "/write");
  EXPECT_EQ(json_of(admin("GET", kScopes + "/" + scope_id))["usageCount"], 1);
  auto in_use = admin("DELETE", kScopes + "/" + scope_id);
  EXPECT_EQ(in_use.status, 409);
  EXPECT_NE(in_use.body.find("stock:write"), std::string::npos) << in_use.body;
}

TEST_F(SharedScopes, ApisMustReferenceExistingSharedScopesAndNotShadowThem) {
  create_scope(R"({"name":"mail:send"})");
  auto unknown = admin("POST", kApis, api_body("NoShared", "/noshared", R"([{"target":"/*","verb":"GET","scopes":["mail:none"]}])",
                                               "", R"("scopes":[{"scope":{"name":"mail:none"},"shared":true}],)"));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("scopes[0]"), std::string::npos) << unknown.body;
  auto shadow = admin("POST", kApis, api_body("Shadow", "/shadow", R"([{"target":"/*","verb":"GET"}])", "",
                                              R"("scopes":[{"scope":{"name":"mail:send"},"shared":false}],)"));
  EXPECT_EQ(shadow.status, 400);
  // A shared scope may not take the name of a scope an API defines for itself.
  create_api(api_body("Local", "/local", R"([{"target":"/*","verb":"GET"}])", "",
                      R"("scopes":[{"scope":{"name":"local:only"},"shared":false}],)"));
  EXPECT_EQ(admin("POST", kScopes, R"({"name":"local:only"})").status, 409);
}

}  // namespace
}  // namespace archway::testing
