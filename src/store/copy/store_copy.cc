#include "store/copy/store_copy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "store/migrations.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/schema.h"
#include "store/sql/connection.h"
#include "store/sqlite/sqlite_connection.h"
#include "store/store.h"

namespace archway::store::copy {

namespace {

namespace fs = std::filesystem;
using sql::Connection;
using sql::Dialect;
using sql::Stmt;

// Left out on both sides: each side's migrations write their own.
constexpr std::string_view kMigrationsTable = "schema_migrations";
// At most this many rows per INSERT (and under both backends' limit on parameters).
constexpr std::size_t kMaxBatchRows = 200;
constexpr std::size_t kMaxBatchParams = 30000;
constexpr std::size_t kMaxBatchBytes = 4 << 20;  // documents and thumbnails go a few at a time

// How a column's values are read and written: by its PostgreSQL type, the side whose types are
// strict (SQLite's declared types only suggest one).
enum class ValueKind { kInteger, kReal, kText, kBlob };

struct Value {
  enum class Tag : char { kNull = 'N', kInteger = 'I', kReal = 'R', kText = 'T', kBlob = 'B' };
  Tag tag = Tag::kNull;
  std::int64_t integer = 0;
  double real = 0;
  std::string bytes;  // text or blob
};
using Row = std::vector<Value>;

struct Column {
  std::string name;
  ValueKind kind = ValueKind::kText;
};

struct Table {
  std::string name;
  std::vector<Column> columns;  // in the PostgreSQL side's order
  std::set<std::string> depends_on;  // tables its foreign keys name (itself excluded)
  // A foreign key to the table itself (api_comments.parent_id -> id): parents are written first.
  std::string self_ref_column, self_ref_target;
  std::vector<std::pair<std::string, std::string>> sequences;  // column, PostgreSQL sequence
  bool sqlite_autoincrement = false;  // SQLite keeps its counter in sqlite_sequence
};

std::string join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

// Names go into statements unquoted (SQLite's `rowid` must stay a bare word): only plain ones pass.
void check_identifier(const std::string& name) {
  const bool plain = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                     });
  if (!plain)
    throw CopyError(CopyError::Kind::kRefused,
                    fmt::format("the table or column name '{}' is not one Archway's schema uses", name));
}

// ---- Opening both ends ----

std::string sqlite_file(const std::string& location) {
  return fs::is_directory(location) ? (fs::path(location) / "archway.db").string() : location;
}

std::unique_ptr<Connection> open_source(const Endpoint& e) {
  try {
    if (e.kind == Endpoint::Kind::kSqlite) {
      const std::string file = sqlite_file(e.location);
      if (!fs::is_regular_file(file))
        throw CopyError(CopyError::Kind::kUnreachable, fmt::format("the source '{}' is not a file", file));
      return std::make_unique<sqlite::SqliteConnection>(file, sqlite::SqliteConnection::Access::kReadOnly);
    }
    auto conn = std::make_unique<postgres::PgConnection>(postgres::PgOptions{e.location});
    conn->exec("SET default_transaction_read_only = on");
    return conn;
  } catch (const sql::Error& err) {
    throw CopyError(CopyError::Kind::kUnreachable,
                    fmt::format("cannot open the source {}: {}", e.display(), err.what()));
  }
}

// The target, its schema brought up to this release (the same migrations `archway serve` runs).
// On PostgreSQL the migration lock stays held until the connection closes, so a node starting
// against the database meanwhile waits for the copy to end.
std::unique_ptr<Connection> open_target(const Endpoint& e) {
  try {
    if (e.kind == Endpoint::Kind::kSqlite) {
      const std::string file = sqlite_file(e.location);
      open_sqlite_store(file).reset();
      return std::make_unique<sqlite::SqliteConnection>(file);
    }
    auto conn = std::make_unique<postgres::PgConnection>(postgres::PgOptions{e.location});
    conn->prepare("SELECT pg_advisory_lock(?)").bind(1, postgres::kMigrationLockKey).run();
    postgres::migrate(*conn);
    return conn;
  } catch (const CopyError&) {
    throw;
  } catch (const sql::Error& err) {
    throw CopyError(err.kind() == sql::Error::Kind::kConnectionLost ? CopyError::Kind::kUnreachable
                                                                    : CopyError::Kind::kFailed,
                    fmt::format("cannot open the target {}: {}", e.display(), err.what()));
  } catch (const std::runtime_error& err) {  // a schema newer than this release
    throw CopyError(CopyError::Kind::kRefused, fmt::format("the target {}: {}", e.display(), err.what()));
  }
}

