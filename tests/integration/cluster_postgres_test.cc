// The cluster of docs/deployment.md on one machine: two `archway control-plane` nodes on one
// PostgreSQL database, three `archway gateway` processes following them (two list control plane A
// first, one lists B first) and one Redis for their counters, every server started by the test on
// free loopback ports. Deployments made on either control plane reach every gateway; a gateway
// killed with SIGKILL catches up with no missed or doubled event; a control plane killed with
// SIGKILL amid writes loses no write it acknowledged, and the other one keeps taking writes that the
// gateways follow; with every control plane down the gateways keep serving, also after a restart
// from their persisted snapshot, and catch up when one returns; with PostgreSQL stopped the
// gateways keep serving and follow again once it is back; a gateway failing over to a control plane
// that is behind it needs no new snapshot. One PostgreSQL server for the
// suite, so it runs as one CTest test (ClusterOnPostgres); its tests run in order on one database.
// Timings are printed, never asserted (bench/propagation.sh measures them).
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>

#include "integration/fixture.h"
#include "integration/role_process.h"
#include "support/postgres_server.h"
#include "support/redis_server.h"

namespace archway::testing {
namespace {

constexpr const char* kToken = "cluster-postgres-gateway-token";
constexpr auto kPropagation = std::chrono::seconds(20);  // generous: the machine may be busy

class ClusterOnPostgres : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    if (!PostgresServer::missing().empty()) return;
    postgres_ = new PostgresServer();
    postgres_->create_database("archway_cluster");
    backend_ = new Backend();
    redis_ = new RedisServer();
    for (int& p : control_ports_) p = free_port();
    control_[0] = new RoleProcess("control-plane", control_args(0));
    // Every control plane needs the first one's master.key (docs/deployment.md).
    second_root_ = make_temp_dir();
    const std::string second = second_root_ + "/data";
    std::filesystem::create_directories(second);
    std::filesystem::copy_file(control_[0]->data_dir() + "/master.key", second + "/master.key");
    control_[1] = new RoleProcess("control-plane", control_args(1), second);
    const std::string a_first = control_url(0) + "," + control_url(1);
    const std::string b_first = control_url(1) + "," + control_url(0);
    for (int i = 0; i < 3; ++i) gateways_[i] = new RoleProcess("gateway", gateway_args(i == 1 ? b_first : a_first));
    management_port_ = control_ports_[0];
    gateway_port_ = gateways_[0]->gateway_port();
  }
  static void TearDownTestSuite() {
    for (auto*& g : gateways_) {
      delete g;
      g = nullptr;
    }
    for (auto*& c : control_) {
      delete c;
      c = nullptr;
    }
    std::error_code ec;
    if (!second_root_.empty()) std::filesystem::remove_all(second_root_, ec);
    delete backend_;
    backend_ = nullptr;
    delete redis_;
    redis_ = nullptr;
    delete postgres_;
    postgres_ = nullptr;
    management_port_ = gateway_port_ = 0;
  }
  void SetUp() override {
    if (!postgres_) GTEST_SKIP() << "PostgreSQL is not installed: missing " << PostgresServer::missing();
  }

  static std::vector<std::string> control_args(int i) {
    return {"--set", "store.url=" + postgres_->url("archway_cluster"),
            "--set", "store.pool_wait_ms=2000",
            "--set", "management.host=127.0.0.1",
            "--set", "management.http_port=" + std::to_string(control_ports_[i]),
            "--set", "management.https_port=-1",
            "--set", "cluster.gateway_token=" + std::string(kToken),
            "--set", "cluster.heartbeat_interval_ms=500",
            "--set", "analytics.enabled=false",
            "--set", "server.shutdown_grace_ms=500"};
  }
  static std::vector<std::string> gateway_args(const std::string& control_planes) {
    return {"--control-plane", control_planes,
            "--set", "gateway.host=127.0.0.1",
            "--set", "gateway.http_port=0",
            "--set", "gateway.https_port=-1",
            "--set", "gateway.workers=1",
            "--set", "cluster.gateway_token=" + std::string(kToken),
            "--set", "cluster.heartbeat_interval_ms=500",
            "--set", "cluster.reconnect_max_ms=200",
            "--set", "cluster.snapshot_persist_ms=20",
            "--set", "traffic.redis=" + redis_->url(),
            "--set", "analytics.enabled=false",
            "--set", "server.shutdown_grace_ms=500"};
  }
  static std::string control_url(int i) { return "http://127.0.0.1:" + std::to_string(control_ports_[i]); }

