#include "unit/store/store_backend.h"

#include <memory>
#include <mutex>

#include "common/ids.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_store.h"
#include "support/postgres_server.h"

namespace archway::store::testing {

namespace {

// One server for the whole run of the binary, started when the first PostgreSQL test needs it.
class SharedServer : public ::testing::Environment {
 public:
  archway::testing::PostgresServer& get() {
    std::lock_guard lock(mu_);
    if (!server_) {
      server_ = std::make_unique<archway::testing::PostgresServer>();
      server_->create_database("archway_store");
    }
    return *server_;
  }
  void TearDown() override { server_.reset(); }

 private:
  std::mutex mu_;
  std::unique_ptr<archway::testing::PostgresServer> server_;
};

SharedServer* const shared =
    static_cast<SharedServer*>(::testing::AddGlobalTestEnvironment(new SharedServer));

}  // namespace

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

void StoreBackendTest::SetUp() {
  dir_ = std::filesystem::temp_directory_path() / ("archway-store-" + common::new_uuid());
  std::filesystem::create_directories(dir_);
  if (!on_postgres()) return;
  if (const std::string missing = archway::testing::PostgresServer::missing(); !missing.empty())
    GTEST_SKIP() << "PostgreSQL is not installed: missing " << missing;
  postgres_url_ = shared->get().url("archway_store");
  // Nothing left of the tests before: the schema goes with its tables, sequences and extensions.
  postgres::PgConnection conn(postgres::PgOptions{postgres_url_, 5});
  conn.exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
}

void StoreBackendTest::TearDown() { std::filesystem::remove_all(dir_); }

std::unique_ptr<Store> StoreBackendTest::open_store() {
  if (!on_postgres()) return open_sqlite_store((dir_ / "archway.db").string());
  postgres::PgPoolOptions options;
  options.connection.url = postgres_url_;
  options.size = 4;
  return postgres::open_postgres_store(options);
}

}  // namespace archway::store::testing
