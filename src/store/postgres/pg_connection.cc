#include "store/postgres/pg_connection.h"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

#include "store/postgres/commit_watcher.h"

namespace archway::store::postgres {

namespace {

using sql::Error;

constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr std::size_t kMaxPreparedStatements = 500;  // per session

// The SQLSTATE classes a caller can act on (PostgreSQL's appendix "Error Codes").
Error::Kind kind_of(std::string_view sqlstate, bool connection_bad) {
  if (connection_bad) return Error::Kind::kConnectionLost;
  if (sqlstate.starts_with("23")) return Error::Kind::kConstraint;
  if (sqlstate == "40001" || sqlstate == "40P01") return Error::Kind::kSerialization;
  // 08: connection exceptions; 57P01-57P03: the server is shutting down or terminated the session.
  if (sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03")
    return Error::Kind::kConnectionLost;
  if (sqlstate == "55P03" || sqlstate == "57014") return Error::Kind::kBusy;  // lock / statement timeout
  return Error::Kind::kOther;
}

std::string trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

void ignore_notice(void*, const char*) {}

}  // namespace

std::string number_placeholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  std::size_t i = 0;
  auto copy_until = [&](std::size_t end) {
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < sql.size()) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    if (c == '?') {
      out += '$';
      out += std::to_string(++n);
      ++i;
    } else if (c == '\'' || c == '"') {
      // A literal or quoted identifier; a doubled quote inside is an escaped one. E'...' strings
      // also escape with a backslash.
      const bool backslashes = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                               (i < 2 || !(std::isalnum(static_cast<unsigned char>(sql[i - 2])) || sql[i - 2] == '_'));
      std::size_t j = i + 1;
      while (j < sql.size()) {
        if (backslashes && sql[j] == '\\') {
          j += 2;
        } else if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) j += 2;
          else break;
        } else {
          ++j;
        }
      }
      copy_until(std::min(j + 1, sql.size()));
    } else if (c == '-' && next == '-') {
      const std::size_t end = sql.find('\n', i);
      copy_until(end == std::string_view::npos ? sql.size() : end);
    } else if (c == '/' && next == '*') {  // block comments nest in PostgreSQL
      std::size_t j = i + 2;
      int depth = 1;
      while (j < sql.size() && depth > 0) {
        if (sql.substr(j, 2) == "/*") ++depth, j += 2;
        else if (sql.substr(j, 2) == "*/") --depth, j += 2;
        else ++j;
      }
      copy_until(j);
    } else if (c == '$' && (i == 0 || !(std::isalnum(static_cast<unsigned char>(sql[i - 1])) || sql[i - 1] == '_'))) {
      // $tag$ ... $tag$ (a dollar-quoted string), or $1 (already numbered) left as it is.
      std::size_t j = i + 1;
      while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) ++j;
      const bool tag = j < sql.size() && sql[j] == '$' && !(j > i + 1 && std::isdigit(static_cast<unsigned char>(sql[i + 1])));
      if (!tag) {
        copy_until(i + 1);
        continue;
      }
      const std::string_view delimiter = sql.substr(i, j + 1 - i);
      const std::size_t close = sql.find(delimiter, j + 1);
      copy_until(close == std::string_view::npos ? sql.size() : close + delimiter.size());
    } else {
      out += c;
      ++i;
    }
  }
  if (count) *count = n;
  return out;
}

struct PgConnection::Result {
  explicit Result(PGresult* r) : res(r) {}
  ~Result() { PQclear(res); }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  PGresult* res;
};

namespace {

// One prepared statement of one connection: parameters are kept until it runs, then the whole
// result is read at once (the control plane's results are small) and walked row by row.
class PgStatement : public sql::StatementImpl {
 public:
  PgStatement(PgConnection* conn, std::shared_ptr<const std::string> name, int n_params)
      : conn_(conn), name_(std::move(name)), values_(n_params), set_(n_params, false), formats_(n_params, 0) {}

  void bind_text(int index, std::string_view text, bool) override {
    if (text.find('\0') != std::string_view::npos)
      throw Error(Error::Kind::kOther, "PostgreSQL text cannot hold a NUL byte (parameter " +
                                           std::to_string(index) + "); store such bytes as a blob");
    put(index, std::string(text), 0);
  }
  void bind_int(int index, std::int64_t value) override { put(index, std::to_string(value), 0); }
  void bind_blob(int index, std::string_view bytes) override { put(index, std::string(bytes), 1); }
  void bind_real(int index, double value) override {
    if (std::isnan(value)) return put(index, "NaN", 0);
    if (std::isinf(value)) return put(index, value > 0 ? "Infinity" : "-Infinity", 0);
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);  // shortest exact form
    put(index, std::string(buf, ec == std::errc() ? end : buf), 0);
  }
  void bind_null(int index) override {
    slot(index);
    set_[index - 1] = false;
    values_[index - 1].clear();
  }

