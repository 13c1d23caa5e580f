// Admin key manager usages: the applications holding keys of a key manager and the APIs that
// accept its tokens.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

const std::string kKeyManagers = "/api/am/admin/v4/key-managers";

class KeyManagerUsages : public ServerSuite {};

TEST_F(KeyManagerUsages, ApplicationsWithKeysOfTheResidentKeyManagerAreListedAndPaged) {
  const Client first = application("UsageFirst");
  application("UsageSecond");
  auto r = admin("GET", kKeyManagers + "/resident/app-usages?limit=1");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = json_of(r);
  EXPECT_GE(body.at("applicationCount").as_int64(), 2);
  ASSERT_EQ(body.at("applications").as_array().size(), 1u);
  // An application without keys is not a user of the key manager.
  auto created = admin("POST", kDev + "/applications", R"({"name":"UsageNoKeys","throttlingPolicy":"Unlimited"})");
  ASSERT_EQ(created.status, 201);
  const auto all = json_of(admin("GET", kKeyManagers + "/resident/app-usages?limit=1000"));
  bool with_keys = false, without = false;
  for (const auto& a : all.at("applications").as_array()) {
    with_keys = with_keys || str(a.at("uuid")) == first.app_id;
    without = without || str(a.at("name")) == "UsageNoKeys";
  }
  EXPECT_TRUE(with_keys);
  EXPECT_FALSE(without);
}

TEST_F(KeyManagerUsages, EveryApiAcceptsTheKeyManagersTokens) {
  create_api(api_body("KmUsage", "/kmusage"));
  const auto body = json_of(admin("GET", kKeyManagers + "/resident/api-usages?limit=1000"));
  EXPECT_GE(body.at("apiCount").as_int64(), 1);
  bool found = false;
  for (const auto& a : body.at("apis").as_array()) found = found || str(a.at("name")) == "KmUsage";
  EXPECT_TRUE(found);
}

TEST_F(KeyManagerUsages, UnknownKeyManagersAndBadPagesAreRefused) {
  EXPECT_EQ(admin("GET", kKeyManagers + "/no-such-km/app-usages").status, 404);
  EXPECT_EQ(admin("GET", kKeyManagers + "/no-such-km/api-usages").status, 404);
  EXPECT_EQ(admin("GET", kKeyManagers + "/resident/app-usages?limit=-1").status, 400);
  EXPECT_EQ(admin("GET", kKeyManagers + "/resident/api-usages?offset=x").status, 400);
  HttpClient c = mgmt();
  EXPECT_EQ(c.call("GET", kKeyManagers + "/resident/app-usages", "", "", "").status, 401);
}

}  // namespace
}  // namespace archway::testing
