// The Store over the SQL layer: the aggregates (store/sql/aggregates.h) over one sql::Database,
// after the migrations of the backend's dialect.
#include "store/sql/sql_store.h"

#include <fmt/format.h>

#include <set>

#include "common/clock.h"
#include "store/sql/aggregates.h"
#include "store/sqlite/sqlite_connection.h"

namespace archway::store {

namespace {

using sql::Stmt;

// Migrations run outside the write path: each is its own transaction, recorded in it.
void migrate(sql::Connection& conn, const std::vector<Migration>& migrations) {
  conn.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description "
      "TEXT NOT NULL, "
      "applied_time INTEGER NOT NULL)");
  std::int64_t current = 0;
  {
    Stmt s = conn.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    s.step();
    current = s.integer(0);
  }
  // A database a newer Archway migrated may hold what this one cannot read or would overwrite:
  // refuse it rather than run on half-understood tables.
  const std::int64_t known = migrations.empty() ? 0 : migrations.back().version;
  if (current > known)
    throw std::runtime_error(
        fmt::format("the database's schema is at version {}, newer than the {} this Archway knows: "
                    "it was written by a "
                    "newer release. Run that release (or newer), or restore a backup made with "
                    "this one (docs/operations.md)",
                    current, known));
  // Each migration not yet recorded runs, in order: versions may have gaps (branches take
  // numbers apart), and one merged later than a higher one still runs once.
  std::set<std::int64_t> applied;
  {
    Stmt s = conn.prepare("SELECT version FROM schema_migrations");
    while (s.step()) applied.insert(s.integer(0));
  }
  for (const auto& m : migrations) {
    if (applied.count(m.version)) continue;
    conn.begin_write();
    try {
      conn.exec(m.sql);
      conn.prepare(
              "INSERT INTO schema_migrations (version, description, applied_time) VALUES (?,?,?)")
          .bind(1, std::int64_t{m.version})
          .bind(2, m.description)
          .bind(3, common::now_millis())
          .run();
      conn.commit();
    } catch (...) {
      conn.rollback();
      throw;
    }
  }
}

// Holds the Database, so that it exists before the aggregates that keep a reference to it.
struct DatabaseHolder {
  explicit DatabaseHolder(std::unique_ptr<sql::ConnectionSource> source)
      : database_(std::move(source)) {}
  sql::Database database_;
};

class SqlStore final : private DatabaseHolder,
                       public Store,
                       public SqlUserStore,
                       public SqlApiStore,
                       public SqlContentStore,
                       public SqlCatalogStore,
                       public SqlPolicyStore,
                       public SqlApplicationStore,
                       public SqlSubscriptionStore,
                       public SqlKeyManagerStore,
                       public SqlCertificateStore,
                       public SqlGatewayStateStore,
                       public SqlWorkflowStore,
                       public SqlChangeLog {
 public:
  SqlStore(std::unique_ptr<sql::ConnectionSource> source, const MigrationRunner& run_migrations)
      : DatabaseHolder(std::move(source)),
        SqlUserStore(database_),
        SqlApiStore(database_),
        SqlContentStore(database_),
        SqlCatalogStore(database_),
        SqlPolicyStore(database_),
        SqlApplicationStore(database_),
        SqlSubscriptionStore(database_),
        SqlKeyManagerStore(database_),
        SqlCertificateStore(database_),
        SqlGatewayStateStore(database_),
        SqlWorkflowStore(database_),
        SqlChangeLog(database_) {
    auto lease = database_.source().acquire();
    run_migrations(*lease);
  }
};

}  // namespace

std::unique_ptr<Store> open_sql_store(std::unique_ptr<sql::ConnectionSource> source,
                                      const std::vector<Migration>& migrations) {
  return std::make_unique<SqlStore>(
      std::move(source), [&migrations](sql::Connection& conn) { migrate(conn, migrations); });
}

std::unique_ptr<Store> open_sql_store(std::unique_ptr<sql::ConnectionSource> source,
                                      const MigrationRunner& run_migrations) {
  return std::make_unique<SqlStore>(std::move(source), run_migrations);
}

std::unique_ptr<Store> open_sqlite_store(const std::string& path) {
  return open_sql_store(std::make_unique<sqlite::SqliteConnectionSource>(path),
                        sqlite_migrations());
}

}  // namespace archway::store
