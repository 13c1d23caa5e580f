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
  std::unique_ptr<sql::Database> database(const std::string& url) {
    PgPoolOptions o;
    o.connection = options(url);
    o.size = 2;
    return std::make_unique<sql::Database>(std::make_unique<PgPool>(o));
  }
  static std::int64_t append(sql::Database& db, const std::string& entity) {
    return db.write([&](sql::Tx& tx) { return tx.append_change("test.changed", entity, "{}"); });
  }
  // The listening session starts on a thread of its own: writes until one is heard (at most 10 s);
  // the last revision written.
  static std::int64_t until_listening(sql::Database& writer, Heard& heard) {
    std::int64_t r = 0;
    for (int i = 0; i < 100 && heard.until(1, 0ms).empty(); ++i) {
      r = append(writer, "warm-up");
      heard.until(r, 100ms);
    }
    EXPECT_FALSE(heard.until(1, 0ms).empty()) << "no notification within 10 s";
    return r;
  }
};

TEST_F(PostgresCommitWatcher, ACommitOfAnotherNodeIsToldWithItsRevision) {
  const std::string url = migrated_database();
  auto writer = database(url);
  auto reader = database(url);
  Heard heard;
  reader->set_commit_listener([&](std::int64_t r) { heard(r); });
  until_listening(*writer, heard);
  const std::int64_t revision = append(*writer, "e1");
  EXPECT_EQ(heard.until(revision, 5s).back(), revision);
}

TEST_F(PostgresCommitWatcher, ARolledBackAppendIsNeverTold) {
  const std::string url = migrated_database();
  auto writer = database(url);
  auto reader = database(url);
  Heard heard;
  reader->set_commit_listener([&](std::int64_t r) { heard(r); });
  const std::int64_t warm = until_listening(*writer, heard);
  const std::size_t before = heard.until(warm, 5s).size();
  std::int64_t rolled_back = 0;
  EXPECT_THROW(writer->write([&](sql::Tx& tx) {
    rolled_back = tx.append_change("test.changed", "gone", "{}");
    throw std::runtime_error("changed my mind");
  }),
               std::runtime_error);
  const std::int64_t kept = append(*writer, "kept");
  const auto heard_now = heard.until(kept, 5s);
  ASSERT_GT(rolled_back, 0);
  ASSERT_GT(kept, rolled_back);
  // Told in commit order: had the rolled-back one been told, it would come before `kept`.
  ASSERT_EQ(heard_now.size(), before + 1);
  EXPECT_EQ(heard_now.back(), kept);
}

TEST_F(PostgresCommitWatcher, ALostListeningSessionIsReopenedAndCommitsAreToldAgain) {
  const std::string url = migrated_database();
  auto writer = database(url);
  auto reader = database(url);
  Heard heard;
  reader->set_commit_listener([&](std::int64_t r) { heard(r); });
  std::int64_t r = until_listening(*writer, heard);
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
