// The Admin API's platform gateways (issue #16: /gateways): registration with a one-time token,
// the full representation on PUT with name and vhost fixed, token regeneration, deletion, and the
// error cases. The token's use at the gateway feed is in cluster_roles_test.cc.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kPw = "password-123";
const std::string kGateways = "/api/am/admin/v4/gateways";

class PlatformGateways : public ServerSuite {
 protected:
  static std::string body(const std::string& name, const std::string& extra = "") {
    return R"({"name":")" + name + R"(","displayName":"Gateway )" + name +
           R"(","vhost":"https://)" + name + R"(.example.com:9443")" + extra + "}";
  }
};

TEST_F(PlatformGateways, RegisteredGatewaysAreListedUpdatedAndDeleted) {
  auto created = admin("POST", kGateways,
                       body("prod-gw-1", R"(,"description":"first","properties":{"region":"us-west"},)"
                                         R"("permissions":{"permissionType":"ALLOW","roles":["publisher"]})"));
  ASSERT_EQ(created.status, 201) << created.body;
  auto o = json_of(created);
  const std::string id = str(o["id"]);
  EXPECT_GE(str(o["registrationToken"]).size(), 40u);
  EXPECT_FALSE(o["isActive"].as_bool());
  EXPECT_EQ(str(o["properties"].at("region")), "us-west");
  EXPECT_EQ(str(o["permissions"].at("permissionType")), "ALLOW");

  const json::object listed = json_of(admin("GET", kGateways));
  bool found = false;
  for (const auto& g : listed.at("list").as_array())
    if (str(g.at("id")) == id) {
      found = true;
      EXPECT_FALSE(g.as_object().contains("registrationToken"));  // shown once
      EXPECT_EQ(str(g.at("vhost")), "https://prod-gw-1.example.com:9443");
    }
  EXPECT_TRUE(found);

  auto updated = admin("PUT", kGateways + "/" + id, body("prod-gw-1", R"(,"description":"renamed")"));
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(str(json_of(updated)["description"]), "renamed");
  EXPECT_EQ(str(json_of(updated)["permissions"].at("permissionType")), "PUBLIC");  // the full representation
  // name and vhost are immutable
  EXPECT_EQ(admin("PUT", kGateways + "/" + id, body("prod-gw-2")).status, 400);
  auto moved = admin("PUT", kGateways + "/" + id,
                     R"({"name":"prod-gw-1","displayName":"x","vhost":"https://elsewhere.example.com"})");
  EXPECT_EQ(moved.status, 400) << moved.body;

  ASSERT_EQ(admin("DELETE", kGateways + "/" + id).status, 200);
  EXPECT_EQ(admin("DELETE", kGateways + "/" + id).status, 404);
}

TEST_F(PlatformGateways, ErrorsAreProblemsWithTheRightStatus) {
  ASSERT_EQ(admin("POST", kGateways, body("dup-gw")).status, 201);
  auto dup = admin("POST", kGateways, body("dup-gw"));
  EXPECT_EQ(dup.status, 409) << dup.body;
  const std::pair<std::string, std::string> bad[] = {
      {body("UPPER"), "'name'"},
      {body("ab"), "'name'"},
      {R"({"name":"no-vhost","displayName":"x"})", "'vhost'"},
      {R"({"name":"bad-vhost","displayName":"x","vhost":"ftp://x"})", "'vhost'"},
      {R"({"name":"no-display","vhost":"https://x.example.com"})", "'displayName'"},
      {body("perm-gw", R"(,"permissions":{"permissionType":"DENY","roles":[]})"), "'permissions.roles'"},
      {body("perm-gw", R"(,"permissions":{"permissionType":"SOME"})"), "'permissions.permissionType'"},
      {"not json", ""},
  };
  for (const auto& [b, field] : bad) {
    auto r = admin("POST", kGateways, b);
    EXPECT_EQ(r.status, 400) << b << " -> " << r.body;
    EXPECT_EQ(json_of(r)["code"], 400);
    EXPECT_NE(r.body.find(field), std::string::npos) << b << " -> " << r.body;
  }
  EXPECT_EQ(admin("PUT", kGateways + "/no-such-gateway", body("x-gw")).status, 404);
  EXPECT_EQ(admin("POST", kGateways + "/no-such-gateway/regenerate-token").status, 404);
  ASSERT_EQ(admin("POST", "/api/am/admin/v4/users",
                  R"({"username":"gwcreator","password":")" + kPw + R"(","roles":["creator"]})").status, 201);
  EXPECT_EQ(mgmt().call("GET", kGateways, "", "gwcreator", kPw).status, 403);
  EXPECT_EQ(mgmt().call("POST", kGateways, body("sneaky-gw"), "gwcreator", kPw).status, 403);
}

}  // namespace
}  // namespace archway::testing
