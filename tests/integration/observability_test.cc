// Observability (docs/observability.md): Prometheus /metrics on both listeners, read by an
// independent parser (prometheus_client, through tests/support/prometheus_parse.py); W3C trace
// context handed to backends and spans exported as OTLP JSON; the gateway's access log.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <regex>
#include <thread>

#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

// One sample as the independent parser read it.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// The exposition parsed by prometheus_client: family name -> type and samples. Fails the test
// when the text does not parse.
struct Exposition {
  std::map<std::string, std::string> types;
  std::vector<Sample> samples;

  // The value of the sample with that name and these labels (all of them), or -1.
  double value(const std::string& name, const std::map<std::string, std::string>& labels) const {
    for (const auto& s : samples)
      if (s.name == name && s.labels == labels) return s.value;
    return -1;
  }
  double value_or_zero(const std::string& name, const std::map<std::string, std::string>& labels) const {
    const double v = value(name, labels);
    return v < 0 ? 0 : v;
  }
};

Exposition parse_exposition(const std::string& text) {
  Exposition e;
  const std::string dir = make_temp_dir();
  const std::string in = dir + "/metrics.txt", out = dir + "/parsed.json", err = dir + "/err.txt";
  std::ofstream(in) << text;
  const std::string cmd = "/usr/bin/python3 " ARCHWAY_SOURCE_DIR "/tests/support/prometheus_parse.py < " + in +
                          " > " + out + " 2> " + err;
  const int rc = std::system(cmd.c_str());
  std::ifstream o(out), r(err);
  const std::string parsed((std::istreambuf_iterator<char>(o)), std::istreambuf_iterator<char>());
  const std::string why((std::istreambuf_iterator<char>(r)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rc, 0) << "prometheus_client could not parse the exposition: " << why << "\n" << text;
  if (rc != 0) return e;
  const json::value doc = json::parse(parsed);
  for (const auto& f : doc.at("families").as_array()) {
    e.types[str(f.at("name"))] = str(f.at("type"));
    for (const auto& s : f.at("samples").as_array()) {
      Sample sample;
      sample.name = str(s.at("name"));
      for (const auto& [k, v] : s.at("labels").as_object()) sample.labels[std::string(k)] = str(v);
      const auto& v = s.at("value");
      sample.value = v.is_double() ? v.as_double() : v.is_int64() ? static_cast<double>(v.as_int64()) : -1;
      e.samples.push_back(std::move(sample));
    }
  }
  return e;
}

// A minimal OTLP/HTTP receiver: answers every POST 200 and keeps the bodies.
class OtlpReceiver {
 public:
  OtlpReceiver() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }
  ~OtlpReceiver() {
    stopping_ = true;
    // Wakes the blocking accept.
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket poke(io_);
    poke.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)}, ec);
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<std::string> bodies() const {
    std::lock_guard lock(mu_);
    return bodies_;
  }
  std::vector<std::string> targets() const {
    std::lock_guard lock(mu_);
    return targets_;
  }

 private:
  void serve() {
    namespace bhttp = boost::beast::http;
    while (!stopping_) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket sock(io_);
      acceptor_.accept(sock, ec);
      if (ec || stopping_) return;
      boost::beast::flat_buffer buf;
      for (;;) {
        bhttp::request<bhttp::string_body> req;
        bhttp::read(sock, buf, req, ec);
        if (ec) break;
        {
          std::lock_guard lock(mu_);
          bodies_.push_back(req.body());
          targets_.push_back(std::string(req.target()));
        }
        bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
        res.set(bhttp::field::content_type, "application/json");
        res.body() = "{}";
        res.keep_alive(req.keep_alive());
        res.prepare_payload();
        bhttp::write(sock, res, ec);
        if (ec || !req.keep_alive()) break;
      }
    }
  }
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::vector<std::string> bodies_;
  std::vector<std::string> targets_;
  std::thread thread_;
};

// Deploys the APIs the tests call: an open one passing the backend's /status/{code} through and a
// secured one (401 without a token).
class ObservedSuite : public ServerSuite {
 protected:
  void deploy_apis(const std::string& prefix) {
    if (deployed_) return;
    std::string lower = prefix;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    deployed_api(api_body(prefix + "Open", "/" + lower + "open",
                          R"([{"target":"/status/{code}","verb":"GET","authType":"None"},
                              {"target":"/echo","verb":"GET","authType":"None"}])",
                          backend_->url()),
                 "/" + lower + "open/1.0.0/status/200");
    secured_api(prefix + "Secured", "/" + lower + "secured");
    deployed_ = true;
  }
  static bool deployed_;
};
bool ObservedSuite::deployed_ = false;

