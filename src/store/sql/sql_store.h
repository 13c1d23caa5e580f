#pragma once
// The Store written once over the SQL layer: a backend hands it a ConnectionSource and the
// migrations of its dialect (SQLite: store/migrations.h). Only app/ and tests need this header.
#include <functional>
#include <memory>
#include <vector>

#include "store/migrations.h"
#include "store/sql/connection.h"
#include "store/store.h"

namespace archway::store {

// Runs the migrations not yet applied, then serves every aggregate over `source`.
std::unique_ptr<Store> open_sql_store(std::unique_ptr<sql::ConnectionSource> source,
                                      const std::vector<Migration>& migrations);

// Brings the database up to date with `migrate` (on a leased connection, outside the write path),
// then serves every aggregate over `source`. PostgreSQL's runner takes an advisory lock first.
using MigrationRunner = std::function<void(sql::Connection&)>;
std::unique_ptr<Store> open_sql_store(std::unique_ptr<sql::ConnectionSource> source,
                                      const MigrationRunner& migrate);

}  // namespace archway::store