  bool step() override {
    if (!result_ || done_) execute();
    if (++row_ < PQntuples(result_->res)) return true;
    done_ = true;
    return false;
  }

  void reset() override {
    result_.reset();
    done_ = false;
    row_ = -1;
    std::fill(set_.begin(), set_.end(), false);
    for (auto& v : values_) v.clear();
    std::fill(formats_.begin(), formats_.end(), 0);
  }

  std::string text(int col) const override {
    const char* v = cell(col);
    if (PQftype(result_->res, col) == kByteaOid) return unescape(v);
    return std::string(v, static_cast<std::size_t>(PQgetlength(result_->res, row_, col)));
  }
  std::string blob(int col) const override { return text(col); }
  std::int64_t integer(int col) const override {
    const char* v = cell(col);
    if (PQgetisnull(result_->res, row_, col)) return 0;
    if (PQftype(result_->res, col) == kBoolOid) return v[0] == 't' ? 1 : 0;
    const char* end = v + std::strlen(v);
    std::int64_t out = 0;
    const auto [p, ec] = std::from_chars(v, end, out);
    if (ec == std::errc() && p == end) return out;
    return static_cast<std::int64_t>(real(col));  // a numeric or real value, truncated as SQLite does
  }
  double real(int col) const override {
    const char* v = cell(col);
    if (PQgetisnull(result_->res, row_, col)) return 0;
    double out = 0;
    std::from_chars(v, v + std::strlen(v), out);
    return out;
  }
  bool is_null(int col) const override {
    cell(col);
    return PQgetisnull(result_->res, row_, col) != 0;
  }
  std::int64_t changes() const override { return changes_; }

 private:
  void slot(int index) const {
    if (index < 1 || index > static_cast<int>(values_.size()))
      throw Error(Error::Kind::kOther, fmt::format("parameter {} out of range: the statement has {}", index,
                                                   values_.size()));
  }
  void put(int index, std::string value, int format) {
    slot(index);
    values_[index - 1] = std::move(value);
    set_[index - 1] = true;
    formats_[index - 1] = format;
  }

  void execute() {
    result_.reset();
    done_ = false;
    row_ = -1;
    std::vector<const char*> values(values_.size());
    std::vector<int> lengths(values_.size());
    for (std::size_t i = 0; i < values_.size(); ++i) {
      values[i] = set_[i] ? values_[i].c_str() : nullptr;
      lengths[i] = static_cast<int>(values_[i].size());
    }
    result_ = conn_->run_prepared(*name_, static_cast<int>(values_.size()), values.data(), lengths.data(),
                                  formats_.data());
    const char* tuples = PQcmdTuples(result_->res);
    changes_ = 0;
    std::from_chars(tuples, tuples + std::strlen(tuples), changes_);
    conn_->note_changes(changes_);
  }

  const char* cell(int col) const {
    if (!result_ || row_ < 0 || row_ >= PQntuples(result_->res))
      throw Error(Error::Kind::kOther, "no current row: step() did not return true");
    if (col < 0 || col >= PQnfields(result_->res))
      throw Error(Error::Kind::kOther, fmt::format("column {} out of range: the result has {}", col,
                                                   PQnfields(result_->res)));
    return PQgetvalue(result_->res, row_, col);
  }

  static std::string unescape(const char* text) {
    std::size_t n = 0;
    unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &n);
    if (!bytes) throw Error(Error::Kind::kOther, "out of memory decoding a bytea value");
    std::string out(reinterpret_cast<const char*>(bytes), n);
    PQfreemem(bytes);
    return out;
  }

  PgConnection* conn_;
  std::shared_ptr<const std::string> name_;
  std::vector<std::string> values_;
  std::vector<bool> set_;  // unset parameters are NULL, as in SQLite
  std::vector<int> formats_;  // 1 (binary) for blobs, 0 (text) for the rest
  std::unique_ptr<PgConnection::Result> result_;
  int row_ = -1;
  bool done_ = false;
  std::int64_t changes_ = 0;
};

}  // namespace

