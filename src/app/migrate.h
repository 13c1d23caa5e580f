#pragma once
// `archway migrate --from sqlite:PATH --to postgresql://...`: moves an all-in-one installation's
// store into a cluster's PostgreSQL database (or back), then prints each table's rows in the
// source and the target. See docs/deployment.md, "Moving from one machine to a cluster".
#include <string>

namespace archway::app {

struct MigrateOptions {
  std::string from;
  std::string to;
  bool overwrite = false;
};

// Returns the process exit code: 0 copied and checked, 1 refused or failed (the target unchanged),
// 2 a usage error. The report goes to stdout, refusals to stderr.
int run_migrate(const MigrateOptions& options);

}  // namespace archway::app
