#include "analytics/analytics_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <limits>
#include <set>
#include <unistd.h>

#include "analytics/analytics_rest.h"
#include "analytics/histogram.h"
#include "analytics/segment.h"
#include "common/problem.h"
#include "http/rest_router.h"
#include "store/sqlite/sqlite_db.h"

#include <fmt/format.h>

namespace archway::analytics {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr std::int64_t kT0 = 1796587200000;  // 2026-12-06T20:00:00Z

class AnalyticsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("archway-analytics-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = std::make_unique<AnalyticsStore>((dir_ / "analytics.db").string(), "Default");
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  static Event event(std::int64_t time_ms, std::string_view api, std::string_view app, unsigned status,
                     ErrorCategory category, std::int64_t total_us) {
    Event e;
    e.time_ms = time_ms;
    e.api_id.assign(api);
    e.api_name.assign(std::string(api) + "-name");
    e.api_version.assign("1.0.0");
    e.api_context.assign("/" + std::string(api));
    e.application_id.assign(app);
    e.application_name.assign(std::string(app) + "-name");
    e.application_owner.assign("alice");
    e.subscriber.assign(app.empty() ? "" : "alice");
    e.status = static_cast<std::uint16_t>(status);
    e.category = category;
    e.total_us = total_us;
    e.backend_us = total_us / 2;
    e.forwarded = true;
    e.request_bytes = 10;
    e.response_bytes = 100;
    return e;
  }

  void write(const std::vector<Event>& events) {
    std::vector<const Event*> ptrs;
    for (const auto& e : events) ptrs.push_back(&e);
    store_->write(ptrs);
  }

  Scope scope(std::int64_t from, std::int64_t to, std::int64_t g = 60000) {
    Scope s;
    s.from_ms = from;
    s.to_ms = to;
    s.granularity_ms = g;
    return s;
  }

  fs::path dir_;
  std::unique_ptr<AnalyticsStore> store_;
};

TEST_F(AnalyticsStoreTest, RollupsAddUpAcrossBatchesPerMinute) {
  // Minute 0: three OK on api a, one backend 500; minute 2: one auth 401 on api b.
  write({event(kT0 + 1000, "a", "app1", 200, ErrorCategory::kNone, 2000),
         event(kT0 + 2000, "a", "app1", 200, ErrorCategory::kNone, 2000)});
  write({event(kT0 + 3000, "a", "app1", 200, ErrorCategory::kNone, 2000),
         event(kT0 + 4000, "a", "app2", 500, ErrorCategory::kBackend, 50000),
         event(kT0 + 2 * 60000 + 5, "b", "", 401, ErrorCategory::kAuth, 300)});
  const json::object sum = store_->summary(scope(kT0, kT0 + 5 * 60000));
  EXPECT_EQ(sum.at("count").as_int64(), 5);
  EXPECT_EQ(sum.at("errors").as_int64(), 2);
  EXPECT_DOUBLE_EQ(sum.at("errorRate").as_double(), 0.4);
  EXPECT_EQ(sum.at("requestBytes").as_int64(), 50);
  EXPECT_EQ(sum.at("responseBytes").as_int64(), 500);

  const json::object traffic = store_->traffic(scope(kT0, kT0 + 5 * 60000));
  const json::array& list = traffic.at("list").as_array();
  ASSERT_EQ(list.size(), 5u);  // dense: every minute, zeros included
  EXPECT_EQ(list[0].at("time").as_string(), "2026-12-06T20:00:00Z");
  EXPECT_EQ(list[0].at("count").as_int64(), 4);
  EXPECT_EQ(list[0].at("errors").as_int64(), 1);
  EXPECT_EQ(list[1].at("count").as_int64(), 0);
  EXPECT_EQ(list[2].at("count").as_int64(), 1);

  const json::object hourly = store_->traffic(scope(kT0, kT0 + 3600000, 3600000));
  ASSERT_EQ(hourly.at("list").as_array().size(), 1u);
  EXPECT_EQ(hourly.at("list").as_array()[0].at("count").as_int64(), 5);

  const json::object errors = store_->errors(scope(kT0, kT0 + 5 * 60000));
  EXPECT_EQ(errors.at("count").as_int64(), 2);
  const json::array& cats = errors.at("byCategory").as_array();
  ASSERT_EQ(cats.size(), 7u);
  EXPECT_EQ(cats[0].at("category").as_string(), "auth");
  EXPECT_EQ(cats[0].at("count").as_int64(), 1);
  EXPECT_EQ(cats[5].at("category").as_string(), "backend");
  EXPECT_EQ(cats[5].at("count").as_int64(), 1);

  const json::object top = store_->top_apis(scope(kT0, kT0 + 5 * 60000), 10);
  const json::array& apis = top.at("list").as_array();
  ASSERT_EQ(apis.size(), 2u);
  EXPECT_EQ(apis[0].at("apiId").as_string(), "a");
  EXPECT_EQ(apis[0].at("apiName").as_string(), "a-name");
  EXPECT_EQ(apis[0].at("count").as_int64(), 4);
  EXPECT_GT(apis[0].at("p95").as_double(), 2.0);

  const json::object apps = store_->top_applications(scope(kT0, kT0 + 5 * 60000), 10);
  ASSERT_EQ(apps.at("list").as_array().size(), 2u);  // requests without an application are not listed
  EXPECT_EQ(apps.at("list").as_array()[0].at("applicationId").as_string(), "app1");
  EXPECT_EQ(apps.at("list").as_array()[0].at("count").as_int64(), 3);
}

TEST_F(AnalyticsStoreTest, ScopesLimitWhatAQuerySees) {
  write({event(kT0, "a", "app1", 200, ErrorCategory::kNone, 1000), event(kT0, "b", "app2", 200, ErrorCategory::kNone, 1000),
         event(kT0, "", "", 404, ErrorCategory::kRouting, 100)});
  Scope all = scope(kT0, kT0 + 60000);
  EXPECT_EQ(store_->summary(all).at("count").as_int64(), 3);
  Scope apis_only = all;
  apis_only.api_traffic_only = true;
  EXPECT_EQ(store_->summary(apis_only).at("count").as_int64(), 2);
  Scope mine = all;
  mine.applications = std::vector<std::string>{"app2"};
  EXPECT_EQ(store_->summary(mine).at("count").as_int64(), 1);
  mine.applications = std::vector<std::string>{};
  EXPECT_EQ(store_->summary(mine).at("count").as_int64(), 0);
  Scope one_api = all;
  one_api.api_id = "a";
  EXPECT_EQ(store_->events(one_api, 25, 0).at("count").as_int64(), 1);
}

// Each batch is one segment: every event of it is stored once, with its own fields.
TEST_F(AnalyticsStoreTest, EveryEventOfABatchIsStoredOnceWithItsOwnFields) {
  std::vector<Event> batch;
  for (int i = 0; i < 127; ++i) {
    Event e = event(kT0 + i, i % 2 ? "a" : "b", "app" + std::to_string(i), 200 + static_cast<unsigned>(i),
                    ErrorCategory::kNone, 1000 * (i + 1));
    e.client_ip.assign("10.0.0." + std::to_string(i));
    batch.push_back(e);
  }
  write(batch);
  write({event(kT0 + 500, "a", "app-last", 200, ErrorCategory::kNone, 7)});  // a batch of one
  const json::object got = store_->events(scope(kT0, kT0 + 60000), 500, 0);
  ASSERT_EQ(got.at("pagination").at("total").as_int64(), 128);
  std::set<std::int64_t> statuses;
  for (const auto& v : got.at("list").as_array()) {
    const json::object& e = v.as_object();
    const std::string app(e.at("applicationId").as_string());
    if (app == "app-last") {
      EXPECT_EQ(e.at("status").as_int64(), 200);
      continue;
    }
    const int i = std::stoi(app.substr(3));
    EXPECT_EQ(e.at("status").as_int64(), 200 + i) << app;
    EXPECT_EQ(e.at("apiId").as_string(), i % 2 ? "a" : "b") << app;
    EXPECT_EQ(e.at("clientIp").as_string(), "10.0.0." + std::to_string(i)) << app;
    EXPECT_DOUBLE_EQ(e.at("totalLatency").to_number<double>(), i + 1.0) << app;
    statuses.insert(e.at("status").as_int64());
  }
  EXPECT_EQ(statuses.size(), 127u);
  EXPECT_EQ(store_->summary(scope(kT0, kT0 + 60000)).at("count").as_int64(), 128);
  Scope one_api = scope(kT0, kT0 + 60000);
  one_api.api_id = "a";
  EXPECT_EQ(store_->events(one_api, 500, 0).at("pagination").at("total").as_int64(), 63 + 1);  // odd i, app-last
}

TEST_F(AnalyticsStoreTest, PruneDropsRawEventsAndRollupsPastTheirRetention) {
  write({event(kT0, "a", "app1", 200, ErrorCategory::kNone, 1000),
         event(kT0 + 10 * 60000, "a", "app1", 200, ErrorCategory::kNone, 1000)});
  store_->prune(kT0 + 5 * 60000, kT0 + 60000);
  const Scope all = scope(kT0, kT0 + 3600000);
  EXPECT_EQ(store_->events(all, 25, 0).at("pagination").at("total").as_int64(), 1);
  EXPECT_EQ(store_->summary(all).at("count").as_int64(), 1);
}

TEST_F(AnalyticsStoreTest, EventsListNewestFirstAcrossSegmentsWithPagesAndTotals) {
  // Ten batches (segments) of 30 events, the times of consecutive batches interleaved.
  for (int b = 0; b < 10; ++b) {
    std::vector<Event> batch;
    for (int i = 0; i < 30; ++i) {
      const int n = i * 10 + b;  // event n happened at kT0 + n ms
      batch.push_back(event(kT0 + n, n % 3 ? "a" : "b", "app" + std::to_string(n), 200, ErrorCategory::kNone, 1000));
    }
    write(batch);
  }
  const Scope all = scope(kT0, kT0 + 60000);
  std::vector<std::string> seen;
  for (std::int64_t offset = 0; offset < 300; offset += 70) {
    const json::object page = store_->events(all, 70, offset);
    EXPECT_EQ(page.at("pagination").at("total").as_int64(), 300);
    for (const auto& v : page.at("list").as_array()) seen.emplace_back(v.at("applicationId").as_string());
  }
  ASSERT_EQ(seen.size(), 300u);
  for (int k = 0; k < 300; ++k) EXPECT_EQ(seen[static_cast<std::size_t>(k)], "app" + std::to_string(299 - k));
  EXPECT_EQ(store_->events(all, 10, 300).at("count").as_int64(), 0);

  // A time range that cuts through segments counts only the events inside it.
  const json::object mid = store_->events(scope(kT0 + 100, kT0 + 200), 500, 0);
  EXPECT_EQ(mid.at("pagination").at("total").as_int64(), 100);
  Scope one_api = all;
  one_api.api_id = "b";
  const json::object b = store_->events(one_api, 5, 0);
  EXPECT_EQ(b.at("pagination").at("total").as_int64(), 100);
  ASSERT_EQ(b.at("count").as_int64(), 5);
  EXPECT_EQ(b.at("list").as_array()[0].at("applicationId").as_string(), "app297");
}

TEST_F(AnalyticsStoreTest, RollupsGatherInMemoryUntilTheirIntervalThenShowUp) {
  store_.reset();
  store_ = std::make_unique<AnalyticsStore>((dir_ / "analytics.db").string(), "Default",
                                            AnalyticsStoreOptions{.rollup_flush_ms = 3600000});
  write({event(kT0, "a", "app1", 200, ErrorCategory::kNone, 1000), event(kT0 + 1, "a", "app1", 500,
                                                                            ErrorCategory::kBackend, 1000)});
  const Scope all = scope(kT0, kT0 + 60000);
  EXPECT_EQ(store_->events(all, 25, 0).at("count").as_int64(), 2);  // raw events: with the batch
  EXPECT_EQ(store_->summary(all).at("count").as_int64(), 0);        // rollups: not yet
  store_->flush_if_due();
  EXPECT_EQ(store_->summary(all).at("count").as_int64(), 0);
  store_->flush();
  const json::object sum = store_->summary(all);
  EXPECT_EQ(sum.at("count").as_int64(), 2);
  EXPECT_EQ(sum.at("errors").as_int64(), 1);
  EXPECT_EQ(store_->top_apis(all, 10).at("list").as_array()[0].at("apiName").as_string(), "a-name");

  // What is gathered when the store closes is written then, not lost.
  write({event(kT0 + 2, "a", "app1", 200, ErrorCategory::kNone, 1000)});
  store_.reset();
  store_ = std::make_unique<AnalyticsStore>((dir_ / "analytics.db").string(), "Default");
  EXPECT_EQ(store_->summary(all).at("count").as_int64(), 3);
}

TEST_F(AnalyticsStoreTest, RawEventsStoredOneRowEachByEarlierVersionsAreKept) {
  store_.reset();
  {
    store::sqlite::Db old((dir_ / "analytics.db").string());
    old.exec(
        "CREATE TABLE analytics_events (id INTEGER PRIMARY KEY, time_ms BIGINT NOT NULL, api_id TEXT NOT NULL, "
        "api_name TEXT NOT NULL, api_version TEXT NOT NULL, api_context TEXT NOT NULL, method TEXT NOT NULL, "
        "resource TEXT NOT NULL, application_id TEXT NOT NULL, application_name TEXT NOT NULL, "
        "application_owner TEXT NOT NULL, subscriber TEXT NOT NULL, key_type TEXT NOT NULL, auth_type TEXT NOT NULL, "
        "client_ip TEXT NOT NULL, user_agent TEXT NOT NULL, environment TEXT NOT NULL, status INTEGER NOT NULL, "
        "error_code INTEGER NOT NULL, error_category TEXT NOT NULL, throttled INTEGER NOT NULL, "
        "throttle_policy TEXT NOT NULL, total_us BIGINT NOT NULL, backend_us BIGINT NOT NULL, "
        "request_bytes BIGINT NOT NULL, response_bytes BIGINT NOT NULL, backend TEXT NOT NULL);");
    for (int i = 0; i < 3; ++i)
      old.exec(fmt::format(
          "INSERT INTO analytics_events VALUES (NULL, {}, 'api-{}', 'PetStore', '1.0.0', '/pets', 'GET', "
          "'/pets/{{id}}', 'app', 'App', 'alice', 'alice', 'SANDBOX', 'oauth2', '10.0.0.{}', 'curl', 'Edge', "
          "429, 900800, 'throttling', 1, 'Gold', 1500, 0, 0, 120, '')",
          kT0 + i, i, i));
  }
  store_ = std::make_unique<AnalyticsStore>((dir_ / "analytics.db").string(), "Default");
  const json::object got = store_->events(scope(kT0, kT0 + 60000), 25, 0);
  ASSERT_EQ(got.at("count").as_int64(), 3);
  const json::object& newest = got.at("list").as_array()[0].as_object();
  EXPECT_EQ(newest.at("apiId").as_string(), "api-2");
  EXPECT_EQ(newest.at("operation").as_string(), "GET /pets/{id}");
  EXPECT_EQ(newest.at("keyType").as_string(), "SANDBOX");
  EXPECT_EQ(newest.at("environment").as_string(), "Edge");
  EXPECT_EQ(newest.at("status").as_int64(), 429);
  EXPECT_EQ(newest.at("errorCategory").as_string(), "throttling");
  EXPECT_TRUE(newest.at("throttled").as_bool());
  EXPECT_EQ(newest.at("throttlePolicy").as_string(), "Gold");
  EXPECT_EQ(newest.at("clientIp").as_string(), "10.0.0.2");
  EXPECT_TRUE(newest.at("apiProductId").is_null());
  store::sqlite::Db check((dir_ / "analytics.db").string());
  EXPECT_FALSE(check.prepare("SELECT 1 FROM sqlite_master WHERE name = 'analytics_events'").step());
}

TEST_F(AnalyticsStoreTest, RemoteSegmentsAreStoredOnceAndCountedInTheRollups) {
  SegmentEncoder enc;
  const std::vector<Event> calls{event(kT0, "a", "app1", 200, ErrorCategory::kNone, 1000),
                                 event(kT0 + 5, "a", "app1", 429, ErrorCategory::kThrottling, 300)};
  for (const Event& e : calls) enc.add(e, "Edge");
  const std::string segment(enc.finish());
  const Scope all = scope(kT0, kT0 + 60000);
  EXPECT_TRUE(store_->write_segment(segment, "gw1:8280", "boot-1", 1));
  EXPECT_FALSE(store_->write_segment(segment, "gw1:8280", "boot-1", 1));  // sent again after a lost answer
  EXPECT_EQ(store_->summary(all).at("count").as_int64(), 2);
  EXPECT_EQ(store_->events(all, 25, 0).at("pagination").at("total").as_int64(), 2);
  EXPECT_EQ(store_->events(all, 25, 0).at("list").as_array()[0].at("environment").as_string(), "Edge");
  // The same numbers from another gateway, or from the same gateway's next run, are new segments.
  EXPECT_TRUE(store_->write_segment(segment, "gw2:8280", "boot-9", 1));
  EXPECT_TRUE(store_->write_segment(segment, "gw1:8280", "boot-2", 1));
  EXPECT_FALSE(store_->write_segment(segment, "gw1:8280", "boot-2", 1));
  const json::object sum = store_->summary(all);
  EXPECT_EQ(sum.at("count").as_int64(), 6);
  EXPECT_EQ(sum.at("throttled").as_int64(), 0);  // the events say they were not throttled, only 429
  EXPECT_EQ(store_->errors(all).at("count").as_int64(), 3);
}

TEST_F(AnalyticsStoreTest, BytesThatAreNotAWholeSegmentAreRefusedAndStoreNothing) {
  SegmentEncoder enc;
  const Event e = event(kT0, "a", "app1", 200, ErrorCategory::kNone, 1000);  // referred to until finish()
  enc.add(e, "Edge");
  const std::string segment(enc.finish());
  EXPECT_THROW(store_->write_segment("", "gw", "b", 1), std::invalid_argument);
  EXPECT_THROW(store_->write_segment("not a segment", "gw", "b", 1), std::invalid_argument);
  EXPECT_THROW(store_->write_segment(segment.substr(0, segment.size() - 1), "gw", "b", 1), std::invalid_argument);
  EXPECT_THROW(store_->write_segment(segment + "x", "gw", "b", 1), std::invalid_argument);
  const Scope all = scope(kT0, kT0 + 60000);
  EXPECT_EQ(store_->summary(all).at("count").as_int64(), 0);
  EXPECT_EQ(store_->events(all, 25, 0).at("count").as_int64(), 0);
  EXPECT_TRUE(store_->write_segment(segment, "gw", "b", 1));  // a refusal did not take its number
}

// A peer may claim 2^48 bytes per request: the minute's sum holds at the int64 bound, it does not
// wrap to a negative count.
TEST_F(AnalyticsStoreTest, ByteCountsPastTheInt64BoundHoldAtTheBound) {
  SegmentEncoder enc;
  std::vector<Event> calls(40000, event(kT0, "a", "app1", 200, ErrorCategory::kNone, 1000));
  for (Event& e : calls) {
    e.request_bytes = std::int64_t{1} << 48;
    enc.add(e, "Edge");
  }
  EXPECT_TRUE(store_->write_segment(enc.finish(), "gw", "b", 1));
  const json::object sum = store_->summary(scope(kT0, kT0 + 60000));
  EXPECT_EQ(sum.at("count").as_int64(), 40000);
  EXPECT_EQ(sum.at("requestBytes").as_int64(), std::numeric_limits<std::int64_t>::max());
}

// Found writing tests/fuzz/segment_fuzz.cc: a segment whose time was near the int64 bounds was
// stored, and its minute computed with an overflow (undefined behaviour).
TEST_F(AnalyticsStoreTest, ASegmentWithATimePastTheRangeIsRefusedAndStoresNothing) {
  for (std::int64_t t : {std::numeric_limits<std::int64_t>::min() + 1, std::numeric_limits<std::int64_t>::max()}) {
    SegmentEncoder enc;
    const Event first = event(kT0, "a", "app1", 200, ErrorCategory::kNone, 1000);  // referred to until finish()
    const Event far = event(t, "a", "app1", 200, ErrorCategory::kNone, 1000);
    enc.add(first, "Edge");
    enc.add(far, "Edge");
    EXPECT_THROW(store_->write_segment(enc.finish(), "gw", "b", 1), std::invalid_argument) << t;
  }
  EXPECT_EQ(store_->summary(scope(kT0, kT0 + 60000)).at("count").as_int64(), 0);
  EXPECT_EQ(store_->events(scope(kT0, kT0 + 60000), 25, 0).at("pagination").at("total").as_int64(), 0);
}

TEST(AnalyticsQuery, TimesParseAsRfc3339UtcOrEpochMillis) {
  EXPECT_EQ(parse_time("2026-12-06T20:00:00Z"), kT0);
  EXPECT_EQ(parse_time("2026-12-06T20:00:00.250Z"), kT0 + 250);
  EXPECT_EQ(parse_time(std::to_string(kT0)), kT0);
  EXPECT_FALSE(parse_time("2026-12-06 20:00:00"));
  EXPECT_FALSE(parse_time("2026-12-06T20:00:00+02:00"));
  EXPECT_FALSE(parse_time("2026-02-30T20:00:00Z"));
  EXPECT_FALSE(parse_time("yesterday"));
  EXPECT_FALSE(parse_time(""));
}

TEST(AnalyticsQuery, DefaultGranularityFollowsTheRange) {
  http::RestRequest req;
  req.query = {{"from", "2026-12-06T19:00:00Z"}, {"to", "2026-12-06T20:00:00Z"}};
  EXPECT_EQ(scope_from_query(req, kT0).granularity_ms, 60000);
  req.query["from"] = "2026-12-03T20:00:00Z";
  EXPECT_EQ(scope_from_query(req, kT0).granularity_ms, 3600000);
  req.query["from"] = "2026-10-06T20:00:00Z";
  EXPECT_EQ(scope_from_query(req, kT0).granularity_ms, 86400000);
  req.query["granularity"] = "minute";  // two months by minute: too many buckets
  EXPECT_THROW(scope_from_query(req, kT0), common::ProblemError);
}

}  // namespace
}  // namespace archway::analytics
