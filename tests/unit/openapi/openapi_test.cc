#include "openapi/openapi.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/openapi_samples.h"

namespace archway::openapi {
namespace {

namespace json = boost::json;
using testing::SampleFlavour;

// The issue reported at `location` whose message contains `needle`, or nullptr.
const Issue* find_issue(const std::vector<Issue>& issues, std::string_view location, std::string_view needle = "") {
  for (const auto& i : issues)
    if (i.location == location && i.message.find(needle) != std::string::npos) return &i;
  return nullptr;
}

std::string dump(const std::vector<Issue>& issues) {
  std::string out;
  for (const auto& i : issues) out += i.location + " (" + std::to_string(i.line) + ":" + std::to_string(i.column) + "): " + i.message + "\n";
  return out;
}

const domain::Operation* find_op(const domain::Api& api, std::string_view verb, std::string_view target) {
  for (const auto& op : api.operations)
    if (op.verb == verb && op.target == target) return &op;
  return nullptr;
}

const std::string kMinimal30 = R"({"openapi":"3.0.1","info":{"title":"T","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok"}}}}}})";

TEST(OpenApiLoad, PetstoreYamlLoadsAndItsOperationsScopesAuthAndContextComeAcross) {
  LoadResult r = load(testing::petstore_yaml());
  ASSERT_TRUE(r.ok()) << dump(r.errors);
  EXPECT_EQ(r.document->version, SpecVersion::kOpenApi30);
  EXPECT_EQ(r.document->version_text, "3.0.3");
  Extracted x = extract(*r.document);
  EXPECT_TRUE(x.errors.empty()) << dump(x.errors);
  EXPECT_EQ(x.api.name, "Swagger Petstore");
  EXPECT_EQ(x.api.version, "1.0.0");
  EXPECT_EQ(x.api.description, "A sample pet store, with shared schemas.");
  EXPECT_EQ(x.api.context, "/petstore/v1");
  EXPECT_EQ(x.context_source, "servers");
  ASSERT_EQ(x.api.operations.size(), 5u);
  const auto* list = find_op(x.api, "GET", "/pets");
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(list->scopes, std::vector<std::string>{"read:pets"});
  EXPECT_EQ(list->throttling_policy, "Unlimited");
  const auto* create = find_op(x.api, "POST", "/pets");
  ASSERT_NE(create, nullptr);
  EXPECT_EQ(create->auth_type, "Application");
  EXPECT_EQ(create->scopes, (std::vector<std::string>{"write:pets", "read:pets"}));
  const auto* show = find_op(x.api, "GET", "/pets/{petId}");
  ASSERT_NE(show, nullptr);
  EXPECT_EQ(show->scopes, std::vector<std::string>{"read:pets"});  // from x-scopes
  EXPECT_EQ(find_op(x.api, "DELETE", "/pets/{petId}")->auth_type, "None");
  EXPECT_NE(find_op(x.api, "GET", "/stores/{storeId}/orders"), nullptr);
  ASSERT_EQ(x.api.scopes.size(), 2u);
  EXPECT_EQ(x.api.scopes[0].name, "read:pets");
  EXPECT_EQ(x.api.scopes[0].description, "read your pets");
  ASSERT_TRUE(x.api.endpoint_config.production);
  EXPECT_EQ(x.api.endpoint_config.production->url, "http://backend.example.com/pets");
  // the definition is kept, examples included
  EXPECT_NE(x.api.openapi_definition.find("\"Rex\""), std::string::npos);
}

TEST(OpenApiLoad, LargeDefinitionsInEveryFlavourAndSyntaxLoadWithAllOperations) {
  for (auto flavour : {SampleFlavour::kSwagger20, SampleFlavour::kOpenApi30, SampleFlavour::kOpenApi31}) {
    for (bool as_yaml : {false, true}) {
      const std::string text = as_yaml ? testing::large_definition_yaml(flavour, 60)
                                       : testing::large_definition_json(flavour, 60);
      LoadResult r = load(text);
      ASSERT_TRUE(r.ok()) << static_cast<int>(flavour) << " yaml=" << as_yaml << "\n" << dump(r.errors);
      Extracted x = extract(*r.document);
      EXPECT_TRUE(x.errors.empty()) << dump(x.errors);
      EXPECT_EQ(x.api.operations.size(), 300u);
      EXPECT_EQ(x.api.scopes.size(), 120u);
      EXPECT_EQ(x.api.context, "/inventory");
      EXPECT_EQ(x.api.name, "Inventory Platform");
      const auto* put = find_op(x.api, "PUT", "/r59/items/{itemId}");
      ASSERT_NE(put, nullptr);
      EXPECT_EQ(put->auth_type, "Application User");
      EXPECT_EQ(put->scopes, std::vector<std::string>{"r59:write"});
    }
  }
}

TEST(OpenApiLoad, YamlAndJsonOfTheSameDefinitionGiveTheSameDocument) {
  LoadResult a = load(testing::large_definition_json(SampleFlavour::kOpenApi30, 5));
  LoadResult b = load(testing::large_definition_yaml(SampleFlavour::kOpenApi30, 5));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a.document->root, b.document->root);
}

TEST(OpenApiLoad, YamlScalarsAreTypedByTheCoreSchema) {
  LoadResult r = load("openapi: 3.0.0\ninfo:\n  title: T\n  version: '1'\npaths: {}\nx-n: 12\nx-f: 1.5\nx-b: true\n"
                      "x-s: '12'\nx-null: ~\nx-date: 2024-01-01\nx-hex: 0x1F\n");
  ASSERT_TRUE(r.ok()) << dump(r.errors);
  const json::object& o = r.document->root.get_object();
  EXPECT_EQ(o.at("x-n"), json::value(12));
  EXPECT_EQ(o.at("x-f"), json::value(1.5));
  EXPECT_EQ(o.at("x-b"), json::value(true));
  EXPECT_EQ(o.at("x-s"), json::value("12"));
  EXPECT_TRUE(o.at("x-null").is_null());
  EXPECT_EQ(o.at("x-date"), json::value("2024-01-01"));
  EXPECT_EQ(o.at("x-hex"), json::value(31));
}

TEST(OpenApiErrors, YamlSyntaxErrorNamesLineAndColumn) {
  LoadResult r = load("openapi: 3.0.0\ninfo:\n  title: [unclosed\n  version: 1\n");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_GE(r.errors[0].line, 3);
  EXPECT_GT(r.errors[0].column, 0);
  EXPECT_NE(r.errors[0].message.find("YAML syntax error at line"), std::string::npos) << r.errors[0].message;
}

TEST(OpenApiErrors, JsonSyntaxErrorNamesLineAndColumn) {
  LoadResult r = load("{\n  \"openapi\": \"3.0.0\",\n  \"info\": {\"title\": \"x\",, }\n}");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 3);
  EXPECT_GE(r.errors[0].column, 24);  // at the second comma
  EXPECT_LE(r.errors[0].column, 26);
  EXPECT_NE(r.errors[0].message.find("JSON syntax error at line 3, column"), std::string::npos) << r.errors[0].message;
}

