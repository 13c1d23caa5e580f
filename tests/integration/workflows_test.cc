// Approval workflows: applications, subscriptions, tier changes, API state changes and revision
// deployments wait for an administrator when the Admin turns approval on for their kind; what waits
// stays pending (and out of the gateway) until approved.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kAdminApi = "/api/am/admin/v4";

class Workflows : public ServerSuite {
 protected:
  void TearDown() override {
    std::string items;
    for (const char* type : {"AM_APPLICATION_CREATION", "AM_SUBSCRIPTION_CREATION", "AM_SUBSCRIPTION_UPDATE",
                             "AM_API_STATE", "AM_API_PRODUCT_STATE", "AM_REVISION_DEPLOYMENT"})
      items += std::string(items.empty() ? "" : ",") + R"({"workflowType":")" + type + R"(","approvalRequired":false})";
    EXPECT_EQ(admin("PUT", kAdminApi + "/workflow-config", R"({"list":[)" + items + "]}").status, 200);
  }
  void require_approval(const std::string& type) {
    auto r = admin("PUT", kAdminApi + "/workflow-config",
                   R"({"list":[{"workflowType":")" + type + R"(","approvalRequired":true}]})");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // The pending task of `type` whose properties' `field` is `value`.
  json::object pending(const std::string& type, const std::string& field, const std::string& value) {
    auto r = admin("GET", kAdminApi + "/workflows?workflowType=" + type);
    EXPECT_EQ(r.status, 200) << r.body;
    const json::object body = json_of(r);
    for (const auto& w : body.at("list").as_array())
      if (str(w.at("properties").at(field)) == value) return w.as_object();
    ADD_FAILURE() << "no pending " << type << " with " << field << "=" << value << ": " << r.body;
    return {};
  }
  HttpResponse decide(const std::string& ref, const std::string& status) {
    return admin("POST", kAdminApi + "/workflows/update-workflow-status?workflowReferenceId=" + ref,
                 R"({"status":")" + status + R"(","description":"checked by the test"})");
  }
  HttpResponse generate_keys(const std::string& app_id) {
    return admin("POST", kDev + "/applications/" + app_id + "/generate-keys",
                 R"({"keyType":"PRODUCTION","grantTypesToBeSupported":["client_credentials"]})");
  }
};

TEST_F(Workflows, AnApplicationWaitsForApprovalAndGetsNoKeysUntilApproved) {
  require_approval("AM_APPLICATION_CREATION");
  auto r = admin("POST", kDev + "/applications", R"({"name":"WaitingApp","throttlingPolicy":"Unlimited"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string app = str(json_of(r)["applicationId"]);
  EXPECT_EQ(str(json_of(r)["status"]), "CREATED");
  auto keys = generate_keys(app);
  EXPECT_EQ(keys.status, 409) << keys.body;
  EXPECT_NE(str(json_of(keys)["description"]).find("waiting for approval"), std::string::npos) << keys.body;

  const json::object task = pending("AM_APPLICATION_CREATION", "applicationName", "WaitingApp");
  EXPECT_EQ(str(task.at("workflowType")), "APPLICATION_CREATION");
  EXPECT_EQ(str(task.at("workflowStatus")), "CREATED");
  EXPECT_NE(str(task.at("description")).find("WaitingApp"), std::string::npos);
  const std::string ref = str(task.at("referenceId"));
  EXPECT_EQ(str(json_of(admin("GET", kAdminApi + "/workflows/" + ref))["referenceId"]), ref);

  auto done = decide(ref, "APPROVED");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(str(json_of(done)["status"]), "APPROVED");
  EXPECT_EQ(str(json_of(admin("GET", kDev + "/applications/" + app))["status"]), "APPROVED");
  EXPECT_EQ(generate_keys(app).status, 200);
  // Decided once: a second decision and the finished task's record say so.
  EXPECT_EQ(decide(ref, "REJECTED").status, 409);
  EXPECT_EQ(str(json_of(admin("GET", kAdminApi + "/workflows/" + ref))["workflowStatus"]), "APPROVED");
}

TEST_F(Workflows, ARejectedApplicationGetsNoKeysAndADeletedOneLeavesNoTask) {
  require_approval("AM_APPLICATION_CREATION");
  auto r = admin("POST", kDev + "/applications", R"({"name":"RejectedApp"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string app = str(json_of(r)["applicationId"]);
  ASSERT_EQ(decide(str(pending("AM_APPLICATION_CREATION", "applicationName", "RejectedApp").at("referenceId")),
                   "REJECTED")
                .status,
            200);
  EXPECT_EQ(str(json_of(admin("GET", kDev + "/applications/" + app))["status"]), "REJECTED");
  EXPECT_EQ(generate_keys(app).status, 409);

  auto gone = admin("POST", kDev + "/applications", R"({"name":"GoneApp"})");
  const std::string gone_id = str(json_of(gone)["applicationId"]);
  const std::string ref = str(pending("AM_APPLICATION_CREATION", "applicationName", "GoneApp").at("referenceId"));
  ASSERT_EQ(admin("DELETE", kDev + "/applications/" + gone_id).status, 200);
  EXPECT_EQ(admin("GET", kAdminApi + "/workflows/" + ref).status, 404);
}

TEST_F(Workflows, ASubscriptionOnHoldDoesNotReachTheGatewayUntilApproved) {
  const std::string api = secured_api("HeldApi", "/held");
  Client c = application("HeldApp");
  require_approval("AM_SUBSCRIPTION_CREATION");
  auto r = admin("POST", kDev + "/subscriptions",
                 R"({"applicationId":")" + c.app_id + R"(","apiId":")" + api + R"(","throttlingPolicy":"Unlimited"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(str(json_of(r)["status"]), "ON_HOLD");
  EXPECT_EQ(call("/held/1.0.0/x", c.token).status, 403);

  const json::object task = pending("AM_SUBSCRIPTION_CREATION", "applicationId", c.app_id);
  EXPECT_EQ(str(task.at("properties").at("apiName")), "HeldApi");
  ASSERT_EQ(decide(str(task.at("referenceId")), "APPROVED").status, 200);
  EXPECT_EQ(wait_for_call("/held/1.0.0/x", c.token, 200), 200);
}

TEST_F(Workflows, ARejectedSubscriptionStaysOutOfTheGateway) {
  const std::string api = secured_api("RefusedApi", "/refused-sub");
  Client c = application("RefusedSubApp");
  require_approval("AM_SUBSCRIPTION_CREATION");
  const std::string sub = subscribe(c.app_id, api);
  ASSERT_EQ(decide(str(pending("AM_SUBSCRIPTION_CREATION", "applicationId", c.app_id).at("referenceId")), "REJECTED")
                .status,
            200);
  EXPECT_EQ(str(json_of(admin("GET", kDev + "/subscriptions/" + sub))["status"]), "REJECTED");
  EXPECT_EQ(call("/refused-sub/1.0.0/x", c.token).status, 403);
}

TEST_F(Workflows, ATierChangeWaitsForApprovalWhileTheCurrentTierKeepsServing) {
  const std::string api = secured_api("TierApi", "/tier-change");
  Client c = application("TierApp");
  const std::string sub = subscribe(c.app_id, api);
  ASSERT_EQ(wait_for_call("/tier-change/1.0.0/x", c.token, 200), 200);
  require_approval("AM_SUBSCRIPTION_UPDATE");
  const std::string body =
      R"({"applicationId":")" + c.app_id + R"(","apiId":")" + api + R"(","throttlingPolicy":"Gold"})";
  auto r = admin("PUT", kDev + "/subscriptions/" + sub, body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json_of(r)["status"]), "TIER_UPDATE_PENDING");
  EXPECT_EQ(str(json_of(r)["throttlingPolicy"]), "Unlimited");
  EXPECT_EQ(str(json_of(r)["requestedThrottlingPolicy"]), "Gold");
  auto read = json_of(admin("GET", kDev + "/subscriptions/" + sub));
  EXPECT_EQ(str(read["requestedThrottlingPolicy"]), "Gold");
  EXPECT_EQ(call("/tier-change/1.0.0/x", c.token).status, 200);
  EXPECT_EQ(admin("PUT", kDev + "/subscriptions/" + sub, body).status, 409);  // one change at a time

  ASSERT_EQ(decide(str(pending("AM_SUBSCRIPTION_UPDATE", "applicationId", c.app_id).at("referenceId")), "APPROVED")
                .status,
            200);
  read = json_of(admin("GET", kDev + "/subscriptions/" + sub));
  EXPECT_EQ(str(read["throttlingPolicy"]), "Gold");
  EXPECT_EQ(str(read["status"]), "UNBLOCKED");
  EXPECT_EQ(call("/tier-change/1.0.0/x", c.token).status, 200);
}

TEST_F(Workflows, AnApiStateChangeWaitsForApprovalAndItsPendingTaskCanBeDropped) {
  const std::string id = create_api(api_body("StateApi", "/state-wait", R"([{"target":"/*","verb":"GET"}])", "",
                                            R"("policies":["Unlimited"],)"));
  require_approval("AM_API_STATE");
  const std::string change = "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + id + "&action=Publish";
  auto r = admin("POST", change);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json_of(r)["workflowStatus"]), "CREATED");
  EXPECT_EQ(str(json_of(admin("GET", kApis + "/" + id + "/lifecycle-state"))["state"]), "CREATED");
  EXPECT_EQ(admin("POST", change).status, 409);  // one pending change per API
  EXPECT_EQ(admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + id + "&action=Retire").status, 400);

  ASSERT_EQ(admin("DELETE", kApis + "/" + id + "/lifecycle-state/pending-tasks").status, 200);
  ASSERT_EQ(admin("POST", change).status, 200);
  const json::object task = pending("AM_API_STATE", "apiName", "StateApi");
  EXPECT_EQ(str(task.at("properties").at("targetState")), "PUBLISHED");
  ASSERT_EQ(decide(str(task.at("referenceId")), "APPROVED").status, 200);
  EXPECT_EQ(str(json_of(admin("GET", kApis + "/" + id + "/lifecycle-state"))["state"]), "PUBLISHED");
  EXPECT_EQ(admin("DELETE", kApis + "/no-such-api/lifecycle-state/pending-tasks").status, 404);
}

TEST_F(Workflows, ARevisionDeploymentWaitsForApprovalAndTheGatewayServesItOnlyThen) {
  const std::string id = create_api(api_body("DeployWait", "/deploy-wait"));
  const std::string rev = create_revision(id);
  require_approval("AM_REVISION_DEPLOYMENT");
  auto r = admin("POST", kApis + "/" + id + "/deploy-revision?revisionId=" + rev, R"([{"name":"Default"}])");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(str(json::parse(r.body).as_array().at(0).at("status")), "CREATED");
  auto listed = json_of(admin("GET", kApis + "/" + id + "/deployments"));
  ASSERT_EQ(listed["count"].as_int64(), 1) << json::serialize(listed);
  EXPECT_EQ(str(listed["list"].as_array().at(0).at("status")), "CREATED");
  EXPECT_EQ(gw().get("/deploy-wait/1.0.0/x").status, 404);
  EXPECT_EQ(admin("POST", kApis + "/" + id + "/deploy-revision?revisionId=" + rev, R"([{"name":"Default"}])").status,
            409);

  // Cancelled, then asked again and approved.
  EXPECT_EQ(admin("DELETE", kApis + "/" + id + "/cancel-revision-workflow/" + rev + "/Default").status, 200);
  EXPECT_EQ(admin("DELETE", kApis + "/" + id + "/cancel-revision-workflow/" + rev + "/Default").status, 404);
  ASSERT_EQ(admin("POST", kApis + "/" + id + "/deploy-revision?revisionId=" + rev, R"([{"name":"Default"}])").status,
            201);
  ASSERT_EQ(decide(str(pending("AM_REVISION_DEPLOYMENT", "revisionId", rev).at("referenceId")), "APPROVED").status,
            200);
  EXPECT_EQ(wait_for_status("/deploy-wait/1.0.0/x", [](int s) { return s == 200; }), 200);
  listed = json_of(admin("GET", kApis + "/" + id + "/deployments"));
  EXPECT_EQ(str(listed["list"].as_array().at(0).at("status")), "APPROVED");
}

TEST_F(Workflows, BadWorkflowRequestsAreRefusedWithTheirReason) {
  const std::string upd = kAdminApi + "/workflows/update-workflow-status";
  EXPECT_EQ(admin("POST", upd + "?workflowReferenceId=nope", R"({"status":"APPROVED"})").status, 404);
  EXPECT_EQ(admin("POST", upd, R"({"status":"APPROVED"})").status, 400);
  EXPECT_EQ(admin("POST", upd + "?workflowReferenceId=nope", R"({"status":"MAYBE"})").status, 400);
  EXPECT_EQ(admin("POST", upd + "?workflowReferenceId=nope", "[").status, 400);
  EXPECT_EQ(admin("GET", kAdminApi + "/workflows?workflowType=AM_NOTHING").status, 400);
  EXPECT_EQ(admin("GET", kAdminApi + "/workflows?limit=0").status, 400);
  EXPECT_EQ(admin("GET", kAdminApi + "/workflows/nope").status, 404);
  EXPECT_EQ(admin("PUT", kAdminApi + "/workflow-config", R"({"list":[{"workflowType":"AM_NOTHING","approvalRequired":true}]})")
                .status,
            400);
  EXPECT_EQ(admin("PUT", kAdminApi + "/workflow-config", R"({"list":[{"workflowType":"AM_API_STATE"}]})").status, 400);
  EXPECT_EQ(admin("PUT", kAdminApi + "/workflow-config", R"({"list":7})").status, 400);
  // Nothing of a refused configuration was applied.
  const json::object config = json_of(admin("GET", kAdminApi + "/workflow-config"));
  for (const auto& t : config.at("list").as_array())
    EXPECT_FALSE(t.at("approvalRequired").as_bool()) << json::serialize(t);

  auto user = admin("POST", kAdminApi + "/users", R"({"username":"wf-subscriber","password":"password-123","roles":["subscriber"]})");
  ASSERT_EQ(user.status, 201) << user.body;
  EXPECT_EQ(mgmt().call("GET", kAdminApi + "/workflows", "", "wf-subscriber", "password-123").status, 403);
  EXPECT_EQ(mgmt().call("POST", upd + "?workflowReferenceId=x", R"({"status":"APPROVED"})", "wf-subscriber", "password-123")
                .status,
            403);
}

}  // namespace
}  // namespace archway::testing
