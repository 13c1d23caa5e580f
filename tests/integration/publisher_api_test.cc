// Publisher REST API v4 over HTTP against the real binary: shapes, validation, conflicts, auth,
// revisions and deployments.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

class PublisherApi : public ServerSuite {};

TEST_F(PublisherApi, CreateReturns201WithProductShapeAndLocation) {
  auto r = admin("POST", kApis, api_body("Shape", "/shape/", R"([{"target":"/pets/{id}","verb":"get"}])", "",
                                         R"("tags":["pets"],"policies":["Unlimited"],)"));
  ASSERT_EQ(r.status, 201) << r.body;
  auto o = json_of(r);
  EXPECT_EQ(o["name"], "Shape");
  EXPECT_EQ(o["context"], "/shape");
  EXPECT_EQ(o["version"], "1.0.0");
  EXPECT_EQ(o["provider"], "admin");
  EXPECT_EQ(o["lifeCycleStatus"], "CREATED");
  EXPECT_EQ(o["type"], "HTTP");
  EXPECT_EQ(o["isDefaultVersion"], false);
  EXPECT_EQ(o["operations"].as_array()[0].at("verb"), "GET");
  EXPECT_EQ(o["operations"].as_array()[0].at("authType"), "Application & Application User");
  EXPECT_EQ(str(o["endpointConfig"].at("production_endpoints").at("url")), backend_->url("/backend"));
  EXPECT_EQ(r.header("location"), kApis + "/" + std::string(o["id"].as_string()));
  auto g = admin("GET", kApis + "/" + std::string(o["id"].as_string()));
  EXPECT_EQ(g.status, 200);
  EXPECT_EQ(json_of(g)["tags"].as_array()[0], "pets");
}

TEST_F(PublisherApi, ListPagesAndSearches) {
  for (int i = 0; i < 3; ++i) create_api(api_body("Paged" + std::to_string(i), "/paged" + std::to_string(i)));
  auto r = admin("GET", kApis + "?query=paged&limit=2&offset=0");
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = json_of(r);
  EXPECT_EQ(o["count"], 2);
  EXPECT_EQ(o["pagination"].at("total"), 3);
  EXPECT_EQ(o["pagination"].at("limit"), 2);
  EXPECT_NE(o["pagination"].at("next").as_string(), "");
  auto r2 = json_of(admin("GET", kApis + "?query=name:paged&limit=2&offset=2"));
  EXPECT_EQ(r2["count"], 1);
  EXPECT_EQ(admin("GET", kApis + "?limit=0").status, 400);
  EXPECT_EQ(admin("GET", kApis + "?offset=-1").status, 400);
  EXPECT_EQ(admin("GET", kApis + "?limit=abc").status, 400);
}

struct BadCase {
  const char* body;
  const char* field;
};

TEST_F(PublisherApi, BadInputIs400NamingTheFieldAndWritesNothing) {
  const std::string ep = backend_->url();
  const BadCase cases[] = {
      {R"({"context":"/nm","version":"1"})", "'name'"},
      {R"({"name":"N1","context":"nm","version":"1"})", "'context'"},
      {R"({"name":"N2","context":"/n m","version":"1"})", "'context'"},
      {R"({"name":"N3","context":"/n$","version":"1"})", "'context'"},
      {R"({"name":"N4","context":"/n4"})", "'version'"},
      {R"({"name":"N5","context":"/n5","version":"1","operations":[{"target":"/x","verb":"FETCH"}]})", "verb"},
      {R"({"name":"N6","context":"/n6","version":"1","endpointConfig":{"endpoint_type":"http","production_endpoints":{"url":"htp:/x y"}}})",
       "'endpointConfig.production_endpoints.url'"},
      {R"({"name":"N7","context":"/n7","version":"1","isDefaultVersion":"yes"})", "'isDefaultVersion'"},
      {R"({"name":"N8","context":"/n8","version":"1","operations":{}})", "'operations'"},
      {R"([1,2])", "JSON object"},
      {R"({"name":"N9",)", "not valid JSON"},
  };
  for (const auto& c : cases) {
    auto r = admin("POST", kApis, c.body);
    EXPECT_EQ(r.status, 400) << c.body << " -> " << r.body;
    auto o = json_of(r);
    EXPECT_EQ(o["code"], 400);
    EXPECT_TRUE(o.contains("message"));
    EXPECT_NE(std::string(o["description"].as_string()).find(c.field), std::string::npos)
        << c.body << " -> " << r.body;
  }
  auto list = json_of(admin("GET", kApis + "?query=N&limit=100"));
  for (const auto& a : list["list"].as_array())
    EXPECT_FALSE(std::string(a.at("name").as_string()).starts_with("N")) << "half-written: " << a;
}

