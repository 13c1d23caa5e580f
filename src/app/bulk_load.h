#pragma once
// `archway bulk-load`: writes a large configuration straight into a data directory's store, for
// benchmarks and capacity tests: published APIs deployed to the Default environment, applications
// with production keys, and subscriptions spread evenly over them. Goes through the store's own
// writes (so every record is as the REST API would make it), without the REST API's round trips.
#include <cstdint>
#include <string>

namespace archway::app {

struct BulkLoadOptions {
  std::string data_dir = "./data";
  std::int64_t apis = 0;
  std::int64_t operations_per_api = 5;
  std::int64_t applications = 0;
  std::int64_t subscriptions = 0;
  std::string backend_url = "http://127.0.0.1:8080";
  std::string prefix = "bulk";  // names and contexts: <prefix>N, /<prefix>N
};

// Returns the process exit code; reports progress on stdout and refusals on stderr.
int run_bulk_load(const BulkLoadOptions& options);

}  // namespace archway::app
