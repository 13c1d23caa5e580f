#include "store/postgres/pg_connection.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <limits>
#include <string>
#include <thread>

#include "postgres_fixture.h"

namespace archway::store::postgres {
namespace {

using sql::Error;

std::int64_t count(sql::Connection& conn, const std::string& table) {
  sql::Stmt s = conn.prepare("SELECT count(*) FROM " + table);
  EXPECT_TRUE(s.step());
  return s.integer(0);
}

Error::Kind kind_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "expected an sql::Error";
  return Error::Kind::kOther;
}

// Terminates `pid` from another session and waits until it is gone.
void terminate(const PgOptions& options, int pid) {
  PgConnection admin(options);
  sql::Stmt s = admin.prepare("SELECT pg_terminate_backend(?, 5000)");
  s.bind(1, pid);
  ASSERT_TRUE(s.step());
  ASSERT_EQ(s.text(0), "t");
}

TEST(PostgresPlaceholders, AreNumberedInOrder) {
  int n = 0;
  EXPECT_EQ(number_placeholders("SELECT a FROM t WHERE b = ? AND c IN (?, ?)", &n),
            "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)");
  EXPECT_EQ(n, 3);
  EXPECT_EQ(number_placeholders("SELECT 1", &n), "SELECT 1");
  EXPECT_EQ(n, 0);
}

TEST(PostgresPlaceholders, AreLeftAloneInLiteralsIdentifiersAndComments) {
  int n = 0;
  EXPECT_EQ(number_placeholders("SELECT '?', 'it''s ?', ? FROM \"odd?name\" WHERE \"a\"\"?\" = ?", &n),
            "SELECT '?', 'it''s ?', $1 FROM \"odd?name\" WHERE \"a\"\"?\" = $2");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(number_placeholders("SELECT ? -- what?\n, ? /* why? /* nested? */ still? */ , ?", &n),
            "SELECT $1 -- what?\n, $2 /* why? /* nested? */ still? */ , $3");
  EXPECT_EQ(number_placeholders("SELECT E'\\' ?', ?, e'x', ?", &n), "SELECT E'\\' ?', $1, e'x', $2");
  EXPECT_EQ(number_placeholders("SELECT $$ ? $$, $fn$ '?' $fn$, ?, a$b, $1", &n),
            "SELECT $$ ? $$, $fn$ '?' $fn$, $1, a$b, $1");
  EXPECT_EQ(n, 1);
  // A backslash ends nothing in a standard literal: the quote after it closes the string.
  EXPECT_EQ(number_placeholders("SELECT 'a\\', ?", &n), "SELECT 'a\\', $1");
  // Unterminated text is copied as it is (the server reports the syntax error).
  EXPECT_EQ(number_placeholders("SELECT ?, 'open ?", &n), "SELECT $1, 'open ?");
}

class PostgresConnection : public PostgresTest {};

TEST_F(PostgresConnection, PlaceholdersInsideLiteralsReachTheServerAsText) {
  PgConnection conn(options(fresh_database()));
  sql::Stmt s = conn.prepare("SELECT ?::text, '?' || ?, \"?\" FROM (SELECT 'x' AS \"?\") q -- ?");
  s.bind(1, "a").bind(2, "b");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.text(0), "a");
  EXPECT_EQ(s.text(1), "?b");
  EXPECT_EQ(s.text(2), "x");
  EXPECT_FALSE(s.step());
}

