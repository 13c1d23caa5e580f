// Per-client state has a bound: a flood of distinct keys through the real gateway (a client
// address per request, counted by the Unauthenticated tier, and a query string per request, each a
// response-cache entry) leaves the process's resident memory flat once the bounds are reached.
#include <fstream>
#include <sstream>

#include "integration/fixture.h"

namespace archway::testing {
namespace {

// Resident set of process `pid` in KiB (VmRSS of /proc/<pid>/status).
long rss_kib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

class MemoryBounds : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    ServerOptions o;
    // Small bounds so that the flood passes them many times over; the peer is a trusted proxy, so
    // every X-Forwarded-For names another client. Analytics is off: its store keeps a page cache of
    // its own (4 MiB, docs/operations.md) that fills with the event history, not with clients, and
    // would blur what is measured here.
    o.extra_args = {"--set", "gateway.trusted_proxies=127.0.0.1",  "--set", "traffic.max_counters=1000",
                    "--set", "gateway.response_cache_max_bytes=524288", "--set", "gateway.workers=1", "--set", "analytics.enabled=false"};
    server_ = new ServerProcess(o);
    backend_ = new Backend();
  }

  // `n` requests, each from another client address and for another cache key.
  void flood(const std::string& context, int from, int n) {
    for (int i = from; i < from + n; ++i) {
      const std::string ip = "10." + std::to_string((i >> 16) & 255) + "." + std::to_string((i >> 8) & 255) + "." +
                             std::to_string(i & 255);
      auto r = gw().get(context + "/1.0.0/items?page=" + std::to_string(i), {{"X-Forwarded-For", ip}});
      ASSERT_EQ(r.status, 200) << r.body;
    }
  }
};

TEST_F(MemoryBounds, AFloodOfDistinctClientsAndCacheKeysLeavesResidentMemoryFlat) {
  const std::string ops = R"([{"target":"/*","verb":"GET","authType":"None"}])";
  deployed_api(api_body("Flooded", "/flooded", ops, backend_->url(""),
                        R"("responseCachingEnabled":true,"cacheTimeout":300,)"),
               "/flooded/1.0.0/probe");
  const int pid = server_->pid();
  // Warm-up: well past both bounds, so allocator pools and tables are at their working size.
  flood("/flooded", 0, 10000);
  const long warm = rss_kib(pid);
  ASSERT_GT(warm, 0);
  // Twice as many new keys again. Unbounded (tried by lifting either bound), the cache grows by
  // about 14 MiB and the counters by about 4 MiB; bounded, the resident set does not move.
  flood("/flooded", 10000, 20000);
  const long after = rss_kib(pid);
  EXPECT_LT(after - warm, 1024) << "resident memory grew from " << warm << " KiB to " << after << " KiB";
}

}  // namespace
}  // namespace archway::testing
