// The one write path of the store (store/sql/database.h) over the SQLite driver of the SQL layer
// (store/sqlite/sqlite_connection.h): all of a write or none of it, change events included.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <vector>

#include "common/ids.h"
#include "common/problem.h"
#include "store/sql/database.h"
#include "store/sqlite/sqlite_connection.h"

namespace archway::store {
namespace {

namespace fs = std::filesystem;
using sqlite::SqliteConnection;

// One SQLite connection that remembers whether the last lease gave it back broken.
class RecordingSource final : public sql::ConnectionSource {
 public:
  explicit RecordingSource(const std::string& path) : conn_(path) {}
  sql::Dialect dialect() const override { return sql::Dialect::kSqlite; }
  Lease acquire() override {
    ++leases;
    return Lease(&conn_, [this](sql::Connection*, bool broken) { last_broken = broken; });
  }
  int leases = 0;
  bool last_broken = false;

 private:
  SqliteConnection conn_;
};

class WritePathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("archway-write-path-" + common::new_uuid());
    fs::create_directories(dir_);
    auto source = std::make_unique<RecordingSource>(path());
    source_ = source.get();
    db_ = std::make_unique<sql::Database>(std::move(source));
    db_->write([](sql::Tx& tx) {
      tx.conn().exec(
          "CREATE TABLE items (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
          "CREATE TABLE change_log (revision INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT "
          "NULL, "
          "entity_id TEXT NOT NULL, payload TEXT NOT NULL, created_time INTEGER NOT NULL);");
    });
    db_->set_commit_listener([this](std::int64_t revision) { heard_.push_back(revision); });
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }
  std::string path() const { return (dir_ / "test.db").string(); }
  std::int64_t count(const std::string& table) {
    return db_->read([&](sql::Connection& c) {
      sql::Stmt s = c.prepare("SELECT COUNT(*) FROM " + table);
      s.step();
      return s.integer(0);
    });
  }
  static void insert(sql::Tx& tx, const std::string& id, const std::string& name) {
    sql::run_unique(
        tx.prepare("INSERT INTO items (id, name) VALUES (?, ?)").bind(1, id).bind(2, name),
        "An item named '" + name + "' already exists");
    tx.append_change("item.changed", id, "{}");
  }
  static int status_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const common::ProblemError& e) {
      return e.problem().status;
    }
    return 0;
  }

  fs::path dir_;
  RecordingSource* source_ = nullptr;
  std::unique_ptr<sql::Database> db_;
  std::vector<std::int64_t> heard_;
};

TEST_F(WritePathTest, ACommittedWriteKeepsItsRowsAndEventAndTellsTheListener) {
  const std::int64_t revision = db_->write([](sql::Tx& tx) {
    insert(tx, "a", "first");
    return tx.revision();
  });
  EXPECT_EQ(count("items"), 1);
  EXPECT_EQ(count("change_log"), 1);
  ASSERT_EQ(heard_.size(), 1u);
  EXPECT_EQ(heard_[0], revision);
}

TEST_F(WritePathTest, AFailingWriteLeavesNothingBehindNotEvenItsChangeEvent) {
  EXPECT_THROW(db_->write([](sql::Tx& tx) {
    insert(tx, "a", "first");
    insert(tx, "b", "second");
    throw std::runtime_error("the caller gives up half-way");
  }),
               std::runtime_error);
  EXPECT_EQ(count("items"), 0);
  EXPECT_EQ(count("change_log"), 0);
  EXPECT_TRUE(heard_.empty());
}

TEST_F(WritePathTest, AConstraintViolationIsA409AndTheConnectionStaysUsable) {
  db_->write([](sql::Tx& tx) { insert(tx, "a", "taken"); });
  // Named by the aggregate (run_unique) or not: a 409 either way, and nothing of the write stays.
  EXPECT_EQ(status_of([&] {
              db_->write([](sql::Tx& tx) {
                insert(tx, "b", "free");
                insert(tx, "c", "taken");
              });
            }),
            409);
  EXPECT_EQ(status_of([&] {
              db_->write([](sql::Tx& tx) {
                tx.append_change("item.changed", "a", "{}");
                tx.prepare("INSERT INTO items (id, name) VALUES ('a', 'other')").run();
              });
            }),
            409);
  EXPECT_EQ(count("items"), 1);
  EXPECT_EQ(count("change_log"), 1);
  db_->write([](sql::Tx& tx) { insert(tx, "d", "later"); });
  EXPECT_EQ(count("items"), 2);
  EXPECT_EQ(heard_.size(), 2u);
}

TEST_F(WritePathTest, ARetryableErrorRunsTheWriteAgainFromTheStart) {
  int attempts = 0;
  db_->write([&](sql::Tx& tx) {
    insert(tx, "a", "first");
    if (++attempts == 1) throw sql::Error(sql::Error::Kind::kBusy, "database is locked");
  });
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(count("items"), 1);
  EXPECT_EQ(count("change_log"), 1);
  EXPECT_EQ(heard_.size(), 1u);
}

TEST_F(WritePathTest, AWriteThatStaysBusyIsA503AfterABoundedNumberOfAttempts) {
  int attempts = 0;
  EXPECT_EQ(status_of([&] {
              db_->write([&](sql::Tx& tx) {
                ++attempts;
                insert(tx, "a", "first");
                throw sql::Error(sql::Error::Kind::kSerialization, "could not serialize access");
              });
            }),
            503);
  EXPECT_EQ(attempts, sql::Database::kWriteAttempts);
  EXPECT_EQ(count("items"), 0);
  EXPECT_TRUE(heard_.empty());
}

