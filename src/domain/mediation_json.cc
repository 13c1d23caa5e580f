#include "domain/mediation_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "common/json.h"
#include "common/problem.h"
#include "domain/json_transform.h"

namespace archway::domain {

namespace json = boost::json;

namespace {

[[noreturn]] void bad(std::string d) { throw common::ProblemError(common::Problem::bad_request(std::move(d))); }

std::string scalar_text(const json::value& v, const std::string& path) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_bool()) return v.get_bool() ? "true" : "false";
  if (v.is_int64() || v.is_uint64() || v.is_double()) return json::serialize(v);
  bad(fmt::format("'{}' must be a string, a number or a boolean", path));
}

// A use of a policy that is not built in: a custom one (/operation-policies), checked against the
// stored policies by the Publisher when an API is written (publisher/operation_policies.h).
PolicyRef custom_policy_from_json(const json::object& o, PolicyRef p, const std::string& path) {
  p.version = common::opt_string(o, "policyVersion", path + ".policyVersion").value_or("v1");
  p.id = common::opt_string(o, "policyId", path + ".policyId").value_or("");
  if (const json::object* params = common::opt_object(o, "parameters", path + ".parameters"))
    for (const auto& [k, val] : *params) {
      if (val.is_null()) continue;
      const std::string field = fmt::format("{}.parameters.{}", path, std::string_view(k));
      p.parameters.emplace(std::string(k), val.is_object() || val.is_array() ? json::serialize(val) : scalar_text(val, field));
    }
  return p;
}

PolicyRef policy_from_json(const json::value& v, std::string_view flow, const std::string& path) {
  const json::object& o = common::as_object(v, path);
  PolicyRef p;
  p.name = common::opt_string(o, "policyName", path + ".policyName").value_or("");
  if (p.name.empty()) bad(fmt::format("'{}.policyName' is required", path));
  const PolicySpec* spec = find_builtin_policy(p.name);
  if (!spec) return custom_policy_from_json(o, std::move(p), path);
  if (std::find(spec->flows.begin(), spec->flows.end(), flow) == spec->flows.end())
    bad(fmt::format("'{}': policy '{}' cannot run in the {} flow", path, p.name, flow));
  p.version = common::opt_string(o, "policyVersion", path + ".policyVersion").value_or("v1");
  if (p.version != "v1") bad(fmt::format("'{}.policyVersion': '{}' has only version v1", path, p.name));
  p.id = common::opt_string(o, "policyId", path + ".policyId").value_or("");
  if (const json::object* params = common::opt_object(o, "parameters", path + ".parameters")) {
    for (const auto& [k, val] : *params) {
      const std::string field = fmt::format("{}.parameters.{}", path, std::string_view(k));
      const std::string_view name = k;  // captured by name: clang before 16 cannot capture a binding
      auto attr = std::find_if(spec->attributes.begin(), spec->attributes.end(),
                               [&](const PolicyAttribute& a) { return a.name == name; });
      if (attr == spec->attributes.end()) bad(fmt::format("'{}': policy '{}' has no such parameter", field, p.name));
      if (val.is_null()) continue;
      std::string text = attr->type == "JSON" && !val.is_string() ? json::serialize(val) : scalar_text(val, field);
      if (!attr->validation_regex.empty() && !std::regex_match(text, std::regex(attr->validation_regex)))
        bad(fmt::format("'{}': '{}' is not a valid {}", field, text, attr->display_name));
      p.parameters.emplace(std::string(k), std::move(text));
    }
  }
  for (const auto& a : spec->attributes)
    if (a.required && !p.parameters.count(a.name))
      bad(fmt::format("'{}.parameters.{}' is required by policy '{}'", path, a.name, p.name));
  // Policies with a program are compiled now, so a definition the gateway could not run is refused here.
  if (p.name == "jsonTransform") parse_json_transform(p.parameters.at("operations"), path + ".parameters.operations");
  return p;
}

std::vector<PolicyRef> flow_from_json(const json::object& o, std::string_view flow, std::string_view path) {
  std::vector<PolicyRef> out;
  const std::string fpath = fmt::format("{}.{}", path, flow);
  const json::array* a = common::opt_array(o, flow, fpath);
  if (!a) return out;
  for (std::size_t i = 0; i < a->size(); ++i) out.push_back(policy_from_json((*a)[i], flow, fmt::format("{}[{}]", fpath, i)));
  return out;
}

