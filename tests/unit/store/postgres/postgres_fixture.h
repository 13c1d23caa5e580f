#pragma once
// The PostgreSQL tests' fixture: one server for the whole run of the test binary (started on first
// use, stopped when the run ends), a fresh database per test. Skips, naming what is missing, only
// when PostgreSQL is not installed.
#include <gtest/gtest.h>

#include <string>

#include "store/postgres/pg_connection.h"
#include "support/postgres_server.h"

namespace archway::store::postgres {

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override;
  // The shared server.
  static archway::testing::PostgresServer& server();
  // An empty database for this test (nothing left of the tests before it); its URL.
  std::string fresh_database();
  // fresh_database() brought up to the current schema.
  std::string migrated_database();
  PgOptions options(const std::string& url) const { return PgOptions{url, 5}; }
};

}  // namespace archway::store::postgres