TEST(OpenApiErrors, DuplicateYamlKeyIsASyntaxError) {
  LoadResult r = load("openapi: 3.0.0\ninfo:\n  title: a\n  title: b\n  version: '1'\npaths: {}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(find_issue(r.errors, "/info/title", "duplicate key"), nullptr) << dump(r.errors);
  EXPECT_EQ(r.errors[0].line, 4);
}

TEST(OpenApiErrors, HostileInputsAreRefusedWithAnError) {
  LoadResult deep_json = load(std::string(300, '[') + std::string(300, ']'));
  ASSERT_EQ(deep_json.errors.size(), 1u);
  EXPECT_NE(deep_json.errors[0].message.find("JSON syntax error"), std::string::npos) << deep_json.errors[0].message;

  std::string deep_yaml = "openapi: 3.0.0\nx-deep: ";
  for (int i = 0; i < 250; ++i) deep_yaml += "[";
  for (int i = 0; i < 250; ++i) deep_yaml += "]";
  LoadResult dy = load(deep_yaml + "\n");
  ASSERT_FALSE(dy.errors.empty());
  EXPECT_FALSE(dy.document);

  // each level multiplies the previous by ten: 10^8 nodes if expanded
  std::string bomb = "openapi: 3.0.0\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 8; ++i) {
    const std::string prev = "*l" + std::to_string(i - 1);
    bomb += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) bomb += (k ? ", " : "") + prev;
    bomb += "]\n";
  }
  LoadResult b = load(bomb);
  ASSERT_EQ(b.errors.size(), 1u);
  EXPECT_NE(b.errors[0].message.find("through its aliases"), std::string::npos) << b.errors[0].message;
  EXPECT_FALSE(b.document);
}