TEST_F(WritePathTest, ALostConnectionIsA503NeverHalfAppliedAndTheConnectionIsNotReused) {
  int attempts = 0;
  EXPECT_EQ(status_of([&] {
              db_->write([&](sql::Tx& tx) {
                ++attempts;
                insert(tx, "a", "first");
                throw sql::Error(sql::Error::Kind::kConnectionLost, "server closed the connection");
              });
            }),
            503);
  EXPECT_EQ(attempts, 1);
  EXPECT_TRUE(source_->last_broken);
  EXPECT_EQ(count("items"), 0);
  EXPECT_EQ(count("change_log"), 0);
  EXPECT_FALSE(source_->last_broken);
}

TEST_F(WritePathTest, AnotherErrorLeavesAsItIsAfterTheRollback) {
  EXPECT_THROW(db_->write([](sql::Tx& tx) {
    insert(tx, "a", "first");
    tx.prepare("INSERT INTO no_such_table VALUES (1)").run();
  }),
               sql::Error);
  EXPECT_EQ(count("items"), 0);
}

TEST_F(WritePathTest, AReadSeesCommittedWritesAndReturnsItsValue) {
  db_->write([](sql::Tx& tx) { insert(tx, "a", "first"); });
  const std::string name = db_->read([](sql::Connection& c) {
    sql::Stmt s = c.prepare("SELECT name FROM items WHERE id = ?");
    s.bind(1, "a");
    return s.step() ? s.text(0) : std::string();
  });
  EXPECT_EQ(name, "first");
}

// The SQLite driver's error mapping.
TEST(SqliteConnectionTest, ResultCodesMapToTheLayersErrorKinds) {
  EXPECT_EQ(sqlite::error_kind(SQLITE_CONSTRAINT), sql::Error::Kind::kConstraint);
  EXPECT_EQ(sqlite::error_kind(SQLITE_CONSTRAINT_UNIQUE), sql::Error::Kind::kConstraint);
  EXPECT_EQ(sqlite::error_kind(SQLITE_CONSTRAINT_FOREIGNKEY), sql::Error::Kind::kConstraint);
  EXPECT_EQ(sqlite::error_kind(SQLITE_BUSY), sql::Error::Kind::kBusy);
  EXPECT_EQ(sqlite::error_kind(SQLITE_BUSY_SNAPSHOT), sql::Error::Kind::kBusy);
  // One connection: a conflict inside it (LOCKED) is deterministic, so it is not retried.
  EXPECT_EQ(sqlite::error_kind(SQLITE_LOCKED), sql::Error::Kind::kOther);
  EXPECT_EQ(sqlite::error_kind(SQLITE_ERROR), sql::Error::Kind::kOther);
  EXPECT_EQ(sqlite::error_kind(SQLITE_IOERR_WRITE), sql::Error::Kind::kOther);
}

class SqliteConnectionFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("archway-sqlite-conn-" + common::new_uuid());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path() const { return (dir_ / "test.db").string(); }
  static sql::Error::Kind kind_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const sql::Error& e) {
      return e.kind();
    }
    ADD_FAILURE() << "no sql::Error";
    return sql::Error::Kind::kOther;
  }
  fs::path dir_;
};

TEST_F(SqliteConnectionFileTest, AUniqueViolationIsAConstraintErrorAndAMistakeIsOther) {
  SqliteConnection c(path());
  c.exec("CREATE TABLE t (name TEXT UNIQUE)");
  c.prepare("INSERT INTO t (name) VALUES ('x')").run();
  EXPECT_EQ(kind_of([&] { c.prepare("INSERT INTO t (name) VALUES ('x')").run(); }),
            sql::Error::Kind::kConstraint);
  EXPECT_EQ(kind_of([&] { c.prepare("SELEC 1"); }), sql::Error::Kind::kOther);
  EXPECT_EQ(c.dialect(), sql::Dialect::kSqlite);
}

TEST_F(SqliteConnectionFileTest, ASecondWriterThatCannotGetTheLockGetsARetryableError) {
  SqliteConnection a(path());
  a.exec("CREATE TABLE t (n INTEGER)");
  SqliteConnection b(path());
  sqlite3_busy_timeout(b.handle(), 0);  // fail at once instead of waiting for `a`
  a.begin_write();
  a.prepare("INSERT INTO t (n) VALUES (1)").run();
  try {
    b.begin_write();
    ADD_FAILURE() << "the second writer got the lock";
  } catch (const sql::Error& e) {
    EXPECT_EQ(e.kind(), sql::Error::Kind::kBusy);
    EXPECT_TRUE(e.is_retryable());
  }
  a.commit();
  b.begin_write();  // free again
  b.prepare("INSERT INTO t (n) VALUES (2)").run();
  EXPECT_EQ(b.changes(), 1);
  b.commit();
}

TEST_F(SqliteConnectionFileTest, RollbackUndoesAndStatementsReportTheirChanges) {
  SqliteConnection c(path());
  c.exec("CREATE TABLE t (n INTEGER)");
  c.begin_write();
  sql::Stmt s = c.prepare("INSERT INTO t (n) VALUES (1), (2)");
  s.run();
  EXPECT_EQ(s.changes(), 2);
  c.rollback();
  c.rollback();  // nothing left to roll back: still no error
  sql::Stmt n = c.prepare("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(n.step());
  EXPECT_EQ(n.integer(0), 0);
}

}  // namespace
}  // namespace archway::store
