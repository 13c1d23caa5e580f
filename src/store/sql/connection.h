#pragma once
// The SQL layer the store's aggregates are written against, once for every backend (SQLite for
// `archway serve`, PostgreSQL for a cluster). A backend supplies a Connection (statements,
// transactions) and a ConnectionSource (how connections are shared: SQLite one connection behind a
// mutex, PostgreSQL a pool). SQL text is written once with `?` placeholders in the common subset of
// both dialects; a backend rewrites what it must (PostgreSQL numbers the placeholders `$1..$n`).
// Where the dialects differ, the aggregate asks `dialect()` and keeps the two spellings side by side.
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace archway::store::sql {

enum class Dialect { kSqlite, kPostgres };

// A statement or transaction that failed. `kind` says what a caller may do about it: a constraint
// violation is the caller's conflict (409), busy/serialization may be retried, a lost connection
// is retried on another connection or reported as 503.
class Error : public std::runtime_error {
 public:
  enum class Kind { kConstraint, kBusy, kSerialization, kConnectionLost, kOther };
  Error(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }
  bool is_constraint() const { return kind_ == Kind::kConstraint; }
  bool is_retryable() const { return kind_ == Kind::kBusy || kind_ == Kind::kSerialization; }

 private:
  Kind kind_;
};

// What a backend implements for one prepared statement. Parameters are numbered from 1, result
// columns from 0, as in SQLite.
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void bind_text(int index, std::string_view text, bool copy) = 0;
  virtual void bind_int(int index, std::int64_t value) = 0;
  virtual void bind_blob(int index, std::string_view bytes) = 0;
  virtual void bind_real(int index, double value) = 0;
  virtual void bind_null(int index) = 0;
  virtual bool step() = 0;   // true while a row is available
  virtual void reset() = 0;  // ready to run again, bindings cleared
  virtual std::string text(int col) const = 0;
  virtual std::string blob(int col) const = 0;
  virtual std::int64_t integer(int col) const = 0;
  virtual double real(int col) const = 0;
  virtual bool is_null(int col) const = 0;
  virtual std::int64_t changes() const = 0;  // rows the last completed run changed
};

// A prepared statement, by value: `conn.prepare("... WHERE id = ?").bind(1, id)`, then step() over
// the rows or run() to completion.
class Stmt {
 public:
  explicit Stmt(std::unique_ptr<StatementImpl> impl) : impl_(std::move(impl)) {}

  Stmt& bind(int index, std::string_view text) { return impl_->bind_text(index, text, true), *this; }
  Stmt& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Stmt& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Stmt& bind(int index, std::int64_t value) { return impl_->bind_int(index, value), *this; }
  Stmt& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Stmt& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value ? 1 : 0)); }
  // Binds `text` without copying it: it must stay valid until the statement is reset or run to its end.
  Stmt& bind_view(int index, std::string_view text) { return impl_->bind_text(index, text, false), *this; }
  Stmt& bind_blob(int index, std::string_view bytes) { return impl_->bind_blob(index, bytes), *this; }
  Stmt& bind_real(int index, double value) { return impl_->bind_real(index, value), *this; }
  Stmt& bind_null(int index) { return impl_->bind_null(index), *this; }

  bool step() { return impl_->step(); }
  void run() {
    while (impl_->step()) {
    }
  }
  void reset() { impl_->reset(); }
  std::string text(int col) const { return impl_->text(col); }
  std::string blob(int col) const { return impl_->blob(col); }
  std::int64_t integer(int col) const { return impl_->integer(col); }
  double real(int col) const { return impl_->real(col); }
  bool is_null(int col) const { return impl_->is_null(col); }
  std::int64_t changes() const { return impl_->changes(); }

 private:
  std::unique_ptr<StatementImpl> impl_;
};

// One connection to the database. Not shared between threads at the same time: a
// ConnectionSource hands it to one caller at a time.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Runs one or more statements without parameters (schema changes, PRAGMAs).
  virtual void exec(std::string_view sql) = 0;
  virtual Stmt prepare(std::string_view sql) = 0;
  // A write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN ISOLATION LEVEL
  // REPEATABLE READ, where a concurrent update of a row read is a kSerialization error to retry),
  // committed or rolled back by the caller. rollback() never throws.
  virtual void begin_write() = 0;
  // A read-only transaction: every statement in it sees one state of the database.
  virtual void begin_read() = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  // The rows the last INSERT/UPDATE/DELETE changed.
  virtual std::int64_t changes() = 0;
};

// Hands out connections: `auto lease = source.acquire(); lease->prepare(...)`. The lease returns
// the connection when it goes out of scope (SQLite: unlocks its mutex; PostgreSQL: back to the pool,
// or dropped when it was lost).
class ConnectionSource {
 public:
  class Lease {
   public:
    Lease(Connection* conn, std::function<void(Connection*, bool broken)> release)
        : conn_(conn), release_(std::move(release)) {}
    Lease(Lease&& other) noexcept
        : conn_(std::exchange(other.conn_, nullptr)), release_(std::move(other.release_)), broken_(other.broken_) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (conn_ && release_) release_(conn_, broken_);
    }
    Connection* operator->() const { return conn_; }
    Connection& operator*() const { return *conn_; }
    // The connection failed under the caller (lost, or left in an unknown state): not reused.
    void mark_broken() { broken_ = true; }

   private:
    Connection* conn_;
    std::function<void(Connection*, bool)> release_;
    bool broken_ = false;
  };

  virtual ~ConnectionSource() = default;
  virtual Dialect dialect() const = 0;
  // Blocks until a connection is free; throws Error(kConnectionLost) when none can be opened.
  virtual Lease acquire() = 0;
  // Commits of other processes on the same database that appended change events: `on_commit` is
  // called with the newest revision, from a thread of the source's, as each is told; an empty
  // function stops it (returning once no call is running). PostgreSQL tells them (LISTEN/NOTIFY);
  // SQLite has no such signal, and its readers find other processes' commits by polling.
  virtual void watch_commits(std::function<void(std::int64_t)> on_commit) { (void)on_commit; }
};

}  // namespace archway::store::sql
