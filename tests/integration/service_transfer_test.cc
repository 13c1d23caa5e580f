// Service Catalog entries exported as a zip and imported back (the product's services export and
// import): metadata and definition travel together; imports are all or nothing.
#include "archive/zip.h"
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
const std::string kCatalog = "/api/am/service-catalog/v1";

class ServiceTransfer : public ServerSuite {
 protected:
  static std::string definition(const std::string& title) {
    return R"({"openapi":"3.0.1","info":{"title":")" + title + R"(","version":"1.0.0"},"paths":{"/x":{"get":{"responses":{"200":{"description":"ok"}}}}}})";
  }
  void add_service(const std::string& name) {
    const std::string meta = R"({"name":")" + name + R"(","version":"v1","serviceUrl":"http://backend.example/","definitionType":"OAS3"})";
    auto r = admin_upload("POST", kCatalog + "/services",
                          {{"serviceMetadata", meta, "", "application/json"}, {"definitionFile", definition(name), "d.json", "application/json"}});
    ASSERT_EQ(r.status, 201) << r.body;
  }
  HttpResponse import_zip(const std::string& zip, const std::string& query = "") {
    return admin_upload("POST", kCatalog + "/services/import" + query, {{"file", zip, "services.zip", "application/zip"}});
  }
};

TEST_F(ServiceTransfer, AnExportedServiceImportsBackAndOverwritesOnlyWhenAsked) {
  add_service("TransferSvc");
  auto r = admin("GET", kCatalog + "/services/export?name=TransferSvc&version=v1");
  ASSERT_EQ(r.status, 200) << r.body;
  const archive::ZipReadResult zip = archive::read_zip(r.body);
  ASSERT_TRUE(zip.ok()) << zip.error;
  ASSERT_EQ(zip.entries.size(), 2u);
  EXPECT_EQ(zip.entries[0].name, "TransferSvc-v1/metadata.json");
  EXPECT_EQ(zip.entries[1].name, "TransferSvc-v1/definition.json");

  EXPECT_EQ(import_zip(r.body).status, 409);  // it exists
  auto again = import_zip(r.body, "?overwrite=true");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(str(json_of(again)["list"].as_array().at(0).at("key")), "TransferSvc-v1");

  // Into a fresh name: a YAML metadata file and a second service in the same archive.
  const std::string two = archive::write_zip({{"a/metadata.yaml", "name: ImportedA\nversion: v2\nserviceUrl: http://a.example/\n"},
                                              {"a/definition.json", definition("A")},
                                              {"b/metadata.json", R"({"name":"ImportedB","version":"v2","serviceUrl":"http://b.example/"})"},
                                              {"b/definition.json", definition("B")}});
  auto made = import_zip(two);
  ASSERT_EQ(made.status, 200) << made.body;
  EXPECT_EQ(json_of(made)["count"].as_int64(), 2);
  EXPECT_EQ(admin("GET", kCatalog + "/services/export?name=ImportedB&version=v2").status, 200);
}

TEST_F(ServiceTransfer, ABadFolderImportsNothing) {
  const std::string bad = archive::write_zip({{"ok/metadata.json", R"({"name":"NotKept","version":"v1","serviceUrl":"http://a.example/"})"},
                                              {"ok/definition.json", definition("ok")},
                                              {"bad/metadata.json", R"({"name":"Broken","version":"v1","serviceUrl":"not a url"})"},
                                              {"bad/definition.json", definition("bad")}});
  auto r = import_zip(bad);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("'bad'"), std::string::npos) << r.body;
  EXPECT_EQ(admin("GET", kCatalog + "/services/export?name=NotKept&version=v1").status, 404);
  EXPECT_EQ(import_zip("junk").status, 400);
  EXPECT_EQ(import_zip(archive::write_zip({{"x/metadata.json", R"({"name":"OnlyMeta","version":"v1"})"}})).status, 400);
  EXPECT_EQ(admin("GET", kCatalog + "/services/export?name=Nope&version=v1").status, 404);
  EXPECT_EQ(admin("GET", kCatalog + "/services/export?name=Nope").status, 400);
}

}  // namespace
}  // namespace archway::testing