TEST(OpenApiErrors, EmptyTextAndNonObjectsAndUnknownVersionsAreRefused) {
  EXPECT_NE(find_issue(load("  \n").errors, "", "empty"), nullptr);
  EXPECT_NE(find_issue(load("[1,2]").errors, "", "must be an object"), nullptr);
  EXPECT_NE(find_issue(load(R"({"info":{}})").errors, "", "neither 'openapi'"), nullptr);
  EXPECT_NE(find_issue(load(R"({"openapi":"2.5.0"})").errors, "/openapi", "unsupported"), nullptr);
  EXPECT_NE(find_issue(load("openapi: 3.0\n").errors, "/openapi", "must be a string"), nullptr);
  EXPECT_NE(find_issue(load(R"({"swagger":"1.2"})").errors, "/swagger"), nullptr);
}

TEST(OpenApiErrors, EveryMissingRequiredFieldIsReportedWithItsLocation) {
  LoadResult r = load(R"({"openapi":"3.0.2","info":{"description":"no title"},
    "paths":{"/a":{"get":{"summary":"no responses"}},"/b":{"post":{"responses":{"200":{}}}}}})");
  ASSERT_TRUE(r.document);
  EXPECT_NE(find_issue(r.errors, "/info", "'title' is required"), nullptr) << dump(r.errors);
  EXPECT_NE(find_issue(r.errors, "/info", "'version' is required"), nullptr);
  EXPECT_NE(find_issue(r.errors, "/paths/~1a/get", "'responses' is required"), nullptr);
  EXPECT_NE(find_issue(r.errors, "/paths/~1b/post/responses/200", "'description' is required"), nullptr);
  EXPECT_EQ(r.errors.size(), 4u) << dump(r.errors);

  LoadResult no_paths = load(R"({"swagger":"2.0","info":{"title":"t","version":"1"}})");
  EXPECT_NE(find_issue(no_paths.errors, "", "'paths' is required"), nullptr) << dump(no_paths.errors);
}

TEST(OpenApiErrors, WrongTypesNameTheField) {
  LoadResult r = load(R"({"openapi":"3.0.2","info":{"title":5,"version":"1"},"paths":[],"tags":{}})");
  EXPECT_NE(find_issue(r.errors, "/info/title", "must be a string, got a number"), nullptr) << dump(r.errors);
  EXPECT_NE(find_issue(r.errors, "/paths", "must be an object, got an array"), nullptr);
  EXPECT_NE(find_issue(r.errors, "/tags", "must be an array"), nullptr);
  LoadResult v = load("openapi: 3.0.0\ninfo:\n  title: t\n  version: 1.0\npaths: {}\n");
  const Issue* i = find_issue(v.errors, "/info/version", "quote it");
  ASSERT_NE(i, nullptr) << dump(v.errors);
  EXPECT_EQ(i->line, 4);  // structural errors in YAML carry the line too
}

