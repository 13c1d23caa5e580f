// Gateway environments (Admin /environments), the gateway serving only what is deployed to its
// own environment, deployments' Developer Portal visibility, environment-specific API properties,
// and labels (Admin /labels, Publisher attach/detach).
#include "integration/fixture.h"

namespace archway::testing {
namespace {

namespace json = boost::json;

const std::string kEnvironments = "/api/am/admin/v4/environments";
const std::string kLabels = "/api/am/admin/v4/labels";

std::string base64url(const std::string& in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v =
        (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
    for (int s : {18, 12, 6, 0}) out += kAlphabet[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    const unsigned v = (unsigned char)in[i] << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (i + 2 == in.size()) {
    const unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
    for (int s : {18, 12, 6}) out += kAlphabet[(v >> s) & 63];
  }
  return out;
}

std::string environment_body(const std::string& name,
                             const std::string& host = "staging.example.com",
                             const std::string& extra = "") {
  return R"({"name":")" + name + R"(","displayName":"Staging )" + name +
         R"(","description":"pre-production",)" + extra + R"("vhosts":[{"host":")" + host +
         R"(","httpContext":"","httpPort":8080,"httpsPort":8443}]})";
}

class GatewayEnvironments : public ServerSuite {
 protected:
  std::string environment(const std::string& name,
                          const std::string& host = "staging.example.com") {
    auto r = admin("POST", kEnvironments, environment_body(name, host));
    EXPECT_EQ(r.status, 201) << r.body;
    return str(json_of(r)["id"]);
  }
  static std::string description(const HttpResponse& r) { return str(json_of(r)["description"]); }
  HttpResponse deploy_to(const std::string& api, const std::string& rev, const std::string& env,
                         const std::string& vhost = "") {
    return admin("POST", kApis + "/" + api + "/deploy-revision?revisionId=" + rev,
                 R"([{"name":")" + env + R"(")" +
                     (vhost.empty() ? "" : R"(,"vhost":")" + vhost + R"(")") +
                     R"(,"displayOnDevportal":true}])");
  }
  static std::vector<std::string> names_of(const json::object& list) {
    std::vector<std::string> out;
    for (const auto& e : list.at("list").as_array()) out.push_back(str(e.at("name")));
    return out;
  }
};

TEST_F(GatewayEnvironments, AdminCreatesReadsUpdatesAndDeletesAnEnvironment) {
  auto created =
      admin("POST", kEnvironments,
            environment_body(
                "staging-a", "a.example.com",
                R"("type":"sandbox","additionalProperties":[{"key":"region","value":"eu"}],)"));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto env = json_of(created);
  const std::string id = str(env.at("id"));
  EXPECT_EQ(created.header("location"), kEnvironments + "/" + id);
  EXPECT_EQ(str(env.at("name")), "staging-a");
  EXPECT_EQ(str(env.at("type")), "sandbox");
  EXPECT_EQ(str(env.at("gatewayType")), "Regular");
  EXPECT_FALSE(env.at("isReadOnly").as_bool());
  EXPECT_EQ(env.at("vhosts").as_array()[0].at("httpsPort").as_int64(), 8443);
  EXPECT_EQ(str(env.at("endpointURIs").as_array()[1].at("endpointURI")),
            "https://a.example.com:8443");
  EXPECT_EQ(str(env.at("additionalProperties").as_array()[0].at("value")), "eu");

  // Listed after the built-in, read-only environment.
  auto list = json_of(admin("GET", kEnvironments));
  const auto names = names_of(list);
  ASSERT_GE(names.size(), 2u);
  EXPECT_EQ(names.front(), "Default");
  EXPECT_TRUE(list.at("list").as_array()[0].at("isReadOnly").as_bool());
  EXPECT_NE(std::find(names.begin(), names.end(), "staging-a"), names.end());
  EXPECT_EQ(json_of(admin("GET", kEnvironments + "/Default"))["name"], "Default");

  auto put = admin(
      "PUT", kEnvironments + "/" + id,
      R"({"name":"staging-a","displayName":"Staging A","vhosts":[{"host":"b.example.com"}]})");
  ASSERT_EQ(put.status, 200) << put.body;
  auto read = json_of(admin("GET", kEnvironments + "/" + id));
  EXPECT_EQ(str(read["displayName"]), "Staging A");
  EXPECT_EQ(str(read["vhosts"].as_array()[0].at("host")), "b.example.com");
  EXPECT_EQ(read["vhosts"].as_array()[0].at("httpPort").as_int64(), 80);  // the product's default

  // The Publisher's settings offer it for deployment.
  auto settings = json_of(admin("GET", "/api/am/publisher/v4/settings"));
  bool offered = false;
  for (const auto& e : settings["environment"].as_array())
    offered = offered || str(e.at("name")) == "staging-a";
  EXPECT_TRUE(offered);

  EXPECT_EQ(admin("DELETE", kEnvironments + "/" + id).status, 200);
  EXPECT_EQ(admin("GET", kEnvironments + "/" + id).status, 404);
  EXPECT_EQ(admin("DELETE", kEnvironments + "/" + id).status, 404);
  EXPECT_EQ(admin("PUT", kEnvironments + "/" + id, environment_body("staging-a")).status, 404);
}

TEST_F(GatewayEnvironments, BadDuplicateAndReadOnlyEnvironmentChangesAreRefused) {
  const std::string id = environment("dup-env");
  auto dup = admin("POST", kEnvironments, environment_body("dup-env"));
  EXPECT_EQ(dup.status, 400);
  EXPECT_NE(description(dup).find("already exists"), std::string::npos) << dup.body;
  EXPECT_EQ(admin("POST", kEnvironments, environment_body("Default")).status, 400);
  EXPECT_EQ(admin("POST", kEnvironments, environment_body("bad name")).status, 400);
  EXPECT_EQ(admin("POST", kEnvironments, R"({"name":"novhosts","vhosts":[]})").status, 400);
  EXPECT_EQ(admin("POST", kEnvironments, R"({"name":"nohost","vhosts":[{"httpPort":80}]})").status,
            400);
  EXPECT_EQ(admin("POST", kEnvironments,
                  environment_body("badtype", "x.example.com", R"("type":"mixed",)"))
                .status,
            400);
  EXPECT_EQ(
      admin("POST", kEnvironments,
            environment_body("badport", "x.example.com")
                .replace(environment_body("badport", "x.example.com").find("8080"), 4, "70000"))
          .status,
      400);
  auto twice =
      admin("POST", kEnvironments, R"({"name":"twice","vhosts":[{"host":"a.b"},{"host":"a.b"}]})");
  EXPECT_EQ(twice.status, 400);
  auto role = admin(
      "POST", kEnvironments,
      environment_body("roles", "x.example.com",
                       R"("permissions":{"permissionType":"ALLOW","roles":["nosuchrole"]},)"));
  EXPECT_EQ(role.status, 400);
  EXPECT_NE(description(role).find("nosuchrole"), std::string::npos);
  EXPECT_EQ(admin("POST", kEnvironments, "{not json").status, 400);

  // The name never changes; the built-in environment cannot change at all.
  auto rename = admin("PUT", kEnvironments + "/" + id, environment_body("renamed"));
  EXPECT_EQ(rename.status, 400);
  EXPECT_NE(description(rename).find("'name'"), std::string::npos);
  EXPECT_EQ(admin("PUT", kEnvironments + "/Default", environment_body("Default")).status, 400);
  EXPECT_EQ(admin("DELETE", kEnvironments + "/Default").status, 400);

  // Only administrators manage environments.
  HttpClient c = mgmt();
  EXPECT_EQ(c.call("GET", kEnvironments, "", "", "").status, 401);
  ASSERT_EQ(admin("POST", "/api/am/admin/v4/users",
                  R"({"username":"envpub","password":"envpub-pw-1","roles":["publisher"]})")
                .status,
            201);
  EXPECT_EQ(
      c.call("POST", kEnvironments, environment_body("pubenv"), "envpub", "envpub-pw-1").status,
      403);
  EXPECT_EQ(c.call("GET", kEnvironments, "", "envpub", "envpub-pw-1").status, 403);
}

TEST_F(GatewayEnvironments, DeploymentsNameAKnownEnvironmentAndOneOfItsVirtualHosts) {
  environment("vhost-env", "vh.example.com");
  const std::string api = create_api(api_body("EnvVhost", "/envvhost"));
  const std::string rev = create_revision(api);
  auto unknown = deploy_to(api, rev, "nowhere");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(description(unknown).find("nowhere"), std::string::npos);
  auto wrong_host = deploy_to(api, rev, "vhost-env", "other.example.com");
  EXPECT_EQ(wrong_host.status, 400);
  EXPECT_NE(description(wrong_host).find("other.example.com"), std::string::npos);
  // Without a vhost, the environment's first.
  auto ok = deploy_to(api, rev, "vhost-env");
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(str(json::parse(ok.body).as_array()[0].at("vhost")), "vh.example.com");

  // An environment with deployments cannot be deleted; once undeployed it can.
  const auto envs = json_of(admin("GET", kEnvironments));
  std::string id;
  for (const auto& e : envs.at("list").as_array())
    if (str(e.at("name")) == "vhost-env") id = str(e.at("id"));
  auto busy = admin("DELETE", kEnvironments + "/" + id);
  EXPECT_EQ(busy.status, 409);
  EXPECT_NE(description(busy).find("deployed"), std::string::npos);
  ASSERT_EQ(admin("POST", kApis + "/" + api + "/undeploy-revision?revisionId=" + rev,
                  R"([{"name":"vhost-env"}])")
                .status,
            201);
  EXPECT_EQ(admin("DELETE", kEnvironments + "/" + id).status, 200);
}

TEST_F(GatewayEnvironments, ADeploymentsDeveloperPortalVisibilityChangesByItsEnvironmentsId) {
  const std::string api = create_api(api_body("EnvVisible", "/envvisible"));
  deploy(api, create_revision(api));
  const std::string target = kApis + "/" + api + "/deployments/" + base64url("Default");
  auto put = admin("PUT", target, R"({"name":"Default","displayOnDevportal":false})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_FALSE(json_of(put)["displayOnDevportal"].as_bool());
  auto list = json_of(admin("GET", kApis + "/" + api + "/deployments"));
  EXPECT_FALSE(list["list"].as_array()[0].at("displayOnDevportal").as_bool());

  EXPECT_EQ(admin("PUT", target, R"({"name":"Default"})").status, 400);
  EXPECT_EQ(admin("PUT", kApis + "/" + api + "/deployments/" + base64url("Elsewhere"),
                  R"({"displayOnDevportal":true})")
                .status,
            404);
  EXPECT_EQ(admin("PUT", kApis + "/no-such-api/deployments/" + base64url("Default"),
                  R"({"displayOnDevportal":true})")
                .status,
            404);
  EXPECT_EQ(
      admin("PUT", kApis + "/" + api + "/deployments/%%%", R"({"displayOnDevportal":true})").status,
      404);
}

TEST_F(GatewayEnvironments, EnvironmentPropertiesReplaceTheBackendOfThatEnvironmentAtOnce) {
  // A second backend path tells which endpoint served the call.
  const std::string api = deployed_api(api_body("EnvProps", "/envprops"), "/envprops/1.0.0/x");
  auto before = gw().get("/envprops/1.0.0/x");
  ASSERT_EQ(before.status, 200) << before.body;
  const std::string keys = kApis + "/" + api + "/environments/Default/keys";
  EXPECT_EQ(admin("GET", keys).body, "{}");

  auto put =
      admin("PUT", keys, R"({"productionEndpoint":")" + backend_->url("/alternate") + R"("})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(str(json_of(admin("GET", keys))["productionEndpoint"]), backend_->url("/alternate"));
  // The gateway serves the deployment with the new backend path as soon as the write is answered.
  auto after = gw().get("/envprops/1.0.0/x");
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_NE(after.body.find("/alternate/x"), std::string::npos) << after.body;

  // Emptied, the API's own endpoint serves again.
  ASSERT_EQ(admin("PUT", keys, "{}").status, 200);
  EXPECT_NE(gw().get("/envprops/1.0.0/x").body.find("/backend/x"), std::string::npos);

  // Bad values and unknown ids.
  EXPECT_EQ(admin("PUT", keys, R"({"productionEndpoint":"not a url"})").status, 400);
  EXPECT_EQ(admin("PUT", keys, R"({"region":42})").status, 400);
  EXPECT_EQ(admin("PUT", keys, "[]").status, 400);
  EXPECT_EQ(admin("GET", kApis + "/" + api + "/environments/no-such-env/keys").status, 404);
  EXPECT_EQ(admin("GET", kApis + "/no-such-api/environments/Default/keys").status, 404);
}

TEST_F(GatewayEnvironments, PlaceholdersInEndpointUrlsTakeTheEnvironmentsValues) {
  const std::string api = create_api(api_body("EnvHolder", "/envholder",
                                              R"([{"target":"/*","verb":"GET","authType":"None"}])",
                                              backend_->url("/{{stage}}")));
  const std::string keys = kApis + "/" + api + "/environments/Default/keys";
  ASSERT_EQ(admin("PUT", keys, R"({"stage":"blue"})").status, 200);
  deploy(api, create_revision(api));
  wait_for_status("/envholder/1.0.0/x", [](int s) { return s != 404; });
  auto r = gw().get("/envholder/1.0.0/x");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("/blue/x"), std::string::npos) << r.body;
}

TEST_F(GatewayEnvironments, LabelsAreManagedAttachedToApisAndProtectedWhileInUse) {
  auto created = admin("POST", kLabels, R"({"name":"Health","description":"health-care APIs"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = str(json_of(created)["id"]);
  EXPECT_EQ(admin("POST", kLabels, R"({"name":"health"})").status, 409);
  EXPECT_EQ(admin("POST", kLabels, R"({"description":"no name"})").status, 400);
  auto list = json_of(admin("GET", kLabels));
  EXPECT_GE(list["count"].as_int64(), 1);
  EXPECT_TRUE(list.contains("pagination"));

  const std::string api = create_api(api_body("Labelled", "/labelled"));
  auto attach =
      admin("POST", kApis + "/" + api + "/attach-labels", R"({"labels":[")" + id + R"("]})");
  ASSERT_EQ(attach.status, 200) << attach.body;
  EXPECT_EQ(str(json_of(attach)["list"].as_array()[0].at("name")), "Health");
  EXPECT_EQ(json_of(admin("GET", kApis + "/" + api + "/labels"))["count"].as_int64(), 1);
  auto usage = json_of(admin("GET", kLabels + "/" + id + "/usage"));
  EXPECT_EQ(str(usage["apis"].at("list").as_array()[0].at("name")), "Labelled");

  EXPECT_EQ(
      admin("POST", kApis + "/" + api + "/attach-labels", R"({"labels":["no-such-label"]})").status,
      400);
  EXPECT_EQ(admin("POST", kApis + "/" + api + "/attach-labels", R"({"labels":[]})").status, 400);
  auto busy = admin("DELETE", kLabels + "/" + id);
  EXPECT_EQ(busy.status, 409);

  auto put = admin("PUT", kLabels + "/" + id, R"({"name":"Healthcare"})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(
      str(json_of(admin("GET", kApis + "/" + api + "/labels"))["list"].as_array()[0].at("name")),
      "Healthcare");

  auto detach =
      admin("POST", kApis + "/" + api + "/detach-labels", R"({"labels":[")" + id + R"("]})");
  ASSERT_EQ(detach.status, 200) << detach.body;
  EXPECT_EQ(json_of(detach)["count"].as_int64(), 0);
  EXPECT_EQ(admin("DELETE", kLabels + "/" + id).status, 200);
  EXPECT_EQ(admin("DELETE", kLabels + "/" + id).status, 404);
  EXPECT_EQ(admin("PUT", kLabels + "/" + id, R"({"name":"x"})").status, 404);
  EXPECT_EQ(admin("GET", kLabels + "/" + id + "/usage").status, 404);
}

TEST_F(GatewayEnvironments, DeletingAnApiDetachesItsLabelsAndDropsItsProperties) {
  auto created = admin("POST", kLabels, R"({"name":"Ephemeral"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = str(json_of(created)["id"]);
  const std::string api = create_api(api_body("Ephemeral", "/ephemeral"));
  ASSERT_EQ(
      admin("POST", kApis + "/" + api + "/attach-labels", R"({"labels":[")" + id + R"("]})").status,
      200);
  ASSERT_EQ(admin("PUT", kApis + "/" + api + "/environments/Default/keys", R"({"k":"v"})").status,
            200);
  ASSERT_EQ(admin("DELETE", kApis + "/" + api).status, 200);
  EXPECT_EQ(json_of(admin("GET", kLabels + "/" + id + "/usage"))["apis"].at("count").as_int64(), 0);
  EXPECT_EQ(admin("DELETE", kLabels + "/" + id).status, 200);
}

TEST_F(GatewayEnvironments, TheGatewayOfEachEnvironmentServesOnlyWhatIsDeployedToIt) {
  environment("edge");
  // A second server on the same data, its gateway serving the "edge" environment.
  ServerOptions options;
  options.data_dir = server_->data_dir();
  options.env["ARCHWAY_GATEWAY_ENVIRONMENT"] = "edge";
  ServerProcess edge(options);
  HttpClient edge_gw("127.0.0.1", edge.gateway_port());

  const std::string api = create_api(api_body("EdgeOnly", "/edgeonly"));
  const std::string rev = create_revision(api);
  ASSERT_EQ(deploy_to(api, rev, "edge").status, 201);
  int status = 0;
  for (int i = 0; i < 600 && status != 200; ++i) {
    status = edge_gw.get("/edgeonly/1.0.0/x").status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status, 200);
  // This server's gateway serves Default, where nothing of it is deployed.
  EXPECT_EQ(gw().get("/edgeonly/1.0.0/x").status, 404);

  // And the other way round: a Default deployment is not served by the edge gateway.
  deploy(api, rev);
  EXPECT_EQ(wait_for_status("/edgeonly/1.0.0/x", [](int s) { return s == 200; }), 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // past the edge feed's next poll
  EXPECT_EQ(edge_gw.get("/edgeonly/1.0.0/x").status, 200);       // still its own deployment
  ASSERT_EQ(admin("POST", kApis + "/" + api + "/undeploy-revision?revisionId=" + rev,
                  R"([{"name":"edge"}])")
                .status,
            201);
  for (int i = 0; i < 600 && status != 404; ++i) {
    status = edge_gw.get("/edgeonly/1.0.0/x").status;
    if (status != 404) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status, 404);
  EXPECT_EQ(gw().get("/edgeonly/1.0.0/x").status, 200);

  // Both gateways report in under their environments.
  auto envs = json_of(admin("GET", kEnvironments));
  std::string edge_id;
  for (const auto& e : envs.at("list").as_array())
    if (str(e.at("name")) == "edge") edge_id = str(e.at("id"));
  auto gateways = json_of(admin("GET", kEnvironments + "/" + edge_id + "/gateways"));
  ASSERT_EQ(gateways["count"].as_int64(), 1) << json::serialize(gateways);
  EXPECT_EQ(str(gateways["list"].as_array()[0].at("status")), "ACTIVE");
  EXPECT_NE(
      str(gateways["list"].as_array()[0].at("gatewayId")).find(std::to_string(edge.gateway_port())),
      std::string::npos);
  auto own = json_of(admin("GET", kEnvironments + "/Default/gateways"));
  EXPECT_GE(own["count"].as_int64(), 1);
  EXPECT_EQ(admin("GET", kEnvironments + "/no-such-env/gateways").status, 404);
}

TEST_F(GatewayEnvironments,
       AProductionEnvironmentServesProductionKeysOnlyAndASandboxOneSandboxKeys) {
  auto created = admin("POST", kEnvironments,
                       environment_body("keyed", "keyed.example.com", R"("type":"production",)"));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string env_id = str(json_of(created)["id"]);
  ServerOptions options;
  options.data_dir = server_->data_dir();
  options.env["ARCHWAY_GATEWAY_ENVIRONMENT"] = "keyed";
  ServerProcess keyed(options);
  HttpClient keyed_gw("127.0.0.1", keyed.gateway_port());

  const std::string body =
      R"({"name":"KeyTyped","context":"/keytyped","version":"1.0.0","policies":["Unlimited"],)"
      R"("endpointConfig":{"endpoint_type":"http","production_endpoints":{"url":")" +
      backend_->url("/prod") + R"("},"sandbox_endpoints":{"url":")" + backend_->url("/sandbox") +
      R"("}},)"
      R"("operations":[{"target":"/*","verb":"GET"}]})";
  const std::string api = create_api(body);
  ASSERT_EQ(
      admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + api + "&action=Publish")
          .status,
      200);
  ASSERT_EQ(deploy_to(api, create_revision(api), "keyed").status, 201);
  const Client production = application("KeyedProd");
  const Client sandbox = application("KeyedSandbox", "SANDBOX");
  subscribe(production.app_id, api);
  subscribe(sandbox.app_id, api);

  auto status_of = [&](const Client& c) {
    return keyed_gw.get("/keytyped/1.0.0/x", {{"Authorization", "Bearer " + c.token}}).status;
  };
  auto wait_until = [&](const Client& c, int want) {
    int status = 0;
    for (int i = 0; i < 600 && status != want; ++i) {
      status = status_of(c);
      if (status != want) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return status;
  };
  EXPECT_EQ(wait_until(production, 200), 200);
  auto refused = keyed_gw.get("/keytyped/1.0.0/x", {{"Authorization", "Bearer " + sandbox.token}});
  EXPECT_EQ(refused.status, 401);
  EXPECT_NE(refused.body.find("PRODUCTION keys only"), std::string::npos) << refused.body;

  // Turned into a sandbox environment, the same gateway serves the other key type.
  ASSERT_EQ(admin("PUT", kEnvironments + "/" + env_id,
                  environment_body("keyed", "keyed.example.com", R"("type":"sandbox",)"))
                .status,
            200);
  EXPECT_EQ(wait_until(sandbox, 200), 200);
  EXPECT_NE(keyed_gw.get("/keytyped/1.0.0/x", {{"Authorization", "Bearer " + sandbox.token}})
                .body.find("/sandbox/x"),
            std::string::npos);
  EXPECT_EQ(status_of(production), 401);
}

TEST_F(GatewayEnvironments, TheDeveloperPortalListsTheUrlsOfEachDeploymentItShows) {
  environment("portal-env", "portal.example.com");
  const std::string api = create_api(api_body("EnvPortal", "/envportal",
                                              R"([{"target":"/*","verb":"GET","authType":"None"}])",
                                              "", R"("policies":["Unlimited"],)"));
  ASSERT_EQ(
      admin("POST", "/api/am/publisher/v4/apis/change-lifecycle?apiId=" + api + "&action=Publish")
          .status,
      200);
  const std::string rev = create_revision(api);
  ASSERT_EQ(deploy_to(api, rev, "portal-env").status, 201);
  deploy(api, rev);
  auto urls_of = [&] {
    auto r = admin("GET", kDev + "/apis/" + api);
    EXPECT_EQ(r.status, 200) << r.body;
    return json_of(r)["endpointURLs"].as_array();
  };
  auto urls = urls_of();
  ASSERT_EQ(urls.size(), 2u) << json::serialize(urls);
  const json::object* portal = nullptr;
  for (const auto& u : urls)
    if (str(u.at("environmentName")) == "portal-env") portal = &u.as_object();
  ASSERT_NE(portal, nullptr);
  EXPECT_EQ(str(portal->at("environmentType")), "hybrid");
  EXPECT_EQ(str(portal->at("URLs").at("https")), "https://portal.example.com:8443/envportal/1.0.0");
  EXPECT_EQ(str(portal->at("URLs").at("http")), "http://portal.example.com:8080/envportal/1.0.0");
  EXPECT_TRUE(portal->at("URLs").at("ws").is_null());

  // Hidden from the portal, a deployment's URLs go.
  ASSERT_EQ(admin("PUT", kApis + "/" + api + "/deployments/" + base64url("portal-env"),
                  R"({"displayOnDevportal":false})")
                .status,
            200);
  urls = urls_of();
  ASSERT_EQ(urls.size(), 1u);
  EXPECT_EQ(str(urls[0].at("environmentName")), "Default");
  EXPECT_NE(str(urls[0].at("URLs").at("http")).find("/envportal/1.0.0"), std::string::npos);
}

}  // namespace
}  // namespace archway::testing
