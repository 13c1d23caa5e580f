#include "analytics/alerts.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/url/parse.hpp>
#include <algorithm>
#include <chrono>
#include <optional>

#include "common/clock.h"
#include "common/ids.h"
#include "common/problem.h"
#include "http/client.h"
#include "http/tls_context.h"

namespace archway::analytics {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using store::sql::Stmt;

namespace {


constexpr std::string_view kRuleColumns =
    "id, name, api_id, application_id, type, threshold, window_minutes, webhook_url, enabled";

constexpr std::string_view kTypes[] = {"errorRate", "latencyP95", "backendLatency", "trafficDrop", "throttling"};

AlertRule rule_of(const Stmt& st) {
  AlertRule r;
  r.id = st.text(0);
  r.name = st.text(1);
  r.api_id = st.text(2);
  r.application_id = st.text(3);
  r.type = st.text(4);
  r.threshold = st.real(5);
  r.window_minutes = st.integer(6);
  r.webhook_url = st.text(7);
  r.enabled = st.integer(8) != 0;
  return r;
}

json::object alert_json(const Stmt& st) {
  return {{"id", st.text(0)},
          {"ruleId", st.text(1)},
          {"ruleName", st.text(2)},
          {"state", st.text(3)},
          {"value", st.real(4)},
          {"threshold", st.real(5)},
          {"firedAt", rfc3339(st.integer(6))},
          {"resolvedAt", st.is_null(7) ? json::value(nullptr) : json::value(rfc3339(st.integer(7)))}};
}

[[noreturn]] void bad(std::string why) { throw ProblemError(Problem::bad_request(std::move(why))); }

}  // namespace

json::object rule_json(const AlertRule& r) {
  json::object o{{"id", r.id},
                 {"name", r.name},
                 {"type", r.type},
                 {"threshold", r.threshold},
                 {"windowMinutes", r.window_minutes},
                 {"webhookUrl", r.webhook_url},
                 {"enabled", r.enabled}};
  o["apiId"] = r.api_id.empty() ? json::value(nullptr) : json::value(r.api_id);
  o["applicationId"] = r.application_id.empty() ? json::value(nullptr) : json::value(r.application_id);
  return o;
}

AlertRule rule_from_json(std::string_view body) {
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) bad("The body must be a JSON object (an alert rule)");
  const json::object& o = v.get_object();
  auto text = [&o](std::string_view key, bool required) -> std::string {
    const json::value* f = o.if_contains(key);
    if (!f || f->is_null()) {
      if (required) bad(fmt::format("'{}' is required", key));
      return {};
    }
    if (!f->is_string()) bad(fmt::format("'{}' must be a string", key));
    return std::string(f->get_string());
  };
  AlertRule r;
  r.name = text("name", true);
  if (r.name.empty() || r.name.size() > 200) bad("'name' must be 1 to 200 characters");
  r.api_id = text("apiId", false);
  r.application_id = text("applicationId", false);
  r.type = text("type", true);
  if (std::find(std::begin(kTypes), std::end(kTypes), r.type) == std::end(kTypes))
    bad(fmt::format("'type' must be errorRate, latencyP95, backendLatency, trafficDrop or throttling, got '{}'",
                    r.type));
  const json::value* t = o.if_contains("threshold");
  if (!t || !t->is_number()) bad("'threshold' is required and must be a number");
  r.threshold = t->to_number<double>();
  if (!(r.threshold >= 0) || r.threshold > 1e12) bad("'threshold' must be a number from 0");
  if (r.type == "errorRate" && r.threshold > 1) bad("'threshold' of an errorRate rule is a fraction from 0 to 1");
  if (const json::value* w = o.if_contains("windowMinutes"); w && !w->is_null()) {
    if (!w->is_int64() && !w->is_uint64()) bad("'windowMinutes' must be an integer from 1 to 1440");
    const std::int64_t m = w->is_int64() ? w->get_int64() : static_cast<std::int64_t>(std::min<std::uint64_t>(w->get_uint64(), 1u << 30));
    if (m < 1 || m > 1440) bad(fmt::format("'windowMinutes' must be from 1 to 1440, got {}", m));
    r.window_minutes = m;
  }
  r.webhook_url = text("webhookUrl", true);
  const auto u = boost::urls::parse_absolute_uri(r.webhook_url);
  if (!u || (u->scheme() != "http" && u->scheme() != "https") || u->encoded_host().empty())
    bad(fmt::format("'webhookUrl' must be an http or https URL, got '{}'", r.webhook_url));
  if (const json::value* e = o.if_contains("enabled"); e && !e->is_null()) {
    if (!e->is_bool()) bad("'enabled' must be true or false");
    r.enabled = e->get_bool();
  }
  return r;
}

double rule_value(const std::string& type, const AnalyticsStore::WindowTotals& t) {
  if (type == "errorRate") return t.count ? static_cast<double>(t.errors) / static_cast<double>(t.count) : 0.0;
  if (type == "latencyP95") return t.p95_ms;
  if (type == "backendLatency") return t.backend_p95_ms;
  if (type == "throttling") return static_cast<double>(t.throttled);
  return static_cast<double>(t.count);  // trafficDrop
}

