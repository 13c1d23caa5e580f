#include "traffic/counters.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

using archway::traffic::CounterTable;

namespace {
constexpr std::int64_t kMinute = 60'000;
}

TEST(FixedWindowCounter, AdmitsExactlyTheLimitThenRefusesUntilTheWindowEnds) {
  CounterTable t;
  std::int64_t now = 1'000'000;
  for (int i = 0; i < 10; ++i) {
    auto v = t.take("k", 10, kMinute, 1, now + i);
    ASSERT_TRUE(v.allowed) << i;
    EXPECT_EQ(v.remaining, 9 - i);
  }
  auto refused = t.take("k", 10, kMinute, 1, now + 100);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.reset_ms, kMinute - 100);
  EXPECT_FALSE(t.take("k", 10, kMinute, 1, now + kMinute - 1).allowed);
  // The window is anchored at the first request: it ends exactly one period later.
  EXPECT_TRUE(t.take("k", 10, kMinute, 1, now + kMinute).allowed);
}

TEST(FixedWindowCounter, KeysAreIndependent) {
  CounterTable t;
  EXPECT_TRUE(t.take("a", 1, kMinute, 1, 0).allowed);
  EXPECT_FALSE(t.take("a", 1, kMinute, 1, 1).allowed);
  EXPECT_TRUE(t.take("b", 1, kMinute, 1, 1).allowed);
}

TEST(FixedWindowCounter, RefusedRequestsUseNoQuota) {
  CounterTable t;
  EXPECT_TRUE(t.take("k", 2, kMinute, 1, 0).allowed);
  EXPECT_TRUE(t.take("k", 2, kMinute, 1, 0).allowed);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(t.take("k", 2, kMinute, 1, 0).allowed);
  t.add("k", -1, kMinute, 0);  // a later limit refused one of the admitted requests
  EXPECT_TRUE(t.take("k", 2, kMinute, 1, 0).allowed);
}

TEST(FixedWindowCounter, NotEnforcedCountsButAdmitsBeyondTheLimit) {
  CounterTable t;
  EXPECT_TRUE(t.take("k", 1, kMinute, 1, 0, false).allowed);
  auto over = t.take("k", 1, kMinute, 1, 0, false);
  EXPECT_FALSE(over.allowed);  // over the quota, but counted and let through by the caller
  EXPECT_FALSE(t.take("k", 1, kMinute, 1, 0, true).allowed);
}

TEST(FixedWindowCounter, PeekAdmitsWhileBelowTheLimitAndAddCountsAfterwards) {
  CounterTable t;
  EXPECT_TRUE(t.peek("bw", 1000, kMinute, 0).allowed);
  t.add("bw", 999, kMinute, 0);
  EXPECT_TRUE(t.peek("bw", 1000, kMinute, 1).allowed);
  t.add("bw", 5000, kMinute, 2);
  auto v = t.peek("bw", 1000, kMinute, 3);
  EXPECT_FALSE(v.allowed);
  EXPECT_TRUE(t.peek("bw", 1000, kMinute, kMinute + 1).allowed);
}

TEST(FixedWindowCounter, ManyThreadsGetExactlyTheLimit) {
  CounterTable t;
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 5000; ++j)
        if (t.take("shared", 1234, kMinute, 1, 0).allowed) admitted.fetch_add(1);
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(admitted.load(), 1234);
}

TEST(FixedWindowCounter, SweepDropsEndedWindowsOnly) {
  CounterTable t;
  t.take("old", 5, 1000, 1, 0);
  t.take("new", 5, kMinute, 1, 0);
  EXPECT_EQ(t.sweep(5000), 1u);
  EXPECT_EQ(t.size(), 1u);
}

TEST(FixedWindowCounter, ResetEndsTheWindowOfOneKeyOnly) {
  CounterTable t;
  EXPECT_TRUE(t.take("k", 2, kMinute, 1, 0).allowed);
  EXPECT_TRUE(t.take("k", 2, kMinute, 1, 1).allowed);
  EXPECT_TRUE(t.take("other", 1, kMinute, 1, 1).allowed);
  EXPECT_FALSE(t.take("k", 2, kMinute, 1, 2).allowed);
  t.reset("k");
  t.reset("never-counted");  // nothing to end
  auto v = t.take("k", 2, kMinute, 1, 3);
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(v.remaining, 1);
  EXPECT_EQ(v.reset_ms, kMinute);  // a new window, opened by this request
  EXPECT_FALSE(t.take("other", 1, kMinute, 1, 3).allowed);
}

