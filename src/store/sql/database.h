#pragma once
// The one way the store's aggregates touch the database. `read(fn)` runs fn in a read transaction;
// `write(fn)` runs fn in a write transaction with a Tx (the connection and the change log),
// commits, and tells the commit listener the newest revision. Whatever fn throws rolls everything
// back, change events included. A retryable error (busy, serialization) runs fn again from the
// start, up to `kWriteAttempts` times; a constraint violation that escapes fn is a 409, a lost
// connection a 503: never a half-applied write.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "common/problem.h"
#include "store/sql/connection.h"

namespace archway::store::sql {

// A write transaction in progress.
class Tx {
 public:
  explicit Tx(Connection& conn) : conn_(conn) {}
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

  Connection& conn() { return conn_; }
  Stmt prepare(std::string_view sql) { return conn_.prepare(sql); }
  // The channel append_change notifies on PostgreSQL, as an SQL expression: one per schema, so
  // installations in other schemas of one database do not hear each other.
  static constexpr std::string_view kChangeChannel =
      "'archway_changes:' || coalesce(current_schema(), '')";
  // Appends an event to the change log in this transaction and returns its revision.
  std::int64_t append_change(std::string_view type, std::string_view entity_id,
                             std::string_view payload);
  // The newest revision this transaction appended (0: none).
  std::int64_t revision() const { return revision_; }

 private:
  Connection& conn_;
  std::int64_t revision_ = 0;
};

// Runs an insert or update; a constraint violation (a unique key taken) becomes a 409 whose
// description is `conflict`. The transaction stays usable only in the sense that the caller's
// exception rolls it back.
void run_unique(Stmt& stmt, const std::string& conflict);
inline void run_unique(Stmt&& stmt, const std::string& conflict) { run_unique(stmt, conflict); }

// What write() makes of an sql::Error that escaped fn and cannot be retried.
[[noreturn]] void throw_write_failure(const Error& e);

class Database {
 public:
  static constexpr int kWriteAttempts = 3;

  explicit Database(std::unique_ptr<ConnectionSource> source) : source_(std::move(source)) {}
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Dialect dialect() const { return source_->dialect(); }
  ConnectionSource& source() { return *source_; }

  // fn(Connection&) in a read-only transaction: every statement sees one state of the database.
  template <class F>
  decltype(auto) read(F&& fn) {
    auto lease = acquire();
    lease->begin_read();
    try {
      if constexpr (std::is_void_v<std::invoke_result_t<F&, Connection&>>) {
        fn(*lease);
        lease->commit();
      } else {
        decltype(auto) out = fn(*lease);
        lease->commit();
        return out;
      }
    } catch (const Error& e) {
      end_failed(lease, e);
      throw_read_failure(e);
    } catch (...) {
      lease->rollback();
      throw;
    }
  }

  // fn(Tx&) in a write transaction, committed when fn returns; its result is write()'s.
  template <class F>
  auto write(F&& fn) -> std::invoke_result_t<F&, Tx&> {
    using R = std::invoke_result_t<F&, Tx&>;
    using Out = std::conditional_t<std::is_void_v<R>, bool, std::optional<R>>;
    for (int attempt = 1;; ++attempt) {
      std::int64_t revision = 0;
      [[maybe_unused]] Out out{};
      try {
        auto lease = acquire();
        if constexpr (std::is_void_v<R>)
          revision = run_write(lease, fn);
        else
          revision = run_write(lease, [&](Tx& tx) { out.emplace(fn(tx)); });
      } catch (const Error& e) {
        if (e.is_retryable() && attempt < kWriteAttempts) continue;
        throw_write_failure(e);
      }
      // After the commit and outside the retry: a listener's failure must never run fn again.
      notify(revision);
      if constexpr (!std::is_void_v<R>) return std::move(*out);
      else return;
    }
  }

  // Called after a commit that appended events, with the newest revision: from the writer's
  // thread for this process's commits, and from the source's thread for other processes' commits
  // where the database tells them (PostgreSQL). Returns once no call of the previous listener is
  // running; the listener must not call it.
  void set_commit_listener(std::function<void(std::int64_t)> listener);

 private:
  ConnectionSource::Lease acquire();
  // Begins, runs fn, commits; rolls back on any exception. Returns the newest revision appended.
  template <class F>
  std::int64_t run_write(ConnectionSource::Lease& lease, F&& fn) {
    lease->begin_write();
    Tx tx(*lease);
    try {
      fn(tx);
      lease->commit();
    } catch (const Error& e) {
      end_failed(lease, e);
      throw;
    } catch (...) {
      lease->rollback();
      throw;
    }
    return tx.revision();
  }
  static void end_failed(ConnectionSource::Lease& lease, const Error& e) noexcept;
  [[noreturn]] static void throw_read_failure(const Error& e);
  void notify(std::int64_t revision);

  std::unique_ptr<ConnectionSource> source_;
  // Held shared while the listener runs: replacing it waits for the calls in progress, so no
  // call reaches a listener's owner after set_commit_listener(nullptr) returned.
  std::shared_mutex listener_mu_;
  std::function<void(std::int64_t)> listener_;
  std::once_flag watching_;  // the source tells other processes' commits from the first listener on
};

}  // namespace archway::store::sql
