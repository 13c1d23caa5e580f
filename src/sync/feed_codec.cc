#include "sync/feed_codec.h"

#include <boost/json.hpp>

#include <map>
#include <type_traits>
#include <utility>

namespace archway::sync {

namespace json = boost::json;

namespace {

// Each wire type lists its fields once, as (wire name, member) pairs handed to `f`; the encoder
// and the decoder both walk that list. Wire names are the feed's own (short, stable camelCase).
template <class T, class F> void describe(T& v, F&& f);

template <class T> struct IsVector : std::false_type {};
template <class T> struct IsVector<std::vector<T>> : std::true_type {};
template <class T> struct IsOptional : std::false_type {};
template <class T> struct IsOptional<std::optional<T>> : std::true_type {};

template <class T>
json::value to_value(const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    return json::value(v);
  } else if constexpr (std::is_same_v<T, bool>) {
    return json::value(v);
  } else if constexpr (std::is_same_v<T, double>) {
    return json::value(v);
  } else if constexpr (std::is_same_v<T, std::uint64_t>) {
    return json::value(v);
  } else if constexpr (std::is_integral_v<T>) {
    return json::value(static_cast<std::int64_t>(v));
  } else if constexpr (std::is_same_v<T, json::object>) {
    return json::value(v);
  } else if constexpr (std::is_same_v<T, std::map<std::string, std::string>>) {
    json::object o;
    for (const auto& [k, x] : v) o[k] = x;
    return o;
  } else if constexpr (std::is_same_v<T, std::pair<std::string, std::string>>) {
    return json::array{json::value(v.first), json::value(v.second)};
  } else if constexpr (IsVector<T>::value) {
    json::array a;
    a.reserve(v.size());
    for (const auto& x : v) a.push_back(to_value(x));
    return a;
  } else if constexpr (IsOptional<T>::value) {
    return v ? to_value(*v) : json::value(nullptr);
  } else {
    json::object o;
    describe(v, [&](const char* name, const auto& member) { o[name] = to_value(member); });
    return o;
  }
}

[[noreturn]] void bad(std::string_view what) { throw FeedCodecError("feed: " + std::string(what)); }

template <class T>
void from_value(const json::value& j, T& out) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (!j.is_string()) bad("a string was expected");
    out = std::string(j.get_string());
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_bool()) bad("a boolean was expected");
    out = j.get_bool();
  } else if constexpr (std::is_same_v<T, double>) {
    if (!j.is_number()) bad("a number was expected");
    out = j.to_number<double>();
  } else if constexpr (std::is_integral_v<T>) {
    if (j.is_int64()) out = static_cast<T>(j.get_int64());
    else if (j.is_uint64()) out = static_cast<T>(j.get_uint64());
    else bad("an integer was expected");
  } else if constexpr (std::is_same_v<T, json::object>) {
    if (!j.is_object()) bad("an object was expected");
    out = j.get_object();
  } else if constexpr (std::is_same_v<T, std::map<std::string, std::string>>) {
    if (!j.is_object()) bad("an object was expected");
    out.clear();
    for (const auto& [k, x] : j.get_object()) from_value(x, out[std::string(k)]);
  } else if constexpr (std::is_same_v<T, std::pair<std::string, std::string>>) {
    if (!j.is_array() || j.get_array().size() != 2) bad("a pair was expected");
    from_value(j.get_array()[0], out.first);
    from_value(j.get_array()[1], out.second);
  } else if constexpr (IsVector<T>::value) {
    if (!j.is_array()) bad("an array was expected");
    out.clear();
    out.resize(j.get_array().size());
    for (std::size_t i = 0; i < out.size(); ++i) from_value(j.get_array()[i], out[i]);
  } else if constexpr (IsOptional<T>::value) {
    if (j.is_null()) {
      out.reset();
    } else {
      out.emplace();
      from_value(j, *out);
    }
  } else {
    if (!j.is_object()) bad("an object was expected");
    const json::object& o = j.get_object();
    // Absent members keep their defaults: a newer sender may leave out what it no longer has.
    describe(out, [&](const char* name, auto& member) {
      if (const json::value* x = o.if_contains(name)) from_value(*x, member);
    });
  }
}