TEST(ClusterCounter, ASynchronisationOfTheWindowBeforeAResetIsIgnored) {
  CounterTable t;
  t.set_cluster(true, 1);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(t.take("k", 3, kMinute, 1, 0).allowed);
  auto p = t.collect(1);
  ASSERT_EQ(p.size(), 1u);
  t.reset("k");
  EXPECT_TRUE(t.take("k", 3, kMinute, 1, 2).allowed);  // the new window's first request
  t.apply(p[0], 3, 50'000, 3);  // Redis's answer about the ended window: not the new window's total
  EXPECT_TRUE(t.take("k", 3, kMinute, 1, 4).allowed);
  t.restore(p[0]);  // nor does a failed synchronisation of it bring its delta back
  p = t.collect(5);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].delta, 2);
}

TEST(ClusterCounter, ANodeAdmitsItsShareOfWhatRemainsBetweenSynchronisations) {
  CounterTable t;
  t.set_cluster(true, 2);
  int admitted = 0;
  for (int i = 0; i < 100; ++i) admitted += t.take("k", 100, kMinute, 1, 0).allowed;
  EXPECT_EQ(admitted, 50);  // half of the 100 left, two gateways share it
  auto pending = t.collect(1);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].delta, 50);
  // Redis says the other gateway took 30 meanwhile: 80 in total. It may still hold as many
  // unreported as we just sent (50), so nothing is left to share: one request per interval.
  t.apply(pending[0], 80, 59'000, 2);
  admitted = 0;
  for (int i = 0; i < 100; ++i) admitted += t.take("k", 100, kMinute, 1, 3).allowed;
  EXPECT_EQ(admitted, 1);
  // Next interval: 81 in total, we sent 1; (100 - 81 - 1) / 2 = 9 is our share.
  pending = t.collect(4);
  ASSERT_EQ(pending.size(), 1u);
  t.apply(pending[0], 81, 58'000, 5);
  admitted = 0;
  for (int i = 0; i < 100; ++i) admitted += t.take("k", 100, kMinute, 1, 6).allowed;
  EXPECT_EQ(admitted, 9);
}

TEST(ClusterCounter, RefusedKeysAskForAFreshTotalAndFailedSyncsKeepTheirDelta) {
  CounterTable t;
  t.set_cluster(true, 1);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(t.take("k", 3, kMinute, 1, 0).allowed);
  auto p = t.collect(1);
  ASSERT_EQ(p.size(), 1u);
  t.restore(p[0]);  // Redis was unreachable
  p = t.collect(2);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].delta, 3);
  t.apply(p[0], 3, 50'000, 3);
  EXPECT_FALSE(t.take("k", 3, kMinute, 1, 4).allowed);
  p = t.collect(5);
  ASSERT_EQ(p.size(), 1u);  // refused since: wants a fresh total
  EXPECT_EQ(p[0].delta, 0);
  // The shared window ended elsewhere and restarted: the key adopts it.
  t.apply(p[0], 0, 60'000, 6);
  EXPECT_TRUE(t.take("k", 3, kMinute, 1, 7).allowed);
}

TEST(ClusterCounter, LocalModeAgainWhenRedisIsGone) {
  CounterTable t;
  t.set_cluster(true, 4);
  int admitted = 0;
  for (int i = 0; i < 100; ++i) admitted += t.take("k", 100, kMinute, 1, 0).allowed;
  EXPECT_EQ(admitted, 25);
  t.set_cluster(false, 1);
  admitted = 0;
  for (int i = 0; i < 100; ++i) admitted += t.take("k", 100, kMinute, 1, 0).allowed;
  EXPECT_EQ(admitted, 75);
}

TEST(CounterTableBound, AFloodOfDistinctKeysKeepsTheTableAtItsBound) {
  CounterTable t(64);
  t.set_max_keys(6400);
  EXPECT_EQ(t.max_keys(), 6400u);
  const std::int64_t now = 1'000'000;
  // One client per key (the Unauthenticated tier counts per IP), all inside one window.
  for (int i = 0; i < 100'000; ++i) t.take("ip:" + std::to_string(i), 10, kMinute, 1, now + i / 1000);
  EXPECT_LE(t.size(), 6400u);
  EXPECT_GT(t.size(), 6400u / 2);
  EXPECT_GT(t.evicted(), 0u);
  // The newest key is still counted after the flood.
  EXPECT_EQ(t.take("ip:99999", 10, kMinute, 1, now + 100).remaining, 8);
}

TEST(CounterTableBound, EndedWindowsMakeRoomBeforeRunningOnes) {
  CounterTable t(1);
  t.set_max_keys(2);
  const std::int64_t now = 1'000'000;
  t.take("short", 10, 10, 1, now);       // a 10 ms window
  t.take("long", 10, kMinute, 3, now);   // a minute's window
  t.take("new", 10, kMinute, 1, now + 20);  // "short" has ended: it goes, "long" stays
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.evicted(), 0u);
  EXPECT_EQ(t.take("long", 10, kMinute, 1, now + 30).remaining, 6);
}
