// The Traffic Manager in the gateway, end to end against the real binary: subscription,
// application, burst, advanced (API, resource, conditional) and backend limits, deny policies,
// the 429/403 bodies and headers, and policy changes reaching the gateway.
#include <atomic>
#include <thread>

#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kPolicies = "/api/am/admin/v4/throttling/policies/";
const std::string kDeny = "/api/am/admin/v4/throttling/deny-policies";

class GatewayThrottling : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    ServerOptions o;
    o.extra_args = {"--set", "gateway.workers=4"};  // exact whatever the number of worker threads
    server_ = new ServerProcess(o);
    backend_ = new Backend();
  }

  // Calls until the status is `want` (at most 1 s); the calls before that were not admitted
  // (401/403 come before throttling), so they use no quota.
  int until(const std::string& path, const std::string& token, int want) { return wait_for_call(path, token, want); }

  // Fires `n` calls from `threads` threads at once; returns the statuses' counts.
  std::map<int, int> burst(const std::string& path, const std::string& token, int threads, int n) {
    std::mutex mu;
    std::map<int, int> counts;
    std::vector<std::thread> ts;
    std::atomic<bool> go{false};
    for (int t = 0; t < threads; ++t)
      ts.emplace_back([&] {
        HttpClient c("127.0.0.1", server_->gateway_port());
        while (!go.load()) std::this_thread::yield();
        for (int i = 0; i < n / threads; ++i) {
          auto r = token.empty() ? c.get(path) : c.get(path, {{"Authorization", "Bearer " + token}});
          std::lock_guard lock(mu);
          ++counts[r.status];
        }
      });
    go = true;
    for (auto& t : ts) t.join();
    return counts;
  }
};

TEST_F(GatewayThrottling, SubscriptionTierAdmitsExactlyItsLimitUnderConcurrentClients) {
  subscription_tier("Ten", 10);
  Client c = subscribed_on("Ten", "Exact", "/exact");
  ASSERT_EQ(until("/exact/1.0.0/x", c.token, 200), 200);  // one of the ten
  auto counts = burst("/exact/1.0.0/x", c.token, 8, 80);
  EXPECT_EQ(counts[200], 9);
  EXPECT_EQ(counts[429], 71);
  auto r = call("/exact/1.0.0/x", c.token);
  ASSERT_EQ(r.status, 429);
  auto body = json_of(r);
  EXPECT_EQ(body["code"], 900804);
  EXPECT_EQ(str(body["message"]), "Message throttled out");
  EXPECT_NE(str(body["description"]).find("Ten"), std::string::npos);
  EXPECT_EQ(r.header("ratelimit-limit"), "10");
  EXPECT_EQ(r.header("ratelimit-remaining"), "0");
  const int retry = std::stoi(r.header("retry-after"));
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 60);
  EXPECT_EQ(r.header("ratelimit-reset"), r.header("retry-after"));
  EXPECT_EQ(r.header("content-type"), "application/json");
}

TEST_F(GatewayThrottling, ApplicationTierCountsAcrossAllTheApplicationsApis) {
  auto t = admin("POST", kPolicies + "application",
                 R"({"policyName":"Three","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":3}}})");
  ASSERT_EQ(t.status, 201) << t.body;
  const std::string a = secured_api("AppA", "/appa");
  const std::string b = secured_api("AppB", "/appb");
  Client c = application("Tiered", "PRODUCTION", "Three");
  subscribe(c.app_id, a);
  subscribe(c.app_id, b);
  ASSERT_EQ(until("/appa/1.0.0/x", c.token, 200), 200);
  ASSERT_EQ(until("/appb/1.0.0/x", c.token, 200), 200);
  EXPECT_EQ(call("/appa/1.0.0/x", c.token).status, 200);
  auto r = call("/appb/1.0.0/x", c.token);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(json_of(r)["code"], 900803);
  EXPECT_EQ(call("/appa/1.0.0/x", c.token).status, 429);
}

