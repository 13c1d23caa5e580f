#include "gateway/gateway_metrics.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "observability/prometheus.h"
#include "traffic/throttler.h"

namespace archway::gateway {

namespace obs = observability;

namespace {

constexpr std::string_view kClassNames[kStatusClasses] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
constexpr std::string_view kLevelNames[] = {"none",     "blocking",     "custom",      "api",    "resource",
                                            "burst",    "subscription", "application", "backend"};
constexpr std::string_view kOutcomeNames[] = {"allowed", "throttled", "blocked"};
static_assert(std::size(kLevelNames) == static_cast<std::size_t>(RateLimitLevel::kCount));

std::uint64_t load(const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); }

}  // namespace

RateLimitLevel rate_limit_level(int code) {
  switch (code) {
    case traffic::kCodeBlocked: return RateLimitLevel::kBlocking;
    case traffic::kCodeCustomThrottled: return RateLimitLevel::kCustom;
    case traffic::kCodeApiThrottled: return RateLimitLevel::kApi;
    case traffic::kCodeResourceThrottled: return RateLimitLevel::kResource;
    case traffic::kCodeBurstThrottled: return RateLimitLevel::kBurst;
    case traffic::kCodeSubscriptionThrottled: return RateLimitLevel::kSubscription;
    case traffic::kCodeApplicationThrottled: return RateLimitLevel::kApplication;
    case traffic::kCodeHardLimit: return RateLimitLevel::kBackend;
    default: return RateLimitLevel::kNone;
  }
}

namespace metrics_detail {

SlotTable::SlotTable(int w) : workers(w) {
  slots.push_back({"\n_unmatched_", "_unmatched_", "_unmatched_", 1});  // held for good
  owned.push_back(std::make_unique<OperationCounters[]>(static_cast<std::size_t>(workers) * kBlock));
  blocks[0].store(owned.back().get(), std::memory_order_release);
}

}  // namespace metrics_detail

using metrics_detail::kBlock;
using metrics_detail::kMaxBlocks;

MetricsSlot::MetricsSlot(const MetricsSlot& o) : table_(o.table_), index_(o.index_) {
  if (table_ && index_ != 0) {
    std::lock_guard lock(table_->mu);
    ++table_->slots[index_].holds;
  }
}

MetricsSlot& MetricsSlot::operator=(const MetricsSlot& o) {
  if (this != &o) {
    MetricsSlot copy(o);
    *this = std::move(copy);
  }
  return *this;
}

MetricsSlot& MetricsSlot::operator=(MetricsSlot&& o) noexcept {
  if (this != &o) {
    release();
    table_ = std::move(o.table_);
    index_ = std::exchange(o.index_, 0);
  }
  return *this;
}

// The last hold gone, no snapshot routes to the operation, so no worker writes its cells: they are
// zeroed here for the slot's next operation.
void MetricsSlot::release() {
  if (!table_ || index_ == 0) return;
  {
    std::lock_guard lock(table_->mu);
    auto& slot = table_->slots[index_];
    if (--slot.holds == 0) {
      for (int w = 0; w < table_->workers; ++w) {
        OperationCounters& c = table_->cell(w, index_);
        for (auto& a : c.count) a.store(0, std::memory_order_relaxed);
        for (auto& a : c.sum_ns) a.store(0, std::memory_order_relaxed);
        for (auto& row : c.bucket)
          for (auto& a : row) a.store(0, std::memory_order_relaxed);
      }
      table_->by_key.erase(slot.key);
      slot = {};
      table_->free.push_back(index_);
    }
  }
  table_.reset();
  index_ = 0;
}

GatewayMetrics::GatewayMetrics(int workers)
    : workers_(workers > 0 ? workers : 1), table_(std::make_shared<metrics_detail::SlotTable>(workers_)) {
  for (int w = 0; w < workers_; ++w) worker_counters_.push_back(std::make_unique<WorkerCounters>());
}

GatewayMetrics::~GatewayMetrics() = default;

MetricsSlot GatewayMetrics::slot(std::string_view api_id, std::string_view api_label, std::string_view verb,
                                 std::string_view target) {
  std::string key = fmt::format("{}\n{}\n{}", api_id, verb, target);
  std::string operation = fmt::format("{} {}", verb, target);
  auto& t = *table_;
  std::lock_guard lock(t.mu);
  if (auto it = t.by_key.find(key); it != t.by_key.end()) {
    auto& slot = t.slots[it->second];
    slot.api = std::string(api_label);
    slot.operation = std::move(operation);
    ++slot.holds;
    return MetricsSlot(table_, it->second);
  }
  std::uint32_t index = 0;
  if (!t.free.empty()) {
    index = t.free.back();
    t.free.pop_back();
  } else {
    const std::size_t next = t.slots.size();
    if (next >= kBlock * kMaxBlocks) {
      spdlog::warn("gateway metrics: more than {} operations deployed; {} {} is counted as _unmatched_",
                   kBlock * kMaxBlocks, api_label, operation);
      return MetricsSlot();
    }
    if (next % kBlock == 0) {
      t.owned.push_back(std::make_unique<OperationCounters[]>(static_cast<std::size_t>(workers_) * kBlock));
      t.blocks[next / kBlock].store(t.owned.back().get(), std::memory_order_release);
    }
    t.slots.emplace_back();
    index = static_cast<std::uint32_t>(next);
  }
  t.slots[index] = {key, std::string(api_label), std::move(operation), 1};
  t.by_key.emplace(std::move(key), index);
  return MetricsSlot(table_, index);
}