TEST_F(PostgresConnection, EveryTypeRoundTripsIncludingNullAndBytesWithZeros) {
  PgConnection conn(options(fresh_database()));
  conn.exec("CREATE TABLE t (k BIGINT PRIMARY KEY, i BIGINT, r DOUBLE PRECISION, s TEXT, b BYTEA, f BIGINT)");
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  bytes += std::string(3, '\0');
  const std::string text = "na\xC3\xAFve \xE2\x9C\x93 '?' \"q\" \\ $1";
  sql::Stmt ins = conn.prepare("INSERT INTO t (k, i, r, s, b, f) VALUES (?, ?, ?, ?, ?, ?)");
  ins.bind(1, 1).bind(2, std::numeric_limits<std::int64_t>::min()).bind_real(3, 0.1).bind(4, text).bind_blob(5, bytes)
      .bind(6, true);
  ins.run();
  EXPECT_EQ(ins.changes(), 1);
  ins.reset();
  ins.bind(1, 2).bind(2, std::numeric_limits<std::int64_t>::max()).bind_real(3, -1e300).bind(4, "").bind_blob(5, "")
      .bind(6, false);
  ins.run();
  ins.reset();
  ins.bind(1, 3).bind_null(2).bind_null(3).bind_null(4).bind_null(5);  // 6 left unbound: NULL, as in SQLite
  ins.run();

  sql::Stmt s = conn.prepare("SELECT i, r, s, b, f FROM t ORDER BY k");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.integer(0), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(s.real(1), 0.1);
  EXPECT_EQ(s.text(2), text);
  EXPECT_EQ(s.blob(3), bytes);
  EXPECT_EQ(s.blob(3).size(), 259u);
  EXPECT_EQ(s.integer(4), 1);
  EXPECT_FALSE(s.is_null(3));
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.integer(0), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(s.real(1), -1e300);
  EXPECT_EQ(s.text(2), "");
  EXPECT_FALSE(s.is_null(2));  // an empty text is not NULL
  EXPECT_EQ(s.blob(3), "");
  EXPECT_FALSE(s.is_null(3));
  EXPECT_EQ(s.integer(4), 0);
  ASSERT_TRUE(s.step());
  for (int col = 0; col < 5; ++col) EXPECT_TRUE(s.is_null(col)) << col;
  EXPECT_EQ(s.integer(0), 0);
  EXPECT_EQ(s.real(1), 0.0);
  EXPECT_EQ(s.text(2), "");
  EXPECT_EQ(s.blob(3), "");
  EXPECT_FALSE(s.step());

  // Booleans and numerics read as integers, as SQLite's affinity would give them.
  sql::Stmt t = conn.prepare("SELECT true, false, 7.9::numeric, ?::double precision");
  t.bind_real(1, 2.5);
  ASSERT_TRUE(t.step());
  EXPECT_EQ(t.integer(0), 1);
  EXPECT_EQ(t.integer(1), 0);
  EXPECT_EQ(t.integer(2), 7);
  EXPECT_EQ(t.real(3), 2.5);
}

TEST_F(PostgresConnection, TextWithANulByteIsRefusedNotTruncated) {
  PgConnection conn(options(fresh_database()));
  sql::Stmt s = conn.prepare("SELECT ?::text");
  EXPECT_EQ(kind_of([&] { s.bind(1, std::string_view("a\0b", 3)); }), Error::Kind::kOther);
}

TEST_F(PostgresConnection, ChangesCountTheRowsOfTheLastStatement) {
  PgConnection conn(options(fresh_database()));
  conn.exec("CREATE TABLE t (k BIGINT PRIMARY KEY, v TEXT)");
  conn.exec("INSERT INTO t VALUES (1, 'a'), (2, 'a'), (3, 'b')");
  EXPECT_EQ(conn.changes(), 3);
  sql::Stmt up = conn.prepare("UPDATE t SET v = ? WHERE v = ?");
  up.bind(1, "c").bind(2, "a").run();
  EXPECT_EQ(up.changes(), 2);
  EXPECT_EQ(conn.changes(), 2);
  sql::Stmt del = conn.prepare("DELETE FROM t WHERE k = ?");
  del.bind(1, 42).run();
  EXPECT_EQ(del.changes(), 0);
  EXPECT_EQ(conn.changes(), 0);
}

TEST_F(PostgresConnection, AStatementIsPreparedOnceAndRunsAgainAfterReset) {
  PgConnection conn(options(fresh_database()));
  for (int i = 0; i < 3; ++i) {
    sql::Stmt s = conn.prepare("SELECT ? + 1");
    s.bind(1, i);
    ASSERT_TRUE(s.step());
    EXPECT_EQ(s.integer(0), i + 1);
    s.reset();
    s.bind(1, 10 * i);
    ASSERT_TRUE(s.step());
    EXPECT_EQ(s.integer(0), 10 * i + 1);
  }
  sql::Stmt prepared = conn.prepare("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1 + 1'");
  ASSERT_TRUE(prepared.step());
  EXPECT_EQ(prepared.integer(0), 1);
}