TEST(OpenApiErrors, EveryYamlErrorCarriesTheLineOfItsOwnLocation) {
  LoadResult r = load("openapi: 3.0.0\ninfo:\n  title: t\n  version: '1'\npaths:\n  /a/{b}:\n    get:\n"
                      "      summary: 5\n      responses:\n        '200': {}\n  /c:\n    fetch: {}\n");
  const Issue* summary = find_issue(r.errors, "/paths/~1a~1{b}/get/summary");
  const Issue* desc = find_issue(r.errors, "/paths/~1a~1{b}/get/responses/200", "'description'");
  const Issue* fetch = find_issue(r.errors, "/paths/~1c/fetch");
  ASSERT_TRUE(summary && desc && fetch) << dump(r.errors);
  EXPECT_EQ(summary->line, 8);
  EXPECT_EQ(desc->line, 10);
  EXPECT_EQ(fetch->line, 12);
}

TEST(OpenApiErrors, UnresolvableExternalAndCyclicReferencesAreReported) {
  LoadResult r = load(R"({"openapi":"3.0.2","info":{"title":"t","version":"1"},
    "paths":{"/a":{"get":{"responses":{
        "200":{"$ref":"#/components/responses/Missing"},
        "201":{"$ref":"other.yaml#/responses/X"},
        "202":{"$ref":"#/components/responses/Loop1"}}}}},
    "components":{"responses":{"Loop1":{"$ref":"#/components/responses/Loop2"},
                               "Loop2":{"$ref":"#/components/responses/Loop1"}},
                  "schemas":{"A":{"allOf":[{"$ref":"#/components/schemas/B"}]},
                             "B":{"allOf":[{"$ref":"#/components/schemas/A"}]},
                             "Tree":{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#/components/schemas/Tree"}}}}}}})");
  EXPECT_NE(find_issue(r.errors, "/paths/~1a/get/responses/200/$ref", "does not resolve"), nullptr) << dump(r.errors);
  EXPECT_NE(find_issue(r.errors, "/paths/~1a/get/responses/201/$ref", "only local references"), nullptr);
  EXPECT_NE(find_issue(r.errors, "/paths/~1a/get/responses/202/$ref", "cycle of references"), nullptr);
  EXPECT_NE(find_issue(r.errors, "/components/responses/Loop1/$ref", "cycle"), nullptr);
  const bool allof_cycle = std::any_of(r.errors.begin(), r.errors.end(), [](const Issue& i) {
    return i.message.find("'allOf' cycle") != std::string::npos;
  });
  EXPECT_TRUE(allof_cycle) << dump(r.errors);
  // a recursive schema through properties is fine
  EXPECT_EQ(std::count_if(r.errors.begin(), r.errors.end(),
                          [](const Issue& i) { return i.location.find("Tree") != std::string::npos; }),
            0);
}

TEST(OpenApiErrors, DuplicateOperationIdsNameBothOperations) {
  LoadResult r = load(R"({"openapi":"3.0.2","info":{"title":"t","version":"1"},"paths":{
    "/a":{"get":{"operationId":"op","responses":{"200":{"description":"ok"}}}},
    "/b":{"get":{"operationId":"op","responses":{"200":{"description":"ok"}}}}}})");
  const Issue* i = find_issue(r.errors, "/paths/~1b/get/operationId", "'op' is already used by /paths/~1a/get");
  EXPECT_NE(i, nullptr) << dump(r.errors);
}

TEST(OpenApiErrors, PathTemplateParametersMustBeDeclaredAndDeclaredOnesMustAppear) {
  LoadResult r = load(R"({"openapi":"3.0.2","info":{"title":"t","version":"1"},"paths":{
    "/pets/{petId}":{"get":{"responses":{"200":{"description":"ok"}}}},
    "/x":{"get":{"parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string"}}],
                  "responses":{"200":{"description":"ok"}}}},
    "/y/{id}":{"get":{"parameters":[{"name":"id","in":"path","schema":{"type":"string"}}],"responses":{"200":{"description":"ok"}}}},
    "/z/{a}":{"parameters":[{"name":"a","in":"path","required":true,"schema":{"type":"string"}}],
              "get":{"responses":{"200":{"description":"ok"}}}},
    "/pets/{other}":{"get":{"parameters":[{"name":"other","in":"path","required":true,"schema":{"type":"string"}}],"responses":{"200":{"description":"ok"}}}},
    "/bad/{":{}}})");
  EXPECT_NE(find_issue(r.errors, "/paths/~1pets~1{petId}/get/parameters", "'petId'"), nullptr) << dump(r.errors);
  EXPECT_NE(find_issue(r.errors, "/paths/~1x/get/parameters/0", "does not appear in the path"), nullptr);
  EXPECT_NE(find_issue(r.errors, "/paths/~1y~1{id}/get/parameters/0", "required: true"), nullptr);
  EXPECT_EQ(find_issue(r.errors, "/paths/~1z~1{a}/get/parameters"), nullptr);  // declared on the path item
  EXPECT_NE(find_issue(r.errors, "/paths/~1pets~1{other}", "identical"), nullptr);
  EXPECT_NE(find_issue(r.errors, "/paths/~1bad~1{", "malformed"), nullptr);
}

