// Endpoint resilience through the real gateway with backends that fail on purpose (refuse, hang,
// close before answering, answer 5xx): read timeouts answer 504 101504, idempotent requests are
// retried on the next member (or the same one with retryCount) and never lost when a member can
// serve them, POST is never repeated once sent, repeated failures suspend an endpoint (503 303001,
// nothing sent), each further suspension lasts longer, and a trial after the suspension recovers
// it. Bad endpoint config is refused with 400 naming the field.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

class EndpointResilience : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    ServerSuite::SetUpTestSuite();
    other_ = new Backend();
  }
  static void TearDownTestSuite() {
    delete other_;
    other_ = nullptr;
    ServerSuite::TearDownTestSuite();
  }

  static std::string body_with(const std::string& name, const std::string& context, const std::string& endpoint_config) {
    return R"({"name":")" + name + R"(","context":")" + context + R"(","version":"1.0.0","endpointConfig":)" +
           endpoint_config +
           R"(,"operations":[{"target":"/*","verb":"GET","authType":"None"},{"target":"/*","verb":"POST","authType":"None"},{"target":"/*","verb":"DELETE","authType":"None"}]})";
  }
  static std::string member(const std::string& url, const std::string& config = "") {
    return R"({"url":")" + url + R"(")" + (config.empty() ? "" : R"(,"config":)" + config) + "}";
  }
  static std::string single(const std::string& url, const std::string& config = "") {
    return R"({"endpoint_type":"http","production_endpoints":)" + member(url, config) + "}";
  }
  static std::string failover(const std::string& primary, const std::string& secondary) {
    return R"({"endpoint_type":"failover","production_endpoints":)" + primary + R"(,"production_failovers":[)" +
           secondary + "]}";
  }
  static std::string load_balance(const std::string& a, const std::string& b) {
    return R"({"endpoint_type":"load_balance","production_endpoints":[)" + a + "," + b + "]}";
  }

  // Deploys and waits until the gateway routes the API (any answer but 404 on a harmless path).
  void deploy_api(const std::string& body, const std::string& context) {
    const std::string id = create_api(body);
    deploy(id, create_revision(id));
    for (int i = 0; i < 400; ++i) {
      if (gw().call("DELETE", context + "/1.0.0/probe", "", "", "").status != 404) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  // The product code of a gateway fault, or the status when the body is the backend's own.
  static int code_of(const HttpResponse& r) {
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("code")) return r.status;
    return static_cast<int>(v.as_object().at("code").to_number<std::int64_t>());
  }

  static Backend* other_;
};

Backend* EndpointResilience::other_ = nullptr;

TEST_F(EndpointResilience, HangingBackendAnswers504WithTheProductCode) {
  deploy_api(body_with("Hang", "/hang", single(backend_->url("/hang"), R"({"actionDuration":"300"})")), "/hang");
  auto r = gw().get("/hang/1.0.0/x");
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_EQ(json_of(r)["code"], 101504);
}

TEST_F(EndpointResilience, NoGetIsLostThroughAFailoverGroupWithAHangingPrimary) {
  deploy_api(body_with("FoHang", "/fohang",
                       failover(member(backend_->url("/hang"), R"({"actionDuration":200})"), member(other_->url("/other")))),
             "/fohang");
  for (int i = 0; i < 5; ++i) {
    auto r = gw().get("/fohang/1.0.0/item?i=" + std::to_string(i));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(str(json_of(r)["target"]), "/other/item?i=" + std::to_string(i));
  }
}

TEST_F(EndpointResilience, PostIsNotRepeatedOnceSent) {
  deploy_api(body_with("FoPost", "/fopost",
                       failover(member(backend_->url("/hang"), R"({"actionDuration":200})"), member(other_->url("/other")))),
             "/fopost");
  const int before = other_->requests_served();
  auto r = gw().call("POST", "/fopost/1.0.0/orders", R"({"n":1})", "", "");
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_EQ(other_->requests_served(), before);  // the failover never saw the POST
}

TEST_F(EndpointResilience, GetsSurviveAMemberThatClosesBeforeAnsweringButPostsDoNot) {
  deploy_api(body_with("LbClose", "/lbclose",
                       load_balance(member(backend_->url("/close-before-response")), member(other_->url("/other")))),
             "/lbclose");
  for (int i = 0; i < 10; ++i) {
    auto r = gw().get("/lbclose/1.0.0/x");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(str(json_of(r)["target"]), "/other/x");
  }
  int failed = 0;
  for (int i = 0; i < 4; ++i) {
    auto r = gw().call("POST", "/lbclose/1.0.0/x", "{}", "", "");
    if (r.status == 502) {
      ++failed;
      EXPECT_EQ(json_of(r)["code"], 101505) << r.body;
    } else {
      EXPECT_EQ(r.status, 200) << r.body;
    }
  }
  EXPECT_EQ(failed, 2);  // round robin sends every other POST to the closing member; none is repeated
}

TEST_F(EndpointResilience, FiveHundredsNamedByRetryErroCodeAreRetriedOnTheNextMember) {
  deploy_api(body_with("Lb503", "/lb503",
                       load_balance(member(backend_->url("/status/503"), R"({"retryErroCode":["503"]})"),
                                    member(other_->url("/other")))),
             "/lb503");
  for (int i = 0; i < 6; ++i) EXPECT_EQ(gw().get("/lb503/1.0.0/x").status, 200);
  // Without the code in retryErroCode the backend's answer goes back as it is.
  deploy_api(body_with("Lb503Plain", "/lb503plain",
                       load_balance(member(backend_->url("/status/503")), member(other_->url("/other")))),
             "/lb503plain");
  std::map<int, int> statuses;
  for (int i = 0; i < 4; ++i) ++statuses[gw().get("/lb503plain/1.0.0/x").status];
  EXPECT_EQ(statuses[503], 2);
  EXPECT_EQ(statuses[200], 2);
}

TEST_F(EndpointResilience, RetryCountRepeatsAnIdempotentRequestOnTheSameEndpoint) {
  Backend flaky;
  flaky.fail_with(-1);  // closes every connection before answering
  deploy_api(body_with("Again", "/again", single(flaky.url("/f"), R"({"retryCount":2})")), "/again");
  int before = flaky.requests_served();
  EXPECT_EQ(gw().get("/again/1.0.0/x").status, 502);
  EXPECT_EQ(flaky.requests_served() - before, 3);  // the first attempt and two retries
  before = flaky.requests_served();
  EXPECT_EQ(gw().call("POST", "/again/1.0.0/x", "{}", "", "").status, 502);
  EXPECT_EQ(flaky.requests_served() - before, 1);
  flaky.fail_with(0);
  EXPECT_EQ(gw().get("/again/1.0.0/x").status, 200);
}

TEST_F(EndpointResilience, RepeatedFailuresSuspendTheEndpointAndATrialRecoversIt) {
  Backend flaky;
  deploy_api(body_with("Suspend", "/suspend",
                       single(flaky.url("/f"), R"({"suspendErrorCode":["503"],"retryTimeOut":"1",
                         "suspendDuration":"300","suspendMaxDuration":"5000","factor":"2"})")),
             "/suspend");
  flaky.fail_with(503);
  EXPECT_EQ(gw().get("/suspend/1.0.0/x").status, 503);  // first failure: tolerated (retryTimeOut 1)
  EXPECT_EQ(gw().get("/suspend/1.0.0/x").status, 503);  // second: suspends
  const int served = flaky.requests_served();
  auto r = gw().get("/suspend/1.0.0/x");
  ASSERT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(json_of(r)["code"], 303001) << r.body;
  EXPECT_EQ(r.header("retry-after"), "1");  // 300 ms left at most, rounded up to whole seconds
  EXPECT_EQ(flaky.requests_served(), served);  // a suspended endpoint is not called

  // The suspension ends; one trial reaches the (still failing) backend and suspends it again.
  int code = 303001;
  for (int i = 0; i < 400 && code == 303001; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto t = gw().get("/suspend/1.0.0/x");
    code = code_of(t);
  }
  EXPECT_EQ(code, 503);  // the trial's own answer, from the backend
  EXPECT_EQ(flaky.requests_served(), served + 1);
  r = gw().get("/suspend/1.0.0/x");
  EXPECT_EQ(code_of(r), 303001) << r.body;  // suspended again, for twice as long

  // The backend recovers: the next trial succeeds and everything flows again.
  flaky.fail_with(0);
  int status = 0;
  for (int i = 0; i < 600 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    status = gw().get("/suspend/1.0.0/x").status;
  }
  ASSERT_EQ(status, 200);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(gw().get("/suspend/1.0.0/x").status, 200);
}

TEST_F(EndpointResilience, ASuspendedFailoverPrimaryIsSkippedAndNoRequestIsLost) {
  Backend broken;
  broken.fail_with(-1);
  deploy_api(body_with("FoSusp", "/fosusp",
                       failover(member(broken.url("/b"), R"({"suspendDuration":60000})"), member(other_->url("/other")))),
             "/fosusp");
  const int before = broken.requests_served();
  for (int i = 0; i < 10; ++i) ASSERT_EQ(gw().get("/fosusp/1.0.0/x").status, 200);
  EXPECT_LE(broken.requests_served() - before, 1);  // suspended after its first failure
}

TEST_F(EndpointResilience, RefusedConnectionsFailOverForEveryMethod) {
  const std::string dead = "http://127.0.0.1:" + std::to_string(refused_port()) + "/dead";
  deploy_api(body_with("FoRefuse", "/forefuse", failover(member(dead), member(other_->url("/other")))), "/forefuse");
  EXPECT_EQ(gw().get("/forefuse/1.0.0/x").status, 200);
  EXPECT_EQ(gw().call("POST", "/forefuse/1.0.0/x", "{}", "", "").status, 200);
}

TEST_F(EndpointResilience, ASlowBackendWithinItsTimeoutIsNoFailure) {
  deploy_api(body_with("Slow", "/slowok", single(backend_->url(), R"({"actionDuration":"3000","suspendDuration":"60000"})")),
             "/slowok");
  for (int i = 0; i < 2; ++i) {
    auto r = gw().get("/slowok/1.0.0/slow/150");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, "slow");
  }
}

TEST_F(EndpointResilience, ABackendClosingMidBodyCountsTowardSuspension) {
  deploy_api(body_with("MidSusp", "/midsusp",
                       single(backend_->url(), R"({"suspendErrorCode":["101505"],"suspendDuration":"60000"})")),
             "/midsusp");
  EXPECT_THROW(gw().get("/midsusp/1.0.0/close-mid-body"), std::exception);
  auto r = gw().get("/midsusp/1.0.0/status/200");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(code_of(r), 303001);
}

TEST_F(EndpointResilience, BadEndpointConfigIsRefusedNamingTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {single(backend_->url("/b"), R"({"actionDuration":-5})"), "production_endpoints.config.actionDuration"},
      {single(backend_->url("/b"), R"({"connectTimeout":"-1"})"), "production_endpoints.config.connectTimeout"},
      {single(backend_->url("/b"), R"({"retryCount":99})"), "production_endpoints.config.retryCount"},
      {single(backend_->url("/b"), R"({"factor":"0.5"})"), "production_endpoints.config.factor"},
      {single(backend_->url("/b"), R"({"retryErroCode":["abc"]})"), "production_endpoints.config.retryErroCode[0]"},
      {single(backend_->url("/b"), R"({"suspendErrorCode":[404]})"), "production_endpoints.config.suspendErrorCode[0]"},
      {single(backend_->url("/b"), R"({"suspendDuration":5000,"suspendMaxDuration":1000})"),
       "production_endpoints.config.suspendMaxDuration"},
      {load_balance(member(backend_->url("/b"), R"({"retryDelay":-1})"), member(other_->url("/o"))),
       "production_endpoints[0].config.retryDelay"},
  };
  for (const auto& [cfg, field] : cases) {
    auto r = admin("POST", kApis, body_with("BadCfg", "/badcfg", cfg));
    EXPECT_EQ(r.status, 400) << cfg;
    EXPECT_NE(r.body.find(field), std::string::npos) << r.body;
  }
}

}  // namespace
}  // namespace archway::testing
