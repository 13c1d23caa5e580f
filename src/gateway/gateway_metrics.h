#pragma once
// The gateway's request metrics, kept per worker without locks and summed when scraped.
// Each operation of a deployed API gets a slot when its snapshot is built (slot(), keyed by API id,
// method and URL template, so a redeployment or any later snapshot finds the same slot and no
// count is lost); its OperationRuntime keeps the slot number. A worker adds to its own cells only
// (relaxed loads and stores of its atomics: no locked instruction, no shared cache line), and a
// scrape reads them all. Cells live in blocks allocated at snapshot time; the request path never
// allocates. Slot 0 holds the requests that matched no API (api="_unmatched_").
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace archway::gateway {

// Upper bounds (seconds) of the latency histogram's buckets; +Inf follows.
inline constexpr std::array<double, 11> kLatencyBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                          0.1,   0.25,   0.5,   1.0,  5.0};
inline constexpr std::size_t kStatusClasses = 5;  // 1xx .. 5xx

// A counter written by one thread only: a relaxed load and store, no locked instruction.
inline void bump(std::atomic<std::uint64_t>& c, std::uint64_t n = 1) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

// One operation's counts on one worker, by status class.
struct alignas(64) OperationCounters {
  std::atomic<std::uint64_t> count[kStatusClasses] = {};
  std::atomic<std::uint64_t> sum_ns[kStatusClasses] = {};
  // Per bucket, not cumulative (the scrape accumulates); the last one is above every bound.
  std::atomic<std::uint64_t> bucket[kStatusClasses][kLatencyBounds.size() + 1] = {};

  void record(unsigned status, std::int64_t latency_ns) {
    const std::size_t c = status >= 100 && status < 600 ? status / 100 - 1 : kStatusClasses - 1;
    const double s = static_cast<double>(latency_ns) / 1e9;
    std::size_t b = 0;
    while (b < kLatencyBounds.size() && s > kLatencyBounds[b]) ++b;
    bump(count[c]);
    bump(sum_ns[c], static_cast<std::uint64_t>(latency_ns > 0 ? latency_ns : 0));
    bump(bucket[c][b]);
  }
};

// Where a rate-limit decision came from (the Traffic Manager's refusal codes).
enum class RateLimitLevel : std::uint8_t {
  kNone,  // allowed
  kBlocking,
  kCustom,
  kApi,
  kResource,
  kBurst,
  kSubscription,
  kApplication,
  kBackend,
  kCount
};
enum class RateLimitOutcome : std::uint8_t { kAllowed, kThrottled, kBlocked, kCount };

// What one worker counts besides operations.
struct alignas(64) WorkerCounters {
  std::atomic<std::uint64_t> rate_limit[static_cast<int>(RateLimitOutcome::kCount)]
                                       [static_cast<int>(RateLimitLevel::kCount)] = {};
  std::atomic<std::uint64_t> token_cache_hits{0};
  std::atomic<std::uint64_t> token_cache_misses{0};
  std::atomic<std::uint64_t> upstream_connects{0};  // new connections to backends
};

class GatewayMetrics {
 public:
  static constexpr std::uint32_t kUnmatched = 0;

  explicit GatewayMetrics(int workers);
  ~GatewayMetrics();
  GatewayMetrics(const GatewayMetrics&) = delete;
  GatewayMetrics& operator=(const GatewayMetrics&) = delete;

  int workers() const { return workers_; }

  // Snapshot time: the slot of an operation; the same key always gets the same slot, and the
  // labels given last are the ones shown. Past the capacity, kUnmatched (with a warning).
  std::uint32_t slot(std::string_view api_id, std::string_view api_label, std::string_view verb,
                     std::string_view target);

  // Request path (worker `w`'s thread only): lock-free, allocation-free.
  OperationCounters& operation(int w, std::uint32_t slot) {
    OperationCounters* block = blocks_[slot / kBlock].load(std::memory_order_acquire);
    if (!block) [[unlikely]] {  // a slot of another GatewayMetrics: counted as unmatched
      block = blocks_[0].load(std::memory_order_acquire);
      slot = kUnmatched;
    }
    return block[static_cast<std::size_t>(w) * kBlock + slot % kBlock];
  }
  WorkerCounters& worker(int w) { return *worker_counters_[static_cast<std::size_t>(w)]; }

  // The request counters, latency histograms, rate-limit decisions and token cache families.
  void write(std::string& out) const;

 private:
  static constexpr std::size_t kBlock = 64;
  static constexpr std::size_t kMaxBlocks = 4096;  // 262144 operations

  const int workers_;
  std::array<std::atomic<OperationCounters*>, kMaxBlocks> blocks_{};
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::uint32_t> by_key_;
  struct Labels {
    std::string api;
    std::string operation;
  };
  std::vector<Labels> labels_;  // by slot
  std::vector<std::unique_ptr<OperationCounters[]>> owned_;
  std::vector<std::unique_ptr<WorkerCounters>> worker_counters_;
};

// The level a refusal code names.
RateLimitLevel rate_limit_level(int code);

}  // namespace archway::gateway