template <class T, class F>
void describe(T& v, F&& f) {
  using U = std::remove_const_t<T>;
  if constexpr (std::is_same_v<U, domain::Endpoint>) {
    f("url", v.url); f("timeoutMs", v.timeout_ms); f("weight", v.weight);
    f("connectTimeoutMs", v.connect_timeout_ms); f("retryCount", v.retry_count);
    f("retryDelayMs", v.retry_delay_ms); f("retryCodes", v.retry_codes); f("suspendCodes", v.suspend_codes);
    f("retriesBeforeSuspension", v.retries_before_suspension); f("suspendDurationMs", v.suspend_duration_ms);
    f("suspendMaxDurationMs", v.suspend_max_duration_ms); f("factor", v.factor);
  } else if constexpr (std::is_same_v<U, domain::EndpointSecurity>) {
    f("enabled", v.enabled); f("type", v.type); f("username", v.username); f("password", v.password);
    f("apiKeyIdentifier", v.api_key_identifier); f("apiKeyValue", v.api_key_value); f("apiKeyIn", v.api_key_in);
    f("grantType", v.grant_type); f("tokenUrl", v.token_url); f("clientId", v.client_id);
    f("clientSecret", v.client_secret); f("customParameters", v.custom_parameters);
  } else if constexpr (std::is_same_v<U, domain::EndpointConfig>) {
    f("type", v.endpoint_type); f("production", v.production); f("sandbox", v.sandbox);
    f("productionGroup", v.production_group); f("sandboxGroup", v.sandbox_group);
    f("productionSecurity", v.production_security); f("sandboxSecurity", v.sandbox_security); f("raw", v.raw);
  } else if constexpr (std::is_same_v<U, domain::PolicyRef>) {
    f("name", v.name); f("version", v.version); f("id", v.id); f("parameters", v.parameters);
  } else if constexpr (std::is_same_v<U, domain::PolicyFlows>) {
    f("request", v.request); f("response", v.response); f("fault", v.fault);
  } else if constexpr (std::is_same_v<U, domain::CorsConfiguration>) {
    f("enabled", v.enabled); f("allowOrigins", v.allow_origins); f("allowMethods", v.allow_methods);
    f("allowHeaders", v.allow_headers); f("allowCredentials", v.allow_credentials);
  } else if constexpr (std::is_same_v<U, domain::Operation>) {
    f("id", v.id); f("target", v.target); f("verb", v.verb); f("authType", v.auth_type);
    f("throttlingPolicy", v.throttling_policy); f("scopes", v.scopes); f("policies", v.policies);
    f("responseCaching", v.response_caching); f("cacheTimeoutS", v.cache_timeout_s);
  } else if constexpr (std::is_same_v<U, domain::ApiScope>) {
    f("name", v.name); f("displayName", v.display_name); f("description", v.description);
    f("bindings", v.bindings); f("shared", v.shared);
  } else if constexpr (std::is_same_v<U, domain::ServiceInfo>) {
    f("key", v.key); f("name", v.name); f("version", v.version); f("md5", v.md5);
  } else if constexpr (std::is_same_v<U, domain::ProductApi>) {
    f("apiId", v.api_id); f("name", v.name); f("version", v.version); f("operations", v.operations);
    f("endpointConfig", v.endpoint_config); f("apiPolicies", v.api_policies);
  } else if constexpr (std::is_same_v<U, domain::BusinessInformation>) {
    f("businessOwner", v.business_owner); f("businessOwnerEmail", v.business_owner_email);
    f("technicalOwner", v.technical_owner); f("technicalOwnerEmail", v.technical_owner_email);
  } else if constexpr (std::is_same_v<U, domain::AdditionalProperty>) {
    f("name", v.name); f("value", v.value); f("display", v.display);
  } else if constexpr (std::is_same_v<U, domain::Api>) {
    f("id", v.id); f("name", v.name); f("description", v.description); f("context", v.context);
    f("version", v.version); f("provider", v.provider); f("lifecycleStatus", v.lifecycle_status);
    f("isDefaultVersion", v.is_default_version); f("type", v.type); f("transport", v.transport); f("tags", v.tags);
    f("policies", v.policies); f("apiThrottlingPolicy", v.api_throttling_policy);
    f("maxTpsProduction", v.max_tps_production); f("maxTpsSandbox", v.max_tps_sandbox);
    f("securityScheme", v.security_scheme); f("visibility", v.visibility); f("visibleRoles", v.visible_roles);
    f("accessControl", v.access_control); f("accessControlRoles", v.access_control_roles);
    f("audiences", v.audiences); f("endpointConfig", v.endpoint_config); f("operations", v.operations);
    f("scopes", v.scopes); f("enableBackendJwt", v.enable_backend_jwt); f("apiPolicies", v.api_policies);
    f("cors", v.cors); f("responseCaching", v.response_caching); f("cacheTimeoutS", v.cache_timeout_s);
    f("cacheKeyHeaders", v.cache_key_headers); f("enableSchemaValidation", v.enable_schema_validation);
    f("enableResponseValidation", v.enable_response_validation); f("serviceInfo", v.service_info);
    f("openapiDefinition", v.openapi_definition); f("authorizationHeader", v.authorization_header);
    f("productApis", v.product_apis); f("categories", v.categories);
    f("additionalProperties", v.additional_properties); f("businessInformation", v.business_information);
    f("hasThumbnail", v.has_thumbnail); f("createdTime", v.created_time);
    f("lastUpdatedTime", v.last_updated_time);
  } else if constexpr (std::is_same_v<U, domain::DeployedApi>) {
    f("apiId", v.api_id); f("revisionId", v.revision_id); f("deployment", v.deployment); f("api", v.api);
  } else if constexpr (std::is_same_v<U, domain::Application>) {
    f("id", v.id); f("name", v.name); f("owner", v.owner); f("throttlingPolicy", v.throttling_policy);
    f("description", v.description); f("tokenType", v.token_type); f("status", v.status);
    f("createdTime", v.created_time); f("updatedTime", v.updated_time);
  } else if constexpr (std::is_same_v<U, domain::KeyMapping>) {
    // consumer_secret_hash stays on the control plane: never written.
    f("id", v.id); f("applicationId", v.application_id); f("keyType", v.key_type);
    f("consumerKey", v.consumer_key); f("grantTypes", v.grant_types); f("callbackUrl", v.callback_url);
    f("validitySeconds", v.validity_seconds); f("createdTime", v.created_time); f("keyManager", v.key_manager);
  } else if constexpr (std::is_same_v<U, domain::ExternalKeyManager>) {
    f("id", v.id); f("name", v.name); f("displayName", v.display_name); f("type", v.type);
    f("description", v.description); f("issuer", v.issuer); f("jwksUrl", v.jwks_url);
    f("consumerKeyClaim", v.consumer_key_claim); f("scopesClaim", v.scopes_claim); f("enabled", v.enabled);
    f("jwks", v.jwks); f("jwksFetchedTime", v.jwks_fetched_time); f("createdTime", v.created_time);
  } else if constexpr (std::is_same_v<U, domain::Subscription>) {
    f("id", v.id); f("applicationId", v.application_id); f("apiId", v.api_id);
    f("throttlingPolicy", v.throttling_policy); f("status", v.status); f("createdTime", v.created_time);
  } else if constexpr (std::is_same_v<U, domain::RevokedToken>) {
    f("jti", v.jti); f("expiresAt", v.expires_at);
  } else if constexpr (std::is_same_v<U, domain::ThrottleLimit>) {
    f("type", v.type); f("timeUnit", v.time_unit); f("unitTime", v.unit_time); f("requestCount", v.request_count);
    f("dataAmount", v.data_amount); f("dataUnit", v.data_unit);
  } else if constexpr (std::is_same_v<U, domain::ThrottleCondition>) {
    f("type", v.type); f("invert", v.invert); f("name", v.name); f("value", v.value);
    f("ipConditionType", v.ip_condition_type); f("specificIp", v.specific_ip); f("startingIp", v.starting_ip);
    f("endingIp", v.ending_ip);
  } else if constexpr (std::is_same_v<U, domain::ConditionalGroup>) {
    f("description", v.description); f("conditions", v.conditions); f("limit", v.limit);
  } else if constexpr (std::is_same_v<U, domain::CustomRuleMatch>) {
    f("apiContext", v.api_context); f("apiVersion", v.api_version); f("userId", v.user_id); f("appId", v.app_id);
    f("clientIp", v.client_ip); f("headers", v.headers);
  } else if constexpr (std::is_same_v<U, domain::ThrottlePolicy>) {
    f("id", v.id); f("level", v.level); f("name", v.name); f("displayName", v.display_name);
    f("description", v.description); f("unlimited", v.unlimited); f("limit", v.limit);
    f("rateLimitCount", v.rate_limit_count); f("rateLimitTimeUnit", v.rate_limit_time_unit);
    f("stopOnQuotaReach", v.stop_on_quota_reach); f("billingPlan", v.billing_plan);
    f("conditionalGroups", v.conditional_groups); f("match", v.match); f("keyTemplate", v.key_template);
    f("siddhiQuery", v.siddhi_query);
  } else if constexpr (std::is_same_v<U, domain::BlockCondition>) {
    f("id", v.id); f("type", v.type); f("value", v.value); f("fixedIp", v.fixed_ip);
    f("startingIp", v.starting_ip); f("endingIp", v.ending_ip); f("invert", v.invert); f("enabled", v.enabled);
    f("createdTime", v.created_time);
  } else if constexpr (std::is_same_v<U, domain::EndpointCertificate>) {
    f("alias", v.alias); f("endpoint", v.endpoint); f("pem", v.pem); f("createdTime", v.created_time);
  } else if constexpr (std::is_same_v<U, domain::ClientCertificate>) {
    f("apiId", v.api_id); f("keyType", v.key_type); f("alias", v.alias); f("tier", v.tier); f("pem", v.pem);
    f("createdTime", v.created_time);
  } else if constexpr (std::is_same_v<U, domain::SecurityState>) {
    f("applications", v.applications); f("keyMappings", v.key_mappings); f("subscriptions", v.subscriptions);
    f("revokedTokens", v.revoked_tokens); f("publicJwks", v.public_jwks);
    f("externalKeyManagers", v.external_key_managers); f("policies", v.policies);
    f("blockConditions", v.block_conditions); f("environmentType", v.environment_type);
    f("gatewayPolicies", v.gateway_policies); f("endpointCertificates", v.endpoint_certificates);
    f("clientCertificates", v.client_certificates);
  } else if constexpr (std::is_same_v<U, domain::ApiChange>) {
    f("apiId", v.api_id); f("deployed", v.deployed); f("deleted", v.deleted);
  } else if constexpr (std::is_same_v<U, domain::ApplicationChange>) {
    f("id", v.id); f("application", v.application);
  } else if constexpr (std::is_same_v<U, domain::KeysChange>) {
    f("applicationId", v.application_id); f("keys", v.keys);
  } else if constexpr (std::is_same_v<U, domain::SubscriptionChange>) {
    f("id", v.id); f("subscription", v.subscription); f("applicationId", v.application_id); f("apiId", v.api_id);
  } else if constexpr (std::is_same_v<U, domain::TokenRevoked>) {
    f("token", v.token);
  } else if constexpr (std::is_same_v<U, domain::ThrottleReset>) {
    f("applicationId", v.application_id); f("user", v.user);
  } else if constexpr (std::is_same_v<U, domain::PoliciesChange>) {
    f("policies", v.policies); f("blockConditions", v.block_conditions);
  } else if constexpr (std::is_same_v<U, domain::SigningKeysChange>) {
    f("publicJwks", v.public_jwks);
  } else if constexpr (std::is_same_v<U, domain::KeyManagersChange>) {
    f("keyManagers", v.key_managers);
  } else if constexpr (std::is_same_v<U, domain::EnvironmentChange>) {
    f("type", v.type);
  } else if constexpr (std::is_same_v<U, domain::GatewayPoliciesChange>) {
    f("flows", v.flows);
  } else if constexpr (std::is_same_v<U, domain::CertificatesChange>) {
    f("endpointCertificates", v.endpoint_certificates); f("clientCertificates", v.client_certificates);
  } else {
    static_assert(!sizeof(U), "no wire form for this type");
  }
}

