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

GatewayMetrics::GatewayMetrics(int workers) : workers_(workers > 0 ? workers : 1) {
  for (int w = 0; w < workers_; ++w) worker_counters_.push_back(std::make_unique<WorkerCounters>());
  std::lock_guard lock(mu_);
  labels_.push_back({"_unmatched_", "_unmatched_"});
  owned_.push_back(std::make_unique<OperationCounters[]>(static_cast<std::size_t>(workers_) * kBlock));
  blocks_[0].store(owned_.back().get(), std::memory_order_release);
}

GatewayMetrics::~GatewayMetrics() = default;

std::uint32_t GatewayMetrics::slot(std::string_view api_id, std::string_view api_label, std::string_view verb,
                                   std::string_view target) {
  std::string key = fmt::format("{}\n{}\n{}", api_id, verb, target);
  std::string operation = fmt::format("{} {}", verb, target);
  std::lock_guard lock(mu_);
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    labels_[it->second] = {std::string(api_label), std::move(operation)};
    return it->second;
  }
  const std::size_t next = labels_.size();
  if (next >= kBlock * kMaxBlocks) {
    spdlog::warn("gateway metrics: more than {} operations; {} {} is counted as _unmatched_", kBlock * kMaxBlocks,
                 api_label, operation);
    return kUnmatched;
  }
  if (next % kBlock == 0) {
    owned_.push_back(std::make_unique<OperationCounters[]>(static_cast<std::size_t>(workers_) * kBlock));
    blocks_[next / kBlock].store(owned_.back().get(), std::memory_order_release);
  }
  labels_.push_back({std::string(api_label), std::move(operation)});
  by_key_.emplace(std::move(key), static_cast<std::uint32_t>(next));
  return static_cast<std::uint32_t>(next);
}

void GatewayMetrics::write(std::string& out) const {
  std::lock_guard lock(mu_);
  const std::size_t slots = labels_.size();
  // Summed over workers, per slot and class.
  struct Sum {
    std::uint64_t count = 0;
    std::uint64_t sum_ns = 0;
    std::array<std::uint64_t, kLatencyBounds.size() + 1> bucket{};
  };
  std::vector<std::array<Sum, kStatusClasses>> sums(slots);
  for (std::size_t s = 0; s < slots; ++s) {
    const OperationCounters* block = blocks_[s / kBlock].load(std::memory_order_acquire);
    for (int w = 0; w < workers_; ++w) {
      const OperationCounters& c = block[static_cast<std::size_t>(w) * kBlock + s % kBlock];
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
                          {{"api", labels_[s].api}, {"operation", labels_[s].operation}, {"status_class", kClassNames[k]}},
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
                          {{"api", labels_[s].api},
                           {"operation", labels_[s].operation},
                           {"status_class", kClassNames[k]},
                           {"le", le}},
                          cumulative);
      }
      const std::initializer_list<obs::Label> l = {
          {"api", labels_[s].api}, {"operation", labels_[s].operation}, {"status_class", kClassNames[k]}};
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
