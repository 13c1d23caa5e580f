#pragma once
// Analytics alerts: rules (stored in the analytics database) evaluated on the rollups every
// interval (a minute by default) by a thread of their own; a rule whose window breaches its
// threshold fires once (an alert row and a JSON webhook POST) and resolves once it no longer does
// (the row closed and a second webhook). Webhooks leave from a delivery thread of their own, in
// order; a failed post (no connection, timeout, non-2xx) is retried `webhook_retries` times after
// `webhook_backoff_ms`, doubling, and one that fails every attempt is logged and counted.
#include <boost/asio/ssl/context.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "analytics/analytics_store.h"

namespace archway::analytics {

struct AlertRule {
  std::string id;
  std::string name;
  std::string api_id;          // empty: every API
  std::string application_id;  // empty: every application
  std::string type;            // errorRate, latencyP95, backendLatency, trafficDrop, throttling
  double threshold = 0;
  std::int64_t window_minutes = 5;
  std::string webhook_url;
  bool enabled = true;
};

// The rule's JSON (the contract's field names).
boost::json::object rule_json(const AlertRule& r);
// A rule from a request body; throws ProblemError(400) naming the field at fault.
AlertRule rule_from_json(std::string_view body);

// What a rule watches in a window and whether `value` breaches `threshold`: errorRate (errors /
// requests, 0..1) above, latencyP95 and backendLatency (p95 in ms) above, throttling (throttled
// requests) above, trafficDrop (requests) below.
double rule_value(const std::string& type, const AnalyticsStore::WindowTotals& t);
bool rule_breached(const std::string& type, double value, double threshold);

struct AlertOptions {
  std::int64_t interval_ms = 60000;        // how often rules are evaluated
  int webhook_retries = 3;                 // attempts after the first
  std::int64_t webhook_backoff_ms = 1000;  // before the first retry; doubles each time
  std::int64_t webhook_timeout_ms = 5000;  // one attempt
  std::size_t max_pending_webhooks = 1000;  // waiting deliveries; beyond them a webhook fails at once
};

class AlertEngine {
 public:
  AlertEngine(AnalyticsStore& store, AlertOptions options);
  ~AlertEngine();
  AlertEngine(const AlertEngine&) = delete;
  AlertEngine& operator=(const AlertEngine&) = delete;

  void start();
  void stop();

  std::vector<AlertRule> rules();
  std::optional<AlertRule> rule(const std::string& id);
  AlertRule create(AlertRule r);  // gives it an id
  bool update(const AlertRule& r);
  bool remove(const std::string& id);  // its alerts go with it
  // Alerts, newest first: {"count","list"}.
  boost::json::object alerts();

  // One evaluation of every enabled rule at `now_ms` (the thread calls it every interval).
  void evaluate(std::int64_t now_ms);

  // Webhooks given up on after every attempt (or refused with the queue full), and attempts that
  // failed and were tried again.
  std::uint64_t webhook_failures() const { return webhook_failures_.load(std::memory_order_relaxed); }
  std::uint64_t webhook_retries() const { return webhook_retries_.load(std::memory_order_relaxed); }

 private:
  struct Delivery {
    std::string url;
    std::string body;
  };
  void run();
  void deliver_loop();
  bool attempt(const Delivery& d, std::string* why);
  void post(const std::string& url, const boost::json::object& payload);

  AnalyticsStore& store_;
  AlertOptions options_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::deque<Delivery> deliveries_;  // guarded by mu_
  std::condition_variable delivery_wake_;
  std::atomic<std::uint64_t> webhook_failures_{0};
  std::atomic<std::uint64_t> webhook_retries_{0};
  std::thread thread_;
  std::thread delivery_thread_;
};

}  // namespace archway::analytics
