// Generated mock responses (issue #16: the Publisher's generate-mock-scripts and
// generated-mock-scripts): each operation's mock comes from the definition's examples or schemas,
// is kept in its x-mediation-script, and the gateway answers with it while the API's endpoint type
// is INLINE (operations without one answer 501).
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kPw = "password-123";

const std::string kDefinition = R"(openapi: 3.0.1
info: {title: Pets, version: 1.0.0}
paths:
  /pets/{petId}:
    get:
      x-auth-type: None
      parameters: [{name: petId, in: path, required: true, schema: {type: integer}}]
      responses:
        '404': {description: none}
        '200':
          description: a pet
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
  /pets:
    post:
      x-auth-type: None
      responses:
        '201':
          description: created
          content:
            application/json:
              example: {created: true}
components:
  schemas:
    Pet:
      type: object
      properties:
        id: {type: integer}
        name: {type: string, example: doggie}
        tags: {type: array, items: {type: string, enum: [cute, loud]}}
)";

class MockScripts : public ServerSuite {
 protected:
  std::string inline_api(const std::string& name, const std::string& context) {
    const std::string id = create_api(R"({"name":")" + name + R"(","context":")" + context +
                                      R"(","version":"1.0.0","endpointConfig":{"endpoint_type":"INLINE"},)"
                                      R"("operations":[{"target":"/pets/{petId}","verb":"GET","authType":"None"},)"
                                      R"({"target":"/pets","verb":"POST","authType":"None"}]})");
    auto put = admin_form("PUT", kApis + "/" + id + "/swagger", Multipart().field("apiDefinition", kDefinition));
    EXPECT_EQ(put.status, 200) << put.body;
    return id;
  }
  std::string scripts(const std::string& id) { return kApis + "/" + id + "/generated-mock-scripts"; }
  std::string generate(const std::string& id) { return kApis + "/" + id + "/generate-mock-scripts"; }
};

TEST_F(MockScripts, MocksComeFromExamplesAndSchemasAndAreListed) {
  const std::string id = inline_api("MockedPets", "/mockedpets");
  EXPECT_EQ(json_of(admin("GET", scripts(id)))["count"], 0);  // none generated yet

  auto generated = admin("POST", generate(id));
  ASSERT_EQ(generated.status, 200) << generated.body;
  auto doc = json_of(generated);
  const json::value& script = doc["paths"].at("/pets/{petId}").at("get").at("x-mediation-script");
  ASSERT_TRUE(script.is_string());

  auto listed = json_of(admin("GET", scripts(id)));
  ASSERT_EQ(listed["count"], 2);
  std::map<std::string, json::object> by_op;
  for (const auto& e : listed["list"].as_array())
    by_op[str(e.at("verb")) + " " + str(e.at("path"))] = json::parse(str(e.at("content"))).as_object();
  ASSERT_TRUE(by_op.count("GET /pets/{petId}"));
  const json::object& get = by_op["GET /pets/{petId}"];
  EXPECT_EQ(get.at("statusCode"), 200);  // the 2xx response, not the 404 listed first
  EXPECT_EQ(str(get.at("contentType")), "application/json");
  const json::object pet = json::parse(str(get.at("payload"))).as_object();
  EXPECT_EQ(str(pet.at("name")), "doggie");
  EXPECT_EQ(pet.at("id"), 0);
  EXPECT_EQ(str(pet.at("tags").as_array().at(0)), "cute");
  EXPECT_EQ(by_op["POST /pets"].at("statusCode"), 201);
  EXPECT_EQ(json::parse(str(by_op["POST /pets"].at("payload"))), json::parse(R"({"created":true})"));
}

TEST_F(MockScripts, GatewayAnswersAnInlineApiWithItsMocks) {
  const std::string id = inline_api("ServedMocks", "/servedmocks");
  deploy(id, create_revision(id));  // before any mock: 501 naming the way out
  ASSERT_EQ(wait_for_status("/servedmocks/1.0.0/pets/7", [](int s) { return s != 404; }), 501);
  auto missing = gw().get("/servedmocks/1.0.0/pets/7");
  EXPECT_NE(missing.body.find("generate-mock-scripts"), std::string::npos) << missing.body;

  ASSERT_EQ(admin("POST", generate(id)).status, 200);
  deploy(id, create_revision(id));
  ASSERT_EQ(wait_for_status("/servedmocks/1.0.0/pets/7", [](int s) { return s == 200; }), 200);
  auto got = gw().get("/servedmocks/1.0.0/pets/7");
  EXPECT_EQ(str(json_of(got)["name"]), "doggie");
  HttpRequest post;
  post.method = "POST";
  post.target = "/servedmocks/1.0.0/pets";
  post.body = "{}";
  post.headers = {{"Content-Type", "application/json"}};
  auto created = gw().send(post);
  EXPECT_EQ(created.status, 201);
  EXPECT_EQ(json_of(created)["created"], true);
}

TEST_F(MockScripts, MockAnswersCarryTheApisCorsHeadersForABrowser) {
  const std::string id = create_api(
      R"({"name":"CorsMocks","context":"/corsmocks","version":"1.0.0","endpointConfig":{"endpoint_type":"INLINE"},)"
      R"("corsConfiguration":{"corsConfigurationEnabled":true,"accessControlAllowOrigins":["https://portal.example"],)"
      R"("accessControlAllowMethods":["GET"],"accessControlAllowHeaders":["authorization"]},)"
      R"("operations":[{"target":"/pets/{petId}","verb":"GET","authType":"None"}]})");
  ASSERT_EQ(admin_form("PUT", kApis + "/" + id + "/swagger", Multipart().field("apiDefinition", kDefinition)).status,
            200);
  ASSERT_EQ(admin("POST", generate(id)).status, 200);
  deploy(id, create_revision(id));
  ASSERT_EQ(wait_for_status("/corsmocks/1.0.0/pets/7", [](int s) { return s == 200; }), 200);
  HttpRequest get;
  get.target = "/corsmocks/1.0.0/pets/7";
  get.headers = {{"Origin", "https://portal.example"}};
  auto got = gw().send(get);
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.header("access-control-allow-origin"), "https://portal.example");
  EXPECT_EQ(got.header("vary"), "Origin");
  get.headers = {{"Origin", "https://elsewhere.example"}};
  EXPECT_EQ(gw().send(get).header("access-control-allow-origin"), "");
}

TEST_F(MockScripts, UnknownApiIs404AndSubscribersAre403) {
  EXPECT_EQ(admin("POST", generate("no-such-api")).status, 404);
  EXPECT_EQ(json_of(admin("GET", scripts("no-such-api")))["code"], 404);
  const std::string id = inline_api("GuardedMocks", "/guardedmocks");
  ASSERT_EQ(admin("POST", "/api/am/admin/v4/users",
                  R"({"username":"mockdev","password":")" + kPw + R"(","roles":["subscriber"]})").status, 201);
  EXPECT_EQ(mgmt().call("POST", generate(id), "", "mockdev", kPw).status, 403);
  EXPECT_EQ(mgmt().call("GET", scripts(id), "", "mockdev", kPw).status, 403);
  EXPECT_EQ(json_of(admin("GET", scripts(id)))["count"], 0);  // nothing was generated
  // An unknown endpoint type is still refused.
  auto bad = admin("POST", kApis, R"({"name":"Mockish","context":"/mockish","version":"1.0.0",)"
                                  R"("endpointConfig":{"endpoint_type":"MOCKISH"},"operations":[{"target":"/*","verb":"GET"}]})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("endpoint_type"), std::string::npos) << bad.body;
}

}  // namespace
}  // namespace archway::testing