PgConnection::PgConnection(const PgOptions& options) {
  const std::string timeout = std::to_string(options.connect_timeout_s);
  // Ours first: what the URL names itself (an application_name, say) replaces them.
  // TCP keepalives notice a server gone silent (a network partition) in about a minute, not hours.
  const char* keywords[] = {"connect_timeout", "application_name", "client_encoding", "keepalives_idle",
                            "keepalives_interval", "keepalives_count", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), "archway", "UTF8", "30", "10", "3", options.url.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, 1);
  if (!conn_) throw Error(Error::Kind::kConnectionLost, "PostgreSQL: out of memory opening a connection");
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string why = trimmed(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw Error(Error::Kind::kConnectionLost, "PostgreSQL: cannot connect: " + why);
  }
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
}

PgConnection::~PgConnection() {
  if (conn_) PQfinish(conn_);
}

void PgConnection::fail(const void* result, std::string_view what) {
  const auto* res = static_cast<const PGresult*>(result);
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const bool bad = PQstatus(conn_) != CONNECTION_OK;
  std::string message = trimmed(res ? PQresultErrorMessage(res) : nullptr);
  if (message.empty()) message = trimmed(PQerrorMessage(conn_));
  if (message.empty()) message = "unknown error";
  throw Error(kind_of(state ? state : "", bad),
              fmt::format("PostgreSQL {}: {}{}", what, message, state ? fmt::format(" (SQLSTATE {})", state) : ""));
}

void PgConnection::exec(std::string_view sql) {
  const std::string text(sql);
  Result r(PQexec(conn_, text.c_str()));
  const auto status = r.res ? PQresultStatus(r.res) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r.res, "statement failed");
  const char* tuples = PQcmdTuples(r.res);
  changes_ = 0;
  std::from_chars(tuples, tuples + std::strlen(tuples), changes_);
}

sql::Stmt PgConnection::prepare(std::string_view sql) {
  int n = 0;
  const std::string numbered = number_placeholders(sql, &n);
  return sql::Stmt(std::make_unique<PgStatement>(this, statement_name(numbered, n), n));
}

std::shared_ptr<const std::string> PgConnection::statement_name(const std::string& numbered_sql, int n_params) {
  if (auto it = prepared_.find(numbered_sql); it != prepared_.end()) return it->second;
  if (prepared_.size() >= kMaxPreparedStatements) forget_unused_statements();
  auto name = std::make_shared<const std::string>("archway_" + std::to_string(++statements_made_));
  // The server infers each parameter's type from where it stands, as SQLite's affinity would.
  Result r(PQprepare(conn_, name->c_str(), numbered_sql.c_str(), n_params, nullptr));
  if (!r.res || PQresultStatus(r.res) != PGRES_COMMAND_OK) fail(r.res, "prepare failed");
  prepared_.emplace(numbered_sql, name);
  return name;
}

// Statements built from a request (a search with many terms) could otherwise make the session's
// set of prepared statements grow without end.
void PgConnection::forget_unused_statements() {
  std::string deallocate;
  for (auto it = prepared_.begin(); it != prepared_.end();) {
    if (it->second.use_count() == 1) {
      deallocate += "DEALLOCATE " + *it->second + ";";
      it = prepared_.erase(it);
    } else {
      ++it;
    }
  }
  if (!deallocate.empty()) {
    Result r(PQexec(conn_, deallocate.c_str()));
    if (!r.res || PQresultStatus(r.res) != PGRES_COMMAND_OK) fail(r.res, "DEALLOCATE failed");
  }
}

std::unique_ptr<PgConnection::Result> PgConnection::run_prepared(const std::string& name, int n_params,
                                                                 const char* const* values, const int* lengths,
                                                                 const int* formats) {
  auto r = std::make_unique<Result>(PQexecPrepared(conn_, name.c_str(), n_params, values, lengths, formats, 0));
  const auto status = r->res ? PQresultStatus(r->res) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r->res, "statement failed");
  return r;
}

void PgConnection::command(const char* sql) {
  Result r(PQexec(conn_, sql));
  if (!r.res || PQresultStatus(r.res) != PGRES_COMMAND_OK) fail(r.res, std::string(sql) + " failed");
  // COMMIT of a transaction a failed statement aborted answers ROLLBACK, not an error.
  if (std::strcmp(sql, "COMMIT") == 0 && std::strcmp(PQcmdStatus(r.res), "ROLLBACK") == 0)
    throw Error(Error::Kind::kOther, "PostgreSQL COMMIT: the transaction had failed and was rolled back");
}

// Writes run in REPEATABLE READ, not READ COMMITTED: the store's aggregates are written for
// SQLite, where writers take turns, so they read a row and write what they computed from it. Under
// READ COMMITTED two such transactions on one row would both succeed and one change would be lost
// without a word; under REPEATABLE READ the second fails with 40001 (kSerialization), which the
// write path retries on a fresh snapshot. Uniqueness races still end in 23505 (kConstraint, 409).
void PgConnection::begin_write() { command("BEGIN ISOLATION LEVEL REPEATABLE READ"); }

