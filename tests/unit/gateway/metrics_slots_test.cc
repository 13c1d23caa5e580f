// GatewayMetrics slots follow what snapshots hold: the same operation keeps its slot (and counts)
// while any hold remains, the last hold frees it zeroed for reuse, and a hold may outlive the
// metrics it came from.
#include <gtest/gtest.h>

#include "gateway/gateway_metrics.h"

namespace archway::gateway {
namespace {

std::string scrape(const GatewayMetrics& m) {
  std::string out;
  m.write(out);
  return out;
}

TEST(MetricsSlots, TheSameOperationKeepsItsSlotAndCountsWhileHeld) {
  GatewayMetrics m(2);
  MetricsSlot first = m.slot("api-1", "Pets:1.0", "GET", "/pets");
  m.operation(0, first.index()).record(200, 1000);
  MetricsSlot again = m.slot("api-1", "Pets:1.0", "GET", "/pets");  // a redeployment's snapshot
  EXPECT_EQ(again.index(), first.index());
  first = MetricsSlot();  // the old snapshot goes
  m.operation(1, again.index()).record(200, 1000);
  EXPECT_NE(scrape(m).find(R"(archway_gateway_requests_total{api="Pets:1.0",operation="GET /pets",status_class="2xx"} 2)"),
            std::string::npos)
      << scrape(m);
}

TEST(MetricsSlots, TheLastHoldFreesTheSlotZeroedForTheNextOperation) {
  GatewayMetrics m(1);
  const std::size_t base = m.slots_in_use();
  std::uint32_t freed = 0;
  {
    MetricsSlot gone = m.slot("api-1", "Gone:1.0", "GET", "/*");
    MetricsSlot copy = gone;  // two snapshots hold it
    freed = gone.index();
    m.operation(0, freed).record(500, 1000);
    EXPECT_EQ(m.slots_in_use(), base + 1);
  }
  EXPECT_EQ(m.slots_in_use(), base);
  EXPECT_EQ(scrape(m).find("Gone:1.0"), std::string::npos);
  MetricsSlot next = m.slot("api-2", "Next:1.0", "GET", "/*");
  EXPECT_EQ(next.index(), freed);  // reused
  m.operation(0, next.index()).record(200, 1000);
  const std::string out = scrape(m);
  EXPECT_NE(out.find(R"(archway_gateway_requests_total{api="Next:1.0",operation="GET /*",status_class="2xx"} 1)"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find(R"(api="Next:1.0",operation="GET /*",status_class="5xx")"), std::string::npos) << out;
}

TEST(MetricsSlots, ChurnedOperationsDoNotGrowTheTable) {
  GatewayMetrics m(1);
  for (int i = 0; i < 10000; ++i) {
    MetricsSlot s = m.slot("api-" + std::to_string(i), "Churn:1.0", "GET", "/*");
    m.operation(0, s.index()).record(200, 1);
  }
  EXPECT_EQ(m.slots_in_use(), 1u);  // only the unmatched slot
}

TEST(MetricsSlots, AHoldMayOutliveItsMetrics) {
  MetricsSlot survivor;
  {
    GatewayMetrics m(1);
    survivor = m.slot("api-1", "Late:1.0", "GET", "/*");
  }
  EXPECT_NE(survivor.index(), 0u);
  survivor = MetricsSlot();  // released into the table it keeps alive (ASan: no use after free)
  EXPECT_EQ(survivor.index(), 0u);
}

}  // namespace
}  // namespace archway::gateway