json::array flow_to_json(const std::vector<PolicyRef>& flow) {
  json::array a;
  for (const auto& p : flow) {
    json::object params;
    const PolicySpec* spec = find_builtin_policy(p.name);
    for (const auto& [k, v] : p.parameters) {
      const std::string& name = k;  // captured by name: clang before 16 cannot capture a binding
      const bool structured = spec && std::any_of(spec->attributes.begin(), spec->attributes.end(), [&](const auto& a) {
                                return a.name == name && a.type == "JSON";
                              });
      boost::system::error_code ec;
      json::value parsed = structured ? json::parse(v, ec) : json::value();
      params[k] = structured && !ec ? std::move(parsed) : json::value(v);
    }
    json::object o{{"policyName", p.name}, {"policyVersion", p.version}, {"parameters", std::move(params)}};
    o["policyId"] = p.id.empty() ? json::value(nullptr) : json::value(p.id);
    a.push_back(std::move(o));
  }
  return a;
}

std::vector<std::string> strings(const json::object& o, std::string_view key, const std::string& path) {
  std::vector<std::string> out;
  const json::array* a = common::opt_array(o, key, path);
  if (!a) return out;
  for (std::size_t i = 0; i < a->size(); ++i) {
    if (!(*a)[i].is_string()) bad(fmt::format("'{}[{}]' must be a string", path, i));
    out.emplace_back((*a)[i].get_string());
  }
  return out;
}

}  // namespace

PolicyFlows policy_flows_from_json(const json::value& v, std::string_view path) {
  PolicyFlows f;
  if (v.is_null()) return f;
  const json::object& o = common::as_object(v, path);
  f.request = flow_from_json(o, "request", path);
  f.response = flow_from_json(o, "response", path);
  f.fault = flow_from_json(o, "fault", path);
  return f;
}

json::object policy_flows_to_json(const PolicyFlows& f) {
  return json::object{{"request", flow_to_json(f.request)},
                      {"response", flow_to_json(f.response)},
                      {"fault", flow_to_json(f.fault)}};
}

CorsConfiguration cors_from_json(const json::value& v, std::string_view path) {
  CorsConfiguration c;
  if (v.is_null()) return c;
  const std::string p(path);
  const json::object& o = common::as_object(v, p);
  c.enabled = common::opt_bool(o, "corsConfigurationEnabled", p + ".corsConfigurationEnabled").value_or(false);
  c.allow_credentials =
      common::opt_bool(o, "accessControlAllowCredentials", p + ".accessControlAllowCredentials").value_or(false);
  if (o.contains("accessControlAllowOrigins"))
    c.allow_origins = strings(o, "accessControlAllowOrigins", p + ".accessControlAllowOrigins");
  if (o.contains("accessControlAllowHeaders"))
    c.allow_headers = strings(o, "accessControlAllowHeaders", p + ".accessControlAllowHeaders");
  if (o.contains("accessControlAllowMethods")) {
    c.allow_methods = strings(o, "accessControlAllowMethods", p + ".accessControlAllowMethods");
    static const std::regex kMethod("^(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS)$");
    for (std::size_t i = 0; i < c.allow_methods.size(); ++i)
      if (!std::regex_match(c.allow_methods[i], kMethod))
        bad(fmt::format("'{}.accessControlAllowMethods[{}]': '{}' is not an HTTP method", p, i, c.allow_methods[i]));
  }
  for (std::size_t i = 0; i < c.allow_origins.size(); ++i) {
    const std::string& origin = c.allow_origins[i];
    if (origin != "*" && origin.find("://") == std::string::npos)
      bad(fmt::format("'{}.accessControlAllowOrigins[{}]': '{}' must be '*' or an origin such as https://app.example.com",
                      p, i, origin));
  }
  return c;
}

json::object cors_to_json(const CorsConfiguration& c) {
  auto arr = [](const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v) a.emplace_back(s);
    return a;
  };
  return json::object{{"corsConfigurationEnabled", c.enabled},
                      {"accessControlAllowOrigins", arr(c.allow_origins)},
                      {"accessControlAllowCredentials", c.allow_credentials},
                      {"accessControlAllowHeaders", arr(c.allow_headers)},
                      {"accessControlAllowMethods", arr(c.allow_methods)}};
}

json::object policy_spec_to_json(const PolicySpec& s) {
  json::array flows;
  for (const auto& f : s.flows) flows.emplace_back(f);
  json::array attrs;
  for (const auto& a : s.attributes)
    attrs.push_back(json::object{{"name", a.name},
                                 {"displayName", a.display_name},
                                 {"description", a.description},
                                 {"validationRegex", a.validation_regex.empty() ? json::value(nullptr)
                                                                                : json::value(a.validation_regex)},
                                 {"type", a.type},
                                 {"required", a.required}});
  return json::object{{"id", s.name},
                      {"category", s.category},
                      {"name", s.name},
                      {"version", "v1"},
                      {"displayName", s.display_name},
                      {"description", s.description},
                      {"applicableFlows", std::move(flows)},
                      {"supportedGateways", json::array{"Synapse"}},
                      {"supportedApiTypes", json::array{"HTTP"}},
                      {"isAPISpecific", false},
                      {"policyAttributes", std::move(attrs)}};
}

}  // namespace archway::domain
