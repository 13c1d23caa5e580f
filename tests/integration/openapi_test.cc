// OpenAPI through the Publisher: import (file, url), validate, export (JSON, YAML) checked by an
// independent validator (tools/openapi-check, @apidevtools/swagger-parser under node), PUT
// swagger, revisions, round trips and bad input.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <tuple>

#include "integration/fixture.h"
#include "support/openapi_samples.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

struct Part {
  std::string name;
  std::string content;
  std::string filename;  // empty: a plain field
};

// (verb, target, authType, throttlingPolicy, scopes) of every operation of an API body.
std::set<std::tuple<std::string, std::string, std::string, std::string, std::string>> operations_of(
    const json::object& api) {
  std::set<std::tuple<std::string, std::string, std::string, std::string, std::string>> out;
  for (const auto& v : api.at("operations").as_array()) {
    const auto& o = v.as_object();
    out.emplace(str(o.at("verb")), str(o.at("target")), str(o.at("authType")), str(o.at("throttlingPolicy")),
                json::serialize(o.at("scopes")));
  }
  return out;
}

class OpenApi : public ServerSuite {
 protected:
  HttpResponse form(const std::string& method, const std::string& target, const std::vector<Part>& parts,
                    const std::string& accept = "") {
    Multipart body;
    for (const auto& p : parts) {
      if (p.filename.empty()) body.field(p.name, p.content);
      else body.file(p.name, p.filename, p.content);
    }
    if (accept.empty()) return admin_form(method, target, body);
    HttpRequest req;
    req.method = method;
    req.target = target;
    req.headers = {{"Authorization", basic_auth(kAdmin, kPassword)}, {"Content-Type", body.content_type()},
                   {"Accept", accept}};
    req.body = body.body();
    return mgmt().send(req);
  }

  HttpResponse import(const std::string& definition, const std::string& additional, const std::string& filename = "api.yaml") {
    std::vector<Part> parts{{"file", definition, filename}};
    if (!additional.empty()) parts.push_back({"additionalProperties", additional, ""});
    return form("POST", kApis + "/import-openapi", parts);
  }

  HttpResponse swagger(const std::string& id, const std::string& accept = "") {
    HttpRequest req;
    req.target = kApis + "/" + id + "/swagger";
    req.headers = {{"Authorization", basic_auth(kAdmin, kPassword)}};
    if (!accept.empty()) req.headers.emplace_back("Accept", accept);
    return mgmt().send(req);
  }

  std::string imported(const std::string& definition, const std::string& additional) {
    auto r = import(definition, additional);
    EXPECT_EQ(r.status, 201) << r.body;
    return str(json_of(r)["id"]);
  }
};

