// A remote gateway's analytics (docs/analytics.md, "Remote gateways"): an `archway gateway`
// following an `archway control-plane` sends the events of the requests it serves to the control
// plane, whose analytics REST API then counts them exactly; while the control plane is down the
// events wait on the gateway and arrive once, not twice, when it returns. The route that takes them
// refuses a missing credential and malformed input with problems.
#include "integration/fixture.h"
#include "integration/role_process.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

constexpr const char* kToken = "analytics-test-gateway-token";
const std::string kSummary = "/api/am/admin/v4/analytics/summary";

class ClusterAnalytics : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    backend_ = new Backend();
    control_port_ = free_port();
    control_ = new RoleProcess("control-plane", {"--set", "management.host=127.0.0.1",
                                                 "--set", "management.http_port=" + std::to_string(control_port_),
                                                 "--set", "management.https_port=-1",
                                                 "--set", "cluster.gateway_token=" + std::string(kToken),
                                                 "--set", "analytics.rollup_interval_ms=100",
                                                 "--set", "server.shutdown_grace_ms=500"});
    gateway_ = new RoleProcess(
        "gateway", {"--control-plane", "http://127.0.0.1:" + std::to_string(control_port_),
                    "--set", "gateway.host=127.0.0.1",
                    "--set", "gateway.http_port=0",
                    "--set", "gateway.https_port=-1",
                    "--set", "gateway.workers=1",
                    "--set", "cluster.gateway_token=" + std::string(kToken),
                    "--set", "cluster.reconnect_max_ms=200",
                    "--set", "cluster.snapshot_persist_ms=20",
                    "--set", "analytics.flush_interval_ms=20",
                    "--set", "server.shutdown_grace_ms=500"});
    management_port_ = control_port_;
    gateway_port_ = gateway_->gateway_port();
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
    delete control_;
    control_ = nullptr;
    ServerSuite::TearDownTestSuite();
    management_port_ = gateway_port_ = 0;
  }

  // The control plane's count of the API's requests once it has reached `at_least` (polling at
  // most 10 s) and a moment has passed, so that a count that would overshoot is seen.
  std::int64_t settled_count(const std::string& api_id, std::int64_t at_least) {
    const std::string target = kSummary + "?apiId=" + api_id;
    std::int64_t n = -1;
    for (int i = 0; i < 200 && n < at_least; ++i) {
      if (i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      auto r = admin("GET", target);
      if (r.status != 200) continue;  // the control plane is still starting
      n = json_of(r).at("count").as_int64();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a resend would land by now
    auto r = admin("GET", target);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json_of(r).at("count").as_int64() : -1;
  }

  HttpResponse post_segment(const std::string& body, std::vector<std::pair<std::string, std::string>> headers) {
    HttpRequest r;
    r.method = "POST";
    r.target = "/internal/gateway/v1/analytics";
    r.body = body;
    r.headers = std::move(headers);
    r.headers.emplace_back("Content-Type", "application/vnd.archway.analytics-segment");
    return mgmt().send(r);
  }

  static inline int control_port_ = 0;
  static inline RoleProcess* control_ = nullptr;
  static inline RoleProcess* gateway_ = nullptr;
};

TEST_F(ClusterAnalytics, RemoteGatewayTrafficIsCountedByTheControlPlane) {
  const std::string id = deployed_api(api_body("remote-counted", "/remote-counted"), "/remote-counted/1.0.0/x");
  const std::int64_t before = settled_count(id, 1);  // the probe that found the deployment
  for (int i = 0; i < 7; ++i) EXPECT_EQ(gw().get("/remote-counted/1.0.0/item/" + std::to_string(i)).status, 200);
  HttpRequest del;
  del.method = "DELETE";
  del.target = "/remote-counted/1.0.0/x";
  EXPECT_EQ(gw().send(del).status, 405);
  EXPECT_EQ(settled_count(id, before + 8), before + 8);

  auto events = admin("GET", "/api/am/admin/v4/analytics/events?apiId=" + id + "&limit=1");
  ASSERT_EQ(events.status, 200) << events.body;
  const json::object body = json_of(events);
  const json::object& newest = body.at("list").as_array().at(0).as_object();
  EXPECT_EQ(newest.at("environment").as_string(), "Default");
  EXPECT_EQ(newest.at("status").as_int64(), 405);
  EXPECT_EQ(newest.at("errorCategory").as_string(), "routing");
}

TEST_F(ClusterAnalytics, EventsWaitForTheControlPlaneAndArriveOnce) {
  const std::string id = deployed_api(api_body("remote-waits", "/remote-waits"), "/remote-waits/1.0.0/x");
  const std::int64_t before = settled_count(id, 1);
  control_->stop();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(gw().get("/remote-waits/1.0.0/offline").status, 200);  // its last snapshot
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // a few failed attempts to send them
  control_->start();
  EXPECT_EQ(settled_count(id, before + 5), before + 5) << gateway_->output();
}

TEST_F(ClusterAnalytics, TheAnalyticsRouteRefusesMissingCredentialsAndMalformedSegments) {
  const std::pair<std::string, std::string> bearer{"Authorization", std::string("Bearer ") + kToken};
  auto none = post_segment("x", {{"X-Archway-Gateway", "g:1"}, {"X-Archway-Boot", "b"}, {"X-Archway-Sequence", "1"}});
  EXPECT_EQ(none.status, 401) << none.body;
  auto wrong = post_segment("x", {{"Authorization", "Bearer nope"}, {"X-Archway-Gateway", "g:1"},
                                  {"X-Archway-Boot", "b"}, {"X-Archway-Sequence", "1"}});
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  auto no_gateway = post_segment("x", {bearer, {"X-Archway-Boot", "b"}, {"X-Archway-Sequence", "1"}});
  EXPECT_EQ(no_gateway.status, 400) << no_gateway.body;
  EXPECT_NE(no_gateway.body.find("X-Archway-Gateway"), std::string::npos) << no_gateway.body;
  auto bad_seq = post_segment("x", {bearer, {"X-Archway-Gateway", "g:1"}, {"X-Archway-Boot", "b"},
                                    {"X-Archway-Sequence", "-3"}});
  EXPECT_EQ(bad_seq.status, 400) << bad_seq.body;
  auto garbage = post_segment("definitely not a segment",
                              {bearer, {"X-Archway-Gateway", "g:1"}, {"X-Archway-Boot", "b"}, {"X-Archway-Sequence", "1"}});
  EXPECT_EQ(garbage.status, 400) << garbage.body;
  EXPECT_NE(garbage.body.find("segment"), std::string::npos) << garbage.body;
  auto empty = post_segment("", {bearer, {"X-Archway-Gateway", "g:1"}, {"X-Archway-Boot", "b"}, {"X-Archway-Sequence", "1"}});
  EXPECT_EQ(empty.status, 400) << empty.body;
}

}  // namespace
}  // namespace archway::testing
