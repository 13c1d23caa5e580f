// The fault flow through the real gateway: it runs on errors the gateway answers itself once it
// deals with the payload or the backend (refused payloads, unreachable backends, invalid backend
// responses), never on a backend's own error responses or on auth failures.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

class GatewayFault : public ServerSuite {
 protected:
  std::string down() { return "http://127.0.0.1:" + std::to_string(refused_port()); }
};

constexpr const char* kApiFault =
    R"("apiPolicies":{"fault":[{"policyName":"setHeader","parameters":{"headerName":"X-Fault","headerValue":"api"}}]},)";

TEST_F(GatewayFault, AMockReplacesTheErrorBodyAndHeadersAreSetWhenTheBackendIsUnreachable) {
  deployed_api(api_body("FaultDown", "/faultdown", R"([{"target":"/*","verb":"GET","authType":"None",
      "operationPolicies":{"fault":[{"policyName":"mockResponse",
        "parameters":{"contentType":"application/json","body":"{\"error\":\"try later\"}"}},
        {"policyName":"addHeader","parameters":{"headerName":"Retry-After","headerValue":"30"}}]}}])",
                        down(), kApiFault),
               "/faultdown/1.0.0/x");
  auto r = gw().get("/faultdown/1.0.0/items");
  EXPECT_EQ(r.status, 503);  // no statusCode in the mock: the error's status stays
  EXPECT_EQ(r.body, R"({"error":"try later"})");
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("x-fault"), "api");
  EXPECT_EQ(r.header("retry-after"), "30");
}

TEST_F(GatewayFault, AMockWithAStatusCodeReplacesTheStatus) {
  deployed_api(api_body("FaultStatus", "/faultstatus", R"([{"target":"/*","verb":"GET","authType":"None",
      "operationPolicies":{"fault":[{"policyName":"mockResponse",
        "parameters":{"statusCode":"200","contentType":"text/plain","body":"cached copy"}}]}}])",
                        down()),
               "/faultstatus/1.0.0/x");
  auto r = gw().get("/faultstatus/1.0.0/items");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "cached copy");
  EXPECT_EQ(r.header("content-type"), "text/plain");
}

TEST_F(GatewayFault, PayloadPoliciesInTheFaultFlowConvertTheProblem) {
  deployed_api(api_body("FaultXml", "/faultxml", R"([{"target":"/*","verb":"GET","authType":"None",
      "operationPolicies":{"fault":[{"policyName":"jsonTransform","parameters":{"operations":[
        {"op":"pick","paths":["/code","/message"]}]}},
        {"policyName":"jsonToXML","parameters":{"rootElement":"fault"}}]}}])",
                        down()),
               "/faultxml/1.0.0/x");
  auto r = gw().get("/faultxml/1.0.0/items");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.header("content-type"), "application/xml");
  EXPECT_EQ(r.body, "<fault><code>101503</code><message>Error connecting to the back end</message></fault>");
}

TEST_F(GatewayFault, RunsForRefusedPayloadsAndInvalidBackendResponses) {
  deployed_api(api_body("FaultPayload", "/faultpayload", R"([{"target":"/in","verb":"POST","authType":"None",
      "operationPolicies":{"request":[{"policyName":"jsonToXML"}]}},
      {"target":"/out","verb":"GET","authType":"None","operationPolicies":{"response":[{"policyName":"xmlToJson"}]}}])",
                        "", kApiFault),
               "/faultpayload/1.0.0/out");
  HttpRequest bad;
  bad.method = "POST";
  bad.target = "/faultpayload/1.0.0/in";
  bad.body = "{oops";
  auto r = gw().send(bad);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.header("x-fault"), "api");
  EXPECT_EQ(json_of(r)["code"].as_int64(), 101410);
  auto out = gw().get("/faultpayload/1.0.0/out");  // the echo backend answers JSON, not XML
  EXPECT_EQ(out.status, 502);
  EXPECT_EQ(out.header("x-fault"), "api");
}

TEST_F(GatewayFault, DoesNotRunForBackendErrorsOrRefusedCredentials) {
  deployed_api(api_body("FaultNot", "/faultnot", R"([{"target":"/*","verb":"GET","authType":"None"},
      {"target":"/secure","verb":"GET"}])",
                        backend_->url(""), kApiFault),
               "/faultnot/1.0.0/x");
  auto backend_error = gw().get("/faultnot/1.0.0/status/500");
  EXPECT_EQ(backend_error.status, 500);
  EXPECT_EQ(backend_error.header("x-fault"), "");
  auto denied = gw().get("/faultnot/1.0.0/secure");
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(denied.header("x-fault"), "");
}

TEST_F(GatewayFault, PoliciesThatCannotRunOnFaultsAreRefused) {
  auto r = admin("POST", kApis, api_body("FaultBad", "/faultbad", R"([{"target":"/*","verb":"GET","authType":"None",
      "operationPolicies":{"fault":[{"policyName":"rewritePath","parameters":{"resourcePath":"/x"}}]}}])"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(str(json_of(r)["description"]).find("cannot run in the fault flow"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace archway::testing
