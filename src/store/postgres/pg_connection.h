#pragma once
// PostgreSQL behind the store's SQL layer (store/sql/connection.h), over libpq: one PgConnection
// per server session, and PgPool sharing a bounded number of them between threads.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/sql/connection.h"

struct pg_conn;  // libpq's PGconn, kept out of the callers' includes

namespace archway::store::postgres {

// `?` placeholders numbered `$1..$n` in order, leaving alone what sits in string literals ('...',
// E'...', $tag$...$tag$), quoted identifiers and comments. `count` receives the number of placeholders.
std::string number_placeholders(std::string_view sql, int* count = nullptr);

struct PgOptions {
  std::string url;  // postgresql://user:password@host:port/database?param=value
  int connect_timeout_s = 5;
};

class PgConnection : public sql::Connection {
 public:
  // Connects; throws sql::Error(kConnectionLost) with libpq's reason when it cannot.
  explicit PgConnection(const PgOptions& options);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }
  void exec(std::string_view sql) override;
  sql::Stmt prepare(std::string_view sql) override;
  void begin_write() override;
  void begin_read() override;
  void commit() override;
  void rollback() noexcept override;
  std::int64_t changes() override { return changes_; }

  // Whether the session is still there, without a round trip: a server that ended it (shutdown,
  // pg_terminate_backend) has sent its reason and closed the socket, which this reads if pending.
  bool usable();
  // Outside any transaction (a lease must come back that way to be reused).
  bool idle() const;
  int backend_pid() const;
  // The session's socket, to wait on for notifications (-1 when there is none).
  int socket() const;
  // Reads what the server has sent and appends the payload of each notification it held (after
  // LISTEN); false when the session is lost.
  bool take_notifications(std::vector<std::string>& payloads);

  // Internal to the statement class: runs a prepared statement, returns its result (owned).
  struct Result;
  std::unique_ptr<Result> run_prepared(const std::string& name, int n_params, const char* const* values,
                                       const int* lengths, const int* formats);
  // The server-side name of `sql` (with `$n` placeholders), prepared on first use. A statement
  // object holds its name; names no statement holds may be deallocated when too many pile up.
  std::shared_ptr<const std::string> statement_name(const std::string& numbered_sql, int n_params);
  void note_changes(std::int64_t n) { changes_ = n; }

 private:
  [[noreturn]] void fail(const void* result, std::string_view what);
  void command(const char* sql);

  pg_conn* conn_ = nullptr;
  void forget_unused_statements();

  std::unordered_map<std::string, std::shared_ptr<const std::string>> prepared_;  // numbered SQL -> name
  std::uint64_t statements_made_ = 0;
  std::int64_t changes_ = 0;
};

class CommitWatcher;

struct PgPoolOptions {
  PgOptions connection;
  int size = 8;                                   // connections open at most
  std::chrono::milliseconds wait{5000};           // how long acquire() waits for a free one
  bool watch_commits = true;                      // false: watch_commits() does nothing
};

// At most `size` connections, opened on demand. A lease that comes back broken, lost or inside a
// transaction it cannot roll back is closed, and the next acquire opens a fresh connection. Must
// outlive its leases.
class PgPool : public sql::ConnectionSource {
 public:
  explicit PgPool(PgPoolOptions options);
  ~PgPool() override;

  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }
  // Waits up to the configured time for a free connection, then throws sql::Error(kConnectionLost);
  // also throws it when a new connection cannot be opened.
  Lease acquire() override;
  // A session of its own (not one of the pool's) listens for the change log's notifications
  // (store/postgres/commit_watcher.h).
  void watch_commits(std::function<void(std::int64_t)> on_commit) override;

  int open_connections();  // for tests and metrics
  const PgPoolOptions& options() const { return options_; }

 private:
  void release(sql::Connection* conn, bool broken);

  PgPoolOptions options_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  std::vector<std::unique_ptr<PgConnection>> leased_;
  int opening_ = 0;  // connections being opened outside the lock
  std::mutex watcher_mu_;
  std::unique_ptr<CommitWatcher> watcher_;
};

}  // namespace archway::store::postgres
