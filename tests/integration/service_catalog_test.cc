// The Service Catalog REST API (/api/am/service-catalog/v1) against the real binary.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

const std::string kServices = "/api/am/service-catalog/v1/services";

const std::string kPetstore = R"(openapi: 3.0.1
info:
  title: Petstore
  version: 1.0.0
paths:
  /pets:
    get:
      responses:
        '200':
          description: the pets
)";

class ServiceCatalog : public ServerSuite {
 protected:
  static std::string metadata(const std::string& name, const std::string& version = "v1",
                              const std::string& extra = "") {
    return R"({"name":")" + name + R"(","version":")" + version +
           R"(","serviceUrl":"http://backend.example:8080/pets","definitionType":"OAS3")" + extra + "}";
  }

  HttpResponse register_service(const std::string& meta, const std::string& definition = kPetstore) {
    return admin_form("POST", kServices,
                      Multipart().field("serviceMetadata", meta, "application/json")
                          .file("definitionFile", "petstore.yaml", definition, "application/yaml"));
  }

  std::string service_id(const std::string& name, const std::string& version = "v1") {
    auto r = register_service(metadata(name, version));
    EXPECT_EQ(r.status, 201) << r.body;
    return str(json_of(r)["id"]);
  }
};

TEST_F(ServiceCatalog, RegisteredServiceCarriesItsKeyDigestAndDefinition) {
  auto r = register_service(metadata("PetsBackend", "v1", R"(,"description":"pets","securityType":"BASIC")"));
  ASSERT_EQ(r.status, 201) << r.body;
  auto o = json_of(r);
  EXPECT_EQ(str(o["key"]), "PetsBackend-v1");
  EXPECT_EQ(str(o["displayName"]), "PetsBackend");
  EXPECT_EQ(str(o["securityType"]), "BASIC");
  EXPECT_EQ(str(o["md5"]).size(), 64u);
  EXPECT_EQ(r.header("location"), kServices + "/" + str(o["id"]));

  auto got = admin("GET", kServices + "/" + str(o["id"]));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(json_of(got)["md5"], o["md5"]);
  auto def = admin("GET", kServices + "/" + str(o["id"]) + "/definition");
  ASSERT_EQ(def.status, 200);
  EXPECT_EQ(def.body, kPetstore);
  EXPECT_EQ(def.header("content-type"), "application/yaml");
}

TEST_F(ServiceCatalog, ListFiltersSortsPaginatesAndShrinks) {
  service_id("ListAlpha");
  service_id("ListBeta");
  service_id("ListBeta", "v2");
  auto r = admin("GET", kServices + "?name=listbeta&sortOrder=desc");
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = json_of(r);
  ASSERT_EQ(o["list"].as_array().size(), 2u);
  EXPECT_EQ(str(o["pagination"].at("total")), "2");

  auto page = json_of(admin("GET", kServices + "?name=list&limit=1&offset=1"));
  ASSERT_EQ(page["list"].as_array().size(), 1u);
  EXPECT_EQ(str(page["pagination"].at("total")), "3");
  EXPECT_NE(str(page["pagination"].at("next")), "");
  EXPECT_NE(str(page["pagination"].at("previous")), "");

  auto by_key = json_of(admin("GET", kServices + "?key=ListAlpha-v1,ListBeta-v2&shrink=true"));
  ASSERT_EQ(by_key["list"].as_array().size(), 2u);
  const auto& first = by_key["list"].as_array()[0].as_object();
  EXPECT_TRUE(first.contains("md5"));
  EXPECT_FALSE(first.contains("serviceUrl"));

  auto v2 = json_of(admin("GET", kServices + "?name=ListBeta&version=v2"));
  ASSERT_EQ(v2["list"].as_array().size(), 1u);
  EXPECT_EQ(str(v2["list"].as_array()[0].at("key")), "ListBeta-v2");
}

TEST_F(ServiceCatalog, UpdateChangesTheDigestAndADuplicateKeyIsAConflict) {
  const std::string id = service_id("UpdMe");
  const std::string before = str(json_of(admin("GET", kServices + "/" + id))["md5"]);
  auto put = admin_form("PUT", kServices + "/" + id,
                        Multipart().field("serviceMetadata", metadata("UpdMe"))
                            .field("inlineContent", kPetstore + "  /owners:\n    get:\n      responses:\n        '200':\n          description: x\n"));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_NE(str(json_of(put)["md5"]), before);

  auto dup = register_service(metadata("UpdMe"));
  EXPECT_EQ(dup.status, 409) << dup.body;
  EXPECT_NE(dup.body.find("UpdMe-v1"), std::string::npos);
}

TEST_F(ServiceCatalog, DeleteRemovesTheServiceAndUnknownIdsAre404) {
  const std::string id = service_id("DelMe");
  EXPECT_EQ(admin("DELETE", kServices + "/" + id).status, 204);
  EXPECT_EQ(admin("GET", kServices + "/" + id).status, 404);
  EXPECT_EQ(admin("DELETE", kServices + "/" + id).status, 404);
  EXPECT_EQ(admin("GET", kServices + "/no-such-id/definition").status, 404);
  auto usage = admin("GET", kServices + "/no-such-id/usage");
  EXPECT_EQ(usage.status, 404);
}

TEST_F(ServiceCatalog, BadRegistrationsAreRefusedNamingWhatIsWrong) {
  auto expect_400 = [&](const HttpResponse& r, const std::string& mention) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find(mention), std::string::npos) << r.body;
  };
  expect_400(register_service(R"({"version":"v1","serviceUrl":"http://x/"})"), "'name'");
  expect_400(register_service(R"({"name":"NoVersion","serviceUrl":"http://x/"})"), "'version'");
  expect_400(register_service(R"({"name":"NoUrl","version":"v1"})"), "'serviceUrl'");
  expect_400(register_service(metadata("BadUrl").replace(metadata("BadUrl").find("http://"), 7, "ftp://")), "'serviceUrl'");
  expect_400(register_service(metadata("BadType", "v1", R"(,"definitionType":"RAML")")), "'definitionType'");
  expect_400(register_service(metadata("BadSec", "v1", R"(,"securityType":"MAGIC")")), "'securityType'");
  expect_400(register_service(metadata("Star*")), "'name'");
  expect_400(register_service(metadata("EmptyDef"), "  \n"), "'definitionFile'");
  expect_400(register_service("{not json"), "serviceMetadata");
  expect_400(admin_form("POST", kServices, Multipart().field("serviceMetadata", metadata("NoDef"))), "definitionFile");
  expect_400(admin_form("POST", kServices, Multipart().file("definitionFile", "a.yaml", kPetstore)), "serviceMetadata");
  expect_400(admin("GET", kServices + "?definitionType=RAML"), "definitionType");
  expect_400(admin("GET", kServices + "?sortBy=size"), "sortBy");
  expect_400(admin("GET", kServices + "?limit=0"), "limit");
  EXPECT_EQ(admin("POST", kServices, R"({"name":"json"})").status, 415);
  // Nothing half-created.
  auto all = json_of(admin("GET", kServices + "?name=NoDef"));
  EXPECT_EQ(all["list"].as_array().size(), 0u);
}

TEST_F(ServiceCatalog, ReadingNeedsCredentials) {
  EXPECT_EQ(mgmt().get(kServices).status, 401);
  auto settings = admin("GET", "/api/am/service-catalog/v1/settings");
  ASSERT_EQ(settings.status, 200);
  EXPECT_NE(settings.body.find("service_catalog:service_write"), std::string::npos);
}

}  // namespace
}  // namespace archway::testing
