// The Developer Portal's reset-throttle-policy: the application-tier counters of one user start
// afresh in the Traffic Manager, so a caller the tier throttled is admitted again at once.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

const std::string kPw = "password-123";

class ApplicationThrottleReset : public ServerSuite {
 protected:
  std::string reset_path(const std::string& app_id) { return kDev + "/applications/" + app_id + "/reset-throttle-policy"; }
  // A secured API and an application on a tier of two requests a minute, subscribed to it.
  Client throttled_client(const std::string& name, const std::string& context) {
    auto t = admin("POST", "/api/am/admin/v4/throttling/policies/application",
                   R"({"policyName":")" + name +
                       R"(Tier","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":2}}})");
    EXPECT_EQ(t.status, 201) << t.body;
    const std::string api = secured_api(name, context);
    Client c = application(name + "App", "PRODUCTION", name + "Tier");
    subscribe(c.app_id, api);
    return c;
  }
};

TEST_F(ApplicationThrottleReset, ThrottledUserIsAdmittedAgainRightAfterTheReset) {
  Client c = throttled_client("Resettable", "/resettable");
  const std::string target = "/resettable/1.0.0/x";
  ASSERT_EQ(wait_for_call(target, c.token, 200), 200);
  EXPECT_EQ(call(target, c.token).status, 200);
  auto throttled = call(target, c.token);
  ASSERT_EQ(throttled.status, 429);
  EXPECT_EQ(json_of(throttled)["code"], 900803);

  // Another user's counters are not this caller's.
  ASSERT_EQ(admin("POST", reset_path(c.app_id), R"({"userName":"someone-else"})").status, 200);
  EXPECT_EQ(call(target, c.token).status, 429);

  auto reset = admin("POST", reset_path(c.app_id), R"({"userName":"admin"})");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(call(target, c.token).status, 200);  // no waiting: the answer came after the gateway applied it
  EXPECT_EQ(call(target, c.token).status, 200);
  EXPECT_EQ(call(target, c.token).status, 429);  // the tier counts afresh from the reset
}

TEST_F(ApplicationThrottleReset, BadBodiesAre400AndChangeNothing) {
  Client c = throttled_client("NoReset", "/noreset");
  const std::string target = "/noreset/1.0.0/x";
  ASSERT_EQ(wait_for_call(target, c.token, 200), 200);
  EXPECT_EQ(call(target, c.token).status, 200);
  ASSERT_EQ(call(target, c.token).status, 429);
  for (const std::string& body : std::vector<std::string>{"{}", R"({"userName":""})", R"({"userName":7})", R"({"userName":null})", "not json",
                                 R"(["admin"])", R"({"userName":"ad\u0001min"})",
                                 R"({"userName":")" + std::string(300, 'u') + R"("})"}) {
    auto r = admin("POST", reset_path(c.app_id), body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    EXPECT_EQ(json_of(r)["code"], 400) << body;
  }
  EXPECT_EQ(call(target, c.token).status, 429);
}

TEST_F(ApplicationThrottleReset, OnlyTheOwnerMayResetAndUnknownApplicationsAre404) {
  Client c = throttled_client("Guarded", "/guarded");
  ASSERT_EQ(admin("POST", "/api/am/admin/v4/users",
                  R"({"username":"reset-other","password":")" + kPw + R"(","roles":["subscriber"]})")
                .status,
            201);
  const std::string body = R"({"userName":"admin"})";
  EXPECT_EQ(mgmt().call("POST", reset_path(c.app_id), body, "reset-other", kPw).status, 404);
  EXPECT_EQ(mgmt().call("POST", reset_path(c.app_id), body, "", "").status, 401);
  auto unknown = admin("POST", reset_path("no-such-app"), body);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(json_of(unknown)["code"], 404);
}

}  // namespace
}  // namespace archway::testing
