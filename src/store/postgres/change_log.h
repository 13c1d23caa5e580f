#pragma once
// The change log's two operations over the SQL layer: append an event inside a write transaction,
// read the events after a revision. The same SQL runs on SQLite (writers take turns, so revisions
// commit in order) and on PostgreSQL, where the schema's insert trigger takes the change-log lock
// before it draws a revision: a reader that has seen revision r has seen every event below r
// that will ever commit, so reading `after(r)` never skips one committed late.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql/connection.h"

namespace archway::store::postgres {

// The pg_advisory_xact_lock key the change_log insert trigger takes (schema.cc spells it out).
inline constexpr std::int64_t kChangeLogLockKey = 0x4172636877617902;  // "Archway" 02

struct ChangeRecord {
  std::int64_t revision = 0;
  std::string type;
  std::string entity_id;
  std::string payload;
  std::int64_t created_time = 0;
};

// Appends one event in the caller's open write transaction; returns its revision. On PostgreSQL
// other appenders wait from here until this transaction ends, so append as the last step before
// commit. The store's own appends (sql::Tx::append_change) also notify the other nodes; this one,
// for tests of the ordering, does not.
std::int64_t append_change(sql::Connection& conn, std::string_view type, std::string_view entity_id,
                           std::string_view payload, std::int64_t created_time);

// Up to `limit` events with a revision above `revision`, oldest first.
std::vector<ChangeRecord> changes_after(sql::Connection& conn, std::int64_t revision, std::size_t limit);

}  // namespace archway::store::postgres
