#pragma once
// The latency histogram of the rollups: fixed log-scale buckets (four per doubling from 100 µs;
// bucket 0 holds everything under 100 µs, the last one everything from about 2.5 minutes), so
// histograms of any rows add up bucket by bucket (in SQL: SUM(requests) GROUP BY bucket) and
// percentiles are read from the sum. A percentile is interpolated linearly within its bucket:
// its error is at most the bucket's width (19 % of the value).
#include <array>
#include <cstdint>
#include <span>

namespace archway::analytics {

inline constexpr int kLatencyBuckets = 84;

// The bucket a latency of `micros` falls in.
int latency_bucket(std::int64_t micros) noexcept;
// The bucket's bounds in milliseconds: [lower, upper); the last bucket's upper equals its lower.
double bucket_lower_ms(int bucket) noexcept;
double bucket_upper_ms(int bucket) noexcept;

// The `p`-quantile (0 < p <= 1) in milliseconds of a histogram (counts per bucket); 0 when empty.
double percentile_ms(std::span<const std::int64_t> counts, double p) noexcept;

using LatencyHistogram = std::array<std::int64_t, kLatencyBuckets>;

}  // namespace archway::analytics
