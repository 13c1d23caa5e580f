// Payload policies through the real gateway: jsonToXML, xmlToJson and jsonTransform in request
// and response flows, refused payloads (400 before the backend, 502 for a backend's), the body
// bound, and definitions the Publisher refuses.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

class GatewayPayload : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    ServerOptions o;
    o.extra_args = {"--set", "gateway.max_transform_bytes=65536"};
    server_ = new ServerProcess(o);
    backend_ = new Backend();
  }

  static std::string policy(const std::string& name, const std::string& params = "{}") {
    return R"({"policyName":")" + name + R"(","policyVersion":"v1","parameters":)" + params + "}";
  }
  // A POST and a GET operation on every path, both with these request and response flows.
  std::string ops(const std::string& request, const std::string& response) {
    const std::string policies = R"("operationPolicies":{"request":[)" + request + R"(],"response":[)" + response + "]}";
    return R"([{"target":"/*","verb":"POST","authType":"None",)" + policies + R"(},
               {"target":"/*","verb":"GET","authType":"None",)" + policies + R"(}])";
  }
  HttpResponse post(const std::string& target, const std::string& body,
                    const std::string& content_type = "application/json") {
    HttpRequest r;
    r.method = "POST";
    r.target = target;
    r.headers = {{"Content-Type", content_type}};
    r.body = body;
    return gw().send(r);
  }
};

TEST_F(GatewayPayload, JsonToXmlConvertsTheRequestBodyForTheBackend) {
  deployed_api(api_body("J2X", "/j2x", ops(policy("jsonToXML", R"({"rootElement":"order"})"), "")), "/j2x/1.0.0/x");
  auto r = post("/j2x/1.0.0/orders", R"({"id":"A<1>","lines":[{"sku":"p1","qty":2},{"sku":"p2","qty":1}],"gift":true})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto echo = json_of(r);
  EXPECT_EQ(str(echo["body"]),
            "<order><id>A&lt;1&gt;</id><lines><sku>p1</sku><qty>2</qty></lines><lines><sku>p2</sku><qty>1</qty></lines>"
            "<gift>true</gift></order>");
  const auto& h = echo["headers"].as_object();
  EXPECT_EQ(str(h.at("content-type")), "application/xml");
  EXPECT_EQ(str(h.at("content-length")), std::to_string(str(echo["body"]).size()));

  // Chunked request bodies are read whole too; requests without a body pass as they are.
  HttpRequest chunked;
  chunked.method = "POST";
  chunked.target = "/j2x/1.0.0/orders";
  chunked.headers = {{"Content-Type", "application/json"}};
  chunked.body = R"({"a":1})";
  chunked.chunked = true;
  auto c = gw().send(chunked);
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(str(json_of(c)["body"]), "<order><a>1</a></order>");
  auto g = gw().get("/j2x/1.0.0/plain");
  ASSERT_EQ(g.status, 200) << g.body;
  EXPECT_EQ(str(json_of(g)["body"]), "");
}

TEST_F(GatewayPayload, AClientWaitingFor100ContinueGetsItBeforeTheBodyIsReadWhole) {
  deployed_api(api_body("J2XC", "/j2xc", ops(policy("jsonToXML"), "")), "/j2xc/1.0.0/x");
  const std::string body = R"({"a":"b"})";
  const std::string out = raw_exchange("127.0.0.1", server_->gateway_port(),
                                       "POST /j2xc/1.0.0/c HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                                       "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                                       "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200")) << out;
  EXPECT_NE(out.find("<jsonObject><a>b</a></jsonObject>"), std::string::npos) << out;
  EXPECT_EQ(out.find("expect"), std::string::npos) << out;  // not forwarded to the backend
}

TEST_F(GatewayPayload, XmlToJsonConvertsTheBackendResponse) {
  backend_->serve_static("/backend/order.xml",
                         R"(<order xmlns:m="urn:m" id="7"><m:line>a</m:line><m:line>b</m:line><total>9.5</total></order>)");
  deployed_api(api_body("X2J", "/x2j", ops("", policy("xmlToJson"))), "/x2j/1.0.0/x");
  auto r = gw().get("/x2j/1.0.0/order.xml");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(boost::json::parse(r.body),
            boost::json::parse(R"({"order":{"@xmlns:m":"urn:m","@id":7,"m:line":["a","b"],"total":9.5}})"));
  EXPECT_EQ(r.header("content-length"), std::to_string(r.body.size()));
}

TEST_F(GatewayPayload, JsonToXmlInTheResponseFlowConvertsWhatTheBackendSent) {
  deployed_api(api_body("J2XR", "/j2xr", ops("", policy("jsonToXML"))), "/j2xr/1.0.0/x");
  auto r = gw().get("/j2xr/1.0.0/things?x=1", {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/xml");
  EXPECT_EQ(r.body.rfind("<jsonObject><method>GET</method><target>/backend/things?x=1</target>", 0), 0u) << r.body;
  // The gateway asked the backend for a plain body, since it must read it.
  EXPECT_EQ(r.body.find("accept-encoding"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<x-forwarded-for>"), std::string::npos) << r.body;
}

TEST_F(GatewayPayload, JsonTransformPicksRenamesSetsAndRemovesRequestFields) {
  const std::string program = R"({"operations":[
      {"op":"rename","from":"/name","to":"/customer/fullName"},
      {"op":"set","path":"/source","value":"gateway"},
      {"op":"remove","path":"/card"},
      {"op":"pick","paths":["/customer","/source","/id"]}]})";
  deployed_api(api_body("JT", "/jt", ops(policy("jsonTransform", program), "")), "/jt/1.0.0/x");
  auto r = post("/jt/1.0.0/customers", R"({"id":3,"name":"Ann","card":"4111","debug":true})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(boost::json::parse(str(json_of(r)["body"])),
            boost::json::parse(R"({"customer":{"fullName":"Ann"},"source":"gateway","id":3})"));
}

TEST_F(GatewayPayload, JsonTransformAndJsonToXmlChainInTheResponseFlow) {
  deployed_api(api_body("Chain", "/chain",
                        ops("", policy("jsonTransform", R"({"operations":[{"op":"pick","paths":["/method"]}]})") + "," +
                                    policy("jsonToXML", R"({"rootElement":"r"})"))),
               "/chain/1.0.0/x");
  auto r = gw().get("/chain/1.0.0/a");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "<r><method>GET</method></r>");
}

TEST_F(GatewayPayload, InvalidRequestPayloadsGet400BeforeTheBackend) {
  deployed_api(api_body("Bad", "/bad", R"([{"target":"/json","verb":"POST","authType":"None",
      "operationPolicies":{"request":[{"policyName":"jsonToXML"}]}},
      {"target":"/xml","verb":"POST","authType":"None","operationPolicies":{"request":[{"policyName":"xmlToJson"}]}},
      {"target":"/probe","verb":"GET","authType":"None"}])"),
               "/bad/1.0.0/probe");
  const int served = backend_->requests_served();
  auto r = post("/bad/1.0.0/json", R"({"a":1,)");
  EXPECT_EQ(r.status, 400);
  auto p = json_of(r);
  EXPECT_EQ(p["code"].as_int64(), 101410);
  EXPECT_EQ(str(p["message"]), "Invalid request payload");
  EXPECT_NE(str(p["description"]).find("not valid JSON"), std::string::npos) << r.body;
  auto x = post("/bad/1.0.0/xml", "<a><b></a>", "application/xml");
  EXPECT_EQ(x.status, 400);
  EXPECT_NE(str(json_of(x)["description"]).find("not valid XML"), std::string::npos) << x.body;
  auto name = post("/bad/1.0.0/json", R"({"two words":1})");
  EXPECT_EQ(name.status, 400);
  EXPECT_NE(str(json_of(name)["description"]).find("'two words' is not a valid XML name"), std::string::npos);
  EXPECT_EQ(backend_->requests_served(), served);
  // The connection stays usable after a refused payload.
  HttpClient c("127.0.0.1", server_->gateway_port());
  HttpRequest bad;
  bad.method = "POST";
  bad.target = "/bad/1.0.0/json";
  bad.body = "nope";
  EXPECT_EQ(c.send(bad).status, 400);
  bad.body = R"({"ok":1})";
  EXPECT_EQ(c.send(bad).status, 200);
}

TEST_F(GatewayPayload, BodiesAreBoundedByMaxTransformBytes) {
  deployed_api(api_body("Big", "/bigp", ops(policy("jsonToXML"), policy("xmlToJson")), backend_->url("")),
               "/bigp/1.0.0/x");
  const int served = backend_->requests_served();
  auto r = post("/bigp/1.0.0/a", R"({"a":")" + std::string(70000, 'x') + R"("})");
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("gateway.max_transform_bytes"), std::string::npos) << r.body;
  EXPECT_EQ(backend_->requests_served(), served);
  auto big = gw().get("/bigp/1.0.0/big/70000");
  EXPECT_EQ(big.status, 502);
  EXPECT_NE(big.body.find("max_transform_bytes"), std::string::npos) << big.body;
}

TEST_F(GatewayPayload, ABackendPayloadThatCannotBeConvertedIs502) {
  deployed_api(api_body("BadBe", "/badbe", ops("", policy("xmlToJson"))), "/badbe/1.0.0/x");
  auto r = gw().get("/badbe/1.0.0/echo");  // the backend answers JSON, not XML
  EXPECT_EQ(r.status, 502);
  auto p = json_of(r);
  EXPECT_EQ(p["code"].as_int64(), 101505);
  EXPECT_NE(str(p["description"]).find("not valid XML"), std::string::npos) << r.body;
}

// `levels` <a> elements, each with a sibling <a/>: as JSON, every level an object and an array.
std::string repeated_elements(int levels) {
  std::string inner = "1";
  for (int i = 0; i < levels; ++i) inner = "<a>" + inner + "</a><a/>";
  return "<r>" + inner + "</r>";
}

std::string nested_elements(int levels) {
  std::string xml;
  for (int i = 0; i < levels; ++i) xml += "<a>";
  for (int i = 0; i < levels; ++i) xml += "</a>";
  return xml;
}

TEST_F(GatewayPayload, XmlNestedDeeperThanTheJsonLimitIsRefusedInBothDirections) {
  deployed_api(api_body("DeepReq", "/deepreq", ops(policy("xmlToJson"), "")), "/deepreq/1.0.0/x");
  const int served = backend_->requests_served();
  // 40 levels of XML, 81 of JSON (the repeated elements are arrays); then 9000 levels.
  for (const std::string& xml : {repeated_elements(40), nested_elements(9000)}) {
    auto r = post("/deepreq/1.0.0/orders", xml, "application/xml");
    EXPECT_EQ(r.status, 400) << r.body.substr(0, 300);
    auto p = json_of(r);
    EXPECT_EQ(p["code"].as_int64(), 101410);
    EXPECT_NE(str(p["description"]).find("deeper than 64 levels"), std::string::npos) << r.body;
  }
  EXPECT_EQ(backend_->requests_served(), served);
  auto fits = post("/deepreq/1.0.0/orders", repeated_elements(31), "application/xml");
  EXPECT_EQ(fits.status, 200) << fits.body;

  backend_->serve_static("/backend/deep.xml", repeated_elements(40));
  backend_->serve_static("/backend/deeper.xml", nested_elements(9000));
  deployed_api(api_body("DeepRes", "/deepres", ops("", policy("xmlToJson"))), "/deepres/1.0.0/x");
  for (const char* target : {"/deepres/1.0.0/deep.xml", "/deepres/1.0.0/deeper.xml"}) {
    auto r = gw().get(target);
    EXPECT_EQ(r.status, 502) << r.body.substr(0, 300);
    auto p = json_of(r);
    EXPECT_EQ(p["code"].as_int64(), 101505);
    EXPECT_NE(str(p["description"]).find("deeper than 64 levels"), std::string::npos) << r.body;
  }
}

TEST_F(GatewayPayload, JsonNestedDeeperThanTheLimitIsRefusedInBothDirections) {
  std::string deep;
  for (int i = 0; i < 9000; ++i) deep += "[";
  deep += std::string(9000, ']');
  deployed_api(api_body("DeepJ", "/deepj", ops(policy("jsonToXML"), "")), "/deepj/1.0.0/x");
  auto r = post("/deepj/1.0.0/orders", deep);
  EXPECT_EQ(r.status, 400) << r.body.substr(0, 300);
  EXPECT_EQ(json_of(r)["code"].as_int64(), 101410);
  EXPECT_NE(str(json_of(r)["description"]).find("deeper than 64 levels"), std::string::npos) << r.body;

  backend_->serve_static("/backend/deep.json", deep);
  deployed_api(api_body("DeepJR", "/deepjr", ops("", policy("jsonToXML"))), "/deepjr/1.0.0/x");
  auto res = gw().get("/deepjr/1.0.0/deep.json");
  EXPECT_EQ(res.status, 502) << res.body.substr(0, 300);
  EXPECT_EQ(json_of(res)["code"].as_int64(), 101505);
}

TEST_F(GatewayPayload, DefinitionsThatDoNotCompileAreRefusedNamingTheParameter) {
  auto bad_pointer = admin("POST", kApis, api_body("BadJt", "/badjt", ops(policy("jsonTransform",
      R"({"operations":[{"op":"set","path":"/a","value":1},{"op":"remove","path":"a"}]})"), "")));
  EXPECT_EQ(bad_pointer.status, 400);
  EXPECT_NE(str(json_of(bad_pointer)["description"])
                .find("'operations[0].operationPolicies.request[0].parameters.operations[1].path'"),
            std::string::npos)
      << bad_pointer.body;
  auto bad_op = admin("POST", kApis, api_body("BadJt2", "/badjt2", ops(policy("jsonTransform",
      R"({"operations":[{"op":"copy","path":"/a"}]})"), "")));
  EXPECT_EQ(bad_op.status, 400);
  auto missing = admin("POST", kApis, api_body("BadJt3", "/badjt3", ops(policy("jsonTransform"), "")));
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(str(json_of(missing)["description"]).find("parameters.operations' is required"), std::string::npos);
  auto root = admin("POST", kApis, api_body("BadRoot", "/badroot", ops(policy("jsonToXML", R"({"rootElement":"1 x"})"), "")));
  EXPECT_EQ(root.status, 400);
  EXPECT_NE(str(json_of(root)["description"]).find("parameters.rootElement"), std::string::npos) << root.body;

  // A good program is stored and returned as a JSON array.
  const std::string id = create_api(api_body("GoodJt", "/goodjt", ops(policy("jsonTransform",
      R"({"operations":[{"op":"remove","path":"/x"}]})"), "")));
  auto got = admin("GET", kApis + "/" + id);
  auto op = json_of(got)["operations"].as_array()[0].as_object();
  const auto& params = op.at("operationPolicies").at("request").as_array()[0].at("parameters").as_object();
  EXPECT_EQ(params.at("operations"), boost::json::parse(R"([{"op":"remove","path":"/x"}])"));
}

}  // namespace
}  // namespace archway::testing
