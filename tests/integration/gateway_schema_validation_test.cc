// Schema validation (enableSchemaValidation, enableResponseSchemaValidation) through the real
// gateway and a real backend: valid requests pass unchanged, invalid ones are answered 400 / 415 /
// 413 naming where they fail and never reach the backend, responses are checked when asked, and
// the Publisher refuses a definition that cannot be compiled.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

const std::string kOrders = R"({"openapi":"3.0.3","info":{"title":"Orders","version":"1.0.0"},
  "paths":{
    "/orders/{orderId}":{"post":{"x-auth-type":"None",
      "parameters":[{"name":"orderId","in":"path","required":true,"schema":{"type":"integer","minimum":1}},
                    {"name":"limit","in":"query","required":true,"schema":{"type":"integer","maximum":100}},
                    {"name":"X-Channel","in":"header","schema":{"type":"string","enum":["web","app"]}}],
      "requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Order"}}}},
      "responses":{"200":{"description":"ok"}}}},
    "/orders":{"get":{"x-auth-type":"None",
      "responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"array",
        "items":{"$ref":"#/components/schemas/Order"}}}}}}}}},
  "components":{"schemas":{"Order":{"type":"object","required":["item"],"properties":{
    "item":{"type":"string","minLength":1},
    "qty":{"type":"integer","minimum":1},
    "lines":{"type":"array","items":{"type":"object","properties":{"price":{"type":"number","maximum":100}}}}}}}}})";

class GatewaySchemaValidation : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    ServerOptions o;
    o.extra_args = {"--set", "gateway.max_transform_bytes=4096"};
    server_ = new ServerProcess(o);
    backend_ = new Backend();
  }

  HttpResponse import(const std::string& definition, const std::string& additional) {
    Multipart body;
    body.file("file", "orders.json", definition);
    body.field("additionalProperties", additional);
    return admin_form("POST", kApis + "/import-openapi", body);
  }

  // The Orders definition as a deployed API at `context` with these extra fields.
  std::string orders_api(const std::string& name, const std::string& context, const std::string& fields) {
    auto r = import(kOrders, R"({"name":")" + name + R"(","context":")" + context +
                                 R"(","endpointConfig":{"endpoint_type":"http","production_endpoints":{"url":")" +
                                 backend_->url("/backend") + R"("}})" + fields + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    const std::string id = str(json_of(r)["id"]);
    deploy(id, create_revision(id));
    wait_for_status(context + "/1.0.0/orders", [](int s) { return s != 404; });
    return id;
  }

  HttpResponse post(const std::string& target, const std::string& body,
                    const std::string& content_type = "application/json",
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest r;
    r.method = "POST";
    r.target = target;
    r.headers = std::move(headers);
    r.headers.emplace_back("Content-Type", content_type);
    r.body = body;
    return gw().send(r);
  }

  // Asserts a refusal with `status` whose problem names `location` first, with `reason`.
  void expect_refused(const HttpResponse& r, int status, const std::string& location, const std::string& reason) {
    ASSERT_EQ(r.status, status) << r.body;
    auto p = json_of(r);
    EXPECT_EQ(p["code"].to_number<int>(), status) << r.body;
    EXPECT_EQ(str(p["location"]), location) << r.body;
    ASSERT_FALSE(p["errors"].as_array().empty()) << r.body;
    EXPECT_EQ(str(p["errors"].as_array()[0].at("message")), reason) << r.body;
    EXPECT_TRUE(str(p["description"]).starts_with("Schema validation failed in the ")) << r.body;
  }
};

