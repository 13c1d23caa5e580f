// Mediation policies and CORS through the real gateway: header, query, method and path rewrites
// reach the backend, response headers reach the client, mocks answer at the gateway, preflights
// are answered without the backend, and bad policy definitions are refused by the Publisher.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

class GatewayMediation : public ServerSuite {};

TEST_F(GatewayMediation, HeaderAndQueryPoliciesRewriteTheBackendRequestAndTheResponse) {
  deployed_api(api_body("Med", "/med", R"([{"target":"/*","verb":"GET","authType":"None",
      "operationPolicies":{"request":[
        {"policyName":"setHeader","policyVersion":"v1","parameters":{"headerName":"X-Op","headerValue":"2"}},
        {"policyName":"removeHeader","parameters":{"headerName":"X-Secret"}},
        {"policyName":"removeQueryParam","parameters":{"paramKey":"debug"}},
        {"policyName":"addQueryParam","parameters":{"paramKey":"src","paramValue":"gw"}}],
       "response":[{"policyName":"addHeader","parameters":{"headerName":"X-Resp","headerValue":"yes"}}],"fault":[]}}])",
                        "", R"("apiPolicies":{"request":[{"policyName":"addHeader","parameters":{"headerName":"X-Api","headerValue":"1"}}]},)"),
               "/med/1.0.0/probe");
  auto r = gw().get("/med/1.0.0/x?a=1&debug=true", {{"X-Secret", "s3cret"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto echo = json_of(r);
  const auto& h = echo["headers"].as_object();
  EXPECT_EQ(str(h.at("x-api")), "1");
  EXPECT_EQ(str(h.at("x-op")), "2");
  EXPECT_FALSE(h.contains("x-secret"));
  EXPECT_EQ(str(echo["target"]), "/backend/x?a=1&src=gw");
  EXPECT_EQ(r.header("x-resp"), "yes");
}

TEST_F(GatewayMediation, MethodAndPathRewritesUseTheOperationsPathParameters) {
  deployed_api(api_body("Rw", "/rw", R"([{"target":"/items/{id}","verb":"GET","authType":"None",
      "operationPolicies":{"request":[
        {"policyName":"rewriteMethod","parameters":{"currentMethod":"GET","updatedMethod":"POST"}},
        {"policyName":"rewritePath","parameters":{"resourcePath":"/v2/things/{id}"}}]}},
      {"target":"/probe","verb":"GET","authType":"None"}])"),
               "/rw/1.0.0/probe");
  auto r = gw().get("/rw/1.0.0/items/42?q=1");
  ASSERT_EQ(r.status, 200) << r.body;
  auto echo = json_of(r);
  EXPECT_EQ(str(echo["method"]), "POST");
  EXPECT_EQ(str(echo["target"]), "/backend/v2/things/42?q=1");
}

TEST_F(GatewayMediation, HeaderPoliciesSeeTheClientsForwardedFieldsBeforeTheGatewayAddsItsOwn) {
  deployed_api(api_body("Fwd", "/fwd", R"([{"target":"/*","verb":"GET","authType":"None",
      "operationPolicies":{"request":[
        {"policyName":"removeHeader","parameters":{"headerName":"X-Forwarded-For"}},
        {"policyName":"setHeader","parameters":{"headerName":"X-Forwarded-Host","headerValue":"policy.example"}}]}}])"),
               "/fwd/1.0.0/probe");
  auto r = gw().get("/fwd/1.0.0/x", {{"X-Forwarded-For", "10.0.0.1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto echo = json_of(r);
  const auto& h = echo["headers"].as_object();
  // The client's hop was removed by the policy: the backend sees only the gateway's peer.
  EXPECT_EQ(str(h.at("x-forwarded-for")), "127.0.0.1");
  // The gateway still names the host the client asked for.
  EXPECT_NE(str(h.at("x-forwarded-host")), "policy.example");
}

TEST_F(GatewayMediation, AHeadRewrittenToGetReadsTheBackendsBodyAndLeavesThePooledConnectionClean) {
  deployed_api(api_body("HeadRw", "/headrw", R"([{"target":"/*","verb":"GET","authType":"None",
      "operationPolicies":{"request":[
        {"policyName":"rewriteMethod","parameters":{"currentMethod":"HEAD","updatedMethod":"GET"}}]}}])"),
               "/headrw/1.0.0/probe");
  HttpRequest head;
  head.method = "HEAD";
  head.target = "/headrw/1.0.0/first";
  EXPECT_EQ(HttpClient("127.0.0.1", server_->gateway_port()).send(head).status, 200);
  // The backend's GET answer had a body; the next requests reuse that upstream connection.
  for (int i = 0; i < 4; ++i) {
    auto r = gw().get("/headrw/1.0.0/next" + std::to_string(i));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(str(json_of(r)["target"]), "/backend/next" + std::to_string(i));
  }
}

TEST_F(GatewayMediation, MockResponsesAnswerWithoutTheBackend) {
  deployed_api(api_body("Mock", "/mock", R"([{"target":"/hello","verb":"GET","authType":"None",
      "operationPolicies":{"request":[{"policyName":"mockResponse",
        "parameters":{"statusCode":201,"contentType":"application/json","body":"{\"hello\":\"world\"}"}}]}},
      {"target":"/probe","verb":"GET","authType":"None"}])"),
               "/mock/1.0.0/probe");
  const int served = backend_->requests_served();
  auto r = gw().get("/mock/1.0.0/hello");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"({"hello":"world"})");
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(backend_->requests_served(), served);
}

TEST_F(GatewayMediation, CorsPreflightIsAnsweredAtTheGatewayAndResponsesCarryTheOrigin) {
  deployed_api(api_body("Cors", "/cors", R"([{"target":"/*","verb":"GET","authType":"None"},
                                            {"target":"/*","verb":"POST","authType":"None"}])",
                        "", R"("corsConfiguration":{"corsConfigurationEnabled":true,
      "accessControlAllowOrigins":["https://app.example.com"],"accessControlAllowMethods":["GET","POST"],
      "accessControlAllowHeaders":["Authorization","Content-Type"],"accessControlAllowCredentials":true},)"),
               "/cors/1.0.0/probe");
  const int served = backend_->requests_served();
  HttpRequest pre;
  pre.method = "OPTIONS";
  pre.target = "/cors/1.0.0/items";
  pre.headers = {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "POST"}};
  auto r = gw().send(pre);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.header("access-control-allow-origin"), "https://app.example.com");
  EXPECT_EQ(r.header("access-control-allow-methods"), "GET,POST");
  EXPECT_EQ(r.header("access-control-allow-headers"), "Authorization,Content-Type");
  EXPECT_EQ(r.header("access-control-allow-credentials"), "true");
  pre.headers = {{"Origin", "https://evil.example.com"}, {"Access-Control-Request-Method", "POST"}};
  auto denied = gw().send(pre);
  EXPECT_EQ(denied.status, 204);
  EXPECT_EQ(denied.header("access-control-allow-origin"), "");
  EXPECT_EQ(backend_->requests_served(), served);  // preflights never reach the backend

  auto get = gw().get("/cors/1.0.0/items", {{"Origin", "https://app.example.com"}});
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.header("access-control-allow-origin"), "https://app.example.com");
  EXPECT_EQ(get.header("vary"), "Origin");

  // The gateway's own answers carry the fields too: a browser application reads a 401 (to sign
  // in again) or a backend's failure as such, not as a network error.
  deployed_api(api_body("CorsSecured", "/cors-secured", R"([{"target":"/*","verb":"GET"}])", "",
                        R"("corsConfiguration":{"corsConfigurationEnabled":true,
      "accessControlAllowOrigins":["https://app.example.com"],"accessControlAllowMethods":["GET"],
      "accessControlAllowHeaders":["Authorization"],"accessControlAllowCredentials":true},)"),
               "/cors-secured/1.0.0/probe");
  auto unauthorized = gw().get("/cors-secured/1.0.0/items", {{"Origin", "https://app.example.com"}});
  EXPECT_EQ(unauthorized.status, 401) << unauthorized.body;
  EXPECT_EQ(unauthorized.header("access-control-allow-origin"), "https://app.example.com");
  EXPECT_EQ(unauthorized.header("access-control-allow-credentials"), "true");
  auto stranger = gw().get("/cors-secured/1.0.0/items", {{"Origin", "https://evil.example.com"}});
  EXPECT_EQ(stranger.status, 401);
  EXPECT_EQ(stranger.header("access-control-allow-origin"), "");
  deployed_api(api_body("CorsDown", "/cors-down", R"([{"target":"/*","verb":"GET","authType":"None"}])",
                        "http://127.0.0.1:" + std::to_string(refused_port()) + "/x",
                        R"("corsConfiguration":{"corsConfigurationEnabled":true,
      "accessControlAllowOrigins":["*"],"accessControlAllowMethods":["GET"]},)"),
               "/cors-down/1.0.0/probe");
  auto down = gw().get("/cors-down/1.0.0/items", {{"Origin", "https://app.example.com"}});
  EXPECT_GE(down.status, 502) << down.body;
  EXPECT_EQ(down.header("access-control-allow-origin"), "*");

  // An API without its own CORS configuration gets the gateway's default (gateway.cors_*): any
  // origin, without credentials, so browser clients such as the Developer Portal's try-it work.
  deployed_api(api_body("NoCors", "/nocors", R"([{"target":"/*","verb":"GET","authType":"None"}])"), "/nocors/1.0.0/p");
  pre.target = "/nocors/1.0.0/items";
  pre.headers = {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "GET"}};
  auto fallback = gw().send(pre);
  EXPECT_EQ(fallback.status, 204);
  EXPECT_EQ(fallback.header("access-control-allow-origin"), "*");
  EXPECT_EQ(fallback.header("access-control-allow-credentials"), "");
}

TEST_F(GatewayMediation, PublisherListsBuiltInPoliciesAndRefusesBadOnes) {
  auto list = admin("GET", "/api/am/publisher/v4/operation-policies");
  ASSERT_EQ(list.status, 200);
  auto body = json_of(list);
  EXPECT_GE(body["count"].as_int64(), 6);
  auto one = admin("GET", "/api/am/publisher/v4/operation-policies/addHeader");
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(str(json_of(one)["policyAttributes"].as_array()[0].at("name")), "headerName");
  EXPECT_EQ(admin("GET", "/api/am/publisher/v4/operation-policies/nope").status, 404);

  auto unknown = admin("POST", kApis, api_body("BadPol", "/badpol", R"([{"target":"/*","verb":"GET",
      "operationPolicies":{"request":[{"policyName":"fooBar"}]}}])"));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(str(json_of(unknown)["description"]).find("'operations[0].operationPolicies.request[0].policyName'"),
            std::string::npos);
  auto missing = admin("POST", kApis, api_body("BadPol2", "/badpol2", R"([{"target":"/*","verb":"GET"}])", "",
                                               R"("apiPolicies":{"request":[{"policyName":"addHeader","parameters":{"headerName":"X"}}]},)"));
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(str(json_of(missing)["description"]).find("'apiPolicies.request[0].parameters.headerValue' is required"),
            std::string::npos);
  auto cors = admin("POST", kApis, api_body("BadCors", "/badcors", R"([{"target":"/*","verb":"GET"}])", "",
                                            R"("corsConfiguration":{"accessControlAllowMethods":["FETCH"]},)"));
  EXPECT_EQ(cors.status, 400);
  auto get = admin("GET", kApis + "/" + create_api(api_body("GoodPol", "/goodpol", R"([{"target":"/*","verb":"GET",
      "operationPolicies":{"request":[{"policyName":"removeHeader","parameters":{"headerName":"X-A"}}]}}])")));
  auto op = json_of(get)["operations"].as_array()[0].as_object();
  EXPECT_EQ(str(op.at("operationPolicies").at("request").as_array()[0].at("policyName")), "removeHeader");
}

}  // namespace
}  // namespace archway::testing
