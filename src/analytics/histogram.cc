#include "analytics/histogram.h"

#include <cmath>

namespace archway::analytics {

namespace {
constexpr double kBaseMicros = 100.0;
constexpr double kPerDoubling = 4.0;
}  // namespace

int latency_bucket(std::int64_t micros) noexcept {
  if (micros < static_cast<std::int64_t>(kBaseMicros)) return 0;
  const int b = 1 + static_cast<int>(std::floor(std::log2(static_cast<double>(micros) / kBaseMicros) * kPerDoubling));
  return b >= kLatencyBuckets ? kLatencyBuckets - 1 : b;
}

double bucket_lower_ms(int bucket) noexcept {
  if (bucket <= 0) return 0.0;
  return kBaseMicros * std::exp2((bucket - 1) / kPerDoubling) / 1000.0;
}

double bucket_upper_ms(int bucket) noexcept {
  if (bucket >= kLatencyBuckets - 1) return bucket_lower_ms(kLatencyBuckets - 1);
  return kBaseMicros * std::exp2(bucket / kPerDoubling) / 1000.0;
}

double percentile_ms(std::span<const std::int64_t> counts, double p) noexcept {
  std::int64_t total = 0;
  for (std::int64_t c : counts) total += c;
  if (total <= 0) return 0.0;
  const double rank = p * static_cast<double>(total);
  double before = 0;
  for (std::size_t b = 0; b < counts.size(); ++b) {
    const double c = static_cast<double>(counts[b]);
    if (c <= 0) continue;
    if (before + c >= rank) {
      const double fraction = (rank - before) / c;
      const int i = static_cast<int>(b);
      return bucket_lower_ms(i) + fraction * (bucket_upper_ms(i) - bucket_lower_ms(i));
    }
    before += c;
  }
  // p rounding past the total: the top of the last non-empty bucket.
  for (std::size_t b = counts.size(); b-- > 0;)
    if (counts[b] > 0) return bucket_upper_ms(static_cast<int>(b));
  return 0.0;
}

}  // namespace archway::analytics
