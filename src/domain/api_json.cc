#include "domain/api_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "common/clock.h"
#include "common/json.h"
#include "common/problem.h"
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
  if (const json::object* c = opt_object(*obj, "config", path + ".config")) {
    e.timeout_ms = opt_int(*c, "actionDuration", path + ".config.actionDuration");
  }
  return e;
}

[[noreturn]] void bad_endpoint(std::string description) {
  throw common::ProblemError(common::Problem::bad_request(std::move(description)));
}

// One member of a load_balance or failover group, checked here so the field is named exactly.
Endpoint group_member(const json::value& v, const std::string& path, bool weighted) {
  const json::object& obj = common::as_object(v, path);
  Endpoint e;
  auto url = opt_string(obj, "url", path + ".url");
  if (!url) bad_endpoint(fmt::format("'{}.url' is required", path));
  std::string why;
  if (!parse_backend_url(*url, &why))
    bad_endpoint(fmt::format("'{}.url' {}: '{}'", path, why, *url));
  e.url = *url;
  if (const json::object* c = opt_object(obj, "config", path + ".config")) {
    e.timeout_ms = opt_int(*c, "actionDuration", path + ".config.actionDuration");
    if (e.timeout_ms && (*e.timeout_ms <= 0 || *e.timeout_ms > 3600000))
      bad_endpoint(
          fmt::format("'{}.config.actionDuration' must be between 1 and 3600000 ms", path));
  }
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

}  // namespace

EndpointConfig endpoint_config_from_json(const json::object& o) {
  EndpointConfig ec;
  ec.raw = o;
  ec.endpoint_type = opt_string(o, "endpoint_type", "endpointConfig.endpoint_type").value_or("http");
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
        "'endpointConfig.endpoint_type' must be http, load_balance or failover, got '{}'",
        ec.endpoint_type));
  }
  if (!ec.production_group.empty()) ec.production = ec.production_group.front();
  if (!ec.sandbox_group.empty()) ec.sandbox = ec.sandbox_group.front();
  return ec;
}

static void check_cache_timeout(std::int64_t v, const std::string& field) {
  if (v < 1 || v > 31536000)
    throw common::ProblemError(common::Problem::bad_request(
        fmt::format("'{}' must be between 1 and 31536000 seconds, got {}", field, v)));
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
  if (const json::object* ec = opt_object(o, "endpointConfig", "endpointConfig"))
    api.endpoint_config = endpoint_config_from_json(*ec);
  if (const json::array* ops = opt_array(o, "operations", "operations")) {
    for (std::size_t i = 0; i < ops->size(); ++i) {
      const std::string p = fmt::format("operations[{}]", i);
      const json::object& op = common::as_object((*ops)[i], p);
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
      api.operations.push_back(std::move(x));
    }
  }
  if (const json::value* pol = o.if_contains("apiPolicies")) api.api_policies = policy_flows_from_json(*pol, "apiPolicies");
  if (const json::value* cors = o.if_contains("corsConfiguration")) api.cors = cors_from_json(*cors, "corsConfiguration");
  api.enable_backend_jwt = opt_bool(o, "enableBackendJWT", "enableBackendJWT").value_or(false);
  api.response_caching = opt_bool(o, "responseCachingEnabled", "responseCachingEnabled").value_or(false);
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
  o["endpointConfig"] = api.endpoint_config.raw.empty() ? json::value(nullptr)
                                                          : json::value(api.endpoint_config.raw);
  json::array ops;
  for (const auto& op : api.operations) {
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
    ops.emplace_back(std::move(x));
  }
  o["operations"] = std::move(ops);
  o["apiPolicies"] = policy_flows_to_json(api.api_policies);
  o["corsConfiguration"] = cors_to_json(api.cors);
  o["responseCachingEnabled"] = api.response_caching;
  o["cacheTimeout"] = api.cache_timeout_s;
  o["cacheKeyHeaders"] = to_array(api.cache_key_headers);
  json::array scopes;
  for (const auto& sc : api.scopes)
    scopes.push_back(json::object{{"scope", json::object{{"name", sc.name},
                                                         {"displayName", sc.display_name},
                                                         {"description", sc.description},
                                                         {"bindings", to_array(sc.bindings)}}},
                                  {"shared", false}});
  o["scopes"] = std::move(scopes);
  o["enableBackendJWT"] = api.enable_backend_jwt;
  if (api.created_time) o["createdTime"] = common::iso8601_utc(api.created_time);
  if (api.last_updated_time) o["lastUpdatedTime"] = common::iso8601_utc(api.last_updated_time);
  return o;
}

}  // namespace archway::domain
