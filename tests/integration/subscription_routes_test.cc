// Subscription routes beyond the single subscription: several created at once (all or none), the
// product's additional subscription information of an API, and the Publisher's view of who
// subscribed.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kPw = "password-123";

class SubscriptionRoutes : public ServerSuite {
 protected:
  void make_user(const std::string& name) {
    auto r = admin("POST", "/api/am/admin/v4/users",
                   R"({"username":")" + name + R"(","password":")" + kPw + R"(","roles":["subscriber"]})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  static std::string item(const std::string& app, const std::string& api, const std::string& tier = "Unlimited") {
    return R"({"applicationId":")" + app + R"(","apiId":")" + api + R"(","throttlingPolicy":")" + tier + R"("})";
  }
  std::int64_t subscription_count(const std::string& app_id) {
    return json_of(admin("GET", kDev + "/subscriptions?applicationId=" + app_id))["count"].as_int64();
  }
};

TEST_F(SubscriptionRoutes, SeveralSubscriptionsAreCreatedTogetherAndReachTheGateway) {
  const std::string one = secured_api("MultiOne", "/multi-one");
  const std::string two = secured_api("MultiTwo", "/multi-two");
  Client c = application("MultiApp");
  auto r = admin("POST", kDev + "/subscriptions/multiple", "[" + item(c.app_id, one) + "," + item(c.app_id, two, "Gold") + "]");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::array made = json::parse(r.body).as_array();
  ASSERT_EQ(made.size(), 2u);
  EXPECT_EQ(str(made[0].at("apiId")), one);
  EXPECT_EQ(str(made[1].at("throttlingPolicy")), "Gold");
  EXPECT_EQ(str(made[1].at("status")), "UNBLOCKED");
  EXPECT_FALSE(str(made[0].at("subscriptionId")).empty());
  EXPECT_EQ(admin("GET", kDev + "/subscriptions/" + str(made[1].at("subscriptionId"))).status, 200);
  EXPECT_EQ(subscription_count(c.app_id), 2);
  EXPECT_EQ(call("/multi-one/1.0.0/x", c.token).status, 200);
  EXPECT_EQ(call("/multi-two/1.0.0/x", c.token).status, 200);
}

TEST_F(SubscriptionRoutes, OneBadItemMeansNothingIsSubscribed) {
  const std::string good = secured_api("AllOrNone", "/all-or-none");
  const std::string taken = secured_api("Taken", "/taken");
  Client c = application("AllOrNoneApp");
  subscribe(c.app_id, taken);
  make_user("multi-other");
  auto others = mgmt().call("POST", kDev + "/applications", R"({"name":"OthersApp"})", "multi-other", kPw);
  ASSERT_EQ(others.status, 201);
  const std::string others_app = str(json_of(others)["applicationId"]);

  const std::string first = item(c.app_id, good);
  const std::vector<std::tuple<std::string, int, std::string>> cases = {
      {"[" + first + "," + item(c.app_id, "no-such-api") + "]", 404, "[1]"},
      {"[" + first + "," + item("no-such-app", good) + "]", 404, "[1]"},
      {"[" + first + "," + item(c.app_id, taken, "NoSuchTier") + "]", 400, "[1]"},
      {"[" + first + R"(,{"apiId":")" + good + R"(","throttlingPolicy":"Unlimited"}])", 400, "applicationId"},
      {"[" + first + ",7]", 400, "[1]"},
      {"[" + first + "," + first + "]", 409, "[1]"},
      {"[" + first + "," + item(c.app_id, taken) + "]", 409, "[1]"},
      {"[]", 400, ""},
      {first, 400, "array"},
      {"[" + first, 400, ""},
  };
  for (const auto& [body, status, says] : cases) {
    auto r = admin("POST", kDev + "/subscriptions/multiple", body);
    EXPECT_EQ(r.status, status) << body << " -> " << r.body;
    EXPECT_EQ(json_of(r)["code"], status) << body;
    if (!says.empty()) {
      EXPECT_NE(str(json_of(r)["description"]).find(says), std::string::npos) << r.body;
    }
  }
  // Another user's application does not exist for a caller who is not an admin.
  auto foreign = mgmt().call("POST", kDev + "/subscriptions/multiple",
                             "[" + item(others_app, good) + "," + item(c.app_id, good) + "]", "multi-other", kPw);
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  EXPECT_NE(str(json_of(foreign)["description"]).find("[1]"), std::string::npos) << foreign.body;
  EXPECT_EQ(json_of(mgmt().call("GET", kDev + "/subscriptions?applicationId=" + others_app, "", "multi-other", kPw))["count"], 0);
  EXPECT_EQ(subscription_count(c.app_id), 1);  // only the one made before
  EXPECT_EQ(call("/all-or-none/1.0.0/x", c.token).status, 403);
  EXPECT_EQ(mgmt().call("POST", kDev + "/subscriptions/multiple", "[" + first + "]", "", "").status, 401);
}

TEST_F(SubscriptionRoutes, AdditionalInfoListsTheCallersSubscriptionsToTheApi) {
  const std::string api = secured_api("InfoApi", "/info-api");
  Client a = application("InfoAppA");
  Client b = application("InfoAppB");
  const std::string sub_a = subscribe(a.app_id, api);
  subscribe(b.app_id, api);
  const std::string target = kDev + "/subscriptions/" + api + "/additionalInfo";
  auto r = admin("GET", target);
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = json_of(r);
  EXPECT_EQ(o["count"], 2);
  EXPECT_EQ(o["pagination"].at("total"), 2);
  const auto& first = o["list"].as_array().at(0).as_object();
  EXPECT_EQ(str(first.at("subscriptionId")), sub_a);
  EXPECT_EQ(str(first.at("applicationId")), a.app_id);
  EXPECT_EQ(str(first.at("applicationName")), "InfoAppA");
  EXPECT_EQ(str(first.at("apiId")), api);
  EXPECT_EQ(first.at("isSolaceAPI"), false);
  auto page = json_of(admin("GET", target + "?limit=1&offset=1"));
  EXPECT_EQ(page["count"], 1);
  EXPECT_EQ(str(page["list"].as_array().at(0).at("applicationName")), "InfoAppB");
  EXPECT_NE(str(page["pagination"].at("previous")).find("offset=0"), std::string::npos);

  make_user("info-other");  // sees only the subscriptions of its own applications
  auto other = mgmt().call("GET", target, "", "info-other", kPw);
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(json_of(other)["count"], 0);
  EXPECT_EQ(mgmt().call("GET", target, "", "", "").status, 401);
  EXPECT_EQ(admin("GET", kDev + "/subscriptions/no-such-api/additionalInfo").status, 404);
  EXPECT_EQ(admin("GET", target + "?limit=0").status, 400);
}

TEST_F(SubscriptionRoutes, PublisherSeesWhoSubscribed) {
  const std::string api = secured_api("WhoApi", "/who-api");
  make_user("who-sub");
  auto app = mgmt().call("POST", kDev + "/applications", R"({"name":"WhoApp"})", "who-sub", kPw);
  ASSERT_EQ(app.status, 201);
  auto sub = mgmt().call("POST", kDev + "/subscriptions", item(str(json_of(app)["applicationId"]), api), "who-sub", kPw);
  ASSERT_EQ(sub.status, 201) << sub.body;
  const std::string target = "/api/am/publisher/v4/subscriptions/" + str(json_of(sub)["subscriptionId"]) + "/subscriber-info";
  auto r = admin("GET", target);
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = json_of(r);
  EXPECT_EQ(str(o["name"]), "who-sub");
  bool role_claim = false;
  for (const auto& c : o["claims"].as_array()) {
    EXPECT_TRUE(c.as_object().contains("URI"));
    if (str(c.at("URI")) == "http://wso2.org/claims/role") role_claim = str(c.at("value")) == "subscriber";
  }
  EXPECT_TRUE(role_claim) << r.body;
  EXPECT_EQ(admin("GET", "/api/am/publisher/v4/subscriptions/no-such-subscription/subscriber-info").status, 404);
  EXPECT_EQ(mgmt().call("GET", target, "", "who-sub", kPw).status, 403);
  EXPECT_EQ(mgmt().call("GET", target, "", "", "").status, 401);
}

}  // namespace
}  // namespace archway::testing
