#pragma once
// The PostgreSQL schema of the store and the runner that brings a database up to it. Versions
// match SQLite's (src/store/migrations.cc): a database at version N on either backend has the same
// tables, so data moves between them table by table.
#include <cstdint>
#include <vector>

#include "store/migrations.h"
#include "store/sql/connection.h"

namespace archway::store::postgres {

// pg_advisory_lock key held while migrating: nodes starting together take turns, and the second
// finds the work done.
inline constexpr std::int64_t kMigrationLockKey = 0x4172636877617901;  // "Archway" 01

const std::vector<Migration>& postgres_migrations();

// Applies, in order and each in its own transaction, the migrations `schema_migrations` does not
// list, all under the migration lock. Returns how many it applied. Throws sql::Error from the
// server, and std::runtime_error when the database was migrated by a newer Archway.
int migrate(sql::Connection& conn);

}  // namespace archway::store::postgres