// The wire name of each ConfigChange alternative (its "kind"); the order is the variant's.
constexpr std::string_view kChangeKinds[] = {"api",         "application",     "keys",        "subscription",
                                             "tokenRevoked", "policies",       "signingKeys", "keyManagers",
                                             "environment", "throttleReset",   "gatewayPolicies", "certificates"};
static_assert(std::size(kChangeKinds) == std::variant_size_v<domain::ConfigChange>,
              "every ConfigChange alternative needs a wire kind");

json::value change_value(const domain::ConfigChange& change) {
  json::object o = std::visit([](const auto& c) { return to_value(c); }, change).as_object();
  o["kind"] = kChangeKinds[change.index()];
  return o;
}

template <std::size_t I = 0>
domain::ConfigChange change_of_kind(std::size_t index, const json::value& j) {
  if constexpr (I == std::variant_size_v<domain::ConfigChange>) {
    bad("unknown change kind");
  } else {
    if (index != I) return change_of_kind<I + 1>(index, j);
    std::variant_alternative_t<I, domain::ConfigChange> c;
    from_value(j, c);
    return c;
  }
}

domain::ConfigChange change_from(const json::value& j) {
  if (!j.is_object()) bad("a change must be an object");
  const json::value* kind = j.get_object().if_contains("kind");
  if (!kind || !kind->is_string()) bad("a change has no kind");
  for (std::size_t i = 0; i < std::size(kChangeKinds); ++i)
    if (kChangeKinds[i] == kind->get_string()) return change_of_kind(i, j);
  bad("unknown change kind '" + std::string(kind->get_string()) + "'");
}