class Metrics : public ObservedSuite {
 protected:
  static void SetUpTestSuite() {
    deployed_ = false;
    server_ = new ServerProcess();
    backend_ = new Backend();
  }
  // The gateway counts a request just after writing its answer, so a scrape sent as soon as an
  // answer arrived can come before that count (another connection, maybe another worker): scrape
  // until the request counters stop moving.
  Exposition scrape_gateway() {
    Exposition last = scrape_once();
    for (int i = 0; i < 50; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      Exposition next = scrape_once();
      if (requests_counted(next) == requests_counted(last)) return next;
      last = std::move(next);
    }
    ADD_FAILURE() << "the gateway's request counters kept moving for a second with no traffic";
    return last;
  }

 private:
  Exposition scrape_once() {
    auto r = gw().get("/metrics");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.header("content-type").starts_with("text/plain; version=0.0.4")) << r.header("content-type");
    return parse_exposition(r.body);
  }
  static double requests_counted(const Exposition& e) {
    double n = 0;
    for (const auto& s : e.samples)
      if (s.name == "archway_gateway_requests_total") n += s.value;
    return n;
  }
};

std::map<std::string, std::string> op_labels(const std::string& api, const std::string& op, const std::string& cls) {
  return {{"api", api}, {"operation", op}, {"status_class", cls}};
}