std::size_t GatewayMetrics::slots_in_use() const {
  std::lock_guard lock(table_->mu);
  return table_->slots.size() - table_->free.size();
}

void GatewayMetrics::write(std::string& out) const {
  const auto& t = *table_;
  std::lock_guard lock(t.mu);
  const std::size_t slots = t.slots.size();
  // Summed over workers, per slot and class.
  struct Sum {
    std::uint64_t count = 0;
    std::uint64_t sum_ns = 0;
    std::array<std::uint64_t, kLatencyBounds.size() + 1> bucket{};
  };
  std::vector<std::array<Sum, kStatusClasses>> sums(slots);
  for (std::size_t s = 0; s < slots; ++s) {
    if (t.slots[s].key.empty()) continue;  // free: its cells are zero
    for (int w = 0; w < workers_; ++w) {
      const OperationCounters& c = t.cell(w, static_cast<std::uint32_t>(s));
      for (std::size_t k = 0; k < kStatusClasses; ++k) {
        Sum& sum = sums[s][k];
        sum.count += load(c.count[k]);
        sum.sum_ns += load(c.sum_ns[k]);
        for (std::size_t b = 0; b < sum.bucket.size(); ++b) sum.bucket[b] += load(c.bucket[k][b]);
      }
    }
  }
  obs::write_family(out, "archway_gateway_requests_total",
                    "Requests the gateway answered, by API, operation and status class", "counter");
  for (std::size_t s = 0; s < slots; ++s)
    for (std::size_t k = 0; k < kStatusClasses; ++k)
      if (sums[s][k].count > 0)
        obs::write_sample(out, "archway_gateway_requests_total",
                          {{"api", t.slots[s].api}, {"operation", t.slots[s].operation}, {"status_class", kClassNames[k]}},
                          sums[s][k].count);
  obs::write_family(out, "archway_gateway_request_duration_seconds",
                    "Time from a request's head read to its response written, by API, operation and status class",
                    "histogram");
  for (std::size_t s = 0; s < slots; ++s)
    for (std::size_t k = 0; k < kStatusClasses; ++k) {
      const Sum& sum = sums[s][k];
      if (sum.count == 0) continue;
      std::uint64_t cumulative = 0;
      for (std::size_t b = 0; b < sum.bucket.size(); ++b) {
        cumulative += sum.bucket[b];
        const std::string le = b < kLatencyBounds.size() ? fmt::format("{}", kLatencyBounds[b]) : "+Inf";
        obs::write_sample(out, "archway_gateway_request_duration_seconds_bucket",
                          {{"api", t.slots[s].api},
                           {"operation", t.slots[s].operation},
                           {"status_class", kClassNames[k]},
                           {"le", le}},
                          cumulative);
      }
      const std::initializer_list<obs::Label> l = {
          {"api", t.slots[s].api}, {"operation", t.slots[s].operation}, {"status_class", kClassNames[k]}};
      obs::write_sample(out, "archway_gateway_request_duration_seconds_sum", l,
                        static_cast<double>(sum.sum_ns) / 1e9);
      obs::write_sample(out, "archway_gateway_request_duration_seconds_count", l, sum.count);
    }

  obs::write_family(out, "archway_gateway_rate_limit_decisions_total",
                    "Traffic Manager decisions: allowed, or throttled/blocked by the policy level that refused",
                    "counter");
  for (int o = 0; o < static_cast<int>(RateLimitOutcome::kCount); ++o)
    for (int l = 0; l < static_cast<int>(RateLimitLevel::kCount); ++l) {
      std::uint64_t n = 0;
      for (const auto& w : worker_counters_) n += load(w->rate_limit[o][l]);
      if (n > 0 || (o == 0 && l == 0))
        obs::write_sample(out, "archway_gateway_rate_limit_decisions_total",
                          {{"decision", kOutcomeNames[o]}, {"level", kLevelNames[l]}}, n);
    }
  std::uint64_t hits = 0, misses = 0, connects = 0;
  for (const auto& w : worker_counters_) {
    hits += load(w->token_cache_hits);
    misses += load(w->token_cache_misses);
    connects += load(w->upstream_connects);
  }
  obs::write_family(out, "archway_gateway_token_cache_hits_total",
                    "Credentials found verified in a worker's token cache", "counter");
  obs::write_sample(out, "archway_gateway_token_cache_hits_total", {}, hits);
  obs::write_family(out, "archway_gateway_token_cache_misses_total",
                    "Credentials verified afresh (not in the token cache)", "counter");
  obs::write_sample(out, "archway_gateway_token_cache_misses_total", {}, misses);
  obs::write_family(out, "archway_gateway_upstream_connections_opened_total",
                    "Connections the gateway opened to backends", "counter");
  obs::write_sample(out, "archway_gateway_upstream_connections_opened_total", {}, connects);
}

}  // namespace archway::gateway