std::string line(const json::object& o) {
  std::string s = json::serialize(o);
  s.push_back('\n');
  return s;
}

json::object parse_object(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) bad("not JSON: " + ec.message());
  if (!v.is_object()) bad("a line must be an object");
  return std::move(v.as_object());
}

std::string type_of(const json::object& o) {
  const json::value* t = o.if_contains("type");
  if (!t || !t->is_string()) bad("a line has no type");
  return std::string(t->get_string());
}

template <class T>
T member(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (!v) bad("missing '" + std::string(name) + "'");
  T out{};
  from_value(*v, out);
  return out;
}

}  // namespace

std::string encode_snapshot_head(const SnapshotHead& head) {
  json::object o;
  o["type"] = "snapshot";
  o["format"] = kFeedFormat;
  o["revision"] = head.revision;
  o["environment"] = head.environment;
  o["apis"] = to_value(head.apis);
  json::object security = to_value(head.security).as_object();
  security.erase("subscriptions");  // they follow in chunks
  o["security"] = std::move(security);
  return line(o);
}

std::string encode_subscriptions(const std::vector<domain::Subscription>& chunk) {
  return line(json::object{{"type", "subscriptions"}, {"items", to_value(chunk)}});
}

std::string encode_snapshot_end(std::uint64_t subscriptions) {
  return line(json::object{{"type", "end"}, {"subscriptions", subscriptions}});
}

