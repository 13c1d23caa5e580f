#include "postgres_fixture.h"

#include <memory>
#include <mutex>

#include "store/postgres/schema.h"

namespace archway::store::postgres {

namespace {

class SharedServer : public ::testing::Environment {
 public:
  archway::testing::PostgresServer& get() {
    std::lock_guard lock(mu_);
    if (!server_) server_ = std::make_unique<archway::testing::PostgresServer>();
    return *server_;
  }
  void TearDown() override { server_.reset(); }

 private:
  std::mutex mu_;
  std::unique_ptr<archway::testing::PostgresServer> server_;
};

SharedServer* const shared = static_cast<SharedServer*>(::testing::AddGlobalTestEnvironment(new SharedServer));

}  // namespace

void PostgresTest::SetUp() {
  if (const std::string missing = archway::testing::PostgresServer::missing(); !missing.empty())
    GTEST_SKIP() << "PostgreSQL is not installed: missing " << missing;
}

archway::testing::PostgresServer& PostgresTest::server() { return shared->get(); }

std::string PostgresTest::fresh_database() {
  // One database per run (CREATE DATABASE copies a template: a second or so), emptied for each
  // test: dropping its schema takes the tables, functions, sequences and extensions with it.
  static std::once_flag created;
  std::call_once(created, [] { server().create_database("archway_test"); });
  const std::string url = server().url("archway_test");
  PgConnection conn(PgOptions{url, 5});
  conn.exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
  return url;
}

std::string PostgresTest::migrated_database() {
  const std::string url = fresh_database();
  PgConnection conn(options(url));
  migrate(conn);
  return url;
}

}  // namespace archway::store::postgres
