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

class PostgresCommitWatcher : public PostgresTest {
 protected:
  std::unique_ptr<sql::Database> database(const std::string& url, bool watch = true) {
    PgPoolOptions o;
    o.connection = options(url);
    o.size = 2;
    o.watch_commits = watch;
    return std::make_unique<sql::Database>(std::make_unique<PgPool>(o));
  }
  static std::int64_t append(sql::Database& db, const std::string& entity) {
    return db.write([&](sql::Tx& tx) { return tx.append_change("test.changed", entity, "{}"); });
  }
};

// (Heard is declared before the databases in each test: it must outlive the listening thread.)

TEST_F(PostgresCommitWatcher, ACommitOfAnotherNodeIsToldWithItsRevisionOnceTheListenerIsSet) {
  const std::string url = migrated_database();
  Heard heard;
  auto writer = database(url);
  auto reader = database(url);
  reader->set_commit_listener([&](std::int64_t r) { heard(r); });  // listening when it returns
  const std::int64_t first = append(*writer, "e1");
  const std::int64_t second = append(*writer, "e2");
  EXPECT_EQ(heard.until(second, 5s), (std::vector<std::int64_t>{first, second}));
}

TEST_F(PostgresCommitWatcher, ARolledBackAppendIsNeverTold) {
  const std::string url = migrated_database();
  Heard heard;
  auto writer = database(url);
  auto reader = database(url);
  reader->set_commit_listener([&](std::int64_t r) { heard(r); });
  std::int64_t rolled_back = 0;
  EXPECT_THROW(writer->write([&](sql::Tx& tx) {
    rolled_back = tx.append_change("test.changed", "gone", "{}");
    throw std::runtime_error("changed my mind");
  }),
               std::runtime_error);
  const std::int64_t kept = append(*writer, "kept");
  ASSERT_GT(rolled_back, 0);
  ASSERT_GT(kept, rolled_back);
  EXPECT_EQ(heard.until(kept, 5s), std::vector<std::int64_t>{kept});
}

TEST_F(PostgresCommitWatcher, ANodeThatDoesNotWatchHearsOnlyItsOwnCommits) {
  const std::string url = migrated_database();
  Heard heard;
  auto writer = database(url);
  auto reader = database(url, false);
  reader->set_commit_listener([&](std::int64_t r) { heard(r); });
  append(*writer, "theirs");
  const std::int64_t own = append(*reader, "own");
  // Were it watching, the first would be told within these 200 ms (it is, in about a millisecond).
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(heard.until(own, 5s), std::vector<std::int64_t>{own});
}

TEST_F(PostgresCommitWatcher, ALostListeningSessionIsReopenedAndCommitsAreToldAgain) {
  const std::string url = migrated_database();
  Heard heard;
  auto writer = database(url);
  auto reader = database(url);
  reader->set_commit_listener([&](std::int64_t r) { heard(r); });
  std::int64_t r = append(*writer, "before");
  ASSERT_EQ(heard.until(r, 5s).back(), r);
  // The server ends the listening session (as a restart or pg_terminate_backend would).
  PgConnection admin(options(url));
  admin.exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND "
      "datname = current_database()");
  EXPECT_EQ(admin.changes(), 1);
  // Reopened within about a second: a commit made after that is told again.
  bool told = false;
  for (int i = 0; i < 50 && !told; ++i) {
    r = append(*writer, "after");
    told = heard.until(r, 200ms).back() == r;
  }
  EXPECT_TRUE(told) << "no notification in 10 s after the listening session was ended";
}

TEST_F(PostgresCommitWatcher, StoppingReturnsAtOnceWhileTheSessionWaits) {
  const std::string url = migrated_database();
  const auto started = std::chrono::steady_clock::now();
  {
    CommitWatcher watcher(options(url), [](std::int64_t) {});
    std::this_thread::sleep_for(200ms);  // listening by now, waiting on its socket
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

}  // namespace
}  // namespace archway::store::postgres