std::string encode_batch(std::int64_t from, std::int64_t revision, const std::vector<domain::ConfigChange>& changes) {
  json::array a;
  a.reserve(changes.size());
  for (const auto& c : changes) a.push_back(change_value(c));
  return line(json::object{{"type", "batch"}, {"from", from}, {"revision", revision}, {"changes", std::move(a)}});
}

std::string encode_heartbeat(std::int64_t revision) {
  return line(json::object{{"type", "heartbeat"}, {"revision", revision}});
}

std::string encode_resnapshot(std::int64_t revision, std::string_view reason) {
  return line(json::object{{"type", "resnapshot"}, {"revision", revision}, {"reason", reason}});
}

SnapshotLine decode_snapshot_line(std::string_view text) {
  const json::object o = parse_object(text);
  const std::string type = type_of(o);
  SnapshotLine out;
  if (type == "snapshot") {
    if (member<int>(o, "format") != kFeedFormat) bad("snapshot format " + std::to_string(member<int>(o, "format")) +
                                                     " is not " + std::to_string(kFeedFormat));
    out.kind = SnapshotLine::Kind::kHead;
    out.head.revision = member<std::int64_t>(o, "revision");
    out.head.environment = member<std::string>(o, "environment");
    out.head.apis = member<std::vector<domain::DeployedApi>>(o, "apis");
    out.head.security = member<domain::SecurityState>(o, "security");
  } else if (type == "subscriptions") {
    out.kind = SnapshotLine::Kind::kSubscriptions;
    out.subscriptions = member<std::vector<domain::Subscription>>(o, "items");
  } else if (type == "end") {
    out.kind = SnapshotLine::Kind::kEnd;
    out.count = member<std::uint64_t>(o, "subscriptions");
  } else {
    bad("unknown snapshot line type '" + type + "'");
  }
  return out;
}

