#pragma once
// The SQLite backend of the SQL layer: a store::sql::Connection over one sqlite3 handle, and the
// ConnectionSource `archway serve` uses (one connection in WAL mode behind a mutex: SQLite has
// one writer at a time, and a second connection of the same process would only wait for it).
#include <sqlite3.h>

#include <memory>
#include <mutex>
#include <string>

#include "store/sql/connection.h"

namespace archway::store::sqlite {

// What a SQLite result code means to the layer: SQLITE_CONSTRAINT is the caller's conflict,
// SQLITE_BUSY and SQLITE_LOCKED may be retried, anything else is not ours to fix.
store::sql::Error::Kind error_kind(int result_code);

class SqliteConnection final : public store::sql::Connection {
 public:
  enum class Access { kReadWrite, kReadOnly };
  // Opens (creating if needed) the database at `path`: extended result codes, a busy timeout,
  // WAL, synchronous=NORMAL and foreign keys on. Throws store::sql::Error when it cannot.
  // kReadOnly opens an existing file without the right to write it (`archway migrate`'s source):
  // no journal mode is set and every statement that would write fails.
  explicit SqliteConnection(const std::string& path, Access access = Access::kReadWrite);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  store::sql::Dialect dialect() const override { return store::sql::Dialect::kSqlite; }
  void exec(std::string_view sql) override;
  store::sql::Stmt prepare(std::string_view sql) override;
  void begin_write() override;
  void begin_read() override;
  void commit() override;
  void rollback() noexcept override;
  std::int64_t changes() override;

  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// One connection shared by every caller in turn.
class SqliteConnectionSource final : public store::sql::ConnectionSource {
 public:
  explicit SqliteConnectionSource(const std::string& path) : conn_(path) {}

  store::sql::Dialect dialect() const override { return store::sql::Dialect::kSqlite; }
  Lease acquire() override;

 private:
  std::mutex mu_;
  SqliteConnection conn_;
};

}  // namespace archway::store::sqlite
