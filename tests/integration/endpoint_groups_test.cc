// Load-balanced and failover endpoint groups through the real gateway: round robin spreads calls
// over live backends (by weight when weights are given), a member that refuses connections is
// skipped without failing the call, failover tries the primary then the failovers in order, and a
// group with no live member answers 503 101503. Bad endpointConfig documents are refused with 400.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

class EndpointGroups : public ServerSuite {
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

  static std::string dead_url() {
    return "http://127.0.0.1:" + std::to_string(refused_port()) + "/backend";
  }

  // An API whose endpointConfig is `endpoint_config` (JSON text), open to anonymous GET and POST.
  std::string body_with(const std::string& name, const std::string& context,
                        const std::string& endpoint_config) {
    return R"({"name":")" + name + R"(","context":")" + context +
           R"(","version":"1.0.0","endpointConfig":)" + endpoint_config +
           R"(,"operations":[{"target":"/*","verb":"GET","authType":"None"},{"target":"/*","verb":"POST","authType":"None"}]})";
  }

  static std::string member(const std::string& url, int weight = 0) {
    return R"({"url":")" + url + R"(")" + (weight ? R"(,"weight":)" + std::to_string(weight) : "") +
           "}";
  }

  static Backend* other_;
};

Backend* EndpointGroups::other_ = nullptr;

TEST_F(EndpointGroups, RoundRobinSpreadsRequestsOverTwoBackends) {
  deployed_api(body_with("Rr", "/rr",
                         R"({"endpoint_type":"load_balance",
      "algoCombo":"org.apache.synapse.endpoints.algorithms.RoundRobin",
      "production_endpoints":[)" +
                             member(backend_->url("/backend")) + "," +
                             member(other_->url("/backend")) + "]}"),
               "/rr/1.0.0/probe");
  const int a0 = backend_->requests_served(), b0 = other_->requests_served();
  for (int i = 0; i < 20; ++i) ASSERT_EQ(gw().get("/rr/1.0.0/x").status, 200);
  EXPECT_EQ(backend_->requests_served() - a0, 10);
  EXPECT_EQ(other_->requests_served() - b0, 10);
}

TEST_F(EndpointGroups, WeightsThreeToOneGiveThreeToOne) {
  deployed_api(body_with("Wrr", "/wrr",
                         R"({"endpoint_type":"load_balance","production_endpoints":[)" +
                             member(backend_->url("/backend"), 3) + "," +
                             member(other_->url("/backend"), 1) + "]}"),
               "/wrr/1.0.0/probe");
  const int a0 = backend_->requests_served(), b0 = other_->requests_served();
  for (int i = 0; i < 40; ++i) ASSERT_EQ(gw().get("/wrr/1.0.0/x").status, 200);
  EXPECT_EQ(backend_->requests_served() - a0, 30);
  EXPECT_EQ(other_->requests_served() - b0, 10);
}

TEST_F(EndpointGroups, LoadBalanceSkipsAMemberThatRefusesConnections) {
  deployed_api(body_with("LbDead", "/lbdead",
                         R"({"endpoint_type":"load_balance","production_endpoints":[)" +
                             member(dead_url()) + "," + member(other_->url("/other")) + "]}"),
               "/lbdead/1.0.0/probe");
  const int b0 = other_->requests_served();
  for (int i = 0; i < 10; ++i) {
    auto r = gw().get("/lbdead/1.0.0/x");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(str(json_of(r)["target"]),
              "/other/x");  // the live member's base path, not the dead one's
  }
  HttpRequest post;
  post.method = "POST";
  post.target = "/lbdead/1.0.0/items";
  post.headers = {{"Content-Type", "application/json"}};
  post.body = R"({"n":1})";
  for (int i = 0; i < 2;
       ++i) {  // whichever member the rotation starts with, the body reaches the live one
    auto r = gw().send(post);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(str(json_of(r)["body"]), R"({"n":1})");
  }
  EXPECT_EQ(other_->requests_served() - b0, 12);
}

TEST_F(EndpointGroups, FailoverWithADeadPrimaryAnswersFromTheFailover) {
  deployed_api(
      body_with("Fo", "/fo",
                R"({"endpoint_type":"failover","production_endpoints":)" + member(dead_url()) +
                    R"(,"production_failovers":[)" + member(dead_url()) + "," +
                    member(other_->url("/second")) + "," + member(backend_->url("/third")) + "]}"),
      "/fo/1.0.0/probe");
  const int b0 = other_->requests_served(), c0 = backend_->requests_served();
  for (int i = 0; i < 5; ++i) {
    auto r = gw().get("/fo/1.0.0/x");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(str(json_of(r)["target"]), "/second/x");  // the first live failover, in order
  }
  EXPECT_EQ(other_->requests_served() - b0, 5);
  EXPECT_EQ(backend_->requests_served() - c0, 0);
}

TEST_F(EndpointGroups, FailoverWithALivePrimaryUsesOnlyThePrimary) {
  deployed_api(body_with("FoLive", "/folive",
                         R"({"endpoint_type":"failover","production_endpoints":)" +
                             member(backend_->url("/primary")) + R"(,"production_failovers":[)" +
                             member(other_->url("/second")) + "]}"),
               "/folive/1.0.0/probe");
  const int b0 = other_->requests_served();
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(str(json_of(gw().get("/folive/1.0.0/x"))["target"]), "/primary/x");
  EXPECT_EQ(other_->requests_served() - b0, 0);
}

TEST_F(EndpointGroups, EveryMemberDeadAnswers503) {
  for (const std::string& cfg :
       {R"({"endpoint_type":"load_balance","production_endpoints":[)" + member(dead_url()) + "," +
            member(dead_url()) + "]}",
        R"({"endpoint_type":"failover","production_endpoints":)" + member(dead_url()) +
            R"(,"production_failovers":[)" + member(dead_url()) + "]}"}) {
    static int n = 0;
    const std::string ctx = "/dead" + std::to_string(++n);
    deployed_api(body_with("Dead" + std::to_string(n), ctx, cfg), ctx + "/1.0.0/probe");
    for (int i = 0; i < 3; ++i) {
      auto r = gw().get(ctx + "/1.0.0/x");
      EXPECT_EQ(r.status, 503) << cfg;
      EXPECT_NE(r.body.find("101503"), std::string::npos) << r.body;
    }
  }
}

TEST_F(EndpointGroups, BadEndpointConfigIsRefusedNamingTheField) {
  const std::string ok = member(backend_->url("/backend"));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"endpoint_type":"load_balance","production_endpoints":[]})",
       "'endpointConfig.production_endpoints'"},
      {R"({"endpoint_type":"load_balance","production_endpoints":)" + ok + "}",
       "'endpointConfig.production_endpoints'"},
      {R"({"endpoint_type":"load_balance","production_endpoints":[)" + ok +
           R"(,{"url":"http//nope"}]})",
       "'endpointConfig.production_endpoints[1].url'"},
      {R"({"endpoint_type":"load_balance","production_endpoints":[)" + ok +
           R"(,{"url":"http://h:1","weight":0}]})",
       "'endpointConfig.production_endpoints[1].weight'"},
      {R"({"endpoint_type":"load_balance","production_endpoints":[{"url":"http://h:1","weight":"heavy"}]})",
       "'endpointConfig.production_endpoints[0].weight'"},
      {R"({"endpoint_type":"load_balance","sandbox_endpoints":[)" + ok + R"(,7]})",
       "'endpointConfig.sandbox_endpoints[1]'"},
      {R"({"endpoint_type":"load_balance","algoCombo":"Random","production_endpoints":[)" + ok +
           "]}",
       "'endpointConfig.algoCombo'"},
      {R"({"endpoint_type":"failover","production_endpoints":)" + ok +
           R"(,"production_failovers":[]})",
       "'endpointConfig.production_failovers'"},
      {R"({"endpoint_type":"failover","production_endpoints":)" + ok +
           R"(,"production_failovers":)" + ok + "}",
       "'endpointConfig.production_failovers'"},
      {R"({"endpoint_type":"failover","production_endpoints":[)" + ok + "]}",
       "'endpointConfig.production_endpoints'"},
      {R"({"endpoint_type":"failover","production_endpoints":)" + ok +
           R"(,"production_failovers":[{"url":"ftp://x"}]})",
       "'endpointConfig.production_failovers[0].url'"},
      {R"({"endpoint_type":"round_robin","production_endpoints":)" + ok + "}",
       "'endpointConfig.endpoint_type'"},
  };
  for (const auto& [cfg, field] : cases) {
    auto r = admin("POST", kApis, body_with("Bad", "/badep", cfg));
    EXPECT_EQ(r.status, 400) << cfg;
    EXPECT_NE(r.body.find(field), std::string::npos) << cfg << " -> " << r.body;
  }
}

TEST_F(EndpointGroups, EndpointConfigRoundTripsAsGiven) {
  const std::string cfg =
      R"({"endpoint_type":"load_balance","algoCombo":"org.apache.synapse.endpoints.algorithms.RoundRobin",)"
      R"("production_endpoints":[{"url":"http://a:1/x","weight":2},{"url":"http://b:1/y"}],"sessionManagement":""})";
  const std::string id = create_api(body_with("Trip", "/trip", cfg));
  auto r = admin("GET", kApis + "/" + id);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json_of(r)["endpointConfig"], boost::json::parse(cfg));
}

}  // namespace
}  // namespace archway::testing