FeedMessage decode_message(std::string_view text) {
  const json::object o = parse_object(text);
  const std::string type = type_of(o);
  FeedMessage m;
  m.revision = member<std::int64_t>(o, "revision");
  if (type == "batch") {
    m.kind = FeedMessage::Kind::kBatch;
    m.from = member<std::int64_t>(o, "from");
    const json::value* changes = o.if_contains("changes");
    if (!changes || !changes->is_array()) bad("a batch has no changes");
    m.changes.reserve(changes->get_array().size());
    for (const auto& c : changes->get_array()) m.changes.push_back(change_from(c));
    if (m.from >= m.revision) bad("a batch must end after the revision it follows");
  } else if (type == "heartbeat") {
    m.kind = FeedMessage::Kind::kHeartbeat;
  } else if (type == "resnapshot") {
    m.kind = FeedMessage::Kind::kResnapshot;
    if (const json::value* r = o.if_contains("reason"); r && r->is_string()) m.reason = std::string(r->get_string());
  } else {
    bad("unknown message type '" + type + "'");
  }
  return m;
}

std::string encode_change(const domain::ConfigChange& change) { return json::serialize(change_value(change)); }

domain::ConfigChange decode_change(std::string_view text) { return change_from(json::value(parse_object(text))); }

std::string encode_deployed_api(const domain::DeployedApi& api) { return json::serialize(to_value(api)); }

domain::DeployedApi decode_deployed_api(std::string_view text) {
  domain::DeployedApi d;
  from_value(json::value(parse_object(text)), d);
  return d;
}

std::string encode_security_state(const domain::SecurityState& security) {
  return json::serialize(to_value(security));
}

domain::SecurityState decode_security_state(std::string_view text) {
  domain::SecurityState s;
  from_value(json::value(parse_object(text)), s);
  return s;
}

}  // namespace archway::sync
