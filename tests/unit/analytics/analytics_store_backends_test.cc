// The analytics store on each backend of the SQL layer (SQLite's file, a PostgreSQL database), the
// way control planes use it: two stores on one database stand for two control planes sharing it.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "analytics/alerts.h"
#include "analytics/analytics_store.h"
#include "analytics/segment.h"
#include "store/postgres/pg_connection.h"
#include "unit/store/store_backend.h"

namespace archway::analytics {
namespace {

namespace json = boost::json;
using store::testing::StoreBackendTest;

constexpr std::int64_t kT0 = 1796587200000;  // 2026-12-06T20:00:00Z

Event call(std::int64_t time_ms, std::string_view api, std::string_view app, unsigned status) {
  Event e;
  e.time_ms = time_ms;
  e.api_id.assign(api);
  e.api_name.assign(std::string(api) + "-name");
  e.api_version.assign("1.0.0");
  e.application_id.assign(app);
  e.application_name.assign(std::string(app) + "-name");
  e.application_owner.assign("alice");
  e.subscriber.assign("alice");
  e.status = static_cast<std::uint16_t>(status);
  e.category = status >= 500 ? ErrorCategory::kBackend : ErrorCategory::kNone;
  e.total_us = 2000;
  e.backend_us = 1000;
  e.forwarded = true;
  e.response_bytes = 100;
  return e;
}

class AnalyticsStoreBackendTest : public StoreBackendTest {
 protected:
  std::unique_ptr<AnalyticsStore> open_analytics() {
    if (!on_postgres()) return std::make_unique<AnalyticsStore>((dir_ / "analytics.db").string(), "Default");
    store::postgres::PgPoolOptions writer, readers;
    writer.connection.url = readers.connection.url = postgres_url_;
    writer.size = 1;
    readers.size = 2;
    return std::make_unique<AnalyticsStore>(std::make_unique<store::postgres::PgPool>(writer),
                                            std::make_unique<store::postgres::PgPool>(readers), "Default");
  }
  static void write(AnalyticsStore& s, const std::vector<Event>& events) {
    std::vector<const Event*> ptrs;
    for (const auto& e : events) ptrs.push_back(&e);
    s.write(ptrs);
  }
  static Scope all() {
    Scope s;
    s.from_ms = kT0;
    s.to_ms = kT0 + 3600000;
    return s;
  }
};

TEST_P(AnalyticsStoreBackendTest, TwoControlPlanesShareCountsEventsAndResendChecks) {
  auto a = open_analytics();
  auto b = open_analytics();  // a second node on the same database: the schema is there already
  write(*a, {call(kT0 + 1, "api-1", "app-1", 200), call(kT0 + 2, "api-1", "app-1", 500)});
  write(*b, {call(kT0 + 3, "api-1", "app-2", 200)});
  SegmentEncoder enc;
  const Event remote = call(kT0 + 4, "api-2", "app-1", 200);
  enc.add(remote, "Edge");
  const std::string segment(enc.finish());
  EXPECT_TRUE(a->write_segment(segment, "gw:8280", "run-1", 7));
  EXPECT_FALSE(b->write_segment(segment, "gw:8280", "run-1", 7));  // resent to the other node

  for (AnalyticsStore* s : {a.get(), b.get()}) {
    const json::object sum = s->summary(all());
    EXPECT_EQ(sum.at("count").as_int64(), 4);
    EXPECT_EQ(sum.at("errors").as_int64(), 1);
    const json::object events = s->events(all(), 10, 0);
    EXPECT_EQ(events.at("pagination").at("total").as_int64(), 4);
    const json::array& list = events.at("list").as_array();
    ASSERT_EQ(list.size(), 4u);
    EXPECT_EQ(list[0].at("apiId").as_string(), "api-2");
    EXPECT_EQ(list[0].at("environment").as_string(), "Edge");
    EXPECT_EQ(list[3].at("status").as_int64(), 200);
    const json::object tops = s->top_apis(all(), 10);
    const json::array& top = tops.at("list").as_array();
    ASSERT_EQ(top.size(), 2u);
    EXPECT_EQ(top[0].at("apiId").as_string(), "api-1");
    EXPECT_EQ(top[0].at("apiName").as_string(), "api-1-name");
    EXPECT_EQ(top[0].at("count").as_int64(), 3);
    EXPECT_GT(s->latency(all()).at("list").as_array().size(), 0u);
  }
}

TEST_P(AnalyticsStoreBackendTest, ByteTotalsPastInt64HoldAtTheBoundInSummaryAndTraffic) {
  auto s = open_analytics();
  // Two minutes whose rows each hold at the int64 bound: their sum would overflow; the second
  // minute's row gets there over two writes (the database adds them).
  for (int batch_no = 0; batch_no < 3; ++batch_no) {
    const int minute = batch_no == 0 ? 0 : 1;
    std::vector<Event> batch(batch_no == 0 ? 40000 : 20000, call(kT0 + minute * 60000, "api-1", "app-1", 200));
    for (Event& e : batch) e.response_bytes = (std::int64_t{1} << 48) - 1;
    write(*s, batch);
  }
  const json::object sum = s->summary(all());
  EXPECT_EQ(sum.at("count").as_int64(), 80000);
  EXPECT_EQ(sum.at("responseBytes").as_int64(), INT64_MAX);
  Scope hourly = all();
  hourly.granularity_ms = 3600000;
  const json::object t = s->traffic(hourly);
  EXPECT_EQ(t.at("list").as_array().at(0).at("responseBytes").as_int64(), INT64_MAX);
}

TEST_P(AnalyticsStoreBackendTest, PruningKeepsWhatIsWithinRetention) {
  auto s = open_analytics();
  write(*s, {call(kT0, "api-1", "app-1", 200)});
  write(*s, {call(kT0 + 20 * 60000, "api-1", "app-1", 200)});
  s->prune(kT0 + 10 * 60000, kT0 + 10 * 60000);
  s->prune(kT0 + 5 * 60000, kT0 + 5 * 60000);  // the horizon never moves back
  EXPECT_EQ(s->events(all(), 10, 0).at("pagination").at("total").as_int64(), 1);
  EXPECT_EQ(s->summary(all()).at("count").as_int64(), 1);
}

TEST_P(AnalyticsStoreBackendTest, AlertRulesLiveBesideTheAnalytics) {
  auto s = open_analytics();
  AlertEngine engine(*s, AlertOptions{});
  AlertRule r;
  r.name = "errors";
  r.type = "errorRate";
  r.threshold = 0.5;
  r.webhook_url = "http://127.0.0.1:9/hook";
  const AlertRule made = engine.create(r);
  ASSERT_EQ(engine.rules().size(), 1u);
  EXPECT_EQ(engine.rule(made.id)->threshold, 0.5);
  EXPECT_TRUE(engine.remove(made.id));
  EXPECT_FALSE(engine.remove(made.id));
  EXPECT_TRUE(engine.rules().empty());
}

ARCHWAY_STORE_BACKENDS(AnalyticsStoreBackendTest);

}  // namespace
}  // namespace archway::analytics
