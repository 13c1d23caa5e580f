// Two gateway processes sharing one rate limit through a real Redis server: the total admitted
// stays within the documented bound, and when Redis goes away the gateways keep serving on
// local counters, say so once, and rejoin when it returns.
#include <atomic>
#include <thread>

#include "integration/fixture.h"
#include "support/redis_server.h"

namespace archway::testing {
namespace {

class ClusterThrottling : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    redis_ = new RedisServer();
    ServerOptions a;
    a.extra_args = {"--set", "traffic.redis=" + redis_->url(), "--set", "traffic.sync_interval_ms=20"};
    server_ = new ServerProcess(a);
    ServerOptions b = a;
    b.data_dir = server_->data_dir();  // the second node shares the first one's database
    second_ = new ServerProcess(b);
    backend_ = new Backend();
  }
  static void TearDownTestSuite() {
    delete second_;
    second_ = nullptr;
    ServerSuite::TearDownTestSuite();
    delete redis_;
    redis_ = nullptr;
  }

  static HttpResponse call_at(int port, const std::string& path, const std::string& token) {
    return HttpClient("127.0.0.1", port).get(path, {{"Authorization", "Bearer " + token}});
  }
  static int until_at(int port, const std::string& path, const std::string& token, int want) {
    int status = 0;
    for (int i = 0; i < 600; ++i) {  // 3 s: the second node follows the database once a second
      status = call_at(port, path, token).status;
      if (status == want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return status;
  }

  // Hammers both gateways from `per_node` clients each for `duration`; returns the admissions.
  int hammer(const std::string& path, const std::string& token, int per_node, std::chrono::milliseconds duration,
             bool both = true) {
    std::atomic<int> admitted{0};
    std::atomic<int> other{0};
    std::vector<std::thread> ts;
    const auto end = std::chrono::steady_clock::now() + duration;
    std::vector<int> ports{server_->gateway_port()};
    if (both) ports.push_back(second_->gateway_port());
    for (int port : ports)
      for (int i = 0; i < per_node; ++i)
        ts.emplace_back([&, port] {
          HttpClient c("127.0.0.1", port);
          while (std::chrono::steady_clock::now() < end) {
            const int s = c.get(path, {{"Authorization", "Bearer " + token}}).status;
            if (s == 200) admitted.fetch_add(1);
            else if (s != 429) other.fetch_add(1);
          }
        });
    for (auto& t : ts) t.join();
    EXPECT_EQ(other.load(), 0);
    return admitted.load();
  }

  static RedisServer* redis_;
  static ServerProcess* second_;
};

RedisServer* ClusterThrottling::redis_ = nullptr;
ServerProcess* ClusterThrottling::second_ = nullptr;

// docs/traffic.md states the bound for N gateways sharing a limit L: a gateway admits at most
// its share of what it last saw remaining between two synchronisations, so the total stays
// within L + (N-1) * ceil(L/N) even if a gateway's synchronisation stalls (without sharing,
// two gateways would admit 2L); with both synchronising on schedule it is L + N - 1 (measured
// 201 for 200). Never fewer than L once clients keep asking.
TEST_F(ClusterThrottling, TwoGatewaysShareOneLimitWithinTheStatedBound) {
  constexpr int kLimit = 200;
  subscription_tier("Shared", 200);
  Client c = subscribed_on("Shared", "Clu", "/clu");
  ASSERT_EQ(until_at(server_->gateway_port(), "/clu/1.0.0/x", c.token, 200), 200);
  ASSERT_EQ(until_at(second_->gateway_port(), "/clu/1.0.0/x", c.token, 200), 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // both gateways have counted each other
  const int admitted = 2 + hammer("/clu/1.0.0/x", c.token, 2, std::chrono::milliseconds(1500));
  std::printf("two gateways admitted %d for a limit of %d\n", admitted, kLimit);
  EXPECT_GE(admitted, kLimit);
  EXPECT_LE(admitted, kLimit + kLimit / 2 + 2);
  // Either gateway alone would have admitted the whole limit: a shared count is what keeps it near L.
  EXPECT_EQ(call_at(server_->gateway_port(), "/clu/1.0.0/x", c.token).status, 429);
  EXPECT_EQ(call_at(second_->gateway_port(), "/clu/1.0.0/x", c.token).status, 429);
}

TEST_F(ClusterThrottling, OneBusyGatewayStillGetsTheWholeSharedLimit) {
  constexpr int kLimit = 100;
  subscription_tier("Lopsided", 100);
  Client c = subscribed_on("Lopsided", "Lop", "/lop");
  ASSERT_EQ(until_at(server_->gateway_port(), "/lop/1.0.0/x", c.token, 200), 200);
  const int admitted = 1 + hammer("/lop/1.0.0/x", c.token, 3, std::chrono::milliseconds(1500), false);
  std::printf("one of two gateways admitted %d for a limit of %d\n", admitted, kLimit);
  EXPECT_GE(admitted, kLimit);  // the idle gateway's share is not lost
  EXPECT_LE(admitted, kLimit + kLimit / 2 + 2);
}

TEST_F(ClusterThrottling, GatewaysKeepServingWhenRedisGoesAwayAndRejoinWhenItReturns) {
  subscription_tier("Outage", 100000);
  Client c = subscribed_on("Outage", "Out", "/out");
  ASSERT_EQ(until_at(server_->gateway_port(), "/out/1.0.0/x", c.token, 200), 200);

  redis_->stop();
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(call_at(server_->gateway_port(), "/out/1.0.0/x", c.token).status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  redis_->start();
  std::string log;
  for (int i = 0; i < 300 && log.find("rejoined Redis") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    log = server_->output();
  }
  EXPECT_NE(log.find("rejoined Redis"), std::string::npos) << log;
  // Said once, not once per synchronisation attempt.
  std::size_t lost = 0;
  for (std::size_t at = log.find("lost Redis"); at != std::string::npos; at = log.find("lost Redis", at + 1)) ++lost;
  std::size_t unreachable = 0;
  for (std::size_t at = log.find("is unreachable"); at != std::string::npos; at = log.find("is unreachable", at + 1))
    ++unreachable;
  EXPECT_EQ(lost + unreachable, 1u) << log;
  EXPECT_EQ(call_at(server_->gateway_port(), "/out/1.0.0/x", c.token).status, 200);
}

// The DevPortal's reset-throttle-policy reaches every gateway of the cluster: the node that took
// the call resets at once and deletes the shared counter in Redis, the other node resets when it
// follows the change log; neither brings the old total back.
TEST_F(ClusterThrottling, ThrottleResetFreesTheUserOnEveryGateway) {
  auto t = admin("POST", "/api/am/admin/v4/throttling/policies/application",
                 R"({"policyName":"ClusterTwo","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":2}}})");
  ASSERT_EQ(t.status, 201) << t.body;
  const std::string api = secured_api("ClReset", "/cl-reset");
  Client c = application("ClResetApp", "PRODUCTION", "ClusterTwo");
  subscribe(c.app_id, api);
  const std::string path = "/cl-reset/1.0.0/x";
  const int first = server_->gateway_port();
  const int second = second_->gateway_port();
  ASSERT_EQ(until_at(first, path, c.token, 200), 200);
  ASSERT_EQ(until_at(second, path, c.token, 200), 200);
  // Both nodes see the shared total of 2 once they have synchronised.
  ASSERT_EQ(until_at(first, path, c.token, 429), 429);
  ASSERT_EQ(until_at(second, path, c.token, 429), 429);

  ASSERT_EQ(admin("POST", kDev + "/applications/" + c.app_id + "/reset-throttle-policy", R"({"userName":"admin"})").status,
            200);
  EXPECT_EQ(call_at(first, path, c.token).status, 200);
  EXPECT_EQ(until_at(second, path, c.token, 200), 200);  // within the second node's poll of the change log
  // The tier still holds after the reset: both nodes throttle the user again.
  EXPECT_EQ(until_at(first, path, c.token, 429), 429);
  EXPECT_EQ(until_at(second, path, c.token, 429), 429);
}

}  // namespace
}  // namespace archway::testing
