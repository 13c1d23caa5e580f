// The gateway feed's wire form: every ConfigChange kind, a snapshot and the stream's messages
// decode to what was encoded (checked by re-encoding: a field the decoder dropped would come back
// as its default, and every value here differs from its default).
#include "sync/feed_codec.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace archway::sync {
namespace {

domain::PolicyFlows sample_flows() {
  domain::PolicyFlows f;
  f.request.push_back({"addHeader", "v2", "p-1", {{"headerName", "X-A"}, {"headerValue", "1"}}});
  f.response.push_back({"removeHeader", "v1", "", {{"headerName", "Server"}}});
  f.fault.push_back({"jsonToXml", "v1", "", {}});
  return f;
}

domain::Endpoint sample_endpoint(const std::string& url) {
  domain::Endpoint e;
  e.url = url;
  e.timeout_ms = 1234;
  e.weight = 3;
  e.connect_timeout_ms = 99;
  e.retry_count = 2;
  e.retry_delay_ms = 10;
  e.retry_codes = {502, 503};
  e.suspend_codes = {101503};
  e.retries_before_suspension = 4;
  e.suspend_duration_ms = 1000;
  e.suspend_max_duration_ms = 60000;
  e.factor = 1.5;
  return e;
}

domain::DeployedApi sample_api() {
  domain::DeployedApi d;
  d.api_id = "api-1";
  d.revision_id = "rev-1";
  d.deployment = 42;
  domain::Api& a = d.api;
  a.id = "api-1";
  a.name = "Pets";
  a.description = "pets";
  a.context = "/pets";
  a.version = "1.0.0";
  a.provider = "alice";
  a.lifecycle_status = "PUBLISHED";
  a.is_default_version = true;
  a.type = "HTTP";
  a.transport = {"https"};
  a.tags = {"t1"};
  a.policies = {"Gold", "Bronze"};
  a.api_throttling_policy = "10KPerMin";
  a.max_tps_production = 7;
  a.max_tps_sandbox = 8;
  a.security_scheme = {"oauth2", "api_key"};
  a.visibility = "RESTRICTED";
  a.visible_roles = {"r1"};
  a.access_control = "RESTRICTED";
  a.access_control_roles = {"r2"};
  a.audiences = {"aud"};
  a.endpoint_config.endpoint_type = "failover";
  a.endpoint_config.production = sample_endpoint("http://a");
  a.endpoint_config.sandbox = sample_endpoint("http://b");
  a.endpoint_config.production_group = {sample_endpoint("http://a"), sample_endpoint("http://c")};
  a.endpoint_config.sandbox_group = {sample_endpoint("http://b")};
  domain::EndpointSecurity sec;
  sec.enabled = true;
  sec.type = "OAUTH";
  sec.username = "u";
  sec.password = "sealed:x";
  sec.api_key_identifier = "k";
  sec.api_key_value = "v";
  sec.api_key_in = "QUERY_PARAMETER";
  sec.grant_type = "PASSWORD";
  sec.token_url = "http://t";
  sec.client_id = "c";
  sec.client_secret = "sealed:y";
  sec.custom_parameters = {{"a", "b"}};
  a.endpoint_config.production_security = sec;
  a.endpoint_config.raw = boost::json::parse(R"({"endpoint_type":"failover","x":[1,2]})").as_object();
  domain::Operation op;
  op.id = "op-1";
  op.target = "/pets/{id}";
  op.verb = "PUT";
  op.auth_type = "None";
  op.throttling_policy = "50PerMin";
  op.scopes = {"write"};
  op.policies = sample_flows();
  op.response_caching = true;
  op.cache_timeout_s = 5;
  a.operations = {op};
  a.scopes = {{"write", "Write", "may write", {"admin"}, true}};
  a.enable_backend_jwt = true;
  a.api_policies = sample_flows();
  a.cors.enabled = true;
  a.cors.allow_origins = {"https://x"};
  a.cors.allow_methods = {"GET"};
  a.cors.allow_headers = {"h"};
  a.cors.allow_credentials = true;
  a.response_caching = true;
  a.cache_timeout_s = 30;
  a.cache_key_headers = {"X-K"};
  a.enable_schema_validation = true;
  a.enable_response_validation = true;
  a.service_info = {"k", "n", "v", "md5"};
  a.openapi_definition = R"({"openapi":"3.0.0"})";
  a.authorization_header = "X-Auth";
  domain::ProductApi pa;
  pa.api_id = "api-2";
  pa.name = "Two";
  pa.version = "2";
  pa.operations = {op};
  pa.endpoint_config.production = sample_endpoint("http://p");
  pa.api_policies = sample_flows();
  a.product_apis = {pa};
  a.categories = {"c"};
  a.additional_properties = {{"n", "v", true}};
  a.business_information = {"bo", "bo@x", "to", "to@x"};
  a.has_thumbnail = true;
  a.created_time = 1;
  a.last_updated_time = 2;
  return d;
}

domain::ThrottlePolicy sample_policy() {
  domain::ThrottlePolicy p;
  p.id = "p";
  p.level = "advanced";
  p.name = "10KPerMin";
  p.display_name = "10K";
  p.description = "d";
  p.unlimited = true;
  p.limit = {"BANDWIDTHLIMIT", "hour", 2, 3, 4, "MB"};
  p.rate_limit_count = 5;
  p.rate_limit_time_unit = "sec";
  p.stop_on_quota_reach = false;
  p.billing_plan = "COMMERCIAL";
  domain::ThrottleCondition c{"IPCONDITION", true, "n", "v", "IPRANGE", "1.1.1.1", "1.0.0.0", "1.0.0.9"};
  p.conditional_groups = {{"g", {c}, p.limit}};
  p.match = {"/pets", "1", "u", "app", "1.2.3.4", {{"h", "v"}}};
  p.key_template = "$userId";
  p.siddhi_query = "from x";
  return p;
}

domain::SecurityState sample_security() {
  domain::SecurityState s;
  s.applications = {{"app-1", "App", "bob", "10PerMin", "d", "JWT", "CREATED", 1, 2}};
  domain::KeyMapping k;
  k.id = "km";
  k.application_id = "app-1";
  k.key_type = "SANDBOX";
  k.consumer_key = "ck";
  k.grant_types = {"password"};
  k.callback_url = "http://cb";
  k.validity_seconds = 60;
  k.created_time = 3;
  k.key_manager = "External";
  s.key_mappings = {k};
  s.subscriptions = {{"s", "app-1", "api-1", "Gold", "BLOCKED", 4}};
  s.revoked_tokens = {{"jti", 5}};
  s.public_jwks = {R"({"kty":"RSA"})"};
  domain::ExternalKeyManager km;
  km.id = "kmid";
  km.name = "External";
  km.display_name = "Ext";
  km.type = "okta";
  km.description = "d";
  km.issuer = "https://idp";
  km.jwks_url = "https://idp/jwks";
  km.consumer_key_claim = "cid";
  km.scopes_claim = "scp";
  km.enabled = false;
  km.jwks = "{}";
  km.jwks_fetched_time = 6;
  km.created_time = 7;
  s.external_key_managers = {km};
  s.policies = {sample_policy()};
  s.block_conditions = {{"b", "IPRANGE", "v", "1.1.1.1", "2.2.2.2", "3.3.3.3", true, false, 8}};
  s.environment_type = "sandbox";
  s.gateway_policies = sample_flows();
  s.endpoint_certificates = {{"alias", "https://b", "PEM", 9}};
  s.client_certificates = {{"api-1", "SANDBOX", "c", "Gold", "PEM2", 10}};
  return s;
}

// Every alternative of ConfigChange, with non-default values.
std::vector<domain::ConfigChange> every_change() {
  const domain::SecurityState s = sample_security();
  std::vector<domain::ConfigChange> out;
  out.push_back(domain::ApiChange{"api-1", sample_api(), false});
  out.push_back(domain::ApiChange{"api-2", std::nullopt, true});
  out.push_back(domain::ApplicationChange{"app-1", s.applications[0]});
  out.push_back(domain::ApplicationChange{"app-2", std::nullopt});
  out.push_back(domain::KeysChange{"app-1", s.key_mappings});
  out.push_back(domain::SubscriptionChange{"s", s.subscriptions[0], "", ""});
  out.push_back(domain::SubscriptionChange{"s2", std::nullopt, "app-1", "api-1"});
  out.push_back(domain::TokenRevoked{{"jti", 11}});
  out.push_back(domain::PoliciesChange{s.policies, s.block_conditions});
  out.push_back(domain::SigningKeysChange{s.public_jwks});
  out.push_back(domain::KeyManagersChange{s.external_key_managers});
  out.push_back(domain::EnvironmentChange{"production"});
  out.push_back(domain::ThrottleReset{"app-1", "bob"});
  out.push_back(domain::GatewayPoliciesChange{sample_flows()});
  out.push_back(domain::CertificatesChange{s.endpoint_certificates, s.client_certificates});
  return out;
}

TEST(FeedCodec, EveryChangeKindRoundTrips) {
  std::vector<bool> seen(std::variant_size_v<domain::ConfigChange>, false);
  for (const auto& c : every_change()) {
    seen[c.index()] = true;
    const std::string wire = encode_change(c);
    const domain::ConfigChange back = decode_change(wire);
    EXPECT_EQ(back.index(), c.index()) << wire;
    EXPECT_EQ(encode_change(back), wire);
  }
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_TRUE(seen[i]) << "no sample of ConfigChange alternative " << i;
}

TEST(FeedCodec, DeployedApiKeepsWhatTheGatewayCompiles) {
  const domain::DeployedApi d = sample_api();
  const std::string wire = encode_deployed_api(d);
  const domain::DeployedApi back = decode_deployed_api(wire);
  EXPECT_EQ(encode_deployed_api(back), wire);
  EXPECT_EQ(back.deployment, 42u);
  EXPECT_EQ(back.api.operations.at(0).policies.request.at(0).parameters.at("headerName"), "X-A");
  ASSERT_TRUE(back.api.endpoint_config.production_security);
  EXPECT_EQ(back.api.endpoint_config.production_security->client_secret, "sealed:y");
  EXPECT_EQ(back.api.endpoint_config.raw.at("x").as_array().size(), 2u);
  EXPECT_DOUBLE_EQ(back.api.endpoint_config.production_group.at(1).factor, 1.5);
  EXPECT_EQ(*back.api.operations.at(0).response_caching, true);
}

TEST(FeedCodec, KeyMappingSecretsNeverTravel) {
  domain::KeysChange k{"app", {}};
  domain::KeyMapping m;
  m.consumer_key = "ck";
  m.consumer_secret_hash = "secret-hash";
  k.keys.push_back(m);
  const std::string wire = encode_change(k);
  EXPECT_EQ(wire.find("secret-hash"), std::string::npos);
}

TEST(FeedCodec, SnapshotLinesRoundTrip) {
  SnapshotHead head;
  head.revision = 77;
  head.environment = "Default";
  head.apis = {sample_api()};
  head.security = sample_security();
  const std::string line = encode_snapshot_head(head);
  ASSERT_EQ(line.back(), '\n');
  const SnapshotLine back = decode_snapshot_line(line);
  ASSERT_EQ(back.kind, SnapshotLine::Kind::kHead);
  EXPECT_EQ(back.head.revision, 77);
  EXPECT_EQ(back.head.environment, "Default");
  EXPECT_TRUE(back.head.security.subscriptions.empty());  // they follow in chunks
  domain::SecurityState expected = head.security;
  expected.subscriptions.clear();
  EXPECT_EQ(encode_security_state(back.head.security), encode_security_state(expected));
  EXPECT_EQ(encode_deployed_api(back.head.apis.at(0)), encode_deployed_api(head.apis[0]));

  const SnapshotLine subs = decode_snapshot_line(encode_subscriptions(head.security.subscriptions));
  ASSERT_EQ(subs.kind, SnapshotLine::Kind::kSubscriptions);
  ASSERT_EQ(subs.subscriptions.size(), 1u);
  EXPECT_EQ(subs.subscriptions[0].status, "BLOCKED");
  const SnapshotLine end = decode_snapshot_line(encode_snapshot_end(1));
  EXPECT_EQ(end.kind, SnapshotLine::Kind::kEnd);
  EXPECT_EQ(end.count, 1u);
}

TEST(FeedCodec, StreamMessagesRoundTrip) {
  const auto changes = every_change();
  const FeedMessage batch = decode_message(encode_batch(10, 15, changes));
  EXPECT_EQ(batch.kind, FeedMessage::Kind::kBatch);
  EXPECT_EQ(batch.from, 10);
  EXPECT_EQ(batch.revision, 15);
  ASSERT_EQ(batch.changes.size(), changes.size());
  EXPECT_EQ(encode_batch(10, 15, batch.changes), encode_batch(10, 15, changes));
  const FeedMessage beat = decode_message(encode_heartbeat(15));
  EXPECT_EQ(beat.kind, FeedMessage::Kind::kHeartbeat);
  EXPECT_EQ(beat.revision, 15);
  const FeedMessage again = decode_message(encode_resnapshot(16, "trimmed"));
  EXPECT_EQ(again.kind, FeedMessage::Kind::kResnapshot);
  EXPECT_EQ(again.reason, "trimmed");
}

TEST(FeedCodec, MalformedLinesAreRefusedWithAnError) {
  for (const char* bad : {"", "not json", "[]", R"({"type":"batch"})", R"({"type":"nope","revision":1})",
                          R"({"type":"batch","from":5,"revision":5,"changes":[]})",
                          R"({"type":"batch","from":1,"revision":2,"changes":[{"kind":"mystery"}]})",
                          R"({"type":"batch","from":1,"revision":2,"changes":[{"kind":"api","apiId":7}]})",
                          R"({"type":"batch","from":1,"revision":2,"changes":[1]})"})
    EXPECT_THROW(decode_message(bad), FeedCodecError) << bad;
  EXPECT_THROW(decode_snapshot_line(R"({"type":"snapshot","format":999,"revision":1})"), FeedCodecError);
  EXPECT_THROW(decode_snapshot_line(R"({"type":"end"})"), FeedCodecError);
}

}  // namespace
}  // namespace archway::sync
