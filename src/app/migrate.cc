#include "app/migrate.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "store/copy/store_copy.h"

namespace archway::app {

namespace copy = store::copy;
namespace fs = std::filesystem;

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
    const fs::path dir = fs::is_directory(from->location) ? fs::path(from->location) : fs::path(from->location).parent_path();
    key = (dir / "master.key").string();
  }
  std::cout << fmt::format(
      "copied {} tables in {:.1f} s at schema version {}; the change log continues after revision {}.\n"
      "Carry {} to the data directory of every node that opens the target: signing\n"
      "keys and endpoint credentials are sealed with it.\n",
      report.tables.size(), seconds, report.schema_version, report.change_log_revision, key);
  return 0;
}

}  // namespace archway::app
