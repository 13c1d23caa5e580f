#include "analytics/histogram.h"

#include <gtest/gtest.h>

namespace archway::analytics {
namespace {

TEST(AnalyticsHistogram, BucketsAreLogScaleAndContainTheirLatencies) {
  EXPECT_EQ(latency_bucket(0), 0);
  EXPECT_EQ(latency_bucket(99), 0);
  EXPECT_EQ(latency_bucket(100), 1);
  for (std::int64_t us : {150, 999, 1000, 12345, 250000, 3000000, 59000000}) {
    const int b = latency_bucket(us);
    EXPECT_LE(bucket_lower_ms(b), us / 1000.0) << us;
    EXPECT_GT(bucket_upper_ms(b), us / 1000.0) << us;
    // Four buckets per doubling: a bucket is at most 19 % wide.
    EXPECT_LE(bucket_upper_ms(b) / bucket_lower_ms(b), 1.19) << us;
  }
  EXPECT_EQ(latency_bucket(INT64_MAX / 2), kLatencyBuckets - 1);
}

TEST(AnalyticsHistogram, PercentilesOfAKnownDistributionFallInTheRightBuckets) {
  LatencyHistogram h{};
  // 90 requests at 2 ms, 9 at 50 ms, 1 at 800 ms.
  h[static_cast<std::size_t>(latency_bucket(2000))] += 90;
  h[static_cast<std::size_t>(latency_bucket(50000))] += 9;
  h[static_cast<std::size_t>(latency_bucket(800000))] += 1;
  const double p50 = percentile_ms(h, 0.50), p95 = percentile_ms(h, 0.95), p99 = percentile_ms(h, 0.99);
  EXPECT_NEAR(p50, 2.0, 2.0 * 0.2);
  EXPECT_NEAR(p95, 50.0, 50.0 * 0.2);
  EXPECT_NEAR(p99, 50.0, 50.0 * 0.2);
  EXPECT_NEAR(percentile_ms(h, 1.0), 800.0, 800.0 * 0.2);
  EXPECT_LE(p50, p95);
  EXPECT_LE(p95, p99);
}

TEST(AnalyticsHistogram, EmptyHistogramHasZeroPercentilesAndOneFastRequestIsAboveZero) {
  LatencyHistogram h{};
  EXPECT_EQ(percentile_ms(h, 0.5), 0.0);
  h[0] = 1;  // under 100 µs
  EXPECT_GT(percentile_ms(h, 0.5), 0.0);
  EXPECT_LE(percentile_ms(h, 0.99), 0.1);
}

TEST(AnalyticsHistogram, PercentilesAreMonotonicInP) {
  LatencyHistogram h{};
  for (int i = 0; i < kLatencyBuckets; i += 3) h[static_cast<std::size_t>(i)] = i + 1;
  double last = 0;
  for (double p = 0.01; p <= 1.0; p += 0.01) {
    const double v = percentile_ms(h, p);
    EXPECT_GE(v, last) << p;
    last = v;
  }
}

}  // namespace
}  // namespace archway::analytics
