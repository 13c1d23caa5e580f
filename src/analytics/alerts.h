#pragma once
// Analytics alerts: rules (stored in the analytics database) evaluated on the rollups every
// interval (a minute by default) by a thread of their own; a rule whose window breaches its
// threshold fires once (an alert row and a JSON webhook POST) and resolves once it no longer does
// (the row closed and a second webhook). Webhooks are sent once, not retried; a failure is logged.
#include <boost/asio/ssl/context.hpp>
#include <boost/json.hpp>

#include <condition_variable>
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

class AlertEngine {
 public:
  AlertEngine(AnalyticsStore& store, std::int64_t interval_ms);
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

 private:
  void run();
  void post(const std::string& url, const boost::json::object& payload);

  AnalyticsStore& store_;
  std::int64_t interval_ms_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace archway::analytics