TEST_F(Metrics, CountersMatchCallsByStatusClass) {
  deploy_apis("Met");
  const std::string open = "MetOpen:1.0.0", secured = "MetSecured:1.0.0";
  const std::string status_op = "GET /status/{code}", secured_op = "GET /*";
  const Exposition before = scrape_gateway();
  constexpr int kOk = 7, kBackendErrors = 3, kUnauthorized = 4, kUnmatched = 5, kCreated = 2;
  for (int i = 0; i < kOk; ++i) {
    auto r = gw().get("/metopen/1.0.0/status/200");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  for (int i = 0; i < kCreated; ++i) ASSERT_EQ(gw().get("/metopen/1.0.0/status/201").status, 201);
  for (int i = 0; i < kBackendErrors; ++i) ASSERT_EQ(gw().get("/metopen/1.0.0/status/500").status, 500);
  for (int i = 0; i < kUnauthorized; ++i) ASSERT_EQ(gw().get("/metsecured/1.0.0/x").status, 401);
  for (int i = 0; i < kUnmatched; ++i) ASSERT_EQ(gw().get("/no-such-api/" + std::to_string(i)).status, 404);
  const Exposition after = scrape_gateway();

  const std::string total = "archway_gateway_requests_total";
  auto delta = [&](const std::map<std::string, std::string>& labels) {
    return after.value_or_zero(total, labels) - before.value_or_zero(total, labels);
  };
  EXPECT_EQ(after.types.at("archway_gateway_requests"), "counter");
  EXPECT_EQ(after.types.at("archway_gateway_request_duration_seconds"), "histogram");
  EXPECT_EQ(delta(op_labels(open, status_op, "2xx")), kOk + kCreated);
  EXPECT_EQ(delta(op_labels(open, status_op, "5xx")), kBackendErrors);
  EXPECT_EQ(delta(op_labels(open, status_op, "4xx")), 0);
  EXPECT_EQ(delta(op_labels(secured, secured_op, "4xx")), kUnauthorized);
  EXPECT_EQ(delta(op_labels("_unmatched_", "_unmatched_", "4xx")), kUnmatched);

  // No raw path or client address is a label: only the bounded sets of APIs, operations and
  // classes (and the configured backend origins).
  for (const auto& s : after.samples)
    for (const auto& [k, v] : s.labels) {
      if (k == "endpoint") continue;
      EXPECT_EQ(v.find("no-such-api"), std::string::npos) << s.name << " " << k << "=" << v;
      EXPECT_EQ(v.find("127.0.0.1"), std::string::npos) << s.name << " " << k << "=" << v;
    }

  // Every histogram: cumulative buckets ending at +Inf, and _count equal to +Inf and the counter.
  const std::string h = "archway_gateway_request_duration_seconds";
  int histograms = 0;
  for (const auto& s : after.samples) {
    if (s.name != h + "_count") continue;
    ++histograms;
    EXPECT_EQ(s.value, after.value(total, s.labels)) << s.labels.at("api") << " " << s.labels.at("status_class");
    double last = 0;
    int buckets = 0;
    for (const auto& b : after.samples) {
      if (b.name != h + "_bucket") continue;
      auto l = b.labels;
      const std::string le = l["le"];
      l.erase("le");
      if (l != s.labels) continue;
      ++buckets;
      EXPECT_GE(b.value, last) << "buckets must be cumulative (le=" << le << ")";
      last = b.value;
      if (le == "+Inf") {
        EXPECT_EQ(b.value, s.value);
      }
    }
    EXPECT_GT(buckets, 1);
    EXPECT_GE(after.value(h + "_sum", s.labels), 0);
  }
  EXPECT_GE(histograms, 4);
}

TEST_F(Metrics, ProcessSnapshotAndUpstreamFamiliesAreExposed) {
  deploy_apis("Met");
  ASSERT_EQ(gw().get("/metopen/1.0.0/status/200").status, 200);
  const Exposition e = scrape_gateway();
  for (const char* family : {"process_cpu_seconds", "process_resident_memory_bytes", "process_open_fds",
                             "process_start_time_seconds", "archway_gateway_snapshot_revision",
                             "archway_gateway_snapshot_age_seconds", "archway_gateway_upstream_up",
                             "archway_gateway_upstream_idle_connections", "archway_gateway_rate_limit_decisions",
                             "archway_gateway_token_cache_hits", "archway_gateway_token_cache_misses",
                             "archway_analytics_events_dropped"})
    EXPECT_TRUE(e.types.count(family)) << family << " is missing";
  EXPECT_GT(e.value("archway_gateway_snapshot_revision", {}), 0);
  EXPECT_EQ(e.value("archway_gateway_upstream_up", {{"endpoint", "http://127.0.0.1:" + std::to_string(backend_->port())}}),
            1);
  EXPECT_EQ(e.value("archway_analytics_events_total", {}), -1);  // no such family yet: dropped reads 0
  EXPECT_EQ(e.value("archway_analytics_events_dropped_total", {}), 0);
  EXPECT_GT(e.value("process_open_fds", {}), 0);
}

TEST_F(Metrics, ManagementListenerServesTheSameExpositionToLoopbackCallers) {
  auto r = mgmt().get("/metrics");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.header("content-type").starts_with("text/plain; version=0.0.4")) << r.header("content-type");
  const Exposition e = parse_exposition(r.body);
  EXPECT_TRUE(e.types.count("archway_gateway_requests"));
  EXPECT_TRUE(e.types.count("process_cpu_seconds"));
}

TEST_F(Metrics, TokenCacheAndRateLimitDecisionsAreCounted) {
  deploy_apis("Met");
  const Client c = subscribed_on("Unlimited", "MetTokens", "/mettokens");
  ASSERT_EQ(wait_for_call("/mettokens/1.0.0/x", c.token, 200), 200);
  const Exposition before = scrape_gateway();
  constexpr int kCalls = 10;
  for (int i = 0; i < kCalls; ++i) ASSERT_EQ(call("/mettokens/1.0.0/x", c.token).status, 200);
  const Exposition after = scrape_gateway();
  const std::string hits = "archway_gateway_token_cache_hits_total", misses = "archway_gateway_token_cache_misses_total";
  const double hit_delta = after.value(hits, {}) - before.value(hits, {});
  const double miss_delta = after.value(misses, {}) - before.value(misses, {});
  EXPECT_EQ(hit_delta + miss_delta, kCalls);
  EXPECT_LE(miss_delta, 2) << "at most one verification per worker (this server has up to 2 cores)";
  const std::map<std::string, std::string> allowed = {{"decision", "allowed"}, {"level", "none"}};
  EXPECT_EQ(after.value("archway_gateway_rate_limit_decisions_total", allowed) -
                before.value("archway_gateway_rate_limit_decisions_total", allowed),
            kCalls);
}

