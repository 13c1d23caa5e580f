#include "store/sqlite/sqlite_connection.h"

#include <fmt/format.h>

namespace archway::store::sqlite {

store::sql::Error::Kind error_kind(int result_code) {
  switch (result_code & 0xff) {
    case SQLITE_CONSTRAINT:
      return store::sql::Error::Kind::kConstraint;
    case SQLITE_BUSY:  // another process holds the write lock
      return store::sql::Error::Kind::kBusy;
    // SQLITE_LOCKED (a conflict inside this one connection) is deterministic: retrying cannot help.
    default:
      return store::sql::Error::Kind::kOther;
  }
}

namespace {

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what) {
  const int code = db ? sqlite3_extended_errcode(db) : rc;
  throw store::sql::Error(
      error_kind(code),
      fmt::format("sqlite: {}: {}", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

class SqliteStatement final : public store::sql::StatementImpl {
 public:
  SqliteStatement(sqlite3* db, std::string_view text) : db_(db) {
    const int rc =
        sqlite3_prepare_v2(db, text.data(), static_cast<int>(text.size()), &stmt_, nullptr);
    if (rc != SQLITE_OK) fail(db, rc, "prepare");
  }
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void bind_text(int index, std::string_view text, bool copy) override {
    check(sqlite3_bind_text(stmt_, index, text.empty() ? "" : text.data(),
                            static_cast<int>(text.size()),
                            copy ? SQLITE_TRANSIENT : SQLITE_STATIC));
  }
  void bind_int(int index, std::int64_t value) override {
    check(sqlite3_bind_int64(stmt_, index, value));
  }
  void bind_blob(int index, std::string_view bytes) override {
    // A zero-length blob still binds as a blob, not as NULL.
    check(sqlite3_bind_blob64(stmt_, index, bytes.empty() ? "" : bytes.data(), bytes.size(),
                              SQLITE_TRANSIENT));
  }
  void bind_real(int index, double value) override {
    check(sqlite3_bind_double(stmt_, index, value));
  }
  void bind_null(int index) override { check(sqlite3_bind_null(stmt_, index)); }

  bool step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) {
      changes_ = sqlite3_changes64(db_);
      return false;
    }
    fail(db_, rc, "step");
  }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string text(int col) const override {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  std::string blob(int col) const override {
    const void* p = sqlite3_column_blob(stmt_, col);
    return p ? std::string(static_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  std::int64_t integer(int col) const override { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const override { return sqlite3_column_double(stmt_, col); }
  bool is_null(int col) const override { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::int64_t changes() const override { return changes_; }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) fail(db_, rc, "bind");
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::int64_t changes_ = 0;
};

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path, Access access) {
  const int mode = access == Access::kReadOnly ? SQLITE_OPEN_READONLY
                                               : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, mode | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw store::sql::Error(store::sql::Error::Kind::kConnectionLost,
                            fmt::format("sqlite: cannot open '{}': {}", path, msg));
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 5000);
  if (access == Access::kReadOnly) {
    exec("PRAGMA query_only=ON;");
    return;
  }
  exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
}

SqliteConnection::~SqliteConnection() { sqlite3_close_v2(db_); }

void SqliteConnection::exec(std::string_view text) {
  char* err = nullptr;
  const std::string s(text);
  const int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    const std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw store::sql::Error(error_kind(sqlite3_extended_errcode(db_)),
                            fmt::format("sqlite: {}", msg));
  }
}

store::sql::Stmt SqliteConnection::prepare(std::string_view text) {
  return store::sql::Stmt(std::make_unique<SqliteStatement>(db_, text));
}

// IMMEDIATE takes the write lock at once, so a write never fails half-way for want of it.
void SqliteConnection::begin_write() { exec("BEGIN IMMEDIATE"); }

// DEFERRED: a read transaction on a WAL database sees one snapshot and never blocks the writer.
void SqliteConnection::begin_read() { exec("BEGIN"); }

void SqliteConnection::commit() { exec("COMMIT"); }

void SqliteConnection::rollback() noexcept {
  // Nothing to roll back when SQLite already ended the transaction (some errors do).
  if (sqlite3_get_autocommit(db_)) return;
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

std::int64_t SqliteConnection::changes() { return sqlite3_changes64(db_); }

store::sql::ConnectionSource::Lease SqliteConnectionSource::acquire() {
  std::unique_lock lock(mu_);
  Lease lease(&conn_, [this](store::sql::Connection*, bool) { mu_.unlock(); });
  lock.release();  // the lease unlocks it now
  return lease;
}

}  // namespace archway::store::sqlite