TEST_F(PostgresConnection, StatementsBuiltPerRequestDoNotPileUpOnTheServer) {
  PgConnection conn(options(fresh_database()));
  sql::Stmt kept = conn.prepare("SELECT 'kept'");
  for (int i = 0; i < 1200; ++i) conn.prepare("SELECT " + std::to_string(i)).run();
  sql::Stmt n = conn.prepare("SELECT count(*) FROM pg_prepared_statements");
  ASSERT_TRUE(n.step());
  EXPECT_LE(n.integer(0), 510);
  ASSERT_TRUE(kept.step());  // one still held was not deallocated under it
  EXPECT_EQ(kept.text(0), "kept");
}

TEST_F(PostgresConnection, ConstraintViolationIsAConstraintErrorAndTheConnectionStaysUsable) {
  PgConnection conn(options(fresh_database()));
  conn.exec("CREATE TABLE t (k BIGINT PRIMARY KEY, v TEXT NOT NULL)");
  sql::Stmt ins = conn.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
  ins.bind(1, 1).bind(2, "a").run();
  ins.reset();
  ins.bind(1, 1).bind(2, "b");
  try {
    ins.run();
    FAIL() << "a duplicate key was accepted";
  } catch (const Error& e) {
    EXPECT_TRUE(e.is_constraint()) << e.what();
    EXPECT_NE(std::string(e.what()).find("duplicate key"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("23505"), std::string::npos) << e.what();
  }
  EXPECT_EQ(kind_of([&] { conn.prepare("INSERT INTO t (k, v) VALUES (2, NULL)").run(); }), Error::Kind::kConstraint);
  EXPECT_EQ(count(conn, "t"), 1);

  // Inside a transaction the failed statement spoils it: the caller rolls back and carries on.
  conn.begin_write();
  conn.prepare("INSERT INTO t (k, v) VALUES (5, 'e')").run();
  EXPECT_EQ(kind_of([&] { conn.prepare("INSERT INTO t (k, v) VALUES (1, 'dup')").run(); }), Error::Kind::kConstraint);
  conn.rollback();
  EXPECT_EQ(count(conn, "t"), 1);
  conn.begin_write();
  conn.prepare("INSERT INTO t (k, v) VALUES (6, 'f')").run();
  conn.commit();
  EXPECT_EQ(count(conn, "t"), 2);
}

TEST_F(PostgresConnection, CommitOfATransactionAFailedStatementSpoiledThrows) {
  PgConnection conn(options(fresh_database()));
  conn.exec("CREATE TABLE t (k BIGINT PRIMARY KEY)");
  conn.exec("INSERT INTO t VALUES (1)");
  conn.begin_write();
  conn.exec("INSERT INTO t VALUES (2)");
  EXPECT_THROW(conn.exec("INSERT INTO t VALUES (1)"), Error);
  // PostgreSQL answers such a COMMIT with ROLLBACK; the caller must not take it for a success.
  EXPECT_THROW(conn.commit(), Error);
  EXPECT_TRUE(conn.idle());
  EXPECT_EQ(count(conn, "t"), 1);
}

TEST_F(PostgresConnection, RolledBackTransactionLeavesNothing) {
  PgConnection conn(options(fresh_database()));
  conn.exec("CREATE TABLE t (k BIGINT PRIMARY KEY, b BYTEA)");
  conn.begin_write();
  conn.prepare("INSERT INTO t (k, b) VALUES (?, ?)").bind(1, 1).bind_blob(2, std::string("\0x", 2)).run();
  conn.exec("UPDATE t SET k = 2");
  EXPECT_EQ(count(conn, "t"), 1);
  conn.rollback();
  EXPECT_EQ(count(conn, "t"), 0);
}

TEST_F(PostgresConnection, ReadTransactionSeesOneStateAndRefusesWrites) {
  const std::string url = fresh_database();
  PgConnection reader(options(url));
  PgConnection writer(options(url));
  writer.exec("CREATE TABLE t (k BIGINT PRIMARY KEY)");
  writer.exec("INSERT INTO t VALUES (1)");
  reader.begin_read();
  EXPECT_EQ(count(reader, "t"), 1);
  writer.exec("INSERT INTO t VALUES (2)");
  EXPECT_EQ(count(reader, "t"), 1);  // the snapshot of its first statement
  EXPECT_EQ(kind_of([&] { reader.exec("INSERT INTO t VALUES (3)"); }), Error::Kind::kOther);
  reader.rollback();
  EXPECT_EQ(count(reader, "t"), 2);
}

TEST_F(PostgresConnection, ConcurrentUpdateOfOneRowIsARetryableErrorNotALostUpdate) {
  const std::string url = fresh_database();
  PgConnection a(options(url));
  PgConnection b(options(url));
  a.exec("CREATE TABLE counter (k BIGINT PRIMARY KEY, n BIGINT NOT NULL)");
  a.exec("INSERT INTO counter VALUES (1, 0)");
  // Both read n = 0 and write n + 1, as code written for SQLite's one-writer-at-a-time would.
  a.begin_write();
  b.begin_write();
  sql::Stmt read_a = a.prepare("SELECT n FROM counter WHERE k = 1");
  ASSERT_TRUE(read_a.step());
  const std::int64_t seen_by_a = read_a.integer(0);
  sql::Stmt read_b = b.prepare("SELECT n FROM counter WHERE k = 1");
  ASSERT_TRUE(read_b.step());
  b.prepare("UPDATE counter SET n = ? WHERE k = 1").bind(1, read_b.integer(0) + 1).run();
  b.commit();
  try {
    a.prepare("UPDATE counter SET n = ? WHERE k = 1").bind(1, seen_by_a + 1).run();
    FAIL() << "the second writer overwrote the first one's update";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::kSerialization) << e.what();
    EXPECT_TRUE(e.is_retryable());
  }
  a.rollback();
  EXPECT_EQ(count(a, "counter"), 1);
  sql::Stmt n = a.prepare("SELECT n FROM counter");
  ASSERT_TRUE(n.step());
  EXPECT_EQ(n.integer(0), 1);
}