TEST_F(PublisherApi, DuplicateNameOrContextWithSameVersionIs409) {
  create_api(api_body("Dup", "/dup"));
  auto r = admin("POST", kApis, api_body("Dup", "/dup-other"));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(json_of(r)["code"], 409);
  EXPECT_EQ(admin("POST", kApis, api_body("DupOther", "/dup")).status, 409);
}

TEST_F(PublisherApi, UnknownIdsAre404) {
  const std::string none = "/00000000-0000-0000-0000-000000000000";
  EXPECT_EQ(admin("GET", kApis + none).status, 404);
  EXPECT_EQ(admin("PUT", kApis + none, api_body("X", "/x")).status, 404);
  EXPECT_EQ(admin("DELETE", kApis + none).status, 404);
  EXPECT_EQ(admin("POST", kApis + none + "/revisions", "{}").status, 404);
  EXPECT_EQ(admin("GET", kApis + none + "/deployments").status, 404);
  const std::string id = create_api(api_body("NoRev", "/norev"));
  EXPECT_EQ(admin("POST", kApis + "/" + id + "/deploy-revision?revisionId=nope", R"([{"name":"Default"}])").status,
            404);
  EXPECT_EQ(admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=nope&action=Publish").status, 404);
  EXPECT_EQ(admin("GET", "/api/am/publisher/v4/nothing").status, 404);
}

TEST_F(PublisherApi, MissingOrWrongCredentialsAre401) {
  auto c = mgmt();
  EXPECT_EQ(c.call("GET", kApis, "", "", "").status, 401);
  EXPECT_EQ(c.call("GET", kApis, "", "admin", "nope").status, 401);
  EXPECT_EQ(c.call("GET", kApis, "", "nobody", "x").status, 401);
  HttpRequest r;
  r.target = kApis;
  r.headers = {{"Authorization", "Basic !!!"}};
  auto res = c.send(r);
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(json_of(res)["code"], 401);
  EXPECT_EQ(c.call("POST", kApis, api_body("Anon", "/anon"), "", "").status, 401);
}

TEST_F(PublisherApi, UpdateKeepsIdentityAndRefusesRenames) {
  const std::string id = create_api(api_body("Upd", "/upd"));
  auto r = admin("PUT", kApis + "/" + id,
                 api_body("Upd", "/upd", R"([{"target":"/a","verb":"GET"}])", "", R"("description":"new",)"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r)["description"], "new");
  EXPECT_EQ(str(json_of(r)["id"]), id);
  EXPECT_EQ(admin("PUT", kApis + "/" + id, api_body("Renamed", "/upd")).status, 400);
  EXPECT_EQ(admin("PUT", kApis + "/" + id, api_body("Upd", "/moved")).status, 400);
  EXPECT_EQ(admin("PUT", kApis + "/" + id, "{").status, 400);
}

TEST_F(PublisherApi, LifecyclePublishMovesCreatedToPublished) {
  const std::string id = create_api(api_body("Life", "/life", R"([{"target":"/*","verb":"GET"}])",
                                             "", R"("policies":["Unlimited"],)"));
  auto r = admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + id + "&action=Publish");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r)["lifecycleState"].at("state"), "PUBLISHED");
  EXPECT_EQ(json_of(admin("GET", kApis + "/" + id))["lifeCycleStatus"], "PUBLISHED");
  auto again = admin(
      "POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + id + "&action=Re-Publish");
  EXPECT_EQ(again.status, 400);
  EXPECT_NE(again.body.find("PUBLISHED"), std::string::npos);
  EXPECT_EQ(admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + id).status, 400);
}

TEST_F(PublisherApi, RevisionsDeploymentsAndUndeploy) {
  const std::string id = create_api(api_body("Revs", "/revs"));
  auto r = admin("POST", kApis + "/" + id + "/revisions", R"({"description":"first"})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto rev = json_of(r);
  EXPECT_EQ(rev["displayName"], "Revision 1");
  EXPECT_EQ(rev["description"], "first");
  EXPECT_EQ(str(rev["apiInfo"].at("id")), id);
  const std::string rev_id(rev["id"].as_string());
  // The revision reads as the API it froze (GET /apis/{revisionId}), whatever the working copy does next.
  ASSERT_EQ(admin("PUT", kApis + "/" + id, api_body("Revs", "/revs", R"([{"target":"/later","verb":"GET"}])")).status, 200);
  auto frozen = admin("GET", kApis + "/" + rev_id);
  ASSERT_EQ(frozen.status, 200) << frozen.body;
  auto fo = json_of(frozen);
  EXPECT_EQ(str(fo["id"]), rev_id);
  EXPECT_EQ(fo["isRevision"], true);
  EXPECT_EQ(str(fo["revisionedApiId"]), id);
  EXPECT_EQ(fo["revisionId"], 1);
  EXPECT_EQ(str(fo["name"]), "Revs");
  EXPECT_EQ(fo["operations"].as_array().size() == 1 && str(fo["operations"].as_array()[0].at("target")) == "/later", false);
  EXPECT_EQ(admin("GET", kApis + "/no-such-api-or-revision").status, 404);

  EXPECT_EQ(admin("POST", kApis + "/" + id + "/deploy-revision?revisionId=" + rev_id, R"([{"name":"Nowhere"}])").status,
            400);
  EXPECT_EQ(admin("POST", kApis + "/" + id + "/deploy-revision?revisionId=" + rev_id, R"({"name":"Default"})").status,
            400);
  EXPECT_EQ(admin("POST", kApis + "/" + id + "/deploy-revision", R"([{"name":"Default"}])").status, 400);
  auto d = admin("POST", kApis + "/" + id + "/deploy-revision?revisionId=" + rev_id,
                 R"([{"name":"Default","vhost":"localhost","displayOnDevportal":true}])");
  ASSERT_EQ(d.status, 201) << d.body;
  auto deps = json_of(admin("GET", kApis + "/" + id + "/deployments"));
  ASSERT_EQ(deps["count"], 1);
  EXPECT_EQ(str(deps["list"].as_array()[0].at("revisionUuid")), rev_id);
  EXPECT_EQ(deps["list"].as_array()[0].at("name"), "Default");
  auto listed = json_of(admin("GET", kApis + "/" + id + "/revisions?query=deployed:true"));
  EXPECT_EQ(listed["count"], 1);
  EXPECT_EQ(listed["list"].as_array()[0].at("deploymentInfo").as_array().size(), 1u);
  EXPECT_EQ(admin("DELETE", kApis + "/" + id + "/revisions/" + rev_id).status, 409);

  auto u = admin("POST", kApis + "/" + id + "/undeploy-revision?revisionId=" + rev_id, R"([{"name":"Default"}])");
  EXPECT_EQ(u.status, 201) << u.body;
  EXPECT_EQ(json_of(admin("GET", kApis + "/" + id + "/deployments"))["count"], 0);
  EXPECT_EQ(admin("POST", kApis + "/" + id + "/undeploy-revision?revisionId=" + rev_id, R"([{"name":"Default"}])").status,
            404);
  EXPECT_EQ(admin("DELETE", kApis + "/" + id + "/revisions/" + rev_id).status, 200);
}

TEST_F(PublisherApi, DeleteRemovesTheApi) {
  const std::string id = create_api(api_body("Del", "/del"));
  EXPECT_EQ(admin("DELETE", kApis + "/" + id).status, 200);
  EXPECT_EQ(admin("GET", kApis + "/" + id).status, 404);
  create_api(api_body("Del", "/del"));  // name and context are free again
}

TEST_F(PublisherApi, WrongMethodOnKnownPathIs405) {
  auto r = admin("PATCH", kApis);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(json_of(r)["code"], 405);
}

TEST_F(PublisherApi, OversizedBodyIs413) {
  const std::string raw = "POST " + kApis + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic_auth(kAdmin, kPassword) +
                          "\r\nContent-Type: application/json\r\nContent-Length: 11534336\r\n\r\n{";
  const std::string out = raw_exchange("127.0.0.1", server_->management_port(), raw);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 413")) << out;
}

}  // namespace
}  // namespace archway::testing