TEST_F(Metrics, ThrottledCallsAreCountedByPolicyLevel) {
  subscription_tier("MetTwoPerMin", 2);
  const Client c = subscribed_on("MetTwoPerMin", "MetThrottled", "/metthrottled");
  const Exposition before = scrape_gateway();
  int throttled = 0;
  for (int i = 0; i < 4; ++i) throttled += call("/metthrottled/1.0.0/x", c.token).status == 429;
  ASSERT_GE(throttled, 1);
  const Exposition after = scrape_gateway();
  const std::map<std::string, std::string> sub = {{"decision", "throttled"}, {"level", "subscription"}};
  EXPECT_EQ(after.value_or_zero("archway_gateway_rate_limit_decisions_total", sub) -
                before.value_or_zero("archway_gateway_rate_limit_decisions_total", sub),
            throttled);
  EXPECT_EQ(after.value_or_zero("archway_gateway_requests_total", op_labels("MetThrottled:1.0.0", "GET /*", "4xx")) -
                before.value_or_zero("archway_gateway_requests_total", op_labels("MetThrottled:1.0.0", "GET /*", "4xx")),
            throttled);
}

TEST_F(Metrics, CountsSurviveARedeployment) {
  const std::string id = deployed_api(
      api_body("MetRedeployed", "/metredeployed", R"([{"target":"/status/{code}","verb":"GET","authType":"None"}])",
               backend_->url()),
      "/metredeployed/1.0.0/status/200");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(gw().get("/metredeployed/1.0.0/status/200").status, 200);
  const auto labels = op_labels("MetRedeployed:1.0.0", "GET /status/{code}", "2xx");
  const double before = scrape_gateway().value("archway_gateway_requests_total", labels);
  ASSERT_GE(before, 3);
  deploy(id, create_revision(id));  // a new snapshot with the API compiled afresh
  for (int i = 0; i < 2; ++i) ASSERT_EQ(gw().get("/metredeployed/1.0.0/status/200").status, 200);
  EXPECT_EQ(scrape_gateway().value("archway_gateway_requests_total", labels), before + 2);
}