TEST_F(PostgresConnection, TerminatedSessionIsReportedAsConnectionLost) {
  const PgOptions opts = options(fresh_database());
  PgConnection conn(opts);
  ASSERT_TRUE(conn.usable());
  terminate(opts, conn.backend_pid());
  EXPECT_FALSE(conn.usable());
  EXPECT_EQ(kind_of([&] { conn.prepare("SELECT 1").run(); }), Error::Kind::kConnectionLost);
  conn.rollback();  // never throws, even now
}

TEST_F(PostgresConnection, ConnectionSaysWhoItIs) {
  PgConnection conn(options(fresh_database()));
  sql::Stmt s = conn.prepare("SELECT current_setting('application_name'), current_setting('client_encoding')");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.text(0), "archway");
  EXPECT_EQ(s.text(1), "UTF8");
  EXPECT_EQ(conn.dialect(), sql::Dialect::kPostgres);
}

TEST_F(PostgresConnection, UnreachableServerIsAConnectionLostErrorWithTheReason) {
  PgOptions opts = options("postgresql://archway@127.0.0.1:1/nothing");
  try {
    PgConnection conn(opts);
    FAIL() << "connected to port 1";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::kConnectionLost);
    EXPECT_NE(std::string(e.what()).find("cannot connect"), std::string::npos) << e.what();
  }
}

class PostgresPool : public PostgresTest {};

TEST_F(PostgresPool, OpensConnectionsOnlyWhenNeededAndReusesThem) {
  PgPool pool({options(fresh_database()), 8, std::chrono::milliseconds(1000)});
  EXPECT_EQ(pool.open_connections(), 0);
  int pid = 0;
  {
    auto lease = pool.acquire();
    pid = static_cast<PgConnection&>(*lease).backend_pid();
    EXPECT_EQ(lease->dialect(), sql::Dialect::kPostgres);
  }
  {
    auto lease = pool.acquire();
    EXPECT_EQ(static_cast<PgConnection&>(*lease).backend_pid(), pid);
  }
  EXPECT_EQ(pool.open_connections(), 1);
}

