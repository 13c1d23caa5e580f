#pragma once
// Moves a whole store from one backend to another (`archway migrate`): an all-in-one installation's
// SQLite file into a cluster's PostgreSQL database, or back. The copy is driven by the two schemas,
// not by a list of tables: every table of the source is copied, in the order the target's foreign
// keys require, and a table or column one side lacks stops the copy before anything is written.
// The target is written in one transaction that also checks, before it commits, that every table
// holds the same rows as the source (count and content); a failure leaves the target as it was.
// The source is opened read-only.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "store/copy/endpoint.h"

namespace archway::store::copy {

// Why a copy did not happen. Nothing was written to the target in any of these cases.
class CopyError : public std::runtime_error {
 public:
  enum class Kind {
    kUsage,        // the endpoints cannot be copied between (same backend on both sides)
    kUnreachable,  // a database cannot be opened or connected to
    kRefused,      // the target holds data, or the two schemas differ
    kFailed,       // the copy itself failed (a value the target refuses, a lost connection)
  };
  CopyError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

struct CopyOptions {
  // Deletes every row of the target first (in the same transaction) instead of refusing a target
  // that holds data.
  bool overwrite = false;
};

struct TableCount {
  std::string table;
  std::int64_t source_rows = 0;
  std::int64_t target_rows = 0;
  bool same_rows = false;  // the target holds exactly the source's rows, byte for byte
};

struct CopyReport {
  std::vector<TableCount> tables;  // in copy order
  std::int64_t schema_version = 0;
  std::int64_t change_log_revision = 0;  // the newest revision of the change log, carried over
  bool committed = false;                // false: some table differs, the target was rolled back
};

// Copies `from` into `to`. Brings the target's schema up to this release first (the source must
// be at the same version). Throws CopyError; returns a report whose `committed` is false when a
// table's rows differ after the copy (the target is then rolled back).
CopyReport copy_store(const Endpoint& from, const Endpoint& to, const CopyOptions& options);

}  // namespace archway::store::copy
