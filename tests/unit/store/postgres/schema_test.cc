#include "store/postgres/schema.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <barrier>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "postgres_fixture.h"
#include "store/migrations.h"

namespace archway::store::postgres {
namespace {

using Rows = std::multiset<std::vector<std::string>>;

// SQLite at the end of its migrations, in memory.
class SqliteEndState {
 public:
  SqliteEndState() {
    sqlite3_open(":memory:", &db_);
    for (const auto& m : sqlite_migrations()) exec(std::string(m.sql));
  }
  ~SqliteEndState() { sqlite3_close(db_); }
  Rows rows(const std::string& query) {
    Rows out;
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, query.c_str(), -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
    while (sqlite3_step(s) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int c = 0; c < sqlite3_column_count(s); ++c) {
        const unsigned char* t = sqlite3_column_text(s, c);
        row.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
      }
      out.insert(std::move(row));
    }
    sqlite3_finalize(s);
    return out;
  }
  void exec(const std::string& sql) {
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  }

 private:
  sqlite3* db_ = nullptr;
};

Rows pg_rows(sql::Connection& conn, const std::string& query, int columns) {
  Rows out;
  sql::Stmt s = conn.prepare(query);
  while (s.step()) {
    std::vector<std::string> row;
    for (int c = 0; c < columns; ++c) row.push_back(s.text(c));
    out.insert(std::move(row));
  }
  return out;
}

std::int64_t scalar(sql::Connection& conn, const std::string& query) {
  sql::Stmt s = conn.prepare(query);
  EXPECT_TRUE(s.step()) << query;
  return s.integer(0);
}

class PostgresSchema : public PostgresTest {};

TEST_F(PostgresSchema, VersionsFollowSqlitesAndTheNewestIsTheSame) {
  ASSERT_FALSE(postgres_migrations().empty());
  EXPECT_EQ(postgres_migrations().back().version, sqlite_migrations().back().version)
      << "a SQLite migration has no PostgreSQL counterpart in src/store/postgres/schema.cc";
}

TEST_F(PostgresSchema, AnEmptyDatabaseGetsEveryTableAndColumnOfTheSqliteSchema) {
  PgConnection conn(options(fresh_database()));
  EXPECT_EQ(migrate(conn), static_cast<int>(postgres_migrations().size()));
  EXPECT_EQ(migrate(conn), 0);  // a second start finds nothing to do

  SqliteEndState sqlite;
  // Every table with its columns; fts5's shadow tables are SQLite's own, its virtual table has rowid.
  Rows expected = sqlite.rows(
      "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND "
      "m.name NOT LIKE 'sqlite_%' AND m.name NOT IN ('api_search_data', 'api_search_idx', 'api_search_content', "
      "'api_search_docsize', 'api_search_config')");
  expected.insert({"api_search", "rowid"});
  // SQLite's implicit rowid, which the comment and rating pages order ties by, is a column here.
  expected.insert({"api_comments", "rowid"});
  expected.insert({"api_ratings", "rowid"});
  expected.insert({"schema_migrations", "version"});
  expected.insert({"schema_migrations", "description"});
  expected.insert({"schema_migrations", "applied_time"});
  const Rows actual = pg_rows(
      conn, "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'", 2);
  EXPECT_EQ(actual, expected);

  // Every named index of SQLite's exists under the same name (unique constraints are named by each).
  const Rows sqlite_indexes =
      sqlite.rows("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'");
  const Rows pg_indexes = pg_rows(conn, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'", 1);
  for (const auto& index : sqlite_indexes) EXPECT_TRUE(pg_indexes.count(index)) << index[0] << " is missing";
}

TEST_F(PostgresSchema, SeedRowsAreSqlites) {
  PgConnection conn(options(fresh_database()));
  migrate(conn);
  SqliteEndState sqlite;
  for (const std::string query :
       {"SELECT id, level, name, unlimited, definition, created_time FROM throttle_policies",
        "SELECT scope, role FROM system_scope_roles"}) {
    const Rows expected = sqlite.rows(query);
    ASSERT_FALSE(expected.empty()) << query;
    EXPECT_EQ(pg_rows(conn, query, static_cast<int>(expected.begin()->size())), expected) << query;
  }
}

TEST_F(PostgresSchema, NodesMigratingOneEmptyDatabaseAtOnceAllSucceedAndApplyItOnce) {
  const std::string url = fresh_database();
  constexpr int kNodes = 4;
  std::vector<std::unique_ptr<PgConnection>> conns;
  for (int i = 0; i < kNodes; ++i) conns.push_back(std::make_unique<PgConnection>(options(url)));
  std::barrier start(kNodes);
  std::atomic<int> applied{0};
  std::vector<std::string> errors(kNodes);
  std::vector<std::thread> nodes;
  for (int i = 0; i < kNodes; ++i)
    nodes.emplace_back([&, i] {
      start.arrive_and_wait();
      try {
        applied += migrate(*conns[i]);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  for (auto& t : nodes) t.join();
  for (const auto& e : errors) EXPECT_EQ(e, "");
  EXPECT_EQ(applied.load(), static_cast<int>(postgres_migrations().size()));
  EXPECT_EQ(scalar(*conns[0], "SELECT count(*) FROM schema_migrations"),
            static_cast<std::int64_t>(postgres_migrations().size()));
  EXPECT_EQ(scalar(*conns[0], "SELECT count(*) FROM throttle_policies"), 13);  // seeded once
  // The lock is released: none is left held.
  EXPECT_EQ(scalar(*conns[0], "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"), 0);
}

TEST_F(PostgresSchema, ADatabaseMigratedByANewerArchwayIsRefused) {
  PgConnection conn(options(fresh_database()));
  migrate(conn);
  conn.exec("INSERT INTO schema_migrations VALUES (100000, 'from the future', 0)");
  try {
    migrate(conn);
    FAIL() << "migrated a database of a newer schema";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(conn.idle());
}

TEST_F(PostgresSchema, AFailedMigrationLeavesNothingAndReleasesTheLock) {
  PgConnection conn(options(fresh_database()));
  conn.exec("CREATE TABLE users (id TEXT)");  // in the way of the first migration
  EXPECT_THROW(migrate(conn), sql::Error);
  EXPECT_EQ(scalar(conn, "SELECT count(*) FROM schema_migrations"), 0);
  EXPECT_EQ(scalar(conn, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'apis'"), 0);
  EXPECT_EQ(scalar(conn, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"), 0);
}

TEST_F(PostgresSchema, NamesThatIgnoreCaseInSqliteIgnoreItHere) {
  PgConnection conn(options(fresh_database()));
  migrate(conn);
  conn.exec("INSERT INTO users (id, username, password_hash, roles, created_time) VALUES ('1', 'Alice', '', '', 0)");
  EXPECT_THROW(
      conn.exec("INSERT INTO users (id, username, password_hash, roles, created_time) VALUES ('2', 'ALICE', '', '', 0)"),
      sql::Error);
  sql::Stmt s = conn.prepare("SELECT id FROM users WHERE username = ?");
  s.bind(1, "alice");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.text(0), "1");
  conn.exec("INSERT INTO labels (id, name, description) VALUES ('l1', 'Beta', '')");
  try {
    conn.exec("INSERT INTO labels (id, name, description) VALUES ('l2', 'beta', '')");
    FAIL() << "two labels differing only in case";
  } catch (const sql::Error& e) {
    EXPECT_TRUE(e.is_constraint()) << e.what();
  }
}

TEST_F(PostgresSchema, DeletingAnApiTakesItsSearchRowsPoliciesAndWorkflowsWithIt) {
  PgConnection conn(options(fresh_database()));
  migrate(conn);
  conn.exec(
      "INSERT INTO apis (id, name, version, context, provider, lifecycle_status, search_text, definition, "
      "created_time, last_updated_time) VALUES ('a1', 'PizzaShack', '1.0', '/pizza', 'admin', 'CREATED', '', "
      "'{\"serviceInfo\":{\"key\":\"svc\"}}', 0, 0)");
  sql::Stmt row = conn.prepare(
      "INSERT INTO api_search_rows (api_id, kind, status, created_time) VALUES (?, 'API', 'CREATED', 0) RETURNING id");
  row.bind(1, "a1");
  ASSERT_TRUE(row.step());
  const std::int64_t id = row.integer(0);
  row.run();
  conn.prepare("INSERT INTO api_search (rowid, text, name, context, provider, version) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, id).bind(2, "pizzashack an api for pizza").bind(3, "PizzaShack").bind(4, "/pizza").bind(5, "admin")
      .bind(6, "1.0").run();
  conn.exec("INSERT INTO operation_policies VALUES ('p1', 'a1', 'addHeader', 'v1', '{}', 0)");
  conn.exec(
      "INSERT INTO workflows VALUES ('w1', 'AM_API_STATE', 'CREATED', 'a1', '', 'admin', '{}', '', '', 0, 0)");

  // The search table answers case-insensitive substrings, as fts5's trigram MATCH does.
  sql::Stmt find = conn.prepare("SELECT rowid FROM api_search WHERE text ILIKE ? OR name ILIKE ?");
  find.bind(1, "%SHACK%").bind(2, "%nothing%");
  ASSERT_TRUE(find.step());
  EXPECT_EQ(find.integer(0), id);
  sql::Stmt by_key = conn.prepare("SELECT id FROM apis WHERE (definition::jsonb) #>> '{serviceInfo,key}' = ?");
  by_key.bind(1, "svc");
  ASSERT_TRUE(by_key.step());

  conn.exec("DELETE FROM apis WHERE id = 'a1'");
  for (const std::string table : {"api_search_rows", "api_search", "operation_policies", "workflows"})
    EXPECT_EQ(scalar(conn, "SELECT count(*) FROM " + table), 0) << table;
}

}  // namespace
}  // namespace archway::store::postgres
