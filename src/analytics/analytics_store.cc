#include "analytics/analytics_store.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <map>
#include <tuple>
#include <variant>

#include "analytics/histogram.h"
#include "store/sqlite/sqlite_db.h"

namespace archway::analytics {

namespace json = boost::json;
using store::sqlite::Db;
using store::sqlite::Stmt;
using store::sqlite::Transaction;

namespace {

constexpr std::int64_t kMinuteMs = 60000;

// Portable SQL: BIGINT, TEXT, composite primary keys; the raw events' id becomes BIGSERIAL (or an
// identity column) on PostgreSQL.
constexpr std::string_view kSchema = R"(
CREATE TABLE IF NOT EXISTS analytics_events (
  id INTEGER PRIMARY KEY,
  time_ms BIGINT NOT NULL,
  api_id TEXT NOT NULL, api_name TEXT NOT NULL, api_version TEXT NOT NULL, api_context TEXT NOT NULL,
  method TEXT NOT NULL, resource TEXT NOT NULL,
  application_id TEXT NOT NULL, application_name TEXT NOT NULL, application_owner TEXT NOT NULL,
  subscriber TEXT NOT NULL, key_type TEXT NOT NULL, auth_type TEXT NOT NULL,
  client_ip TEXT NOT NULL, user_agent TEXT NOT NULL, environment TEXT NOT NULL,
  status INTEGER NOT NULL, error_code INTEGER NOT NULL, error_category TEXT NOT NULL,
  throttled INTEGER NOT NULL, throttle_policy TEXT NOT NULL,
  total_us BIGINT NOT NULL, backend_us BIGINT NOT NULL,
  request_bytes BIGINT NOT NULL, response_bytes BIGINT NOT NULL, backend TEXT NOT NULL,
  product_id TEXT NOT NULL DEFAULT '', product_name TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS analytics_events_time ON analytics_events (time_ms);
DROP INDEX IF EXISTS analytics_events_api;
DROP INDEX IF EXISTS analytics_events_application;

CREATE TABLE IF NOT EXISTS analytics_minute (
  minute_ms BIGINT NOT NULL,
  api_id TEXT NOT NULL, application_id TEXT NOT NULL, subscriber TEXT NOT NULL,
  status INTEGER NOT NULL, error_code INTEGER NOT NULL, error_category TEXT NOT NULL, throttle_policy TEXT NOT NULL,
  requests BIGINT NOT NULL, errors BIGINT NOT NULL, throttled BIGINT NOT NULL,
  request_bytes BIGINT NOT NULL, response_bytes BIGINT NOT NULL,
  PRIMARY KEY (minute_ms, api_id, application_id, subscriber, status, error_code, error_category, throttle_policy));

CREATE TABLE IF NOT EXISTS analytics_minute_latency (
  minute_ms BIGINT NOT NULL, api_id TEXT NOT NULL, application_id TEXT NOT NULL,
  kind INTEGER NOT NULL, bucket INTEGER NOT NULL, requests BIGINT NOT NULL,
  PRIMARY KEY (minute_ms, api_id, application_id, kind, bucket));

CREATE TABLE IF NOT EXISTS analytics_apis (
  api_id TEXT PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL, context TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS analytics_applications (
  application_id TEXT PRIMARY KEY, name TEXT NOT NULL, owner TEXT NOT NULL);
)";

// Raw events go in as multi-row INSERTs: 64 rows a statement, the rest of a batch in statements of
// 32, 16, ... 1 rows. One statement step stores many rows and SQLite reuses its record buffer
// between them, so a batch costs a handful of statement runs, not one per event.
constexpr int kEventColumns = 28;
constexpr std::size_t kInsertSizes[] = {64, 32, 16, 8, 4, 2, 1};

std::string insert_events_sql(std::size_t rows) {
  std::string sql =
      "INSERT INTO analytics_events (time_ms, api_id, api_name, api_version, api_context, method, resource, "
      "application_id, application_name, application_owner, subscriber, key_type, auth_type, client_ip, user_agent, "
      "environment, status, error_code, error_category, throttled, throttle_policy, total_us, backend_us, "
      "request_bytes, response_bytes, backend, product_id, product_name) VALUES ";
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r ? ",(" : "(";
    for (int c = 0; c < kEventColumns; ++c) sql += c ? ",?" : "?";
    sql += ')';
  }
  return sql;
}

constexpr std::string_view kUpsertMinute =
    "INSERT INTO analytics_minute (minute_ms, api_id, application_id, subscriber, status, error_code, "
    "error_category, throttle_policy, requests, errors, throttled, request_bytes, response_bytes) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
    "ON CONFLICT (minute_ms, api_id, application_id, subscriber, status, error_code, error_category, "
    "throttle_policy) DO UPDATE SET requests = analytics_minute.requests + excluded.requests, "
    "errors = analytics_minute.errors + excluded.errors, throttled = analytics_minute.throttled + excluded.throttled, "
    "request_bytes = analytics_minute.request_bytes + excluded.request_bytes, "
    "response_bytes = analytics_minute.response_bytes + excluded.response_bytes";

constexpr std::string_view kUpsertLatency =
    "INSERT INTO analytics_minute_latency (minute_ms, api_id, application_id, kind, bucket, requests) "
    "VALUES (?,?,?,?,?,?) ON CONFLICT (minute_ms, api_id, application_id, kind, bucket) "
    "DO UPDATE SET requests = analytics_minute_latency.requests + excluded.requests";

constexpr std::string_view kUpsertApi =
    "INSERT INTO analytics_apis (api_id, name, version, context) VALUES (?,?,?,?) ON CONFLICT (api_id) "
    "DO UPDATE SET name = excluded.name, version = excluded.version, context = excluded.context";
constexpr std::string_view kUpsertApplication =
    "INSERT INTO analytics_applications (application_id, name, owner) VALUES (?,?,?) ON CONFLICT (application_id) "
    "DO UPDATE SET name = excluded.name, owner = excluded.owner";

std::int64_t floor_to(std::int64_t t, std::int64_t step) {
  const std::int64_t q = t / step;
  return (t % step < 0 ? q - 1 : q) * step;
}

double ms_of(std::int64_t us) { return static_cast<double>(us) / 1000.0; }

// The WHERE clause of a scope over a table whose time column is `time_col` (rollups: whole minutes
// that overlap the range).
class Where {
 public:
  Where(const Scope& s, std::string_view time_col, bool rollup) {
    sql_ = fmt::format(" WHERE {0} >= ? AND {0} < ?", time_col);
    values_.emplace_back(rollup ? floor_to(s.from_ms, kMinuteMs) : s.from_ms);
    values_.emplace_back(s.to_ms);
    if (!s.api_id.empty()) add(" AND api_id = ?", s.api_id);
    if (!s.application_id.empty()) add(" AND application_id = ?", s.application_id);
    if (s.api_traffic_only) sql_ += " AND api_id <> ''";
    if (!s.hidden_apis.empty()) {
      sql_ += " AND api_id NOT IN (";
      for (std::size_t i = 0; i < s.hidden_apis.size(); ++i) {
        sql_ += i ? ",?" : "?";
        values_.emplace_back(s.hidden_apis[i]);
      }
      sql_ += ")";
    }
    if (s.applications) {
      if (s.applications->empty()) {
        sql_ += " AND 1 = 0";
      } else {
        sql_ += " AND application_id IN (";
        for (std::size_t i = 0; i < s.applications->size(); ++i) {
          sql_ += i ? ",?" : "?";
          values_.emplace_back((*s.applications)[i]);
        }
        sql_ += ")";
      }
    }
  }
  Where& add(std::string_view clause, std::string value) {
    sql_ += clause;
    values_.emplace_back(std::move(value));
    return *this;
  }
  Where& add(std::string_view clause) {
    sql_ += clause;
    return *this;
  }
  const std::string& sql() const { return sql_; }
  // Binds the values from parameter `first` on; returns the next free index.
  int bind(Stmt& st, int first = 1) const {
    int i = first;
    for (const auto& v : values_) {
      if (const auto* n = std::get_if<std::int64_t>(&v))
        st.bind(i++, *n);
      else
        st.bind(i++, std::get<std::string>(v));
    }
    return i;
  }

