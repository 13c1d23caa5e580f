// The Publisher's small lookups: POST /apis/validate (is a name or context taken),
// POST /apis/{apiId}/documents/validate (does the API have a document of that name) and
// GET /apis/{apiId}/resource-paths (its operations as a ResourcePathList).
#include "integration/fixture.h"

namespace archway::testing {
namespace {

const std::string kMissing = "01234567-89ab-cdef-0123-456789abcdef";

class PublisherLookups : public ServerSuite {
 protected:
  int validate(const std::string& query) {
    auto r = admin("POST", kApis + "/validate?query=" + enc(query));
    if (r.status != 200) {
      EXPECT_EQ(json_of(r)["code"], r.status) << r.body;
    }
    return r.status;
  }
};

TEST_F(PublisherLookups, ValidateAnswers200ForATakenNameOrContextAnd404Otherwise) {
  create_api(api_body("TakenName", "/takencontext"));
  EXPECT_EQ(validate("TakenName"), 200);
  EXPECT_EQ(validate("takenname"), 200);  // names are compared ignoring case
  EXPECT_EQ(validate("name:TakenName"), 200);
  EXPECT_EQ(validate("context:/takencontext"), 200);
  EXPECT_EQ(validate("context:takencontext"), 200);  // the leading slash is implied
  EXPECT_EQ(validate("context:/TakenContext"), 200);
  EXPECT_EQ(validate("name:TakenName version:1.0.0"), 200);
  EXPECT_EQ(validate("name:TakenName context:/takencontext"), 200);

  EXPECT_EQ(validate("FreeName"), 404);
  EXPECT_EQ(validate("Taken"), 404);  // whole names, not substrings
  EXPECT_EQ(validate("context:/freecontext"), 404);
  EXPECT_EQ(validate("name:TakenName version:2.0.0"), 404);
  EXPECT_EQ(validate("name:TakenName context:/other"), 404);
}

TEST_F(PublisherLookups, ValidateRefusesQueriesItCannotRead) {
  EXPECT_EQ(admin("POST", kApis + "/validate").status, 400);
  EXPECT_EQ(validate(""), 400);
  EXPECT_EQ(validate("provider:admin"), 400);
  EXPECT_EQ(validate("name:"), 400);
  EXPECT_EQ(validate("version:1.0.0"), 400);  // a version alone names no API
  ASSERT_EQ(admin("POST", "/api/am/admin/v4/users",
                  R"({"username":"look-pub","password":"password-123","roles":["publisher"]})")
                .status,
            201);
  EXPECT_EQ(mgmt().call("POST", kApis + "/validate?query=x", "", "look-pub", "password-123").status, 403);
}

TEST_F(PublisherLookups, DocumentValidateTellsWhetherTheApiHasADocumentOfThatName) {
  const std::string api = create_api(api_body("DocLookup", "/doclookup"));
  ASSERT_EQ(admin("POST", kApis + "/" + api + "/documents",
                  R"({"name":"Getting Started","type":"HOWTO","sourceType":"INLINE","visibility":"API_LEVEL"})")
                .status,
            201);
  const std::string base = kApis + "/" + api + "/documents/validate";
  EXPECT_EQ(admin("POST", base + "?name=" + enc("Getting Started")).status, 200);
  auto missing = admin("POST", base + "?name=" + enc("Reference"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json_of(missing)["code"], 404);
  EXPECT_EQ(admin("POST", base).status, 400);
  EXPECT_EQ(admin("POST", base + "?name=").status, 400);
  EXPECT_EQ(admin("POST", kApis + "/" + kMissing + "/documents/validate?name=x").status, 404);
}

TEST_F(PublisherLookups, ResourcePathsListTheApisOperationsAPageAtATime) {
  const std::string api = create_api(api_body("PathLookup", "/pathlookup",
                                              R"([{"target":"/pets","verb":"GET"},{"target":"/pets","verb":"POST"},
                                                  {"target":"/pets/{id}","verb":"DELETE"}])"));
  auto r = admin("GET", kApis + "/" + api + "/resource-paths");
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = json_of(r);
  ASSERT_EQ(body["count"], 3);
  const auto& third = body["list"].as_array()[2].as_object();
  EXPECT_EQ(third.at("id"), 2);
  EXPECT_EQ(str(third.at("resourcePath")), "/pets/{id}");
  EXPECT_EQ(str(third.at("httpVerb")), "DELETE");
  EXPECT_EQ(body["pagination"].at("total"), 3);

  auto page = json_of(admin("GET", kApis + "/" + api + "/resource-paths?limit=2&offset=1"));
  EXPECT_EQ(page["count"], 2);
  EXPECT_EQ(str(page["list"].as_array()[0].at("httpVerb")), "POST");
  EXPECT_EQ(str(page["pagination"].at("previous")), kApis + "/" + api + "/resource-paths?limit=2&offset=0");

  EXPECT_EQ(admin("GET", kApis + "/" + kMissing + "/resource-paths").status, 404);
  EXPECT_EQ(admin("GET", kApis + "/" + api + "/resource-paths?limit=0").status, 400);
  EXPECT_EQ(mgmt().get(kApis + "/" + api + "/resource-paths").status, 401);
}

}  // namespace
}  // namespace archway::testing

namespace archway::testing {
namespace {

class EndpointValidation : public ServerSuite {};

TEST_F(EndpointValidation, ReportsWhatTheEndpointAnswersOrWhyItCannotBeReached) {
  const std::string target = kApis + "/validate-endpoint?endpointUrl=";
  auto ok = admin("POST", target + enc(backend_->url("/status/204")));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json_of(ok)["statusCode"].as_int64(), 204);
  EXPECT_EQ(str(json_of(ok)["statusMessage"]), "No Content");
  EXPECT_TRUE(json_of(ok)["error"].is_null());

  auto missing = admin("POST", target + enc(backend_->url("/status/404")));
  EXPECT_EQ(json_of(missing)["statusCode"].as_int64(), 404);

  // Nothing listens on port 1: the call still answers 200, with the reason.
  auto down = admin("POST", target + enc("http://127.0.0.1:1/x"));
  ASSERT_EQ(down.status, 200) << down.body;
  EXPECT_EQ(json_of(down)["statusCode"].as_int64(), 0);
  EXPECT_FALSE(str(json_of(down)["error"]).empty());

  EXPECT_EQ(admin("POST", target + enc("ftp://example.com/x")).status, 400);
  EXPECT_EQ(admin("POST", kApis + "/validate-endpoint").status, 400);
  HttpClient c = mgmt();
  EXPECT_EQ(c.call("POST", target + enc(backend_->url("/x")), "", "", "").status, 401);
}

}  // namespace
}  // namespace archway::testing