TEST_F(OpenApi, ImportingAYamlFileCreatesTheApiWithOperationsScopesAndEndpoint) {
  auto r = import(petstore_yaml(), R"({"context":"/imp-petstore","policies":["Unlimited"]})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_NE(r.header("location").find("/apis/"), std::string::npos);
  auto api = json_of(admin("GET", kApis + "/" + str(json_of(r)["id"])));
  EXPECT_EQ(str(api["name"]), "Swagger Petstore");
  EXPECT_EQ(str(api["version"]), "1.0.0");
  EXPECT_EQ(str(api["context"]), "/imp-petstore");  // additionalProperties win
  EXPECT_EQ(str(api["endpointConfig"].at("production_endpoints").at("url")), "http://backend.example.com/pets");
  const auto ops = operations_of(api);
  EXPECT_EQ(ops.size(), 5u);
  EXPECT_TRUE(ops.count({"POST", "/pets", "Application", "Unlimited", R"(["write:pets","read:pets"])"}));
  EXPECT_TRUE(ops.count({"DELETE", "/pets/{petId}", "None", "Unlimited", "[]"}));
  EXPECT_EQ(api["scopes"].as_array().size(), 2u);
}

TEST_F(OpenApi, TheFirstAbsoluteServerUrlBecomesTheProductionEndpointWhenNoneIsGiven) {
  const auto definition = [](const std::string& servers, const std::string& title) {
    return "openapi: 3.0.1\ninfo:\n  title: " + title + "\n  version: '1'\nservers:\n" + servers +
           "paths:\n  /items:\n    get:\n      responses:\n        '200':\n          description: ok\n";
  };
  const auto endpoint_of = [&](const std::string& id) {
    return json_of(admin("GET", kApis + "/" + id))["endpointConfig"];
  };
  // Templated and relative URLs cannot be an endpoint: the first absolute one is taken.
  const std::string id = imported(definition("  - url: '{scheme}://x.example'\n    variables:\n      scheme:\n        default: https\n"
                                             "  - url: /v1\n"
                                             "  - url: https://items.example.com/v2\n", "ServersEndpoint"),
                                  "");
  EXPECT_EQ(str(endpoint_of(id).at("production_endpoints").at("url")), "https://items.example.com/v2");
  EXPECT_FALSE(endpoint_of(id).as_object().contains("sandbox_endpoints"));
  // additionalProperties still win.
  const std::string given = imported(definition("  - url: https://items.example.com/v2\n", "ServersGiven"),
                                     R"({"endpointConfig":{"endpoint_type":"http",)"
                                     R"("production_endpoints":{"url":"http://other.example:8080/x"}}})");
  EXPECT_EQ(str(endpoint_of(given).at("production_endpoints").at("url")), "http://other.example:8080/x");
  // Only relative ones: no endpoint, as before.
  const std::string none = imported(definition("  - url: /v1\n", "ServersRelative"), "");
  EXPECT_TRUE(endpoint_of(none).is_null()) << json::serialize(endpoint_of(none));
}

TEST_F(OpenApi, ImportingByUrlFetchesTheDefinitionWithHundredsOfOperations) {
  backend_->serve_static("/defs/inventory.json", large_definition_json(SampleFlavour::kOpenApi30, 60));
  auto r = form("POST", kApis + "/import-openapi",
                {{"url", backend_->url("/defs/inventory.json"), ""},
                 {"additionalProperties", R"({"name":"ImpUrl","context":"/imp-url"})", ""}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto api = json_of(r);
  EXPECT_EQ(api["operations"].as_array().size(), 300u);
  EXPECT_EQ(api["scopes"].as_array().size(), 120u);
  EXPECT_EQ(str(api["context"]), "/imp-url");
}

TEST_F(OpenApi, UnreachableOrFailingUrlsAre400) {
  auto down = form("POST", kApis + "/import-openapi",
                   {{"url", "http://127.0.0.1:" + std::to_string(refused_port()) + "/x.yaml", ""}});
  EXPECT_EQ(down.status, 400) << down.body;
  EXPECT_NE(down.body.find("Could not fetch"), std::string::npos) << down.body;
  auto missing = form("POST", kApis + "/validate-openapi", {{"url", backend_->url("/status/404"), ""}});
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_NE(missing.body.find("HTTP 404"), std::string::npos) << missing.body;
  auto ftp = form("POST", kApis + "/import-openapi", {{"url", "ftp://example.com/a.yaml", ""}});
  EXPECT_EQ(ftp.status, 400) << ftp.body;
}

TEST_F(OpenApi, AnInvalidDefinitionIs400NamingEveryLocationAndCreatesNothing) {
  const std::string broken = R"(openapi: 3.0.1
info:
  title: Broken Import
paths:
  /things/{id}:
    get:
      operationId: dup
      responses:
        '200':
          $ref: '#/components/responses/Nope'
  /other:
    fetch: {}
    post:
      operationId: dup
)";
  auto r = import(broken, "");
  ASSERT_EQ(r.status, 400) << r.body;
  const std::string d = str(json_of(r)["description"]);
  for (const char* where : {"/info", "/paths/~1things~1{id}/get/parameters", "/paths/~1things~1{id}/get/responses/200/$ref",
                            "/paths/~1other/fetch", "/paths/~1other/post/operationId", "/paths/~1other/post"})
    EXPECT_NE(d.find(where), std::string::npos) << where << " missing from: " << d;
  auto list = json_of(admin("GET", kApis + "?query=name:Broken"));
  EXPECT_EQ(list["count"].as_int64(), 0);

  // additionalProperties that the API cannot take: 400 naming the field, nothing created
  auto bad_props = import(petstore_yaml(), R"({"context":"no-slash","name":"Petstore Bad Props"})");
  EXPECT_EQ(bad_props.status, 400) << bad_props.body;
  EXPECT_NE(bad_props.body.find("context"), std::string::npos);
  EXPECT_EQ(json_of(admin("GET", kApis + "?query=name:Props"))["count"].as_int64(), 0);
  auto not_json = import(petstore_yaml(), "{nope");
  EXPECT_EQ(not_json.status, 400) << not_json.body;
}

TEST_F(OpenApi, FormsMustCarryExactlyOneDefinition) {
  EXPECT_EQ(admin("POST", kApis + "/import-openapi", "{}").status, 415);
  auto none = form("POST", kApis + "/import-openapi", {{"additionalProperties", "{}", ""}});
  EXPECT_EQ(none.status, 400);
  EXPECT_NE(none.body.find("'file'"), std::string::npos) << none.body;
  auto both = form("POST", kApis + "/validate-openapi", {{"file", petstore_yaml(), "a.yaml"}, {"url", "http://x/", ""}});
  EXPECT_EQ(both.status, 400) << both.body;
  auto syntax = import("openapi: 3.0.0\ninfo: [oops\n", "");
  EXPECT_EQ(syntax.status, 400);
  EXPECT_NE(syntax.body.find("YAML syntax error at line"), std::string::npos) << syntax.body;
}

TEST_F(OpenApi, ValidateAnswers200WithEveryErrorAndItsLocation) {
  const std::string broken = R"({"openapi":"3.0.1","info":{"title":"t"},"servers":[{"url":"ftp://x"}],
    "paths":{"/a/{id}":{"get":{"responses":{}}},"/b":{"GET":{}}}})";
  auto r = form("POST", kApis + "/validate-openapi", {{"file", broken, "a.json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = json_of(r);
  EXPECT_FALSE(body["isValid"].as_bool());
  std::set<std::string> locations;
  for (const auto& e : body["errors"].as_array()) locations.insert(str(e.at("location")));
  for (const char* where : {"/info", "/servers/0/url", "/paths/~1a~1{id}/get/parameters", "/paths/~1a~1{id}/get/responses",
                            "/paths/~1b/GET"})
    EXPECT_TRUE(locations.count(where)) << where << " in " << r.body;
  EXPECT_FALSE(body.contains("info"));

  auto ok = form("POST", kApis + "/validate-openapi?returnContent=true", {{"file", petstore_yaml(), "p.yaml"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto good = json_of(ok);
  EXPECT_TRUE(good["isValid"].as_bool()) << ok.body;
  EXPECT_EQ(good["errors"].as_array().size(), 0u);
  EXPECT_EQ(str(good["info"].at("name")), "Swagger Petstore");
  EXPECT_EQ(str(good["info"].at("context")), "/petstore/v1");
  EXPECT_EQ(str(good["info"].at("openAPIVersion")), "3.0.3");
  EXPECT_EQ(str(good["content"]), petstore_yaml());

  auto yaml_err = form("POST", kApis + "/validate-openapi", {{"file", "openapi: 3.0.0\ninfo:\n  title: x\n  version: 1.0\npaths: {}\n", "v.yaml"}});
  auto ye = json_of(yaml_err)["errors"].as_array();
  ASSERT_EQ(ye.size(), 1u) << yaml_err.body;
  EXPECT_EQ(ye[0].at("line").as_int64(), 4);
}

TEST_F(OpenApi, ExportsAreValidOpenApiWithGatewayUrlsSecurityAndTiers) {
  const std::string id = imported(petstore_yaml(), R"({"name":"ExpPetstore","context":"/exp-petstore","policies":["Unlimited"]})");
  deploy(id, create_revision(id));
  auto j = swagger(id);
  ASSERT_EQ(j.status, 200) << j.body;
  EXPECT_NE(j.header("content-type").find("application/json"), std::string::npos);
  auto doc = json_of(j);
  EXPECT_EQ(str(doc["openapi"]), "3.0.3");
  const std::string gw = "http://localhost:" + std::to_string(server_->gateway_port()) + "/exp-petstore/1.0.0";
  bool has_gw = false;
  for (const auto& s : doc["servers"].as_array()) has_gw |= str(s.at("url")) == gw;
  EXPECT_TRUE(has_gw) << json::serialize(doc["servers"]);
  EXPECT_EQ(str(doc["x-wso2-basePath"]), "/exp-petstore/1.0.0");
  EXPECT_EQ(str(doc["paths"].at("/pets").at("post").at("x-auth-type")), "Application");
  EXPECT_EQ(str(doc["paths"].at("/pets").at("get").at("x-throttling-tier")), "Unlimited");
  EXPECT_TRUE(doc["components"].at("securitySchemes").at("default").at("flows").at("clientCredentials").at("scopes").as_object().contains("read:pets"));

  auto y = swagger(id, "application/yaml");
  ASSERT_EQ(y.status, 200);
  EXPECT_EQ(y.header("content-type"), "application/yaml");
  EXPECT_EQ(y.body.rfind("openapi: \"3.0.3\"", 0), 0u) << y.body.substr(0, 80);

  const std::string sw = imported(large_definition_yaml(SampleFlavour::kSwagger20, 40), R"({"name":"ExpSwagger","context":"/exp-swagger"})");
  const std::string v31 = imported(large_definition_json(SampleFlavour::kOpenApi31, 40), R"({"name":"Exp31","context":"/exp-31"})");
  auto sw_doc = swagger(sw, "application/yaml");
  auto v31_doc = swagger(v31);
  ASSERT_EQ(sw_doc.status, 200);
  EXPECT_NE(sw_doc.body.find("swagger: \"2.0\""), std::string::npos);
  expect_valid_by_independent_validator({{"petstore.json", j.body},
                                         {"petstore.yaml", y.body},
                                         {"swagger.yaml", sw_doc.body},
                                         {"v31.json", v31_doc.body}});
}

TEST_F(OpenApi, ExportsOfApisDesignedByHandAndOperationsAddedByPutAreValid) {
  const std::string id = create_api(api_body("HandMade", "/hand-made",
                                             R"([{"target":"/orders/{orderId}/items","verb":"GET","authType":"None"}])"));
  auto hand = swagger(id);
  ASSERT_EQ(hand.status, 200);
  EXPECT_EQ(str(json_of(hand)["openapi"]), "3.0.1");

  const std::string imp = imported(petstore_yaml(), R"({"name":"PutOps","context":"/put-ops"})");
  auto api = json_of(admin("GET", kApis + "/" + imp));
  api["operations"].as_array().push_back(json::object{{"target", "/pets/{petId}/toys/{toyId}"}, {"verb", "PATCH"},
                                                      {"authType", "Application User"}, {"throttlingPolicy", "10KPerMin"}});
  ASSERT_EQ(admin("PUT", kApis + "/" + imp, json::serialize(api)).status, 200);
  auto after = swagger(imp);
  auto doc = json_of(after);
  const auto& patch = doc["paths"].at("/pets/{petId}/toys/{toyId}").at("patch").as_object();
  EXPECT_EQ(str(patch.at("x-auth-type")), "Application User");
  EXPECT_EQ(str(patch.at("x-throttling-tier")), "10KPerMin");
  // the stored definition survives the edit: what it said about /pets is still there
  EXPECT_EQ(str(doc["paths"].at("/pets").at("get").at("operationId")), "listPets");
  expect_valid_by_independent_validator({{"hand.json", hand.body}, {"put-ops.json", after.body}});
}

TEST_F(OpenApi, PutSwaggerReplacesTheOperationsAndABadOneChangesNothing) {
  const std::string id = imported(petstore_yaml(), R"({"name":"PutSwagger","context":"/put-swagger"})");
  const std::string v2 = R"(openapi: 3.0.1
info: {title: Swagger Petstore, version: 1.0.0}
paths:
  /pets:
    get:
      x-auth-type: None
      responses: {'200': {description: ok}}
  /owners/{ownerId}:
    get:
      parameters: [{name: ownerId, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok}}
)";
  auto r = form("PUT", kApis + "/" + id + "/swagger", {{"apiDefinition", v2, ""}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(json_of(r)["paths"].as_object().contains("/owners/{ownerId}"));
  auto api = json_of(admin("GET", kApis + "/" + id));
  const auto ops = operations_of(api);
  EXPECT_EQ(ops.size(), 2u);
  EXPECT_TRUE(ops.count({"GET", "/pets", "None", "Unlimited", "[]"}));

  auto bad = form("PUT", kApis + "/" + id + "/swagger", {{"file", "openapi: 3.0.1\ninfo: {title: x}\npaths: {}\n", "b.yaml"}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("/info"), std::string::npos);
  EXPECT_EQ(operations_of(json_of(admin("GET", kApis + "/" + id))), ops);
  auto missing = form("PUT", kApis + "/no-such-api/swagger", {{"apiDefinition", v2, ""}});
  EXPECT_EQ(missing.status, 404);
}

TEST_F(OpenApi, RevisionsKeepTheirDefinition) {
  const std::string id = imported(petstore_yaml(), R"({"name":"RevSwagger","context":"/rev-swagger"})");
  const std::string rev = create_revision(id);
  const std::string v2 = R"({"openapi":"3.0.1","info":{"title":"Swagger Petstore","version":"1.0.0"},
    "paths":{"/only":{"get":{"responses":{"200":{"description":"ok"}}}}}})";
  ASSERT_EQ(form("PUT", kApis + "/" + id + "/swagger", {{"apiDefinition", v2, ""}}).status, 200);
  EXPECT_FALSE(json_of(swagger(id))["paths"].as_object().contains("/pets"));
  ASSERT_EQ(admin("POST", kApis + "/" + id + "/restore-revision?revisionId=" + rev).status, 201);
  auto doc = json_of(swagger(id));
  EXPECT_TRUE(doc["paths"].as_object().contains("/pets"));
  EXPECT_EQ(str(doc["paths"].at("/pets").at("get").at("operationId")), "listPets");
}

TEST_F(OpenApi, ImportExportImportKeepsTheOperations) {
  for (auto [flavour, name] : {std::pair{SampleFlavour::kOpenApi30, "rt30"}, std::pair{SampleFlavour::kSwagger20, "rt20"}}) {
    const std::string first = imported(large_definition_yaml(flavour, 20),
                                       R"({"name":")" + std::string(name) + R"(a","context":"/)" + name + R"(a"})");
    auto exported = swagger(first, "application/yaml");
    ASSERT_EQ(exported.status, 200);
    const std::string second = imported(exported.body, R"({"name":")" + std::string(name) + R"(b","context":"/)" + name + R"(b"})");
    auto a = json_of(admin("GET", kApis + "/" + first));
    auto b = json_of(admin("GET", kApis + "/" + second));
    EXPECT_EQ(operations_of(a), operations_of(b)) << name;
    EXPECT_EQ(a["operations"].as_array().size(), 100u);
    EXPECT_EQ(json::serialize(a["scopes"]), json::serialize(b["scopes"]));
  }
}

TEST_F(OpenApi, DevPortalServesThePublishedDefinitionWithoutBackendEndpoints) {
  const std::string id = imported(petstore_yaml(), R"({"name":"DevPetstore","context":"/dev-petstore","policies":["Unlimited"]})");
  const std::string dev = kDev + "/apis/" + id + "/swagger";
  EXPECT_EQ(admin("GET", dev).status, 404);  // CREATED: the portal does not show it yet
  EXPECT_NE(str(json_of(swagger(id))["x-wso2-production-endpoints"]), "null");  // the publisher sees the backend
  deploy(id, create_revision(id));
  ASSERT_EQ(admin("POST", kApis + "/change-lifecycle?apiId=" + id + "&action=Publish").status, 200);

  auto j = admin("GET", dev);
  ASSERT_EQ(j.status, 200) << j.body;
  auto doc = json_of(j);
  EXPECT_FALSE(doc.contains("x-wso2-production-endpoints")) << j.body.substr(0, 400);
  EXPECT_FALSE(doc.contains("x-wso2-sandbox-endpoints"));
  EXPECT_EQ(j.body.find("backend.example.com"), std::string::npos);  // the backend host is not named anywhere
  const std::string gw = "http://localhost:" + std::to_string(server_->gateway_port()) + "/dev-petstore/1.0.0";
  bool has_gw = false;
  for (const auto& s : doc["servers"].as_array()) has_gw |= str(s.at("url")) == gw;
  EXPECT_TRUE(has_gw) << json::serialize(doc["servers"]);
  EXPECT_TRUE(doc["paths"].as_object().contains("/pets"));

  HttpRequest yaml;
  yaml.target = dev;
  yaml.headers = {{"Authorization", basic_auth(kAdmin, kPassword)}, {"Accept", "application/yaml"}};
  auto y = mgmt().send(yaml);
  ASSERT_EQ(y.status, 200);
  EXPECT_EQ(y.header("content-type"), "application/yaml");
  expect_valid_by_independent_validator({{"devportal.json", j.body}, {"devportal.yaml", y.body}});

  EXPECT_EQ(mgmt().get(dev).status, 200);  // anonymous callers read public APIs' definitions
  EXPECT_EQ(mgmt().call("GET", dev, "", kAdmin, "wrong-password").status, 401);
  EXPECT_EQ(admin("GET", kDev + "/apis/no-such-api/swagger").status, 404);
  ASSERT_EQ(admin("POST", kApis + "/change-lifecycle?apiId=" + id + "&action=Retire").status, 400);  // not from PUBLISHED
  ASSERT_EQ(admin("POST", kApis + "/change-lifecycle?apiId=" + id + "&action=Deprecate").status, 200);
  ASSERT_EQ(admin("POST", kApis + "/change-lifecycle?apiId=" + id + "&action=Retire").status, 200);
  EXPECT_EQ(admin("GET", dev).status, 404);  // RETIRED leaves the portal
}

}  // namespace
}  // namespace archway::testing