 private:
  std::string sql_;
  std::vector<std::variant<std::int64_t, std::string>> values_;
};

std::string bucket_expr(std::int64_t g) { return fmt::format("(minute_ms / {0}) * {0}", g); }

// Every bucket start of the scope's range, in order.
std::vector<std::int64_t> buckets(const Scope& s) {
  std::vector<std::int64_t> out;
  for (std::int64_t t = floor_to(s.from_ms, s.granularity_ms); t < s.to_ms; t += s.granularity_ms) out.push_back(t);
  return out;
}

json::object range(const Scope& s) { return {{"from", rfc3339(s.from_ms)}, {"to", rfc3339(s.to_ms)}}; }

json::object percentiles(const LatencyHistogram& h) {
  return {{"p50", percentile_ms(h, 0.50)}, {"p95", percentile_ms(h, 0.95)}, {"p99", percentile_ms(h, 0.99)}};
}

}  // namespace

std::string rfc3339(std::int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(floor_to(ms, 1000) / 1000);
  const std::int64_t frac = ms - floor_to(ms, 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return frac ? fmt::format("{}.{:03}Z", buf, frac) : fmt::format("{}Z", buf);
}

struct AnalyticsStore::Writer {
  explicit Writer(Db& db)
      : upsert_minute(db.prepare(kUpsertMinute)),
        upsert_latency(db.prepare(kUpsertLatency)),
        upsert_api(db.prepare(kUpsertApi)),
        upsert_application(db.prepare(kUpsertApplication)) {
    for (std::size_t rows : kInsertSizes)
      insert_events.push_back(std::make_unique<Stmt>(db.handle(), insert_events_sql(rows)));
  }
  std::vector<std::unique_ptr<Stmt>> insert_events;  // one per kInsertSizes entry
  Stmt upsert_minute, upsert_latency, upsert_api, upsert_application;
};

AnalyticsStore::AnalyticsStore(const std::string& path, std::string environment)
    : environment_(std::move(environment)), writer_db_(std::make_unique<Db>(path)) {
  // Room for the writer's record and cursor buffers in SQLite's per-connection lookaside (its
  // default 100 slots are held by the long-lived prepared statements), so storing a batch does not
  // go to malloc for them. Refused (SQLITE_BUSY) only while lookaside memory is in use: not here.
  sqlite3_db_config(writer_db_->handle(), SQLITE_DBCONFIG_LOOKASIDE, nullptr, 1200, 1000);
  // Raw events are appended (rowid and time order): a batch touches the right edge of the table and
  // of its one index, and the rollups' pages of the current minutes, so a small page cache (4 MiB)
  // holds them; once full it recycles its pages instead of allocating more. The WAL is
  // checkpointed in larger steps.
  writer_db_->exec("PRAGMA cache_size=-4096; PRAGMA wal_autocheckpoint=4000;");
  writer_db_->exec(kSchema);
  // A database made before events named their API product gets the columns (empty for old events).
  try {
    (void)writer_db_->prepare("SELECT product_id FROM analytics_events LIMIT 0");
  } catch (const std::exception&) {
    writer_db_->exec(
        "ALTER TABLE analytics_events ADD COLUMN product_id TEXT NOT NULL DEFAULT '';"
        "ALTER TABLE analytics_events ADD COLUMN product_name TEXT NOT NULL DEFAULT '';");
  }
  w_ = std::make_unique<Writer>(*writer_db_);
  reader_ = std::make_unique<Db>(path);
}

AnalyticsStore::~AnalyticsStore() = default;

void AnalyticsStore::write(std::span<const Event* const> events) {
  if (events.empty()) return;
  struct MinuteKey {
    std::int64_t minute;
    std::string_view api, app, subscriber;
    int status, code;
    ErrorCategory category;
    std::string_view policy;
    auto tie() const { return std::tie(minute, api, app, subscriber, status, code, category, policy); }
    bool operator<(const MinuteKey& o) const { return tie() < o.tie(); }
  };
  struct MinuteRow {
    std::int64_t requests = 0, errors = 0, throttled = 0, request_bytes = 0, response_bytes = 0;
  };
  using LatencyKey = std::tuple<std::int64_t, std::string_view, std::string_view, int, int>;
  std::map<MinuteKey, MinuteRow> minutes;
  std::map<LatencyKey, std::int64_t> latencies;
  std::map<std::string_view, const Event*> apis, applications;

  Transaction tx(*writer_db_);
  // Binds event `e` as row `row` (0-based) of `st`.
  const auto bind_event = [this](Stmt& st, int row, const Event* e) {
    const int b = row * kEventColumns;
    st.bind(b + 1, e->time_ms)
        .bind_view(b + 2, e->api_id.view())
        .bind_view(b + 3, e->api_name.view())
        .bind_view(b + 4, e->api_version.view())
        .bind_view(b + 5, e->api_context.view())
        .bind_view(b + 6, e->method.view())
        .bind_view(b + 7, e->resource.view())
        .bind_view(b + 8, e->application_id.view())
        .bind_view(b + 9, e->application_name.view())
        .bind_view(b + 10, e->application_owner.view())
        .bind_view(b + 11, e->subscriber.view())
        .bind_view(b + 12, key_type_name(e->key_type))
        .bind_view(b + 13, e->auth_type.view())
        .bind_view(b + 14, e->client_ip.view())
        .bind_view(b + 15, e->user_agent.view())
        .bind_view(b + 16, environment_)
        .bind(b + 17, std::int64_t{e->status})
        .bind(b + 18, std::int64_t{e->error_code})
        .bind_view(b + 19, category_name(e->category))
        .bind(b + 20, std::int64_t{e->throttled})
        .bind_view(b + 21, e->throttle_policy.view())
        .bind(b + 22, e->total_us)
        .bind(b + 23, e->backend_us)
        .bind(b + 24, e->request_bytes)
        .bind(b + 25, e->response_bytes)
        .bind_view(b + 26, e->backend.view())
        .bind_view(b + 27, e->product_id.view())
        .bind_view(b + 28, e->product_name.view());
  };
  std::size_t stored = 0;
  for (std::size_t i = 0; i < std::size(kInsertSizes); ++i) {
    const std::size_t rows = kInsertSizes[i];
    Stmt& st = *w_->insert_events[i];
    for (; events.size() - stored >= rows; stored += rows) {
      st.reset();
      for (std::size_t r = 0; r < rows; ++r) bind_event(st, static_cast<int>(r), events[stored + r]);
      st.run();
    }
  }

  for (const Event* e : events) {
    const std::int64_t minute = floor_to(e->time_ms, kMinuteMs);
    MinuteRow& m = minutes[MinuteKey{minute, e->api_id.view(), e->application_id.view(), e->subscriber.view(),
                                     e->status, e->error_code, e->category, e->throttle_policy.view()}];
    m.requests += 1;
    m.errors += is_error(e->status) ? 1 : 0;
    m.throttled += e->throttled ? 1 : 0;
    m.request_bytes += e->request_bytes;
    m.response_bytes += e->response_bytes;
    latencies[{minute, e->api_id.view(), e->application_id.view(), 0, latency_bucket(e->total_us)}] += 1;
    if (e->forwarded)
      latencies[{minute, e->api_id.view(), e->application_id.view(), 1, latency_bucket(e->backend_us)}] += 1;
    // An API's name row comes from a call made to it directly when the batch has one (a call
    // through a product carries the product's context).
    if (!e->api_id.empty()) {
      const Event*& named = apis[e->api_id.view()];
      if (!named || !named->product_id.empty()) named = e;
    }
    if (!e->application_id.empty()) applications[e->application_id.view()] = e;
  }
  Stmt& um = w_->upsert_minute;
  for (const auto& [k, v] : minutes) {
    um.reset();
    um.bind(1, k.minute)
        .bind_view(2, k.api)
        .bind_view(3, k.app)
        .bind_view(4, k.subscriber)
        .bind(5, std::int64_t{k.status})
        .bind(6, std::int64_t{k.code})
        .bind_view(7, category_name(k.category))
        .bind_view(8, k.policy)
        .bind(9, v.requests)
        .bind(10, v.errors)
        .bind(11, v.throttled)
        .bind(12, v.request_bytes)
        .bind(13, v.response_bytes);
    um.run();
  }
  Stmt& ul = w_->upsert_latency;
  for (const auto& [k, n] : latencies) {
    ul.reset();
    ul.bind(1, std::get<0>(k))
        .bind_view(2, std::get<1>(k))
        .bind_view(3, std::get<2>(k))
        .bind(4, std::int64_t{std::get<3>(k)})
        .bind(5, std::int64_t{std::get<4>(k)})
        .bind(6, n);
    ul.run();
  }
  for (const auto& [id, e] : apis) {
    Stmt& u = w_->upsert_api;
    u.reset();
    u.bind_view(1, id)
        .bind_view(2, e->api_name.view())
        .bind_view(3, e->api_version.view())
        .bind_view(4, e->api_context.view());
    u.run();
  }
  for (const auto& [id, e] : applications) {
    Stmt& u = w_->upsert_application;
    u.reset();
    u.bind_view(1, id).bind_view(2, e->application_name.view()).bind_view(3, e->application_owner.view());
    u.run();
  }
  tx.commit();
}

void AnalyticsStore::prune(std::int64_t raw_before_ms, std::int64_t rollups_before_ms) {
  constexpr std::string_view kSlices[] = {
      "DELETE FROM analytics_events WHERE id IN (SELECT id FROM analytics_events WHERE time_ms < ? LIMIT 5000)",
      "DELETE FROM analytics_minute WHERE minute_ms IN (SELECT DISTINCT minute_ms FROM analytics_minute "
      "WHERE minute_ms < ? LIMIT 10)",
      "DELETE FROM analytics_minute_latency WHERE minute_ms IN (SELECT DISTINCT minute_ms FROM "
      "analytics_minute_latency WHERE minute_ms < ? LIMIT 10)"};
  for (std::size_t i = 0; i < std::size(kSlices); ++i) {
    const std::int64_t before = i == 0 ? raw_before_ms : rollups_before_ms;
    for (int round = 0; round < 1000; ++round) {
      Stmt st = writer_db_->prepare(kSlices[i]);
      st.bind(1, before);
      st.run();
      if (writer_db_->changes() == 0) break;
    }
  }
}

boost::json::object AnalyticsStore::summary(const Scope& s) {
  std::lock_guard lock(read_mu_);
  json::object out = range(s);
  const Where w(s, "minute_ms", true);
  Stmt st = reader_->prepare(
      "SELECT COALESCE(SUM(requests),0), COALESCE(SUM(errors),0), COALESCE(SUM(throttled),0), "
      "COALESCE(SUM(request_bytes),0), COALESCE(SUM(response_bytes),0) FROM analytics_minute" +
      w.sql());
  w.bind(st);
  std::int64_t count = 0, errors = 0;
  if (st.step()) {
    count = st.integer(0);
    errors = st.integer(1);
    out["count"] = count;
    out["errors"] = errors;
    out["errorRate"] = count ? static_cast<double>(errors) / static_cast<double>(count) : 0.0;
    out["throttled"] = st.integer(2);
    out["requestBytes"] = st.integer(3);
    out["responseBytes"] = st.integer(4);
  }
  LatencyHistogram total{}, backend{};
  const Where lw(s, "minute_ms", true);
  Stmt lt = reader_->prepare("SELECT kind, bucket, SUM(requests) FROM analytics_minute_latency" + lw.sql() +
                             " GROUP BY kind, bucket");
  lw.bind(lt);
  while (lt.step()) {
    const auto b = lt.integer(1);
    if (b < 0 || b >= kLatencyBuckets) continue;
    (lt.integer(0) == 0 ? total : backend)[static_cast<std::size_t>(b)] += lt.integer(2);
  }
  out["latency"] = percentiles(total);
  out["backendLatency"] = percentiles(backend);
  return out;
}

boost::json::object AnalyticsStore::traffic(const Scope& s) {
  std::lock_guard lock(read_mu_);
  const Where w(s, "minute_ms", true);
  Stmt st = reader_->prepare("SELECT " + bucket_expr(s.granularity_ms) +
                             " AS t, SUM(requests), SUM(errors), SUM(throttled), SUM(request_bytes), "
                             "SUM(response_bytes) FROM analytics_minute" +
                             w.sql() + " GROUP BY t");
  w.bind(st);
  std::map<std::int64_t, std::array<std::int64_t, 5>> rows;
  while (st.step()) rows[st.integer(0)] = {st.integer(1), st.integer(2), st.integer(3), st.integer(4), st.integer(5)};
  json::array list;
  for (std::int64_t t : buckets(s)) {
    const auto it = rows.find(t);
    const std::array<std::int64_t, 5> v = it == rows.end() ? std::array<std::int64_t, 5>{} : it->second;
    list.push_back(json::object{{"time", rfc3339(t)},
                                {"count", v[0]},
                                {"errors", v[1]},
                                {"throttled", v[2]},
                                {"requestBytes", v[3]},
                                {"responseBytes", v[4]}});
  }
  json::object out = range(s);
  out["granularity"] = s.granularity_ms == kMinuteMs ? "minute" : s.granularity_ms == 3600000 ? "hour" : "day";
  out["list"] = std::move(list);
  return out;
}

boost::json::object AnalyticsStore::latency(const Scope& s) {
  std::lock_guard lock(read_mu_);
  const Where w(s, "minute_ms", true);
  Stmt st = reader_->prepare("SELECT " + bucket_expr(s.granularity_ms) +
                             " AS t, kind, bucket, SUM(requests) FROM analytics_minute_latency" + w.sql() +
                             " GROUP BY t, kind, bucket");
  w.bind(st);
  std::map<std::int64_t, std::pair<LatencyHistogram, LatencyHistogram>> rows;
  while (st.step()) {
    const auto b = st.integer(2);
    if (b < 0 || b >= kLatencyBuckets) continue;
    auto& [total, backend] = rows[st.integer(0)];
    (st.integer(1) == 0 ? total : backend)[static_cast<std::size_t>(b)] += st.integer(3);
  }
  json::array list;
  for (std::int64_t t : buckets(s)) {
    json::object o{{"time", rfc3339(t)}, {"count", 0}, {"p50", 0.0}, {"p95", 0.0}, {"p99", 0.0}, {"backendP95", 0.0}};
    if (const auto it = rows.find(t); it != rows.end()) {
      std::int64_t n = 0;
      for (auto c : it->second.first) n += c;
      o["count"] = n;
      o["p50"] = percentile_ms(it->second.first, 0.50);
      o["p95"] = percentile_ms(it->second.first, 0.95);
      o["p99"] = percentile_ms(it->second.first, 0.99);
      o["backendP95"] = percentile_ms(it->second.second, 0.95);
    }
    list.push_back(std::move(o));
  }
  json::object out = range(s);
  out["granularity"] = s.granularity_ms == kMinuteMs ? "minute" : s.granularity_ms == 3600000 ? "hour" : "day";
  out["list"] = std::move(list);
  return out;
}

boost::json::object AnalyticsStore::errors(const Scope& s) {
  std::lock_guard lock(read_mu_);
  Where w(s, "minute_ms", true);
  w.add(" AND errors > 0");
  Stmt st = reader_->prepare(
      "SELECT error_category, error_code, status, SUM(requests) AS n FROM analytics_minute" + w.sql() +
      " GROUP BY error_category, error_code, status ORDER BY n DESC, error_category, error_code, status");
  w.bind(st);
  std::map<std::string, std::int64_t> by_category;
  std::int64_t count = 0;
  json::array list;
  while (st.step()) {
    const std::string category = st.text(0);
    const std::int64_t n = st.integer(3);
    by_category[category] += n;
    count += n;
    list.push_back(json::object{{"category", category}, {"errorCode", st.integer(1)}, {"status", st.integer(2)},
                                {"count", n}});
  }
  json::array categories;
  for (ErrorCategory c : kCategories) {
    const auto it = by_category.find(std::string(category_name(c)));
    categories.push_back(
        json::object{{"category", category_name(c)}, {"count", it == by_category.end() ? 0 : it->second}});
  }
  Stmt ot = reader_->prepare("SELECT " + bucket_expr(s.granularity_ms) +
                             " AS t, error_category, SUM(requests) FROM analytics_minute" + w.sql() +
                             " GROUP BY t, error_category");
  w.bind(ot);
  std::map<std::int64_t, std::map<std::string, std::int64_t>> over;
  while (ot.step()) over[ot.integer(0)][ot.text(1)] += ot.integer(2);
  json::array over_time;
  for (std::int64_t t : buckets(s)) {
    json::object o{{"time", rfc3339(t)}};
    const auto it = over.find(t);
    for (ErrorCategory c : kCategories) {
      std::int64_t n = 0;
      if (it != over.end())
        if (auto ct = it->second.find(std::string(category_name(c))); ct != it->second.end()) n = ct->second;
      o[category_name(c)] = n;
    }
    over_time.push_back(std::move(o));
  }
  json::object out = range(s);
  out["granularity"] = s.granularity_ms == kMinuteMs ? "minute" : s.granularity_ms == 3600000 ? "hour" : "day";
  out["count"] = count;
  out["byCategory"] = std::move(categories);
  out["list"] = std::move(list);
  out["overTime"] = std::move(over_time);
  return out;
}

boost::json::object AnalyticsStore::top_apis(const Scope& s, std::int64_t limit) {
  std::lock_guard lock(read_mu_);
  Where w(s, "minute_ms", true);
  w.add(" AND api_id <> ''");
  Stmt st = reader_->prepare(
      "SELECT api_id, SUM(requests) AS n, SUM(errors), SUM(throttled) FROM analytics_minute" + w.sql() +
      " GROUP BY api_id ORDER BY n DESC, api_id LIMIT ?");
  st.bind(w.bind(st), limit);
  json::array list;
  while (st.step()) {
    const std::string id = st.text(0);
    json::object o{{"apiId", id}, {"apiName", ""}, {"apiVersion", ""}, {"apiContext", ""},
                   {"count", st.integer(1)}, {"errors", st.integer(2)}, {"throttled", st.integer(3)}};
    Stmt names = reader_->prepare("SELECT name, version, context FROM analytics_apis WHERE api_id = ?");
    names.bind(1, id);
    if (names.step()) {
      o["apiName"] = names.text(0);
      o["apiVersion"] = names.text(1);
      o["apiContext"] = names.text(2);
    }
    Where lw(s, "minute_ms", true);
    lw.add(" AND api_id = ?", id).add(" AND kind = 0");
    Stmt lt = reader_->prepare("SELECT bucket, SUM(requests) FROM analytics_minute_latency" + lw.sql() +
                               " GROUP BY bucket");
    lw.bind(lt);
    LatencyHistogram h{};
    while (lt.step())
      if (const auto b = lt.integer(0); b >= 0 && b < kLatencyBuckets) h[static_cast<std::size_t>(b)] += lt.integer(1);
    o["p95"] = percentile_ms(h, 0.95);
    list.push_back(std::move(o));
  }
  json::object out = range(s);
  out["list"] = std::move(list);
  return out;
}

boost::json::object AnalyticsStore::top_applications(const Scope& s, std::int64_t limit) {
  std::lock_guard lock(read_mu_);
  Where w(s, "minute_ms", true);
  w.add(" AND application_id <> ''");
  Stmt st = reader_->prepare(
      "SELECT m.application_id, SUM(m.requests) AS n, SUM(m.errors), SUM(m.throttled), "
      "COALESCE(MAX(a.name), ''), COALESCE(MAX(a.owner), '') FROM (SELECT * FROM analytics_minute" +
      w.sql() +
      ") m LEFT JOIN analytics_applications a ON a.application_id = m.application_id "
      "GROUP BY m.application_id ORDER BY n DESC, m.application_id LIMIT ?");
  st.bind(w.bind(st), limit);
  json::array list;
  while (st.step())
    list.push_back(json::object{{"applicationId", st.text(0)}, {"applicationName", st.text(4)},
                                {"owner", st.text(5)}, {"count", st.integer(1)}, {"errors", st.integer(2)},
                                {"throttled", st.integer(3)}});
  json::object out = range(s);
  out["list"] = std::move(list);
  return out;
}

boost::json::object AnalyticsStore::top_users(const Scope& s, std::int64_t limit) {
  std::lock_guard lock(read_mu_);
  Where w(s, "minute_ms", true);
  w.add(" AND subscriber <> ''");
  Stmt st = reader_->prepare("SELECT subscriber, SUM(requests) AS n, SUM(errors) FROM analytics_minute" + w.sql() +
                             " GROUP BY subscriber ORDER BY n DESC, subscriber LIMIT ?");
  st.bind(w.bind(st), limit);
  json::array list;
  while (st.step())
    list.push_back(json::object{{"subscriber", st.text(0)}, {"count", st.integer(1)}, {"errors", st.integer(2)}});
  json::object out = range(s);
  out["list"] = std::move(list);
  return out;
}

boost::json::object AnalyticsStore::throttling(const Scope& s) {
  std::lock_guard lock(read_mu_);
  Where w(s, "minute_ms", true);
  w.add(" AND throttled > 0");
  Stmt ot = reader_->prepare("SELECT " + bucket_expr(s.granularity_ms) +
                             " AS t, SUM(throttled) FROM analytics_minute" + w.sql() + " GROUP BY t");
  w.bind(ot);
  std::map<std::int64_t, std::int64_t> over;
  std::int64_t count = 0;
  while (ot.step()) {
    over[ot.integer(0)] += ot.integer(1);
    count += ot.integer(1);
  }
  json::array over_time;
  for (std::int64_t t : buckets(s)) {
    const auto it = over.find(t);
    over_time.push_back(json::object{{"time", rfc3339(t)}, {"count", it == over.end() ? 0 : it->second}});
  }
  Stmt bp = reader_->prepare("SELECT throttle_policy, SUM(throttled) AS n FROM analytics_minute" + w.sql() +
                             " GROUP BY throttle_policy ORDER BY n DESC, throttle_policy");
  w.bind(bp);
  json::array by_policy;
  while (bp.step()) by_policy.push_back(json::object{{"policy", bp.text(0)}, {"count", bp.integer(1)}});
  Where aw = w;
  aw.add(" AND application_id <> ''");
  Stmt ba = reader_->prepare(
      "SELECT m.application_id, SUM(m.throttled) AS n, COALESCE(MAX(a.name), '') FROM (SELECT * FROM "
      "analytics_minute" +
      aw.sql() +
      ") m LEFT JOIN analytics_applications a ON a.application_id = m.application_id GROUP BY m.application_id "
      "ORDER BY n DESC, m.application_id");
  aw.bind(ba);
  json::array by_application;
  while (ba.step())
    by_application.push_back(
        json::object{{"applicationId", ba.text(0)}, {"applicationName", ba.text(2)}, {"count", ba.integer(1)}});
  json::object out = range(s);
  out["granularity"] = s.granularity_ms == kMinuteMs ? "minute" : s.granularity_ms == 3600000 ? "hour" : "day";
  out["count"] = count;
  out["overTime"] = std::move(over_time);
  out["byPolicy"] = std::move(by_policy);
  out["byApplication"] = std::move(by_application);
  return out;
}

boost::json::object AnalyticsStore::events(const Scope& s, std::int64_t limit, std::int64_t offset) {
  std::lock_guard lock(read_mu_);
  const Where w(s, "time_ms", false);
  Stmt cnt = reader_->prepare("SELECT COUNT(*) FROM analytics_events" + w.sql());
  w.bind(cnt);
  const std::int64_t total = cnt.step() ? cnt.integer(0) : 0;
  Stmt st = reader_->prepare(
      "SELECT time_ms, api_id, api_name, api_version, api_context, method, resource, application_id, "
      "application_name, application_owner, subscriber, key_type, auth_type, client_ip, user_agent, environment, "
      "status, error_code, error_category, throttled, throttle_policy, total_us, backend_us, request_bytes, "
      "response_bytes, backend, product_id, product_name FROM analytics_events" +
      w.sql() + " ORDER BY time_ms DESC, id DESC LIMIT ? OFFSET ?");
  const int next = w.bind(st);
  st.bind(next, limit).bind(next + 1, offset);
  json::array list;
  while (st.step()) {
    const std::int64_t total_us = st.integer(21), backend_us = st.integer(22);
    const std::string method = st.text(5), resource = st.text(6);
    list.push_back(json::object{
        {"time", rfc3339(st.integer(0))},
        {"apiId", st.text(1)},
        {"apiName", st.text(2)},
        {"apiVersion", st.text(3)},
        {"apiContext", st.text(4)},
        {"operation", method.empty() ? resource : resource.empty() ? method : method + " " + resource},
        {"applicationId", st.text(7)},
        {"applicationName", st.text(8)},
        {"applicationOwner", st.text(9)},
        {"subscriber", st.text(10)},
        {"keyType", st.text(11)},
        {"authType", st.text(12)},
        {"clientIp", st.text(13)},
        {"userAgent", st.text(14)},
        {"environment", st.text(15)},
        {"status", st.integer(16)},
        {"errorCode", st.integer(17)},
        {"errorCategory", st.text(18)},
        {"throttled", st.integer(19) != 0},
        {"throttlePolicy", st.text(20)},
        {"gatewayLatency", ms_of(std::max<std::int64_t>(0, total_us - backend_us))},
        {"backendLatency", ms_of(backend_us)},
        {"totalLatency", ms_of(total_us)},
        {"requestBytes", st.integer(23)},
        {"responseBytes", st.integer(24)},
        {"backend", st.text(25)},
        {"apiProductId", st.text(26).empty() ? json::value(nullptr) : json::value(st.text(26))},
        {"apiProductName", st.text(27).empty() ? json::value(nullptr) : json::value(st.text(27))},
    });
  }
  const auto n = static_cast<std::int64_t>(list.size());
  return {{"count", n},
          {"list", std::move(list)},
          {"pagination", json::object{{"offset", offset}, {"limit", limit}, {"total", total}}}};
}

AnalyticsStore::WindowTotals AnalyticsStore::window(const std::string& api_id, const std::string& application_id,
                                                    std::int64_t from_ms, std::int64_t to_ms) {
  Scope s;
  s.from_ms = from_ms;
  s.to_ms = to_ms;
  s.api_id = api_id;
  s.application_id = application_id;
  std::lock_guard lock(read_mu_);
  WindowTotals out;
  const Where w(s, "minute_ms", true);
  Stmt st = reader_->prepare(
      "SELECT COALESCE(SUM(requests),0), COALESCE(SUM(errors),0), COALESCE(SUM(throttled),0) FROM analytics_minute" +
      w.sql());
  w.bind(st);
  if (st.step()) {
    out.count = st.integer(0);
    out.errors = st.integer(1);
    out.throttled = st.integer(2);
  }
  Stmt lt = reader_->prepare("SELECT kind, bucket, SUM(requests) FROM analytics_minute_latency" + w.sql() +
                             " GROUP BY kind, bucket");
  w.bind(lt);
  LatencyHistogram total{}, backend{};
  while (lt.step())
    if (const auto b = lt.integer(1); b >= 0 && b < kLatencyBuckets)
      (lt.integer(0) == 0 ? total : backend)[static_cast<std::size_t>(b)] += lt.integer(2);
  out.p95_ms = percentile_ms(total, 0.95);
  out.backend_p95_ms = percentile_ms(backend, 0.95);
  return out;
}

}  // namespace archway::analytics
