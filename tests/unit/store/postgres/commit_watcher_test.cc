// Other nodes' commits told through PostgreSQL's notifications: what a store's commit listener
// hears of a second store's writes on the same database.
#include "store/postgres/commit_watcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "postgres_fixture.h"
#include "store/sql/database.h"

namespace archway::store::postgres {
namespace {

using namespace std::chrono_literals;

// What a listener heard, in order.
class Heard {
 public:
  void operator()(std::int64_t revision) {
    std::lock_guard lock(mu_);
    revisions_.push_back(revision);
    cv_.notify_all();
  }
  // Waits up to `timeout` for a revision at least `want`; the revisions heard by then.
  std::vector<std::int64_t> until(std::int64_t want, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return !revisions_.empty() && revisions_.back() >= want; });
    return revisions_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::int64_t> revisions_;
};

// A writer and a reader on one fresh database, as two nodes: the reader's commit listener writes
// to `heard_`.
class PostgresCommitWatcher : public PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    if (IsSkipped()) return;
    url_ = migrated_database();
    writer_ = database(true);
  }
  std::unique_ptr<sql::Database> database(bool watch) {
    PgPoolOptions o;
    o.connection = options(url_);
    o.size = 2;
    o.watch_commits = watch;
    return std::make_unique<sql::Database>(std::make_unique<PgPool>(o));
  }
  // The reader, listening when this returns (unless `watch` is false: its own commits only).
  sql::Database& reader(bool watch = true) {
    reader_ = database(watch);
    reader_->set_commit_listener([this](std::int64_t r) { heard_(r); });
    return *reader_;
  }
  static std::int64_t append(sql::Database& db, const std::string& entity) {
    return db.write([&](sql::Tx& tx) { return tx.append_change("test.changed", entity, "{}"); });
  }

  Heard heard_;  // first: it outlives the databases and their listening threads
  std::string url_;
  std::unique_ptr<sql::Database> writer_;
  std::unique_ptr<sql::Database> reader_;
};

TEST_F(PostgresCommitWatcher, ACommitOfAnotherNodeIsToldWithItsRevisionOnceTheListenerIsSet) {
  reader();
  const std::int64_t first = append(*writer_, "e1");
  const std::int64_t second = append(*writer_, "e2");
  EXPECT_EQ(heard_.until(second, 5s), (std::vector<std::int64_t>{first, second}));
}

TEST_F(PostgresCommitWatcher, ARolledBackAppendIsNeverTold) {
  reader();
  std::int64_t rolled_back = 0;
  EXPECT_THROW(writer_->write([&](sql::Tx& tx) {
    rolled_back = tx.append_change("test.changed", "gone", "{}");
    throw std::runtime_error("changed my mind");
  }),
               std::runtime_error);
  const std::int64_t kept = append(*writer_, "kept");
  ASSERT_GT(rolled_back, 0);
  ASSERT_GT(kept, rolled_back);
  EXPECT_EQ(heard_.until(kept, 5s), std::vector<std::int64_t>{kept});
}

TEST_F(PostgresCommitWatcher, ANodeThatDoesNotWatchHearsOnlyItsOwnCommits) {
  sql::Database& own_node = reader(false);
  append(*writer_, "theirs");
  const std::int64_t own = append(own_node, "own");
  // Were it watching, the first would be told within these 200 ms (it is, in about a millisecond).
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(heard_.until(own, 5s), std::vector<std::int64_t>{own});
}

TEST_F(PostgresCommitWatcher, ALostListeningSessionIsReopenedAndCommitsAreToldAgain) {
  reader();
  std::int64_t r = append(*writer_, "before");
  ASSERT_EQ(heard_.until(r, 5s).back(), r);
  // The server ends the listening session (as a restart or pg_terminate_backend would).
  PgConnection admin(options(url_));
  admin.exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%LISTEN %' AND "
      "pid <> pg_backend_pid() AND datname = current_database()");
  EXPECT_EQ(admin.changes(), 1);
  // Reopened within about a second: a commit made after that is told again.
  bool told = false;
  for (int i = 0; i < 50 && !told; ++i) {
    r = append(*writer_, "after");
    told = heard_.until(r, 200ms).back() == r;
  }
  EXPECT_TRUE(told) << "no notification in 10 s after the listening session was ended";
}

TEST_F(PostgresCommitWatcher, StoppingReturnsAtOnceWhileTheSessionWaits) {
  const auto started = std::chrono::steady_clock::now();
  {
    CommitWatcher watcher(options(url_), [](std::int64_t) {});
    std::this_thread::sleep_for(200ms);  // listening by now, waiting on its socket
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

}  // namespace
}  // namespace archway::store::postgres
