#include "domain/api_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "common/clock.h"
#include "common/json.h"
#include "common/problem.h"
#include "common/strings.h"
#include "domain/mediation_json.h"

namespace archway::domain {

namespace json = boost::json;
using common::opt_array;
using common::opt_bool;
using common::opt_int;
using common::opt_object;
using common::opt_string;

namespace {

std::vector<std::string> string_list(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const json::array* a = opt_array(o, key, key);
  if (!a) return out;
  for (std::size_t i = 0; i < a->size(); ++i) {
    if (!(*a)[i].is_string())
      throw common::ProblemError(
          common::Problem::bad_request(fmt::format("'{}[{}]' must be a string", key, i)));
    out.emplace_back((*a)[i].get_string());
  }
  return out;
}

json::array to_array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

[[noreturn]] void bad_endpoint(std::string description) {
  throw common::ProblemError(common::Problem::bad_request(std::move(description)));
}

// A number of the endpoint "config": absent, null or "" (the product's UI sends empty strings)
// leave `fallback`; otherwise an integer (or a numeric string) within [lo, hi].
std::int64_t config_int(const json::object& c, std::string_view key, const std::string& path,
                        std::int64_t lo, std::int64_t hi, std::int64_t fallback) {
  const json::value* v = c.if_contains(key);
  if (!v || v->is_null() || (v->is_string() && v->get_string().empty())) return fallback;
  const std::string field = path + "." + std::string(key);
  std::int64_t n = 0;
  if (v->is_double()) {
    const double d = v->get_double();
    if (d != static_cast<double>(static_cast<std::int64_t>(d)))
      bad_endpoint(fmt::format("'{}' must be an integer", field));
    n = static_cast<std::int64_t>(d);
  } else {
    n = *opt_int(c, key, field);
  }
  if (n < lo || n > hi)
    bad_endpoint(fmt::format("'{}' must be between {} and {}, got {}", field, lo, hi, n));
  return n;
}

// The failures retryErroCode / suspendErrorCode may name: 5xx statuses and the transport codes.
std::vector<int> config_codes(const json::object& c, std::string_view key, const std::string& path) {
  std::vector<int> out;
  const json::value* v = c.if_contains(key);
  if (!v || v->is_null()) return out;
  const std::string field = path + "." + std::string(key);
  std::vector<json::value> items;
  if (v->is_array()) {
    items.assign(v->get_array().begin(), v->get_array().end());
  } else if (v->is_string()) {  // "101503,101504"
    std::string_view rest = v->get_string();
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      std::string_view tok = rest.substr(0, comma);
      while (!tok.empty() && tok.front() == ' ') tok.remove_prefix(1);
      while (!tok.empty() && tok.back() == ' ') tok.remove_suffix(1);
      if (!tok.empty()) items.emplace_back(json::string(tok));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  } else {
    bad_endpoint(fmt::format("'{}' must be an array of error codes", field));
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    const json::value& item = items[i];
    std::int64_t n = -1;
    if (item.is_int64()) n = item.get_int64();
    else if (item.is_uint64()) n = static_cast<std::int64_t>(std::min<std::uint64_t>(item.get_uint64(), 1u << 30));
    else if (item.is_string()) {
      const std::string t(item.get_string());
      if (!t.empty() && t.size() < 10 && std::all_of(t.begin(), t.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
        n = std::stoll(t);
    }
    const bool known = (n >= 500 && n <= 599) || n == kCodeConnectFailed || n == kCodeTimedOut ||
                       n == kCodeConnectionClosed;
    if (!known)
      bad_endpoint(fmt::format("'{}[{}]' must be an HTTP status 500-599 or one of {}, {}, {}, got {}", field, i,
                               kCodeConnectFailed, kCodeTimedOut, kCodeConnectionClosed, json::serialize(item)));
    out.push_back(static_cast<int>(n));
  }
  return out;
}

// The endpoint "config" object: timeouts, retries and suspension, each field checked and named.
void endpoint_settings_from(const json::object& c, const std::string& path, Endpoint& e) {
  constexpr std::int64_t kHour = 3600000, kDay = 86400000;
  if (const std::int64_t t = config_int(c, "actionDuration", path, 1, kHour, 0)) e.timeout_ms = t;
  if (const std::int64_t t = config_int(c, "connectTimeout", path, 1, 600000, 0)) e.connect_timeout_ms = t;
  e.retry_count = config_int(c, "retryCount", path, 0, 10, 0);
  e.retry_delay_ms = config_int(c, "retryDelay", path, 0, 60000, 0);
  e.retry_codes = config_codes(c, "retryErroCode", path);
  e.suspend_codes = config_codes(c, "suspendErrorCode", path);
  e.retries_before_suspension = config_int(c, "retryTimeOut", path, 0, 1000, 0);
  // The product turns suspension off with -1 or 0.
  e.suspend_duration_ms = std::max<std::int64_t>(0, config_int(c, "suspendDuration", path, -1, kDay, 0));
  e.suspend_max_duration_ms = std::max<std::int64_t>(0, config_int(c, "suspendMaxDuration", path, -1, kDay, 0));
  if (e.suspend_max_duration_ms && e.suspend_max_duration_ms < e.suspend_duration_ms)
    bad_endpoint(fmt::format("'{}.suspendMaxDuration' must not be less than '{}.suspendDuration'", path, path));
  if (const json::value* f = c.if_contains("factor"); f && !f->is_null() && !(f->is_string() && f->get_string().empty())) {
    double d = 0;
    if (f->is_double()) d = f->get_double();
    else if (f->is_int64()) d = static_cast<double>(f->get_int64());
    else if (f->is_uint64()) d = static_cast<double>(f->get_uint64());
    else if (f->is_string()) {
      try {
        std::size_t used = 0;
        const std::string t(f->get_string());
        d = std::stod(t, &used);
        if (used != t.size()) d = 0;
      } catch (const std::exception&) {
        d = 0;
      }
    }
    if (!(d >= 1.0 && d <= 100.0)) bad_endpoint(fmt::format("'{}.factor' must be a number between 1 and 100", path));
    e.factor = d;
  }
}

std::string upper(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

// endpoint_security.production / .sandbox: shape and type checked here; a missing secret is the
// publisher's to judge, since an update may keep the stored one by sending it empty.
std::optional<EndpointSecurity> endpoint_security_from(const json::object& es, std::string_view side) {
  const std::string path = "endpointConfig.endpoint_security." + std::string(side);
  const json::object* o = opt_object(es, side, path);
  if (!o) return std::nullopt;
  EndpointSecurity s;
  s.enabled = opt_bool(*o, "enabled", path + ".enabled").value_or(true);
  s.type = upper(opt_string(*o, "type", path + ".type").value_or(""));
  if (!s.enabled) return s;
  if (s.type != "BASIC" && s.type != "DIGEST" && s.type != "APIKEY" && s.type != "OAUTH")
    bad_endpoint(fmt::format("'{}.type' must be BASIC, DIGEST, APIKEY or OAUTH, got '{}'", path, s.type));
  s.username = opt_string(*o, "username", path + ".username").value_or("");
  s.password = opt_string(*o, "password", path + ".password").value_or("");
  s.api_key_identifier = opt_string(*o, "apiKeyIdentifier", path + ".apiKeyIdentifier").value_or("");
  s.api_key_value = opt_string(*o, "apiKeyValue", path + ".apiKeyValue").value_or("");
  s.api_key_in = upper(opt_string(*o, "apiKeyIdentifierType", path + ".apiKeyIdentifierType").value_or("HEADER"));
  if (s.type == "BASIC" || s.type == "DIGEST") {
    if (s.username.empty()) bad_endpoint(fmt::format("'{}.username' is required for {}", path, s.type));
    if (s.username.find(':') != std::string::npos)
      bad_endpoint(fmt::format("'{}.username' must not contain ':'", path));
  } else if (s.type == "OAUTH") {
    s.grant_type = upper(opt_string(*o, "grantType", path + ".grantType").value_or(""));
    s.token_url = opt_string(*o, "tokenUrl", path + ".tokenUrl").value_or("");
    s.client_id = opt_string(*o, "clientId", path + ".clientId").value_or("");
    s.client_secret = opt_string(*o, "clientSecret", path + ".clientSecret").value_or("");
    if (s.grant_type != "CLIENT_CREDENTIALS" && s.grant_type != "PASSWORD")
      bad_endpoint(fmt::format("'{}.grantType' must be CLIENT_CREDENTIALS or PASSWORD for OAUTH, got '{}'", path,
                               s.grant_type));
    std::string why;
    if (s.token_url.empty()) bad_endpoint(fmt::format("'{}.tokenUrl' is required for OAUTH", path));
    if (!parse_backend_url(s.token_url, &why))
      bad_endpoint(fmt::format("'{}.tokenUrl' is not an http(s) URL: {}", path, why));
    if (s.client_id.empty()) bad_endpoint(fmt::format("'{}.clientId' is required for OAUTH", path));
    if (s.client_id.find(':') != std::string::npos)
      bad_endpoint(fmt::format("'{}.clientId' must not contain ':'", path));
    if (s.grant_type == "PASSWORD" && s.username.empty())
      bad_endpoint(fmt::format("'{}.username' is required for the PASSWORD grant", path));
    if (const json::object* cp = opt_object(*o, "customParameters", path + ".customParameters"))
      for (const auto& [k, v] : *cp) {
        if (!v.is_string())
          bad_endpoint(fmt::format("'{}.customParameters.{}' must be a string", path, std::string(k)));
        if (k.empty()) bad_endpoint(fmt::format("'{}.customParameters' names must not be empty", path));
        s.custom_parameters.emplace_back(std::string(k), std::string(v.get_string()));
      }
  } else {
    if (s.api_key_identifier.empty())
      bad_endpoint(fmt::format("'{}.apiKeyIdentifier' is required for APIKEY", path));
    if (!std::all_of(s.api_key_identifier.begin(), s.api_key_identifier.end(), [](unsigned char ch) {
          return std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.';
        }))
      bad_endpoint(fmt::format("'{}.apiKeyIdentifier' may hold only letters, digits, '-', '_' and '.'", path));
    if (s.api_key_in != "HEADER" && s.api_key_in != "QUERY_PARAMETER")
      bad_endpoint(fmt::format("'{}.apiKeyIdentifierType' must be HEADER or QUERY_PARAMETER, got '{}'", path,
                               s.api_key_in));
  }
  for (const std::string* v : {&s.password, &s.api_key_value, &s.username, &s.client_id, &s.client_secret})
    if (v->find_first_of("\r\n") != std::string::npos)
      bad_endpoint(fmt::format("'{}' values must not contain line breaks", path));
  return s;
}

std::optional<Endpoint> endpoint_from(const json::object& cfg, std::string_view key) {
  const auto path = std::string(key);
  auto it = cfg.find(key);
  if (it == cfg.end() || it->value().is_null()) return std::nullopt;
  const json::object* obj = nullptr;
  if (it->value().is_array()) {  // load_balance/failover lists: the first one serves until those land
    const auto& a = it->value().get_array();
    if (a.empty()) return std::nullopt;
    obj = &common::as_object(a[0], path + "[0]");
  } else {
    obj = &common::as_object(it->value(), path);
  }
  Endpoint e;
  auto url = opt_string(*obj, "url", path + ".url");
  if (!url) return std::nullopt;
  e.url = *url;
  if (const json::object* c = opt_object(*obj, "config", path + ".config"))
    endpoint_settings_from(*c, "endpointConfig." + path + ".config", e);
  return e;
}

// One member of a load_balance or failover group, checked here so the field is named exactly.
Endpoint group_member(const json::value& v, const std::string& path, bool weighted) {
  const json::object& obj = common::as_object(v, path);
  Endpoint e;
  auto url = opt_string(obj, "url", path + ".url");
  if (!url) bad_endpoint(fmt::format("'{}.url' is required", path));
  std::string why;
  if (!valid_endpoint_url(*url, &why))
    bad_endpoint(fmt::format("'{}.url' {}: '{}'", path, why, *url));
  e.url = *url;
  if (const json::object* c = opt_object(obj, "config", path + ".config"))
    endpoint_settings_from(*c, path + ".config", e);
  if (obj.contains("weight")) {
    if (!weighted)
      bad_endpoint(fmt::format("'{}.weight' applies to load_balance endpoints only", path));
    const json::value& w = obj.at("weight");
    if (!w.is_int64() && !w.is_uint64())
      bad_endpoint(fmt::format("'{}.weight' must be an integer between 1 and 1000", path));
    const std::int64_t n =
        w.is_int64() ? w.get_int64()
                     : static_cast<std::int64_t>(std::min<std::uint64_t>(w.get_uint64(), 1001));
    if (n < 1 || n > 1000)
      bad_endpoint(
          fmt::format("'{}.weight' must be an integer between 1 and 1000, got {}", path, n));
    e.weight = n;
  }
  return e;
}

// A list of endpoints: absent or null gives none; anything but a non-empty array is refused.
std::vector<Endpoint> endpoint_list(const json::object& cfg, std::string_view key, bool weighted) {
  const std::string path = "endpointConfig." + std::string(key);
  std::vector<Endpoint> out;
  const json::value* v = cfg.if_contains(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) bad_endpoint(fmt::format("'{}' must be an array of endpoints", path));
  const json::array& a = v->get_array();
  if (a.empty()) bad_endpoint(fmt::format("'{}' must list at least one endpoint", path));
  if (a.size() > 100) bad_endpoint(fmt::format("'{}' may list at most 100 endpoints", path));
  for (std::size_t i = 0; i < a.size(); ++i)
    out.push_back(group_member(a[i], fmt::format("{}[{}]", path, i), weighted));
  return out;
}

// The failover primary: one endpoint object (absent or null: none).
std::vector<Endpoint> failover_group(const json::object& cfg, std::string_view key,
                                     std::string_view failovers) {
  const std::string path = "endpointConfig." + std::string(key);
  std::vector<Endpoint> out;
  const json::value* v = cfg.if_contains(key);
  if (v && !v->is_null()) {
    if (!v->is_object())
      bad_endpoint(fmt::format("'{}' must be one endpoint object for failover", path));
    out.push_back(group_member(*v, path, false));
  }
  std::vector<Endpoint> rest = endpoint_list(cfg, failovers, false);
  if (!rest.empty() && out.empty())
    bad_endpoint(fmt::format("'endpointConfig.{}' needs a primary in '{}'", failovers, path));
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

// One side of the product's maxTps object: requests per second, absent or null for none.
std::int64_t max_tps_from(const json::object& tps, std::string_view key) {
  const std::string path = "maxTps." + std::string(key);
  const std::int64_t n = opt_int(tps, key, path).value_or(0);
  if (n < 0)
    throw common::ProblemError(
        common::Problem::bad_request(fmt::format("'{}' must be a non-negative integer, got {}", path, n)));
  return n;
}

void check_cache_timeout(std::int64_t v, const std::string& field) {
  if (v < 1 || v > 31536000)
    throw common::ProblemError(common::Problem::bad_request(
        fmt::format("'{}' must be between 1 and 31536000 seconds, got {}", field, v)));
}

Operation operation_from_json(const json::value& v, const std::string& p) {
  const json::object& op = common::as_object(v, p);
  Operation x;
  x.id = opt_string(op, "id", p + ".id").value_or("");
  x.target = opt_string(op, "target", p + ".target").value_or("");
  x.verb = opt_string(op, "verb", p + ".verb").value_or("");
  if (auto s = opt_string(op, "authType", p + ".authType")) x.auth_type = *s;
  if (auto s = opt_string(op, "throttlingPolicy", p + ".throttlingPolicy")) x.throttling_policy = *s;
  if (const json::array* sc = opt_array(op, "scopes", p + ".scopes")) {
    for (const auto& s : *sc) {
      if (s.is_string()) x.scopes.emplace_back(s.get_string());
      else if (s.is_object() && s.get_object().contains("name") && s.get_object().at("name").is_string())
        x.scopes.emplace_back(s.get_object().at("name").get_string());
      else
        throw common::ProblemError(common::Problem::bad_request(
            fmt::format("'{}.scopes' must hold scope names", p)));
    }
  }
  if (const json::value* pol = op.if_contains("operationPolicies"))
    x.policies = policy_flows_from_json(*pol, p + ".operationPolicies");
  x.response_caching = opt_bool(op, "responseCachingEnabled", p + ".responseCachingEnabled");
  x.cache_timeout_s = opt_int(op, "cacheTimeout", p + ".cacheTimeout");
  if (x.cache_timeout_s) check_cache_timeout(*x.cache_timeout_s, p + ".cacheTimeout");
  return x;
}

// The product's additionalProperties ([{name, value, display}]) or, when absent, its
// additionalPropertiesMap ({name: {name, value, display}}). Names are unique, without spaces and
// not one of the names the product reserves for its own search keys.
std::vector<AdditionalProperty> additional_properties_from(const json::object& o) {
  std::vector<json::object> items;
  std::vector<std::string> paths;
  if (const json::array* list = opt_array(o, "additionalProperties", "additionalProperties")) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      paths.push_back(fmt::format("additionalProperties[{}]", i));
      items.push_back(common::as_object((*list)[i], paths.back()));
    }
  } else if (const json::object* map = opt_object(o, "additionalPropertiesMap", "additionalPropertiesMap")) {
    for (const auto& [key, v] : *map) {
      paths.push_back(fmt::format("additionalPropertiesMap.{}", std::string_view(key)));
      json::object item = common::as_object(v, paths.back());
      if (!item.contains("name")) item["name"] = key;
      items.push_back(std::move(item));
    }
  }
  static constexpr std::string_view kReserved[] = {"provider", "version", "context", "status", "description",
                                                   "subcontext", "doc", "lcstate", "name", "tags"};
  std::vector<AdditionalProperty> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string& p = paths[i];
    AdditionalProperty ap;
    ap.name = opt_string(items[i], "name", p + ".name").value_or("");
    ap.value = opt_string(items[i], "value", p + ".value").value_or("");
    ap.display = opt_bool(items[i], "display", p + ".display").value_or(false);
    auto bad = [&](std::string_view why) {
      throw common::ProblemError(common::Problem::bad_request(fmt::format("'{}.name' {}", p, why)));
    };
    if (ap.name.empty() || ap.name.size() > 100) bad("must have 1 to 100 characters");
    if (ap.name.find_first_of(" \t\r\n") != std::string::npos) bad("must not contain white space");
    if (std::find(std::begin(kReserved), std::end(kReserved), ap.name) != std::end(kReserved))
      bad(fmt::format("'{}' is a reserved name", ap.name));
    if (ap.value.size() > 2048)
      throw common::ProblemError(common::Problem::bad_request(fmt::format("'{}.value' must be at most 2048 characters", p)));
    for (const auto& prior : out)
      if (prior.name == ap.name) bad(fmt::format("'{}' is given twice", ap.name));
    out.push_back(std::move(ap));
  }
  return out;
}

json::array additional_properties_to_json(const std::vector<AdditionalProperty>& props, bool displayed_only) {
  json::array out;
  for (const auto& ap : props)
    if (!displayed_only || ap.display)
      out.push_back(json::object{{"name", ap.name}, {"value", ap.value}, {"display", ap.display}});
  return out;
}

json::object operation_to_json(const Operation& op) {
  json::object x;
  x["id"] = op.id;
  x["target"] = op.target;
  x["verb"] = op.verb;
  x["authType"] = op.auth_type;
  x["throttlingPolicy"] = op.throttling_policy;
  x["scopes"] = to_array(op.scopes);
  x["operationPolicies"] = policy_flows_to_json(op.policies);
  x["responseCachingEnabled"] = op.response_caching ? json::value(*op.response_caching) : json::value(nullptr);
  x["cacheTimeout"] = op.cache_timeout_s ? json::value(*op.cache_timeout_s) : json::value(nullptr);
  return x;
}

// The product's ProductAPI: {name, apiId, version, operations}.
json::object product_api_to_json(const ProductApi& pa) {
  json::array ops;
  for (const auto& op : pa.operations) ops.emplace_back(operation_to_json(op));
  return json::object{{"name", pa.name},
                      {"apiId", pa.api_id},
                      {"version", pa.version},
                      {"operations", std::move(ops)}};
}

}  // namespace

boost::json::array displayed_properties_json(const Api& api) {
  return additional_properties_to_json(api.additional_properties, true);
}

boost::json::object api_to_public_json(const Api& api) {
  json::object o = api_to_json(api);
  // The rest of the product's API object: what holds for every API of this server (one tenant, no
  // monetization, no WSDL or WebSub, the gateway's fixed API key header, every key manager accepted).
  json::object map;
  for (const auto& ap : api.additional_properties)
    map[ap.name] = json::object{{"name", ap.name}, {"value", ap.value}, {"display", ap.display}};
  o["additionalProperties"] = additional_properties_to_json(api.additional_properties, false);
  o["additionalPropertiesMap"] = std::move(map);
  if (!o.contains("serviceInfo")) o["serviceInfo"] = nullptr;
  o["audience"] = nullptr;
  o["isRevision"] = false;
  o["revisionedApiId"] = nullptr;
  o["revisionId"] = 0;
  o["wsdlInfo"] = nullptr;
  o["wsdlUrl"] = nullptr;
  o["enableSubscriberVerification"] = false;
  o["apiKeyHeader"] = "apikey";
  if (!o.contains("authorizationHeader")) o["authorizationHeader"] = "Authorization";
  o["organizationPolicies"] = json::array();
  o["visibleTenants"] = json::array();
  o["visibleOrganizations"] = json::array();
  o["subscriptionAvailability"] = "CURRENT_TENANT";
  o["subscriptionAvailableTenants"] = json::array();
  o["mediationPolicies"] = json::array();
  o["monetization"] = json::object{{"enabled", false}, {"properties", json::object()}};
  o["websubSubscriptionConfiguration"] = nullptr;
  o["workflowStatus"] = nullptr;
  o["lastUpdatedTimestamp"] = api.last_updated_time ? json::value(std::to_string(api.last_updated_time)) : nullptr;
  o["endpointImplementationType"] = "ENDPOINT";
  o["threatProtectionPolicies"] = nullptr;
  o["keyManagers"] = json::array{"all"};
  o["advertiseInfo"] = json::object{{"advertised", false}};
  o["gatewayVendor"] = "wso2";
  o["gatewayType"] = "wso2/synapse";
  o["asyncTransportProtocols"] = json::array();
  if (auto* ec = o.if_contains("endpointConfig"); ec && ec->is_object())
    if (auto* es = ec->get_object().if_contains("endpoint_security"); es && es->is_object())
      for (auto& side : es->get_object())
        if (side.value().is_object())
          for (std::string_view secret : {"password", "apiKeyValue", "clientSecret"})
            if (auto* v = side.value().get_object().if_contains(secret); v && v->is_string()) *v = "";
  return o;
}

EndpointConfig endpoint_config_from_json(const json::object& o) {
  EndpointConfig ec;
  ec.raw = o;
  ec.endpoint_type = opt_string(o, "endpoint_type", "endpointConfig.endpoint_type").value_or("http");
  if (const json::object* es = opt_object(o, "endpoint_security", "endpointConfig.endpoint_security")) {
    ec.production_security = endpoint_security_from(*es, "production");
    ec.sandbox_security = endpoint_security_from(*es, "sandbox");
  }
  if (ec.endpoint_type == "INLINE") return ec;  // the gateway answers with each operation's mock
  if (ec.endpoint_type == "http") {
    ec.production = endpoint_from(o, "production_endpoints");
    ec.sandbox = endpoint_from(o, "sandbox_endpoints");
    return ec;
  }
  if (ec.endpoint_type == "load_balance") {
    const std::string algo =
        opt_string(o, "algoCombo", "endpointConfig.algoCombo").value_or(std::string(kRoundRobin));
    if (algo != kRoundRobin)
      bad_endpoint(fmt::format("'endpointConfig.algoCombo' '{}' is not supported; use '{}'", algo,
                               kRoundRobin));
    ec.production_group = endpoint_list(o, "production_endpoints", true);
    ec.sandbox_group = endpoint_list(o, "sandbox_endpoints", true);
  } else if (ec.endpoint_type == "failover") {
    ec.production_group = failover_group(o, "production_endpoints", "production_failovers");
    ec.sandbox_group = failover_group(o, "sandbox_endpoints", "sandbox_failovers");
  } else {
    bad_endpoint(fmt::format(
        "'endpointConfig.endpoint_type' must be http, load_balance, failover or INLINE, got '{}'",
        ec.endpoint_type));
  }
  if (!ec.production_group.empty()) ec.production = ec.production_group.front();
  if (!ec.sandbox_group.empty()) ec.sandbox = ec.sandbox_group.front();
  return ec;
}

Api api_from_json(const json::object& o) {
  Api api;
  api.id = opt_string(o, "id", "id").value_or("");
  api.name = opt_string(o, "name", "name").value_or("");
  api.description = opt_string(o, "description", "description").value_or("");
  api.context = opt_string(o, "context", "context").value_or("");
  api.version = opt_string(o, "version", "version").value_or("");
  api.provider = opt_string(o, "provider", "provider").value_or("");
  if (auto s = opt_string(o, "lifeCycleStatus", "lifeCycleStatus")) api.lifecycle_status = *s;
  api.is_default_version = opt_bool(o, "isDefaultVersion", "isDefaultVersion").value_or(false);
  if (auto s = opt_string(o, "type", "type")) api.type = *s;
  if (o.contains("transport")) api.transport = string_list(o, "transport");
  api.tags = string_list(o, "tags");
  api.policies = string_list(o, "policies");
  api.api_throttling_policy = opt_string(o, "apiThrottlingPolicy", "apiThrottlingPolicy").value_or("");
  if (const json::object* tps = opt_object(o, "maxTps", "maxTps")) {
    api.max_tps_production = max_tps_from(*tps, "production");
    api.max_tps_sandbox = max_tps_from(*tps, "sandbox");
  }
  if (o.contains("securityScheme")) api.security_scheme = string_list(o, "securityScheme");
  if (auto s = opt_string(o, "visibility", "visibility")) api.visibility = *s;
  api.visible_roles = string_list(o, "visibleRoles");
  if (const json::object* ec = opt_object(o, "endpointConfig", "endpointConfig"))
    api.endpoint_config = endpoint_config_from_json(*ec);
  if (const json::array* ops = opt_array(o, "operations", "operations"))
    for (std::size_t i = 0; i < ops->size(); ++i)
      api.operations.push_back(operation_from_json((*ops)[i], fmt::format("operations[{}]", i)));
  if (const json::array* apis = opt_array(o, "apis", "apis")) {
    for (std::size_t i = 0; i < apis->size(); ++i) {
      const std::string p = fmt::format("apis[{}]", i);
      const json::object& entry = common::as_object((*apis)[i], p);
      ProductApi pa;
      pa.api_id = opt_string(entry, "apiId", p + ".apiId").value_or("");
      pa.name = opt_string(entry, "name", p + ".name").value_or("");
      pa.version = opt_string(entry, "version", p + ".version").value_or("");
      if (const json::array* ops = opt_array(entry, "operations", p + ".operations"))
        for (std::size_t k = 0; k < ops->size(); ++k)
          pa.operations.push_back(operation_from_json((*ops)[k], fmt::format("{}.operations[{}]", p, k)));
      if (const json::object* ec = opt_object(entry, "endpointConfig", p + ".endpointConfig"))
        pa.endpoint_config = endpoint_config_from_json(*ec);
      if (const json::value* pol = entry.if_contains("apiPolicies"))
        pa.api_policies = policy_flows_from_json(*pol, p + ".apiPolicies");
      api.product_apis.push_back(std::move(pa));
    }
  }
  api.authorization_header = opt_string(o, "authorizationHeader", "authorizationHeader").value_or("");
  if (std::equal(api.authorization_header.begin(), api.authorization_header.end(), std::string_view("authorization").begin(),
                 std::string_view("authorization").end(),
                 [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
    api.authorization_header.clear();  // the default
  if (const json::value* pol = o.if_contains("apiPolicies")) api.api_policies = policy_flows_from_json(*pol, "apiPolicies");
  if (const json::value* cors = o.if_contains("corsConfiguration")) api.cors = cors_from_json(*cors, "corsConfiguration");
  if (const json::value* si = o.if_contains("serviceInfo"); si && !si->is_null()) {
    const json::object& info = common::as_object(*si, "serviceInfo");
    api.service_info.key = opt_string(info, "key", "serviceInfo.key").value_or("");
    api.service_info.name = opt_string(info, "name", "serviceInfo.name").value_or("");
    api.service_info.version = opt_string(info, "version", "serviceInfo.version").value_or("");
    api.service_info.md5 = opt_string(info, "md5", "serviceInfo.md5").value_or("");
  }
  api.enable_backend_jwt = opt_bool(o, "enableBackendJWT", "enableBackendJWT").value_or(false);
  api.response_caching = opt_bool(o, "responseCachingEnabled", "responseCachingEnabled").value_or(false);
  api.enable_schema_validation = opt_bool(o, "enableSchemaValidation", "enableSchemaValidation").value_or(false);
  api.enable_response_validation =
      opt_bool(o, "enableResponseSchemaValidation", "enableResponseSchemaValidation").value_or(false);
  api.cache_timeout_s = opt_int(o, "cacheTimeout", "cacheTimeout").value_or(300);
  check_cache_timeout(api.cache_timeout_s, "cacheTimeout");
  if (o.contains("cacheKeyHeaders")) {
    api.cache_key_headers = string_list(o, "cacheKeyHeaders");
    for (std::size_t i = 0; i < api.cache_key_headers.size(); ++i) {
      const std::string& h = api.cache_key_headers[i];
      if (h.empty() || !std::all_of(h.begin(), h.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+.^_`|~-").find(c) != std::string_view::npos;
          }))
        throw common::ProblemError(common::Problem::bad_request(
            fmt::format("'cacheKeyHeaders[{}]': '{}' is not a header name", i, h)));
    }
  }
  api.categories = string_list(o, "categories");
  if (const json::object* b = opt_object(o, "businessInformation", "businessInformation")) {
    auto field = [b](std::string_view key) {
      return opt_string(*b, key, "businessInformation." + std::string(key)).value_or("");
    };
    api.business_information = {field("businessOwner"), field("businessOwnerEmail"),
                                field("technicalOwner"), field("technicalOwnerEmail")};
  }
  api.has_thumbnail = opt_bool(o, "hasThumbnail", "hasThumbnail").value_or(false);
  api.additional_properties = additional_properties_from(o);
  if (auto ac = opt_string(o, "accessControl", "accessControl")) api.access_control = *ac;
  api.access_control_roles = string_list(o, "accessControlRoles");
  for (auto& role : api.access_control_roles) role = common::to_lower(role);  // as the product: case-insensitive
  // Settings Archway does not enforce yet are refused rather than stored and ignored.
  api.audiences = string_list(o, "audiences");
  if (const json::array* scopes = opt_array(o, "scopes", "scopes")) {
    for (std::size_t i = 0; i < scopes->size(); ++i) {
      const std::string p = fmt::format("scopes[{}]", i);
      const json::object& entry = common::as_object((*scopes)[i], p);
      // The product nests the definition: {"scope": {...}, "shared": false}; a flat object is accepted too.
      const json::object* def = opt_object(entry, "scope", p + ".scope");
      const std::string dp = def ? p + ".scope" : p;
      if (!def) def = &entry;
      ApiScope sc;
      sc.name = opt_string(*def, "name", dp + ".name").value_or("");
      sc.display_name = opt_string(*def, "displayName", dp + ".displayName").value_or(sc.name);
      sc.description = opt_string(*def, "description", dp + ".description").value_or("");
      if (const json::array* b = opt_array(*def, "bindings", dp + ".bindings"))
        for (std::size_t k = 0; k < b->size(); ++k) {
          if (!(*b)[k].is_string())
            throw common::ProblemError(common::Problem::bad_request(fmt::format("'{}.bindings[{}]' must be a role name", dp, k)));
          sc.bindings.emplace_back((*b)[k].get_string());
        }
      sc.shared = opt_bool(entry, "shared", p + ".shared").value_or(false);
      api.scopes.push_back(std::move(sc));
    }
  }
  return api;
}

json::object api_to_json(const Api& api) {
  json::object o;
  o["id"] = api.id;
  o["name"] = api.name;
  o["description"] = api.description;
  o["context"] = api.context;
  o["version"] = api.version;
  o["provider"] = api.provider;
  o["lifeCycleStatus"] = api.lifecycle_status;
  o["isDefaultVersion"] = api.is_default_version;
  o["type"] = api.type;
  o["transport"] = to_array(api.transport);
  o["tags"] = to_array(api.tags);
  o["policies"] = to_array(api.policies);
  if (api.api_throttling_policy.empty()) o["apiThrottlingPolicy"] = nullptr;
  else o["apiThrottlingPolicy"] = api.api_throttling_policy;
  if (api.max_tps_production == 0 && api.max_tps_sandbox == 0) {
    o["maxTps"] = nullptr;
  } else {
    json::object tps;
    if (api.max_tps_production) tps["production"] = api.max_tps_production;
    if (api.max_tps_sandbox) tps["sandbox"] = api.max_tps_sandbox;
    o["maxTps"] = std::move(tps);
  }
  o["securityScheme"] = to_array(api.security_scheme);
  o["visibility"] = api.visibility;
  o["visibleRoles"] = to_array(api.visible_roles);
  o["accessControl"] = api.access_control;
  o["accessControlRoles"] = to_array(api.access_control_roles);
  o["audiences"] = to_array(api.audiences);
  o["endpointConfig"] = api.endpoint_config.raw.empty() ? json::value(nullptr)
                                                          : json::value(api.endpoint_config.raw);
  json::array ops;
  for (const auto& op : api.operations) ops.emplace_back(operation_to_json(op));
  o["operations"] = std::move(ops);
  if (api.is_product()) {  // the stored form: what the gateway needs to serve each operation
    json::array apis;
    for (const auto& pa : api.product_apis) {
      json::object x = product_api_to_json(pa);
      x["endpointConfig"] = pa.endpoint_config.raw.empty() ? json::value(nullptr)
                                                           : json::value(pa.endpoint_config.raw);
      x["apiPolicies"] = policy_flows_to_json(pa.api_policies);
      apis.emplace_back(std::move(x));
    }
    o["apis"] = std::move(apis);
  }
  if (!api.authorization_header.empty()) o["authorizationHeader"] = api.authorization_header;
  o["apiPolicies"] = policy_flows_to_json(api.api_policies);
  o["corsConfiguration"] = cors_to_json(api.cors);
  o["responseCachingEnabled"] = api.response_caching;
  o["enableSchemaValidation"] = api.enable_schema_validation;
  o["enableResponseSchemaValidation"] = api.enable_response_validation;
  o["cacheTimeout"] = api.cache_timeout_s;
  o["cacheKeyHeaders"] = to_array(api.cache_key_headers);
  if (!api.service_info.key.empty())
    o["serviceInfo"] = {{"key", api.service_info.key},
                        {"name", api.service_info.name},
                        {"version", api.service_info.version},
                        {"md5", api.service_info.md5}};
  json::array scopes;
  for (const auto& sc : api.scopes)
    scopes.push_back(json::object{{"scope", json::object{{"name", sc.name},
                                                         {"displayName", sc.display_name},
                                                         {"description", sc.description},
                                                         {"bindings", to_array(sc.bindings)}}},
                                  {"shared", sc.shared}});
  o["scopes"] = std::move(scopes);
  o["enableBackendJWT"] = api.enable_backend_jwt;
  o["categories"] = to_array(api.categories);
  const BusinessInformation& b = api.business_information;
  o["businessInformation"] = json::object{{"businessOwner", b.business_owner},
                                          {"businessOwnerEmail", b.business_owner_email},
                                          {"technicalOwner", b.technical_owner},
                                          {"technicalOwnerEmail", b.technical_owner_email}};
  o["hasThumbnail"] = api.has_thumbnail;
  if (!api.additional_properties.empty())
    o["additionalProperties"] = additional_properties_to_json(api.additional_properties, false);
  if (api.created_time) o["createdTime"] = common::iso8601_utc(api.created_time);
  if (api.last_updated_time) o["lastUpdatedTime"] = common::iso8601_utc(api.last_updated_time);
  return o;
}

}  // namespace archway::domain

namespace archway::domain {

json::object product_to_json(const Api& p) {
  json::object o;
  o["id"] = p.id;
  o["name"] = p.name;
  o["context"] = p.context;
  o["version"] = p.version;
  o["description"] = p.description;
  o["provider"] = p.provider;
  o["hasThumbnail"] = p.has_thumbnail;
  o["state"] = p.lifecycle_status;
  o["lifeCycleStatus"] = p.lifecycle_status;
  o["isDefaultVersion"] = p.is_default_version;
  o["visibility"] = p.visibility;
  o["visibleRoles"] = to_array(p.visible_roles);
  o["accessControl"] = p.access_control;
  o["accessControlRoles"] = to_array(p.access_control_roles);
  o["apiType"] = kApiTypeProduct;
  o["transport"] = to_array(p.transport);
  o["tags"] = to_array(p.tags);
  o["policies"] = to_array(p.policies);
  if (p.api_throttling_policy.empty()) o["apiThrottlingPolicy"] = nullptr;
  else o["apiThrottlingPolicy"] = p.api_throttling_policy;
  if (p.authorization_header.empty()) o["authorizationHeader"] = nullptr;
  else o["authorizationHeader"] = p.authorization_header;
  o["securityScheme"] = to_array(p.security_scheme);
  o["enableBackendJWT"] = p.enable_backend_jwt;
  json::array apis;
  for (const auto& pa : p.product_apis) apis.emplace_back(product_api_to_json(pa));
  o["apis"] = std::move(apis);
  json::array scopes;
  for (const auto& sc : p.scopes)
    scopes.push_back(json::object{{"scope", json::object{{"name", sc.name},
                                                         {"displayName", sc.display_name},
                                                         {"description", sc.description},
                                                         {"bindings", to_array(sc.bindings)}}},
                                  {"shared", sc.shared}});
  o["scopes"] = std::move(scopes);
  if (p.created_time) o["createdTime"] = common::iso8601_utc(p.created_time);
  if (p.last_updated_time) o["lastUpdatedTime"] = common::iso8601_utc(p.last_updated_time);
  return o;
}

}  // namespace archway::domain
