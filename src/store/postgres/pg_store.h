#pragma once
// The store on PostgreSQL: the same aggregates as SQLite's (store/sql/), over a PgPool, after
// `postgres::migrate` has brought the database up to date under its advisory lock.
#include <memory>

#include "store/postgres/pg_connection.h"
#include "store/store.h"

namespace archway::store::postgres {

// Connects (throws sql::Error(kConnectionLost) naming the reason when the server cannot be
// reached), migrates, and serves the store over a pool of `options.size` connections.
std::unique_ptr<Store> open_postgres_store(const PgPoolOptions& options);

}  // namespace archway::store::postgres
