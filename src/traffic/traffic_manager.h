#pragma once
// The Traffic Manager's runtime: the counters every gateway worker shares, the throttler over
// them, and a background thread that drops ended windows and, with a Redis URL, shares the
// counters with the other gateways (cluster mode).
//
// Cluster mode never puts Redis on the request path. Workers count locally; every
// `sync_interval_ms` the thread sends each key's new admissions to Redis in one pipelined round
// trip (an atomic INCRBY that also opens the shared window with the period as its expiry) and
// reads back the shared totals and the number of live gateways. Between two synchronisations a
// gateway admits at most its share, ceil(remaining / gateways), of what the last total left. If
// Redis goes away the gateways log it once and count locally; they rejoin when it returns.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "traffic/counters.h"
#include "traffic/throttler.h"

namespace archway::traffic {

struct TrafficOptions {
  std::string redis_url;               // redis://[:password@]host[:port][/db]; empty: this node only
  std::int64_t sync_interval_ms = 20;  // cluster synchronisation period
  std::int64_t sweep_interval_ms = 10000;
  std::string key_prefix = "archway:";
  std::size_t max_counters = 1000000;  // counters kept at once (CounterTable::set_max_keys)
};

class TrafficManager {
 public:
  explicit TrafficManager(TrafficOptions options);
  ~TrafficManager();
  TrafficManager(const TrafficManager&) = delete;
  TrafficManager& operator=(const TrafficManager&) = delete;

  // Throws std::invalid_argument for a malformed Redis URL; Redis itself may be down.
  void start();
  void stop();

  const Throttler& throttler() const { return throttler_; }
  CounterTable& counters() { return counters_; }
  // Resets the application-tier counters of `user` on the application, on this node and (cluster
  // mode) in Redis at the next synchronisation, so the user's next call is admitted.
  void reset_application(std::string_view application_id, std::string_view user);
  bool redis_connected() const { return connected_.load(std::memory_order_relaxed); }
  int gateways() const { return gateways_.load(std::memory_order_relaxed); }

 private:
  struct Redis;
  void run();
  bool sync(Redis& r, std::int64_t now_ms);

  TrafficOptions options_;
  CounterTable counters_;
  Throttler throttler_{counters_};
  std::string node_id_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::vector<std::string> resets_;  // cluster: shared counters to delete at the next synchronisation
  std::thread thread_;
  std::atomic<bool> connected_{false};
  std::atomic<int> gateways_{1};
};

// Parsed redis:// URL (exposed for tests).
struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;
  int db = 0;
};
RedisEndpoint parse_redis_url(const std::string& url);  // throws std::invalid_argument

}  // namespace archway::traffic
