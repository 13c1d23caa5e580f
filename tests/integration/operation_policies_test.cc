// Custom operation policies and gateway policies through the real binary: uploads are checked,
// a custom policy attached to an operation runs its built-in steps at the gateway, an API's own
// policies stay with it, policies export and import as zips, and a gateway policy mapping deployed
// to a gateway environment runs on every API there, before the API's own policies.
#include "integration/fixture.h"

namespace archway::testing {
namespace {

const std::string kPolicies = "/api/am/publisher/v4/operation-policies";
const std::string kGatewayPolicies = "/api/am/publisher/v4/gateway-policies";

// A specification in the product's format (YAML) with one attribute, `value`.
std::string spec(const std::string& name, const std::string& flows = "[request, response]") {
  return "category: Mediation\nname: " + name + "\nversion: v1\ndisplayName: " + name +
         "\ndescription: Stamps the message\napplicableFlows: " + flows +
         "\nsupportedGateways: [Synapse]\nsupportedApiTypes: [HTTP]\npolicyAttributes:\n"
         "  - name: value\n    displayName: Value\n    type: String\n    required: true\n";
}

// Archway's definition: two headers, one from the attribute, one fixed.
const std::string kTwoHeaders = R"(steps:
  - policy: addHeader
    parameters:
      headerName: X-Stamp-A
      headerValue: "{{value}}"
  - policy: setHeader
    parameters:
      headerName: X-Stamp-B
      headerValue: fixed
)";

class OperationPolicies : public ServerSuite {
 protected:
  HttpResponse upload(const std::string& target, const std::string& spec_text,
                      const std::string& definition) {
    return admin_upload(
        "POST", target,
        {{"policySpecFile", spec_text, "spec.yaml", "application/x-yaml"},
         {"synapsePolicyDefinitionFile", definition, "policy.yaml", "application/x-yaml"}});
  }
  std::string uploaded(const std::string& target, const std::string& spec_text,
                       const std::string& definition) {
    auto r = upload(target, spec_text, definition);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? str(json_of(r)["id"]) : "";
  }
  static std::string uses(const std::string& name, const std::string& value) {
    return R"([{"target":"/*","verb":"GET","authType":"None","operationPolicies":{"request":[{"policyName":")" +
           name + R"(","policyVersion":"v1","parameters":{"value":")" + value + R"("}}]}}])";
  }
  static std::string description(const HttpResponse& r) { return str(json_of(r)["description"]); }
};

TEST_F(OperationPolicies, ACustomPolicyOnAnOperationAddsItsHeadersAtTheBackend) {
  const std::string id = uploaded(kPolicies, spec("stampHeaders"), kTwoHeaders);
  auto one = admin("GET", kPolicies + "/" + id);
  ASSERT_EQ(one.status, 200) << one.body;
  auto p = json_of(one);
  EXPECT_EQ(str(p["name"]), "stampHeaders");
  EXPECT_EQ(str(p["version"]), "v1");
  EXPECT_EQ(str(p["category"]), "Mediation");
  EXPECT_EQ(p["isAPISpecific"].as_bool(), false);
  EXPECT_EQ(str(p["applicableFlows"].as_array()[1]), "response");
  EXPECT_EQ(str(p["policyAttributes"].as_array()[0].at("name")), "value");
  EXPECT_EQ(str(p["md5"]).size(), 32u);
  auto list = json_of(admin("GET", kPolicies + "?query=name:stampHeaders"));
  ASSERT_EQ(list["count"].as_int64(), 1);
  EXPECT_EQ(str(list["list"].as_array()[0].at("id")), id);

  deployed_api(api_body("Stamped", "/stamped", uses("stampHeaders", "42")), "/stamped/1.0.0/probe");
  auto r = gw().get("/stamped/1.0.0/x");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto echo = json_of(r);
  const auto& h = echo.at("headers").as_object();
  EXPECT_EQ(str(h.at("x-stamp-a")), "42");
  EXPECT_EQ(str(h.at("x-stamp-b")), "fixed");

  // In use: the product's Publisher refuses to delete it; so do we.
  auto del = admin("DELETE", kPolicies + "/" + id);
  EXPECT_EQ(del.status, 409) << del.body;
  EXPECT_NE(description(del).find("Stamped 1.0.0"), std::string::npos) << del.body;
}

TEST_F(OperationPolicies,
       UploadsThatAreNotACompositionOfBuiltInPoliciesAreRefusedNamingTheProblem) {
  auto unknown = upload(kPolicies, spec("bad1"),
                        "steps:\n  - policy: evalScript\n    parameters: {code: x}\n");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(description(unknown).find("'steps[0].policy': 'evalScript' is not a built-in policy"),
            std::string::npos)
      << unknown.body;
  auto missing = upload(kPolicies, spec("bad2"),
                        "steps:\n  - policy: addHeader\n    parameters: {headerName: X-A}\n");
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(description(missing).find(
                "'steps[0].parameters.headerValue' is required by policy 'addHeader'"),
            std::string::npos)
      << missing.body;
  auto flow =
      upload(kPolicies, spec("bad3"),
             "steps:\n  - policy: addQueryParam\n    parameters: {paramKey: a, paramValue: b}\n");
  EXPECT_EQ(flow.status, 400);
  EXPECT_NE(description(flow).find("'addQueryParam' cannot run in the response flow"),
            std::string::npos)
      << flow.body;
  auto undeclared = upload(kPolicies, spec("bad4"),
                           "steps:\n  - policy: addHeader\n    parameters: {headerName: X-A, "
                           "headerValue: '{{nope}}'}\n");
  EXPECT_EQ(undeclared.status, 400);
  EXPECT_NE(description(undeclared).find("'{{nope}}' names no attribute"), std::string::npos)
      << undeclared.body;
  auto no_flows = upload(kPolicies, "name: bad5\n", kTwoHeaders);
  EXPECT_EQ(no_flows.status, 400);
  EXPECT_NE(description(no_flows).find("applicableFlows"), std::string::npos) << no_flows.body;
  auto no_definition = admin_upload(
      "POST", kPolicies, {{"policySpecFile", spec("bad6"), "s.yaml", "application/x-yaml"}});
  EXPECT_EQ(no_definition.status, 400);
  auto not_yaml = upload(kPolicies, "{{{", kTwoHeaders);
  EXPECT_EQ(not_yaml.status, 400);
  EXPECT_EQ(upload(kPolicies, spec("addHeader"), kTwoHeaders).status, 409);  // a built-in's name
  uploaded(kPolicies, spec("twice"), kTwoHeaders);
  EXPECT_EQ(upload(kPolicies, spec("twice"), kTwoHeaders).status, 409);

  // An API naming a policy that does not exist, or without a required attribute, is refused.
  auto api = admin("POST", kApis, api_body("NoSuch", "/nosuch", uses("ghost", "1")));
  EXPECT_EQ(api.status, 400);
  EXPECT_NE(description(api).find(
                "'operations[0].operationPolicies.request[0].policyName': unknown policy 'ghost'"),
            std::string::npos)
      << api.body;
  auto no_value =
      admin("POST", kApis, api_body("NoValue", "/novalue", R"([{"target":"/*","verb":"GET",
      "operationPolicies":{"request":[{"policyName":"twice","policyVersion":"v1"}]}}])"));
  EXPECT_EQ(no_value.status, 400);
  EXPECT_NE(description(no_value).find(
                "'operations[0].operationPolicies.request[0].parameters.value' is required"),
            std::string::npos)
      << no_value.body;
  auto fault =
      admin("POST", kApis, api_body("FaultUse", "/faultuse", R"([{"target":"/*","verb":"GET",
      "operationPolicies":{"fault":[{"policyName":"twice","parameters":{"value":"1"}}]}}])"));
  EXPECT_EQ(fault.status, 400);
  EXPECT_NE(description(fault).find("cannot run in the fault flow"), std::string::npos)
      << fault.body;
}

TEST_F(OperationPolicies, OversizedAndOverlongUploadsAreRefused) {
  auto big =
      upload(kPolicies, spec("big") + "# " + std::string(300 * 1024, 'x') + "\n", kTwoHeaders);
  EXPECT_EQ(big.status, 400);
  EXPECT_NE(description(big).find("larger than 256 KiB"), std::string::npos)
      << big.body.substr(0, 300);
  std::string many = "steps:\n";
  for (int i = 0; i < 33; ++i)
    many += "  - {policy: removeHeader, parameters: {headerName: X-" + std::to_string(i) + "}}\n";
  auto overlong = upload(kPolicies, spec("long"), many);
  EXPECT_EQ(overlong.status, 400);
  EXPECT_NE(description(overlong).find("more than 32 steps"), std::string::npos) << overlong.body;
  auto not_a_list = upload(kPolicies, spec("flat"), "steps: addHeader\n");
  EXPECT_EQ(not_a_list.status, 400) << not_a_list.body;
}

TEST_F(OperationPolicies, BuiltInPoliciesCannotBeDeletedOrDownloadedAndUnknownIdsAre404) {
  EXPECT_EQ(admin("DELETE", kPolicies + "/addHeader").status, 403);
  EXPECT_EQ(admin("GET", kPolicies + "/addHeader/content").status, 404);
  EXPECT_EQ(admin("GET", kPolicies + "/no-such-id").status, 404);
  EXPECT_EQ(admin("DELETE", kPolicies + "/no-such-id").status, 404);
  EXPECT_EQ(admin("GET", kPolicies + "/no-such-id/content").status, 404);
  EXPECT_EQ(admin("GET", kApis + "/no-such-api/operation-policies").status, 404);
}

TEST_F(OperationPolicies, OnlyCreatorsUploadPoliciesAndReadersNeedToSignIn) {
  ASSERT_EQ(admin("POST", "/api/am/admin/v4/users",
                  R"({"username":"opsub","password":"opsub-pw-1","roles":["subscriber"]})")
                .status,
            201);
  Multipart form;
  form.file("policySpecFile", "s.yaml", spec("byOther"));
  form.file("synapsePolicyDefinitionFile", "d.yaml", kTwoHeaders);
  HttpRequest r;
  r.method = "POST";
  r.target = kPolicies;
  r.body = form.body();
  r.headers = {{"Authorization", basic_auth("opsub", "opsub-pw-1")},
               {"Content-Type", form.content_type()}};
  EXPECT_EQ(mgmt().send(r).status, 403);
  EXPECT_EQ(mgmt().call("GET", kPolicies, "", "opsub", "opsub-pw-1").status, 403);
  EXPECT_EQ(mgmt().call("GET", kPolicies, "", "", "").status, 401);
  EXPECT_EQ(mgmt()
                .call("POST", kGatewayPolicies, R"({"displayName":"x","policyMapping":{}})",
                      "opsub", "opsub-pw-1")
                .status,
            403);
}

TEST_F(OperationPolicies, AnApisOwnPoliciesAreSeenAndUsedByThatApiOnly) {
  const std::string a = create_api(api_body("OwnerA", "/ownera"));
  const std::string b = create_api(api_body("OtherB", "/otherb"));
  const std::string id =
      uploaded(kApis + "/" + a + "/operation-policies", spec("ownStamp"), kTwoHeaders);
  auto own = admin("GET", kApis + "/" + a + "/operation-policies/" + id);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(json_of(own)["isAPISpecific"].as_bool(), true);
  EXPECT_EQ(json_of(admin("GET", kApis + "/" + a + "/operation-policies"))["count"].as_int64(), 1);
  EXPECT_EQ(json_of(admin("GET", kApis + "/" + b + "/operation-policies"))["count"].as_int64(), 0);
  EXPECT_EQ(admin("GET", kApis + "/" + b + "/operation-policies/" + id).status, 404);
  EXPECT_EQ(admin("GET", kPolicies + "/" + id).status, 404);  // not a common one
  auto content = admin("GET", kApis + "/" + a + "/operation-policies/" + id + "/content");
  EXPECT_EQ(content.status, 200);
  EXPECT_EQ(content.header("content-type"), "application/zip");

  // B cannot use A's policy; A can.
  auto other = admin("PUT", kApis + "/" + b, api_body("OtherB", "/otherb", uses("ownStamp", "1")));
  EXPECT_EQ(other.status, 400) << other.body;
  auto mine = admin("PUT", kApis + "/" + a, api_body("OwnerA", "/ownera", uses("ownStamp", "1")));
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(admin("DELETE", kApis + "/" + a + "/operation-policies/" + id).status, 409);

  // A new version of A keeps its own policies.
  auto copy = admin("POST", kApis + "/copy-api?newVersion=2.0.0&apiId=" + a);
  ASSERT_EQ(copy.status, 201) << copy.body;
  const std::string a2 = str(json_of(copy)["id"]);
  auto copied = json_of(admin("GET", kApis + "/" + a2 + "/operation-policies"));
  ASSERT_EQ(copied["count"].as_int64(), 1);
  EXPECT_EQ(str(copied["list"].as_array()[0].at("name")), "ownStamp");
  EXPECT_NE(str(copied["list"].as_array()[0].at("id")), id);

  // Once A no longer uses it, it can go.
  ASSERT_EQ(admin("PUT", kApis + "/" + a, api_body("OwnerA", "/ownera")).status, 200);
  EXPECT_EQ(admin("DELETE", kApis + "/" + a + "/operation-policies/" + id).status, 200);
  EXPECT_EQ(admin("GET", kApis + "/" + a + "/operation-policies/" + id).status, 404);
}

TEST_F(OperationPolicies, AnExportedPolicyZipImportsBackAndAnExistingOneIsAConflict) {
  const std::string id = uploaded(kPolicies, spec("roundTrip"), kTwoHeaders);
  auto zip = admin("GET", kPolicies + "/export?name=roundTrip&version=v1&format=JSON");
  ASSERT_EQ(zip.status, 200) << zip.body;
  EXPECT_EQ(zip.header("content-type"), "application/zip");
  EXPECT_EQ(zip.body.substr(0, 2), "PK");
  EXPECT_EQ(admin("GET", kPolicies + "/export?name=nothing&version=v1").status, 404);
  EXPECT_EQ(admin("GET", kPolicies + "/export?name=roundTrip&format=XML").status, 400);

  auto again = admin_upload("POST", kPolicies + "/import",
                            {{"file", zip.body, "roundTrip_v1.zip", "application/zip"}});
  EXPECT_EQ(again.status, 409) << again.body;
  ASSERT_EQ(admin("DELETE", kPolicies + "/" + id).status, 200);
  auto imported = admin_upload("POST", kPolicies + "/import",
                               {{"file", zip.body, "roundTrip_v1.zip", "application/zip"}});
  ASSERT_EQ(imported.status, 200) << imported.body;
  auto p = json_of(imported);
  EXPECT_EQ(str(p["name"]), "roundTrip");
  EXPECT_EQ(p["policyAttributes"].as_array().size(), 1u);
  const std::string new_id = str(p["id"]);
  EXPECT_EQ(admin("GET", kPolicies + "/" + new_id + "/content").status, 200);

  // It still works at the gateway.
  deployed_api(api_body("RoundTrip", "/roundtrip", uses("roundTrip", "7")),
               "/roundtrip/1.0.0/probe");
  auto r = gw().get("/roundtrip/1.0.0/x");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json_of(r)["headers"].as_object().at("x-stamp-a")), "7");

  auto junk = admin_upload("POST", kPolicies + "/import",
                           {{"file", "not a zip", "x.zip", "application/zip"}});
  EXPECT_EQ(junk.status, 400);
}

class GatewayPolicies : public ServerSuite {
 protected:
  std::string mapping(const std::string& body) {
    auto r = admin("POST", kGatewayPolicies, body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? str(json_of(r)["id"]) : "";
  }
  HttpResponse deploy_mapping(const std::string& id, bool deployed,
                              const std::string& label = "Default") {
    return admin("POST", kGatewayPolicies + "/" + id + "/deploy",
                 R"([{"gatewayLabel":")" + label + R"(","gatewayDeployment":)" +
                     (deployed ? "true" : "false") + "}]");
  }
  boost::json::object backend_headers(const std::string& path) {
    auto r = gw().get(path);
    EXPECT_EQ(r.status, 200) << r.body;
    return json_of(r)["headers"].as_object();
  }
};

TEST_F(GatewayPolicies, AGatewayPolicyDeployedToDefaultAddsAHeaderOnEveryApi) {
  deployed_api(api_body("GwOne", "/gwone"), "/gwone/1.0.0/probe");
  deployed_api(api_body("GwTwo", "/gwtwo"), "/gwtwo/1.0.0/probe");
  const std::string id = mapping(R"({"displayName":"stamp-all","description":"marks every call",
      "policyMapping":{"request":[{"policyName":"setHeader","policyVersion":"v1",
        "parameters":{"headerName":"X-Gateway","headerValue":"on"}}],"response":[],"fault":[]}})");
  EXPECT_FALSE(backend_headers("/gwone/1.0.0/x").contains("x-gateway"));  // created, not deployed

  auto dep = deploy_mapping(id, true);
  ASSERT_EQ(dep.status, 200) << dep.body;
  EXPECT_EQ(str(boost::json::parse(dep.body).as_array()[0].at("mappingUUID")), id);
  EXPECT_EQ(str(backend_headers("/gwone/1.0.0/x").at("x-gateway")), "on");
  EXPECT_EQ(str(backend_headers("/gwtwo/1.0.0/x").at("x-gateway")), "on");

  auto list = json_of(admin("GET", kGatewayPolicies + "?query=gatewayLabel:Default"));
  ASSERT_EQ(list["count"].as_int64(), 1);
  EXPECT_EQ(str(list["list"].as_array()[0].at("appliedGatewayLabels").as_array()[0]), "Default");
  auto one = json_of(admin("GET", kGatewayPolicies + "/" + id));
  EXPECT_EQ(str(one["displayName"]), "stamp-all");
  EXPECT_EQ(str(one["policyMapping"].at("request").as_array()[0].at("policyName")), "setHeader");

  // Editing a deployed mapping reaches the gateway at once.
  auto put = admin("PUT", kGatewayPolicies + "/" + id, R"({"displayName":"stamp-all",
      "policyMapping":{"request":[{"policyName":"setHeader","parameters":{"headerName":"X-Gateway","headerValue":"v2"}}]}})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(str(backend_headers("/gwone/1.0.0/x").at("x-gateway")), "v2");

  EXPECT_EQ(admin("DELETE", kGatewayPolicies + "/" + id).status, 412);  // deployed
  ASSERT_EQ(deploy_mapping(id, false).status, 200);
  EXPECT_FALSE(backend_headers("/gwtwo/1.0.0/x").contains("x-gateway"));
  EXPECT_EQ(admin("DELETE", kGatewayPolicies + "/" + id).status, 200);
  EXPECT_EQ(admin("GET", kGatewayPolicies + "/" + id).status, 404);
}

TEST_F(GatewayPolicies, GatewayPoliciesRunBeforeTheApisOwnAndMayUseCommonCustomPolicies) {
  ASSERT_EQ(
      admin_upload("POST", kPolicies,
                   {{"policySpecFile", spec("gwStamp"), "spec.yaml", "application/x-yaml"},
                    {"synapsePolicyDefinitionFile", kTwoHeaders, "def.yaml", "application/x-yaml"}})
          .status,
      201);
  deployed_api(api_body("Order", "/order", R"([{"target":"/*","verb":"GET","authType":"None",
      "operationPolicies":{"request":[{"policyName":"setHeader","parameters":{"headerName":"X-Order","headerValue":"api"}}]}}])"),
               "/order/1.0.0/probe");
  const std::string id = mapping(R"({"displayName":"ordered","policyMapping":{"request":[
      {"policyName":"setHeader","parameters":{"headerName":"X-Order","headerValue":"gateway"}},
      {"policyName":"gwStamp","policyVersion":"v1","parameters":{"value":"gw"}}]}})");
  ASSERT_EQ(deploy_mapping(id, true).status, 200);
  auto h = backend_headers("/order/1.0.0/x");
  EXPECT_EQ(str(h.at("x-order")), "api");  // the API's own policy ran last
  EXPECT_EQ(str(h.at("x-stamp-a")), "gw");
  EXPECT_EQ(str(h.at("x-stamp-b")), "fixed");
  // The custom policy is in use by the mapping.
  auto list = json_of(admin("GET", kPolicies + "?query=name:gwStamp"));
  EXPECT_EQ(admin("DELETE", kPolicies + "/" + str(list["list"].as_array()[0].at("id"))).status,
            409);
  // One mapping per gateway.
  const std::string other = mapping(R"({"displayName":"second","policyMapping":{"request":[
      {"policyName":"removeHeader","parameters":{"headerName":"X-A"}}]}})");
  EXPECT_EQ(deploy_mapping(other, true).status, 409);
  ASSERT_EQ(deploy_mapping(id, false).status, 200);
}

TEST_F(GatewayPolicies, BadMappingsAndDeploymentsAreRefused) {
  EXPECT_EQ(admin("POST", kGatewayPolicies, R"({"policyMapping":{"request":[]}})").status,
            400);  // no displayName
  auto unknown =
      admin("POST", kGatewayPolicies,
            R"({"displayName":"u","policyMapping":{"request":[{"policyName":"ghost"}]}})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(str(json_of(unknown)["description"])
                .find("'policyMapping.request[0].policyName': unknown policy 'ghost'"),
            std::string::npos)
      << unknown.body;
  EXPECT_EQ(admin("POST", kGatewayPolicies, "not json").status, 400);
  const std::string id = mapping(R"({"displayName":"ok","policyMapping":{"response":[
      {"policyName":"addHeader","parameters":{"headerName":"X-R","headerValue":"1"}}]}})");
  EXPECT_EQ(deploy_mapping(id, true, "NoSuchGateway").status, 400);
  EXPECT_EQ(admin("POST", kGatewayPolicies + "/" + id + "/deploy", "[]").status, 400);
  EXPECT_EQ(deploy_mapping("no-such-mapping", true).status, 404);
  EXPECT_EQ(admin("PUT", kGatewayPolicies + "/no-such-mapping",
                  R"({"displayName":"x","policyMapping":{"request":[
      {"policyName":"removeHeader","parameters":{"headerName":"X-A"}}]}})")
                .status,
            404);
  EXPECT_EQ(admin("DELETE", kGatewayPolicies + "/no-such-mapping").status, 404);
}

}  // namespace
}  // namespace archway::testing