TEST_F(GatewayThrottling, BurstControlCapsRequestsInsideTheQuota) {
  subscription_tier("Spiky", 1000, R"(,"rateLimitCount":3,"rateLimitTimeUnit":"min")");
  Client c = subscribed_on("Spiky", "Spike", "/spike");
  ASSERT_EQ(until("/spike/1.0.0/x", c.token, 200), 200);
  auto counts = burst("/spike/1.0.0/x", c.token, 2, 10);
  EXPECT_EQ(counts[200], 2);
  auto r = call("/spike/1.0.0/x", c.token);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(json_of(r)["code"], 900807);
}

TEST_F(GatewayThrottling, BillingPlanThatDoesNotStopOnQuotaLetsTrafficThrough) {
  subscription_tier("Metered", 2, R"(,"stopOnQuotaReach":false,"billingPlan":"COMMERCIAL")");
  Client c = subscribed_on("Metered", "Meter", "/meter");
  ASSERT_EQ(until("/meter/1.0.0/x", c.token, 200), 200);
  auto counts = burst("/meter/1.0.0/x", c.token, 2, 10);
  EXPECT_EQ(counts[200], 10);
}

TEST_F(GatewayThrottling, ResourceAndConditionalAdvancedPoliciesLimitOperations) {
  auto p = admin("POST", kPolicies + "advanced", R"({"policyName":"Res2",
      "defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":4}},
      "conditionalGroups":[{"description":"free clients","conditions":[{"type":"HEADERCONDITION","invertCondition":false,
        "headerCondition":{"headerName":"X-Plan","headerValue":"free"}}],
        "limit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":1}}}]})");
  ASSERT_EQ(p.status, 201) << p.body;
  deployed_api(api_body("Adv", "/adv", R"([{"target":"/limited","verb":"GET","authType":"None","throttlingPolicy":"Res2"},
                                         {"target":"/free","verb":"GET","authType":"None"}])"),
               "/adv/1.0.0/free");
  auto c = gw();
  EXPECT_EQ(c.get("/adv/1.0.0/limited", {{"X-Plan", "free"}}).status, 200);
  auto r = c.get("/adv/1.0.0/limited", {{"X-Plan", "free"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(json_of(r)["code"], 900802);
  int ok = 0;
  for (int i = 0; i < 6; ++i) ok += c.get("/adv/1.0.0/limited").status == 200;
  EXPECT_EQ(ok, 4);  // requests outside the group use the default limit
  for (int i = 0; i < 6; ++i) EXPECT_EQ(c.get("/adv/1.0.0/free").status, 200);
}

TEST_F(GatewayThrottling, ApiLevelPolicyCoversEveryOperation) {
  auto p = admin("POST", kPolicies + "advanced",
                 R"({"policyName":"Api3","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":3}}})");
  ASSERT_EQ(p.status, 201) << p.body;
  deployed_api(api_body("ApiLvl", "/apilvl", R"([{"target":"/a","verb":"GET","authType":"None"},{"target":"/b","verb":"GET","authType":"None"}])",
                        "", R"("apiThrottlingPolicy":"Api3",)"),
               "/apilvl/1.0.0/a");  // the probe may have used one
  auto c = gw();
  int ok = 0;
  for (int i = 0; i < 3; ++i) ok += c.get("/apilvl/1.0.0/a").status == 200;
  auto r = c.get("/apilvl/1.0.0/b");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(json_of(r)["code"], 900800);
  EXPECT_GE(ok, 2);
}

TEST_F(GatewayThrottling, BackendMaxTpsIsAHardLimit) {
  deployed_api(api_body("Tps", "/tps", R"([{"target":"/*","verb":"GET","authType":"None"}])", "",
                        R"("maxTps":{"production":2},)"),
               "/tps/1.0.0/x");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // a fresh one-second window
  auto c = gw();
  std::map<int, int> counts;
  HttpResponse last;
  for (int i = 0; i < 5; ++i) {
    last = c.get("/tps/1.0.0/x");
    ++counts[last.status];
  }
  EXPECT_EQ(counts[200], 2);
  EXPECT_EQ(last.status, 429);
  EXPECT_EQ(json_of(last)["code"], 900801);
}

TEST_F(GatewayThrottling, UnauthenticatedOperationsUseTheUnauthenticatedTierPerClient) {
  auto list = json_of(admin("GET", kPolicies + "subscription"));
  std::string id;
  json::object original;
  for (const auto& p : list["list"].as_array())
    if (str(p.at("policyName")) == "Unauthenticated") {
      id = str(p.at("policyId"));
      original = p.as_object();
    }
  ASSERT_FALSE(id.empty());
  json::object changed = original;
  changed["defaultLimit"].as_object()["requestCount"].as_object()["requestCount"] = 3;
  ASSERT_EQ(admin("PUT", kPolicies + "subscription/" + id, json::serialize(changed)).status, 200);
  deployed_api(api_body("Anon", "/anon", R"([{"target":"/*","verb":"GET","authType":"None"}])"), "/anon/1.0.0/x");
  auto counts = burst("/anon/1.0.0/x", "", 2, 10);
  EXPECT_LE(counts[200], 2);  // three per minute for this client, the probe took one
  EXPECT_GE(counts[200], 1);
  auto r = gw().get("/anon/1.0.0/x");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(json_of(r)["code"], 900804);
  ASSERT_EQ(admin("PUT", kPolicies + "subscription/" + id, json::serialize(original)).status, 200);
}

TEST_F(GatewayThrottling, TierChangesReachTheGatewayWithinOneSecond) {
  const std::string tier = subscription_tier("Changing", 2);
  Client c = subscribed_on("Changing", "Chg", "/chg");
  ASSERT_EQ(until("/chg/1.0.0/x", c.token, 200), 200);
  EXPECT_EQ(call("/chg/1.0.0/x", c.token).status, 200);
  EXPECT_EQ(call("/chg/1.0.0/x", c.token).status, 429);
  auto r = admin("PUT", kPolicies + "subscription/" + tier,
                 R"({"policyName":"Changing","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":50}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(until("/chg/1.0.0/x", c.token, 200), 200);
}

TEST_F(GatewayThrottling, DenyPoliciesBlockWith403AndCanBeSwitchedOff) {
  const std::string api = secured_api("Deny", "/deny");
  Client c = application("BlockedApp");
  subscribe(c.app_id, api);
  ASSERT_EQ(until("/deny/1.0.0/x", c.token, 200), 200);

  auto d = admin("POST", kDeny, R"({"conditionType":"APPLICATION","conditionValue":"admin:BlockedApp","conditionStatus":true})");
  ASSERT_EQ(d.status, 201) << d.body;
  const std::string cond = str(json_of(d)["conditionId"]);
  ASSERT_EQ(until("/deny/1.0.0/x", c.token, 403), 403);
  auto r = call("/deny/1.0.0/x", c.token);
  EXPECT_EQ(json_of(r)["code"], 900805);
  EXPECT_EQ(str(json_of(r)["message"]), "Message blocked");

  ASSERT_EQ(admin("PATCH", "/api/am/admin/v4/throttling/deny-policy/" + cond, R"({"conditionStatus":false})").status, 200);
  EXPECT_EQ(until("/deny/1.0.0/x", c.token, 200), 200);

  auto ctx = admin("POST", kDeny, R"({"conditionType":"API","conditionValue":"/deny/1.0.0","conditionStatus":true})");
  ASSERT_EQ(ctx.status, 201) << ctx.body;
  EXPECT_EQ(until("/deny/1.0.0/x", c.token, 403), 403);
  ASSERT_EQ(admin("DELETE", "/api/am/admin/v4/throttling/deny-policy/" + str(json_of(ctx)["conditionId"])).status, 200);
  EXPECT_EQ(until("/deny/1.0.0/x", c.token, 200), 200);

  auto ip = admin("POST", kDeny, R"({"conditionType":"IPRANGE","conditionValue":{"startingIp":"127.0.0.0","endingIp":"127.255.255.255","invert":false},"conditionStatus":true})");
  ASSERT_EQ(ip.status, 201) << ip.body;
  EXPECT_EQ(until("/deny/1.0.0/x", c.token, 403), 403);
  ASSERT_EQ(admin("DELETE", "/api/am/admin/v4/throttling/deny-policy/" + str(json_of(ip)["conditionId"])).status, 200);
  EXPECT_EQ(until("/deny/1.0.0/x", c.token, 200), 200);
}

TEST_F(GatewayThrottling, BandwidthTierCountsTheBytesMoved) {
  auto t = admin("POST", kPolicies + "subscription",
                 R"({"policyName":"TwoKB","defaultLimit":{"type":"BANDWIDTHLIMIT","bandwidth":{"timeUnit":"min","unitTime":1,"dataAmount":2,"dataUnit":"KB"}}})");
  ASSERT_EQ(t.status, 201) << t.body;
  const std::string id = create_api(api_body("Bw", "/bw", R"([{"target":"/*","verb":"GET"}])", backend_->url(),
                                             R"("policies":["TwoKB"],)"));
  ASSERT_EQ(admin("POST", kApis + "/change-lifecycle?apiId=" + id + "&action=Publish").status, 200);
  deploy(id, create_revision(id));
  Client c = application("BwApp");
  subscribe(c.app_id, id, "TwoKB");
  ASSERT_EQ(until("/bw/1.0.0/big/10", c.token, 200), 200);
  EXPECT_EQ(call("/bw/1.0.0/big/3000", c.token).status, 200);  // admitted: under 2 KB so far
  // 3010 bytes moved: over. A response's bytes are counted once it has been sent, so a request
  // racing that on another worker may still pass; the next ones are refused.
  ASSERT_EQ(wait_for_call("/bw/1.0.0/big/10", c.token, 429), 429);
  auto r = call("/bw/1.0.0/big/10", c.token);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(json_of(r)["code"], 900804);
  EXPECT_EQ(r.header("ratelimit-limit"), "2048");
}

TEST_F(GatewayThrottling, ConditionalGroupsMatchJwtClaimsAndQueryParameters) {
  auto p = admin("POST", kPolicies + "advanced", R"({"policyName":"ByClaim",
      "defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":100}},
      "conditionalGroups":[{"conditions":[{"type":"JWTCLAIMSCONDITION","invertCondition":false,
        "jwtClaimsCondition":{"claimUrl":"sub","attribute":"admin"}}],
        "limit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":2}}}]})");
  ASSERT_EQ(p.status, 201) << p.body;
  const std::string api = secured_api("Claim", "/claim", R"("policies":["Unlimited"],"apiThrottlingPolicy":"ByClaim",)");
  Client c = application("ClaimApp");  // its tokens' sub is admin
  subscribe(c.app_id, api);
  ASSERT_EQ(until("/claim/1.0.0/x", c.token, 200), 200);
  EXPECT_EQ(call("/claim/1.0.0/x", c.token).status, 200);
  auto r = call("/claim/1.0.0/x", c.token);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(json_of(r)["code"], 900800);
  EXPECT_NE(str(json_of(r)["description"]).find("conditional group 1"), std::string::npos);

  auto q = admin("POST", kPolicies + "advanced", R"({"policyName":"ByQuery",
      "defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":100}},
      "conditionalGroups":[{"conditions":[{"type":"QUERYPARAMETERCONDITION","invertCondition":false,
        "queryParameterCondition":{"parameterName":"plan","parameterValue":"free"}}],
        "limit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":1}}}]})");
  ASSERT_EQ(q.status, 201) << q.body;
  deployed_api(api_body("Query", "/query", R"([{"target":"/*","verb":"GET","authType":"None"}])", "",
                        R"("apiThrottlingPolicy":"ByQuery",)"),
               "/query/1.0.0/probe");
  auto g = gw();
  EXPECT_EQ(g.get("/query/1.0.0/x?a=1&plan=free").status, 200);
  EXPECT_EQ(g.get("/query/1.0.0/x?plan=free").status, 429);
  EXPECT_EQ(g.get("/query/1.0.0/x?plan=paid").status, 200);
  EXPECT_EQ(g.get("/query/1.0.0/x?plan=freedom").status, 200);
}

}  // namespace
}  // namespace archway::testing
