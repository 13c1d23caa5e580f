// The Admin API's view of every API: GET /apis (the search the admin portal makes, a page of
// {provider, name, version, id}) and POST /apis/{apiId}/change-provider (hand an API to another
// existing user).
#include "integration/fixture.h"

namespace archway::testing {
namespace {

const std::string kAdminApis = "/api/am/admin/v4/apis";
const std::string kUsers = "/api/am/admin/v4/users";
const std::string kPw = "password-123";

class AdminApis : public ServerSuite {
 protected:
  void make_user(const std::string& name, const std::string& role) {
    auto r = admin("POST", kUsers,
                   R"({"username":")" + name + R"(","password":")" + kPw + R"(","roles":[")" + role + R"("]})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  std::string provider_of(const std::string& id) { return str(json_of(admin("GET", kApis + "/" + id))["provider"]); }
};

TEST_F(AdminApis, TheAdminSearchesEveryApiAPageAtATime) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(create_api(api_body("AdmFind" + std::to_string(i), "/admfind" + std::to_string(i))));
  create_api(api_body("Unrelated", "/unrelatedadm"));

  auto first = admin("GET", kAdminApis + "?query=AdmFind&limit=2");
  ASSERT_EQ(first.status, 200) << first.body;
  auto page = json_of(first);
  EXPECT_EQ(page["count"], 2);
  ASSERT_EQ(page["apis"].as_array().size(), 2u);
  const auto& a = page["apis"].as_array()[0].as_object();
  EXPECT_EQ(str(a.at("id")), ids[0]);
  EXPECT_EQ(str(a.at("name")), "AdmFind0");
  EXPECT_EQ(str(a.at("version")), "1.0.0");
  EXPECT_EQ(str(a.at("provider")), "admin");
  EXPECT_EQ(page["pagination"].at("total"), 3);
  EXPECT_EQ(str(page["pagination"].at("next")), kAdminApis + "?query=AdmFind&limit=2&offset=2");

  auto rest = json_of(admin("GET", kAdminApis + "?query=AdmFind&limit=2&offset=2"));
  EXPECT_EQ(rest["count"], 1);
  EXPECT_EQ(str(rest["apis"].as_array()[0].at("id")), ids[2]);
  EXPECT_EQ(str(rest["pagination"].at("next")), "");

  auto all = json_of(admin("GET", kAdminApis + "?limit=1000"));
  EXPECT_GE(all["pagination"].at("total").as_int64(), 4);
  EXPECT_EQ(json_of(admin("GET", kAdminApis + "?query=name:AdmFind1"))["count"], 1);

  EXPECT_EQ(admin("GET", kAdminApis + "?limit=0").status, 400);
  EXPECT_EQ(admin("GET", kAdminApis + "?offset=x").status, 400);
  auto bad_prefix = admin("GET", kAdminApis + "?query=colour:blue");
  EXPECT_EQ(bad_prefix.status, 400);
  EXPECT_EQ(json_of(bad_prefix)["code"], 400);
}

TEST_F(AdminApis, ChangeProviderHandsTheApiToAnExistingUser) {
  make_user("new-owner", "creator");
  const std::string id = create_api(api_body("AdmHandOver", "/admhandover"));
  auto r = admin("POST", kAdminApis + "/" + id + "/change-provider?provider=new-owner");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(provider_of(id), "new-owner");
  // Searches find it under its new provider.
  auto found = json_of(admin("GET", kAdminApis + "?query=provider:new-owner"));
  ASSERT_EQ(found["count"], 1);
  EXPECT_EQ(str(found["apis"].as_array()[0].at("id")), id);
  EXPECT_EQ(json_of(admin("GET", kApis + "?query=provider:new-owner"))["count"], 1);
  // User names are matched as users sign in (case-insensitively) and stored as the user spells it.
  ASSERT_EQ(admin("POST", kAdminApis + "/" + id + "/change-provider?provider=ADMIN").status, 200);
  EXPECT_EQ(provider_of(id), "admin");
}

TEST_F(AdminApis, ChangeProviderRefusesUnknownUsersApisAndAMissingProvider) {
  const std::string id = create_api(api_body("AdmKeep", "/admkeep"));
  auto unknown_user = admin("POST", kAdminApis + "/" + id + "/change-provider?provider=nobody-here");
  EXPECT_EQ(unknown_user.status, 400) << unknown_user.body;
  EXPECT_EQ(json_of(unknown_user)["code"], 400);
  EXPECT_EQ(admin("POST", kAdminApis + "/" + id + "/change-provider").status, 400);
  EXPECT_EQ(admin("POST", kAdminApis + "/" + id + "/change-provider?provider=").status, 400);
  EXPECT_EQ(provider_of(id), "admin");
  auto unknown_api = admin("POST", kAdminApis + "/01234567-89ab-cdef-0123-456789abcdef/change-provider?provider=admin");
  EXPECT_EQ(unknown_api.status, 404) << unknown_api.body;
  EXPECT_EQ(json_of(unknown_api)["code"], 404);
}

TEST_F(AdminApis, OnlyAdministratorsSeeAndHandOverApis) {
  make_user("adm-creator", "creator");
  const std::string id = create_api(api_body("AdmGuarded", "/admguarded"));
  EXPECT_EQ(mgmt().call("GET", kAdminApis, "", "adm-creator", kPw).status, 403);
  EXPECT_EQ(mgmt().call("POST", kAdminApis + "/" + id + "/change-provider?provider=adm-creator", "", "adm-creator", kPw)
                .status,
            403);
  EXPECT_EQ(mgmt().get(kAdminApis).status, 401);
  EXPECT_EQ(provider_of(id), "admin");
}

}  // namespace
}  // namespace archway::testing