std::int64_t schema_version(Connection& conn, const std::string& which) {
  try {
    Stmt s = conn.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    s.step();
    return s.integer(0);
  } catch (const sql::Error& err) {
    throw CopyError(CopyError::Kind::kRefused,
                    fmt::format("the {} is not an Archway database (no schema_migrations: {})", which, err.what()));
  }
}

// ---- The two schemas ----

struct SqliteTable {
  std::vector<std::string> columns;
  bool autoincrement = false;
};

std::map<std::string, SqliteTable> sqlite_schema(Connection& conn) {
  std::map<std::string, SqliteTable> out;
  std::vector<std::string> names;
  {
    // Ordinary and virtual tables (fts5); not SQLite's own nor a virtual table's shadow tables.
    Stmt s = conn.prepare(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual') "
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
    while (s.step()) names.push_back(s.text(0));
  }
  for (const auto& name : names) {
    if (name == kMigrationsTable) continue;
    SqliteTable t;
    Stmt cols = conn.prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid");
    cols.bind(1, name);
    while (cols.step()) t.columns.push_back(cols.text(0));
    Stmt sql = conn.prepare("SELECT sql FROM sqlite_master WHERE name = ?");
    sql.bind(1, name);
    if (sql.step()) {
      std::string text = sql.text(0);
      std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
      t.autoincrement = text.find("AUTOINCREMENT") != std::string::npos;
    }
    out.emplace(name, std::move(t));
  }
  return out;
}

ValueKind kind_of_pg_type(const std::string& udt) {
  if (udt == "int2" || udt == "int4" || udt == "int8" || udt == "bool") return ValueKind::kInteger;
  if (udt == "float4" || udt == "float8" || udt == "numeric") return ValueKind::kReal;
  if (udt == "bytea") return ValueKind::kBlob;
  return ValueKind::kText;
}

// Tables of the current schema with their columns, foreign keys and sequences.
std::map<std::string, Table> pg_schema(Connection& conn) {
  std::map<std::string, Table> out;
  {
    Stmt s = conn.prepare(
        "SELECT c.table_name, c.column_name, c.udt_name FROM information_schema.columns c "
        "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
        "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
        "ORDER BY c.table_name, c.ordinal_position");
    while (s.step()) {
      const std::string table = s.text(0);
      if (table == kMigrationsTable) continue;
      Table& t = out[table];
      t.name = table;
      t.columns.push_back(Column{s.text(1), kind_of_pg_type(s.text(2))});
    }
  }
  {
    // Foreign keys; a single-column one to the table itself is kept to order that table's rows.
    Stmt s = conn.prepare(
        "SELECT a.relname, b.relname, array_length(c.conkey, 1), "
        "(SELECT attname FROM pg_attribute WHERE attrelid = c.conrelid AND attnum = c.conkey[1]), "
        "(SELECT attname FROM pg_attribute WHERE attrelid = c.confrelid AND attnum = c.confkey[1]) "
        "FROM pg_constraint c JOIN pg_class a ON a.oid = c.conrelid JOIN pg_class b ON b.oid = c.confrelid "
        "JOIN pg_namespace n ON n.oid = a.relnamespace "
        "WHERE c.contype = 'f' AND n.nspname = current_schema()");
    while (s.step()) {
      auto it = out.find(s.text(0));
      if (it == out.end()) continue;
      if (s.text(0) != s.text(1)) {
        it->second.depends_on.insert(s.text(1));
      } else if (s.integer(2) == 1) {
        it->second.self_ref_column = s.text(3);
        it->second.self_ref_target = s.text(4);
      } else {
        throw CopyError(CopyError::Kind::kRefused,
                        fmt::format("table {} has a foreign key of several columns to itself, which the "
                                    "copy cannot order",
                                    s.text(0)));
      }
    }
  }
  {
    Stmt s = conn.prepare(
        "SELECT table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name) "
        "FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND pg_get_serial_sequence(quote_ident(table_name), column_name) IS NOT NULL");
    while (s.step()) {
      auto it = out.find(s.text(0));
      if (it != out.end()) it->second.sequences.emplace_back(s.text(1), s.text(2));
    }
  }
  return out;
}

// The tables of both sides, checked to be the same, in the order their foreign keys require.
std::vector<Table> tables_to_copy(Connection& sqlite_side, Connection& pg_side) {
  const auto lite = sqlite_schema(sqlite_side);
  auto pg = pg_schema(pg_side);
  std::vector<std::string> only_sqlite, only_pg, column_problems;
  for (const auto& [name, t] : lite)
    if (!pg.count(name)) only_sqlite.push_back(name);
  for (auto& [name, t] : pg) {
    auto it = lite.find(name);
    if (it == lite.end()) {
      only_pg.push_back(name);
      continue;
    }
    t.sqlite_autoincrement = it->second.autoincrement;
    const std::set<std::string> lite_cols(it->second.columns.begin(), it->second.columns.end());
    std::set<std::string> pg_cols;
    for (const auto& c : t.columns) {
      pg_cols.insert(c.name);
      // SQLite's implicit rowid is an explicit column on PostgreSQL (api_comments, api_search).
      if (!lite_cols.count(c.name) && c.name != "rowid")
        column_problems.push_back(fmt::format("{}.{} is only in PostgreSQL", name, c.name));
    }
    for (const auto& c : it->second.columns)
      if (!pg_cols.count(c)) column_problems.push_back(fmt::format("{}.{} is only in SQLite", name, c));
  }
  if (!only_sqlite.empty() || !only_pg.empty() || !column_problems.empty()) {
    std::vector<std::string> parts;
    if (!only_sqlite.empty()) parts.push_back("tables only in SQLite: " + join(only_sqlite));
    if (!only_pg.empty()) parts.push_back("tables only in PostgreSQL: " + join(only_pg));
    if (!column_problems.empty()) parts.push_back("columns: " + join(column_problems));
    throw CopyError(CopyError::Kind::kRefused,
                    "the SQLite and PostgreSQL schemas differ, so the copy would lose data: " +
                        join(parts, "; "));
  }
  for (const auto& [name, t] : pg) {
    check_identifier(name);
    for (const auto& c : t.columns) check_identifier(c.name);
  }
  // Kahn's algorithm; ties in name order so the report reads the same every time.
  std::vector<Table> ordered;
  std::set<std::string> done;
  while (ordered.size() < pg.size()) {
    bool progressed = false;
    for (auto& [name, t] : pg) {
      if (done.count(name)) continue;
      if (!std::all_of(t.depends_on.begin(), t.depends_on.end(), [&](const std::string& d) { return done.count(d) > 0; }))
        continue;
      done.insert(name);
      ordered.push_back(t);
      progressed = true;
    }
    if (!progressed) {
      std::vector<std::string> left;
      for (const auto& [name, t] : pg)
        if (!done.count(name)) left.push_back(name);
      throw CopyError(CopyError::Kind::kRefused, "foreign keys form a cycle among: " + join(left));
    }
  }
  return ordered;
}

// Tables a fresh schema already fills (`INSERT INTO t (...) VALUES`: the default throttling tiers,
// the system scopes): replaced by the source's rows, not counted as data in the target.
std::set<std::string> seeded_tables(const std::vector<Migration>& migrations) {
  std::set<std::string> out;
  for (const auto& m : migrations) {
    std::string_view sql = m.sql;
    std::size_t at = 0;
    while ((at = sql.find("INSERT INTO ", at)) != std::string_view::npos) {
      at += std::strlen("INSERT INTO ");
      std::size_t end = at;
      while (end < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_')) ++end;
      const std::string name(sql.substr(at, end - at));
      std::size_t next = end;
      while (next < sql.size() && std::isspace(static_cast<unsigned char>(sql[next]))) ++next;
      if (next < sql.size() && sql[next] == '(') next = sql.find(')', next) + 1;
      while (next < sql.size() && std::isspace(static_cast<unsigned char>(sql[next]))) ++next;
      if (sql.substr(next, 6) == "VALUES") out.insert(name);
      at = end;
    }
  }
  return out;
}

// ---- Rows ----

// `storage_classes`: also SQLite's storage class of each value (read_row checks them).
std::string select_sql(const Table& t, bool storage_classes) {
  std::vector<std::string> exprs;
  for (const auto& c : t.columns) exprs.push_back(c.name);
  // SQLite stores what it was given whatever a column's type says: its storage class tells an
  // integer column holding text (which the copy refuses) from one holding a number.
  if (storage_classes)
    for (const auto& c : t.columns) exprs.push_back("typeof(" + c.name + ")");
  return fmt::format("SELECT {} FROM {}", join(exprs), t.name);
}

Row read_row(const Table& t, const Stmt& s, bool storage_classes) {
  Row row(t.columns.size());
  const int n = static_cast<int>(t.columns.size());
  for (int i = 0; i < n; ++i) {
    Value& v = row[static_cast<std::size_t>(i)];
    if (s.is_null(i)) continue;
    const ValueKind kind = t.columns[static_cast<std::size_t>(i)].kind;
    if (storage_classes && (kind == ValueKind::kInteger || kind == ValueKind::kReal)) {
      const std::string storage = s.text(n + i);
      if (storage != "integer" && !(kind == ValueKind::kReal && storage == "real"))
        throw CopyError(CopyError::Kind::kFailed,
                        fmt::format("{}.{} holds a {} value where the schema says {}: '{}'", t.name,
                                    t.columns[static_cast<std::size_t>(i)].name, storage,
                                    kind == ValueKind::kInteger ? "integer" : "real", s.text(i)));
    }
    switch (kind) {
      case ValueKind::kInteger:
        v.tag = Value::Tag::kInteger;
        v.integer = s.integer(i);
        break;
      case ValueKind::kReal:
        v.tag = Value::Tag::kReal;
        v.real = s.real(i);
        break;
      case ValueKind::kText:
        v.tag = Value::Tag::kText;
        v.bytes = s.text(i);
        break;
      case ValueKind::kBlob:
        v.tag = Value::Tag::kBlob;
        v.bytes = s.blob(i);
        break;
    }
  }
  return row;
}

// One value's exact form, to compare rows across backends.
void append_key(std::string& out, const Value& v) {
  out.push_back(static_cast<char>(v.tag));
  switch (v.tag) {
    case Value::Tag::kNull:
      break;
    case Value::Tag::kInteger:
      out += std::to_string(v.integer);
      break;
    case Value::Tag::kReal: {
      char buf[sizeof(double)];
      std::memcpy(buf, &v.real, sizeof buf);
      out.append(buf, sizeof buf);
      break;
    }
    case Value::Tag::kText:
    case Value::Tag::kBlob:
      out += std::to_string(v.bytes.size());
      out.push_back(':');
      out += v.bytes;
      break;
  }
}

std::size_t row_hash(const Row& row) {
  std::string key;
  for (const auto& v : row) append_key(key, v);
  return std::hash<std::string>{}(key);
}

void bind_value(Stmt& s, int index, const Value& v) {
  switch (v.tag) {
    case Value::Tag::kNull:
      s.bind_null(index);
      break;
    case Value::Tag::kInteger:
      s.bind(index, v.integer);
      break;
    case Value::Tag::kReal:
      s.bind_real(index, v.real);
      break;
    case Value::Tag::kText:
      s.bind_view(index, v.bytes);
      break;
    case Value::Tag::kBlob:
      s.bind_blob(index, v.bytes);
      break;
  }
}

// Multi-row INSERTs of a table into the target.
class TableWriter {
 public:
  TableWriter(Connection& conn, const Table& t) : conn_(conn), table_(t) {
    batch_rows_ = std::max<std::size_t>(1, std::min(kMaxBatchRows, kMaxBatchParams / t.columns.size()));
  }
  void add(Row row) {
    for (const auto& v : row) pending_bytes_ += v.bytes.size() + sizeof(Value);
    pending_.push_back(std::move(row));
    if (pending_.size() == batch_rows_ || pending_bytes_ >= kMaxBatchBytes) flush();
  }
  void flush() {
    if (pending_.empty()) return;
    Stmt s = conn_.prepare(insert_sql(pending_.size()));
    int index = 0;
    for (const auto& row : pending_)
      for (const auto& v : row) bind_value(s, ++index, v);
    s.run();
    pending_.clear();
    pending_bytes_ = 0;
  }

 private:
  std::string insert_sql(std::size_t rows) const {
    std::vector<std::string> names;
    for (const auto& c : table_.columns) names.push_back(c.name);
    const std::string one = "(" + join(std::vector<std::string>(names.size(), "?")) + ")";
    return fmt::format("INSERT INTO {} ({}) VALUES {}", table_.name, join(names),
                       join(std::vector<std::string>(rows, one)));
  }

  Connection& conn_;
  const Table& table_;
  std::size_t batch_rows_;
  std::size_t pending_bytes_ = 0;
  std::vector<Row> pending_;
};

// A table that refers to itself gets its rows in an order where every referred row comes first.
std::vector<Row> parents_first(const Table& t, std::vector<Row> rows) {
  std::size_t ref = 0, target = 0;
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    if (t.columns[i].name == t.self_ref_column) ref = i;
    if (t.columns[i].name == t.self_ref_target) target = i;
  }
  auto key = [](const Value& v) {
    std::string k;
    append_key(k, v);
    return k;
  };
  std::set<std::string> present;
  for (const auto& r : rows) present.insert(key(r[target]));
  std::set<std::string> written;
  std::vector<Row> out;
  while (!rows.empty()) {
    std::vector<Row> later;
    for (auto& r : rows) {
      const Value& parent = r[ref];
      if (parent.tag == Value::Tag::kNull || written.count(key(parent)) || !present.count(key(parent))) {
        written.insert(key(r[target]));
        out.push_back(std::move(r));
      } else {
        later.push_back(std::move(r));
      }
    }
    if (later.size() == rows.size()) {  // a cycle: the target's foreign key will say which row
      for (auto& r : later) out.push_back(std::move(r));
      break;
    }
    rows = std::move(later);
  }
  return out;
}

std::int64_t count_rows(Connection& conn, const std::string& table) {
  Stmt s = conn.prepare("SELECT COUNT(*) FROM " + table);
  s.step();
  return s.integer(0);
}

std::int64_t max_of(Connection& conn, const std::string& table, const std::string& column) {
  Stmt s = conn.prepare(fmt::format("SELECT COALESCE(MAX({}), 0) FROM {}", column, table));
  s.step();
  return s.integer(0);
}

// What the source's counter for `t` has handed out (it may be past the largest row left).
std::int64_t source_counter(Connection& source, const Table& t) {
  if (t.sequences.empty()) return 0;
  if (source.dialect() == Dialect::kSqlite) {
    if (!t.sqlite_autoincrement) return 0;
    Stmt s = source.prepare("SELECT seq FROM sqlite_sequence WHERE name = ?");
    s.bind(1, t.name);
    return s.step() ? s.integer(0) : 0;
  }
  Stmt s = source.prepare("SELECT COALESCE(pg_sequence_last_value(CAST(? AS regclass)), 0)");
  s.bind(1, t.sequences.front().second);
  s.step();
  return s.integer(0);
}

// After the copy, the target's counters continue after both the rows and the source's counter,
// so new rows never collide with copied ones.
void continue_counters(Connection& target, const Table& t, std::int64_t source_next) {
  for (const auto& [column, sequence] : t.sequences) {
    const std::int64_t last = std::max(max_of(target, t.name, column), source_next);
    if (target.dialect() == Dialect::kPostgres) {
      Stmt s = target.prepare("SELECT setval(CAST(? AS regclass), ?, ?)");
      s.bind(1, sequence).bind(2, std::max<std::int64_t>(last, 1)).bind(3, last > 0);
      s.run();
    } else if (t.sqlite_autoincrement && last > 0) {
      Stmt up = target.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = ?");
      up.bind(1, last).bind(2, t.name).run();
      if (up.changes() == 0)
        target.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)").bind(1, t.name).bind(2, last).run();
    }
  }
}

