// APIs created from Service Catalog entries: import-service, out-of-date detection after the
// service changes, reimport-service, and what the catalog refuses while an API uses a service.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

const std::string kServices = "/api/am/service-catalog/v1/services";

std::string definition(bool with_owners) {
  std::string d = R"(openapi: 3.0.1
info:
  title: Pets service
  version: 2.0.0
paths:
  /pets:
    get:
      x-auth-type: None
      responses:
        '200':
          description: the pets
  /pets/{petId}:
    get:
      x-auth-type: None
      parameters:
        - name: petId
          in: path
          required: true
          schema:
            type: string
      responses:
        '200':
          description: one pet
)";
  if (with_owners)
    d += R"(  /owners:
    get:
      x-auth-type: None
      responses:
        '200':
          description: the owners
)";
  return d;
}

class ServiceImport : public ServerSuite {
 protected:
  HttpResponse put_service(const std::string& method, const std::string& target, const std::string& name,
                           const std::string& def, const std::string& type = "OAS3") {
    const std::string meta = R"({"name":")" + name + R"(","version":"v1","serviceUrl":")" + backend_->url("/svc") +
                             R"(","definitionType":")" + type + R"("})";
    return admin_form(method, target, Multipart().field("serviceMetadata", meta).file("definitionFile", "d.yaml", def));
  }
  std::string service(const std::string& name, const std::string& def = definition(false)) {
    auto r = put_service("POST", kServices, name, def);
    EXPECT_EQ(r.status, 201) << r.body;
    return str(json_of(r)["id"]);
  }
  static std::vector<std::string> targets(boost::json::object api) {
    std::vector<std::string> out;
    for (const auto& op : api["operations"].as_array()) out.push_back(str(op.at("verb")) + " " + str(op.at("target")));
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(ServiceImport, ApiFromAServiceTakesItsOperationsAndEndpointAndServesThroughTheGateway) {
  const std::string sid = service("PetsSvc");
  auto r = admin("POST", kApis + "/import-service?serviceKey=PetsSvc-v1",
                 R"({"name":"PetsFromService","context":"/petsvc","version":"1.0.0","policies":["Unlimited"]})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto api = json_of(r);
  const std::string id = str(api["id"]);
  EXPECT_EQ(targets(api), (std::vector<std::string>{"GET /pets", "GET /pets/{petId}"}));
  EXPECT_EQ(str(api["endpointConfig"].at("production_endpoints").at("url")), backend_->url("/svc"));
  EXPECT_EQ(str(api["serviceInfo"].at("key")), "PetsSvc-v1");

  auto got = json_of(admin("GET", kApis + "/" + id));
  EXPECT_EQ(str(got["serviceInfo"].at("outdated")), "false");
  auto usage = json_of(admin("GET", kServices + "/" + sid + "/usage"));
  EXPECT_EQ(str(usage["count"]), "1");

  deploy(id, create_revision(id));
  EXPECT_EQ(wait_for_status("/petsvc/1.0.0/pets/7", [](int s) { return s == 200; }), 200);
  auto echo = json_of(gw().get("/petsvc/1.0.0/pets/7"));
  EXPECT_EQ(str(echo["target"]), "/svc/pets/7");
}

TEST_F(ServiceImport, ChangedServiceMarksTheApiOutdatedUntilReimported) {
  const std::string sid = service("MovingSvc");
  auto r = admin("POST", kApis + "/import-service?serviceKey=MovingSvc-v1",
                 R"({"name":"MovingApi","context":"/moving","version":"1.0.0"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = str(json_of(r)["id"]);

  ASSERT_EQ(put_service("PUT", kServices + "/" + sid, "MovingSvc", definition(true)).status, 200);
  auto stale = json_of(admin("GET", kApis + "/" + id));
  EXPECT_EQ(str(stale["serviceInfo"].at("outdated")), "true");
  EXPECT_EQ(targets(stale).size(), 2u);

  auto re = admin("PUT", kApis + "/" + id + "/reimport-service");
  ASSERT_EQ(re.status, 200) << re.body;
  EXPECT_EQ(targets(json_of(re)), (std::vector<std::string>{"GET /owners", "GET /pets", "GET /pets/{petId}"}));
  auto fresh = json_of(admin("GET", kApis + "/" + id));
  EXPECT_EQ(str(fresh["serviceInfo"].at("outdated")), "false");
  EXPECT_EQ(str(fresh["name"]), "MovingApi");
}

TEST_F(ServiceImport, AServiceInUseCannotBeDeletedUntilItsApiIsGone) {
  const std::string sid = service("BusySvc");
  auto r = admin("POST", kApis + "/import-service?serviceKey=BusySvc-v1",
                 R"({"name":"BusyApi","context":"/busy","version":"1.0.0"})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto refused = admin("DELETE", kServices + "/" + sid);
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.body.find("BusyApi"), std::string::npos);
  EXPECT_EQ(admin("DELETE", kApis + "/" + str(json_of(r)["id"])).status, 200);
  EXPECT_EQ(admin("DELETE", kServices + "/" + sid).status, 204);
}

TEST_F(ServiceImport, BadImportsAreRefusedAndCreateNothing) {
  EXPECT_EQ(admin("POST", kApis + "/import-service", R"({"name":"X","context":"/x","version":"1"})").status, 400);
  EXPECT_EQ(admin("POST", kApis + "/import-service?serviceKey=Nope-v1", R"({"name":"X","context":"/x","version":"1"})").status, 404);
  ASSERT_EQ(put_service("POST", kServices, "WsdlSvc", "<definitions/>", "WSDL1").status, 201);
  auto wsdl = admin("POST", kApis + "/import-service?serviceKey=WsdlSvc-v1", R"({"name":"W","context":"/w","version":"1"})");
  EXPECT_EQ(wsdl.status, 400) << wsdl.body;
  EXPECT_NE(wsdl.body.find("WSDL1"), std::string::npos);
  service("DupSvc");
  ASSERT_EQ(admin("POST", kApis + "/import-service?serviceKey=DupSvc-v1", R"({"name":"DupApi","context":"/dup","version":"1.0.0"})").status, 201);
  EXPECT_EQ(admin("POST", kApis + "/import-service?serviceKey=DupSvc-v1", R"({"name":"DupApi","context":"/dup","version":"1.0.0"})").status, 409);
  EXPECT_EQ(admin("POST", kApis + "/import-service?serviceKey=DupSvc-v1", R"({"name":"Bad","context":"no-slash","version":"1.0.0"})").status, 400);

  const std::string plain = create_api(api_body("PlainApi", "/plainsvc"));
  auto re = admin("PUT", kApis + "/" + plain + "/reimport-service");
  EXPECT_EQ(re.status, 400) << re.body;
  auto spoof = admin("POST", kApis, api_body("Spoof", "/spoof", R"([{"target":"/*","verb":"GET"}])", "",
                                            R"("serviceInfo":{"key":"DupSvc-v1","md5":"x"},)"));
  ASSERT_EQ(spoof.status, 201) << spoof.body;
  EXPECT_TRUE(json_of(spoof)["serviceInfo"].is_null()) << spoof.body;
}

TEST_F(ServiceImport, CatalogRefusesAnOpenApiServiceWhoseDefinitionIsInvalid) {
  auto r = put_service("POST", kServices, "BrokenSvc", "openapi: 3.0.1\ninfo:\n  title: x\npaths: {}\n");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("/info"), std::string::npos) << r.body;
  auto mismatch = put_service("POST", kServices, "MismatchSvc", definition(false), "OAS2");
  EXPECT_EQ(mismatch.status, 400) << mismatch.body;
}

}  // namespace
}  // namespace archway::testing