TEST_F(GatewaySchemaValidation, ValidRequestReachesTheBackendUnchanged) {
  orders_api("SvValid", "/sv-valid", R"(,"enableSchemaValidation":true)");
  const std::string body = R"({"item":"pen","qty":2,"lines":[{"price":9.5}]})";
  auto r = post("/sv-valid/1.0.0/orders/7?limit=10", body, "application/json", {{"X-Channel", "web"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto echo = json_of(r);
  EXPECT_EQ(str(echo["method"]), "POST");
  EXPECT_EQ(str(echo["target"]), "/backend/orders/7?limit=10");
  EXPECT_EQ(str(echo["body"]), body);
  EXPECT_EQ(str(echo["headers"].at("content-type")), "application/json");
  EXPECT_EQ(str(echo["headers"].at("x-channel")), "web");

  // Chunked bodies are read whole, checked and forwarded with their length.
  HttpRequest chunked;
  chunked.method = "POST";
  chunked.target = "/sv-valid/1.0.0/orders/8?limit=1";
  chunked.headers = {{"Content-Type", "application/json"}};
  chunked.body = body;
  chunked.chunked = true;
  auto c = gw().send(chunked);
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(str(json_of(c)["body"]), body);
}

TEST_F(GatewaySchemaValidation, InvalidBodyIsRefusedWith400NamingWhereAndNeverForwarded) {
  orders_api("SvBody", "/sv-body", R"(,"enableSchemaValidation":true)");
  const int served = backend_->requests_served();
  expect_refused(post("/sv-body/1.0.0/orders/7?limit=10", R"({"item":"pen","lines":[{"price":1},{"price":101}]})"), 400,
                 "/body/lines/1/price", "must be <= 100");
  expect_refused(post("/sv-body/1.0.0/orders/7?limit=10", R"({"qty":0})"), 400, "/body/item", "is required");
  expect_refused(post("/sv-body/1.0.0/orders/7?limit=10", R"({"item":"pen","qty":"2"})"), 400, "/body/qty",
                 "expected integer, found string");
  auto malformed = post("/sv-body/1.0.0/orders/7?limit=10", R"({"item":)");
  ASSERT_EQ(malformed.status, 400) << malformed.body;
  EXPECT_EQ(str(json_of(malformed)["location"]), "/body");
  expect_refused(post("/sv-body/1.0.0/orders/7?limit=10", ""), 400, "/body", "is required");
  auto both = json_of(post("/sv-body/1.0.0/orders/7?limit=10", R"({"qty":0})"));
  EXPECT_EQ(both["errors"].as_array().size(), 2u);  // every failure up to the bound, not just the first
  EXPECT_EQ(backend_->requests_served(), served);
}

TEST_F(GatewaySchemaValidation, InvalidParametersAreRefusedWith400AndNeverForwarded) {
  orders_api("SvParams", "/sv-params", R"(,"enableSchemaValidation":true)");
  const std::string body = R"({"item":"pen"})";
  const int served = backend_->requests_served();
  expect_refused(post("/sv-params/1.0.0/orders/7", body), 400, "query.limit", "is required");
  expect_refused(post("/sv-params/1.0.0/orders/7?limit=ten", body), 400, "query.limit", "expected integer, found string");
  expect_refused(post("/sv-params/1.0.0/orders/7?limit=101", body), 400, "query.limit", "must be <= 100");
  expect_refused(post("/sv-params/1.0.0/orders/0?limit=1", body), 400, "path.orderId", "must be >= 1");
  expect_refused(post("/sv-params/1.0.0/orders/7?limit=1", body, "application/json", {{"X-Channel", "fax"}}), 400,
                 "header.X-Channel", R"(must be one of ["web", "app"])");
  EXPECT_EQ(backend_->requests_served(), served);
  // The connection stays usable after a refusal.
  HttpClient c = gw();
  HttpRequest bad;
  bad.method = "POST";
  bad.target = "/sv-params/1.0.0/orders/7";
  bad.headers = {{"Content-Type", "application/json"}};
  bad.body = body;
  EXPECT_EQ(c.send(bad).status, 400);
  bad.target = "/sv-params/1.0.0/orders/7?limit=5";
  EXPECT_EQ(c.send(bad).status, 200);
}

TEST_F(GatewaySchemaValidation, RefusalsGoThroughTheApisFaultFlow) {
  orders_api("SvFault", "/sv-fault",
             R"(,"enableSchemaValidation":true,"apiPolicies":{"fault":[{"policyName":"setHeader","policyVersion":"v1",
                 "parameters":{"headerName":"X-Fault","headerValue":"schema"}}]})");
  auto r = post("/sv-fault/1.0.0/orders/7?limit=1", R"({"qty":1})");
  expect_refused(r, 400, "/body/item", "is required");
  EXPECT_EQ(r.header("x-fault"), "schema");
}

TEST_F(GatewaySchemaValidation, UndeclaredContentTypeIsRefusedWith415) {
  orders_api("SvMedia", "/sv-media", R"(,"enableSchemaValidation":true)");
  const int served = backend_->requests_served();
  expect_refused(post("/sv-media/1.0.0/orders/7?limit=1", "<order/>", "application/xml"), 415, "header.Content-Type",
                 "'application/xml' is not a media type this operation accepts (application/json)");
  EXPECT_EQ(backend_->requests_served(), served);
}

TEST_F(GatewaySchemaValidation, BodyBeyondTheGatewayLimitIsRefusedWith413) {
  orders_api("SvLarge", "/sv-large", R"(,"enableSchemaValidation":true)");
  const int served = backend_->requests_served();
  auto r = post("/sv-large/1.0.0/orders/7?limit=1", R"({"item":")" + std::string(5000, 'x') + R"("})");
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(backend_->requests_served(), served);
}

TEST_F(GatewaySchemaValidation, WithTheSwitchOffInvalidRequestsPassToTheBackend) {
  const std::string id = orders_api("SvOff", "/sv-off", "");
  EXPECT_EQ(json_of(admin("GET", kApis + "/" + id))["enableSchemaValidation"], boost::json::value(false));
  auto r = post("/sv-off/1.0.0/orders/0?limit=ten", R"({"qty":"many"})", "application/xml");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json_of(r)["body"]), R"({"qty":"many"})");
}

