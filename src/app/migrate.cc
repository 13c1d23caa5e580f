#include "app/migrate.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "store/copy/store_copy.h"

namespace archway::app {

namespace copy = store::copy;
namespace fs = std::filesystem;

namespace {

// The data directory of a SQLite end: the directory given, or the one holding the file.
fs::path data_dir_of(const copy::Endpoint& e) {
  return fs::is_directory(e.location) ? fs::path(e.location) : fs::path(e.location).parent_path();
}

// The pid of an `archway` process serving from `dir` (it holds archway.lock while it runs), or
// empty when none does.
std::string running_server(const fs::path& dir) {
  const int fd = ::open((dir / "archway.lock").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string holder;
  if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
    flock(fd, LOCK_UN);
  } else {
    char pid[32] = {};
    const ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
    holder = n > 0 ? std::string(pid, static_cast<std::size_t>(n)) : std::string("?");
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
  }
  ::close(fd);
  return holder;
}

}  // namespace

int run_migrate(const MigrateOptions& options) {
  std::string error;
  const auto from = copy::parse_endpoint(options.from, &error);
  if (!from) {
    std::cerr << "archway migrate: --from: " << error << "\n";
    return 2;
  }
  const auto to = copy::parse_endpoint(options.to, &error);
  if (!to) {
    std::cerr << "archway migrate: --to: " << error << "\n";
    return 2;
  }
  // A server still running on the source would take writes the copy does not see.
  for (const auto* e : {&*from, &*to}) {
    if (e->kind != copy::Endpoint::Kind::kSqlite) continue;
    if (const std::string pid = running_server(data_dir_of(*e)); !pid.empty()) {
      std::cerr << fmt::format("archway migrate: an archway process (pid {}) is running on {}: stop it first. "
                               "Nothing was written\n",
                               pid, data_dir_of(*e).string());
      return 1;
    }
  }
  std::cout << fmt::format("archway migrate: {} -> {}\n", from->display(), to->display()) << std::flush;
  const auto start = std::chrono::steady_clock::now();
  copy::CopyReport report;
  try {
    report = copy::copy_store(*from, *to, copy::CopyOptions{options.overwrite});
  } catch (const copy::CopyError& e) {
    std::cerr << "archway migrate: " << e.what() << "\n";
    return e.kind() == copy::CopyError::Kind::kUsage ? 2 : 1;
  } catch (const std::exception& e) {
    std::cerr << "archway migrate: failed, the target was rolled back: " << e.what() << "\n";
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::size_t width = 5;
  for (const auto& t : report.tables) width = std::max(width, t.table.size());
  std::cout << fmt::format("{:<{}}  {:>10}  {:>10}  {}\n", "table", width, "source", "target", "rows");
  std::int64_t source_total = 0, target_total = 0;
  for (const auto& t : report.tables) {
    std::cout << fmt::format("{:<{}}  {:>10}  {:>10}  {}\n", t.table, width, t.source_rows, t.target_rows,
                             t.same_rows ? "same" : "DIFFERENT");
    source_total += t.source_rows;
    target_total += t.target_rows;
  }
  std::cout << fmt::format("{:<{}}  {:>10}  {:>10}\n", "total", width, source_total, target_total);
  if (!report.committed) {
    std::cerr << "archway migrate: the target's rows differ from the source's (marked DIFFERENT above); "
                 "the copy was rolled back, the target is as it was\n";
    return 1;
  }
  // The key that opens the sealed secrets: beside the SQLite file, or on the cluster's nodes.
  std::string key = "the source's master.key";
  if (from->kind == copy::Endpoint::Kind::kSqlite) {
    key = (data_dir_of(*from) / "master.key").string();
  }
  std::cout << fmt::format(
      "copied {} tables in {:.1f} s at schema version {}; the change log continues after revision {}.\n"
      "Carry {} to the data directory of every node that opens the target: signing\n"
      "keys and endpoint credentials are sealed with it.\n",
      report.tables.size(), seconds, report.schema_version, report.change_log_revision, key);
  return 0;
}

}  // namespace archway::app
