#include "domain/api_json.h"

#include <gtest/gtest.h>

#include "common/problem.h"

namespace archway::domain {
namespace {

namespace json = boost::json;

TEST(ApiJson, RoundTripsTheProductShape) {
  const auto in = json::parse(R"({
    "name":"Pets","description":"d","context":"/pets","version":"1.0.0","isDefaultVersion":true,
    "transport":["https"],"tags":["a","b"],"policies":["Gold"],
    "endpointConfig":{"endpoint_type":"http","production_endpoints":{"url":"http://b:9/x","config":{"actionDuration":"3000"}},
                      "sandbox_endpoints":{"url":"http://s:9/"}},
    "operations":[{"target":"/pets/{petId}","verb":"GET","authType":"None","throttlingPolicy":"Unlimited"}]})").as_object();
  Api api = api_from_json(in);
  EXPECT_EQ(api.name, "Pets");
  EXPECT_TRUE(api.is_default_version);
  ASSERT_TRUE(api.endpoint_config.production);
  EXPECT_EQ(api.endpoint_config.production->url, "http://b:9/x");
  EXPECT_EQ(api.endpoint_config.production->timeout_ms, 3000);
  ASSERT_EQ(api.operations.size(), 1u);
  EXPECT_EQ(api.operations[0].auth_type, "None");
  json::object out = api_to_json(api);
  EXPECT_EQ(out["endpointConfig"], in.at("endpointConfig"));
  Api again = api_from_json(out);
  EXPECT_EQ(again.operations[0].target, "/pets/{petId}");
  EXPECT_EQ(again.tags, api.tags);
}

TEST(ApiJson, WrongTypeNamesTheField) {
  try {
    api_from_json(json::parse(R"({"name": 5})").as_object());
    FAIL();
  } catch (const common::ProblemError& e) {
    EXPECT_EQ(e.problem().status, 400);
    EXPECT_NE(e.problem().description.find("'name'"), std::string::npos);
  }
  try {
    api_from_json(json::parse(R"({"operations":[{"verb":"GET","target":7}]})").as_object());
    FAIL();
  } catch (const common::ProblemError& e) {
    EXPECT_NE(e.problem().description.find("operations[0].target"), std::string::npos);
  }
}

TEST(ApiJson, MaxTpsMapsToTheBackendLimits) {
  Api api = api_from_json(json::parse(R"({"maxTps":{"production":100,"sandbox":10}})").as_object());
  EXPECT_EQ(api.max_tps_production, 100);
  EXPECT_EQ(api.max_tps_sandbox, 10);
  EXPECT_EQ(api_to_json(api)["maxTps"], json::parse(R"({"production":100,"sandbox":10})"));
  api = api_from_json(json::parse(R"({"maxTps":{"sandbox":3}})").as_object());
  EXPECT_EQ(api.max_tps_production, 0);
  EXPECT_EQ(api_to_json(api)["maxTps"], json::parse(R"({"sandbox":3})"));
  for (const char* none : {R"({})", R"({"maxTps":null})", R"({"maxTps":{}})"}) {
    Api n = api_from_json(json::parse(none).as_object());
    EXPECT_EQ(n.max_tps_production + n.max_tps_sandbox, 0) << none;
    EXPECT_TRUE(api_to_json(n)["maxTps"].is_null()) << none;
  }
}

TEST(ApiJson, BadMaxTpsNamesTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"maxTps":{"production":-1}})", "'maxTps.production'"},
      {R"({"maxTps":{"production":2.5}})", "'maxTps.production'"},
      {R"({"maxTps":{"sandbox":"many"}})", "'maxTps.sandbox'"},
      {R"({"maxTps":[1]})", "'maxTps'"},
  };
  for (const auto& [body, field] : cases) {
    try {
      api_from_json(json::parse(body).as_object());
      ADD_FAILURE() << body;
    } catch (const common::ProblemError& e) {
      EXPECT_EQ(e.problem().status, 400);
      EXPECT_NE(e.problem().description.find(field), std::string::npos) << body << " -> " << e.problem().description;
    }
  }
}

TEST(ApiJson, LoadBalanceListsEveryEndpointWithItsWeight) {
  auto ec = endpoint_config_from_json(json::parse(R"({"endpoint_type":"load_balance",
      "algoCombo":"org.apache.synapse.endpoints.algorithms.RoundRobin",
      "production_endpoints":[{"url":"http://a:1/x","weight":3},{"url":"http://b:2","config":{"actionDuration":500}}],
      "sandbox_endpoints":[{"url":"http://s:3"}]})").as_object());
  ASSERT_EQ(ec.production_group.size(), 2u);
  EXPECT_EQ(ec.production_group[0].weight, 3);
  EXPECT_EQ(ec.production_group[1].weight, 1);
  EXPECT_EQ(ec.production_group[1].timeout_ms, 500);
  ASSERT_TRUE(ec.production);
  EXPECT_EQ(ec.production->url, "http://a:1/x");
  ASSERT_EQ(ec.sandbox_group.size(), 1u);
}

