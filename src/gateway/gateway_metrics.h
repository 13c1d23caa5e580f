#pragma once
// The gateway's request metrics, kept per worker without locks and summed when scraped.
// Each operation of a deployed API holds a slot while any snapshot holds it (slot(), keyed by API
// id, method and URL template, so a redeployment or any later snapshot finds the same slot and no
// count is lost); its OperationRuntime keeps the hold (MetricsSlot). When the last snapshot holding
// an operation goes (its API deleted or undeployed), the slot is zeroed, its series leave the
// scrape, and a later operation reuses it: memory and /metrics follow what is deployed, not
// everything ever deployed. A worker adds to its own cells only (relaxed loads and stores of its
// atomics: no locked instruction, no shared cache line), and a scrape reads them all. Cells live in
// blocks allocated at snapshot time; the request path never allocates. Slot 0 holds the requests
// that matched no API (api="_unmatched_").
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
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

namespace metrics_detail {
struct SlotTable;
}

// An operation's hold on its slot: copying takes another hold, the last one to go frees the slot.
// Safe to outlive the GatewayMetrics it came from.
class MetricsSlot {
 public:
  MetricsSlot() = default;
  MetricsSlot(std::shared_ptr<metrics_detail::SlotTable> table, std::uint32_t index)
      : table_(std::move(table)), index_(index) {}
  MetricsSlot(const MetricsSlot& o);
  MetricsSlot& operator=(const MetricsSlot& o);
  MetricsSlot(MetricsSlot&& o) noexcept : table_(std::move(o.table_)), index_(std::exchange(o.index_, 0)) {}
  MetricsSlot& operator=(MetricsSlot&& o) noexcept;
  ~MetricsSlot() { release(); }

  std::uint32_t index() const { return index_; }

 private:
  void release();
  std::shared_ptr<metrics_detail::SlotTable> table_;
  std::uint32_t index_ = 0;  // 0: none (the unmatched slot, never freed)
};

namespace metrics_detail {

inline constexpr std::size_t kBlock = 64;
inline constexpr std::size_t kMaxBlocks = 4096;  // 262144 operations at once

// The slots and their cells, shared by GatewayMetrics and every MetricsSlot.
struct SlotTable {
  explicit SlotTable(int workers);
  const int workers;
  std::array<std::atomic<OperationCounters*>, kMaxBlocks> blocks{};
  mutable std::mutex mu;
  struct Slot {
    std::string key;  // empty: free
    std::string api;
    std::string operation;
    std::uint32_t holds = 0;
  };
  std::unordered_map<std::string, std::uint32_t> by_key;
  std::vector<Slot> slots;
  std::vector<std::uint32_t> free;
  std::vector<std::unique_ptr<OperationCounters[]>> owned;

  OperationCounters& cell(int w, std::uint32_t slot) const {
    return blocks[slot / kBlock].load(std::memory_order_acquire)[static_cast<std::size_t>(w) * kBlock + slot % kBlock];
  }
};

}  // namespace metrics_detail

class GatewayMetrics {
 public:
  static constexpr std::uint32_t kUnmatched = 0;

  explicit GatewayMetrics(int workers);
  ~GatewayMetrics();
  GatewayMetrics(const GatewayMetrics&) = delete;
  GatewayMetrics& operator=(const GatewayMetrics&) = delete;

  int workers() const { return workers_; }

  // Snapshot time: a hold on the slot of an operation; the same key gets the same slot while it is
  // held, and the labels given last are the ones shown. Past the capacity, kUnmatched (with a
  // warning).
  MetricsSlot slot(std::string_view api_id, std::string_view api_label, std::string_view verb,
                   std::string_view target);
  // Slots held now (the unmatched slot included): what a scrape reports series for.
  std::size_t slots_in_use() const;

  // Request path (worker `w`'s thread only): lock-free, allocation-free.
  OperationCounters& operation(int w, std::uint32_t slot) {
    OperationCounters* block = table_->blocks[slot / metrics_detail::kBlock].load(std::memory_order_acquire);
    if (!block) [[unlikely]] {  // a slot of another GatewayMetrics: counted as unmatched
      block = table_->blocks[0].load(std::memory_order_acquire);
      slot = kUnmatched;
    }
    return block[static_cast<std::size_t>(w) * metrics_detail::kBlock + slot % metrics_detail::kBlock];
  }
  WorkerCounters& worker(int w) { return *worker_counters_[static_cast<std::size_t>(w)]; }

  // The request counters, latency histograms, rate-limit decisions and token cache families.
  void write(std::string& out) const;

 private:
  const int workers_;
  std::shared_ptr<metrics_detail::SlotTable> table_;
  std::vector<std::unique_ptr<WorkerCounters>> worker_counters_;
};

// The level a refusal code names.
RateLimitLevel rate_limit_level(int code);

}  // namespace archway::gateway