TEST_F(GatewaySchemaValidation, ResponseValidationAnswers500ForAResponseThatBreaksItsSchema) {
  backend_->serve_static("/backend/orders", R"([{"item":"pen"},{"qty":3}])");
  orders_api("SvRespOn", "/sv-resp-on", R"(,"enableSchemaValidation":true,"enableResponseSchemaValidation":true)");
  orders_api("SvRespOff", "/sv-resp-off", R"(,"enableSchemaValidation":true)");
  auto on = gw().get("/sv-resp-on/1.0.0/orders");
  expect_refused(on, 500, "/body/1/item", "is required");
  EXPECT_TRUE(str(json_of(on)["description"]).starts_with("Schema validation failed in the Response")) << on.body;
  auto off = gw().get("/sv-resp-off/1.0.0/orders");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.body, R"([{"item":"pen"},{"qty":3}])");

  backend_->serve_static("/backend/orders", R"([{"item":"pen"},{"item":"ink","qty":3}])");
  auto good = gw().get("/sv-resp-on/1.0.0/orders");
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(good.body, R"([{"item":"pen"},{"item":"ink","qty":3}])");
}

TEST_F(GatewaySchemaValidation, SwaggerBodyParameterIsValidated) {
  const std::string swagger = R"({"swagger":"2.0","info":{"title":"Pets","version":"1.0.0"},
    "consumes":["application/json"],
    "paths":{"/pets":{"post":{"x-auth-type":"None","parameters":[
      {"name":"body","in":"body","required":true,"schema":{"$ref":"#/definitions/Pet"}},
      {"name":"limit","in":"query","type":"integer","maximum":5}],
      "responses":{"200":{"description":"ok"}}}}},
    "definitions":{"Pet":{"type":"object","required":["name"],"properties":{"name":{"type":"string"}}}}})";
  auto r = import(swagger, R"({"name":"SvSwagger","context":"/sv-swagger","enableSchemaValidation":true,
                              "endpointConfig":{"endpoint_type":"http","production_endpoints":{"url":")" +
                               backend_->url("/backend") + R"("}}})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = str(json_of(r)["id"]);
  deploy(id, create_revision(id));
  wait_for_status("/sv-swagger/1.0.0/pets", [](int s) { return s != 404; });
  EXPECT_EQ(post("/sv-swagger/1.0.0/pets?limit=2", R"({"name":"rex"})").status, 200);
  expect_refused(post("/sv-swagger/1.0.0/pets", R"({"tag":"x"})"), 400, "/body/name", "is required");
  expect_refused(post("/sv-swagger/1.0.0/pets?limit=9", R"({"name":"rex"})"), 400, "query.limit", "must be <= 5");
}

TEST_F(GatewaySchemaValidation, SwitchIsStoredExposedAndCopiedWithTheApi) {
  const std::string id = create_api(api_body("SvField", "/sv-field"));
  auto api = json_of(admin("GET", kApis + "/" + id));
  EXPECT_EQ(api["enableSchemaValidation"], boost::json::value(false));
  EXPECT_EQ(api["enableResponseSchemaValidation"], boost::json::value(false));
  api["enableSchemaValidation"] = true;
  api["enableResponseSchemaValidation"] = true;
  auto put = admin("PUT", kApis + "/" + id, boost::json::serialize(api));
  ASSERT_EQ(put.status, 200) << put.body;
  auto got = json_of(admin("GET", kApis + "/" + id));
  EXPECT_EQ(got["enableSchemaValidation"], boost::json::value(true));
  EXPECT_EQ(got["enableResponseSchemaValidation"], boost::json::value(true));
  auto copy = admin("POST", kApis + "/copy-api?apiId=" + id + "&newVersion=2.0.0");
  ASSERT_EQ(copy.status, 201) << copy.body;
  EXPECT_EQ(json_of(copy)["enableSchemaValidation"], boost::json::value(true));
  EXPECT_EQ(json_of(copy)["enableResponseSchemaValidation"], boost::json::value(true));
}

TEST_F(GatewaySchemaValidation, SavingTheSwitchOnADefinitionThatCannotBeCompiledIsRefusedWith400) {
  const std::string bad = R"({"openapi":"3.0.3","info":{"title":"Bad","version":"1.0.0"},
    "paths":{"/codes":{"post":{"x-auth-type":"None",
      "requestBody":{"content":{"application/json":{"schema":{"type":"object","properties":{
        "code":{"type":"string","pattern":"([a-z"}}}}}},
      "responses":{"200":{"description":"ok"}}}}}})";
  auto r = import(bad, R"({"name":"SvBad","context":"/sv-bad"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = str(json_of(r)["id"]);
  auto api = json_of(admin("GET", kApis + "/" + id));
  api["enableSchemaValidation"] = true;
  auto put = admin("PUT", kApis + "/" + id, boost::json::serialize(api));
  ASSERT_EQ(put.status, 400) << put.body;
  EXPECT_NE(put.body.find("/paths/~1codes/post/requestBody/content/application~1json/schema/properties/code/pattern"),
            std::string::npos)
      << put.body;
  EXPECT_EQ(json_of(admin("GET", kApis + "/" + id))["enableSchemaValidation"], boost::json::value(false));
  auto refused = import(bad, R"({"name":"SvBad2","context":"/sv-bad2","enableSchemaValidation":true})");
  EXPECT_EQ(refused.status, 400) << refused.body;
}

}  // namespace
}  // namespace archway::testing
