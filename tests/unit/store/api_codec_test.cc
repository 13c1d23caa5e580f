// The stored form of an API belongs to the store (store/codec/api_codec.h): its names are pinned
// here, so a change of the REST shape cannot change stored rows unnoticed.
#include "store/codec/api_codec.h"

#include <gtest/gtest.h>

#include "domain/api.h"

namespace archway::store {
namespace {

domain::Api sample() {
  domain::Api a;
  a.id = "api-1";
  a.name = "Pizza";
  a.description = "Orders";
  a.context = "/pizza";
  a.version = "1.0";
  a.provider = "admin";
  a.lifecycle_status = "PUBLISHED";
  a.tags = {"food"};
  a.policies = {"Gold"};
  a.api_throttling_policy = "50KPerMin";
  a.max_tps_production = 100;
  a.visibility = "PUBLIC";
  a.categories = {"Food"};
  a.operations.push_back({"", "/orders", "GET"});
  a.operations.back().scopes = {"orders:read"};
  a.operations.back().cache_timeout_s = 30;
  domain::ApiScope scope;
  scope.name = "orders:read";
  scope.display_name = "Read orders";
  scope.bindings = {"subscriber"};
  a.scopes.push_back(scope);
  a.additional_properties.push_back({"region", "eu", true});
  a.created_time = 1700000000000;
  a.last_updated_time = 1700000001000;
  return a;
}

TEST(StoredApiCodecTest, TheStoredFormKeepsItsNames) {
  const std::string stored =
      R"({"id":"api-1","name":"Pizza","description":"Orders","context":"/pizza","version":"1.0","pr)"
      R"(ovider":"admin","lifeCycleStatus":"PUBLISHED","isDefaultVersion":false,"type":"HTTP","tran)"
      R"(sport":["http","https"],"tags":["food"],"policies":["Gold"],"apiThrottlingPolicy":"50KPerM)"
      R"(in","maxTps":{"production":100},"securityScheme":["oauth2"],"visibility":"PUBLIC","visible)"
      R"(Roles":[],"accessControl":"NONE","accessControlRoles":[],"audiences":[],"endpointConfig":n)"
      R"(ull,"operations":[{"id":"","target":"/orders","verb":"GET","authType":"Application & Appli)"
      R"(cation User","throttlingPolicy":"Unlimited","scopes":["orders:read"],"operationPolicies":{)"
      R"("request":[],"response":[],"fault":[]},"responseCachingEnabled":null,"cacheTimeout":30}],")"
      R"(apiPolicies":{"request":[],"response":[],"fault":[]},"corsConfiguration":{"corsConfigurati)"
      R"(onEnabled":false,"accessControlAllowOrigins":["*"],"accessControlAllowCredentials":false,")"
      R"(accessControlAllowHeaders":["authorization","Access-Control-Allow-Origin","Content-Type",")"
      R"(SOAPAction","apikey"],"accessControlAllowMethods":["GET","PUT","POST","DELETE","PATCH","OP)"
      R"(TIONS"]},"responseCachingEnabled":false,"enableSchemaValidation":false,"enableResponseSche)"
      R"(maValidation":false,"cacheTimeout":300,"cacheKeyHeaders":[],"scopes":[{"scope":{"name":"or)"
      R"(ders:read","displayName":"Read orders","description":"","bindings":["subscriber"]},"shared)"
      R"(":false}],"enableBackendJWT":false,"categories":["Food"],"businessInformation":{"businessO)"
      R"(wner":"","businessOwnerEmail":"","technicalOwner":"","technicalOwnerEmail":""},"hasThumbna)"
      R"(il":false,"additionalProperties":[{"name":"region","value":"eu","display":true}],"createdT)"
      R"(ime":"2023-11-14T22:13:20.000Z","lastUpdatedTime":"2023-11-14T22:13:21.000Z"})";
  EXPECT_EQ(codec::encode_api(sample()), stored);
}

TEST(StoredApiCodecTest, WhatIsStoredReadsBackAsTheSameApi) {
  domain::Api a = sample();
  a.created_time = a.last_updated_time = 0;  // kept in columns of their own, not in the definition
  const std::string stored = codec::encode_api(a);
  EXPECT_EQ(codec::encode_api(codec::decode_api(stored)), stored);
}

TEST(StoredApiCodecTest, TextThatIsNoDefinitionIsRefused) {
  EXPECT_ANY_THROW(codec::decode_api("not json"));
  EXPECT_ANY_THROW(codec::decode_api("[1, 2]"));
}

}  // namespace
}  // namespace archway::store