// A deleted API's series leave the scrape once no snapshot holds it (its slot is freed and reused),
// so /metrics and the gateway's memory follow what is deployed, not everything ever deployed.
TEST_F(Metrics, ADeletedApisSeriesLeaveTheScrape) {
  const std::string id = deployed_api(
      api_body("MetGone", "/metgone", R"([{"target":"/*","verb":"GET","authType":"None"}])", backend_->url()),
      "/metgone/1.0.0/x");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(gw().get("/metgone/1.0.0/x").status, 200);
  const auto labels = op_labels("MetGone:1.0.0", "GET /*", "2xx");
  ASSERT_GE(scrape_gateway().value_or_zero("archway_gateway_requests_total", labels), 3);

  ASSERT_EQ(admin("DELETE", kApis + "/" + id).status, 200);
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gw().get("/metgone/1.0.0/x");  // every worker moves on to the newest snapshot
    const Exposition e = scrape_gateway();
    gone = std::none_of(e.samples.begin(), e.samples.end(), [](const auto& s) {
      auto it = s.labels.find("api");
      return it != s.labels.end() && it->second == "MetGone:1.0.0";
    });
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone) << "the deleted API's series are still scraped";
}

TEST_F(Metrics, ApiAtTheMetricsContextKeepsItsPaths) {
  deploy_apis("Met");
  // /metrics/1.0.0/... is the API's; /metrics itself stays the exposition.
  deployed_api(api_body("MetShadow", "/metrics", R"([{"target":"/*","verb":"GET","authType":"None"}])",
                        backend_->url()),
               "/metrics/1.0.0/status/200");
  EXPECT_EQ(gw().get("/metrics/1.0.0/status/200").status, 200);
  auto r = gw().get("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("archway_gateway_requests_total"), std::string::npos);
}

// Bad values of the new keys stop the start with a message naming the key.
TEST(MetricsConfig, BadValuesAreStartupErrors) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"metrics.path=metrics", "metrics.path"},
      {"metrics.management_access=public", "metrics.management_access"},
      {"gateway.access_log=xml", "gateway.access_log"},
      {"tracing.otlp_endpoint=https://collector:4318/v1/traces", "tracing.otlp_endpoint"},
      {"tracing.otlp_endpoint=http://collector:99999/v1/traces", "tracing.otlp_endpoint"},
      {"tracing.max_queue_spans=0", "tracing.max_queue_spans"},
  };
  for (const auto& [setting, key] : bad) {
    std::string out;
    const std::string dir = make_temp_dir();
    const int rc = run_archway({"serve", "--data-dir", dir + "/data", "--set", "management.http_port=0", "--set",
                                "management.https_port=-1", "--set", "gateway.http_port=0", "--set",
                                "gateway.https_port=-1", "--set", setting},
                               {{"ARCHWAY_ADMIN_PASSWORD", "pw"}}, out);
    EXPECT_NE(rc, 0) << setting;
    EXPECT_NE(out.find(key), std::string::npos) << setting << ": " << out;
  }
}

class ManagementMetricsAccess : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    ServerOptions o;
    o.extra_args = {"--set", "metrics.management_access=admin", "--set", "metrics.gateway_enabled=false"};
    server_ = new ServerProcess(o);
    backend_ = new Backend();
  }
};

TEST_F(ManagementMetricsAccess, AdminSettingAsksEveryCallerForAnAdminCredential) {
  EXPECT_EQ(mgmt().get("/metrics").status, 401);
  auto r = admin("GET", "/metrics");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(parse_exposition(r.body).types.count("archway_gateway_requests"));
  // metrics.gateway_enabled=false: the gateway's /metrics is an ordinary unmatched path.
  EXPECT_EQ(gw().get("/metrics").status, 404);
}

// Tracing and the JSON access log share one server (with an OTLP receiver).
OtlpReceiver* receiver = nullptr;
std::string* access_log_file = nullptr;

class Tracing : public ObservedSuite {
 protected:
  static void SetUpTestSuite() {
    deployed_ = false;
    receiver = new OtlpReceiver();
    access_log_file = new std::string(make_temp_dir() + "/access.log");
    ServerOptions o;
    o.extra_args = {"--set", "tracing.otlp_endpoint=http://127.0.0.1:" + std::to_string(receiver->port()) + "/v1/traces",
                    "--set", "tracing.export_interval_ms=50", "--set", "gateway.access_log=json", "--set",
                    "gateway.access_log_path=" + *access_log_file};
    server_ = new ServerProcess(o);
    backend_ = new Backend();
  }
  static void TearDownTestSuite() {
    ServerSuite::TearDownTestSuite();
    delete receiver;
    delete access_log_file;
  }
  // The traceparent the backend received for a call with these headers.
  std::string backend_traceparent(const std::vector<std::pair<std::string, std::string>>& headers,
                                  std::string* tracestate = nullptr) {
    auto r = gw().get("/traopen/1.0.0/echo", headers);
    EXPECT_EQ(r.status, 200) << r.body;
    const auto o = json::parse(r.body).as_object();
    const auto& h = o.at("headers").as_object();
    if (tracestate) *tracestate = h.contains("tracestate") ? str(h.at("tracestate")) : "";
    return h.contains("traceparent") ? str(h.at("traceparent")) : "";
  }
};

const std::regex kTraceparent("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

TEST_F(Tracing, TraceparentReachesBackendWithSameTraceIdAndTracestate) {
  deploy_apis("Tra");
  const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736", parent = "00f067aa0ba902b7";
  std::string state;
  const std::string got =
      backend_traceparent({{"traceparent", "00-" + trace + "-" + parent + "-01"}, {"tracestate", "vendor=abc,x=1"}},
                          &state);
  std::smatch m;
  ASSERT_TRUE(std::regex_match(got, m, kTraceparent)) << got;
  EXPECT_EQ(m[1], trace);
  EXPECT_NE(m[2], parent);
  EXPECT_NE(m[2], "0000000000000000");
  EXPECT_EQ(m[3], "01");
  EXPECT_EQ(state, "vendor=abc,x=1");
}

TEST_F(Tracing, MissingTraceparentStartsANewTrace) {
  deploy_apis("Tra");
  const std::string a = backend_traceparent({}), b = backend_traceparent({});
  std::smatch ma, mb;
  ASSERT_TRUE(std::regex_match(a, ma, kTraceparent)) << a;
  ASSERT_TRUE(std::regex_match(b, mb, kTraceparent)) << b;
  EXPECT_NE(ma[1], "00000000000000000000000000000000");
  EXPECT_NE(ma[1], mb[1]) << "each request its own trace";
}

TEST_F(Tracing, InvalidTraceparentStartsANewTraceWithoutItsTracestate) {
  deploy_apis("Tra");
  const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  for (const std::string bad : {
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // uppercase
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // zero trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // zero parent id
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // version ff
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  // version 00 with more
           "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  // short trace id
           "garbage"}) {
    std::string state;
    const std::string got = backend_traceparent({{"traceparent", bad}, {"tracestate", "vendor=abc"}}, &state);
    std::smatch m;
    ASSERT_TRUE(std::regex_match(got, m, kTraceparent)) << bad << " -> " << got;
    EXPECT_NE(m[1], trace) << bad;
    EXPECT_NE(m[1], "00000000000000000000000000000000") << bad;
    EXPECT_EQ(state, "") << bad << ": the tracestate of an invalid traceparent is dropped";
  }
  // A later version is read by its first fields.
  const std::string got = backend_traceparent({{"traceparent", "01-" + trace + "-00f067aa0ba902b7-01-later"}});
  std::smatch m;
  ASSERT_TRUE(std::regex_match(got, m, kTraceparent)) << got;
  EXPECT_EQ(m[1], trace);
}

TEST_F(Tracing, SpansAreExportedAsOtlpJsonWithTheTraceId) {
  deploy_apis("Tra");
  const std::string trace = "0af7651916cd43dd8448eb211c80319c";
  const std::string sent = backend_traceparent({{"traceparent", "00-" + trace + "-b7ad6b7169203331-01"}});
  std::smatch m;
  ASSERT_TRUE(std::regex_match(sent, m, kTraceparent)) << sent;
  const std::string backend_span = m[2];
  json::object server_span, client_span;
  for (int i = 0; i < 200 && (server_span.empty() || client_span.empty()); ++i) {
    for (const auto& body : receiver->bodies()) {
      const auto doc = json::parse(body).as_object();
      for (const auto& rs : doc.at("resourceSpans").as_array())
        for (const auto& ss : rs.at("scopeSpans").as_array())
          for (const auto& s : ss.at("spans").as_array()) {
            const auto& span = s.as_object();
            if (str(span.at("traceId")) != trace) continue;
            if (str(span.at("kind")) == "2") server_span = span;
            if (str(span.at("spanId")) == backend_span) client_span = span;
          }
    }
    if (server_span.empty() || client_span.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_FALSE(server_span.empty()) << "no server span of trace " << trace << " reached the receiver";
  EXPECT_EQ(str(server_span.at("parentSpanId")), "b7ad6b7169203331");
  EXPECT_EQ(str(server_span.at("name")), "GET /echo");
  EXPECT_TRUE(server_span.at("startTimeUnixNano").is_string());
  EXPECT_TRUE(server_span.at("endTimeUnixNano").is_string());
  EXPECT_LE(std::stoull(str(server_span.at("startTimeUnixNano"))), std::stoull(str(server_span.at("endTimeUnixNano"))));
  ASSERT_FALSE(client_span.empty()) << "the backend call's span is the one the backend was told about";
  EXPECT_EQ(str(client_span.at("parentSpanId")), str(server_span.at("spanId")));
  for (const auto& t : receiver->targets()) EXPECT_EQ(t, "/v1/traces");
  const auto first = json::parse(receiver->bodies().front()).as_object();
  EXPECT_NE(json::serialize(first.at("resourceSpans").at(0).at("resource")).find("service.name"), std::string::npos);
}

TEST_F(Tracing, UnsampledTraceparentIsPropagatedButNotExported) {
  deploy_apis("Tra");
  const std::string trace = "1af7651916cd43dd8448eb211c80319d";
  const std::string sent = backend_traceparent({{"traceparent", "00-" + trace + "-b7ad6b7169203331-00"}});
  EXPECT_NE(sent.find(trace), std::string::npos);
  EXPECT_TRUE(sent.ends_with("-00")) << sent;
  // A sampled request after it: once its span arrived, the unsampled one would have too.
  const std::string later = "2af7651916cd43dd8448eb211c80319e";
  backend_traceparent({{"traceparent", "00-" + later + "-b7ad6b7169203331-01"}});
  bool later_seen = false, unsampled_seen = false;
  for (int i = 0; i < 200 && !later_seen; ++i) {
    for (const auto& body : receiver->bodies()) {
      later_seen = later_seen || body.find(later) != std::string::npos;
      unsampled_seen = unsampled_seen || body.find(trace) != std::string::npos;
    }
    if (!later_seen) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(later_seen);
  EXPECT_FALSE(unsampled_seen);
}

// The JSON access log of the tracing server.
class AccessLog : public Tracing {};

std::vector<std::string> log_lines_with(const std::string& file, const std::string& needle, std::size_t want) {
  std::vector<std::string> found;
  for (int i = 0; i < 200; ++i) {
    found.clear();
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);)
      if (line.find(needle) != std::string::npos) found.push_back(line);
    if (found.size() >= want) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return found;
}

TEST_F(AccessLog, JsonLinesCarryMethodPathStatusAndLatency) {
  deploy_apis("Tra");
  ASSERT_EQ(gw().get("/traopen/1.0.0/status/202?secret=hidden", {{"User-Agent", "obs-test \"quoted\""}}).status, 202);
  ASSERT_EQ(gw().get("/traopen/1.0.0/status/503").status, 503);
  ASSERT_EQ(gw().get("/access-log-unmatched").status, 404);
  const auto lines = log_lines_with(*access_log_file, "/traopen/1.0.0/status/202", 1);
  ASSERT_EQ(lines.size(), 1u);
  const auto o = json::parse(lines[0]).as_object();
  EXPECT_EQ(str(o.at("method")), "GET");
  EXPECT_EQ(str(o.at("path")), "/traopen/1.0.0/status/202");
  EXPECT_EQ(o.at("status").as_int64(), 202);
  EXPECT_TRUE(o.at("latency_ms").is_double() || o.at("latency_ms").is_int64());
  EXPECT_GE(o.at("latency_ms").to_number<double>(), 0);
  EXPECT_EQ(str(o.at("api")), "TraOpen:1.0.0");
  EXPECT_EQ(str(o.at("operation")), "GET /status/{code}");
  EXPECT_EQ(str(o.at("user_agent")), "obs-test \"quoted\"");
  EXPECT_EQ(str(o.at("trace_id")).size(), 32u);
  EXPECT_EQ(lines[0].find("hidden"), std::string::npos) << "query strings are not logged";
  const auto failed = log_lines_with(*access_log_file, "/traopen/1.0.0/status/503", 1);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(json::parse(failed[0]).at("status").as_int64(), 503);
  const auto unmatched = log_lines_with(*access_log_file, "/access-log-unmatched", 1);
  ASSERT_EQ(unmatched.size(), 1u);
  EXPECT_EQ(json::parse(unmatched[0]).at("status").as_int64(), 404);
}

class CombinedAccessLog : public ObservedSuite {
 protected:
  static void SetUpTestSuite() {
    deployed_ = false;
    ServerOptions o;
    o.extra_args = {"--set", "gateway.access_log=combined"};
    server_ = new ServerProcess(o);
    backend_ = new Backend();
  }
};

TEST_F(CombinedAccessLog, LinesParseAsCombinedLogFormat) {
  deploy_apis("Com");
  ASSERT_EQ(gw().get("/comopen/1.0.0/status/204", {{"User-Agent", "combined-test/1.0"}, {"Referer", "http://ref.example/"}})
                .status,
            204);
  const std::string file = server_->data_dir() + "/access.log";  // the default path
  const auto lines = log_lines_with(file, "/comopen/1.0.0/status/204", 1);
  ASSERT_EQ(lines.size(), 1u);
  // host ident authuser [date] "request" status bytes "referer" "user-agent"
  static const std::regex kCombined(
      R"re(^(\S+) (\S+) (\S+) \[(\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] "(\S+) (\S+) (HTTP/\d\.\d)" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)"$)re");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(lines[0], m, kCombined)) << lines[0];
  EXPECT_EQ(m[1], "127.0.0.1");
  EXPECT_EQ(m[5], "GET");
  EXPECT_EQ(m[6], "/comopen/1.0.0/status/204");
  EXPECT_EQ(m[7], "HTTP/1.1");
  EXPECT_EQ(m[8], "204");
  EXPECT_EQ(m[10], "http://ref.example/");
  EXPECT_EQ(m[11], "combined-test/1.0");
}

}  // namespace
}  // namespace archway::testing
