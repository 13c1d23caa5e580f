// One `archway control-plane` on a SQLite data directory and three `archway gateway` processes
// following it over HTTP (docs/deployment.md): deployments reach every gateway; a gateway killed
// with SIGKILL catches up with no missed or doubled event; gateways keep serving (also after a
// restart, from their persisted snapshot) while the control plane is down and catch up when it
// returns; the feed refuses a wrong or missing gateway credential; a gateway fails over past a
// dead control-plane URL; the three gateways share a rate limit through Redis within the bound
// docs/traffic.md states.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>

#include "integration/fixture.h"
#include "integration/role_process.h"
#include "support/redis_server.h"

namespace archway::testing {
namespace {


constexpr const char* kToken = "cluster-test-gateway-token";

std::vector<std::string> gateway_args(const std::string& control_planes, const std::string& token = kToken,
                                      const std::string& redis = "") {
  std::vector<std::string> args{"--control-plane", control_planes,
          "--set", "gateway.host=127.0.0.1",
          "--set", "gateway.http_port=0",
          "--set", "gateway.https_port=-1",
          "--set", "gateway.workers=1",
          "--set", "cluster.gateway_token=" + token,
          "--set", "cluster.heartbeat_interval_ms=500",
          "--set", "cluster.reconnect_max_ms=200",
          "--set", "cluster.snapshot_persist_ms=20",
          "--set", "analytics.enabled=false",
          "--set", "server.shutdown_grace_ms=500"};
  if (!redis.empty()) args.insert(args.end(), {"--set", "traffic.redis=" + redis, "--set", "traffic.sync_interval_ms=20"});
  return args;
}

class ClusterRoles : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    backend_ = new Backend();
    redis_ = new RedisServer();
    control_port_ = free_port();
    control_ = new RoleProcess("control-plane", control_args());
    for (auto*& g : gateways_) g = new RoleProcess("gateway", gateway_args(control_url(), kToken, redis_->url()));
    // The fixture's helpers (tiers, applications, subscriptions) talk to the control plane and
    // probe the first gateway.
    management_port_ = control_port_;
    gateway_port_ = gateways_[0]->gateway_port();
  }
  static void TearDownTestSuite() {
    for (auto*& g : gateways_) {
      delete g;
      g = nullptr;
    }
    delete control_;
    control_ = nullptr;
    ServerSuite::TearDownTestSuite();
    delete redis_;
    redis_ = nullptr;
    management_port_ = gateway_port_ = 0;
  }
  static std::vector<std::string> control_args() {
    return {"--set", "management.host=127.0.0.1",
            "--set", "management.http_port=" + std::to_string(control_port_),
            "--set", "management.https_port=-1",
            "--set", "cluster.gateway_token=" + std::string(kToken),
            "--set", "cluster.heartbeat_interval_ms=500",
            "--set", "analytics.enabled=false",
            "--set", "server.shutdown_grace_ms=500"};
  }
  static std::string control_url() { return "http://127.0.0.1:" + std::to_string(control_port_); }

  HttpResponse cp(const std::string& method, const std::string& target, const std::string& body = "") {
    return HttpClient("127.0.0.1", control_port_).call(method, target, body, kAdmin, kPassword);
  }

  std::string create(const std::string& name) {
    auto r = cp("POST", kApis, api_body(name, "/" + name));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? str(json_of(r).at("id")) : "";
  }
  std::string revision(const std::string& id) {
    auto r = cp("POST", kApis + "/" + id + "/revisions", R"({"description":"t"})");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? str(json_of(r).at("id")) : "";
  }
  // Creates and deploys an API at /<name>; returns {id, revision}.
  std::pair<std::string, std::string> deploy_new(const std::string& name) {
    const std::string id = create(name);
    const std::string rev = revision(id);
    auto r = cp("POST", kApis + "/" + id + "/deploy-revision?revisionId=" + rev,
                R"([{"name":"Default","vhost":"localhost","displayOnDevportal":true}])");
    EXPECT_EQ(r.status, 201) << r.body;
    return {id, rev};
  }
  void undeploy(const std::pair<std::string, std::string>& api) {
    auto r = cp("POST", kApis + "/" + api.first + "/undeploy-revision?revisionId=" + api.second,
                R"([{"name":"Default"}])");
    EXPECT_EQ(r.status, 201) << r.body;
  }