TEST_F(PostgresPool, AConnectionLostWhileIdleIsReplacedByAFreshOne) {
  const PgOptions opts = options(fresh_database());
  PgPool pool({opts, 1, std::chrono::milliseconds(1000)});
  int pid = 0;
  {
    auto lease = pool.acquire();
    pid = static_cast<PgConnection&>(*lease).backend_pid();
  }
  terminate(opts, pid);
  auto lease = pool.acquire();
  EXPECT_NE(static_cast<PgConnection&>(*lease).backend_pid(), pid);
  sql::Stmt s = lease->prepare("SELECT 1");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.integer(0), 1);
}

TEST_F(PostgresPool, AConnectionLostUnderItsHolderIsDroppedAndTheNextLeaseWorks) {
  const PgOptions opts = options(fresh_database());
  PgPool pool({opts, 1, std::chrono::milliseconds(1000)});
  int pid = 0;
  {
    auto lease = pool.acquire();
    pid = static_cast<PgConnection&>(*lease).backend_pid();
    lease->begin_write();
    terminate(opts, pid);
    EXPECT_EQ(kind_of([&] { lease->prepare("SELECT 1").run(); }), Error::Kind::kConnectionLost);
    lease->rollback();
  }
  EXPECT_EQ(pool.open_connections(), 0);
  auto lease = pool.acquire();
  EXPECT_NE(static_cast<PgConnection&>(*lease).backend_pid(), pid);
  EXPECT_NO_THROW(lease->prepare("SELECT 1").run());
}

TEST_F(PostgresPool, ALeaseMarkedBrokenIsNotReused) {
  PgPool pool({options(fresh_database()), 2, std::chrono::milliseconds(1000)});
  int pid = 0;
  {
    auto lease = pool.acquire();
    pid = static_cast<PgConnection&>(*lease).backend_pid();
    lease.mark_broken();
  }
  EXPECT_EQ(pool.open_connections(), 0);
  auto lease = pool.acquire();
  EXPECT_NE(static_cast<PgConnection&>(*lease).backend_pid(), pid);
}

TEST_F(PostgresPool, ALeaseLeftInsideATransactionIsRolledBackBeforeReuse) {
  PgPool pool({options(fresh_database()), 1, std::chrono::milliseconds(1000)});
  pool.acquire()->exec("CREATE TABLE t (k BIGINT)");
  {
    auto lease = pool.acquire();
    lease->begin_write();
    lease->exec("INSERT INTO t VALUES (1)");
    // its holder throws here, say, and never commits
  }
  auto lease = pool.acquire();
  EXPECT_TRUE(static_cast<PgConnection&>(*lease).idle());
  EXPECT_EQ(count(*lease, "t"), 0);
}

TEST_F(PostgresPool, AnExhaustedPoolWaitsForAReleaseThenTimesOut) {
  PgPool pool({options(fresh_database()), 2, std::chrono::milliseconds(200)});
  auto first = std::make_unique<sql::ConnectionSource::Lease>(pool.acquire());
  auto second = pool.acquire();
  try {
    pool.acquire();
    FAIL() << "a third connection from a pool of two";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::kConnectionLost);
    EXPECT_NE(std::string(e.what()).find("store.pool_size"), std::string::npos) << e.what();
  }
  EXPECT_EQ(pool.open_connections(), 2);

  // A waiter gets the connection another thread gives back.
  PgPool patient({pool.options().connection, 1, std::chrono::milliseconds(30000)});
  auto held = std::make_unique<sql::ConnectionSource::Lease>(patient.acquire());
  const int pid = static_cast<PgConnection&>(**held).backend_pid();
  int got = 0;
  std::thread waiter([&] { got = static_cast<PgConnection&>(*patient.acquire()).backend_pid(); });
  held.reset();
  waiter.join();
  EXPECT_EQ(got, pid);
  EXPECT_EQ(patient.open_connections(), 1);
}

TEST_F(PostgresPool, AnUnreachableServerIsAConnectionLostErrorAndFreesTheSlot) {
  PgPool pool({options("postgresql://archway@127.0.0.1:1/nothing"), 1, std::chrono::milliseconds(100)});
  for (int attempt = 0; attempt < 2; ++attempt) {  // the failed attempt gave its slot back
    try {
      pool.acquire();
      FAIL() << "connected to port 1";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), Error::Kind::kConnectionLost);
      EXPECT_NE(std::string(e.what()).find("cannot connect"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(pool.open_connections(), 0);
}

}  // namespace
}  // namespace archway::store::postgres
