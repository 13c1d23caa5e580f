// New versions of an API (copy-api) and the one default version, through the Publisher and the
// gateway's version-less route.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

class ApiVersions : public ServerSuite {
 protected:
  HttpResponse copy(const std::string& id, const std::string& version, const std::string& extra = "") {
    return admin("POST", kApis + "/copy-api?apiId=" + id + "&newVersion=" + version + extra);
  }
  void set_endpoint(const std::string& id, const std::string& url) {
    auto api = json_of(admin("GET", kApis + "/" + id));
    api["endpointConfig"] = json::object{{"endpoint_type", "http"},
                                         {"production_endpoints", json::object{{"url", url}}}};
    auto r = admin("PUT", kApis + "/" + id, json::serialize(api));
    ASSERT_EQ(r.status, 200) << r.body;
  }
};

TEST_F(ApiVersions, CopyApiMakesANewVersionWithTheSameOperationsAndPolicies) {
  const std::string v1 = create_api(api_body("Ver", "/ver", R"([{"target":"/items/{id}","verb":"GET","authType":"None",
      "operationPolicies":{"request":[{"policyName":"addHeader","parameters":{"headerName":"X-V","headerValue":"1"}}]}}])",
                                             "", R"("policies":["Gold"],"tags":["t1"],)"));
  auto r = copy(v1, "2.0.0");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_NE(r.header("location").find("/apis/"), std::string::npos);
  auto v2 = json_of(r);
  EXPECT_NE(str(v2["id"]), v1);
  EXPECT_EQ(str(v2["version"]), "2.0.0");
  EXPECT_EQ(str(v2["context"]), "/ver");
  EXPECT_EQ(str(v2["lifeCycleStatus"]), "CREATED");
  EXPECT_EQ(str(v2["policies"].as_array()[0]), "Gold");
  EXPECT_EQ(str(v2["tags"].as_array()[0]), "t1");
  const auto& op = v2["operations"].as_array()[0].as_object();
  EXPECT_EQ(str(op.at("target")), "/items/{id}");
  EXPECT_EQ(str(op.at("operationPolicies").at("request").as_array()[0].at("policyName")), "addHeader");
  EXPECT_EQ(admin("GET", kApis + "/" + str(v2["id"])).status, 200);
}

TEST_F(ApiVersions, CopyApiRefusesBadInput) {
  const std::string v1 = create_api(api_body("VerBad", "/verbad"));
  EXPECT_EQ(copy(v1, "1.0.0").status, 409);  // the version it already has
  ASSERT_EQ(copy(v1, "2.0.0").status, 201);
  EXPECT_EQ(copy(v1, "2.0.0").status, 409);  // taken by the first copy
  auto bad = copy(v1, "2.0%200");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(str(json_of(bad)["description"]).find("version"), std::string::npos);
  EXPECT_EQ(copy("no-such-api", "3.0.0").status, 404);
  auto missing = admin("POST", kApis + "/copy-api?apiId=" + v1);
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(str(json_of(missing)["description"]).find("newVersion"), std::string::npos);
  EXPECT_EQ(copy(v1, "4.0.0", "&defaultVersion=maybe").status, 400);
}

TEST_F(ApiVersions, ExactlyOneVersionIsTheDefaultAndTheGatewayRoutesTheBareContextToIt) {
  const std::string v1 = create_api(api_body("Def", "/def", R"([{"target":"/*","verb":"GET","authType":"None"}])",
                                             backend_->url("/v1"), R"("isDefaultVersion":true,)"));
  deploy(v1, create_revision(v1));
  ASSERT_EQ(wait_for_status("/def/x", [](int s) { return s == 200; }), 200);
  EXPECT_EQ(str(json_of(gw().get("/def/x"))["target"]), "/v1/x");

  auto r = copy(v1, "2.0.0", "&defaultVersion=true");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string v2 = str(json_of(r)["id"]);
  EXPECT_TRUE(json_of(r)["isDefaultVersion"].as_bool());
  EXPECT_FALSE(json_of(admin("GET", kApis + "/" + v1))["isDefaultVersion"].as_bool());  // only one default
  set_endpoint(v2, backend_->url("/v2"));
  deploy(v2, create_revision(v2));
  // The version-less route moves to 2.0.0, though 1.0.0's deployed revision was made as default.
  std::string target;
  for (int i = 0; i < 200 && target != "/v2/x"; ++i) {
    auto g = gw().get("/def/x");
    if (g.status == 200) target = str(json_of(g)["target"]);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(target, "/v2/x");
  EXPECT_EQ(str(json_of(gw().get("/def/1.0.0/x"))["target"]), "/v1/x");
  EXPECT_EQ(str(json_of(gw().get("/def/2.0.0/x"))["target"]), "/v2/x");

  // Making 1.0.0 the default again through an update moves the route back.
  auto a1 = json_of(admin("GET", kApis + "/" + v1));
  a1["isDefaultVersion"] = true;
  ASSERT_EQ(admin("PUT", kApis + "/" + v1, json::serialize(a1)).status, 200);
  EXPECT_FALSE(json_of(admin("GET", kApis + "/" + v2))["isDefaultVersion"].as_bool());
  for (int i = 0; i < 200 && target != "/v1/x"; ++i) {
    auto g = gw().get("/def/x");
    if (g.status == 200) target = str(json_of(g)["target"]);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(target, "/v1/x");
}

}  // namespace
}  // namespace archway::testing
