// EndpointHealth: failures in a row beyond retryTimeOut suspend, each failed trial suspends for
// `factor` times longer up to the maximum, one trial at a time, and a success resets everything.
#include "gateway/endpoint_health.h"

#include <gtest/gtest.h>

namespace archway::gateway {
namespace {

FailurePolicy policy(std::uint32_t tolerated, std::int64_t first, std::int64_t max, double factor) {
  FailurePolicy p;
  p.retries_before_suspension = tolerated;
  p.suspend_ms = first;
  p.suspend_max_ms = max;
  p.factor = factor;
  return p;
}

TEST(EndpointHealth, FailuresBeyondRetryTimeOutSuspend) {
  EndpointHealth h;
  const auto p = policy(2, 1000, 10000, 2);
  EXPECT_FALSE(h.record_failure(p, UpstreamFailure::kConnect, 0, 0));
  EXPECT_FALSE(h.record_failure(p, UpstreamFailure::kTimeout, 0, 0));
  EXPECT_TRUE(h.admit(0, 100));
  EXPECT_TRUE(h.record_failure(p, UpstreamFailure::kClosed, 0, 0));
  EXPECT_FALSE(h.admit(999, 100));
  EXPECT_EQ(h.remaining(500), 500);
}

TEST(EndpointHealth, OneTrialAfterTheSuspensionThenLongerSuspensionsUpToTheMaximum) {
  EndpointHealth h;
  const auto p = policy(0, 1000, 3000, 2);
  ASSERT_TRUE(h.record_failure(p, UpstreamFailure::kConnect, 0, 0));
  EXPECT_TRUE(h.admit(1000, 500));   // the trial
  EXPECT_FALSE(h.admit(1001, 500));  // others wait for it
  ASSERT_TRUE(h.record_failure(p, UpstreamFailure::kConnect, 0, 1200));
  EXPECT_EQ(h.remaining(1200), 2000);
  EXPECT_TRUE(h.admit(3200, 500));
  ASSERT_TRUE(h.record_failure(p, UpstreamFailure::kConnect, 0, 3300));
  EXPECT_EQ(h.remaining(3300), 3000);  // 4000 capped at suspendMaxDuration
  EXPECT_TRUE(h.admit(6300, 500));
  ASSERT_TRUE(h.record_failure(p, UpstreamFailure::kConnect, 0, 6400));
  EXPECT_EQ(h.remaining(6400), 3000);
}

TEST(EndpointHealth, ATrialThatNeverReportsIsFollowedByAnother) {
  EndpointHealth h;
  const auto p = policy(0, 1000, 1000, 1);
  ASSERT_TRUE(h.record_failure(p, UpstreamFailure::kConnect, 0, 0));
  EXPECT_TRUE(h.admit(1000, 500));
  EXPECT_FALSE(h.admit(1499, 500));
  EXPECT_TRUE(h.admit(1500, 500));
}

TEST(EndpointHealth, SuccessResetsCountAndBackOff) {
  EndpointHealth h;
  const auto p = policy(1, 1000, 8000, 2);
  EXPECT_FALSE(h.record_failure(p, UpstreamFailure::kConnect, 0, 0));
  h.record_success();
  EXPECT_FALSE(h.record_failure(p, UpstreamFailure::kConnect, 0, 0));  // the count started again
  ASSERT_TRUE(h.record_failure(p, UpstreamFailure::kConnect, 0, 0));
  ASSERT_TRUE(h.admit(1000, 10));
  h.record_success();
  EXPECT_TRUE(h.admit(1001, 10));
  EXPECT_FALSE(h.record_failure(p, UpstreamFailure::kConnect, 0, 2000));
  ASSERT_TRUE(h.record_failure(p, UpstreamFailure::kConnect, 0, 2000));
  EXPECT_EQ(h.remaining(2000), 1000);  // back to the first duration
}

TEST(EndpointHealth, OnlyFailuresThePolicyNamesCount) {
  EndpointHealth h;
  auto p = policy(0, 1000, 1000, 1);
  p.suspend_on_connect = p.suspend_on_timeout = p.suspend_on_closed = false;
  p.suspend_statuses.set(503 - 500);
  EXPECT_FALSE(h.record_failure(p, UpstreamFailure::kConnect, 0, 0));
  EXPECT_FALSE(h.record_failure(p, UpstreamFailure::kStatus, 500, 0));
  EXPECT_TRUE(h.record_failure(p, UpstreamFailure::kStatus, 503, 0));
  EndpointHealth off;
  EXPECT_FALSE(off.record_failure(policy(0, 0, 0, 1), UpstreamFailure::kConnect, 0, 0));
  EXPECT_TRUE(off.admit(0, 10));
}

}  // namespace
}  // namespace archway::gateway
