// Project archives (GET /apis/export, POST /apis/import): the product's CLI layout, a lossless
// round trip, overwrite, deployment through the gateway, and refusal of every bad archive
// without anything half-written.
#include <functional>
#include <set>

#include "archive/zip.h"
#include "integration/fixture.h"
#include "openapi/openapi.h"

namespace archway::testing {
namespace {

namespace json = boost::json;
using archive::ZipEntry;

class ApiProject : public ServerSuite {
 protected:
  static std::string ops() {
    return R"([{"target":"/pets","verb":"GET","authType":"None","throttlingPolicy":"Unlimited",
               "operationPolicies":{"request":[{"policyName":"addHeader","parameters":{"headerName":"X-Op","headerValue":"1"}}],
                                    "response":[],"fault":[]}},
              {"target":"/pets/{petId}","verb":"GET","authType":"None","scopes":["pets:read"]},
              {"target":"/pets","verb":"POST","authType":"Application & Application User"}])";
  }
  // A fully dressed API: operations with policies and scopes, tiers, tags, CORS, business
  // information, a category, documents of every kind and a thumbnail.
  std::string rich_api(const std::string& name, const std::string& context) {
    admin("POST", "/api/am/admin/v4/api-categories", R"({"name":"ProjectCat"})");
    const std::string id = create_api(api_body(
        name, context, ops(), "",
        R"("description":"Pets as a service","policies":["Unlimited","Gold"],"tags":["pets","zoo"],
           "categories":["ProjectCat"],
           "scopes":[{"scope":{"name":"pets:read","displayName":"Read pets","description":"read","bindings":["admin"]},"shared":false}],
           "corsConfiguration":{"corsConfigurationEnabled":true,"accessControlAllowOrigins":["https://pets.example"],
                                "accessControlAllowCredentials":false,"accessControlAllowHeaders":["authorization"],
                                "accessControlAllowMethods":["GET","POST"]},
           "businessInformation":{"businessOwner":"Ann Lee","businessOwnerEmail":"ann@example.com",
                                  "technicalOwner":"Tom","technicalOwnerEmail":"tom@example.com"},
           "apiPolicies":{"request":[{"policyName":"addHeader","parameters":{"headerName":"X-Api","headerValue":"1"}}]},)"));
    doc(id, R"({"name":"Guide","type":"HOWTO","sourceType":"INLINE","visibility":"API_LEVEL","inlineContent":"How to feed pets"})");
    doc(id, R"({"name":"Notes","type":"OTHER","otherTypeName":"Notes","sourceType":"MARKDOWN","inlineContent":"# Notes\n* one"})");
    doc(id, R"({"name":"Site","type":"SUPPORT_FORUM","sourceType":"URL","sourceUrl":"https://pets.example/forum"})");
    const std::string file_doc = doc(id, R"({"name":"Manual","type":"SAMPLES","sourceType":"FILE"})");
    auto up = admin_form("POST", kApis + "/" + id + "/documents/" + file_doc + "/content",
                         Multipart().file("file", "manual.pdf", kPdf, "application/pdf"));
    EXPECT_EQ(up.status, 201) << up.body;
    auto th = admin_form("PUT", kApis + "/" + id + "/thumbnail", Multipart().file("file", "icon.png", kPng, "image/png"));
    EXPECT_EQ(th.status, 200) << th.body;
    return id;
  }
  std::string doc(const std::string& api, const std::string& body) {
    auto r = admin("POST", kApis + "/" + api + "/documents", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return str(json_of(r)["documentId"]);
  }

  HttpResponse export_api(const std::string& id, const std::string& query = "") {
    return admin("GET", kApis + "/export?apiId=" + id + query);
  }
  // The archive's files by name.
  static std::map<std::string, std::string> files_of(const std::string& zip) {
    const archive::ZipReadResult r = archive::read_zip(zip);
    EXPECT_TRUE(r.ok()) << r.error;
    std::map<std::string, std::string> out;
    for (const auto& e : r.entries) out[e.name] = e.data;
    return out;
  }
  static json::value parsed(const std::string& text) {
    std::vector<openapi::Issue> issues;
    auto v = openapi::parse_text(text, issues);
    EXPECT_TRUE(v.has_value()) << text;
    return v ? *v : json::value();
  }
  HttpResponse import_zip(const std::string& zip, const std::string& query = "") {
    return admin_form("POST", kApis + "/import" + query, Multipart().file("file", "project.zip", zip, "application/zip"));
  }
  // api.yaml's data without what a new record changes (ids and times).
  static json::object comparable_api(json::value v) {
    json::object o = v.as_object().at("data").as_object();
    for (auto k : {"id", "createdTime", "lastUpdatedTime", "lastUpdatedTimestamp"}) o.erase(k);
    return o;
  }
  static json::object comparable_doc(json::value v) {
    json::object o = v.as_object().at("data").as_object();
    for (auto k : {"documentId", "createdTime", "lastUpdatedTime"}) o.erase(k);
    return o;
  }
  // The archive's entries with api.yaml's data changed by `edit`.
  static std::vector<ZipEntry> edited(const std::string& zip, const std::function<void(json::object&)>& edit) {
    std::vector<ZipEntry> entries;
    for (const auto& [name, bytes] : files_of(zip)) {
      std::string data = bytes;
      if (name.ends_with("/api.yaml")) {
        json::value v = parsed(bytes);
        edit(v.at("data").as_object());
        data = openapi::to_yaml(v);
      }
      entries.push_back({name, data});
    }
    return entries;
  }
  std::int64_t api_count() { return json_of(admin("GET", kApis + "?limit=1000"))["pagination"].at("total").as_int64(); }
  static std::string description(const HttpResponse& r) { return str(json_of(r)["description"]); }

  const std::string kPdf = std::string("%PDF-1.4\n\0\x01\x02 binary\xff\xfe pdf body\n%%EOF\n", 38);
};

TEST_F(ApiProject, ExportAnswersAZipInTheCliLayout) {
  const std::string id = rich_api("ProjLayout", "/projlayout");
  auto r = export_api(id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/zip");
  EXPECT_NE(r.header("content-disposition").find("ProjLayout-1.0.0.zip"), std::string::npos);
  const auto files = files_of(r.body);
  std::set<std::string> names;
  for (const auto& [n, _] : files) names.insert(n);
  EXPECT_EQ(names, (std::set<std::string>{"ProjLayout-1.0.0/api.yaml", "ProjLayout-1.0.0/Definitions/swagger.yaml",
                                          "ProjLayout-1.0.0/Docs/Guide/document.yaml", "ProjLayout-1.0.0/Docs/Guide/Guide",
                                          "ProjLayout-1.0.0/Docs/Notes/document.yaml", "ProjLayout-1.0.0/Docs/Notes/Notes",
                                          "ProjLayout-1.0.0/Docs/Site/document.yaml",
                                          "ProjLayout-1.0.0/Docs/Manual/document.yaml",
                                          "ProjLayout-1.0.0/Docs/Manual/manual.pdf", "ProjLayout-1.0.0/Image/icon.png"}));

  // api.yaml: type api, a v4 version, and data as GET /apis/{apiId} answers it
  const json::value api_yaml = parsed(files.at("ProjLayout-1.0.0/api.yaml"));
  EXPECT_EQ(str(api_yaml.at("type")), "api");
  EXPECT_EQ(str(api_yaml.at("version")).substr(0, 3), "v4.");
  EXPECT_EQ(api_yaml.at("data"), json::parse(admin("GET", kApis + "/" + id).body));
  // Definitions/swagger.yaml: what GET /swagger answers in YAML
  auto swagger = mgmt().send(HttpRequest{"GET", kApis + "/" + id + "/swagger",
                                         {{"Authorization", basic_auth(kAdmin, kPassword)}, {"Accept", "application/yaml"}}});
  EXPECT_EQ(files.at("ProjLayout-1.0.0/Definitions/swagger.yaml"), swagger.body);
  // Docs: metadata as the Publisher answers it, content as stored
  const json::value guide = parsed(files.at("ProjLayout-1.0.0/Docs/Guide/document.yaml"));
  EXPECT_EQ(str(guide.at("type")), "document");
  EXPECT_EQ(str(guide.at("data").at("sourceType")), "INLINE");
  EXPECT_EQ(files.at("ProjLayout-1.0.0/Docs/Guide/Guide"), "How to feed pets");
  EXPECT_EQ(files.at("ProjLayout-1.0.0/Docs/Notes/Notes"), "# Notes\n* one");
  EXPECT_EQ(files.at("ProjLayout-1.0.0/Docs/Manual/manual.pdf"), kPdf);
  EXPECT_EQ(files.at("ProjLayout-1.0.0/Image/icon.png"), kPng);

  // JSON on request; 404 for an unknown API; 400 for an unknown format
  auto as_json = export_api(id, "&format=JSON");
  ASSERT_EQ(as_json.status, 200);
  const auto json_files = files_of(as_json.body);
  EXPECT_TRUE(json_files.count("ProjLayout-1.0.0/api.json"));
  EXPECT_TRUE(json_files.count("ProjLayout-1.0.0/Definitions/swagger.json"));
  EXPECT_EQ(json::parse(json_files.at("ProjLayout-1.0.0/api.json")).at("data").at("name"), "ProjLayout");
  EXPECT_EQ(export_api("no-such-api").status, 404);
  auto bad_format = export_api(id, "&format=XML");
  EXPECT_EQ(bad_format.status, 400);
  EXPECT_NE(description(bad_format).find("'format'"), std::string::npos);
  // by name and version, as the product also allows
  auto by_name = admin("GET", kApis + "/export?name=ProjLayout&version=1.0.0");
  ASSERT_EQ(by_name.status, 200);
  EXPECT_EQ(files_of(by_name.body).size(), files.size());
}

TEST_F(ApiProject, ExportWithoutPreserveStatusSaysCreatedAndNeverCarriesSecrets) {
  const std::string id = create_api(
      R"({"name":"ProjSecret","context":"/projsecret","version":"1.0.0","policies":["Unlimited"],
          "endpointConfig":{"endpoint_type":"http","production_endpoints":{"url":")" + backend_->url("/b") + R"("},
          "endpoint_security":{"production":{"enabled":true,"type":"BASIC","username":"svc","password":"Pr0ject-Secret-pw"}}},
          "operations":[{"target":"/*","verb":"GET","authType":"None"}]})");
  ASSERT_EQ(admin("POST", kApis + "/change-lifecycle?apiId=" + id + "&action=Publish").status, 200);
  const auto kept = files_of(export_api(id).body);
  EXPECT_EQ(str(parsed(kept.at("ProjSecret-1.0.0/api.yaml")).at("data").at("lifeCycleStatus")), "PUBLISHED");
  const auto files = files_of(export_api(id, "&preserveStatus=false").body);
  const json::value data = parsed(files.at("ProjSecret-1.0.0/api.yaml")).at("data");
  EXPECT_EQ(str(data.at("lifeCycleStatus")), "CREATED");
  EXPECT_EQ(str(data.at("endpointConfig").at("endpoint_security").at("production").at("password")), "");
  for (const auto& [name, bytes] : files) EXPECT_EQ(bytes.find("Pr0ject-Secret-pw"), std::string::npos) << name;

  // Into a server without the API the secret must be given: 400 naming the field ...
  ASSERT_EQ(admin("DELETE", kApis + "/" + id).status, 200);
  std::vector<ZipEntry> entries;
  for (const auto& [n, b] : files) entries.push_back({n, b});
  auto refused = import_zip(archive::write_zip(entries));
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(description(refused).find("ProjSecret-1.0.0/api.yaml"), std::string::npos) << refused.body;
  EXPECT_NE(description(refused).find("endpoint_security.production.password"), std::string::npos) << refused.body;
  // ... and with it filled in, the import succeeds and the gateway sends it to the backend.
  auto ok = import_zip(archive::write_zip(edited(archive::write_zip(entries), [](json::object& data) {
    data.at("endpointConfig").at("endpoint_security").at("production").as_object()["password"] = "Filled-in-pw";
  })));
  ASSERT_EQ(ok.status, 201) << ok.body;
  const std::string new_id = str(json_of(ok)["id"]);
  deploy(new_id, create_revision(new_id));
  EXPECT_EQ(wait_for_status("/projsecret/1.0.0/x", [](int s) { return s == 200; }), 200);
  auto call = gw().get("/projsecret/1.0.0/x");
  EXPECT_EQ(str(json_of(call)["headers"].at("authorization")), "Basic c3ZjOkZpbGxlZC1pbi1wdw==");  // svc:Filled-in-pw
}

TEST_F(ApiProject, ExportDeleteImportExportRoundTripsWithoutLoss) {
  for (const std::string format : {"YAML", "JSON"}) {
    const std::string name = "ProjTrip" + format;
    const std::string id = rich_api(name, format == "YAML" ? "/projtripyaml" : "/projtripjson");
    auto first = export_api(id, "&format=" + format);
    ASSERT_EQ(first.status, 200);
    ASSERT_EQ(admin("DELETE", kApis + "/" + id).status, 200);
    ASSERT_EQ(admin("GET", kApis + "/" + id).status, 404);

    auto imported = import_zip(first.body);
    ASSERT_EQ(imported.status, 201) << imported.body;
    const std::string new_id = str(json_of(imported)["id"]);
    EXPECT_NE(new_id, id);
    EXPECT_EQ(imported.header("location"), kApis + "/" + new_id);
    auto second = export_api(new_id, "&format=" + format);
    ASSERT_EQ(second.status, 200);

    const auto a = files_of(first.body);
    const auto b = files_of(second.body);
    ASSERT_EQ(a.size(), b.size());
    const std::string ext = format == "JSON" ? ".json" : ".yaml";
    const std::string root = name + "-1.0.0/";
    for (const auto& [file, bytes] : a) {
      ASSERT_TRUE(b.count(file)) << file;
      if (file == root + "api" + ext)
        EXPECT_EQ(json::serialize(comparable_api(parsed(bytes))), json::serialize(comparable_api(parsed(b.at(file)))));
      else if (file.ends_with("/document" + ext))
        EXPECT_EQ(json::serialize(comparable_doc(parsed(bytes))), json::serialize(comparable_doc(parsed(b.at(file)))));
      else if (file.starts_with(root + "Definitions/"))  // the same document (keys may come in another order)
        EXPECT_EQ(parsed(bytes), parsed(b.at(file))) << file;
      else
        EXPECT_EQ(bytes, b.at(file)) << file;  // inline texts, the file, the image
    }
    // The served content is the same too.
    auto docs = json_of(admin("GET", kApis + "/" + new_id + "/documents"))["list"].as_array();
    ASSERT_EQ(docs.size(), 4u);
    for (const auto& d : docs)
      if (str(d.at("name")) == "Manual") {
        auto content = admin("GET", kApis + "/" + new_id + "/documents/" + str(d.at("documentId")) + "/content");
        EXPECT_EQ(content.body, kPdf);
        EXPECT_EQ(content.header("content-type"), "application/pdf");
      }
    EXPECT_EQ(admin("GET", kApis + "/" + new_id + "/thumbnail").body, kPng);
  }
}

TEST_F(ApiProject, ImportOfAnExistingApiIs409UnlessOverwriteWhichRestoresTheArchive) {
  const std::string id = rich_api("ProjOver", "/projover");
  const std::string zip = export_api(id).body;
  // Change the API after the export: description, a document gone, another added, no thumbnail.
  json::object api = json_of(admin("GET", kApis + "/" + id));
  api["description"] = "changed";
  ASSERT_EQ(admin("PUT", kApis + "/" + id, json::serialize(api)).status, 200);
  auto docs = json_of(admin("GET", kApis + "/" + id + "/documents"))["list"].as_array();
  for (const auto& d : docs) {
    if (str(d.at("name")) != "Guide") continue;
    ASSERT_EQ(admin("DELETE", kApis + "/" + id + "/documents/" + str(d.at("documentId"))).status, 200);
  }
  doc(id, R"({"name":"Later","type":"HOWTO","sourceType":"INLINE","inlineContent":"added later"})");

  auto conflict = import_zip(zip);
  EXPECT_EQ(conflict.status, 409) << conflict.body;
  EXPECT_NE(description(conflict).find("ProjOver"), std::string::npos);
  EXPECT_NE(description(conflict).find("overwrite=true"), std::string::npos);
  EXPECT_EQ(str(json_of(admin("GET", kApis + "/" + id))["description"]), "changed");

  auto over = import_zip(zip, "?overwrite=true&preserveProvider=true&rotateRevision=true");
  ASSERT_EQ(over.status, 200) << over.body;
  EXPECT_EQ(str(json_of(over)["id"]), id);  // the same API, updated
  EXPECT_EQ(str(json_of(admin("GET", kApis + "/" + id))["description"]), "Pets as a service");
  std::set<std::string> names;
  const json::object listed = json_of(admin("GET", kApis + "/" + id + "/documents"));
  for (const auto& d : listed.at("list").as_array()) names.insert(str(d.at("name")));
  EXPECT_EQ(names, (std::set<std::string>{"Guide", "Notes", "Site", "Manual"}));
  EXPECT_EQ(admin("GET", kApis + "/" + id + "/thumbnail").body, kPng);
}

TEST_F(ApiProject, ImportedApiDeploysToTheArchivesEnvironmentsAndAnswersThroughTheGateway) {
  const std::string id = deployed_api(api_body("ProjGw", "/projgw", R"([{"target":"/*","verb":"GET","authType":"None"}])",
                                               "", R"("policies":["Unlimited"],)"),
                                      "/projgw/1.0.0/probe");
  ASSERT_EQ(admin("POST", kApis + "/change-lifecycle?apiId=" + id + "&action=Publish").status, 200);
  auto exported = export_api(id);
  const auto files = files_of(exported.body);
  ASSERT_TRUE(files.count("ProjGw-1.0.0/deployment_environments.yaml"));
  const json::value envs = parsed(files.at("ProjGw-1.0.0/deployment_environments.yaml"));
  EXPECT_EQ(str(envs.at("type")), "deployment_environments");
  EXPECT_EQ(str(envs.at("data").at(0).at("deploymentEnvironment")), "Default");

  ASSERT_EQ(admin("DELETE", kApis + "/" + id).status, 200);
  EXPECT_EQ(wait_for_status("/projgw/1.0.0/x", [](int s) { return s == 404; }), 404);
  auto imported = import_zip(exported.body);
  ASSERT_EQ(imported.status, 201) << imported.body;
  const std::string new_id = str(json_of(imported)["id"]);
  EXPECT_EQ(str(json_of(imported)["lifeCycleStatus"]), "PUBLISHED");
  EXPECT_EQ(json_of(admin("GET", kApis + "/" + new_id + "/deployments"))["count"].as_int64(), 1);
  EXPECT_EQ(wait_for_status("/projgw/1.0.0/x", [](int s) { return s == 200; }), 200);
  auto r = gw().get("/projgw/1.0.0/pets?kind=cat");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json_of(r)["target"]), "/backend/pets?kind=cat");
  // It shows in the Developer Portal as published.
  EXPECT_EQ(admin("GET", kDev + "/apis/" + new_id).status, 200);
}

TEST_F(ApiProject, ImportTakesTheCallerAsProviderUnlessPreserved) {
  const std::string id = create_api(api_body("ProjProv", "/projprov"));
  const auto entries = edited(export_api(id).body, [](json::object& data) { data["provider"] = "someone-else"; });
  ASSERT_EQ(admin("DELETE", kApis + "/" + id).status, 200);
  auto kept = import_zip(archive::write_zip(entries));
  ASSERT_EQ(kept.status, 201) << kept.body;
  EXPECT_EQ(str(json_of(kept)["provider"]), "someone-else");
  ASSERT_EQ(admin("DELETE", kApis + "/" + str(json_of(kept)["id"])).status, 200);
  auto mine = import_zip(archive::write_zip(entries), "?preserveProvider=false");
  ASSERT_EQ(mine.status, 201) << mine.body;
  EXPECT_EQ(str(json_of(mine)["provider"]), "admin");
}

// Each broken archive is 400 (409 for a taken context) naming what and where, and nothing of it
// is stored: no API, and an API it would overwrite stays as it was.
TEST_F(ApiProject, BadArchivesAreRefusedAndLeaveNothingHalfWritten) {
  const std::string id = rich_api("ProjBad", "/projbad");
  std::vector<ZipEntry> good;
  for (const auto& [n, b] : files_of(export_api(id).body)) good.push_back({n, b});
  ASSERT_EQ(admin("DELETE", kApis + "/" + id).status, 200);
  const std::string root = "ProjBad-1.0.0/";
  auto with = [&](const std::string& name, const std::string& data) {
    std::vector<ZipEntry> e = good;
    bool replaced = false;
    for (auto& x : e)
      if (x.name == name) x.data = data, replaced = true;
    if (!replaced) e.push_back({name, data});
    return archive::write_zip(e);
  };
  auto without = [&](const std::string& prefix) {
    std::vector<ZipEntry> e;
    for (const auto& x : good)
      if (!x.name.starts_with(prefix)) e.push_back(x);
    return archive::write_zip(e);
  };
  std::vector<ZipEntry> many;
  for (int i = 0; i < 2100; ++i) many.push_back({root + "extra/" + std::to_string(i), "x"});
  for (const auto& e : good) many.push_back(e);

  struct Case {
    std::string what;
    std::string zip;
    std::string expect;  // in the description
  };
  const std::vector<Case> cases = {
      {"not a zip", "type: api\ndata: {}\n", "not a zip"},
      {"empty file", "", "'file'"},
      {"no api.yaml", without(root + "api.yaml"), "no api.yaml"},
      {"wrong type", with(root + "api.yaml", "type: document\nversion: v4.2.0\ndata: {}\n"), "'type' must be 'api'"},
      {"api.yaml not YAML", with(root + "api.yaml", "type: [api\n"), root + "api.yaml"},
      {"data not an object", with(root + "api.yaml", "type: api\nversion: v4.2.0\ndata: 5\n"), root + "api.yaml"},
      {"bad field", with(root + "api.yaml", "type: api\nversion: v4.2.0\ndata:\n  name: ProjBad\n  version: 1.0.0\n"
                                            "  context: /projbad\n  policies: 5\n"),
       "policies"},
      {"unknown tier", with(root + "api.yaml", "type: api\nversion: v4.2.0\ndata:\n  name: ProjBad\n  version: 1.0.0\n"
                                               "  context: /projbad\n  policies: [Platinum]\n"),
       "Platinum"},
      {"invalid definition", with(root + "Definitions/swagger.yaml", "openapi: 3.0.1\ninfo: {}\npaths: 5\n"),
       root + "Definitions/swagger.yaml"},
      {"definition lacking an operation", with(root + "Definitions/swagger.yaml",
                                               "openapi: 3.0.1\ninfo: {title: x, version: 1.0.0}\npaths:\n  /pets:\n"
                                               "    get:\n      responses:\n        '200': {description: ok}\n"),
       "is not in the definition"},
      {"path traversal", with("../evil.txt", "x"), "unsafe name"},
      {"nested traversal", with(root + "Docs/../../evil", "x"), "unsafe name"},
      {"zip bomb", with(root + "Docs/Bomb/Bomb", std::string(70 * 1024 * 1024, '\0')), "expands beyond"},
      {"too many entries", archive::write_zip(many), "entries"},
      {"bad document", with(root + "Docs/Guide/document.yaml", "type: document\nversion: v4.2.0\ndata:\n  name: Guide\n"
                                                               "  sourceType: BOGUS\n"),
       root + "Docs/Guide/document.yaml"},
      {"document without metadata", with(root + "Docs/Lost/Lost", "text"), root + "Docs/Lost/"},
      {"two content files", with(root + "Docs/Guide/extra.txt", "text"), "one content file"},
      {"thumbnail not an image", with(root + "Image/icon.png", "not an image"), root + "Image/icon.png"},
      {"unknown environment", with(root + "deployment_environments.yaml",
                                   "type: deployment_environments\nversion: v4.2.0\ndata:\n"
                                   "  - deploymentEnvironment: Mars\n"),
       "Mars"},
      {"both yaml and json", with(root + "api.json", "{}"), "more than one"},
  };
  const std::int64_t before = api_count();
  for (const auto& c : cases) {
    auto r = import_zip(c.zip);
    EXPECT_EQ(r.status, 400) << c.what << ": " << r.body;
    EXPECT_NE(r.body.find("\"code\""), std::string::npos) << c.what;
    EXPECT_NE(description(r).find(c.expect), std::string::npos) << c.what << ": " << description(r);
  }
  EXPECT_EQ(api_count(), before);
  EXPECT_EQ(json_of(admin("GET", kApis + "?query=name:ProjBad"))["count"].as_int64(), 0);

  // No 'file' part
  auto no_file = admin_form("POST", kApis + "/import", Multipart().field("other", "x"));
  EXPECT_EQ(no_file.status, 400);
  EXPECT_NE(description(no_file).find("'file'"), std::string::npos);

  // A context another API holds: 409 naming it, nothing stored
  create_api(api_body("ProjHolder", "/projbad"));
  auto taken = import_zip(archive::write_zip(good));
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_NE(description(taken).find("/projbad"), std::string::npos);
  EXPECT_EQ(json_of(admin("GET", kApis + "?query=name:ProjBad"))["count"].as_int64(), 0);
}

// An overwrite that fails late (a bad thumbnail after a good api.yaml and documents) changes
// nothing of the API it would have updated.
TEST_F(ApiProject, FailedOverwriteLeavesTheExistingApiUntouched) {
  const std::string id = rich_api("ProjAtomic", "/projatomic");
  auto entries = edited(export_api(id).body, [](json::object& data) { data["description"] = "from the archive"; });
  for (auto& e : entries)
    if (e.name.ends_with("Image/icon.png")) e.data = "garbage, not an image";
  entries.push_back({"ProjAtomic-1.0.0/Docs/Extra/document.yaml",
                     "type: document\nversion: v4.2.0\ndata:\n  name: Extra\n  type: HOWTO\n  sourceType: INLINE\n"});
  const std::string before = admin("GET", kApis + "/" + id).body;
  const std::string docs_before = admin("GET", kApis + "/" + id + "/documents").body;
  auto r = import_zip(archive::write_zip(entries), "?overwrite=true");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(description(r).find("Image/icon.png"), std::string::npos);
  EXPECT_EQ(admin("GET", kApis + "/" + id).body, before);
  EXPECT_EQ(admin("GET", kApis + "/" + id + "/documents").body, docs_before);
  EXPECT_EQ(admin("GET", kApis + "/" + id + "/thumbnail").body, kPng);
}

}  // namespace
}  // namespace archway::testing

namespace archway::testing {
namespace {

// As in the product: apim:api_import_export allows both; apim:api_view exports, apim:api_create imports.
TEST_F(ApiProject, TokensNeedImportExportOrTheViewAndCreateScopes) {
  const std::string id = create_api(api_body("ProjScope", "/projscope"));
  auto app = admin("POST", kDev + "/applications", R"({"name":"ProjScopeApp"})");
  ASSERT_EQ(app.status, 201) << app.body;
  auto keys = admin("POST", kDev + "/applications/" + str(json_of(app)["applicationId"]) + "/generate-keys",
                    R"({"keyType":"PRODUCTION","grantTypesToBeSupported":["password"]})");
  ASSERT_EQ(keys.status, 200) << keys.body;
  auto token = [&](const std::string& scope) {
    HttpRequest r{"POST", "/oauth2/token",
                  {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Authorization", basic_auth(str(json_of(keys)["consumerKey"]), str(json_of(keys)["consumerSecret"]))}},
                  std::string("grant_type=password&username=admin&password=") + kPassword + "&scope=" + scope};
    auto t = mgmt().send(r);
    EXPECT_EQ(t.status, 200) << t.body;
    return str(json_of(t)["access_token"]);
  };
  auto as = [&](const std::string& tok, const std::string& method, const std::string& target, const Multipart* form) {
    HttpRequest r{method, target, {{"Authorization", "Bearer " + tok}}};
    if (form) {
      r.body = form->body();
      r.headers.emplace_back("Content-Type", form->content_type());
    }
    return mgmt().send(r);
  };
  const std::string zip = admin("GET", kApis + "/export?apiId=" + id).body;
  const Multipart form = Multipart().file("file", "p.zip", zip, "application/zip");
  const std::string view = token("apim:api_view");
  EXPECT_EQ(as(view, "GET", kApis + "/export?apiId=" + id, nullptr).status, 200);
  auto denied = as(view, "POST", kApis + "/import?overwrite=true", &form);
  EXPECT_EQ(denied.status, 403);
  EXPECT_NE(denied.body.find("apim:api_create"), std::string::npos);
  const std::string ie = token("apim:api_import_export");
  EXPECT_EQ(as(ie, "GET", kApis + "/export?apiId=" + id, nullptr).status, 200);
  EXPECT_EQ(as(ie, "POST", kApis + "/import?overwrite=true", &form).status, 200);
  EXPECT_EQ(as(token("apim:api_create"), "POST", kApis + "/import?overwrite=true", &form).status, 200);
  EXPECT_EQ(as(ie, "GET", kApis + "/" + id, nullptr).status, 403);  // the scope is for import/export only
}

}  // namespace
}  // namespace archway::testing

namespace archway::testing {
namespace {

const std::string kProducts = "/api/am/publisher/v4/api-products";

// API products travel as the product's CLI lays them out: api_product.yaml beside APIs/<Name>-<Version>/
// holding the project of each API the product bundles.
class ApiProductProject : public ApiProject {
 protected:
  // Two APIs and a product bundling an operation of each, deployed; names get `tag`.
  std::string deployed_product(const std::string& tag) {
    const std::string a = create_api(api_body("PA" + tag, "/pa" + tag, R"([{"target":"/items","verb":"GET","authType":"None"}])"));
    const std::string b = create_api(api_body("PB" + tag, "/pb" + tag, R"([{"target":"/stock","verb":"GET","authType":"None"}])"));
    auto r = admin("POST", kProducts,
                   R"({"name":"Shop)" + tag + R"(","context":"/shop)" + tag + R"(","policies":["Unlimited"],"description":"shop",
                       "apis":[{"apiId":")" + a + R"(","operations":[{"target":"/items","verb":"GET"}]},
                               {"apiId":")" + b + R"(","operations":[{"target":"/stock","verb":"GET"}]}]})");
    EXPECT_EQ(r.status, 201) << r.body;
    const std::string id = str(json_of(r)["id"]);
    auto rev = admin("POST", kProducts + "/" + id + "/revisions", R"({"description":"r"})");
    EXPECT_EQ(rev.status, 201) << rev.body;
    auto dep = admin("POST", kProducts + "/" + id + "/deploy-revision?revisionId=" + str(json_of(rev)["id"]),
                     R"([{"name":"Default","vhost":"localhost"}])");
    EXPECT_EQ(dep.status, 201) << dep.body;
    return id;
  }
  HttpResponse import_product(const std::string& zip, const std::string& query = "") {
    return admin_form("POST", kProducts + "/import" + query, Multipart().file("file", "shop.zip", zip, "application/zip"));
  }
  static json::object comparable_product(json::value v) {
    json::object o = comparable_api(std::move(v));
    for (auto& a : o["apis"].as_array()) a.as_object().erase("apiId");
    return o;
  }
  std::int64_t product_count() { return json_of(admin("GET", kProducts + "?limit=1000"))["pagination"].at("total").as_int64(); }
};

TEST_F(ApiProductProject, ExportHoldsTheProductAndTheProjectOfEachApi) {
  const std::string id = deployed_product("X");
  auto r = admin("GET", kProducts + "/export?apiProductId=" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/zip");
  EXPECT_NE(r.header("content-disposition").find("ShopX-1.0.0.zip"), std::string::npos);
  const auto files = files_of(r.body);
  for (const char* f : {"ShopX-1.0.0/api_product.yaml", "ShopX-1.0.0/deployment_environments.yaml",
                        "ShopX-1.0.0/APIs/PAX-1.0.0/api.yaml", "ShopX-1.0.0/APIs/PAX-1.0.0/Definitions/swagger.yaml",
                        "ShopX-1.0.0/APIs/PBX-1.0.0/api.yaml", "ShopX-1.0.0/APIs/PBX-1.0.0/Definitions/swagger.yaml"})
    EXPECT_TRUE(files.count(f)) << f;
  const json::value product = parsed(files.at("ShopX-1.0.0/api_product.yaml"));
  EXPECT_EQ(str(product.at("type")), "api_product");
  EXPECT_EQ(product.at("data"), json::parse(admin("GET", kProducts + "/" + id).body));
  EXPECT_EQ(admin("GET", kProducts + "/export?name=ShopX&version=1.0.0").status, 200);
  EXPECT_EQ(admin("GET", kProducts + "/export?apiProductId=nope").status, 404);
  // An API id is no product id, and the other way round.
  const std::string api_id = str(product.at("data").at("apis").at(0).at("apiId"));
  EXPECT_EQ(admin("GET", kProducts + "/export?apiProductId=" + api_id).status, 404);
  EXPECT_EQ(admin("GET", kApis + "/export?apiId=" + id).status, 404);
}

TEST_F(ApiProductProject, RoundTripsWithItsApisAndAnswersThroughTheGateway) {
  const std::string id = deployed_product("R");
  ASSERT_EQ(wait_for_status("/shopR/1.0.0/items", [](int s) { return s == 200; }), 200);
  const std::string zip = admin("GET", kProducts + "/export?apiProductId=" + id).body;
  const auto first = files_of(zip);
  const json::value data = parsed(first.at("ShopR-1.0.0/api_product.yaml")).at("data");
  ASSERT_EQ(admin("DELETE", kProducts + "/" + id).status, 200);
  for (const auto& a : data.at("apis").as_array())
    ASSERT_EQ(admin("DELETE", kApis + "/" + str(a.at("apiId"))).status, 200);
  EXPECT_EQ(wait_for_status("/shopR/1.0.0/items", [](int s) { return s == 404; }), 404);

  // Without importAPIs the missing APIs are named, and nothing is created.
  const std::int64_t apis_before = api_count(), products_before = product_count();
  auto refused = import_product(zip);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(description(refused).find("'data.apis[0]'"), std::string::npos) << refused.body;
  EXPECT_NE(description(refused).find("importAPIs=true"), std::string::npos) << refused.body;
  EXPECT_EQ(api_count(), apis_before);
  EXPECT_EQ(product_count(), products_before);

  auto imported = import_product(zip, "?importAPIs=true&preserveProvider=true");
  ASSERT_EQ(imported.status, 201) << imported.body;
  const std::string new_id = str(json_of(imported)["id"]);
  EXPECT_EQ(imported.header("location"), kProducts + "/" + new_id);
  EXPECT_EQ(api_count(), apis_before + 2);
  EXPECT_EQ(wait_for_status("/shopR/1.0.0/items", [](int s) { return s == 200; }), 200);
  EXPECT_EQ(wait_for_status("/shopR/1.0.0/stock", [](int s) { return s == 200; }), 200);

  const auto second = files_of(admin("GET", kProducts + "/export?apiProductId=" + new_id).body);
  ASSERT_EQ(first.size(), second.size());
  EXPECT_EQ(json::serialize(comparable_product(parsed(first.at("ShopR-1.0.0/api_product.yaml")))),
            json::serialize(comparable_product(parsed(second.at("ShopR-1.0.0/api_product.yaml")))));
  EXPECT_EQ(json::serialize(comparable_api(parsed(first.at("ShopR-1.0.0/APIs/PAR-1.0.0/api.yaml")))),
            json::serialize(comparable_api(parsed(second.at("ShopR-1.0.0/APIs/PAR-1.0.0/api.yaml")))));

  // Again: 409 naming the product, unless overwriteAPIProduct=true (the APIs on the server stay).
  auto conflict = import_product(zip, "?importAPIs=true");
  EXPECT_EQ(conflict.status, 409) << conflict.body;
  EXPECT_NE(description(conflict).find("overwriteAPIProduct=true"), std::string::npos);
  auto over = import_product(zip, "?importAPIs=true&overwriteAPIProduct=true");
  ASSERT_EQ(over.status, 200) << over.body;
  EXPECT_EQ(str(json_of(over)["id"]), new_id);
  EXPECT_EQ(api_count(), apis_before + 2);
  EXPECT_EQ(import_product(zip, "?overwriteAPIProduct=true&overwriteAPIs=true").status, 400);
}

// A product that cannot be imported removes the APIs its import created from APIs/.
TEST_F(ApiProductProject, FailedImportRemovesTheApisItCreated) {
  const std::string id = deployed_product("F");
  const std::string zip = admin("GET", kProducts + "/export?apiProductId=" + id).body;
  const json::value data = parsed(files_of(zip).at("ShopF-1.0.0/api_product.yaml")).at("data");
  ASSERT_EQ(admin("DELETE", kProducts + "/" + id).status, 200);
  for (const auto& a : data.at("apis").as_array())
    ASSERT_EQ(admin("DELETE", kApis + "/" + str(a.at("apiId"))).status, 200);
  std::vector<ZipEntry> entries;
  for (const auto& [name, bytes] : files_of(zip)) {
    std::string d = bytes;
    if (name == "ShopF-1.0.0/api_product.yaml") {
      json::value v = parsed(bytes);
      v.at("data").as_object()["policies"] = json::array{"Platinum"};
      d = openapi::to_yaml(v);
    }
    entries.push_back({name, d});
  }
  const std::int64_t apis_before = api_count(), products_before = product_count();
  auto r = import_product(archive::write_zip(entries), "?importAPIs=true");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(description(r).find("ShopF-1.0.0/api_product.yaml"), std::string::npos) << r.body;
  EXPECT_NE(description(r).find("Platinum"), std::string::npos) << r.body;
  EXPECT_EQ(api_count(), apis_before);
  EXPECT_EQ(product_count(), products_before);
  // An API archive is not a product archive
  auto wrong = import_product(admin("GET", kApis + "/export?apiId=" + create_api(api_body("PlainF", "/plainf"))).body);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(description(wrong).find("api_product.yaml"), std::string::npos);
}

}  // namespace
}  // namespace archway::testing
