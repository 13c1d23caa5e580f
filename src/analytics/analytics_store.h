#pragma once
// The analytics database: a SQLite file of its own (analytics.db beside the main database), so
// event writes never wait on management writes or hold them up. Raw events are kept for the raw
// retention, each batch as one segment (segment.h: a compact encoding, one row per batch);
// per-minute rollups (counts, errors by category, bytes, a latency histogram in histogram.h's
// buckets) for the rollup retention. Rollups gather in memory and are written every
// `rollup_flush_ms`, so a minute's row is updated once a second rather than once a batch. The
// schema is plain SQL that PostgreSQL takes as it is (BIGINT columns, BLOB as BYTEA, composite
// primary keys, INSERT ... ON CONFLICT DO UPDATE).
//
// Writers (the recorder's drain thread: write(), flush(), prune(); on a control plane also the
// REST threads storing remote gateways' segments) take turns on the writer's connection under one
// mutex; readers (the REST handlers: the query functions) share the read connection under another;
// in WAL mode reading never blocks writing.
#include <boost/json.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/event.h"
#include "store/sql/connection.h"

namespace archway::analytics {

// Which traffic a query sees: a time range [from_ms, to_ms), an optional API and application, and
// what the caller may see (the REST layer decides it: everything, any API's traffic, or only some
// applications').
struct Scope {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  std::int64_t granularity_ms = 60000;
  std::string api_id;          // empty: every API
  std::string application_id;  // empty: every application
  bool api_traffic_only = false;                          // requests that reached no API are left out
  std::optional<std::vector<std::string>> applications;  // set: only these applications' requests
  std::vector<std::string> hidden_apis;  // these APIs' requests are left out (Publisher access control)
};

struct AnalyticsStoreOptions {
  // How long rollups gather in memory before they are written; 0: with every batch. Raw events are
  // written with every batch whatever this is.
  std::int64_t rollup_flush_ms = 0;
};

class AnalyticsStore {
 public:
  // Opens (creating) the SQLite database at `path`; `environment` is written into every event. A
  // database written by an older version (one row per raw event) is converted to segments here.
  AnalyticsStore(const std::string& path, std::string environment, AnalyticsStoreOptions options = {});
  // The same tables in any database of the SQL layer (PostgreSQL: shared by several control
  // planes): `writer` takes the writes (one connection at a time is enough), `readers` the queries.
  // Creates the tables when missing (on PostgreSQL under an advisory lock, so nodes starting
  // together do not race).
  AnalyticsStore(std::unique_ptr<store::sql::ConnectionSource> writer,
                 std::unique_ptr<store::sql::ConnectionSource> readers, std::string environment,
                 AnalyticsStoreOptions options = {});
  ~AnalyticsStore();
  AnalyticsStore(const AnalyticsStore&) = delete;
  AnalyticsStore& operator=(const AnalyticsStore&) = delete;

  // Stores a batch's raw events in one transaction and adds them to the rollups, which are written
  // with it when `rollup_flush_ms` has passed since they last were.
  void write(std::span<const Event* const> events);
  // Stores a segment encoded elsewhere (a remote gateway's batch, segment.h) and adds its events to
  // the rollups. `source` names the gateway, `boot` its process run and `seq` the segment's number
  // in that run: a segment at or below the last one stored for (source, boot) is a resend and is
  // not stored again (false). Throws std::invalid_argument when the bytes are not a whole segment.
  bool write_segment(std::string_view bytes, std::string_view source, std::string_view boot, std::int64_t seq);
  // Writes the rollups gathered so far (the drain thread calls it when idle; the destructor too).
  void flush();
  // flush() when `rollup_flush_ms` has passed since the rollups were last written.
  void flush_if_due();
  // Deletes raw events older than `raw_before_ms` and rollups older than `rollups_before_ms`, in
  // slices (each its own transaction) so the writer is never held for long.
  void prune(std::int64_t raw_before_ms, std::int64_t rollups_before_ms);

  // The contract's routes (docs/rest-api.md, "Analytics"), as JSON bodies.
  boost::json::object summary(const Scope& s);
  boost::json::object traffic(const Scope& s);
  boost::json::object latency(const Scope& s);
  boost::json::object errors(const Scope& s);
  boost::json::object top_apis(const Scope& s, std::int64_t limit);
  boost::json::object top_applications(const Scope& s, std::int64_t limit);
  boost::json::object top_users(const Scope& s, std::int64_t limit);
  boost::json::object throttling(const Scope& s);
  boost::json::object events(const Scope& s, std::int64_t limit, std::int64_t offset);

  // Rolled-up totals of the last `window_minutes` whole minutes before `now_ms` (alerts).
  struct WindowTotals {
    std::int64_t count = 0, errors = 0, throttled = 0;
    double p95_ms = 0, backend_p95_ms = 0;
  };
  WindowTotals window(const std::string& api_id, const std::string& application_id, std::int64_t from_ms,
                      std::int64_t to_ms);

  // A connection of the readers (alert rules live here too), held while the lease lives.
  store::sql::ConnectionSource::Lease reader() { return readers_->acquire(); }
  store::sql::Dialect dialect() const { return readers_->dialect(); }

 private:
  struct Writer;
  void convert_row_events();
  void flush_locked();
  void flush_if_due_locked();
  std::string environment_;
  AnalyticsStoreOptions options_;
  void open();
  std::mutex write_mu_;  // the writer's side: the drain thread, and REST threads storing remote segments
  std::unique_ptr<store::sql::ConnectionSource> writer_;
  std::unique_ptr<store::sql::ConnectionSource> readers_;
  std::unique_ptr<Writer> w_;
};

// "2026-12-06T20:00:00Z" (milliseconds shown only when not zero).
std::string rfc3339(std::int64_t ms);

}  // namespace archway::analytics
