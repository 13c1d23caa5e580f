#include "analytics/analytics_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <unistd.h>

#include "analytics/analytics_rest.h"
#include "analytics/histogram.h"
#include "common/problem.h"
#include "http/rest_router.h"

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

// Batches go in as multi-row statements of 64, 32, ... 1 rows: a batch of 64 + 63 events uses
// every size once, and each event is stored once, with its own fields in its own row.
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