TEST(OpenApiErrors, InvalidMethodsAreReported) {
  LoadResult r = load(R"({"openapi":"3.0.2","info":{"title":"t","version":"1"},"paths":{
    "/a":{"fetch":{"responses":{"200":{"description":"ok"}}},"GET":{},"get":{"responses":{"200":{"description":"ok"}}}},
    "no-slash":{}}})");
  EXPECT_NE(find_issue(r.errors, "/paths/~1a/fetch", "not an HTTP method"), nullptr) << dump(r.errors);
  EXPECT_NE(find_issue(r.errors, "/paths/~1a/GET", "lower case"), nullptr);
  EXPECT_NE(find_issue(r.errors, "/paths/no-slash", "must start with '/'"), nullptr);
  LoadResult s = load(R"({"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{"/a":{"trace":{"responses":{"200":{"description":"ok"}}}}}})");
  EXPECT_NE(find_issue(s.errors, "/paths/~1a/trace", "not an HTTP method"), nullptr) << dump(s.errors);
}

TEST(OpenApiErrors, BadServerUrlsAndHostsAreReported) {
  LoadResult r = load(R"({"openapi":"3.0.2","info":{"title":"t","version":"1"},"paths":{},
    "servers":[{"url":"ftp://files.example.com"},{"url":"https://{tenant}.example.com"},{"url":"http://exa mple.com"},
               {"url":"https://{env}.example.com","variables":{"env":{"default":"prod","enum":["dev"]}}},{"url":"/relative/ok"},
               {"description":"no url"}]})");
  EXPECT_NE(find_issue(r.errors, "/servers/0/url", "http or https"), nullptr) << dump(r.errors);
  EXPECT_NE(find_issue(r.errors, "/servers/1/url", "'tenant'"), nullptr);
  EXPECT_NE(find_issue(r.errors, "/servers/2/url", "not a valid URL"), nullptr);
  EXPECT_NE(find_issue(r.errors, "/servers/3/variables/env/default", "enum"), nullptr);
  EXPECT_EQ(find_issue(r.errors, "/servers/4/url"), nullptr);
  EXPECT_NE(find_issue(r.errors, "/servers/5", "'url' is required"), nullptr);
  LoadResult s = load(R"({"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{},"host":"https://x.com/api","basePath":"api"})");
  EXPECT_NE(find_issue(s.errors, "/host", "no scheme"), nullptr) << dump(s.errors);
  EXPECT_NE(find_issue(s.errors, "/basePath", "start with '/'"), nullptr);
}

