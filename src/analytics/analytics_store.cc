#include "analytics/analytics_store.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <limits>
#include <map>
#include <queue>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "analytics/histogram.h"
#include "analytics/segment.h"
#include "store/sqlite/sqlite_connection.h"

namespace archway::analytics {

namespace json = boost::json;
using store::sql::Connection;
using store::sql::ConnectionSource;
using store::sql::Dialect;
using store::sql::Stmt;

namespace {

constexpr std::int64_t kMinuteMs = 60000;

// Plain SQL both dialects take but for two spellings (schema()): the segments' key and body.
// Alert rules and the alerts they raised (alerts.h) live here too.
constexpr std::string_view kSchema = R"(
CREATE TABLE IF NOT EXISTS analytics_segments (
  id INTEGER PRIMARY KEY,
  first_ms BIGINT NOT NULL, last_ms BIGINT NOT NULL, events INTEGER NOT NULL, body BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS analytics_segments_last ON analytics_segments (last_ms);
-- raw_horizon_ms: raw events before it are past their retention (a segment that straddles it is
-- kept whole until its last event is, but lists nothing older).
CREATE TABLE IF NOT EXISTS analytics_meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL);
-- The last segment stored from each remote gateway (its process run and the segment's number in
-- it), so a segment sent again after a lost answer is not counted twice.
CREATE TABLE IF NOT EXISTS analytics_sources (
  gateway TEXT PRIMARY KEY, boot TEXT NOT NULL, seq BIGINT NOT NULL, seen_ms BIGINT NOT NULL);

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
CREATE TABLE IF NOT EXISTS analytics_alert_rules (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, api_id TEXT NOT NULL, application_id TEXT NOT NULL,
  type TEXT NOT NULL, threshold DOUBLE PRECISION NOT NULL, window_minutes INTEGER NOT NULL,
  webhook_url TEXT NOT NULL, enabled INTEGER NOT NULL, created_ms BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS analytics_alerts (
  id TEXT PRIMARY KEY, rule_id TEXT NOT NULL, rule_name TEXT NOT NULL, state TEXT NOT NULL,
  value DOUBLE PRECISION NOT NULL, threshold DOUBLE PRECISION NOT NULL,
  fired_ms BIGINT NOT NULL, resolved_ms BIGINT);
CREATE INDEX IF NOT EXISTS analytics_alerts_rule ON analytics_alerts (rule_id, state);
CREATE INDEX IF NOT EXISTS analytics_alerts_fired ON analytics_alerts (fired_ms);
)";

std::string schema(Dialect d) {
  std::string sql(kSchema);
  if (d == Dialect::kPostgres) {
    sql.replace(sql.find("id INTEGER PRIMARY KEY"), 22, "id BIGSERIAL PRIMARY KEY");
    sql.replace(sql.find("body BLOB"), 9, "body BYTEA");
  }
  return sql;
}

// Runs fn(connection) in a write transaction on a connection of `source`, again from the start
// when the database asks for it (busy, a serialization failure between control planes), at most
// three times; fn must be safe to run again.
template <class F>
void write_tx(ConnectionSource& source, F&& fn) {
  for (int attempt = 1;; ++attempt) {
    auto conn = source.acquire();
    try {
      conn->begin_write();
      fn(*conn);
      conn->commit();
      return;
    } catch (const store::sql::Error& e) {
      conn->rollback();
      if (e.kind() == store::sql::Error::Kind::kConnectionLost) conn.mark_broken();
      if (!e.is_retryable() || attempt == 3) throw;
    } catch (...) {
      conn->rollback();
      throw;
    }
  }
}


constexpr std::string_view kInsertSegment =
    "INSERT INTO analytics_segments (first_ms, last_ms, events, body) VALUES (?,?,?,?)";

// A batch larger than this is stored as several segments (a segment stays a few hundred KiB).
constexpr std::size_t kMaxSegmentEvents = 8192;

constexpr std::string_view kUpsertMinute =
    "INSERT INTO analytics_minute (minute_ms, api_id, application_id, subscriber, status, "
    "error_code, "
    "error_category, throttle_policy, requests, errors, throttled, request_bytes, response_bytes) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
    "ON CONFLICT (minute_ms, api_id, application_id, subscriber, status, error_code, "
    "error_category, "
    "throttle_policy) DO UPDATE SET requests = analytics_minute.requests + excluded.requests, "
    "errors = analytics_minute.errors + excluded.errors, throttled = analytics_minute.throttled + "
    "excluded.throttled, "
    "request_bytes = {0}, response_bytes = {1}";

// kUpsertMinute with the byte columns' addition for `d`, held at the int64 bound like the rows
// gathered in memory: SQLite's + turns an overflowing sum into a REAL that reads back as the bound;
// PostgreSQL's bigint + fails, so the sum is made in numeric and capped.
std::string upsert_minute_sql(Dialect d) {
  const auto add = [d](std::string_view col) {
    return d == Dialect::kSqlite
               ? fmt::format("analytics_minute.{0} + excluded.{0}", col)
               : fmt::format("LEAST(analytics_minute.{0}::numeric + excluded.{0}, 9223372036854775807)::bigint", col);
  };
  return fmt::format(fmt::runtime(kUpsertMinute), add("request_bytes"), add("response_bytes"));
}

constexpr std::string_view kUpsertLatency =
    "INSERT INTO analytics_minute_latency (minute_ms, api_id, application_id, kind, bucket, "
    "requests) "
    "VALUES (?,?,?,?,?,?) ON CONFLICT (minute_ms, api_id, application_id, kind, bucket) "
    "DO UPDATE SET requests = analytics_minute_latency.requests + excluded.requests";

constexpr std::string_view kUpsertApi =
    "INSERT INTO analytics_apis (api_id, name, version, context) VALUES (?,?,?,?) ON CONFLICT "
    "(api_id) "
    "DO UPDATE SET name = excluded.name, version = excluded.version, context = excluded.context";
constexpr std::string_view kUpsertApplication =
    "INSERT INTO analytics_applications (application_id, name, owner) VALUES (?,?,?) ON CONFLICT "
    "(application_id) "
    "DO UPDATE SET name = excluded.name, owner = excluded.owner";

std::int64_t floor_to(std::int64_t t, std::int64_t step) {
  const std::int64_t q = t / step;
  return (t % step < 0 ? q - 1 : q) * step;
}

// sum += v, held at the int64 bounds rather than overflowing (a peer's segments may claim
// terabytes per request; each value is within 2^48 of zero, their sum is not).
void add_clamped(std::int64_t& sum, std::int64_t v) {
  using Limits = std::numeric_limits<std::int64_t>;
  if (__builtin_add_overflow(sum, v, &sum)) sum = v > 0 ? Limits::max() : Limits::min();
}

double ms_of(std::int64_t us) { return static_cast<double>(us) / 1000.0; }

// The WHERE clause of a scope over a rollup table: the whole minutes that overlap its range, and
// what it lets the caller see.
class Where {
 public:
  explicit Where(const Scope& s) {
    sql_ = " WHERE minute_ms >= ? AND minute_ms < ?";
    values_.emplace_back(floor_to(s.from_ms, kMinuteMs));
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

// The sum of a byte column, held at the int64 maximum (as the rows are) instead of failing: SQLite's
// SUM raises an error on integer overflow, PostgreSQL sums bigint as numeric.
std::string bytes_sum(Dialect d, std::string_view column) {
  return d == Dialect::kSqlite ? fmt::format("CAST(MIN(TOTAL({}), 9223372036854775807.0) AS INTEGER)", column)
                               : fmt::format("LEAST(COALESCE(SUM({}), 0), 9223372036854775807)", column);
}

// Every bucket start of the scope's range, in order.
std::vector<std::int64_t> buckets(const Scope& s) {
  std::vector<std::int64_t> out;
  for (std::int64_t t = floor_to(s.from_ms, s.granularity_ms); t < s.to_ms; t += s.granularity_ms)
    out.push_back(t);
  return out;
}

json::object range(const Scope& s) {
  return {{"from", rfc3339(s.from_ms)}, {"to", rfc3339(s.to_ms)}};
}

json::object percentiles(const LatencyHistogram& h) {
  return {{"p50", percentile_ms(h, 0.50)},
          {"p95", percentile_ms(h, 0.95)},
          {"p99", percentile_ms(h, 0.99)}};
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

namespace {

// The strings rollups are keyed by, each held once and named by a small number, so a rollup key is
// a handful of integers. Ids stay valid until clear().
class StringPool {
 public:
  StringPool() { clear(); }
  std::uint32_t id(std::string_view s) {
    const auto it = ids_.find(s);
    if (it != ids_.end()) return it->second;
    const auto [added, _] =
        ids_.emplace(std::string(s), static_cast<std::uint32_t>(strings_.size()));
    strings_.push_back(&added->first);
    return added->second;
  }
  std::string_view str(std::uint32_t id) const { return *strings_[id]; }
  std::size_t size() const { return strings_.size(); }
  void clear() {
    ids_.clear();
    strings_.clear();
    (void)id("");
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> ids_;
  std::vector<const std::string*> strings_;
};

struct MinuteKey {
  std::int64_t minute;
  std::uint32_t api, app, subscriber, policy;
  std::int32_t code;
  std::uint16_t status;
  ErrorCategory category;
  bool operator==(const MinuteKey&) const = default;
};
struct MinuteRow {
  std::int64_t requests = 0, errors = 0, throttled = 0, request_bytes = 0, response_bytes = 0;
};
struct LatencyKey {
  std::int64_t minute;
  std::uint32_t api, app;
  bool operator==(const LatencyKey&) const = default;
};
struct LatencyRow {
  LatencyHistogram total{}, backend{};
};

std::size_t mix(std::size_t h, std::uint64_t v) noexcept {
  return (h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2))) * 0xff51afd7ed558ccdULL;
}
struct MinuteKeyHash {
  std::size_t operator()(const MinuteKey& k) const noexcept {
    std::size_t h = mix(0, static_cast<std::uint64_t>(k.minute));
    h = mix(h, (std::uint64_t{k.api} << 32) | k.app);
    h = mix(h, (std::uint64_t{k.subscriber} << 32) | k.policy);
    return mix(h, (static_cast<std::uint64_t>(static_cast<std::uint32_t>(k.code)) << 24) |
                      (std::uint64_t{k.status} << 8) | static_cast<std::uint64_t>(k.category));
  }
};
struct LatencyKeyHash {
  std::size_t operator()(const LatencyKey& k) const noexcept {
    return mix(mix(0, static_cast<std::uint64_t>(k.minute)), (std::uint64_t{k.api} << 32) | k.app);
  }
};

struct ApiName {
  std::string name, version, context;
  bool direct =
      false;  // seen in a call made to the API itself (a call through a product names the product)
  bool dirty = true;
};
struct ApplicationName {
  std::string name, owner;
  bool dirty = true;
};

// What the rollups take from an event, whether it comes from a ring (Event) or a segment.
struct RollupInput {
  std::int64_t time_ms, total_us, backend_us, request_bytes, response_bytes;
  std::int32_t error_code;
  std::uint16_t status;
  ErrorCategory category;
  bool throttled, forwarded;
  std::string_view api_id, api_name, api_version, api_context, application_id, application_name, application_owner,
      subscriber, throttle_policy, product_id;
};

RollupInput rollup_input(const Event& e) {
  return {e.time_ms,          e.total_us,          e.backend_us,         e.request_bytes,
          e.response_bytes,   e.error_code,        e.status,             e.category,
          e.throttled,        e.forwarded,         e.api_id.view(),      e.api_name.view(),
          e.api_version.view(), e.api_context.view(), e.application_id.view(), e.application_name.view(),
          e.application_owner.view(), e.subscriber.view(), e.throttle_policy.view(), e.product_id.view()};
}

RollupInput rollup_input(const StoredEvent& e) {
  return {e.time_ms,
          e.total_us,
          e.backend_us,
          e.request_bytes,
          e.response_bytes,
          e.error_code,
          e.status,
          e.category,
          e.throttled,
          e.forwarded,
          e[Text::kApiId],
          e[Text::kApiName],
          e[Text::kApiVersion],
          e[Text::kApiContext],
          e[Text::kApplicationId],
          e[Text::kApplicationName],
          e[Text::kApplicationOwner],
          e[Text::kSubscriber],
          e[Text::kThrottlePolicy],
          e[Text::kProductId]};
}

// Past this many distinct strings, the pool and the name caches start again after a flush (a bound
// on memory however many APIs and applications the traffic names).
constexpr std::size_t kMaxPooledStrings = 100000;

}  // namespace

// The writer's side: prepared statements, the segment encoder, and the rollups gathered in memory
// since they were last written.
struct AnalyticsStore::Writer {
  struct Encoded {
    std::int64_t first, last, events;
    std::string body;
  };
  // Ends the segment being encoded: kept in `encoded` until stored.
  void end_segment() {
    const std::int64_t first = encoder.first_ms(), last = encoder.last_ms();
    const auto n = static_cast<std::int64_t>(encoder.size());
    encoded.push_back({first, last, n, std::string(encoder.finish())});
  }
  static void store_segment(Connection& c, std::int64_t first, std::int64_t last, std::int64_t n,
                            std::string_view body) {
    Stmt insert = c.prepare(kInsertSegment);
    insert.bind(1, first).bind(2, last).bind(3, n).bind_blob(4, body);
    insert.run();
  }

  // The pool id of `s`, checking first the id the same field had in the previous event.
  std::uint32_t pooled(std::uint32_t& last, std::string_view s) {
    if (pool.str(last) != s) last = pool.id(s);
    return last;
  }

  void add(const RollupInput& e) {
    const std::int64_t minute = floor_to(e.time_ms, kMinuteMs);
    const MinuteKey key{minute,
                        pooled(last_api, e.api_id),
                        pooled(last_app, e.application_id),
                        pooled(last_subscriber, e.subscriber),
                        pooled(last_policy, e.throttle_policy),
                        e.error_code,
                        e.status,
                        e.category};
    if (!last_row || !(key == last_key)) {
      last_row = &minutes[key];
      last_key = key;
    }
    MinuteRow& m = *last_row;
    m.requests += 1;
    m.errors += is_error(e.status) ? 1 : 0;
    m.throttled += e.throttled ? 1 : 0;
    add_clamped(m.request_bytes, e.request_bytes);
    add_clamped(m.response_bytes, e.response_bytes);
    const LatencyKey lk{minute, key.api, key.app};
    if (!last_latency || !(lk == last_latency_key)) {
      last_latency = &latencies[lk];
      last_latency_key = lk;
    }
    last_latency->total[static_cast<std::size_t>(latency_bucket(e.total_us))] += 1;
    if (e.forwarded)
      last_latency->backend[static_cast<std::size_t>(latency_bucket(e.backend_us))] += 1;
    if (key.api != 0) note_api(key.api, e);
    if (key.app != 0) note_application(key.app, e);
    pending = true;
  }

  // An API's names come from a call made to it directly when there is one (a call through a product
  // carries the product's context).
  void note_api(std::uint32_t id, const RollupInput& e) {
    const bool direct = e.product_id.empty();
    const auto [it, added] = api_names.try_emplace(id);
    ApiName& n = it->second;
    if (!added && ((n.direct && !direct) ||
                   (n.direct == direct && n.name == e.api_name &&
                    n.version == e.api_version && n.context == e.api_context)))
      return;
    n.name = e.api_name;
    n.version = e.api_version;
    n.context = e.api_context;
    n.direct = direct;
    n.dirty = true;
  }
  void note_application(std::uint32_t id, const RollupInput& e) {
    const auto [it, added] = application_names.try_emplace(id);
    ApplicationName& n = it->second;
    if (!added && n.name == e.application_name && n.owner == e.application_owner)
      return;
    n.name = e.application_name;
    n.owner = e.application_owner;
    n.dirty = true;
  }

  // Writes the gathered rollups (inside the caller's transaction) and starts gathering afresh.
  void write_rollups(Connection& c) {
    Stmt upsert_minute = c.prepare(upsert_minute_sql(c.dialect())), upsert_latency = c.prepare(kUpsertLatency),
         upsert_api = c.prepare(kUpsertApi), upsert_application = c.prepare(kUpsertApplication);
    for (const auto& [k, v] : minutes) {
      upsert_minute.reset();
      upsert_minute.bind(1, k.minute)
          .bind_view(2, pool.str(k.api))
          .bind_view(3, pool.str(k.app))
          .bind_view(4, pool.str(k.subscriber))
          .bind(5, std::int64_t{k.status})
          .bind(6, std::int64_t{k.code})
          .bind_view(7, category_name(k.category))
          .bind_view(8, pool.str(k.policy))
          .bind(9, v.requests)
          .bind(10, v.errors)
          .bind(11, v.throttled)
          .bind(12, v.request_bytes)
          .bind(13, v.response_bytes);
      upsert_minute.run();
    }
    for (const auto& [k, row] : latencies) {
      for (int kind = 0; kind < 2; ++kind) {
        const LatencyHistogram& h = kind == 0 ? row.total : row.backend;
        for (int b = 0; b < kLatencyBuckets; ++b) {
          const std::int64_t n = h[static_cast<std::size_t>(b)];
          if (n == 0) continue;
          upsert_latency.reset();
          upsert_latency.bind(1, k.minute)
              .bind_view(2, pool.str(k.api))
              .bind_view(3, pool.str(k.app))
              .bind(4, std::int64_t{kind})
              .bind(5, std::int64_t{b})
              .bind(6, n);
          upsert_latency.run();
        }
      }
    }
    for (auto& [id, n] : api_names) {
      if (!n.dirty) continue;
      upsert_api.reset();
      upsert_api.bind_view(1, pool.str(id))
          .bind_view(2, n.name)
          .bind_view(3, n.version)
          .bind_view(4, n.context);
      upsert_api.run();
    }
    for (auto& [id, n] : application_names) {
      if (!n.dirty) continue;
      upsert_application.reset();
      upsert_application.bind_view(1, pool.str(id)).bind_view(2, n.name).bind_view(3, n.owner);
      upsert_application.run();
    }
  }
  // After the transaction holding write_rollups() committed.
  void rollups_written(std::chrono::steady_clock::time_point began) {
    const auto now = std::chrono::steady_clock::now();
    last_write_took = now - began;
    minutes.clear();
    latencies.clear();
    last_row = nullptr;
    last_latency = nullptr;
    for (auto& [id, n] : api_names) n.dirty = false;
    for (auto& [id, n] : application_names) n.dirty = false;
    if (pool.size() > kMaxPooledStrings) {
      pool.clear();
      api_names.clear();
      application_names.clear();
      last_api = last_app = last_subscriber = last_policy = 0;
    }
    pending = false;
    last_flush = now;
  }

  SegmentEncoder encoder;
  std::vector<Encoded> encoded;  // segments of the batch being stored
  std::vector<StoredEvent> decoded;  // write_segment's events (views into the segment it was given)

  StringPool pool;
  std::unordered_map<MinuteKey, MinuteRow, MinuteKeyHash> minutes;
  std::unordered_map<LatencyKey, LatencyRow, LatencyKeyHash> latencies;
  std::unordered_map<std::uint32_t, ApiName> api_names;
  std::unordered_map<std::uint32_t, ApplicationName> application_names;
  // Consecutive events mostly share their keys: the last ones found, to skip the lookups.
  std::uint32_t last_api = 0, last_app = 0, last_subscriber = 0, last_policy = 0;
  MinuteKey last_key{};
  MinuteRow* last_row = nullptr;
  LatencyKey last_latency_key{};
  LatencyRow* last_latency = nullptr;
  // Whether the rollups are to be written now: `interval` after they last were, and (with an
  // interval set) at least 50 times as long as writing them took, so writing rollups of many keys
  // (a row per API, application, status and latency bucket touched) takes at most about 2 % of the
  // writer's time: with thousands of active keys the counts lag a few seconds rather than the
  // drain falling behind.
  bool rollups_due(std::chrono::steady_clock::time_point now,
                   std::chrono::milliseconds interval) const {
    if (interval.count() == 0) return true;
    return now - last_flush >=
           std::max<std::chrono::steady_clock::duration>(interval, 50 * last_write_took);
  }

  bool pending = false;
  std::chrono::steady_clock::time_point last_flush = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration last_write_took{};
};

AnalyticsStore::AnalyticsStore(const std::string& path, std::string environment,
                               AnalyticsStoreOptions options)
    : environment_(std::move(environment)), options_(options) {
  auto writer = std::make_unique<store::sqlite::SqliteConnectionSource>(path);
  {
    auto conn = writer->acquire();
    // Segments are appended (rowid and time order), and the rollups' pages of the current minutes
    // are the only others written, so a small page cache (4 MiB) holds them. The WAL is
    // checkpointed in larger steps.
    conn->exec("PRAGMA cache_size=-4096; PRAGMA wal_autocheckpoint=4000;");
  }
  writer_ = std::move(writer);
  readers_ = std::make_unique<store::sqlite::SqliteConnectionSource>(path);
  open();
}

AnalyticsStore::AnalyticsStore(std::unique_ptr<ConnectionSource> writer, std::unique_ptr<ConnectionSource> readers,
                               std::string environment, AnalyticsStoreOptions options)
    : environment_(std::move(environment)), options_(options), writer_(std::move(writer)),
      readers_(std::move(readers)) {
  open();
}

void AnalyticsStore::open() {
  {
    auto conn = writer_->acquire();
    if (conn->dialect() == Dialect::kPostgres) {
      // Nodes starting together: one creates the tables, the others wait and find them.
      conn->begin_write();
      try {
        Stmt lock = conn->prepare("SELECT pg_advisory_xact_lock(7373001)");
        lock.run();
        conn->exec(schema(Dialect::kPostgres));
        conn->commit();
      } catch (...) {
        conn->rollback();
        throw;
      }
    } else {
      conn->exec(schema(Dialect::kSqlite));
    }
  }
  w_ = std::make_unique<Writer>();
  if (writer_->dialect() == Dialect::kSqlite) convert_row_events();
}

AnalyticsStore::~AnalyticsStore() {
  try {
    flush();
  } catch (const std::exception&) {
    // The database went away under us: the rollups of the last moments are lost, raw events are
    // not.
  }
}

void AnalyticsStore::convert_row_events() {
  // Before segments, every raw event was a row of analytics_events (its rollups exist already).
  auto conn = writer_->acquire();
  const bool has_rows_table = [&] {
    Stmt exists = conn->prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'analytics_events'");
    return exists.step();
  }();
  if (!has_rows_table) return;
  bool has_product = true;
  try {
    (void)conn->prepare("SELECT product_id FROM analytics_events LIMIT 0");
  } catch (const std::exception&) {
    has_product = false;
  }
  conn->begin_write();
  try {
    Stmt rows =
        conn->prepare(std::string("SELECT time_ms, api_id, api_name, api_version, "
                                        "api_context, method, resource, application_id, "
                                        "application_name, application_owner, subscriber, "
                                        "key_type, auth_type, client_ip, user_agent, "
                                        "environment, status, error_code, error_category, "
                                        "throttled, throttle_policy, total_us, "
                                        "backend_us, request_bytes, response_bytes, backend, ") +
                            (has_product ? "product_id, product_name" : "'', ''") +
                            " FROM analytics_events ORDER BY id");
    std::vector<Event> events(kMaxSegmentEvents);
    std::vector<std::string> environments(kMaxSegmentEvents);
    std::size_t n = 0;
    const auto store = [&] {
      for (std::size_t i = 0; i < n; ++i) w_->encoder.add(events[i], environments[i]);
      if (n) {
        const std::int64_t first = w_->encoder.first_ms(), last = w_->encoder.last_ms();
        Writer::store_segment(*conn, first, last, static_cast<std::int64_t>(n), w_->encoder.finish());
      }
      n = 0;
    };
    while (rows.step()) {
      Event& e = events[n];
      e = Event{};
      e.time_ms = rows.integer(0);
      e.api_id.assign(rows.text(1));
      e.api_name.assign(rows.text(2));
      e.api_version.assign(rows.text(3));
      e.api_context.assign(rows.text(4));
      e.method.assign(rows.text(5));
      e.resource.assign(rows.text(6));
      e.application_id.assign(rows.text(7));
      e.application_name.assign(rows.text(8));
      e.application_owner.assign(rows.text(9));
      e.subscriber.assign(rows.text(10));
      const std::string key_type = rows.text(11);
      e.key_type = key_type == "PRODUCTION" ? KeyType::kProduction
                   : key_type == "SANDBOX"  ? KeyType::kSandbox
                                            : KeyType::kNone;
      e.auth_type.assign(rows.text(12));
      e.client_ip.assign(rows.text(13));
      e.user_agent.assign(rows.text(14));
      environments[n] = rows.text(15);
      e.status = static_cast<std::uint16_t>(rows.integer(16));
      e.error_code = static_cast<std::int32_t>(rows.integer(17));
      const std::string category = rows.text(18);
      for (ErrorCategory c : kCategories)
        if (category_name(c) == category) e.category = c;
      e.throttled = rows.integer(19) != 0;
      e.throttle_policy.assign(rows.text(20));
      e.total_us = rows.integer(21);
      e.backend_us = rows.integer(22);
      e.forwarded = e.backend_us > 0 || !rows.text(25).empty();
      e.request_bytes = rows.integer(23);
      e.response_bytes = rows.integer(24);
      e.backend.assign(rows.text(25));
      e.product_id.assign(rows.text(26));
      e.product_name.assign(rows.text(27));
      if (++n == events.size()) store();
    }
    store();
    rows.reset();
    conn->exec("DROP TABLE analytics_events");
    conn->commit();
  } catch (...) {
    conn->rollback();
    throw;
  }
}

void AnalyticsStore::write(std::span<const Event* const> events) {
  if (events.empty()) return;
  std::lock_guard lock(write_mu_);
  w_->encoded.clear();
  for (const Event* e : events) {
    w_->encoder.add(*e, environment_);
    if (w_->encoder.size() == kMaxSegmentEvents) w_->end_segment();
  }
  if (w_->encoder.size()) w_->end_segment();
  write_tx(*writer_, [this](Connection& c) {
    for (const auto& seg : w_->encoded) Writer::store_segment(c, seg.first, seg.last, seg.events, seg.body);
  });
  // Only events stored count in the rollups.
  for (const Event* e : events) w_->add(rollup_input(*e));
  flush_if_due_locked();
}

bool AnalyticsStore::write_segment(std::string_view bytes, std::string_view source, std::string_view boot,
                                   std::int64_t seq) {
  std::lock_guard lock(write_mu_);
  std::vector<StoredEvent>& events = w_->decoded;
  events.clear();
  SegmentReader reader(bytes);
  StoredEvent e;
  std::int64_t first = 0, last = 0;
  while (reader.next(e)) {
    first = events.empty() ? e.time_ms : std::min(first, e.time_ms);
    last = events.empty() ? e.time_ms : std::max(last, e.time_ms);
    events.push_back(e);
  }
  if (!reader.ok() || !reader.at_end() || events.size() != reader.size() || events.empty())
    throw std::invalid_argument("the body is not a whole analytics segment");
  bool stored = false;
  write_tx(*writer_, [&](Connection& c) {
    stored = false;
    Stmt last_seen = c.prepare("SELECT boot, seq FROM analytics_sources WHERE gateway = ?");
    last_seen.bind(1, source);
    if (last_seen.step() && last_seen.text(0) == boot && seq <= last_seen.integer(1)) return;
    last_seen.reset();
    Writer::store_segment(c, first, last, static_cast<std::int64_t>(events.size()), bytes);
    Stmt seen = c.prepare(
        "INSERT INTO analytics_sources (gateway, boot, seq, seen_ms) VALUES (?,?,?,?) ON CONFLICT (gateway) "
        "DO UPDATE SET boot = excluded.boot, seq = excluded.seq, seen_ms = excluded.seen_ms");
    seen.bind(1, source).bind(2, boot).bind(3, seq).bind(4, last);
    seen.run();
    stored = true;
  });
  if (!stored) return false;
  for (const StoredEvent& ev : events) w_->add(rollup_input(ev));
  flush_if_due_locked();
  return true;
}

void AnalyticsStore::flush() {
  std::lock_guard lock(write_mu_);
  flush_locked();
}

void AnalyticsStore::flush_if_due() {
  std::lock_guard lock(write_mu_);
  flush_if_due_locked();
}

void AnalyticsStore::flush_locked() {
  if (!w_ || !w_->pending) return;
  const auto began = std::chrono::steady_clock::now();
  write_tx(*writer_, [this](Connection& c) { w_->write_rollups(c); });
  w_->rollups_written(began);
}

void AnalyticsStore::flush_if_due_locked() {
  if (w_ && w_->pending &&
      w_->rollups_due(std::chrono::steady_clock::now(), std::chrono::milliseconds(options_.rollup_flush_ms)))
    flush_locked();
}

void AnalyticsStore::prune(std::int64_t raw_before_ms, std::int64_t rollups_before_ms) {
  std::lock_guard lock(write_mu_);
  auto conn = writer_->acquire();
  {
    Stmt horizon = conn->prepare(
        std::string("INSERT INTO analytics_meta (key, value) VALUES ('raw_horizon_ms', ?) ON CONFLICT (key) "
                    "DO UPDATE SET value = ") +
        (conn->dialect() == Dialect::kSqlite ? "MAX" : "GREATEST") + "(analytics_meta.value, excluded.value)");
    horizon.bind(1, raw_before_ms);
    horizon.run();
  }
  constexpr std::string_view kSlices[] = {
      "DELETE FROM analytics_segments WHERE id IN (SELECT id FROM analytics_segments WHERE last_ms "
      "< ? LIMIT 500)",
      "DELETE FROM analytics_minute WHERE minute_ms IN (SELECT DISTINCT minute_ms FROM "
      "analytics_minute "
      "WHERE minute_ms < ? LIMIT 10)",
      "DELETE FROM analytics_minute_latency WHERE minute_ms IN (SELECT DISTINCT minute_ms FROM "
      "analytics_minute_latency WHERE minute_ms < ? LIMIT 10)"};
  for (std::size_t i = 0; i < std::size(kSlices); ++i) {
    const std::int64_t before = i == 0 ? raw_before_ms : rollups_before_ms;
    for (int round = 0; round < 1000; ++round) {
      Stmt st = conn->prepare(kSlices[i]);
      st.bind(1, before);
      st.run();
      if (st.changes() == 0) break;
    }
  }
}

boost::json::object AnalyticsStore::summary(const Scope& s) {
  auto conn = readers_->acquire();
  json::object out = range(s);
  const Where w(s);
  Stmt st = conn->prepare(
      "SELECT COALESCE(SUM(requests),0), COALESCE(SUM(errors),0), COALESCE(SUM(throttled),0), " +
      bytes_sum(conn->dialect(), "request_bytes") + ", " + bytes_sum(conn->dialect(), "response_bytes") +
      " FROM analytics_minute" + w.sql());
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
  const Where lw(s);
  Stmt lt = conn->prepare("SELECT kind, bucket, SUM(requests) FROM analytics_minute_latency" +
                             lw.sql() + " GROUP BY kind, bucket");
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
  auto conn = readers_->acquire();
  const Where w(s);
  Stmt st =
      conn->prepare("SELECT " + bucket_expr(s.granularity_ms) + " AS t, SUM(requests), SUM(errors), SUM(throttled), " +
                    bytes_sum(conn->dialect(), "request_bytes") + ", " +
                    bytes_sum(conn->dialect(), "response_bytes") + " FROM analytics_minute" + w.sql() +
                    " GROUP BY t");
  w.bind(st);
  std::map<std::int64_t, std::array<std::int64_t, 5>> rows;
  while (st.step())
    rows[st.integer(0)] = {st.integer(1), st.integer(2), st.integer(3), st.integer(4),
                           st.integer(5)};
  json::array list;
  for (std::int64_t t : buckets(s)) {
    const auto it = rows.find(t);
    const std::array<std::int64_t, 5> v =
        it == rows.end() ? std::array<std::int64_t, 5>{} : it->second;
    list.push_back(json::object{{"time", rfc3339(t)},
                                {"count", v[0]},
                                {"errors", v[1]},
                                {"throttled", v[2]},
                                {"requestBytes", v[3]},
                                {"responseBytes", v[4]}});
  }
  json::object out = range(s);
  out["granularity"] = s.granularity_ms == kMinuteMs ? "minute"
                       : s.granularity_ms == 3600000 ? "hour"
                                                     : "day";
  out["list"] = std::move(list);
  return out;
}

boost::json::object AnalyticsStore::latency(const Scope& s) {
  auto conn = readers_->acquire();
  const Where w(s);
  Stmt st = conn->prepare("SELECT " + bucket_expr(s.granularity_ms) +
                             " AS t, kind, bucket, SUM(requests) FROM analytics_minute_latency" +
                             w.sql() + " GROUP BY t, kind, bucket");
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
    json::object o{{"time", rfc3339(t)}, {"count", 0}, {"p50", 0.0},
                   {"p95", 0.0},         {"p99", 0.0}, {"backendP95", 0.0}};
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
  out["granularity"] = s.granularity_ms == kMinuteMs ? "minute"
                       : s.granularity_ms == 3600000 ? "hour"
                                                     : "day";
  out["list"] = std::move(list);
  return out;
}

boost::json::object AnalyticsStore::errors(const Scope& s) {
  auto conn = readers_->acquire();
  Where w(s);
  w.add(" AND errors > 0");
  Stmt st = conn->prepare(
      "SELECT error_category, error_code, status, SUM(requests) AS n FROM analytics_minute" +
      w.sql() +
      " GROUP BY error_category, error_code, status ORDER BY n DESC, error_category, error_code, "
      "status");
  w.bind(st);
  std::map<std::string, std::int64_t> by_category;
  std::int64_t count = 0;
  json::array list;
  while (st.step()) {
    const std::string category = st.text(0);
    const std::int64_t n = st.integer(3);
    by_category[category] += n;
    count += n;
    list.push_back(json::object{{"category", category},
                                {"errorCode", st.integer(1)},
                                {"status", st.integer(2)},
                                {"count", n}});
  }
  json::array categories;
  for (ErrorCategory c : kCategories) {
    const auto it = by_category.find(std::string(category_name(c)));
    categories.push_back(json::object{{"category", category_name(c)},
                                      {"count", it == by_category.end() ? 0 : it->second}});
  }
  Stmt ot = conn->prepare("SELECT " + bucket_expr(s.granularity_ms) +
                             " AS t, error_category, SUM(requests) FROM analytics_minute" +
                             w.sql() + " GROUP BY t, error_category");
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
        if (auto ct = it->second.find(std::string(category_name(c))); ct != it->second.end())
          n = ct->second;
      o[category_name(c)] = n;
    }
    over_time.push_back(std::move(o));
  }
  json::object out = range(s);
  out["granularity"] = s.granularity_ms == kMinuteMs ? "minute"
                       : s.granularity_ms == 3600000 ? "hour"
                                                     : "day";
  out["count"] = count;
  out["byCategory"] = std::move(categories);
  out["list"] = std::move(list);
  out["overTime"] = std::move(over_time);
  return out;
}

boost::json::object AnalyticsStore::top_apis(const Scope& s, std::int64_t limit) {
  auto conn = readers_->acquire();
  Where w(s);
  w.add(" AND api_id <> ''");
  Stmt st = conn->prepare(
      "SELECT api_id, SUM(requests) AS n, SUM(errors), SUM(throttled) FROM analytics_minute" +
      w.sql() + " GROUP BY api_id ORDER BY n DESC, api_id LIMIT ?");
  st.bind(w.bind(st), limit);
  json::array list;
  while (st.step()) {
    const std::string id = st.text(0);
    json::object o{{"apiId", id},
                   {"apiName", ""},
                   {"apiVersion", ""},
                   {"apiContext", ""},
                   {"count", st.integer(1)},
                   {"errors", st.integer(2)},
                   {"throttled", st.integer(3)}};
    Stmt names =
        conn->prepare("SELECT name, version, context FROM analytics_apis WHERE api_id = ?");
    names.bind(1, id);
    if (names.step()) {
      o["apiName"] = names.text(0);
      o["apiVersion"] = names.text(1);
      o["apiContext"] = names.text(2);
    }
    Where lw(s);
    lw.add(" AND api_id = ?", id).add(" AND kind = 0");
    Stmt lt = conn->prepare("SELECT bucket, SUM(requests) FROM analytics_minute_latency" +
                               lw.sql() + " GROUP BY bucket");
    lw.bind(lt);
    LatencyHistogram h{};
    while (lt.step())
      if (const auto b = lt.integer(0); b >= 0 && b < kLatencyBuckets)
        h[static_cast<std::size_t>(b)] += lt.integer(1);
    o["p95"] = percentile_ms(h, 0.95);
    list.push_back(std::move(o));
  }
  json::object out = range(s);
  out["list"] = std::move(list);
  return out;
}

boost::json::object AnalyticsStore::top_applications(const Scope& s, std::int64_t limit) {
  auto conn = readers_->acquire();
  Where w(s);
  w.add(" AND application_id <> ''");
  Stmt st = conn->prepare(
      "SELECT m.application_id, SUM(m.requests) AS n, SUM(m.errors), SUM(m.throttled), "
      "COALESCE(MAX(a.name), ''), COALESCE(MAX(a.owner), '') FROM (SELECT * FROM analytics_minute" +
      w.sql() +
      ") m LEFT JOIN analytics_applications a ON a.application_id = m.application_id "
      "GROUP BY m.application_id ORDER BY n DESC, m.application_id LIMIT ?");
  st.bind(w.bind(st), limit);
  json::array list;
  while (st.step())
    list.push_back(json::object{{"applicationId", st.text(0)},
                                {"applicationName", st.text(4)},
                                {"owner", st.text(5)},
                                {"count", st.integer(1)},
                                {"errors", st.integer(2)},
                                {"throttled", st.integer(3)}});
  json::object out = range(s);
  out["list"] = std::move(list);
  return out;
}

boost::json::object AnalyticsStore::top_users(const Scope& s, std::int64_t limit) {
  auto conn = readers_->acquire();
  Where w(s);
  w.add(" AND subscriber <> ''");
  Stmt st =
      conn->prepare("SELECT subscriber, SUM(requests) AS n, SUM(errors) FROM analytics_minute" +
                       w.sql() + " GROUP BY subscriber ORDER BY n DESC, subscriber LIMIT ?");
  st.bind(w.bind(st), limit);
  json::array list;
  while (st.step())
    list.push_back(json::object{
        {"subscriber", st.text(0)}, {"count", st.integer(1)}, {"errors", st.integer(2)}});
  json::object out = range(s);
  out["list"] = std::move(list);
  return out;
}

boost::json::object AnalyticsStore::throttling(const Scope& s) {
  auto conn = readers_->acquire();
  Where w(s);
  w.add(" AND throttled > 0");
  Stmt ot =
      conn->prepare("SELECT " + bucket_expr(s.granularity_ms) +
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
    over_time.push_back(
        json::object{{"time", rfc3339(t)}, {"count", it == over.end() ? 0 : it->second}});
  }
  Stmt bp =
      conn->prepare("SELECT throttle_policy, SUM(throttled) AS n FROM analytics_minute" +
                       w.sql() + " GROUP BY throttle_policy ORDER BY n DESC, throttle_policy");
  w.bind(bp);
  json::array by_policy;
  while (bp.step())
    by_policy.push_back(json::object{{"policy", bp.text(0)}, {"count", bp.integer(1)}});
  Where aw = w;
  aw.add(" AND application_id <> ''");
  Stmt ba = conn->prepare(
      "SELECT m.application_id, SUM(m.throttled) AS n, COALESCE(MAX(a.name), '') FROM (SELECT * "
      "FROM "
      "analytics_minute" +
      aw.sql() +
      ") m LEFT JOIN analytics_applications a ON a.application_id = m.application_id GROUP BY "
      "m.application_id "
      "ORDER BY n DESC, m.application_id");
  aw.bind(ba);
  json::array by_application;
  while (ba.step())
    by_application.push_back(json::object{
        {"applicationId", ba.text(0)}, {"applicationName", ba.text(2)}, {"count", ba.integer(1)}});
  json::object out = range(s);
  out["granularity"] = s.granularity_ms == kMinuteMs ? "minute"
                       : s.granularity_ms == 3600000 ? "hour"
                                                     : "day";
  out["count"] = count;
  out["overTime"] = std::move(over_time);
  out["byPolicy"] = std::move(by_policy);
  out["byApplication"] = std::move(by_application);
  return out;
}

namespace {

json::object event_json(const StoredEvent& e) {
  const std::string_view method = e[Text::kMethod], resource = e[Text::kResource];
  const std::string operation = method.empty()     ? std::string(resource)
                                : resource.empty() ? std::string(method)
                                                   : fmt::format("{} {}", method, resource);
  const auto optional = [](std::string_view v) {
    return v.empty() ? json::value(nullptr) : json::value(v);
  };
  return json::object{
      {"time", rfc3339(e.time_ms)},
      {"apiId", e[Text::kApiId]},
      {"apiName", e[Text::kApiName]},
      {"apiVersion", e[Text::kApiVersion]},
      {"apiContext", e[Text::kApiContext]},
      {"operation", operation},
      {"applicationId", e[Text::kApplicationId]},
      {"applicationName", e[Text::kApplicationName]},
      {"applicationOwner", e[Text::kApplicationOwner]},
      {"subscriber", e[Text::kSubscriber]},
      {"keyType", key_type_name(e.key_type)},
      {"authType", e[Text::kAuthType]},
      {"clientIp", e[Text::kClientIp]},
      {"userAgent", e[Text::kUserAgent]},
      {"environment", e[Text::kEnvironment]},
      {"status", std::int64_t{e.status}},
      {"errorCode", std::int64_t{e.error_code}},
      {"errorCategory", category_name(e.category)},
      {"throttled", e.throttled},
      {"throttlePolicy", e[Text::kThrottlePolicy]},
      {"gatewayLatency", ms_of(std::max<std::int64_t>(0, e.total_us - e.backend_us))},
      {"backendLatency", ms_of(e.backend_us)},
      {"totalLatency", ms_of(e.total_us)},
      {"requestBytes", e.request_bytes},
      {"responseBytes", e.response_bytes},
      {"backend", e[Text::kBackend]},
      {"apiProductId", optional(e[Text::kProductId])},
      {"apiProductName", optional(e[Text::kProductName])},
  };
}

}  // namespace

boost::json::object AnalyticsStore::events(const Scope& scope, std::int64_t limit,
                                           std::int64_t offset) {
  auto conn = readers_->acquire();
  Scope s = scope;
  {
    Stmt horizon =
        conn->prepare("SELECT value FROM analytics_meta WHERE key = 'raw_horizon_ms'");
    if (horizon.step()) s.from_ms = std::max(s.from_ms, horizon.integer(0));
  }
  const std::unordered_set<std::string_view> hidden(s.hidden_apis.begin(), s.hidden_apis.end());
  std::optional<std::unordered_set<std::string_view>> applications;
  if (s.applications) applications.emplace(s.applications->begin(), s.applications->end());
  const bool filtered = !s.api_id.empty() || !s.application_id.empty() || s.api_traffic_only ||
                        !hidden.empty() || applications.has_value();
  const auto matches = [&](const StoredEvent& e) {
    if (e.time_ms < s.from_ms || e.time_ms >= s.to_ms) return false;
    if (!filtered) return true;
    const std::string_view api = e[Text::kApiId], app = e[Text::kApplicationId];
    return (s.api_id.empty() || api == s.api_id) &&
           (s.application_id.empty() || app == s.application_id) &&
           (!s.api_traffic_only || !api.empty()) && !hidden.contains(api) &&
           (!applications || applications->contains(app));
  };

  // One pass over the segments of the range, newest first: every match is counted, and the
  // offset + limit newest are kept (a min-heap of where they are). A segment wholly inside the
  // range and older than everything kept is counted from its header when nothing filters events.
  struct Ref {
    std::int64_t time, segment;
    std::uint32_t index;
    auto operator<=>(const Ref&) const =
        default;  // later time, then later segment and index: newer
  };
  const auto keep = static_cast<std::size_t>(offset + limit);
  std::priority_queue<Ref, std::vector<Ref>, std::greater<Ref>> newest;
  std::int64_t total = 0;
  Stmt st = conn->prepare(
      "SELECT id, first_ms, last_ms, events, body FROM analytics_segments WHERE last_ms >= ? AND "
      "first_ms < ? "
      "ORDER BY id DESC");
  st.bind(1, s.from_ms).bind(2, s.to_ms);
  StoredEvent e;
  while (st.step()) {
    const std::int64_t id = st.integer(0), first = st.integer(1), last = st.integer(2);
    if (!filtered && first >= s.from_ms && last < s.to_ms && newest.size() == keep &&
        last < newest.top().time) {
      total += st.integer(3);
      continue;
    }
    const std::string body = st.blob(4);
    SegmentReader reader(body);
    for (std::uint32_t i = 0; reader.next(e); ++i) {
      if (!matches(e)) continue;
      ++total;
      const Ref ref{e.time_ms, id, i};
      if (newest.size() < keep) {
        newest.push(ref);
      } else if (newest.top() < ref) {
        newest.pop();
        newest.push(ref);
      }
    }
  }

  // The page: the kept events newest first, from `offset` on, read back from their segments.
  std::vector<Ref> page;
  page.reserve(newest.size());
  for (; !newest.empty(); newest.pop()) page.push_back(newest.top());
  std::reverse(page.begin(), page.end());
  page.erase(page.begin(), page.begin() + std::min(page.size(), static_cast<std::size_t>(offset)));
  std::map<std::pair<std::int64_t, std::uint32_t>, json::object> found;
  std::map<std::int64_t, std::uint32_t> wanted;  // segment -> the last index needed from it
  for (const Ref& r : page) wanted[r.segment] = std::max(wanted[r.segment], r.index);
  Stmt one = conn->prepare("SELECT body FROM analytics_segments WHERE id = ?");
  for (const auto& [segment, last_index] : wanted) {
    one.reset();
    one.bind(1, segment);
    if (!one.step()) continue;  // pruned meanwhile
    const std::string body = one.blob(0);
    SegmentReader reader(body);
    for (std::uint32_t i = 0; i <= last_index && reader.next(e); ++i)
      found.emplace(std::pair{segment, i}, event_json(e));
  }
  json::array list;
  for (const Ref& r : page)
    if (const auto it = found.find({r.segment, r.index}); it != found.end())
      list.push_back(std::move(it->second));
  const auto n = static_cast<std::int64_t>(list.size());
  return {{"count", n},
          {"list", std::move(list)},
          {"pagination", json::object{{"offset", offset}, {"limit", limit}, {"total", total}}}};
}

AnalyticsStore::WindowTotals AnalyticsStore::window(const std::string& api_id,
                                                    const std::string& application_id,
                                                    std::int64_t from_ms, std::int64_t to_ms) {
  Scope s;
  s.from_ms = from_ms;
  s.to_ms = to_ms;
  s.api_id = api_id;
  s.application_id = application_id;
  auto conn = readers_->acquire();
  WindowTotals out;
  const Where w(s);
  Stmt st = conn->prepare(
      "SELECT COALESCE(SUM(requests),0), COALESCE(SUM(errors),0), COALESCE(SUM(throttled),0) FROM "
      "analytics_minute" +
      w.sql());
  w.bind(st);
  if (st.step()) {
    out.count = st.integer(0);
    out.errors = st.integer(1);
    out.throttled = st.integer(2);
  }
  Stmt lt = conn->prepare("SELECT kind, bucket, SUM(requests) FROM analytics_minute_latency" +
                             w.sql() + " GROUP BY kind, bucket");
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
