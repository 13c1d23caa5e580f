#include "store/postgres/pg_store.h"

#include "store/postgres/schema.h"
#include "store/sql/sql_store.h"

namespace archway::store::postgres {

std::unique_ptr<Store> open_postgres_store(const PgPoolOptions& options) {
  return open_sql_store(std::make_unique<PgPool>(options),
                        [](sql::Connection& conn) { migrate(conn); });
}

}  // namespace archway::store::postgres