  static int status_at(int port, const std::string& path) {
    try {
      return HttpClient("127.0.0.1", port).get(path).status;
    } catch (const std::exception&) {
      return 0;
    }
  }
  // Polls until `path` answers `want` on the gateway's port (at most `bound`); the last status.
  static int wait_status(int port, const std::string& path, int want,
                         std::chrono::milliseconds bound = std::chrono::seconds(10)) {
    const auto end = std::chrono::steady_clock::now() + bound;
    int s = 0;
    while ((s = status_at(port, path)) != want && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return s;
  }
  static boost::json::object ready_of(int port) {
    auto r = HttpClient("127.0.0.1", port).get("/ready");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? boost::json::parse(r.body).as_object() : boost::json::object{};
  }

  static int control_port_;
  static RoleProcess* control_;
  static RoleProcess* gateways_[3];
  static inline RedisServer* redis_ = nullptr;
};

int ClusterRoles::control_port_ = 0;
RoleProcess* ClusterRoles::control_ = nullptr;
RoleProcess* ClusterRoles::gateways_[3] = {};

TEST_F(ClusterRoles, EveryRoleAnswersHealthAndReadiness) {
  auto health = HttpClient("127.0.0.1", control_port_).get("/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"UP"})");
  auto ready = HttpClient("127.0.0.1", control_port_).get("/ready");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(str(json_of(ready).at("role")), "control-plane");
  for (auto* g : gateways_) {
    EXPECT_EQ(status_at(g->gateway_port(), "/health"), 200);
    // Ready once its first snapshot is in (the ready file only says the listener is up).
    ASSERT_EQ(wait_status(g->gateway_port(), "/ready", 200), 200);
    const auto body = ready_of(g->gateway_port());
    EXPECT_EQ(str(body.at("role")), "gateway");
    EXPECT_EQ(str(body.at("source")), "control-plane");
  }
  // Each remote gateway records itself through the control plane (Admin /environments/{id}/gateways).
  std::int64_t listed = 0;
  for (int i = 0; i < 500 && listed < 3; ++i) {
    auto r = cp("GET", "/api/am/admin/v4/environments/Default/gateways");
    listed = r.status == 200 ? json_of(r).at("count").as_int64() : 0;
    if (listed < 3) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(listed, 3);
  EXPECT_EQ(control_->gateway_port(), -1);     // the control plane has no gateway listener
  EXPECT_EQ(gateways_[0]->management_port(), -1);  // a gateway has no management listener
}

TEST_F(ClusterRoles, DeploymentIsServedByEveryGateway) {
  std::vector<double> worst_ms;
  for (int i = 0; i < 20; ++i) {
    const std::string name = "prop" + std::to_string(i);
    deploy_new(name);
    const auto answered = std::chrono::steady_clock::now();
    double worst = 0;
    for (auto* g : gateways_) {
      ASSERT_EQ(wait_status(g->gateway_port(), "/" + name + "/1.0.0/x", 200), 200) << g->output();
      worst = std::max(worst, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - answered).count());
    }
    worst_ms.push_back(worst);
  }
  std::sort(worst_ms.begin(), worst_ms.end());
  std::printf("[ cluster ] deploy answered -> 200 on all 3 gateways over %zu deployments: median %.1f ms, worst %.1f ms\n",
              worst_ms.size(), worst_ms[worst_ms.size() / 2], worst_ms.back());
}

TEST_F(ClusterRoles, KilledGatewayCatchesUpWithoutMissedOrDoubledEvents) {
  std::vector<std::pair<std::string, std::string>> before;
  for (int i = 0; i < 3; ++i) before.push_back(deploy_new("kill-before" + std::to_string(i)));
  RoleProcess& victim = *gateways_[1];
  ASSERT_EQ(wait_status(victim.gateway_port(), "/kill-before2/1.0.0/x", 200), 200);
  // Deployments go on while the gateway dies and comes back.
  std::atomic<bool> done = false;
  std::vector<std::string> during;
  std::thread writer([&] {
    for (int i = 0; i < 8; ++i) {
      during.push_back("kill-during" + std::to_string(i));
      deploy_new(during.back());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  victim.kill9();
  undeploy(before[0]);
  undeploy(before[1]);
  victim.start();
  writer.join();
  const std::string last = "kill-after";
  deploy_new(last);
  for (auto* g : gateways_) {
    ASSERT_EQ(wait_status(g->gateway_port(), "/" + last + "/1.0.0/x", 200), 200) << g->output();
    for (const auto& name : during) EXPECT_EQ(status_at(g->gateway_port(), "/" + name + "/1.0.0/x"), 200) << name;
    EXPECT_EQ(status_at(g->gateway_port(), "/kill-before2/1.0.0/x"), 200);
    EXPECT_EQ(status_at(g->gateway_port(), "/kill-before0/1.0.0/x"), 404);
    EXPECT_EQ(status_at(g->gateway_port(), "/kill-before1/1.0.0/x"), 404);
    // Every revision since its last snapshot came from exactly one applied batch.
    const auto r = ready_of(g->gateway_port());
    EXPECT_EQ(r.at("revision").as_int64(), r.at("snapshotRevision").as_int64() + r.at("revisionsApplied").as_int64())
        << boost::json::serialize(r);
  }
  // The restarted gateway started from its persisted snapshot and then followed the feed.
  const auto r = ready_of(victim.gateway_port());
  EXPECT_EQ(r.at("revision").as_int64(), ready_of(gateways_[0]->gateway_port()).at("revision").as_int64());
}

TEST_F(ClusterRoles, GatewaysServeWithoutControlPlaneAndCatchUpWhenItReturns) {
  deploy_new("offline-before");
  for (auto* g : gateways_) ASSERT_EQ(wait_status(g->gateway_port(), "/offline-before/1.0.0/x", 200), 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the persisted snapshot is written (debounced)
  control_->stop();
  for (auto* g : gateways_) EXPECT_EQ(status_at(g->gateway_port(), "/offline-before/1.0.0/x"), 200);
  // A gateway restarted while no control plane answers serves its persisted snapshot.
  gateways_[2]->stop();
  gateways_[2]->start();
  EXPECT_EQ(wait_status(gateways_[2]->gateway_port(), "/ready", 200, std::chrono::seconds(5)), 200);
  const auto r = ready_of(gateways_[2]->gateway_port());
  EXPECT_EQ(str(r.at("source")), "disk");
  EXPECT_FALSE(r.at("connected").as_bool());
  EXPECT_EQ(status_at(gateways_[2]->gateway_port(), "/offline-before/1.0.0/x"), 200);
  // The control plane returns; a deployment made now reaches every gateway.
  control_->start();
  deploy_new("offline-after");
  for (auto* g : gateways_)
    EXPECT_EQ(wait_status(g->gateway_port(), "/offline-after/1.0.0/x", 200), 200) << g->output();
  // The gateway that started from disk now says it follows the control plane.
  auto after = ready_of(gateways_[2]->gateway_port());
  for (int i = 0; i < 500 && !after.at("connected").as_bool(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    after = ready_of(gateways_[2]->gateway_port());
  }
  EXPECT_TRUE(after.at("connected").as_bool());
  EXPECT_EQ(str(after.at("source")), "control-plane");
}

TEST_F(ClusterRoles, FeedRefusesAWrongOrMissingGatewayCredential) {
  HttpClient c("127.0.0.1", control_port_);
  for (const std::string path : {"/internal/gateway/v1/snapshot?environment=Default",
                                 "/internal/gateway/v1/events?environment=Default&after=0"}) {
    auto none = c.get(path);
    EXPECT_EQ(none.status, 401) << none.body;
    EXPECT_EQ(json_of(none).at("code").as_int64(), 401);
    auto wrong = c.get(path, {{"Authorization", "Bearer not-the-token"}});
    EXPECT_EQ(wrong.status, 401) << wrong.body;
    auto basic = c.get(path, {{"Authorization", basic_auth(kAdmin, kPassword)}});
    EXPECT_EQ(basic.status, 401) << basic.body;  // a user's credential is not a gateway's
  }
  auto ok = c.get("/internal/gateway/v1/snapshot?environment=Default", {{"Authorization", std::string("Bearer ") + kToken}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_NE(ok.body.find(R"("type":"end")"), std::string::npos);
  auto unknown = c.get("/internal/gateway/v1/snapshot?environment=Nowhere", {{"Authorization", std::string("Bearer ") + kToken}});
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  auto no_after = c.get("/internal/gateway/v1/events?environment=Default", {{"Authorization", std::string("Bearer ") + kToken}});
  EXPECT_EQ(no_after.status, 400) << no_after.body;
  // A gateway holding a wrong token never becomes ready, and says why in its log.
  RoleProcess stranger("gateway", gateway_args(control_url(), "wrong-token"));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto ready = HttpClient("127.0.0.1", stranger.gateway_port()).get("/ready");
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_EQ(json_of(ready).at("code").as_int64(), 503);
  EXPECT_NE(stranger.output().find("gateway credential"), std::string::npos) << stranger.output();
}

TEST_F(ClusterRoles, PlatformGatewayTokenOpensTheFeedUntilRegeneratedOrDeleted) {
  auto created = cp("POST", "/api/am/admin/v4/gateways",
                    R"({"name":"edge-eu-1","displayName":"Edge EU 1","vhost":"https://edge-eu-1.example.com:8243"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = str(json_of(created).at("id"));
  const std::string first = str(json_of(created).at("registrationToken"));
  const std::string snapshot = "/internal/gateway/v1/snapshot?environment=Default";
  HttpClient c("127.0.0.1", control_port_);
  auto with = [&](const std::string& token) { return c.get(snapshot, {{"Authorization", "Bearer " + token}}).status; };
  EXPECT_EQ(with(first), 200);
  // Its feed calls mark it active.
  const boost::json::object listed = json_of(cp("GET", "/api/am/admin/v4/gateways"));
  for (const auto& g : listed.at("list").as_array())
    if (str(g.at("id")) == id) {
      EXPECT_TRUE(g.at("isActive").as_bool());
    }

  auto regenerated = cp("POST", "/api/am/admin/v4/gateways/" + id + "/regenerate-token");
  ASSERT_EQ(regenerated.status, 200) << regenerated.body;
  const std::string second = str(json_of(regenerated).at("registrationToken"));
  EXPECT_NE(second, first);
  EXPECT_EQ(with(first), 401);
  EXPECT_EQ(with(second), 200);
  EXPECT_EQ(with(kToken), 200);  // cluster.gateway_token still opens it

  ASSERT_EQ(cp("DELETE", "/api/am/admin/v4/gateways/" + id).status, 200);
  EXPECT_EQ(with(second), 401);
}

TEST_F(ClusterRoles, GatewayFailsOverPastADeadControlPlane) {
  const std::string dead = "http://127.0.0.1:" + std::to_string(free_port());
  deploy_new("failover0");
  RoleProcess g("gateway", gateway_args(dead + "," + control_url()));
  EXPECT_EQ(wait_status(g.gateway_port(), "/ready", 200), 200) << g.output();
  EXPECT_EQ(wait_status(g.gateway_port(), "/failover0/1.0.0/x", 200), 200);
  // A gateway with only the dead one is live but not ready.
  RoleProcess lonely("gateway", gateway_args(dead));
  EXPECT_EQ(status_at(lonely.gateway_port(), "/health"), 200);
  auto ready = HttpClient("127.0.0.1", lonely.gateway_port()).get("/ready");
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find("no snapshot"), std::string::npos) << ready.body;
}

}  // namespace
}  // namespace archway::testing

namespace archway::testing {
namespace {

// docs/traffic.md: N gateways sharing a limit L through Redis admit at most L + N - 1 when each
// synchronises on schedule, and at most L + (N-1) * ceil(L/N) when a synchronisation stalls (a
// loaded machine: this one runs a control plane, three gateways, Redis and six clients on two
// cores, so the test holds them to the second bound). Never fewer than L while clients keep asking.
TEST_F(ClusterRoles, ThreeGatewaysShareOneRateLimitWithinTheStatedBound) {
  constexpr int kLimit = 150;
  constexpr int kGateways = 3;
  subscription_tier("ClusterShared", kLimit);
  Client c = subscribed_on("ClusterShared", "CluShared", "/clushared");
  const std::string path = "/clushared/1.0.0/x";
  const std::string bearer = "Bearer " + c.token;
  for (auto* g : gateways_) {
    int s = 0;
    for (int i = 0; i < 1000 && s != 200; ++i) {
      s = HttpClient("127.0.0.1", g->gateway_port()).get(path, {{"Authorization", bearer}}).status;
      if (s != 200) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_EQ(s, 200) << "a gateway never accepted the subscription";
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // each gateway has seen the others in Redis

  std::atomic<int> admitted{kGateways};  // the probes above
  std::atomic<int> other{0};
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  std::vector<std::thread> clients;
  for (auto* g : gateways_)
    for (int i = 0; i < 2; ++i)
      clients.emplace_back([&, port = g->gateway_port()] {
        HttpClient http("127.0.0.1", port);
        while (std::chrono::steady_clock::now() < end) {
          const int s = http.get(path, {{"Authorization", bearer}}).status;
          if (s == 200) admitted.fetch_add(1);
          else if (s != 429) other.fetch_add(1);
        }
      });
  for (auto& t : clients) t.join();
  std::printf("three gateways admitted %d for a limit of %d\n", admitted.load(), kLimit);
  EXPECT_EQ(other.load(), 0);
  EXPECT_GE(admitted.load(), kLimit);
  EXPECT_LE(admitted.load(), kLimit + (kGateways - 1) * ((kLimit + kGateways - 1) / kGateways));
  // Any one gateway alone would have admitted the whole limit: each now refuses.
  for (auto* g : gateways_)
    EXPECT_EQ(HttpClient("127.0.0.1", g->gateway_port()).get(path, {{"Authorization", bearer}}).status, 429);
}

}  // namespace
}  // namespace archway::testing