TEST(ApiJson, EndpointConfigTakesTheProductsResilienceFieldsAsStringsOrNumbers) {
  auto ec = endpoint_config_from_json(json::parse(R"({"endpoint_type":"http",
      "production_endpoints":{"url":"http://p:1","config":{"actionSelect":"fault","actionDuration":"3000",
        "connectTimeout":800,"retryCount":"2","retryDelay":"50","retryErroCode":["502","503"],
        "suspendErrorCode":"101503, 101504,504","retryTimeOut":"3","suspendDuration":"30000",
        "suspendMaxDuration":"","factor":"1.5"}},
      "sandbox_endpoints":{"url":"http://s:1","config":{"suspendDuration":"-1","factor":"","retryErroCode":[]}}})")
                                          .as_object());
  ASSERT_TRUE(ec.production);
  const Endpoint& e = *ec.production;
  EXPECT_EQ(e.timeout_ms, 3000);
  EXPECT_EQ(e.connect_timeout_ms, 800);
  EXPECT_EQ(e.retry_count, 2);
  EXPECT_EQ(e.retry_delay_ms, 50);
  EXPECT_EQ(e.retry_codes, (std::vector<int>{502, 503}));
  EXPECT_EQ(e.suspend_codes, (std::vector<int>{101503, 101504, 504}));
  EXPECT_EQ(e.retries_before_suspension, 3);
  EXPECT_EQ(e.suspend_duration_ms, 30000);
  EXPECT_EQ(e.suspend_max_duration_ms, 0);
  EXPECT_DOUBLE_EQ(e.factor, 1.5);
  ASSERT_TRUE(ec.sandbox);
  EXPECT_EQ(ec.sandbox->suspend_duration_ms, 0);  // -1: off, as in the product
  EXPECT_DOUBLE_EQ(ec.sandbox->factor, 1.0);
}

TEST(ApiJson, EndpointSecurityIsReadPerKeyType) {
  auto ec = endpoint_config_from_json(json::parse(R"({"endpoint_type":"http",
      "production_endpoints":{"url":"http://p:1"},
      "endpoint_security":{"production":{"enabled":true,"type":"basic","username":"u","password":"p"},
        "sandbox":{"enabled":true,"type":"APIKEY","apiKeyIdentifier":"key","apiKeyValue":"v",
                   "apiKeyIdentifierType":"QUERY_PARAMETER"}}})")
                                          .as_object());
  ASSERT_TRUE(ec.production_security);
  EXPECT_EQ(ec.production_security->type, "BASIC");
  EXPECT_EQ(ec.production_security->username, "u");
  ASSERT_TRUE(ec.sandbox_security);
  EXPECT_EQ(ec.sandbox_security->api_key_in, "QUERY_PARAMETER");
  EXPECT_EQ(ec.sandbox_security->api_key_value, "v");
}

TEST(ApiJson, PublicJsonBlanksEndpointSecrets) {
  Api api = api_from_json(json::parse(R"({"name":"A","context":"/a","version":"1",
      "endpointConfig":{"endpoint_type":"http","production_endpoints":{"url":"http://p:1"},
      "endpoint_security":{"production":{"enabled":true,"type":"BASIC","username":"u","password":"sealed:xyz"}}}})")
                              .as_object());
  const std::string stored = json::serialize(api_to_json(api));
  const std::string shown = json::serialize(api_to_public_json(api));
  EXPECT_NE(stored.find("sealed:xyz"), std::string::npos);
  EXPECT_EQ(shown.find("sealed:xyz"), std::string::npos);
  EXPECT_NE(shown.find(R"("username":"u")"), std::string::npos);
}

TEST(ApiJson, FailoverPutsThePrimaryFirstThenTheFailoversInOrder) {
  auto ec = endpoint_config_from_json(json::parse(R"({"endpoint_type":"failover",
      "production_endpoints":{"url":"http://p:1"},
      "production_failovers":[{"url":"http://f1:1"},{"url":"http://f2:1"}]})").as_object());
  ASSERT_EQ(ec.production_group.size(), 3u);
  EXPECT_EQ(ec.production_group[0].url, "http://p:1");
  EXPECT_EQ(ec.production_group[2].url, "http://f2:1");
  EXPECT_TRUE(ec.sandbox_group.empty());
  EXPECT_FALSE(ec.sandbox);
}