TEST(OpenApiErrors, SecurityRequirementsMustNameDefinedSchemesAndSchemesMustBeComplete) {
  LoadResult r = load(R"({"openapi":"3.0.2","info":{"title":"t","version":"1"},"security":[{"nope":[]}],
    "paths":{"/a":{"get":{"security":[{"oauth":["read"]},{"ghost":[]}],"responses":{"200":{"description":"ok"}}}}},
    "components":{"securitySchemes":{"oauth":{"type":"oauth2","flows":{"implicit":{"scopes":{}}}},
                                     "key":{"type":"apiKey","in":"body","name":"k"},"odd":{"type":"magic"}}}})");
  EXPECT_NE(find_issue(r.errors, "/security/0/nope", "not defined"), nullptr) << dump(r.errors);
  EXPECT_NE(find_issue(r.errors, "/paths/~1a/get/security/1/ghost", "not defined"), nullptr);
  EXPECT_NE(find_issue(r.errors, "/components/securitySchemes/oauth/flows/implicit", "'authorizationUrl' is required"), nullptr);
  EXPECT_NE(find_issue(r.errors, "/components/securitySchemes/key/in"), nullptr);
  EXPECT_NE(find_issue(r.errors, "/components/securitySchemes/odd/type", "unknown"), nullptr);
}

TEST(OpenApiErrors, ParametersAreCheckedPerVersion) {
  LoadResult r = load(R"({"openapi":"3.0.2","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{
    "parameters":[{"name":"q","in":"query"},{"name":"f","in":"formData","schema":{}},{"in":"query","schema":{}},
                  {"name":"d","in":"query","schema":{}},{"name":"d","in":"query","schema":{}}],
    "responses":{"200":{"description":"ok"},"600":{"description":"no"}}}}}})");
  EXPECT_NE(find_issue(r.errors, "/paths/~1a/get/parameters/0", "exactly one of 'schema' or 'content'"), nullptr) << dump(r.errors);
  EXPECT_NE(find_issue(r.errors, "/paths/~1a/get/parameters/1/in", "query, header, path or cookie"), nullptr);
  EXPECT_NE(find_issue(r.errors, "/paths/~1a/get/parameters/2", "'name' is required"), nullptr);
  EXPECT_NE(find_issue(r.errors, "/paths/~1a/get/parameters/4", "declared twice"), nullptr);
  EXPECT_NE(find_issue(r.errors, "/paths/~1a/get/responses/600", "HTTP status code"), nullptr);
  LoadResult s = load(R"({"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{"/a":{"post":{
    "parameters":[{"name":"b1","in":"body","schema":{}},{"name":"b2","in":"body"},{"name":"n","in":"query"}],
    "responses":{"200":{"description":"ok"}}}}}})");
  EXPECT_NE(find_issue(s.errors, "/paths/~1a/post/parameters/1", "'schema' is required"), nullptr) << dump(s.errors);
  EXPECT_NE(find_issue(s.errors, "/paths/~1a/post/parameters/2", "'type' is required"), nullptr);
  EXPECT_NE(find_issue(s.errors, "/paths/~1a/post/parameters", "at most one body"), nullptr);
}

TEST(OpenApiExtract, WsoExtensionsGiveContextTiersEndpointsAndScopeRoles) {
  LoadResult r = load(R"json({"swagger":"2.0","info":{"title":"Pizza (Shack)","version":"1.0.0"},"basePath":"/ignored",
    "x-wso2-basePath":"/pizzashack/1.0.0","x-throttling-tier":"10KPerMin",
    "x-wso2-production-endpoints":{"urls":["http://a:1/x","http://b:2/x"],"type":"load_balance"},
    "x-wso2-security":{"apim":{"x-wso2-scopes":[{"name":"Order","description":"place orders","key":"order:write","roles":"admin, creator"}]}},
    "paths":{"/order":{"post":{"x-auth-type":"Application User","x-throttling-tier":"20KPerMin","x-scope":"order:write",
                               "responses":{"201":{"description":"ok"}}}},
             "/menu":{"get":{"security":[],"responses":{"200":{"description":"ok"}}}}}})json");
  ASSERT_TRUE(r.ok()) << dump(r.errors);
  Extracted x = extract(*r.document);
  EXPECT_TRUE(x.errors.empty()) << dump(x.errors);
  EXPECT_EQ(x.api.name, "Pizza Shack");
  EXPECT_EQ(x.api.context, "/pizzashack");
  EXPECT_EQ(x.context_source, "x-wso2-basePath");
  EXPECT_EQ(x.api.api_throttling_policy, "10KPerMin");
  EXPECT_EQ(x.api.endpoint_config.endpoint_type, "load_balance");
  ASSERT_EQ(x.api.endpoint_config.production_group.size(), 2u);
  ASSERT_EQ(x.api.scopes.size(), 1u);
  EXPECT_EQ(x.api.scopes[0].name, "order:write");
  EXPECT_EQ(x.api.scopes[0].display_name, "Order");
  EXPECT_EQ(x.api.scopes[0].bindings, (std::vector<std::string>{"admin", "creator"}));
  const auto* order = find_op(x.api, "POST", "/order");
  ASSERT_NE(order, nullptr);
  EXPECT_EQ(order->auth_type, "Application User");
  EXPECT_EQ(order->throttling_policy, "20KPerMin");
  EXPECT_EQ(order->scopes, std::vector<std::string>{"order:write"});
  EXPECT_EQ(find_op(x.api, "GET", "/menu")->auth_type, "None");
}

