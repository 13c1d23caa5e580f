// The API lifecycle (issue #5) against the real binary: the product's transitions, the check
// list, the history, what publishing needs, and what each state does at the gateway and in the
// Developer Portal.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "fixture.h"

namespace archway::testing {
namespace {

const std::string kLifecycle = "/api/am/publisher/v4/apis/change-lifecycle";

class ApiLifecycle : public ServerSuite {
 protected:
  HttpResponse change(const std::string& id, const std::string& action,
                      const std::string& checklist = "") {
    std::string target = kLifecycle + "?apiId=" + id + "&action=" + enc(action);
    if (!checklist.empty()) target += "&lifecycleChecklist=" + enc(checklist);
    return admin("POST", target);
  }
  void move(const std::string& id, const std::string& action, const std::string& checklist = "") {
    auto r = change(id, action, checklist);
    ASSERT_EQ(r.status, 200) << action << ": " << r.body;
  }
  std::string state_of(const std::string& id) {
    return str(json_of(admin("GET", kApis + "/" + id + "/lifecycle-state"))["state"]);
  }
  // An API offering Unlimited and Gold, with a production endpoint and one secured GET operation.
  std::string body(const std::string& name, const std::string& context,
                   const std::string& version = "1.0.0", const std::string& extra = "") {
    return R"({"name":")" + name + R"(","context":")" + context + R"(","version":")" + version +
           R"(","policies":["Unlimited","Gold"],"endpointConfig":{"endpoint_type":"http","production_endpoints":{"url":")" +
           backend_->url("/backend") + R"("}},)" + extra +
           R"("operations":[{"target":"/*","verb":"GET"}]})";
  }
  void deploy_now(const std::string& id) { deploy(id, create_revision(id)); }
  std::vector<std::string> devportal_ids() {
    std::vector<std::string> ids;
    const auto list = json_of(admin("GET", kDev + "/apis"));
    for (const auto& a : list.at("list").as_array()) ids.push_back(str(a.at("id")));
    return ids;
  }
  static bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  }
  HttpResponse subscribe_raw(const std::string& app_id, const std::string& api_id) {
    return admin("POST", kDev + "/subscriptions",
                 R"({"applicationId":")" + app_id + R"(","apiId":")" + api_id +
                     R"(","throttlingPolicy":"Unlimited"})");
  }
};

TEST_F(ApiLifecycle, EveryLegalTransitionMovesTheStateAndIsRecorded) {
  const std::string id = create_api(body("Walker", "/walker"));
  const std::vector<std::pair<std::string, std::string>> walk = {
      {"Deploy as a Prototype", "PROTOTYPED"},
      {"Deploy as a Prototype", "PROTOTYPED"},
      {"Demote to Created", "CREATED"},
      {"Publish", "PUBLISHED"},
      {"Publish", "PUBLISHED"},
      {"Deploy as a Prototype", "PROTOTYPED"},
      {"Publish", "PUBLISHED"},
      {"Demote to Created", "CREATED"},
      {"Publish", "PUBLISHED"},
      {"Block", "BLOCKED"},
      {"Re-Publish", "PUBLISHED"},
      {"Block", "BLOCKED"},
      {"Deprecate", "DEPRECATED"},
      {"Retire", "RETIRED"}};
  for (const auto& [action, want] : walk) {
    auto r = change(id, action);
    ASSERT_EQ(r.status, 200) << action << ": " << r.body;
    auto o = json_of(r);
    EXPECT_EQ(str(o["workflowStatus"]), "APPROVED");
    EXPECT_EQ(str(o["lifecycleState"].at("state")), want) << action;
    EXPECT_EQ(state_of(id), want);
    EXPECT_EQ(str(json_of(admin("GET", kApis + "/" + id))["lifeCycleStatus"]), want);
  }
  // The one transition the walk above leaves out: PUBLISHED straight to DEPRECATED.
  const std::string other = create_api(body("Walker2", "/walker2"));
  move(other, "Publish");
  move(other, "Deprecate");
  EXPECT_EQ(state_of(other), "DEPRECATED");

  auto history = json_of(admin("GET", kApis + "/" + id + "/lifecycle-history"));
  EXPECT_EQ(history["count"], static_cast<int>(walk.size()) + 1);  // and the creation
  auto list = history["list"].as_array();
  EXPECT_EQ(str(list.back().at("previousState")), "DEPRECATED");
  EXPECT_EQ(str(list.back().at("postState")), "RETIRED");
}

TEST_F(ApiLifecycle, LifecycleStateShowsTransitionsAndCheckItemsLikeTheProduct) {
  const std::string id = create_api(body("Shape", "/shape"));
  auto o = json_of(admin("GET", kApis + "/" + id + "/lifecycle-state"));
  EXPECT_EQ(str(o["state"]), "CREATED");
  EXPECT_EQ(o["availableTransitions"],
            boost::json::parse(R"([{"event":"Publish","targetState":"PUBLISHED"},
      {"event":"Deploy as a Prototype","targetState":"PROTOTYPED"}])"));
  EXPECT_EQ(o["checkItems"], boost::json::parse(R"([
      {"name":"Deprecate old versions after publishing the API","value":false,"requiredStates":[]},
      {"name":"Requires re-subscription when publishing the API","value":false,"requiredStates":[]}])"));
  auto published = json_of(change(id, "Publish"));
  EXPECT_TRUE(published["lifecycleState"].at("checkItems").as_array().empty());
  EXPECT_EQ(published["lifecycleState"].at("availableTransitions").as_array().size(), 5u);
  EXPECT_EQ(published["lifecycleState"],
            boost::json::value(json_of(admin("GET", kApis + "/" + id + "/lifecycle-state"))));
}

TEST_F(ApiLifecycle, IllegalTransitionIs400NamingTheStateAndTheAllowedActions) {
  const std::string id = create_api(body("Illegal", "/illegal"));
  auto r = change(id, "Block");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("'CREATED'"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("allowed: Publish, Deploy as a Prototype"), std::string::npos) << r.body;
  r = change(id, "Re-Publish");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("'CREATED'"), std::string::npos) << r.body;

  move(id, "Publish");
  move(id, "Block");
  r = change(id, "Publish");  // a blocked API comes back with Re-Publish
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("'BLOCKED'"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("allowed: Deprecate, Re-Publish"), std::string::npos) << r.body;
  move(id, "Deprecate");
  EXPECT_EQ(change(id, "Re-Publish").status, 400);
  move(id, "Retire");
  r = change(id, "Publish");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("'RETIRED'"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("final"), std::string::npos) << r.body;
  EXPECT_EQ(state_of(id), "RETIRED");
  auto o = json_of(admin("GET", kApis + "/" + id + "/lifecycle-state"));
  EXPECT_TRUE(o["availableTransitions"].as_array().empty());
}

TEST_F(ApiLifecycle, BadLifecycleCallsAre400Or404AndChangeNothing) {
  const std::string id = create_api(body("BadCalls", "/badcalls"));
  auto unknown = change(id, "Explode");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("Unknown lifecycle action 'Explode'"), std::string::npos)
      << unknown.body;
  EXPECT_EQ(change(id, "publish").status, 400);  // action names are the product's, exactly
  EXPECT_EQ(admin("POST", kLifecycle + "?apiId=" + id).status, 400);
  EXPECT_EQ(admin("POST", kLifecycle + "?action=Publish").status, 400);
  auto checklist = change(id, "Publish", "Launch rockets:true");
  EXPECT_EQ(checklist.status, 400);
  EXPECT_NE(checklist.body.find("'Launch rockets'"), std::string::npos) << checklist.body;
  EXPECT_EQ(change(id, "Publish", "Deprecate old versions:maybe").status, 400);
  EXPECT_EQ(state_of(id), "CREATED");
  EXPECT_EQ(json_of(admin("GET", kApis + "/" + id + "/lifecycle-history"))["count"], 1);

  EXPECT_EQ(change("no-such-api", "Publish").status, 404);
  EXPECT_EQ(admin("GET", kApis + "/no-such-api/lifecycle-state").status, 404);
  EXPECT_EQ(admin("GET", kApis + "/no-such-api/lifecycle-history").status, 404);
  auto json = json_of(unknown);
  EXPECT_EQ(json["code"], 400);
  EXPECT_TRUE(json.contains("description"));
}

TEST_F(ApiLifecycle, PublishNeedsAnEndpointAndATierPrototypeAnEndpoint) {
  auto bare = admin(
      "POST", kApis,
      R"({"name":"Bare","context":"/bare","version":"1.0.0","operations":[{"target":"/*","verb":"GET"}]})");
  ASSERT_EQ(bare.status, 201) << bare.body;
  const std::string id = str(json_of(bare)["id"]);
  auto r = change(id, "Publish");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("endpoint"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("'policies'"), std::string::npos) << r.body;
  r = change(id, "Deploy as a Prototype");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("endpoint"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("'policies'"), std::string::npos) << r.body;  // a prototype offers no tiers

  // With an endpoint but no tier: a prototype yes, a published API no.
  ASSERT_EQ(
      admin("PUT", kApis + "/" + id, api_body("Bare", "/bare", R"([{"target":"/*","verb":"GET"}])"))
          .status,
      200);
  r = change(id, "Publish");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("at least one subscription tier in 'policies'"), std::string::npos)
      << r.body;
  EXPECT_EQ(r.body.find("an endpoint"), std::string::npos) << r.body;
  move(id, "Deploy as a Prototype");
  EXPECT_EQ(change(id, "Publish").status, 400);
  EXPECT_EQ(state_of(id), "PROTOTYPED");

  // A sandbox endpoint is an endpoint.
  const std::string sandbox = create_api(
      R"({"name":"SandboxOnly","context":"/sandboxonly","version":"1.0.0","policies":["Unlimited"],)"
      R"("endpointConfig":{"endpoint_type":"http","sandbox_endpoints":{"url":"http://127.0.0.1:1/x"}},)"
      R"("operations":[{"target":"/*","verb":"GET"}]})");
  move(sandbox, "Publish");

  // A published API keeps what publishing needed.
  auto dropped = admin(
      "PUT", kApis + "/" + sandbox,
      R"({"name":"SandboxOnly","context":"/sandboxonly","version":"1.0.0",)"
      R"("endpointConfig":{"endpoint_type":"http","sandbox_endpoints":{"url":"http://127.0.0.1:1/x"}},)"
      R"("operations":[{"target":"/*","verb":"GET"}]})");
  EXPECT_EQ(dropped.status, 400);
  EXPECT_NE(dropped.body.find("PUBLISHED"), std::string::npos) << dropped.body;
  EXPECT_NE(dropped.body.find("'policies'"), std::string::npos) << dropped.body;
}

TEST_F(ApiLifecycle, LifecycleHistoryRecordsEachChangeWithItsUser) {
  ASSERT_EQ(admin("POST", "/api/am/admin/v4/users",
                  R"({"username":"pia","password":"password-123","roles":["publisher"]})")
                .status,
            201);
  const std::string id = create_api(body("Hist", "/hist"));
  auto published = mgmt().call("POST", kLifecycle + "?apiId=" + id + "&action=Publish", "", "pia",
                               "password-123");
  ASSERT_EQ(published.status, 200) << published.body;
  move(id, "Block");
  auto h = json_of(admin("GET", kApis + "/" + id + "/lifecycle-history"));
  ASSERT_EQ(h["count"], 3);
  auto list = h["list"].as_array();
  EXPECT_TRUE(list[0].at("previousState").is_null());
  EXPECT_EQ(str(list[0].at("postState")), "CREATED");
  EXPECT_EQ(str(list[0].at("user")), "admin");
  EXPECT_EQ(str(list[1].at("previousState")), "CREATED");
  EXPECT_EQ(str(list[1].at("postState")), "PUBLISHED");
  EXPECT_EQ(str(list[1].at("user")), "pia");
  EXPECT_EQ(str(list[2].at("previousState")), "PUBLISHED");
  EXPECT_EQ(str(list[2].at("postState")), "BLOCKED");
  EXPECT_EQ(str(list[2].at("user")), "admin");
  for (const auto& e : list) {
    const std::string t = str(e.at("updatedTime"));
    EXPECT_EQ(t.size(), 24u) << t;  // 2025-01-02T03:04:05.678Z
    EXPECT_EQ(t.back(), 'Z') << t;
  }
  EXPECT_LE(str(list[1].at("updatedTime")), str(list[2].at("updatedTime")));
  // Reading the history takes a reader's role; changing the lifecycle a publisher's.
  ASSERT_EQ(admin("POST", "/api/am/admin/v4/users",
                  R"({"username":"cid","password":"password-123","roles":["creator"]})")
                .status,
            201);
  EXPECT_EQ(
      mgmt().call("GET", kApis + "/" + id + "/lifecycle-history", "", "cid", "password-123").status,
      200);
  EXPECT_EQ(mgmt()
                .call("POST", kLifecycle + "?apiId=" + id + "&action=Re-Publish", "", "cid",
                      "password-123")
                .status,
            403);
}

TEST_F(ApiLifecycle, PublishWithDeprecateOldVersionsDeprecatesOlderPublishedVersions) {
  const std::string v09 = create_api(body("Versioned", "/versioned", "0.9"));
  const std::string v1 = create_api(body("Versioned", "/versioned", "1.0.0"));
  const std::string v1b = create_api(body("Versioned", "/versioned", "1.5.0"));
  const std::string v3 = create_api(body("Versioned", "/versioned", "3.0.0"));
  const std::string theirs =
      create_api(body("Versioned", "/versioned", "1.2.0", R"("provider":"someone",)"));
  const std::string v2 = create_api(body("Versioned", "/versioned", "2.0.0"));
  move(v09, "Publish");
  move(v1, "Publish");
  move(v3, "Publish");
  move(theirs, "Publish");
  // v1b stays CREATED: only PUBLISHED versions are deprecated.
  move(v2, "Publish");  // without the check item: nothing else moves
  EXPECT_EQ(state_of(v1), "PUBLISHED");
  move(v2, "Publish", "Deprecate old versions:true,Requires re-subscription:false");
  EXPECT_EQ(state_of(v09), "DEPRECATED");
  EXPECT_EQ(state_of(v1), "DEPRECATED");
  EXPECT_EQ(state_of(v1b), "CREATED");
  EXPECT_EQ(state_of(v3), "PUBLISHED");      // newer
  EXPECT_EQ(state_of(theirs), "PUBLISHED");  // another provider's API
  EXPECT_EQ(state_of(v2), "PUBLISHED");
  auto h = json_of(admin("GET", kApis + "/" + v1 + "/lifecycle-history"))["list"].as_array();
  EXPECT_EQ(str(h.back().at("previousState")), "PUBLISHED");
  EXPECT_EQ(str(h.back().at("postState")), "DEPRECATED");
}

TEST_F(ApiLifecycle, SubscriptionsOfOlderVersionsCarryOverUnlessReSubscriptionIsRequired) {
  const std::string v1 = create_api(body("Carried", "/carried", "1.0.0"));
  move(v1, "Publish");
  Client c = application("CarryApp");
  subscribe(c.app_id, v1, "Gold");

  const std::string v2 = create_api(body("Carried", "/carried", "2.0.0"));
  move(v2, "Publish");
  auto subs =
      json_of(admin("GET", kDev + "/subscriptions?applicationId=" + c.app_id + "&apiId=" + v2));
  ASSERT_EQ(subs["count"], 1) << boost::json::serialize(subs);
  EXPECT_EQ(str(subs["list"].as_array()[0].at("throttlingPolicy")), "Gold");
  deploy_now(v2);
  EXPECT_EQ(wait_for_call("/carried/2.0.0/x", c.token, 200), 200);  // no new subscription needed

  const std::string v3 = create_api(body("Carried", "/carried", "3.0.0"));
  move(v3, "Publish", "Requires re-subscription:true");
  EXPECT_EQ(json_of(admin("GET", kDev + "/subscriptions?applicationId=" + c.app_id +
                                     "&apiId=" + v3))["count"],
            0);
  deploy_now(v3);
  EXPECT_EQ(wait_for_call("/carried/3.0.0/x", c.token, 403), 403);
  EXPECT_EQ(json_of(call("/carried/3.0.0/x", c.token))["code"], 900908);
}

TEST_F(ApiLifecycle, FullWalkThroughTheGateway) {
  const std::string id = create_api(body("Walk", "/lcwalk"));
  move(id, "Publish");
  deploy_now(id);
  Client early = application("EarlyApp");
  subscribe(early.app_id, id);
  const std::string path = "/lcwalk/1.0.0/pets";
  ASSERT_EQ(wait_for_call(path, early.token, 200), 200);

  // BLOCKED: every call is refused with the product's 700700, credentials or not.
  move(id, "Block");
  EXPECT_EQ(wait_for_call(path, early.token, 503), 503);
  auto blocked = call(path, early.token);
  ASSERT_EQ(blocked.status, 503);
  EXPECT_EQ(blocked.header("content-type"), "application/json");
  auto b = json_of(blocked);
  EXPECT_EQ(b["code"], 700700);
  EXPECT_EQ(str(b["message"]), "API blocked");
  EXPECT_EQ(str(b["description"]),
            "This API has been blocked temporarily. Please try again later or contact the system "
            "administrators.");
  EXPECT_EQ(gw().get(path).status, 503);
  EXPECT_FALSE(has(devportal_ids(), id));
  EXPECT_EQ(admin("GET", kDev + "/apis/" + id).status, 404);

  // Re-published: back as it was.
  move(id, "Re-Publish");
  EXPECT_EQ(wait_for_call(path, early.token, 200), 200);
  EXPECT_EQ(gw().get(path).status, 401);

  // DEPRECATED: existing subscriptions keep working; no new ones.
  move(id, "Deprecate");
  Client late = application("LateApp");
  auto refused = subscribe_raw(late.app_id, id);
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("DEPRECATED"), std::string::npos) << refused.body;
  EXPECT_TRUE(has(devportal_ids(), id));
  EXPECT_EQ(str(json_of(admin("GET", kDev + "/apis/" + id))["lifeCycleStatus"]), "DEPRECATED");
  EXPECT_EQ(call(path, early.token).status, 200);
  EXPECT_EQ(call(path, late.token).status, 403);

  // RETIRED: undeployed from every environment and gone from the Developer Portal.
  move(id, "Retire");
  EXPECT_EQ(wait_for_call(path, early.token, 404), 404);
  EXPECT_EQ(json_of(admin("GET", kApis + "/" + id + "/deployments"))["count"], 0);
  EXPECT_FALSE(has(devportal_ids(), id));
  EXPECT_EQ(admin("GET", kDev + "/apis/" + id).status, 404);
  EXPECT_EQ(subscribe_raw(late.app_id, id).status, 404);
  auto redeploy =
      admin("POST", kApis + "/" + id + "/deploy-revision?revisionId=" + create_revision(id),
            R"([{"name":"Default"}])");
  EXPECT_EQ(redeploy.status, 409);
  EXPECT_NE(redeploy.body.find("RETIRED"), std::string::npos) << redeploy.body;
  EXPECT_EQ(str(json_of(admin("GET", kApis + "/" + id))["lifeCycleStatus"]), "RETIRED");
}

TEST_F(ApiLifecycle, PrototypedApiIsCallableWithATokenOfAnUnsubscribedApplication) {
  const std::string id = create_api(body("Proto", "/proto"));
  move(id, "Deploy as a Prototype");
  deploy_now(id);
  Client c = application("ProtoApp");  // never subscribes
  const std::string path = "/proto/1.0.0/try";
  EXPECT_EQ(wait_for_call(path, c.token, 200), 200);
  EXPECT_EQ(gw().get(path).status, 401);  // still secured: a token is needed
  EXPECT_EQ(call(path, "not-a-token").status, 401);
  EXPECT_TRUE(has(devportal_ids(), id));
  auto refused = subscribe_raw(c.app_id, id);
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("PROTOTYPED"), std::string::npos) << refused.body;

  // Published, the same API needs a subscription again.
  move(id, "Publish");
  EXPECT_EQ(wait_for_call(path, c.token, 403), 403);
  subscribe(c.app_id, id);
  EXPECT_EQ(wait_for_call(path, c.token, 200), 200);
}

TEST_F(ApiLifecycle, CreatedApiCanBeDeployedAndIsNotInTheDeveloperPortal) {
  const std::string id = create_api(body("Draft", "/draft", "1.0.0"));
  deploy_now(id);
  EXPECT_EQ(wait_for_status("/draft/1.0.0/x", [](int s) { return s == 401; }), 401);
  EXPECT_FALSE(has(devportal_ids(), id));
  EXPECT_EQ(state_of(id), "CREATED");
}

}  // namespace
}  // namespace archway::testing
