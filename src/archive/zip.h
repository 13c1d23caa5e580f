#pragma once
// Zip archives in memory (libzip): writing a list of entries, and reading an untrusted archive
// within bounds (entry count, total and per-entry uncompressed size) while refusing entry names
// that would leave the archive's root (absolute paths, "..", backslashes, drive letters).
// Errors are values: read_zip never throws for bad input.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace archway::archive {

struct ZipEntry {
  std::string name;  // "/"-separated path inside the archive, no leading "/"
  std::string data;
};

// Builds a deflate-compressed zip holding `entries` in order (directories are implied by the
// names); no entries give an empty archive. Throws std::runtime_error only when libzip itself fails.
std::string write_zip(const std::vector<ZipEntry>& entries);

struct ZipLimits {
  std::size_t max_entries = 2000;                   // files and directories
  std::size_t max_total_bytes = 64 * 1024 * 1024;   // uncompressed, all entries together
};

struct ZipReadResult {
  std::vector<ZipEntry> entries;  // files in archive order; directory entries are left out
  std::string error;              // empty when the archive was read whole
  bool ok() const { return error.empty(); }
};

// Reads every file of the archive in `data`. Fails (error set, no entries) when `data` is not a
// zip, an entry is encrypted or corrupt, a name is unsafe or repeated, or the archive goes beyond
// `limits`; sizes are enforced on the bytes actually inflated, not on what the archive declares.
ZipReadResult read_zip(std::string_view data, const ZipLimits& limits = {});

// Whether `name` stays inside the archive root: relative, no "." or ".." segment, no backslash,
// no NUL or control character, no drive letter ("C:").
bool safe_entry_name(std::string_view name);

}  // namespace archway::archive
