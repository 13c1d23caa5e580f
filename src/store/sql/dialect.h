#pragma once
// The few spellings SQLite and PostgreSQL do not share, asked by dialect wherever a statement
// needs one, so that the aggregates keep a single statement with one hole rather than two copies.
// Everything else is written once in the common subset (store/sql/connection.h).
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "store/sql/connection.h"

namespace archway::store::sql {

// `expr` ordered ignoring ASCII case: SQLite `expr COLLATE NOCASE`, PostgreSQL `lower(expr)`.
inline std::string order_nocase(Dialect d, std::string_view expr) {
  return d == Dialect::kSqlite ? std::string(expr) + " COLLATE NOCASE"
                               : "lower(" + std::string(expr) + ")";
}

// `column` equal to one parameter, ignoring case: SQLite `column = ? COLLATE NOCASE`,
// PostgreSQL `lower(column) = lower(?)` (the schema indexes lower(column) where it matters).
inline std::string equals_nocase(Dialect d, std::string_view column) {
  return d == Dialect::kSqlite ? std::string(column) + " = ? COLLATE NOCASE"
                               : "lower(" + std::string(column) + ") = lower(CAST(? AS TEXT))";
}

// A LIKE that ignores case, as SQLite's LIKE does (ASCII): PostgreSQL's ILIKE.
inline const char* like_nocase(Dialect d) { return d == Dialect::kSqlite ? "LIKE" : "ILIKE"; }

// A condition that never holds.
inline const char* never(Dialect d) { return d == Dialect::kSqlite ? "0" : "FALSE"; }

// The text at a path of a JSON column (`path` as SQLite writes it, '$.a.b'): SQLite
// json_extract(column, '$.a.b'), PostgreSQL (column::jsonb) #>> '{a,b}'. The schemas index this
// very expression where a query looks it up.
inline std::string json_text(Dialect d, std::string_view column, std::string_view path) {
  if (d == Dialect::kSqlite)
    return "json_extract(" + std::string(column) + ", '" + std::string(path) + "')";
  std::string keys;
  for (char c : path.substr(path.rfind('$') == 0 ? 2 : 0)) keys.push_back(c == '.' ? ',' : c);
  return "((" + std::string(column) + "::jsonb) #>> '{" + keys + "}')";
}

// What a LIMIT parameter takes for "no limit" (SQLite accepts -1, PostgreSQL no negative value).
inline std::int64_t limit_param(std::int64_t limit) {
  return limit < 0 ? std::numeric_limits<std::int64_t>::max() : limit;
}

}  // namespace archway::store::sql
