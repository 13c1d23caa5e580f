#include "store/sql/database.h"

#include "common/clock.h"

namespace archway::store::sql {

namespace {

common::Problem unavailable(std::string description) {
  common::Problem p;
  p.status = 503;
  p.code = 503;
  p.message = "Service Unavailable";
  p.description = std::move(description);
  p.retry_after_s = 1;
  return p;
}

}  // namespace

std::int64_t Tx::append_change(std::string_view type, std::string_view entity_id,
                               std::string_view payload) {
  // RETURNING: SQLite (3.35 and later) and PostgreSQL spell it alike. On PostgreSQL the same
  // statement queues a notification of the revision on kChangeChannel, which the server hands
  // every session listening there when the transaction commits (and drops if it rolls back):
  // other nodes' feeds wake at once instead of at their next poll (PgPool::watch_commits).
  static const std::string kPostgres =
      "WITH appended AS (INSERT INTO change_log (type, entity_id, payload, created_time) VALUES "
      "(?,?,?,?) RETURNING revision) SELECT revision, pg_notify(" +
      std::string(kChangeChannel) + ", revision::text) FROM appended";
  constexpr std::string_view kSqlite =
      "INSERT INTO change_log (type, entity_id, payload, created_time) VALUES (?,?,?,?) RETURNING "
      "revision";
  Stmt s =
      conn_.prepare(conn_.dialect() == Dialect::kPostgres ? std::string_view(kPostgres) : kSqlite);
  s.bind(1, type).bind(2, entity_id).bind(3, payload).bind(4, common::now_millis());
  s.step();
  revision_ = s.integer(0);
  s.run();
  return revision_;
}

void run_unique(Stmt& stmt, const std::string& conflict) {
  try {
    stmt.run();
  } catch (const Error& e) {
    if (e.is_constraint()) throw common::ProblemError(common::Problem::conflict(conflict));
    throw;
  }
}

void throw_write_failure(const Error& e) {
  switch (e.kind()) {
    case Error::Kind::kConstraint:
      throw common::ProblemError(
          common::Problem::conflict("The change conflicts with a stored record"));
    case Error::Kind::kConnectionLost:
      throw common::ProblemError(unavailable("The database is not reachable; nothing was changed"));
    case Error::Kind::kBusy:
    case Error::Kind::kSerialization:
      throw common::ProblemError(
          unavailable("The database is busy; nothing was changed, try again"));
    case Error::Kind::kOther:
      break;
  }
  throw e;
}

void Database::throw_read_failure(const Error& e) {
  if (e.kind() == Error::Kind::kConnectionLost)
    throw common::ProblemError(unavailable("The database is not reachable"));
  if (e.is_retryable()) throw common::ProblemError(unavailable("The database is busy; try again"));
  throw e;
}

ConnectionSource::Lease Database::acquire() {
  try {
    return source_->acquire();
  } catch (const Error& e) {
    if (e.kind() == Error::Kind::kConnectionLost)
      throw common::ProblemError(unavailable("The database is not reachable; nothing was changed"));
    throw;
  }
}

void Database::end_failed(ConnectionSource::Lease& lease, const Error& e) noexcept {
  // A connection that was lost, or failed in a way that leaves its state unknown, is not reused.
  if (e.kind() == Error::Kind::kConnectionLost) lease.mark_broken();
  lease->rollback();
}

Database::~Database() {
  // Before the listener goes: the source's thread may be calling notify().
  source_->watch_commits(nullptr);
}

void Database::set_commit_listener(std::function<void(std::int64_t)> listener) {
  const bool listening = static_cast<bool>(listener);
  {
    std::unique_lock lock(listener_mu_);  // waits for the calls in progress
    listener_ = std::move(listener);
  }
  // Outside the lock: watch_commits may wait for the source's thread, which takes it in notify().
  if (listening) {
    std::call_once(watching_,
                   [this] { source_->watch_commits([this](std::int64_t r) { notify(r); }); });
  }
}

void Database::notify(std::int64_t revision) {
  if (revision == 0) return;
  std::shared_lock lock(listener_mu_);
  if (listener_) listener_(revision);
}

}  // namespace archway::store::sql