TEST(OpenApiExtract, ValuesTheApiCannotTakeAreReportedAtTheirLocation) {
  LoadResult r = load(R"({"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{
    "x-auth-type":"Sometimes","x-scopes":["ok:scope","https://bad/scope"],"responses":{"200":{"description":"ok"}}}}}})");
  ASSERT_TRUE(r.ok());
  Extracted x = extract(*r.document);
  EXPECT_NE(find_issue(x.errors, "/paths/~1a/get/x-auth-type", "must be one of"), nullptr) << dump(x.errors);
  EXPECT_NE(find_issue(x.errors, "/paths/~1a/get/x-scopes/1", "cannot be an API scope"), nullptr);
}

TEST(OpenApiExport, ReflectsTheApisOperationsSecurityGatewayAndKeepsWhatItSaid) {
  LoadResult r = load(testing::petstore_yaml());
  ASSERT_TRUE(r.ok());
  domain::Api api = extract(*r.document).api;
  api.operations.erase(std::remove_if(api.operations.begin(), api.operations.end(),
                                      [](const auto& op) { return op.verb == "DELETE"; }),
                       api.operations.end());
  domain::Operation added;
  added.verb = "PATCH";
  added.target = "/pets/{petId}/owners/{ownerId}";
  added.throttling_policy = "10KPerMin";
  api.operations.push_back(added);
  api.security_scheme = {"oauth2", "api_key"};
  ExportOptions opt;
  opt.gateway_urls = {"http://localhost:8280", "https://localhost:8243"};
  json::object doc = export_definition(api, opt);

  LoadResult again = load(json::serialize(doc));
  ASSERT_TRUE(again.ok()) << dump(again.errors);
  const json::object& paths = doc.at("paths").as_object();
  EXPECT_FALSE(paths.at("/pets/{petId}").as_object().contains("delete"));
  const json::object& patch = paths.at("/pets/{petId}/owners/{ownerId}").at("patch").as_object();
  EXPECT_EQ(patch.at("x-throttling-tier"), "10KPerMin");
  EXPECT_EQ(patch.at("parameters").as_array().size(), 2u);
  const json::object& list = paths.at("/pets").at("get").as_object();
  EXPECT_EQ(list.at("operationId"), "listPets");  // what the definition said stays
  EXPECT_EQ(list.at("security").as_array()[0].at("default").as_array()[0], "read:pets");
  EXPECT_EQ(list.at("security").as_array()[1].as_object().count("api_key"), 1u);
  EXPECT_TRUE(list.at("responses").at("200").at("content").at("application/json").as_object().contains("examples"));
  EXPECT_EQ(doc.at("servers").as_array()[1].at("url"), "https://localhost:8243/petstore/v1/1.0.0");
  EXPECT_EQ(doc.at("x-wso2-basePath"), "/petstore/v1/1.0.0");
  EXPECT_EQ(doc.at("x-wso2-production-endpoints").at("urls").as_array()[0], "http://backend.example.com/pets");
  const json::object& flows = doc.at("components").at("securitySchemes").at("default").at("flows").as_object();
  EXPECT_TRUE(flows.at("clientCredentials").at("scopes").as_object().contains("write:pets"));

  // what the export says imports back to the same operations
  Extracted back = extract(*again.document);
  ASSERT_EQ(back.api.operations.size(), api.operations.size());
  for (const auto& op : api.operations) {
    const auto* b = find_op(back.api, op.verb, op.target);
    ASSERT_NE(b, nullptr) << op.verb << " " << op.target;
    EXPECT_EQ(b->auth_type, op.auth_type);
    EXPECT_EQ(b->throttling_policy, op.throttling_policy);
    EXPECT_EQ(b->scopes, op.scopes);
  }
  EXPECT_EQ(back.api.context, api.context);
}

