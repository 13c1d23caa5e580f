#pragma once
// The store suites run once per backend: `TEST_P(Suite, Behaviour)` over StoreBackendTest, then
// `ARCHWAY_STORE_BACKENDS(Suite)` instantiates it as `Suite.Behaviour/Sqlite` (a file in a
// temporary directory) and `Suite.Behaviour/Postgres` (a database on a PostgreSQL server the test
// binary starts once and empties for each test). The assertions are the same on both.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"

namespace archway::store::testing {

enum class Backend { kSqlite, kPostgres };

std::string backend_name(const ::testing::TestParamInfo<Backend>& info);

class StoreBackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Opens (again: the data stays) this test's store on its backend, running the migrations.
  std::unique_ptr<Store> open_store();
  bool on_postgres() const { return GetParam() == Backend::kPostgres; }

  std::filesystem::path dir_;  // this test's temporary directory (SQLite's file lives in it)
  std::string postgres_url_;   // this test's database, on PostgreSQL
};

}  // namespace archway::store::testing

#define ARCHWAY_STORE_BACKENDS(Suite)                                                       \
  INSTANTIATE_TEST_SUITE_P(, Suite,                                                         \
                           ::testing::Values(::archway::store::testing::Backend::kSqlite,   \
                                             ::archway::store::testing::Backend::kPostgres), \
                           ::archway::store::testing::backend_name)