TEST(ApiJson, BadEndpointGroupsNameTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"endpoint_type":"load_balance","production_endpoints":[]})",
       "'endpointConfig.production_endpoints'"},
      {R"({"endpoint_type":"load_balance","production_endpoints":{"url":"http://a:1"}})",
       "'endpointConfig.production_endpoints'"},
      {R"({"endpoint_type":"load_balance","production_endpoints":[{"url":"http://a:1"},{"url":"nope"}]})",
       "'endpointConfig.production_endpoints[1].url'"},
      {R"({"endpoint_type":"load_balance","production_endpoints":[{"url":"http://a:1"},{}]})",
       "'endpointConfig.production_endpoints[1].url'"},
      {R"({"endpoint_type":"load_balance","production_endpoints":[{"url":"http://a:1","weight":-2}]})",
       "'endpointConfig.production_endpoints[0].weight'"},
      {R"({"endpoint_type":"load_balance","production_endpoints":[{"url":"http://a:1","weight":1.5}]})",
       "'endpointConfig.production_endpoints[0].weight'"},
      {R"({"endpoint_type":"load_balance","production_endpoints":[{"url":"http://a:1","weight":100000}]})",
       "'endpointConfig.production_endpoints[0].weight'"},
      {R"({"endpoint_type":"load_balance","production_endpoints":[{"url":"http://a:1","config":{"actionDuration":0}}]})",
       "'endpointConfig.production_endpoints[0].config.actionDuration'"},
      {R"({"endpoint_type":"failover","production_endpoints":{"url":"http://a:1"},"production_failovers":"x"})",
       "'endpointConfig.production_failovers'"},
      {R"({"endpoint_type":"failover","production_endpoints":{"url":"http://a:1","weight":2}})",
       "'endpointConfig.production_endpoints.weight'"},
      {R"({"endpoint_type":"failover","sandbox_failovers":[{"url":"http://a:1"}]})",
       "'endpointConfig.sandbox_failovers'"},
      {R"({"endpoint_type":"weighted","production_endpoints":{"url":"http://a:1"}})",
       "'endpointConfig.endpoint_type'"},
  };
  for (const auto& [text, field] : cases) {
    try {
      endpoint_config_from_json(json::parse(text).as_object());
      ADD_FAILURE() << "accepted: " << text;
    } catch (const common::ProblemError& e) {
      EXPECT_EQ(e.problem().status, 400);
      EXPECT_NE(e.problem().description.find(field), std::string::npos)
          << text << " -> " << e.problem().description;
    }
  }
}

TEST(ApiJson, AProductKeepsItsApisEndpointsWhenStoredButShowsTheProductShape) {
  const auto in = json::parse(R"({
    "name":"Shop","context":"/shop","type":"APIPRODUCT","policies":["Gold"],"authorizationHeader":"X-Auth",
    "apis":[{"apiId":"a1","name":"Orders","version":"1.0.0",
             "operations":[{"target":"/orders","verb":"GET","authType":"Any"}],
             "endpointConfig":{"endpoint_type":"http","production_endpoints":{"url":"http://o:1/a"}},
             "apiPolicies":{"request":[{"policyName":"addHeader","parameters":{"headerName":"X","headerValue":"1"}}]}}]})")
                      .as_object();
  const Api product = api_from_json(in);
  ASSERT_TRUE(product.is_product());
  ASSERT_EQ(product.product_apis.size(), 1u);
  EXPECT_EQ(product.authorization_header, "X-Auth");
  const ProductApi& pa = product.product_apis[0];
  EXPECT_EQ(pa.api_id, "a1");
  ASSERT_EQ(pa.operations.size(), 1u);
  EXPECT_EQ(pa.operations[0].auth_type, "Any");
  ASSERT_TRUE(pa.endpoint_config.production);
  EXPECT_EQ(pa.endpoint_config.production->url, "http://o:1/a");
  EXPECT_EQ(pa.api_policies.request.size(), 1u);

  const Api again = api_from_json(api_to_json(product));  // the stored form loses nothing
  ASSERT_EQ(again.product_apis.size(), 1u);
  ASSERT_TRUE(again.product_apis[0].endpoint_config.production);
  EXPECT_EQ(again.product_apis[0].endpoint_config.production->url, "http://o:1/a");
  EXPECT_EQ(again.product_apis[0].api_policies.request.size(), 1u);

  json::object shown = product_to_json(product);  // the REST form: no backend details
  EXPECT_EQ(shown["apiType"], "APIPRODUCT");
  EXPECT_EQ(shown["authorizationHeader"], "X-Auth");
  const auto& entry = shown["apis"].as_array().at(0).as_object();
  EXPECT_EQ(entry.at("name"), "Orders");
  EXPECT_FALSE(entry.contains("endpointConfig"));
  EXPECT_EQ(entry.at("operations").as_array().at(0).at("target"), "/orders");
}

TEST(ApiJson, AProductEntryOfTheWrongTypeIsNamed) {
  try {
    api_from_json(json::parse(R"({"apis":[{"apiId":"a","operations":[{"target":5}]}]})").as_object());
    FAIL();
  } catch (const common::ProblemError& e) {
    EXPECT_NE(e.problem().description.find("apis[0].operations[0].target"), std::string::npos)
        << e.problem().description;
  }
}

}  // namespace
}  // namespace archway::domain
