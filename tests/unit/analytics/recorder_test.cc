#include "analytics/recorder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace archway::analytics {
namespace {

TEST(AnalyticsRecorder, FullWorkerBufferDropsAndCountsInsteadOfWaiting) {
  std::vector<std::string> seen;
  RecorderOptions o;
  o.ring_events = 4;
  Recorder rec(o, [&](std::span<const Event* const> batch) {
    for (const Event* e : batch) seen.emplace_back(e->api_id.view());
  });
  EventRing& ring = rec.open_ring();
  ASSERT_EQ(ring.capacity(), 4u);
  int claimed = 0;
  for (int i = 0; i < 6; ++i) {
    Event* e = ring.claim();
    if (!e) continue;
    e->api_id.assign("api-" + std::to_string(i));
    ring.publish();
    ++claimed;
  }
  EXPECT_EQ(claimed, 4);
  EXPECT_EQ(rec.dropped(), 2u);
  EXPECT_EQ(rec.drain_once(), 4u);
  EXPECT_EQ(seen, (std::vector<std::string>{"api-0", "api-1", "api-2", "api-3"}));
  // Drained slots are free again.
  Event* e = ring.claim();
  ASSERT_NE(e, nullptr);
  e->api_id.assign("after");
  ring.publish();
  EXPECT_EQ(rec.drain_once(), 1u);
  EXPECT_EQ(seen.back(), "after");
  EXPECT_EQ(rec.dropped(), 2u);
  EXPECT_EQ(rec.delivered(), 5u);
}

TEST(AnalyticsRecorder, DrainThreadDeliversEveryEventOfSeveralProducers) {
  std::atomic<std::size_t> delivered{0};
  RecorderOptions o;
  o.ring_events = 1 << 16;
  o.flush_interval_ms = 5;
  Recorder rec(o, [&](std::span<const Event* const> batch) { delivered += batch.size(); });
  EventRing& a = rec.open_ring();
  EventRing& b = rec.open_ring();
  rec.start();
  auto produce = [](EventRing& r) {
    for (int i = 0; i < 20000; ++i)
      if (Event* e = r.claim()) {
        e->status = 200;
        r.publish();
      }
  };
  std::thread ta(produce, std::ref(a)), tb(produce, std::ref(b));
  ta.join();
  tb.join();
  rec.stop();
  EXPECT_EQ(delivered.load() + rec.dropped(), 40000u);
  EXPECT_EQ(rec.delivered(), delivered.load());
}

TEST(AnalyticsRecorder, LongStringsAreCutToTheirField) {
  Event e;
  e.user_agent.assign(std::string(1000, 'x'));
  EXPECT_EQ(e.user_agent.view().size(), sizeof(e.user_agent.data));
}

}  // namespace
}  // namespace archway::analytics
