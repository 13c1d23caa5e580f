// The Admin's /system-scopes: which roles hold each management scope decides, from the next call on,
// who may call which management route and what the token endpoint grants; role aliases make one
// role count as another.
#include "crypto/base64url.h"
#include "integration/fixture.h"

namespace archway::testing {
namespace {

const std::string kSystem = "/api/am/admin/v4/system-scopes";
const std::string kUsers = "/api/am/admin/v4/users";

class SystemScopes : public ServerSuite {
 protected:
  static std::string id_of(const std::string& name) { return crypto::base64url_encode(name); }
  void user(const std::string& name, const std::string& role) {
    ASSERT_EQ(admin("POST", kUsers, R"({"username":")" + name + R"(","password":"password-123","roles":[")" + role + R"("]})").status,
              201);
  }
  int as(const std::string& name, const std::string& method, const std::string& target) {
    return mgmt().call(method, target, "", name, "password-123").status;
  }
  static const boost::json::object* scope_named(const boost::json::object& list, const std::string& name) {
    for (const auto& v : list.at("list").as_array())
      if (str(v.at("name")) == name) return &v.as_object();
    return nullptr;
  }
};

TEST_F(SystemScopes, APutChangesWhoMayCallARouteWithoutRestart) {
  user("pia", "publisher");
  auto list = admin("GET", kSystem);
  ASSERT_EQ(list.status, 200) << list.body;
  const auto mapping = json_of(list);
  const auto* view = scope_named(mapping, "apim:api_view");
  ASSERT_NE(view, nullptr) << list.body;
  std::vector<std::string> roles;
  for (const auto& r : view->at("roles").as_array()) roles.push_back(str(r));
  EXPECT_NE(std::find(roles.begin(), roles.end(), "publisher"), roles.end());
  EXPECT_EQ(as("pia", "GET", kApis), 200);
  EXPECT_EQ(admin("GET", kSystem + "/" + id_of("apim:api_view") + "?username=pia").status, 200);

  auto put = admin("PUT", kSystem, R"({"list":[{"name":"apim:api_view","roles":["admin","Internal/creator"]}]})");
  ASSERT_EQ(put.status, 200) << put.body;
  const auto changed = json_of(put);
  ASSERT_NE(scope_named(changed, "apim:api_view"), nullptr) << put.body;
  EXPECT_EQ(scope_named(changed, "apim:api_view")->at("roles").as_array().size(), 2u);
  EXPECT_EQ(as("pia", "GET", kApis), 403);
  EXPECT_EQ(admin("GET", kSystem + "/" + id_of("apim:api_view") + "?username=pia").status, 404);
  // The token endpoint follows the mapping too.
  Client c = application("SysScopeApp");
  auto t = form("/oauth2/token", "grant_type=password&username=pia&password=password-123&scope=apim:api_view",
                c.consumer_key, c.consumer_secret);
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(str(json_of(t)["scope"]), "default");

  ASSERT_EQ(admin("PUT", kSystem, R"({"list":[{"name":"apim:api_view","roles":["admin","creator","publisher"]}]})").status, 200);
  EXPECT_EQ(as("pia", "GET", kApis), 200);
  // The admin role keeps every scope whatever the mapping says.
  ASSERT_EQ(admin("PUT", kSystem, R"({"list":[{"name":"apim:admin","roles":[]}]})").status, 200);
  EXPECT_EQ(admin("GET", kSystem).status, 200);
  ASSERT_EQ(admin("PUT", kSystem, R"({"list":[{"name":"apim:admin","roles":["admin"]}]})").status, 200);
}

TEST_F(SystemScopes, OneScopeIsReadByItsEncodedName) {
  auto r = admin("GET", kSystem + "/" + id_of("apim:subscribe"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json_of(r)["name"]), "apim:subscribe");
  EXPECT_EQ(admin("GET", kSystem + "/" + id_of("apim:nothing")).status, 404);
  EXPECT_EQ(admin("GET", kSystem + "/%21%21").status, 404);
  EXPECT_EQ(admin("GET", kSystem + "/" + id_of("apim:subscribe") + "?username=nobody").status, 404);
}

TEST_F(SystemScopes, RoleAliasesLetOneRoleCountAsAnother) {
  user("cai", "creator");
  EXPECT_EQ(admin("GET", kSystem + "/" + id_of("apim:api_publish") + "?username=cai").status, 404);
  auto put = admin("PUT", kSystem + "/role-aliases", R"({"list":[{"role":"Internal/publisher","aliases":["creator"]}]})");
  ASSERT_EQ(put.status, 200) << put.body;
  auto got = json_of(admin("GET", kSystem + "/role-aliases"));
  EXPECT_EQ(got["count"], 1);
  EXPECT_EQ(str(got["list"].as_array().at(0).at("role")), "publisher");
  EXPECT_EQ(str(got["list"].as_array().at(0).at("aliases").as_array().at(0)), "creator");
  EXPECT_EQ(admin("GET", kSystem + "/" + id_of("apim:api_publish") + "?username=cai").status, 200);
  ASSERT_EQ(admin("PUT", kSystem + "/role-aliases", R"({"list":[]})").status, 200);
  EXPECT_EQ(admin("GET", kSystem + "/" + id_of("apim:api_publish") + "?username=cai").status, 404);
}

TEST_F(SystemScopes, BadChangesAndCallersAreRefused) {
  EXPECT_EQ(admin("PUT", kSystem, R"({"list":[{"name":"apim:api_view","roles":["king"]}]})").status, 400);
  EXPECT_EQ(admin("PUT", kSystem, R"({"list":[{"name":"apim:nothing","roles":["admin"]}]})").status, 400);
  EXPECT_EQ(admin("PUT", kSystem, R"({"scopes":[]})").status, 400);
  EXPECT_EQ(admin("PUT", kSystem, "[").status, 400);
  EXPECT_EQ(admin("PUT", kSystem + "/role-aliases", R"({"list":[{"role":"king","aliases":["x"]}]})").status, 400);
  EXPECT_EQ(admin("PUT", kSystem + "/role-aliases", R"({"list":[{"role":"publisher","aliases":["publisher"]}]})").status, 400);
  EXPECT_EQ(mgmt().get(kSystem).status, 401);
  user("cid", "creator");
  EXPECT_EQ(as("cid", "GET", kSystem), 403);
  EXPECT_EQ(as("cid", "PUT", kSystem), 403);

  EXPECT_EQ(admin("HEAD", "/api/am/admin/v4/roles/" + id_of("Internal/publisher")).status, 200);
  EXPECT_EQ(admin("HEAD", "/api/am/admin/v4/roles/" + id_of("king")).status, 404);
}

}  // namespace
}  // namespace archway::testing
