#include "store/postgres/change_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "postgres_fixture.h"
#include "store/postgres/schema.h"

namespace archway::store::postgres {
namespace {

class PostgresChangeLog : public PostgresTest {};

std::vector<std::int64_t> revisions(const std::vector<ChangeRecord>& events) {
  std::vector<std::int64_t> out;
  for (const auto& e : events) out.push_back(e.revision);
  return out;
}

// Waits until some session waits for an advisory lock of this database (true), or `done` is set.
bool wait_for_lock_waiter(sql::Connection& conn, const std::atomic<bool>& done) {
  while (!done.load()) {
    sql::Stmt s = conn.prepare(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database())");
    if (!s.step()) return false;
    if (s.integer(0) > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

TEST_F(PostgresChangeLog, AppendedEventsAreReadBackInOrderAfterARevision) {
  PgConnection conn(options(migrated_database()));
  conn.begin_write();
  const std::int64_t first = append_change(conn, "api.deployed", "a1", R"({"env":"Default"})", 1000);
  const std::int64_t second = append_change(conn, "api.undeployed", "a1", "{}", 1001);
  conn.commit();
  EXPECT_LT(first, second);
  const auto all = changes_after(conn, 0, 100);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].revision, first);
  EXPECT_EQ(all[0].type, "api.deployed");
  EXPECT_EQ(all[0].entity_id, "a1");
  EXPECT_EQ(all[0].payload, R"({"env":"Default"})");
  EXPECT_EQ(all[0].created_time, 1000);
  EXPECT_EQ(revisions(changes_after(conn, first, 100)), std::vector<std::int64_t>{second});
  EXPECT_EQ(changes_after(conn, 0, 1).size(), 1u);
  EXPECT_TRUE(changes_after(conn, second, 100).empty());
}

TEST_F(PostgresChangeLog, ARolledBackAppendLeavesNoEvent) {
  PgConnection conn(options(migrated_database()));
  conn.begin_write();
  append_change(conn, "api.deployed", "a1", "{}", 1);
  conn.rollback();
  EXPECT_TRUE(changes_after(conn, 0, 100).empty());
  conn.begin_write();
  const std::int64_t kept = append_change(conn, "api.deployed", "a2", "{}", 2);
  conn.commit();
  EXPECT_EQ(revisions(changes_after(conn, 0, 100)), std::vector<std::int64_t>{kept});
}

// What the ordering prevents: a revision drawn without the lock (here by naming it) can commit
// after a higher one, and a reader past the higher one never sees it.
TEST_F(PostgresChangeLog, RevisionsDrawnWithoutTheLockCanBeSkippedByAReader) {
  const std::string url = migrated_database();
  PgConnection slow(options(url)), fast(options(url)), reader(options(url));
  const char* unordered =
      "INSERT INTO change_log (revision, type, entity_id, payload, created_time) "
      "VALUES (nextval('change_log_revision'), 't', 'e', '{}', 0)";
  slow.begin_write();
  slow.exec(unordered);
  fast.begin_write();
  fast.exec(unordered);
  fast.commit();
  const auto seen = changes_after(reader, 0, 100);
  ASSERT_EQ(seen.size(), 1u);
  slow.commit();
  EXPECT_TRUE(changes_after(reader, seen.back().revision, 100).empty()) << "the slow event was not skipped";
  EXPECT_EQ(changes_after(reader, 0, 100).size(), 2u);
}

TEST_F(PostgresChangeLog, ASecondAppenderWaitsUntilTheFirstCommitsSoNoReaderSkipsAnEvent) {
  const std::string url = migrated_database();
  PgConnection slow(options(url)), fast(options(url)), reader(options(url));
  slow.begin_write();
  const std::int64_t slow_rev = append_change(slow, "t", "slow", "{}", 0);
  std::int64_t fast_rev = 0;
  std::atomic<bool> fast_done{false};
  std::thread fast_writer([&] {
    fast.begin_write();
    fast_rev = append_change(fast, "t", "fast", "{}", 0);
    fast.commit();
    fast_done = true;
  });
  // The fast writer waits for the change-log lock; had it not, it would have committed.
  EXPECT_TRUE(wait_for_lock_waiter(reader, fast_done)) << "the second appender committed before the first";
  EXPECT_TRUE(changes_after(reader, 0, 100).empty());
  slow.commit();
  fast_writer.join();
  EXPECT_LT(slow_rev, fast_rev);
  EXPECT_EQ(revisions(changes_after(reader, 0, 100)), (std::vector<std::int64_t>{slow_rev, fast_rev}));
}

TEST_F(PostgresChangeLog, ConcurrentWritersWithRandomDelaysNeverLetAPollingReaderSkipOrRepeatAnEvent) {
  const std::string url = migrated_database();
  constexpr int kWriters = 8;
  constexpr int kTransactionsEach = 30;
  std::mutex mu;
  std::set<std::int64_t> committed;
  std::atomic<int> writers_left{kWriters};
  std::vector<std::string> errors(kWriters);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w)
    writers.emplace_back([&, w] {
      try {
        PgConnection conn(options(url));
        std::mt19937 rng(1234 + w);
        std::uniform_int_distribution<int> delay_us(0, 3000);
        for (int i = 0; i < kTransactionsEach; ++i) {
          conn.begin_write();
          std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));  // the write itself
          std::vector<std::int64_t> mine;
          const int events = 1 + static_cast<int>(rng() % 2);
          for (int e = 0; e < events; ++e) mine.push_back(append_change(conn, "t", std::to_string(w), "{}", i));
          std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));  // a slow commit
          if (rng() % 8 == 0) {
            conn.rollback();  // its revisions must never be seen
            continue;
          }
          conn.commit();
          std::lock_guard lock(mu);
          committed.insert(mine.begin(), mine.end());
        }
      } catch (const std::exception& e) {
        errors[w] = e.what();
      }
      --writers_left;
    });

  PgConnection reader(options(url));
  std::vector<std::int64_t> seen;
  std::int64_t after = 0;
  auto poll = [&] {
    for (const auto& event : changes_after(reader, after, 7)) {  // small pages: many polls
      seen.push_back(event.revision);
      after = event.revision;
    }
  };
  while (writers_left.load() > 0) poll();
  for (auto& t : writers) t.join();
  for (const auto& e : errors) ASSERT_EQ(e, "");
  for (std::size_t before = ~std::size_t{0}; before != seen.size();) {
    before = seen.size();
    poll();
  }

  ASSERT_FALSE(committed.empty());
  for (std::size_t i = 1; i < seen.size(); ++i) ASSERT_LT(seen[i - 1], seen[i]) << "repeated or out of order at " << i;
  // Every committed event, and nothing else: one committed late would be missing here, since the
  // reader had moved past its revision.
  EXPECT_EQ(std::set<std::int64_t>(seen.begin(), seen.end()), committed);
  EXPECT_EQ(seen.size(), committed.size());
}

}  // namespace
}  // namespace archway::store::postgres