bool rule_breached(const std::string& type, double value, double threshold) {
  return type == "trafficDrop" ? value < threshold : value > threshold;
}

AlertEngine::AlertEngine(AnalyticsStore& store, AlertOptions options)
    : store_(store), options_(options), tls_(http::make_client_tls()) {}

AlertEngine::~AlertEngine() { stop(); }

void AlertEngine::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  if (!delivery_thread_.joinable()) delivery_thread_ = std::thread([this] { deliver_loop(); });
}

void AlertEngine::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  delivery_wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (delivery_thread_.joinable()) delivery_thread_.join();
  std::lock_guard lock(mu_);
  if (!deliveries_.empty())
    spdlog::warn("analytics alerts: {} webhook(s) not delivered at shutdown", deliveries_.size());
}

void AlertEngine::run() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(options_.interval_ms), [this] { return stopping_; });
      if (stopping_) return;
    }
    try {
      evaluate(common::now_millis());
    } catch (const std::exception& e) {
      spdlog::warn("analytics alerts: evaluation failed: {}", e.what());
    }
  }
}

std::vector<AlertRule> AlertEngine::rules() {
  auto conn = store_.reader();
  Stmt st = conn->prepare("SELECT " + std::string(kRuleColumns) +
                                    " FROM analytics_alert_rules ORDER BY created_ms, id");
  std::vector<AlertRule> out;
  while (st.step()) out.push_back(rule_of(st));
  return out;
}