void PgConnection::begin_read() { command("BEGIN READ ONLY ISOLATION LEVEL REPEATABLE READ"); }

void PgConnection::commit() { command("COMMIT"); }

void PgConnection::rollback() noexcept {
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) return;
  PGresult* r = PQexec(conn_, "ROLLBACK");
  PQclear(r);
}

bool PgConnection::usable() {
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) return false;
  // Up to a few reads: the server's goodbye message, then the end of the stream.
  for (int i = 0; i < 4; ++i) {
    pollfd p{PQsocket(conn_), POLLIN, 0};
    if (p.fd < 0) return false;
    if (poll(&p, 1, 0) <= 0) break;
    if (!PQconsumeInput(conn_)) return false;
    while (PGnotify* n = PQnotifies(conn_)) PQfreemem(n);
  }
  return PQstatus(conn_) == CONNECTION_OK;
}

bool PgConnection::idle() const { return conn_ && PQtransactionStatus(conn_) == PQTRANS_IDLE; }

int PgConnection::backend_pid() const { return conn_ ? PQbackendPID(conn_) : 0; }

int PgConnection::socket() const { return conn_ ? PQsocket(conn_) : -1; }

bool PgConnection::take_notifications(std::vector<std::string>& payloads) {
  if (!conn_ || !PQconsumeInput(conn_)) return false;
  while (PGnotify* n = PQnotifies(conn_)) {
    payloads.emplace_back(n->extra ? n->extra : "");
    PQfreemem(n);
  }
  return PQstatus(conn_) == CONNECTION_OK;
}

PgPool::PgPool(PgPoolOptions options) : options_(std::move(options)) {
  options_.size = std::max(1, options_.size);
}

PgPool::~PgPool() = default;

void PgPool::watch_commits(std::function<void(std::int64_t)> on_commit) {
  std::lock_guard lock(watcher_mu_);
  watcher_.reset();  // the one running stops before another starts
  if (on_commit && options_.watch_commits)
    watcher_ = std::make_unique<CommitWatcher>(options_.connection, std::move(on_commit));
}

sql::ConnectionSource::Lease PgPool::acquire() {
  std::unique_lock lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + options_.wait;
  for (;;) {
    while (!idle_.empty()) {
      std::unique_ptr<PgConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      if (!conn->usable()) continue;  // lost while idle: closed here, a fresh one opened below
      PgConnection* raw = conn.get();
      leased_.push_back(std::move(conn));
      return Lease(raw, [this](sql::Connection* c, bool broken) { release(c, broken); });
    }
    if (static_cast<int>(leased_.size()) + opening_ < options_.size) {
      ++opening_;
      lock.unlock();
      std::unique_ptr<PgConnection> conn;
      try {
        conn = std::make_unique<PgConnection>(options_.connection);
      } catch (...) {
        lock.lock();
        --opening_;
        freed_.notify_one();
        throw;
      }
      lock.lock();
      --opening_;
      PgConnection* raw = conn.get();
      leased_.push_back(std::move(conn));
      return Lease(raw, [this](sql::Connection* c, bool broken) { release(c, broken); });
    }
    if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        static_cast<int>(leased_.size()) + opening_ >= options_.size)
      throw Error(Error::Kind::kConnectionLost,
                  fmt::format("PostgreSQL: all {} pooled connections stayed busy for {} ms (store.pool_size, "
                              "store.pool_wait_ms)",
                              options_.size, options_.wait.count()));
  }
}

void PgPool::release(sql::Connection* conn, bool broken) {
  std::unique_ptr<PgConnection> owned;
  {
    std::lock_guard lock(mu_);
    auto it = std::find_if(leased_.begin(), leased_.end(), [&](const auto& c) { return c.get() == conn; });
    if (it == leased_.end()) return;
    owned = std::move(*it);
    leased_.erase(it);
  }
  // A lease left inside a transaction (its holder threw before rolling back) is rolled back here.
  if (!broken && !owned->idle()) owned->rollback();
  if (!broken && owned->idle() && owned->usable()) {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(owned));
  }
  freed_.notify_one();
  // A connection not kept is closed here, outside the lock.
}

int PgPool::open_connections() {
  std::lock_guard lock(mu_);
  return static_cast<int>(idle_.size() + leased_.size()) + opening_;
}

}  // namespace archway::store::postgres
