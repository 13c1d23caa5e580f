// Analytics end to end: the real binary's gateway records every request, the drain stores it, and
// the analytics REST API (Admin, Publisher, DevPortal) reports it. The drain is asynchronous: tests
// poll the REST API until the counts settle (bounded), never sleep blindly.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <functional>
#include <mutex>

#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

const std::string kAdminAnalytics = "/api/am/admin/v4/analytics";
const std::string kPublisherAnalytics = "/api/am/publisher/v4/analytics";
const std::string kDevAnalytics = "/api/am/devportal/v3/analytics";
const std::string kPw = "password-123";

class AnalyticsSuite : public ServerSuite {
 protected:
  // An API whose operations need a token, published and deployed, without calling the gateway (a
  // probe would be an event of its own): the management API answers a write once the gateway has it.
  std::string quiet_secured_api(const std::string& name, const std::string& context, const std::string& tier) {
    const std::string id = create_api(api_body(name, context, R"([{"target":"/*","verb":"GET"}])", backend_->url(""),
                                               R"("policies":[")" + tier + R"("],)"));
    EXPECT_EQ(admin("POST", kApis + "/change-lifecycle?apiId=" + id + "&action=Publish").status, 200);
    deploy(id, create_revision(id));
    return id;
  }

  HttpResponse as(const std::string& user, const std::string& method, const std::string& target,
                  const std::string& body = "") {
    return mgmt().call(method, target, body, user, kPw);
  }

  void user(const std::string& name, const std::string& roles) {
    auto r = admin("POST", "/api/am/admin/v4/users",
                   R"({"username":")" + name + R"(","password":")" + kPw + R"(","roles":)" + roles + "}");
    ASSERT_EQ(r.status, 201) << r.body;
  }

  // Polls `target` (as `who`; empty: admin) until `done(body)` holds, at most 10 s; returns the last body.
  json::object poll(const std::string& target, const std::function<bool(const json::object&)>& done,
                    const std::string& who = "") {
    json::object last;
    for (int i = 0; i < 200; ++i) {
      auto r = who.empty() ? admin("GET", target) : as(who, "GET", target);
      EXPECT_EQ(r.status, 200) << target << ": " << r.body;
      if (r.status != 200) return last;
      last = json_of(r);
      if (done(last)) return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "never settled: " << target << " -> " << json::serialize(last);
    return last;
  }

  static std::int64_t count_of(const json::object& o) { return o.at("count").as_int64(); }

  static void expect_problem(const HttpResponse& r, int status, const std::string& mentions) {
    EXPECT_EQ(r.status, status) << r.body;
    ASSERT_EQ(r.header("content-type"), "application/json") << r.body;
    const json::object body = json::parse(r.body).as_object();
    EXPECT_EQ(body.at("code").as_int64(), status) << r.body;
    EXPECT_TRUE(body.contains("message")) << r.body;
    EXPECT_NE(str(body.at("description")).find(mentions), std::string::npos) << r.body;
  }
};

class AnalyticsBurst : public AnalyticsSuite {};

TEST_F(AnalyticsBurst, BurstOfKnownCallsShowsUpInCountsAndCategories) {
  subscription_tier("AnaNine", 9);
  const std::string api = quiet_secured_api("AnaBurst", "/anaburst", "AnaNine");
  Client c = application("AnaBurstApp");
  subscribe(c.app_id, api, "AnaNine");

  for (int i = 0; i < 7; ++i) ASSERT_EQ(call("/anaburst/1.0.0/ok", c.token).status, 200);
  for (int i = 0; i < 2; ++i) ASSERT_EQ(call("/anaburst/1.0.0/status/500", c.token).status, 500);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(call("/anaburst/1.0.0/ok", "not-a-token").status, 401);
  for (int i = 0; i < 2; ++i) ASSERT_EQ(gw().get("/no-such-api/1.0.0/x").status, 404);
  for (int i = 0; i < 2; ++i) ASSERT_EQ(call("/anaburst/1.0.0/ok", c.token).status, 429);
  const std::string refused = raw_exchange("127.0.0.1", server_->gateway_port(),
                                           "GET /anaburst/1.0.0/ok HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                                           "Content-Length: 2\r\n\r\n");
  ASSERT_EQ(refused.rfind("HTTP/1.1 400", 0), 0u) << refused;

  const json::object sum =
      poll(kAdminAnalytics + "/summary", [](const json::object& o) { return count_of(o) >= 17; });
  EXPECT_EQ(sum.at("count").as_int64(), 17);
  EXPECT_EQ(sum.at("errors").as_int64(), 10);
  EXPECT_EQ(sum.at("throttled").as_int64(), 2);
  EXPECT_NEAR(sum.at("errorRate").as_double(), 10.0 / 17.0, 1e-9);
  const json::object lat = sum.at("latency").as_object();
  EXPECT_GT(lat.at("p50").as_double(), 0.0);
  EXPECT_LE(lat.at("p50").as_double(), lat.at("p95").as_double());
  EXPECT_LE(lat.at("p95").as_double(), lat.at("p99").as_double());
  const json::object backend = sum.at("backendLatency").as_object();
  EXPECT_GT(backend.at("p50").as_double(), 0.0);
  EXPECT_LE(backend.at("p95").as_double(), backend.at("p99").as_double());
  EXPECT_GT(sum.at("responseBytes").as_int64(), 0);

  const json::object errors = json_of(admin("GET", kAdminAnalytics + "/errors"));
  EXPECT_EQ(errors.at("count").as_int64(), 10);
  std::map<std::string, std::int64_t> by;
  std::vector<std::string> order;
  const json::array cats = errors.at("byCategory").as_array();
  for (const auto& c : cats) {
    by[str(c.at("category"))] = c.at("count").as_int64();
    order.push_back(str(c.at("category")));
  }
  EXPECT_EQ(order, (std::vector<std::string>{"auth", "throttling", "routing", "mediation", "target", "backend",
                                             "other"}));
  EXPECT_EQ(by["auth"], 3);
  EXPECT_EQ(by["throttling"], 2);
  EXPECT_EQ(by["routing"], 2);
  EXPECT_EQ(by["backend"], 2);
  EXPECT_EQ(by["other"], 1);
  EXPECT_EQ(by["mediation"], 0);
  EXPECT_EQ(by["target"], 0);
  const json::array list = errors.at("list").as_array();
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(str(list[0].at("category")), "auth");  // the largest group first
  EXPECT_EQ(list[0].at("status").as_int64(), 401);
  EXPECT_EQ(list[0].at("count").as_int64(), 3);
  std::int64_t over_time = 0;
  const json::array ot = errors.at("overTime").as_array();
  for (const auto& b : ot)
    for (const char* k : {"auth", "throttling", "routing", "mediation", "target", "backend", "other"})
      over_time += b.at(k).as_int64();
  EXPECT_EQ(over_time, 10);

  const json::object apis = json_of(admin("GET", kAdminAnalytics + "/top-apis"));
  const json::array top_apis = apis.at("list").as_array();
  ASSERT_EQ(top_apis.size(), 1u) << json::serialize(apis);  // the 404s and the refused head reached no API
  EXPECT_EQ(str(top_apis[0].at("apiId")), api);
  EXPECT_EQ(str(top_apis[0].at("apiName")), "AnaBurst");
  EXPECT_EQ(str(top_apis[0].at("apiVersion")), "1.0.0");
  EXPECT_EQ(top_apis[0].at("count").as_int64(), 14);
  EXPECT_EQ(top_apis[0].at("errors").as_int64(), 7);
  EXPECT_EQ(top_apis[0].at("throttled").as_int64(), 2);
  EXPECT_GT(top_apis[0].at("p95").as_double(), 0.0);

  const json::object apps = json_of(admin("GET", kAdminAnalytics + "/top-applications"));
  const json::array top_apps = apps.at("list").as_array();
  ASSERT_EQ(top_apps.size(), 1u) << json::serialize(apps);
  EXPECT_EQ(str(top_apps[0].at("applicationId")), c.app_id);
  EXPECT_EQ(str(top_apps[0].at("applicationName")), "AnaBurstApp");
  EXPECT_EQ(str(top_apps[0].at("owner")), "admin");
  EXPECT_EQ(top_apps[0].at("count").as_int64(), 11);
  EXPECT_EQ(top_apps[0].at("errors").as_int64(), 4);
  EXPECT_EQ(top_apps[0].at("throttled").as_int64(), 2);

  const json::object users = json_of(admin("GET", kAdminAnalytics + "/top-users"));
  const json::array top_users = users.at("list").as_array();
  ASSERT_EQ(top_users.size(), 1u) << json::serialize(users);
  EXPECT_FALSE(str(top_users[0].at("subscriber")).empty());
  EXPECT_EQ(top_users[0].at("count").as_int64(), 11);
  EXPECT_EQ(top_users[0].at("errors").as_int64(), 4);

  const json::object throttling = json_of(admin("GET", kAdminAnalytics + "/throttling"));
  EXPECT_EQ(throttling.at("count").as_int64(), 2);
  const json::array by_policy = throttling.at("byPolicy").as_array();
  ASSERT_EQ(by_policy.size(), 1u);
  EXPECT_EQ(str(by_policy[0].at("policy")), "AnaNine");
  const json::array by_app = throttling.at("byApplication").as_array();
  ASSERT_EQ(by_app.size(), 1u);
  EXPECT_EQ(str(by_app[0].at("applicationId")), c.app_id);
  EXPECT_EQ(by_app[0].at("count").as_int64(), 2);

  const json::object traffic = json_of(admin("GET", kAdminAnalytics + "/traffic"));
  EXPECT_EQ(str(traffic.at("granularity")), "hour");  // the default day by hours
  std::int64_t traffic_total = 0;
  const json::array tl = traffic.at("list").as_array();
  EXPECT_GE(tl.size(), 24u);
  for (const auto& b : tl) traffic_total += b.at("count").as_int64();
  EXPECT_EQ(traffic_total, 17);

  // The raw events, newest first (events of the same millisecond from different workers in any order).
  const json::object events = json_of(admin("GET", kAdminAnalytics + "/events?limit=500"));
  EXPECT_EQ(events.at("count").as_int64(), 17);
  EXPECT_EQ(events.at("pagination").at("total").as_int64(), 17);
  const json::array ev = events.at("list").as_array();
  ASSERT_EQ(ev.size(), 17u);
  // Compared as written with milliseconds: a time on the second is written without them ("...:01Z").
  const auto ms_time = [](std::string t) {
    if (t.find('.') == std::string::npos && !t.empty()) t.insert(t.size() - 1, ".000");
    return t;
  };
  for (std::size_t i = 1; i < ev.size(); ++i)
    EXPECT_GE(ms_time(str(ev[i - 1].at("time"))), ms_time(str(ev[i].at("time"))));
  auto first_with = [&ev](std::int64_t status) {
    for (const auto& e : ev)
      if (e.at("status").as_int64() == status) return e.as_object();
    ADD_FAILURE() << "no event with status " << status;
    return json::object{};
  };
  const json::object refused_head = first_with(400);
  EXPECT_EQ(str(refused_head.at("errorCategory")), "other");
  EXPECT_EQ(str(refused_head.at("clientIp")), "127.0.0.1");
  const json::object throttled = first_with(429);
  EXPECT_EQ(throttled.at("status").as_int64(), 429);
  EXPECT_TRUE(throttled.at("throttled").as_bool());
  EXPECT_EQ(str(throttled.at("throttlePolicy")), "AnaNine");
  EXPECT_EQ(str(throttled.at("applicationId")), c.app_id);
  EXPECT_EQ(str(throttled.at("keyType")), "PRODUCTION");
  EXPECT_EQ(str(throttled.at("authType")), "oauth2");
  EXPECT_EQ(str(throttled.at("operation")), "GET /*");
  EXPECT_EQ(str(throttled.at("clientIp")), "127.0.0.1");
  EXPECT_EQ(str(throttled.at("environment")), "Default");
  const json::object routing = first_with(404);
  EXPECT_EQ(routing.at("status").as_int64(), 404);
  EXPECT_EQ(str(routing.at("errorCategory")), "routing");
  EXPECT_EQ(routing.at("errorCode").as_int64(), 900906);
  EXPECT_EQ(str(routing.at("apiId")), "");
  const json::object ok = first_with(200);
  EXPECT_EQ(ok.at("status").as_int64(), 200);
  EXPECT_EQ(str(ok.at("errorCategory")), "");
  EXPECT_EQ(str(ok.at("backend")), backend_->url(""));
  EXPECT_GT(ok.at("backendLatency").as_double(), 0.0);
  EXPECT_GE(ok.at("totalLatency").as_double(), ok.at("backendLatency").as_double());
  EXPECT_EQ(str(ok.at("operation")), "GET /*");
  const json::object auth = first_with(401);
  EXPECT_EQ(str(auth.at("errorCategory")), "auth");
  EXPECT_EQ(str(auth.at("apiId")), api);
  const json::object backend_error = first_with(500);
  EXPECT_EQ(str(backend_error.at("errorCategory")), "backend");
  EXPECT_EQ(backend_error.at("errorCode").as_int64(), 0);
  EXPECT_GT(ok.at("responseBytes").as_int64(), 0);
  const json::object page = json_of(admin("GET", kAdminAnalytics + "/events?limit=5&offset=15"));
  EXPECT_EQ(page.at("count").as_int64(), 2);

  // The Publisher sees the API's traffic, not requests that reached no API.
  const json::object pub = json_of(admin("GET", kPublisherAnalytics + "/summary"));
  EXPECT_EQ(pub.at("count").as_int64(), 14);
}

class AnalyticsVisibility : public AnalyticsSuite {};

TEST_F(AnalyticsVisibility, EachPortalSeesOnlyWhatItsCallerMaySee) {
  user("ana-sub", R"(["subscriber"])");
  user("ana-other", R"(["subscriber"])");
  user("ana-pub", R"(["creator","publisher"])");
  const std::string api = quiet_secured_api("AnaVis", "/anavis", "Unlimited");

  // ana-sub's own application, its keys and subscription, made through the DevPortal as ana-sub.
  auto app = as("ana-sub", "POST", kDev + "/applications", R"({"name":"SubApp","throttlingPolicy":"Unlimited"})");
  ASSERT_EQ(app.status, 201) << app.body;
  const std::string sub_app = str(json_of(app)["applicationId"]);
  auto keys = as("ana-sub", "POST", kDev + "/applications/" + sub_app + "/generate-keys",
                 R"({"keyType":"PRODUCTION","grantTypesToBeSupported":["client_credentials"],"validityTime":3600})");
  ASSERT_EQ(keys.status, 200) << keys.body;
  const std::string sub_token = str(json_of(keys)["token"].at("accessToken"));
  ASSERT_EQ(as("ana-sub", "POST", kDev + "/subscriptions",
               R"({"applicationId":")" + sub_app + R"(","apiId":")" + api + R"(","throttlingPolicy":"Unlimited"})")
                .status,
            201);
  Client admins = application("AdminApp");
  subscribe(admins.app_id, api);

  for (int i = 0; i < 3; ++i) ASSERT_EQ(call("/anavis/1.0.0/x", sub_token).status, 200);
  for (int i = 0; i < 2; ++i) ASSERT_EQ(call("/anavis/1.0.0/x", admins.token).status, 200);

  // Admin: everything.
  poll(kAdminAnalytics + "/summary?apiId=" + api, [](const json::object& o) { return count_of(o) == 5; });
  // DevPortal: only the caller's own applications.
  const json::object mine = poll(kDevAnalytics + "/summary", [](const json::object& o) { return count_of(o) == 3; },
                                 "ana-sub");
  EXPECT_EQ(count_of(mine), 3);
  const json::object mine_apps = json_of(as("ana-sub", "GET", kDevAnalytics + "/top-applications"));
  ASSERT_EQ(mine_apps.at("list").as_array().size(), 1u);
  EXPECT_EQ(str(mine_apps.at("list").as_array()[0].at("applicationId")), sub_app);
  EXPECT_EQ(count_of(json_of(as("ana-sub", "GET", kDevAnalytics + "/summary?applicationId=" + sub_app))), 3);
  expect_problem(as("ana-sub", "GET", kDevAnalytics + "/summary?applicationId=" + admins.app_id), 404,
                 admins.app_id);
  expect_problem(as("ana-other", "GET", kDevAnalytics + "/events?applicationId=" + sub_app), 404, sub_app);
  EXPECT_EQ(count_of(json_of(as("ana-other", "GET", kDevAnalytics + "/summary"))), 0);
  EXPECT_EQ(json_of(as("ana-other", "GET", kDevAnalytics + "/events")).at("count").as_int64(), 0);

  // Publisher: the APIs the Publisher shows; an id it does not know is 404.
  EXPECT_EQ(count_of(json_of(as("ana-pub", "GET", kPublisherAnalytics + "/summary?apiId=" + api))), 5);
  expect_problem(as("ana-pub", "GET", kPublisherAnalytics + "/summary?apiId=no-such-api"), 404, "no-such-api");
  expect_problem(as("ana-pub", "GET", kPublisherAnalytics + "/top-apis?apiId=no-such-api"), 404, "no-such-api");

  // Scopes: a subscriber is no publisher or admin; nobody anonymous.
  EXPECT_EQ(as("ana-sub", "GET", kPublisherAnalytics + "/summary").status, 403);
  EXPECT_EQ(as("ana-sub", "GET", kAdminAnalytics + "/summary").status, 403);
  EXPECT_EQ(as("ana-pub", "GET", kAdminAnalytics + "/summary").status, 403);
  EXPECT_EQ(mgmt().get(kAdminAnalytics + "/summary").status, 401);
  EXPECT_EQ(mgmt().get(kDevAnalytics + "/summary").status, 401);
}

TEST_F(AnalyticsVisibility, APublisherDoesNotSeeTrafficOfApisTheirAccessControlHides) {
  user("ana-creator", R"(["creator"])");
  const std::string open = quiet_secured_api("AnaOpen", "/anaopen", "Unlimited");
  const std::string hidden = create_api(api_body("AnaHidden", "/anahidden", R"([{"target":"/*","verb":"GET"}])",
                                                 backend_->url(""),
                                                 R"("policies":["Unlimited"],"accessControl":"RESTRICTED",)"
                                                 R"("accessControlRoles":["publisher"],)"));
  ASSERT_EQ(admin("POST", kApis + "/change-lifecycle?apiId=" + hidden + "&action=Publish").status, 200);
  deploy(hidden, create_revision(hidden));
  Client c = application("AnaAcApp");
  subscribe(c.app_id, open);
  subscribe(c.app_id, hidden);
  for (int i = 0; i < 2; ++i) ASSERT_EQ(call("/anaopen/1.0.0/x", c.token).status, 200);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(call("/anahidden/1.0.0/x", c.token).status, 200);
  poll(kAdminAnalytics + "/summary?applicationId=" + c.app_id, [](const json::object& o) { return count_of(o) == 5; });

  // The creator holds no role the hidden API admits: its traffic is not theirs to see.
  const json::object seen =
      json_of(as("ana-creator", "GET", kPublisherAnalytics + "/summary?applicationId=" + c.app_id));
  EXPECT_EQ(count_of(seen), 2);
  const json::object top = json_of(as("ana-creator", "GET", kPublisherAnalytics + "/top-apis?limit=100"));
  bool lists_open = false;
  for (const auto& a : top.at("list").as_array()) {
    EXPECT_NE(str(a.at("apiId")), hidden);
    lists_open = lists_open || str(a.at("apiId")) == open;
  }
  EXPECT_TRUE(lists_open) << json::serialize(top);
  auto refused = as("ana-creator", "GET", kPublisherAnalytics + "/summary?apiId=" + hidden);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("900365"), std::string::npos) << refused.body;
  // An admin sees both.
  EXPECT_EQ(count_of(json_of(admin("GET", kPublisherAnalytics + "/summary?applicationId=" + c.app_id))), 5);
}

TEST_F(AnalyticsVisibility, BadParametersAreAnsweredWith400Problems) {
  expect_problem(admin("GET", kAdminAnalytics + "/summary?from=yesterday"), 400, "from");
  expect_problem(admin("GET", kAdminAnalytics + "/traffic?to=2026-13-01T00:00:00Z"), 400, "to");
  expect_problem(admin("GET", kAdminAnalytics + "/summary?from=2026-12-06T20:00:00Z&to=2026-12-06T20:00:00Z"), 400,
                 "before");
  expect_problem(admin("GET", kAdminAnalytics + "/latency?from=1796590800000&to=1796587200000"), 400, "before");
  expect_problem(admin("GET", kAdminAnalytics + "/traffic?granularity=week"), 400, "granularity");
  expect_problem(
      admin("GET", kAdminAnalytics + "/errors?from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z&granularity=minute"),
      400, "buckets");
  for (const char* limit : {"0", "101", "ten", "-1"})
    expect_problem(admin("GET", kAdminAnalytics + "/top-apis?limit=" + limit), 400, "limit");
  expect_problem(admin("GET", kPublisherAnalytics + "/top-users?limit=1000"), 400, "limit");
  expect_problem(admin("GET", kDevAnalytics + "/events?limit=501"), 400, "limit");
  expect_problem(admin("GET", kAdminAnalytics + "/events?offset=-5"), 400, "offset");

  // Good explicit ranges: dense, aligned buckets.
  auto r = admin("GET", kAdminAnalytics + "/traffic?from=2026-12-06T20:00:30.5Z&to=2026-12-06T20:05:00Z");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::object t = json_of(r);
  EXPECT_EQ(str(t.at("granularity")), "minute");
  EXPECT_EQ(str(t.at("from")), "2026-12-06T20:00:30.500Z");
  const json::array l = t.at("list").as_array();
  ASSERT_EQ(l.size(), 5u);
  EXPECT_EQ(str(l[0].at("time")), "2026-12-06T20:00:00Z");
  EXPECT_EQ(str(l[4].at("time")), "2026-12-06T20:04:00Z");
  auto lat = admin("GET", kAdminAnalytics + "/latency?from=1796587200000&to=1796590800000&granularity=hour");
  ASSERT_EQ(lat.status, 200) << lat.body;
  ASSERT_EQ(json_of(lat).at("list").as_array().size(), 1u);
}

}  // namespace
}  // namespace archway::testing

namespace archway::testing {
namespace {

// Receives webhooks: one request per connection on a loopback port, its body kept.
class WebhookReceiver {
 public:
  WebhookReceiver() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("webhook receiver: cannot listen");
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~WebhookReceiver() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }
  // The next `n` posts are answered 503 (and not kept); every post counts as an attempt.
  void fail_next(int n) { failing_.store(n); }
  int attempts() const { return attempts_.load(); }

 private:
  void run() {
    for (;;) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string in;
      char buf[4096];
      std::size_t need = std::string::npos;
      for (;;) {
        const ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, static_cast<std::size_t>(n));
        const std::size_t end = in.find("\r\n\r\n");
        if (end != std::string::npos && need == std::string::npos) {
          std::string head = in.substr(0, end);
          for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          const std::size_t cl = head.find("content-length:");
          need = end + 4 + (cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 15)));
        }
        if (need != std::string::npos && in.size() >= need) break;
      }
      ++attempts_;
      if (failing_.load() > 0) {
        --failing_;
        const std::string busy = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        (void)::send(c, busy.data(), busy.size(), MSG_NOSIGNAL);
        ::close(c);
        continue;
      }
      if (need != std::string::npos && in.size() >= need) {
        std::lock_guard lock(mu_);
        bodies_.push_back(in.substr(in.find("\r\n\r\n") + 4));
      }
      const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)::send(c, ok.data(), ok.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> bodies_;
  std::atomic<int> failing_{0};
  std::atomic<int> attempts_{0};
};

class AnalyticsAlerts : public AnalyticsSuite {
 protected:
  static void SetUpTestSuite() {
    ServerOptions o;
    o.extra_args = {"--set", "analytics.alert_interval_s=1", "--set", "analytics.webhook_backoff_ms=50",
                    "--set", "analytics.webhook_retries=3"};
    server_ = new ServerProcess(o);
    backend_ = new Backend();
    hooks_ = new WebhookReceiver();
  }
  static void TearDownTestSuite() {
    ServerSuite::TearDownTestSuite();
    delete hooks_;
    hooks_ = nullptr;
  }
  inline static WebhookReceiver* hooks_ = nullptr;

  // Polls the webhook receiver until a body mentions `event` for `rule` (at most 10 s).
  bool webhook_said(const std::string& event, const std::string& rule) {
    for (int i = 0; i < 200; ++i) {
      for (const auto& body : hooks_->bodies()) {
        const json::object o = json::parse(body).as_object();
        if (str(o.at("event")) == event && str(o.at("alert").at("ruleId")) == rule) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
};

TEST_F(AnalyticsAlerts, ErrorRateRuleFiresAWebhookAndItsRecoveryResolvesIt) {
  const std::string api = quiet_secured_api("AnaAlert", "/anaalert", "Unlimited");
  Client c = application("AnaAlertApp");
  subscribe(c.app_id, api);
  auto created = admin("POST", kAdminAnalytics + "/alert-rules",
                       R"({"name":"errors on AnaAlert","apiId":")" + api +
                           R"(","type":"errorRate","threshold":0.5,"windowMinutes":1,"webhookUrl":")" +
                           hooks_->url("/hook/alerts") + R"("})");
  ASSERT_EQ(created.status, 201) << created.body;
  const json::object rule = json_of(created);
  const std::string rule_id = str(rule.at("id"));
  EXPECT_EQ(str(rule.at("type")), "errorRate");
  EXPECT_TRUE(rule.at("enabled").as_bool());
  EXPECT_EQ(created.header("location"), kAdminAnalytics + "/alert-rules/" + rule_id);

  for (int i = 0; i < 4; ++i) ASSERT_EQ(gw().get("/anaalert/1.0.0/x").status, 401);
  ASSERT_TRUE(webhook_said("firing", rule_id));
  json::object alerts = poll(kAdminAnalytics + "/alerts", [](const json::object& o) { return count_of(o) >= 1; });
  const json::object fired = alerts.at("list").as_array()[0].as_object();
  EXPECT_EQ(str(fired.at("ruleId")), rule_id);
  EXPECT_EQ(str(fired.at("ruleName")), "errors on AnaAlert");
  EXPECT_EQ(str(fired.at("state")), "firing");
  EXPECT_DOUBLE_EQ(fired.at("value").as_double(), 1.0);
  EXPECT_DOUBLE_EQ(fired.at("threshold").as_double(), 0.5);
  EXPECT_TRUE(fired.at("resolvedAt").is_null());

  // Successes bring the window's error rate under the threshold: one recovery notice.
  for (int i = 0; i < 10; ++i) ASSERT_EQ(call("/anaalert/1.0.0/x", c.token).status, 200);
  ASSERT_TRUE(webhook_said("resolved", rule_id));
  alerts = poll(kAdminAnalytics + "/alerts", [](const json::object& o) {
    return str(o.at("list").as_array()[0].at("state")) == "resolved";
  });
  EXPECT_EQ(count_of(alerts), 1);  // fired once, resolved once
  EXPECT_FALSE(alerts.at("list").as_array()[0].at("resolvedAt").is_null());
  int firing = 0;
  for (const auto& body : hooks_->bodies())
    if (str(json::parse(body).at("event")) == "firing") ++firing;
  EXPECT_EQ(firing, 1);
}

TEST_F(AnalyticsAlerts, AlertRulesAreManagedByAdminsWithValidatedBodies) {
  const std::string base = kAdminAnalytics + "/alert-rules";
  const std::string hook = hooks_->url("/hook/other");
  auto r = admin("POST", base, R"({"name":"slow","type":"latencyP95","threshold":250,"webhookUrl":")" + hook + R"("})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = str(json_of(r).at("id"));
  EXPECT_EQ(json_of(r).at("windowMinutes").as_int64(), 5);
  EXPECT_TRUE(json_of(r).at("apiId").is_null());

  expect_problem(admin("POST", base, R"({"name":"x","type":"cpu","threshold":1,"webhookUrl":")" + hook + R"("})"),
                 400, "type");
  expect_problem(admin("POST", base, R"({"name":"x","type":"throttling","webhookUrl":")" + hook + R"("})"), 400,
                 "threshold");
  expect_problem(admin("POST", base,
                       R"({"name":"x","type":"throttling","threshold":1,"windowMinutes":0,"webhookUrl":")" + hook +
                           R"("})"),
                 400, "windowMinutes");
  expect_problem(admin("POST", base, R"({"name":"x","type":"throttling","threshold":1,"webhookUrl":"ftp://h/x"})"),
                 400, "webhookUrl");
  expect_problem(admin("POST", base, R"({"name":"x","type":"errorRate","threshold":5,"webhookUrl":")" + hook + R"("})"),
                 400, "threshold");
  expect_problem(admin("POST", base, "not json"), 400, "JSON");

  auto put = admin("PUT", base + "/" + id,
                   R"({"name":"slower","type":"latencyP95","threshold":500,"windowMinutes":10,"enabled":false,"webhookUrl":")" +
                       hook + R"("})");
  ASSERT_EQ(put.status, 200) << put.body;
  const json::object got = json_of(admin("GET", base + "/" + id));
  EXPECT_EQ(str(got.at("name")), "slower");
  EXPECT_EQ(got.at("windowMinutes").as_int64(), 10);
  EXPECT_FALSE(got.at("enabled").as_bool());
  EXPECT_GE(count_of(json_of(admin("GET", base))), 1);

  user("ana-alert-sub", R"(["subscriber"])");
  EXPECT_EQ(as("ana-alert-sub", "GET", base).status, 403);
  EXPECT_EQ(as("ana-alert-sub", "GET", kAdminAnalytics + "/alerts").status, 403);

  EXPECT_EQ(admin("DELETE", base + "/" + id).status, 200);
  expect_problem(admin("GET", base + "/" + id), 404, id);
  expect_problem(admin("DELETE", base + "/" + id), 404, id);
  expect_problem(admin("PUT", base + "/" + id,
                       R"({"name":"x","type":"throttling","threshold":1,"webhookUrl":")" + hook + R"("})"),
                 404, id);
}

TEST_F(AnalyticsAlerts, FailedWebhookIsRetriedWithBackOffUntilTheReceiverTakesIt) {
  const std::string api = quiet_secured_api("AnaRetry", "/anaretry", "Unlimited");
  const int before = hooks_->attempts();
  hooks_->fail_next(2);  // two 503s, then the third attempt is taken
  auto created = admin("POST", kAdminAnalytics + "/alert-rules",
                       R"({"name":"retried","apiId":")" + api +
                           R"(","type":"errorRate","threshold":0.5,"windowMinutes":1,"webhookUrl":")" +
                           hooks_->url("/hook/retry") + R"("})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string rule_id = str(json_of(created).at("id"));
  for (int i = 0; i < 3; ++i) ASSERT_EQ(gw().get("/anaretry/1.0.0/x").status, 401);
  ASSERT_TRUE(webhook_said("firing", rule_id));
  EXPECT_GE(hooks_->attempts() - before, 3);
  int firing = 0;
  for (const auto& body : hooks_->bodies()) {
    const json::object o = json::parse(body).as_object();
    if (str(o.at("event")) == "firing" && str(o.at("alert").at("ruleId")) == rule_id) ++firing;
  }
  EXPECT_EQ(firing, 1);  // delivered once, not once per attempt
  EXPECT_EQ(admin("DELETE", kAdminAnalytics + "/alert-rules/" + rule_id).status, 200);
}

TEST_F(AnalyticsAlerts, WebhookThatFailsEveryAttemptIsCountedInTheMetrics) {
  auto failures = [this] {
    const auto r = mgmt().get("/metrics");
    const std::string name = "archway_analytics_alert_webhook_failures_total ";
    const auto at = r.body.find("\n" + name);
    return at == std::string::npos ? -1L : std::stol(r.body.substr(at + 1 + name.size()));
  };
  const long before = failures();
  ASSERT_GE(before, 0);
  const std::string api = quiet_secured_api("AnaNoHook", "/anonohook", "Unlimited");
  auto created = admin("POST", kAdminAnalytics + "/alert-rules",
                       R"({"name":"nobody listens","apiId":")" + api +
                           R"(","type":"errorRate","threshold":0.5,"windowMinutes":1,"webhookUrl":"http://127.0.0.1:)" +
                           std::to_string(refused_port()) + R"(/hook"})");
  ASSERT_EQ(created.status, 201) << created.body;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(gw().get("/anonohook/1.0.0/x").status, 401);
  // Fired (the alert is stored whatever the webhook does), then 1 + 3 attempts, then counted.
  poll(kAdminAnalytics + "/alerts", [](const json::object& o) {
    for (const auto& a : o.at("list").as_array())
      if (str(a.at("ruleName")) == "nobody listens") return true;
    return false;
  });
  long now = before;
  for (int i = 0; i < 200 && now == before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    now = failures();
  }
  EXPECT_EQ(now, before + 1);
  EXPECT_EQ(admin("DELETE", kAdminAnalytics + "/alert-rules/" + str(json_of(created).at("id"))).status, 200);
}

TEST_F(AnalyticsAlerts, BackendThatCannotBeReachedCountsAsTargetError) {
  const std::string api = create_api(api_body("AnaDown", "/anadown",
                                              R"([{"target":"/*","verb":"GET","authType":"None"}])",
                                              "http://127.0.0.1:" + std::to_string(refused_port())));
  deploy(api, create_revision(api));
  const int status = gw().get("/anadown/1.0.0/x").status;
  ASSERT_TRUE(status == 502 || status == 503 || status == 504) << status;
  const json::object errors = poll(kAdminAnalytics + "/errors?apiId=" + api,
                                   [](const json::object& o) { return count_of(o) >= 1; });
  std::map<std::string, std::int64_t> by;
  const json::array cats = errors.at("byCategory").as_array();
  for (const auto& c : cats) by[str(c.at("category"))] = c.at("count").as_int64();
  EXPECT_EQ(by["target"], 1);
  EXPECT_EQ(count_of(errors), 1);
}

}  // namespace
}  // namespace archway::testing