std::optional<AlertRule> AlertEngine::rule(const std::string& id) {
  auto conn = store_.reader();
  Stmt st = conn->prepare("SELECT " + std::string(kRuleColumns) + " FROM analytics_alert_rules WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return rule_of(st);
}

AlertRule AlertEngine::create(AlertRule r) {
  r.id = common::new_uuid();
  auto conn = store_.reader();
  Stmt st = conn->prepare(
      "INSERT INTO analytics_alert_rules (id, name, api_id, application_id, type, threshold, window_minutes, "
      "webhook_url, enabled, created_ms) VALUES (?,?,?,?,?,?,?,?,?,?)");
  st.bind(1, r.id).bind(2, r.name).bind(3, r.api_id).bind(4, r.application_id).bind(5, r.type);
  st.bind_real(6, r.threshold).bind(7, r.window_minutes).bind(8, r.webhook_url).bind(9, std::int64_t{r.enabled});
  st.bind(10, common::now_millis());
  st.run();
  return r;
}

bool AlertEngine::update(const AlertRule& r) {
  auto conn = store_.reader();
  Stmt st = conn->prepare(
      "UPDATE analytics_alert_rules SET name = ?, api_id = ?, application_id = ?, type = ?, threshold = ?, "
      "window_minutes = ?, webhook_url = ?, enabled = ? WHERE id = ?");
  st.bind(1, r.name).bind(2, r.api_id).bind(3, r.application_id).bind(4, r.type).bind_real(5, r.threshold);
  st.bind(6, r.window_minutes).bind(7, r.webhook_url).bind(8, std::int64_t{r.enabled}).bind(9, r.id);
  st.run();
  return conn->changes() > 0;
}

bool AlertEngine::remove(const std::string& id) {
  auto conn = store_.reader();
  conn->begin_write();
  try {
    Stmt alerts = conn->prepare("DELETE FROM analytics_alerts WHERE rule_id = ?");
    alerts.bind(1, id);
    alerts.run();
    Stmt st = conn->prepare("DELETE FROM analytics_alert_rules WHERE id = ?");
    st.bind(1, id);
    st.run();
    const bool removed = conn->changes() > 0;
    conn->commit();
    return removed;
  } catch (...) {
    conn->rollback();
    throw;
  }
}

json::object AlertEngine::alerts() {
  auto conn = store_.reader();
  Stmt st = conn->prepare(
      "SELECT id, rule_id, rule_name, state, value, threshold, fired_ms, resolved_ms FROM analytics_alerts "
      "ORDER BY fired_ms DESC, id LIMIT 1000");
  json::array list;
  while (st.step()) list.push_back(alert_json(st));
  const auto n = static_cast<std::int64_t>(list.size());
  return {{"count", n}, {"list", std::move(list)}};
}

void AlertEngine::evaluate(std::int64_t now_ms) {
  // Control planes sharing one PostgreSQL database take turns: the one holding this transaction's
  // advisory lock evaluates the round, the others skip it (alert state is shared, so a rule fires
  // once however many nodes there are).
  std::optional<store::sql::ConnectionSource::Lease> turn;
  if (store_.dialect() == store::sql::Dialect::kPostgres) {
    turn.emplace(store_.reader());
    (*turn)->begin_write();
    Stmt t = (*turn)->prepare("SELECT CASE WHEN pg_try_advisory_xact_lock(7373002) THEN 1 ELSE 0 END");
    if (!t.step() || t.integer(0) == 0) {
      (*turn)->rollback();
      return;
    }
  }
  struct EndTurn {
    std::optional<store::sql::ConnectionSource::Lease>& turn;
    ~EndTurn() {
      if (turn) (*turn)->rollback();  // nothing was written on it: ending it releases the lock
    }
  } end_turn{turn};
  for (const AlertRule& r : rules()) {
    if (!r.enabled) continue;
    const auto totals = store_.window(r.api_id, r.application_id, now_ms - r.window_minutes * 60000, now_ms);
    const double value = rule_value(r.type, totals);
    const bool breached = rule_breached(r.type, value, r.threshold);
    std::optional<json::object> changed;
    {
      auto conn = store_.reader();
      Stmt open = conn->prepare(
          "SELECT id, rule_id, rule_name, state, value, threshold, fired_ms, resolved_ms FROM analytics_alerts "
          "WHERE rule_id = ? AND state = 'firing'");
      open.bind(1, r.id);
      const bool firing = open.step();
      if (breached && !firing) {
        const std::string id = common::new_uuid();
        Stmt ins = conn->prepare(
            "INSERT INTO analytics_alerts (id, rule_id, rule_name, state, value, threshold, fired_ms, resolved_ms) "
            "VALUES (?,?,?,'firing',?,?,?,NULL)");
        ins.bind(1, id).bind(2, r.id).bind(3, r.name).bind_real(4, value).bind_real(5, r.threshold).bind(6, now_ms);
        ins.run();
        changed = json::object{{"id", id},          {"ruleId", r.id},      {"ruleName", r.name},
                               {"state", "firing"}, {"value", value},      {"threshold", r.threshold},
                               {"firedAt", rfc3339(now_ms)}, {"resolvedAt", nullptr}};
      } else if (!breached && firing) {
        json::object a = alert_json(open);
        Stmt upd = conn->prepare(
            "UPDATE analytics_alerts SET state = 'resolved', resolved_ms = ? WHERE id = ?");
        upd.bind(1, now_ms).bind(2, std::string(a["id"].as_string()));
        upd.run();
        a["state"] = "resolved";
        a["resolvedAt"] = rfc3339(now_ms);
        a["value"] = value;  // what the window holds now
        changed = std::move(a);
      }
    }
    if (changed) {
      const std::string event = std::string((*changed)["state"].as_string());
      spdlog::info("analytics alert '{}' {} ({} = {}, threshold {})", r.name, event, r.type, value, r.threshold);
      post(r.webhook_url, json::object{{"event", event}, {"alert", std::move(*changed)}, {"rule", rule_json(r)}});
    }
  }
}

void AlertEngine::post(const std::string& url, const json::object& payload) {
  {
    std::lock_guard lock(mu_);
    if (deliveries_.size() < options_.max_pending_webhooks) {
      deliveries_.push_back(Delivery{url, json::serialize(payload)});
      delivery_wake_.notify_one();
      return;
    }
  }
  webhook_failures_.fetch_add(1, std::memory_order_relaxed);
  spdlog::warn("analytics alert webhook {} not sent: {} deliveries already wait", url,
               options_.max_pending_webhooks);
}

bool AlertEngine::attempt(const Delivery& d, std::string* why) {
  const http::FetchResult res =
      http::post_json(d.url, d.body, *tls_, std::chrono::milliseconds(options_.webhook_timeout_ms));
  if (res.status >= 200 && res.status < 300) return true;
  *why = res.status ? fmt::format("HTTP {}", res.status) : res.error;
  return false;
}

void AlertEngine::deliver_loop() {
  for (;;) {
    Delivery d;
    {
      std::unique_lock lock(mu_);
      delivery_wake_.wait(lock, [this] { return stopping_ || !deliveries_.empty(); });
      if (stopping_) return;
      d = std::move(deliveries_.front());
      deliveries_.pop_front();
    }
    std::string why;
    std::int64_t backoff = options_.webhook_backoff_ms;
    bool sent = attempt(d, &why);
    for (int retry = 1; !sent && retry <= options_.webhook_retries; ++retry) {
      spdlog::info("analytics alert webhook {} failed ({}); retry {} of {} in {} ms", d.url, why, retry,
                   options_.webhook_retries, backoff);
      {
        std::unique_lock lock(mu_);
        if (delivery_wake_.wait_for(lock, std::chrono::milliseconds(backoff), [this] { return stopping_; })) {
          spdlog::warn("analytics alert webhook {} abandoned at shutdown ({})", d.url, why);
          return;
        }
      }
      webhook_retries_.fetch_add(1, std::memory_order_relaxed);
      sent = attempt(d, &why);
      backoff = std::min<std::int64_t>(backoff * 2, 3600 * 1000);
    }
    if (!sent) {
      webhook_failures_.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("analytics alert webhook {} failed after {} attempt(s): {}", d.url, options_.webhook_retries + 1,
                   why);
    }
  }
}

}  // namespace archway::analytics