TEST(OpenApiExport, SwaggerStaysSwaggerAndHandDesignedApisGetOpenApi30) {
  LoadResult r = load(testing::large_definition_json(SampleFlavour::kSwagger20, 3));
  ASSERT_TRUE(r.ok());
  domain::Api api = extract(*r.document).api;
  json::object doc = export_definition(api, {{"https://gw.example.com:8243"}, "https://km/token"});
  EXPECT_EQ(doc.at("swagger"), "2.0");
  EXPECT_EQ(doc.at("host"), "gw.example.com:8243");
  EXPECT_EQ(doc.at("basePath"), "/inventory/2.4.1");
  EXPECT_EQ(doc.at("securityDefinitions").at("default").at("tokenUrl"), "https://km/token");
  EXPECT_TRUE(load(json::serialize(doc)).ok()) << dump(load(json::serialize(doc)).errors);

  domain::Api plain;
  plain.name = "Hand";
  plain.version = "1.0";
  plain.context = "/hand";
  domain::Operation op;
  op.verb = "GET";
  op.target = "/*";
  plain.operations.push_back(op);
  json::object fresh = export_definition(plain, {});
  EXPECT_EQ(fresh.at("openapi"), "3.0.1");
  EXPECT_TRUE(load(json::serialize(fresh)).ok()) << dump(load(json::serialize(fresh)).errors);
}

TEST(OpenApiYaml, RenderingLoadsBackToTheSameDocument) {
  LoadResult r = load(testing::large_definition_json(SampleFlavour::kOpenApi31, 10));
  ASSERT_TRUE(r.ok());
  json::object doc = r.document->root.get_object();
  doc["x-tricky"] = json::object{{"yes", "no"},      {"num", "123"},   {"colon", "a: b"}, {"hash", "a #b"},
                                 {"empty", ""},      {"nl", "l1\nl2"}, {"lead", "-x"},    {"null", nullptr},
                                 {"list", json::array{json::array{1, 2}, json::object{}, json::array{}}},
                                 {"unicode", "h\xc3\xa9"}, {"float", 2.5}, {"neg", -3}};
  const std::string text = to_yaml(doc);
  LoadResult back = load(text);
  ASSERT_TRUE(back.document) << dump(back.errors) << text.substr(0, 2000);
  EXPECT_EQ(back.document->root, json::value(doc));
}

// Found by the openapi fuzz target: a key past YAML's 1024-character limit on implicit keys (a
// long path) made an export that did not load back.
TEST(OpenApiYaml, KeysLongerThan1024CharactersLoadBack) {
  json::object doc{{"openapi", "3.0.1"}};
  doc["x-long"] = json::object{{std::string(1500, 'a'), "v"},
                               {std::string(600, '\0'), json::object{{"k", 1}}},
                               {"short", json::array{json::object{{std::string(2000, 'b'), 2}}}}};
  const std::string text = to_yaml(doc);
  LoadResult back = load(text);
  ASSERT_TRUE(back.document) << dump(back.errors) << text.substr(0, 300);
  EXPECT_EQ(back.document->root, json::value(doc));
}

}  // namespace
}  // namespace archway::openapi
