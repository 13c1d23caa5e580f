#include "domain/operation_policy.h"

#include <algorithm>

#include "common/json.h"
#include "domain/mediation_json.h"

namespace archway::domain {

namespace json = boost::json;

namespace {

// `text` with each {{name}} replaced by the value `value_of` gives for it (spaces inside the
// braces allowed); anything else is kept as written.
std::string substitute(const std::string& text,
                       const std::function<std::string(std::string_view)>& value_of) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t open = text.find("{{", i);
    const std::size_t close =
        open == std::string::npos ? std::string::npos : text.find("}}", open + 2);
    if (close == std::string::npos) {
      out.append(text, i, std::string::npos);
      break;
    }
    out.append(text, i, open - i);
    std::string_view name(text.data() + open + 2, close - open - 2);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    out += value_of(name);
    i = close + 2;
  }
  return out;
}

json::array string_array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

std::vector<std::string> strings_of(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (const json::value* v = o.if_contains(key); v && v->is_array())
    for (const auto& x : v->get_array())
      if (x.is_string()) out.emplace_back(x.get_string());
  return out;
}

std::string string_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

void expand_flow(std::vector<PolicyRef>& flow, const PolicyResolver& resolve,
                 const std::function<void(const PolicyRef&)>& unknown) {
  std::vector<PolicyRef> out;
  out.reserve(flow.size());
  for (auto& use : flow) {
    if (find_builtin_policy(use.name)) {
      out.push_back(std::move(use));
    } else if (const OperationPolicy* p = resolve(use)) {
      for (auto& step : expand_policy(*p, use)) out.push_back(std::move(step));
    } else {
      unknown(use);
    }
  }
  flow = std::move(out);
}

}  // namespace

std::vector<PolicyRef> expand_policy(const OperationPolicy& policy, const PolicyRef& use) {
  auto value_of = [&](std::string_view name) -> std::string {
    if (auto it = use.parameters.find(std::string(name)); it != use.parameters.end())
      return it->second;
    for (const auto& a : policy.spec.attributes)
      if (a.name == name) return a.default_value;
    return "";
  };
  std::vector<PolicyRef> out;
  out.reserve(policy.steps.size());
  for (const auto& step : policy.steps) {
    PolicyRef r;
    r.name = step.policy;
    for (const auto& [k, v] : step.parameters) {
      std::string value = substitute(v, value_of);
      if (!value.empty())
        r.parameters.emplace(k, std::move(value));  // an empty optional attribute: not given
    }
    out.push_back(std::move(r));
  }
  return out;
}

void expand_custom_policies(PolicyFlows& flows, const PolicyResolver& resolve,
                            const std::function<void(const PolicyRef&)>& unknown) {
  expand_flow(flows.request, resolve, unknown);
  expand_flow(flows.response, resolve, unknown);
  expand_flow(flows.fault, resolve, unknown);
}

bool has_custom_policies(const PolicyFlows& flows) {
  for (const auto* flow : {&flows.request, &flows.response, &flows.fault})
    for (const auto& use : *flow)
      if (!find_builtin_policy(use.name)) return true;
  return false;
}

json::object operation_policy_to_json(const OperationPolicy& p) {
  json::object o = policy_spec_to_json(p.spec);
  o["id"] = p.id;
  o["version"] = p.version;
  o["supportedGateways"] = string_array(p.supported_gateways);
  o["supportedApiTypes"] = string_array(p.supported_api_types);
  o["isAPISpecific"] = !p.api_id.empty();
  o["md5"] = p.md5;
  json::array& attrs = o["policyAttributes"].as_array();
  for (std::size_t i = 0; i < attrs.size() && i < p.spec.attributes.size(); ++i)
    if (!p.spec.attributes[i].default_value.empty())
      attrs[i].as_object()["defaultValue"] = p.spec.attributes[i].default_value;
  return o;
}

json::object operation_policy_record(const OperationPolicy& p) {
  json::object o = operation_policy_to_json(p);
  o["apiId"] = p.api_id;
  json::array steps;
  for (const auto& s : p.steps) {
    json::object params;
    for (const auto& [k, v] : s.parameters) params[k] = v;
    steps.push_back(json::object{{"policy", s.policy}, {"parameters", std::move(params)}});
  }
  o["steps"] = std::move(steps);
  o["specFile"] = p.spec_text;
  o["definitionFile"] = p.definition_text;
  o["createdTime"] = p.created_time;
  return o;
}

OperationPolicy operation_policy_from_record(const json::object& o) {
  OperationPolicy p;
  p.id = string_of(o, "id");
  p.api_id = string_of(o, "apiId");
  p.spec.name = string_of(o, "name");
  p.spec.display_name = string_of(o, "displayName");
  p.spec.description = string_of(o, "description");
  p.spec.category = string_of(o, "category");
  p.spec.flows = strings_of(o, "applicableFlows");
  p.version = string_of(o, "version");
  p.supported_gateways = strings_of(o, "supportedGateways");
  p.supported_api_types = strings_of(o, "supportedApiTypes");
  p.md5 = string_of(o, "md5");
  p.spec_text = string_of(o, "specFile");
  p.definition_text = string_of(o, "definitionFile");
  if (const json::value* t = o.if_contains("createdTime"); t && t->is_int64())
    p.created_time = t->get_int64();
  if (const json::value* attrs = o.if_contains("policyAttributes"); attrs && attrs->is_array())
    for (const auto& a : attrs->get_array()) {
      if (!a.is_object()) continue;
      const json::object& ao = a.get_object();
      PolicyAttribute attr;
      attr.name = string_of(ao, "name");
      attr.display_name = string_of(ao, "displayName");
      attr.description = string_of(ao, "description");
      attr.validation_regex = string_of(ao, "validationRegex");
      attr.type = string_of(ao, "type");
      attr.default_value = string_of(ao, "defaultValue");
      const json::value* req = ao.if_contains("required");
      attr.required = req && req->is_bool() && req->get_bool();
      p.spec.attributes.push_back(std::move(attr));
    }
  if (const json::value* steps = o.if_contains("steps"); steps && steps->is_array())
    for (const auto& s : steps->get_array()) {
      if (!s.is_object()) continue;
      PolicyStep step;
      step.policy = string_of(s.get_object(), "policy");
      if (const json::value* params = s.get_object().if_contains("parameters");
          params && params->is_object())
        for (const auto& [k, v] : params->get_object())
          if (v.is_string()) step.parameters.emplace(std::string(k), std::string(v.get_string()));
      p.steps.push_back(std::move(step));
    }
  return p;
}

}  // namespace archway::domain