  // One more control plane on the shared database: a data directory of its own holding the first
  // one's master.key (removed with this), and the first one's settings but the port, plus `extra`.
  struct MoreControlPlane {
    std::string root = make_temp_dir();
    std::string data = root + "/data";
    std::vector<std::string> args;
    MoreControlPlane(int port, const std::vector<std::string>& extra) {
      std::filesystem::create_directories(data);
      std::filesystem::copy_file(control_[0]->data_dir() + "/master.key", data + "/master.key");
      args = control_args(0);
      for (auto& a : args)
        if (a.starts_with("management.http_port=")) a = "management.http_port=" + std::to_string(port);
      args.insert(args.end(), extra.begin(), extra.end());
    }
    ~MoreControlPlane() {
      std::error_code ec;
      std::filesystem::remove_all(root, ec);
    }
  };

  // An admin call on control plane `i`; status 0 when it does not answer.
  static HttpResponse cp(int i, const std::string& method, const std::string& target, const std::string& body = "") {
    try {
      return HttpClient("127.0.0.1", control_ports_[i]).call(method, target, body, kAdmin, kPassword);
    } catch (const std::exception& e) {
      HttpResponse r;
      r.status = 0;
      r.body = e.what();
      return r;
    }
  }
  // Creates, revisions and deploys an API at /<name> through control plane `i`; {id, revision}.
  std::pair<std::string, std::string> deploy_new(int i, const std::string& name) {
    auto created = cp(i, "POST", kApis, api_body(name, "/" + name));
    EXPECT_EQ(created.status, 201) << created.body;
    if (created.status != 201) return {};
    const std::string id = str(json_of(created).at("id"));
    auto rev = cp(i, "POST", kApis + "/" + id + "/revisions", R"({"description":"t"})");
    EXPECT_EQ(rev.status, 201) << rev.body;
    if (rev.status != 201) return {};
    const std::string revision = str(json_of(rev).at("id"));
    auto deployed = cp(i, "POST", kApis + "/" + id + "/deploy-revision?revisionId=" + revision,
                       R"([{"name":"Default","vhost":"localhost","displayOnDevportal":true}])");
    EXPECT_EQ(deployed.status, 201) << deployed.body;
    return {id, revision};
  }
  void undeploy(int i, const std::pair<std::string, std::string>& api) {
    auto r = cp(i, "POST", kApis + "/" + api.first + "/undeploy-revision?revisionId=" + api.second,
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
  static int wait_status(int port, const std::string& path, int want,
                         std::chrono::milliseconds bound = kPropagation) {
    const auto end = std::chrono::steady_clock::now() + bound;
    int s = 0;
    while ((s = status_at(port, path)) != want && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return s;
  }
  static boost::json::object ready_of(int port) {
    try {
      auto r = HttpClient("127.0.0.1", port).get("/ready");
      if (r.status == 200) return boost::json::parse(r.body).as_object();
    } catch (const std::exception&) {
    }
    return {};
  }
  // The change-log revision control plane `i`'s feed has read for Default (-1: none yet).
  static std::int64_t feed_revision(int i) {
    const auto r = ready_of(control_ports_[i]);
    const auto* revs = r.if_contains("feedRevisions");
    const auto* rev = revs && revs->is_object() ? revs->as_object().if_contains("Default") : nullptr;
    return rev ? rev->as_int64() : -1;
  }
  // Waits until gateway `g` serves the revision the live control planes' feeds have reached (both
  // read the same log, so once idle they agree); returns the gateway's /ready body.
  static boost::json::object caught_up(const RoleProcess& g, const std::vector<int>& live) {
    const auto end = std::chrono::steady_clock::now() + kPropagation;
    boost::json::object r;
    for (;;) {
      std::int64_t head = -1;
      for (int i : live) head = std::max(head, feed_revision(i));
      r = ready_of(g.gateway_port());
      const auto* rev = r.if_contains("revision");
      if (head > 0 && rev && rev->as_int64() == head) {
        bool agree = true;
        for (int i : live) agree = agree && feed_revision(i) == head;
        if (agree) return r;
      }
      if (std::chrono::steady_clock::now() > end) {
        ADD_FAILURE() << "gateway not caught up with revision " << head << ": " << boost::json::serialize(r);
        return r;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  // Every revision since the gateway's last snapshot came from exactly one applied batch.
  static void expect_no_event_missed_or_doubled(const boost::json::object& r) {
    ASSERT_TRUE(r.contains("revision")) << boost::json::serialize(r);
    EXPECT_EQ(r.at("revision").as_int64(), r.at("snapshotRevision").as_int64() + r.at("revisionsApplied").as_int64())
        << boost::json::serialize(r);
  }

  inline static PostgresServer* postgres_ = nullptr;
  inline static RedisServer* redis_ = nullptr;
  inline static std::string second_root_;  // the second control plane's data directory's parent
  inline static int control_ports_[2] = {};
  inline static RoleProcess* control_[2] = {};
  inline static RoleProcess* gateways_[3] = {};
};

TEST_F(ClusterOnPostgres, DeploymentOnEitherControlPlaneIsServedByEveryGateway) {
  for (auto* g : gateways_) ASSERT_EQ(wait_status(g->gateway_port(), "/ready", 200), 200) << g->output();
  std::vector<double> worst_ms;
  for (int i = 0; i < 20; ++i) {
    const std::string name = "pgprop" + std::to_string(i);
    const auto api = deploy_new(i % 2, name);  // alternate: A, B, A, ...
    ASSERT_FALSE(api.first.empty());
    const auto answered = std::chrono::steady_clock::now();
    std::vector<bool> served(3, false);
    double worst = 0;
    for (int left = 3; left > 0;) {
      ASSERT_LT(std::chrono::steady_clock::now() - answered, kPropagation)
          << name << " deployed on control plane " << i % 2 << " is not served by every gateway";
      for (int g = 0; g < 3; ++g) {
        if (served[g] || status_at(gateways_[g]->gateway_port(), "/" + name + "/1.0.0/x") != 200) continue;
        served[g] = true;
        --left;
        worst = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - answered).count();
      }
      if (left > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    worst_ms.push_back(worst);
  }
  std::sort(worst_ms.begin(), worst_ms.end());
  std::printf("[ cluster ] 2 control planes on PostgreSQL, deploy answered -> 200 on all 3 gateways over %zu "
              "deployments (alternating control planes): median %.1f ms, worst %.1f ms\n",
              worst_ms.size(), worst_ms[worst_ms.size() / 2], worst_ms.back());
  // Each gateway took the changes of both control planes through one feed and its revision is the
  // log's.
  for (auto* g : gateways_) expect_no_event_missed_or_doubled(caught_up(*g, {0, 1}));
  // Each gateway records itself through the control plane it follows, in the shared database: both
  // control planes list all three.
  for (int c = 0; c < 2; ++c) {
    std::int64_t listed = 0;
    for (int i = 0; i < 1000 && listed < 3; ++i) {
      auto r = cp(c, "GET", "/api/am/admin/v4/environments/Default/gateways");
      listed = r.status == 200 ? json_of(r).at("count").as_int64() : 0;
      if (listed < 3) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(listed, 3) << "control plane " << c;
  }
}

TEST_F(ClusterOnPostgres, KilledGatewayCatchesUpWithoutMissedOrDoubledEvents) {
  std::vector<std::pair<std::string, std::string>> before;
  for (int i = 0; i < 4; ++i) before.push_back(deploy_new(i % 2, "pgkill-before" + std::to_string(i)));
  RoleProcess& victim = *gateways_[1];
  ASSERT_EQ(wait_status(victim.gateway_port(), "/pgkill-before3/1.0.0/x", 200), 200) << victim.output();
  // Deployments, undeployments and a deletion go on, on both control planes, while the gateway
  // dies and comes back three times.
  std::vector<std::string> during;
  std::thread writer([&] {
    for (int i = 0; i < 15; ++i) {
      during.push_back("pgkill-during" + std::to_string(i));
      deploy_new(i % 2, during.back());
      if (i == 3) undeploy(0, before[0]);
      if (i == 6) undeploy(1, before[1]);
      if (i == 9) {
        EXPECT_EQ(cp(0, "DELETE", kApis + "/" + before[2].first).status, 200);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
    }
  });
  for (int k = 0; k < 3; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    victim.kill9();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    victim.start();
  }
  writer.join();
  deploy_new(1, "pgkill-after");
  for (auto* g : gateways_) {
    ASSERT_EQ(wait_status(g->gateway_port(), "/pgkill-after/1.0.0/x", 200), 200) << g->output();
    const auto r = caught_up(*g, {0, 1});
    expect_no_event_missed_or_doubled(r);
    for (const auto& name : during) EXPECT_EQ(status_at(g->gateway_port(), "/" + name + "/1.0.0/x"), 200) << name;
    EXPECT_EQ(status_at(g->gateway_port(), "/pgkill-before0/1.0.0/x"), 404);
    EXPECT_EQ(status_at(g->gateway_port(), "/pgkill-before1/1.0.0/x"), 404);
    EXPECT_EQ(status_at(g->gateway_port(), "/pgkill-before2/1.0.0/x"), 404);  // deleted
    EXPECT_EQ(status_at(g->gateway_port(), "/pgkill-before3/1.0.0/x"), 200);
  }
}

TEST_F(ClusterOnPostgres, ControlPlaneKilledAmidWritesLosesNoAcknowledgedWrite) {
  // Six clients write to control plane A (create, revision, deploy) as fast as it answers; A is
  // killed with SIGKILL while their writes are in flight.
  constexpr int kClients = 6;
  std::mutex mu;
  std::vector<std::string> created;                 // ids answered 201
  std::vector<std::string> deployed;                // names whose deployment was answered 201
  std::atomic<bool> stop = false;
  std::atomic<int> answered = 0;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c)
    clients.emplace_back([&, c] {
      for (int k = 0; !stop; ++k) {
        const std::string name = "pgw" + std::to_string(c) + "x" + std::to_string(k);
        auto r = cp(0, "POST", kApis, api_body(name, "/" + name));
        if (r.status != 201) return;  // A is gone (or refused): this client is done
        const std::string id = str(json_of(r).at("id"));
        {
          std::lock_guard lock(mu);
          created.push_back(id);
        }
        ++answered;
        auto rev = cp(0, "POST", kApis + "/" + id + "/revisions", R"({"description":"t"})");
        if (rev.status != 201) return;
        auto d = cp(0, "POST", kApis + "/" + id + "/deploy-revision?revisionId=" + str(json_of(rev).at("id")),
                    R"([{"name":"Default","vhost":"localhost"}])");
        if (d.status != 201) return;
        std::lock_guard lock(mu);
        deployed.push_back(name);
      }
    });
  const auto writing_since = std::chrono::steady_clock::now();
  while (answered < 30 && std::chrono::steady_clock::now() - writing_since < kPropagation)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  control_[0]->kill9();
  stop = true;
  for (auto& t : clients) t.join();
  std::printf("[ cluster ] control plane A killed with %zu creations and %zu deployments acknowledged\n",
              created.size(), deployed.size());
  ASSERT_GE(created.size(), 30u);
  // Every acknowledged write reads back from control plane B; besides them, at most the one
  // creation each client had in flight was committed (its answer lost), and nothing half-written
  // shows: every API B lists reads back whole.
  for (const auto& id : created) {
    auto r = cp(1, "GET", kApis + "/" + id);
    EXPECT_EQ(r.status, 200) << id << ": " << r.body;
  }
  auto listed = cp(1, "GET", kApis + "?query=pgw&limit=1000");
  ASSERT_EQ(listed.status, 200) << listed.body;
  const boost::json::object page = json_of(listed);
  const auto& all = page.at("list").as_array();
  EXPECT_GE(all.size(), created.size());
  EXPECT_LE(all.size(), created.size() + kClients);
  for (const auto& api : all) {
    auto r = cp(1, "GET", kApis + "/" + str(api.at("id")));
    EXPECT_EQ(r.status, 200) << r.body;
  }
  // B keeps taking writes, and every gateway (two of which were following A) follows B.
  deploy_new(1, "pgafter-kill");
  for (auto* g : gateways_) {
    EXPECT_EQ(wait_status(g->gateway_port(), "/pgafter-kill/1.0.0/x", 200), 200) << g->output();
    for (const auto& name : deployed) EXPECT_EQ(status_at(g->gateway_port(), "/" + name + "/1.0.0/x"), 200) << name;
    expect_no_event_missed_or_doubled(caught_up(*g, {1}));
    EXPECT_EQ(str(ready_of(g->gateway_port()).at("controlPlane")), control_url(1));
  }
  // A comes back on the same database and serves what B wrote.
  control_[0]->start();
  auto list = cp(0, "GET", kApis + "?query=pgafter-kill");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(json_of(list).at("count").as_int64(), 1) << list.body;
}

TEST_F(ClusterOnPostgres, GatewaysServeTheirLastSnapshotWithEveryControlPlaneDownAndCatchUpAfter) {
  const auto kept = deploy_new(0, "pgoffline-before");
  const auto dropped = deploy_new(1, "pgoffline-dropped");
  undeploy(0, dropped);
  for (auto* g : gateways_) {
    ASSERT_EQ(wait_status(g->gateway_port(), "/pgoffline-before/1.0.0/x", 200), 200) << g->output();
    ASSERT_EQ(wait_status(g->gateway_port(), "/pgoffline-dropped/1.0.0/x", 404), 404);
    caught_up(*g, {1});  // every gateway follows B since A was killed
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the persisted snapshot is written (debounced)
  control_[0]->kill9();
  control_[1]->stop();
  for (auto* g : gateways_) {
    EXPECT_EQ(status_at(g->gateway_port(), "/pgoffline-before/1.0.0/x"), 200);
    EXPECT_EQ(status_at(g->gateway_port(), "/pgoffline-dropped/1.0.0/x"), 404);
  }
  // A gateway restarted while no control plane answers serves its persisted snapshot.
  gateways_[2]->stop();
  gateways_[2]->start();
  const int port = gateways_[2]->gateway_port();
  ASSERT_EQ(wait_status(port, "/ready", 200, std::chrono::seconds(10)), 200);
  const auto r = ready_of(port);
  EXPECT_EQ(str(r.at("source")), "disk");
  EXPECT_FALSE(r.at("connected").as_bool());
  EXPECT_EQ(status_at(port, "/pgoffline-before/1.0.0/x"), 200);
  EXPECT_EQ(status_at(port, "/pgoffline-dropped/1.0.0/x"), 404);
  // Control plane B returns; a deployment and an undeployment made now reach every gateway.
  control_[1]->start();
  deploy_new(1, "pgoffline-after");
  undeploy(1, kept);
  for (auto* g : gateways_) {
    EXPECT_EQ(wait_status(g->gateway_port(), "/pgoffline-after/1.0.0/x", 200), 200) << g->output();
    EXPECT_EQ(wait_status(g->gateway_port(), "/pgoffline-before/1.0.0/x", 404), 404);
    expect_no_event_missed_or_doubled(caught_up(*g, {1}));
  }
}

// PostgreSQL stops under the running cluster: the control planes answer 503 problems and the
// gateways keep serving; when it is back, writes and the feeds resume with no restart.
TEST_F(ClusterOnPostgres, GatewaysKeepServingWhilePostgresIsDownAndFollowWhenItIsBack) {
  for (auto* c : control_)
    if (!c->running()) c->start();
  deploy_new(0, "pgdb-before");
  for (auto* g : gateways_) ASSERT_EQ(wait_status(g->gateway_port(), "/pgdb-before/1.0.0/x", 200), 200);
  postgres_->stop();
  auto refused = cp(0, "POST", kApis, api_body("pgdb-during", "/pgdb-during"));
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(json_of(refused).at("code").as_int64(), 503) << refused.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the feeds keep polling a dead database
  for (auto* g : gateways_) EXPECT_EQ(status_at(g->gateway_port(), "/pgdb-before/1.0.0/x"), 200);
  postgres_->start();
  // The first calls after the restart may meet dead pooled connections (503), then the node answers.
  std::pair<std::string, std::string> after;
  for (int i = 0; i < 50 && after.first.empty(); ++i) {
    auto r = cp(0, "POST", kApis, api_body("pgdb-after", "/pgdb-after"));
    if (r.status == 201) after.first = str(json_of(r).at("id"));
    else std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(after.first.empty());
  auto rev = cp(1, "POST", kApis + "/" + after.first + "/revisions", R"({"description":"t"})");
  for (int i = 0; i < 50 && rev.status != 201; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    rev = cp(1, "POST", kApis + "/" + after.first + "/revisions", R"({"description":"t"})");
  }
  ASSERT_EQ(rev.status, 201) << rev.body;
  auto d = cp(1, "POST", kApis + "/" + after.first + "/deploy-revision?revisionId=" + str(json_of(rev).at("id")),
              R"([{"name":"Default","vhost":"localhost"}])");
  ASSERT_EQ(d.status, 201) << d.body;
  for (auto* g : gateways_) {
    EXPECT_EQ(wait_status(g->gateway_port(), "/pgdb-after/1.0.0/x", 200), 200) << g->output();
    expect_no_event_missed_or_doubled(caught_up(*g, {1}));  // every gateway follows B since A was killed
  }
  // A feed that met the dead database said so, but not on every poll.
  for (auto* c : control_) {
    const std::string log = c->output();
    std::size_t lines = 0;
    for (std::size_t at = log.find("gateway feed ("); at != std::string::npos; at = log.find("gateway feed (", at + 1))
      ++lines;
    EXPECT_LE(lines, 4u) << log;
  }
}

// A control plane that reads the log only once a minute still hears of another control plane's
// commits at once (PostgreSQL's notifications): a deployment, a revoked token and a removed
// subscription made on A reach a gateway fed by this one alone within seconds, not a minute.
TEST_F(ClusterOnPostgres, AControlPlaneHearsOfAnotherOnesCommitsWithoutWaitingForItsPoll) {
  if (!control_[0]->running()) control_[0]->start();
  const int d_port = free_port();
  const MoreControlPlane setup(d_port, {"--set", "cluster.change_poll_ms=60000"});
  RoleProcess d("control-plane", setup.args, setup.data);
  RoleProcess g("gateway", gateway_args("http://127.0.0.1:" + std::to_string(d_port)));
  ASSERT_EQ(wait_status(g.gateway_port(), "/ready", 200), 200) << g.output();
  constexpr auto kAtOnce = std::chrono::seconds(10);  // the poll alone would take up to 60 s
  const auto within = [&](const std::string& target, const std::string& bearer, int want) {
    const auto end = std::chrono::steady_clock::now() + kAtOnce;
    int status = 0;
    while (std::chrono::steady_clock::now() < end) {
      std::vector<std::pair<std::string, std::string>> headers;
      if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
      status = HttpClient("127.0.0.1", g.gateway_port()).get(target, headers).status;
      if (status == want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return status;
  };
  // Deployed on A.
  ASSERT_FALSE(deploy_new(0, "pgnotify").first.empty());
  EXPECT_EQ(within("/pgnotify/1.0.0/x", "", 200), 200) << g.output();

  // A secured API, an application subscribed to it and a token, all through A.
  const std::string api = secured_api("pgsecure", "/pgsecure", R"("policies":["Unlimited"],)");
  Client client = application("pgnotify-app");
  const std::string sub = subscribe(client.app_id, api);
  EXPECT_EQ(within("/pgsecure/1.0.0/x", client.token, 200), 200) << g.output();

  // The token revoked on A.

  const HttpResponse revoked = client_form("/oauth2/revoke", "token=" + client.token, client);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(within("/pgsecure/1.0.0/x", client.token, 401), 401) << g.output();

  // The subscription removed on A, seen with a second token.
  const HttpResponse second = client_form("/oauth2/token", "grant_type=client_credentials", client);
  ASSERT_EQ(second.status, 200) << second.body;
  const std::string token = str(json_of(second).at("access_token"));
  EXPECT_EQ(within("/pgsecure/1.0.0/x", token, 200), 200) << g.output();
  ASSERT_EQ(admin("DELETE", kDev + "/subscriptions/" + sub).status, 200);
  EXPECT_EQ(within("/pgsecure/1.0.0/x", token, 403), 403) << g.output();
}

// A gateway that followed control plane A and fails over to a control plane that has not yet read
// as far as it has (C hears of no other node's commits and reads them only once a minute here) goes
// on streaming from C without a new snapshot: C ends its next batch at the gateway's revision.
TEST_F(ClusterOnPostgres, GatewayFailingOverToAControlPlaneBehindItNeedsNoNewSnapshot) {
  if (!control_[0]->running()) control_[0]->start();
  const int c_port = free_port();
  const MoreControlPlane setup(
      c_port, {"--set", "cluster.change_poll_ms=60000", "--set", "store.change_notifications=false"});
  RoleProcess c("control-plane", setup.args, setup.data);
  const std::string c_url = "http://127.0.0.1:" + std::to_string(c_port);
  // A gateway on C alone makes C follow the log now (and then only on its own commits).
  RoleProcess watcher("gateway", gateway_args(c_url));
  ASSERT_EQ(wait_status(watcher.gateway_port(), "/ready", 200), 200) << watcher.output();
  RoleProcess g("gateway", gateway_args(control_url(0) + "," + c_url));
  ASSERT_EQ(wait_status(g.gateway_port(), "/ready", 200), 200) << g.output();
  for (int i = 0; i < 3; ++i) deploy_new(0, "pgalign" + std::to_string(i));
  ASSERT_EQ(wait_status(g.gateway_port(), "/pgalign2/1.0.0/x", 200), 200) << g.output();
  const std::int64_t snapshots = ready_of(g.gateway_port()).at("snapshotsLoaded").as_int64();

  control_[0]->kill9();
  const auto end = std::chrono::steady_clock::now() + kPropagation;
  boost::json::object r;
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    r = ready_of(g.gateway_port());
  } while (!(r.contains("controlPlane") && str(r.at("controlPlane")) == c_url && r.at("connected").as_bool()) &&
           std::chrono::steady_clock::now() < end);
  ASSERT_EQ(str(r.at("controlPlane")), c_url) << g.output();
  // C's own write makes it read the log: A's deployments and this one.
  const auto after = [&] {
    auto created = HttpClient("127.0.0.1", c_port).call("POST", kApis, api_body("pgalign-c", "/pgalign-c"), kAdmin, kPassword);
    EXPECT_EQ(created.status, 201) << created.body;
    const std::string id = created.status == 201 ? str(json_of(created).at("id")) : "";
    auto rev = HttpClient("127.0.0.1", c_port).call("POST", kApis + "/" + id + "/revisions", R"({"description":"t"})",
                                                     kAdmin, kPassword);
    EXPECT_EQ(rev.status, 201) << rev.body;
    return HttpClient("127.0.0.1", c_port).call(
        "POST", kApis + "/" + id + "/deploy-revision?revisionId=" + (rev.status == 201 ? str(json_of(rev).at("id")) : ""),
        R"([{"name":"Default","vhost":"localhost"}])", kAdmin, kPassword);
  }();
  ASSERT_EQ(after.status, 201) << after.body;
  EXPECT_EQ(wait_status(g.gateway_port(), "/pgalign-c/1.0.0/x", 200), 200) << g.output();
  EXPECT_EQ(wait_status(watcher.gateway_port(), "/pgalign2/1.0.0/x", 200), 200) << watcher.output();
  EXPECT_EQ(wait_status(watcher.gateway_port(), "/pgalign-c/1.0.0/x", 200), 200) << watcher.output();
  const auto now = ready_of(g.gateway_port());
  EXPECT_EQ(now.at("snapshotsLoaded").as_int64(), snapshots) << g.output();
  expect_no_event_missed_or_doubled(now);
  EXPECT_EQ(now.at("revision").as_int64(), ready_of(watcher.gateway_port()).at("revision").as_int64());
}

}  // namespace
}  // namespace archway::testing