CopyReport copy_into(const Endpoint& from, const Endpoint& to, const CopyOptions& options) {
  auto source = open_source(from);
  auto target = open_target(to);
  Connection& lite = from.kind == Endpoint::Kind::kSqlite ? *source : *target;
  Connection& pg = from.kind == Endpoint::Kind::kPostgres ? *source : *target;

  CopyReport report;
  const std::int64_t source_version = schema_version(*source, "source");
  report.schema_version = schema_version(*target, "target");
  if (source_version != report.schema_version)
    throw CopyError(
        CopyError::Kind::kRefused,
        source_version < report.schema_version
            ? fmt::format("the source's schema is at version {}, this release's at {}: run this release's "
                          "`archway serve` on the source once (it migrates it), stop it, then migrate",
                          source_version, report.schema_version)
            : fmt::format("the source's schema is at version {}, newer than this release's {}: run the "
                          "release that wrote it",
                          source_version, report.schema_version));

  const std::vector<Table> tables = [&] {
    try {
      return tables_to_copy(lite, pg);
    } catch (const sql::Error& e) {
      throw CopyError(CopyError::Kind::kFailed, std::string("reading the schemas: ") + e.what());
    }
  }();
  const std::set<std::string> seeded =
      seeded_tables(to.kind == Endpoint::Kind::kPostgres ? postgres::postgres_migrations() : sqlite_migrations());

  source->begin_read();
  target->begin_write();
  try {
    // Data already in the target: refused, or deleted with --overwrite (children first).
    std::vector<std::string> holding;
    for (const auto& t : tables)
      if (!seeded.count(t.name))
        if (const auto n = count_rows(*target, t.name); n > 0) holding.push_back(fmt::format("{} ({} rows)", t.name, n));
    if (!holding.empty() && !options.overwrite)
      throw CopyError(CopyError::Kind::kRefused,
                      fmt::format("the target {} already holds data: {}. Nothing was written. Copy into an "
                                  "empty database, or pass --overwrite to replace everything in it",
                                  to.display(), join(holding)));
    for (auto it = tables.rbegin(); it != tables.rend(); ++it)
      if (options.overwrite || seeded.count(it->name)) target->exec("DELETE FROM " + it->name);

    std::map<std::string, std::vector<std::size_t>> source_rows;
    for (const auto& t : tables) {
      auto& hashes = source_rows[t.name];
      TableWriter writer(*target, t);
      const bool from_sqlite = source->dialect() == Dialect::kSqlite;
      Stmt s = source->prepare(select_sql(t, from_sqlite));
      if (t.self_ref_column.empty()) {
        while (s.step()) {
          Row row = read_row(t, s, from_sqlite);
          hashes.push_back(row_hash(row));
          writer.add(std::move(row));
        }
      } else {
        std::vector<Row> rows;
        while (s.step()) rows.push_back(read_row(t, s, from_sqlite));
        for (auto& row : parents_first(t, std::move(rows))) {
          hashes.push_back(row_hash(row));
          writer.add(std::move(row));
        }
      }
      writer.flush();
      continue_counters(*target, t, source_counter(*source, t));
    }
    source->commit();

    // Read back inside the transaction: it commits only if every table holds the source's rows.
    report.committed = true;
    for (const auto& t : tables) {
      std::vector<std::size_t> written;
      Stmt s = target->prepare(select_sql(t, false));
      while (s.step()) written.push_back(row_hash(read_row(t, s, false)));
      auto& read = source_rows[t.name];
      std::sort(read.begin(), read.end());
      std::sort(written.begin(), written.end());
      TableCount c{t.name, static_cast<std::int64_t>(read.size()), static_cast<std::int64_t>(written.size()),
                   read == written};
      report.committed = report.committed && c.same_rows;
      report.tables.push_back(std::move(c));
    }
    if (std::any_of(tables.begin(), tables.end(), [](const Table& t) { return t.name == "change_log"; }))
      report.change_log_revision = max_of(*target, "change_log", "revision");
    if (report.committed) target->commit();
    else target->rollback();
  } catch (const CopyError&) {
    target->rollback();
    source->rollback();
    throw;
  } catch (const sql::Error& e) {
    target->rollback();
    source->rollback();
    throw CopyError(e.kind() == sql::Error::Kind::kConnectionLost ? CopyError::Kind::kUnreachable
                                                                  : CopyError::Kind::kFailed,
                    fmt::format("the copy failed and was rolled back, the target is as it was: {}", e.what()));
  }
  return report;
}

}  // namespace

CopyReport copy_store(const Endpoint& from, const Endpoint& to, const CopyOptions& options) {
  if (from.kind == to.kind)
    throw CopyError(CopyError::Kind::kUsage,
                    "the source and the target must be one SQLite file and one PostgreSQL database");
  // A SQLite file the copy creates is removed again unless the copy commits.
  std::string created;
  if (to.kind == Endpoint::Kind::kSqlite && !fs::exists(sqlite_file(to.location))) created = sqlite_file(to.location);
  auto remove_created = [&] {
    if (created.empty()) return;
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(created + suffix, ec);
  };
  try {
    CopyReport report = copy_into(from, to, options);
    if (!report.committed) remove_created();
    return report;
  } catch (...) {
    remove_created();
    throw;
  }
}

}  // namespace archway::store::copy
