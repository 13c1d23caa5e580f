#include "publisher/operation_policies.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <boost/json.hpp>
#include <regex>

#include "archive/zip.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/problem.h"
#include "openapi/openapi.h"

namespace archway::publisher {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;

namespace {

constexpr std::size_t kMaxSteps = 32;
constexpr std::size_t kMaxFileBytes = 256 * 1024;
constexpr std::string_view kFlows[] = {"request", "response", "fault"};

[[noreturn]] void bad(std::string d) { throw ProblemError(Problem::bad_request(std::move(d))); }

json::value parse_file(std::string_view text, std::string_view what) {
  if (text.size() > kMaxFileBytes)
    bad(fmt::format("{} is larger than {} KiB", what, kMaxFileBytes / 1024));
  std::vector<openapi::Issue> errors;
  auto doc = openapi::parse_text(text, errors);
  if (!doc || !doc->is_object())
    bad(fmt::format("{} is not a YAML or JSON object{}", what,
                    errors.empty() ? "" : ": " + errors.front().message));
  return std::move(*doc);
}

std::string text_of(const json::value& v, const std::string& path) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_bool()) return v.get_bool() ? "true" : "false";
  if (v.is_int64() || v.is_uint64() || v.is_double()) return json::serialize(v);
  if (v.is_object() || v.is_array()) return json::serialize(v);
  bad(fmt::format("'{}' must be a string, a number or a boolean", path));
}

std::vector<std::string> string_list(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const json::array* a = common::opt_array(o, key, key);
  if (!a) return out;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const json::value& x = (*a)[i];
    if (x.is_string())
      out.emplace_back(x.get_string());
    else if (x.is_object() && x.get_object().contains("apiType") &&
             x.get_object().at("apiType").is_string())
      out.emplace_back(
          x.get_object().at("apiType").get_string());  // supportedApiTypes: [{apiType: HTTP}]
    else
      bad(fmt::format("'{}[{}]' must be a string", key, i));
  }
  return out;
}

// "/^[a-z]+$/i" (the product's UI form) or "^[a-z]+$": the pattern without its slashes.
std::string regex_of(std::string r, const std::string& path) {
  if (r.size() >= 2 && r.front() == '/') {
    const std::size_t last = r.rfind('/');
    if (last > 0) r = r.substr(1, last - 1);
  }
  try {
    std::regex check(r);
  } catch (const std::regex_error&) {
    bad(fmt::format("'{}': '{}' is not a regular expression", path, r));
  }
  return r;
}

// The {{name}}s a parameter value refers to.
std::vector<std::string> references(const std::string& text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while ((i = text.find("{{", i)) != std::string::npos) {
    const std::size_t close = text.find("}}", i + 2);
    if (close == std::string::npos) break;
    std::string name = text.substr(i + 2, close - i - 2);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    out.push_back(std::move(name));
    i = close + 2;
  }
  return out;
}

std::string md5_hex(std::string_view a, std::string_view b) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_md5(), nullptr);
  EVP_DigestUpdate(ctx, a.data(), a.size());
  EVP_DigestUpdate(ctx, b.data(), b.size());
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  std::string out;
  for (unsigned int i = 0; i < len; ++i) out += fmt::format("{:02x}", md[i]);
  return out;
}

void read_spec(const json::value& doc, domain::OperationPolicy& p) {
  const json::object* o = &doc.as_object();
  // The product's exported form wraps the specification: {type: operation_policy_specification,
  // data: {...}}.
  if (const json::object* data = common::opt_object(*o, "data", "data")) o = data;
  static const std::regex kName("^[A-Za-z][A-Za-z0-9_-]{0,99}$");
  static const std::regex kVersion("^[A-Za-z0-9][A-Za-z0-9._-]{0,29}$");
  p.spec.name = common::opt_string(*o, "name", "name").value_or("");
  if (p.spec.name.empty()) bad("policySpecFile: 'name' is required");
  if (!std::regex_match(p.spec.name, kName))
    bad(fmt::format("policySpecFile: 'name' '{}' must be a letter then letters, digits, '_' or '-'",
                    p.spec.name));
  p.version = common::opt_string(*o, "version", "version").value_or("v1");
  if (!std::regex_match(p.version, kVersion))
    bad(fmt::format("policySpecFile: 'version' '{}' is not a version", p.version));
  p.spec.display_name = common::opt_string(*o, "displayName", "displayName").value_or(p.spec.name);
  p.spec.description = common::opt_string(*o, "description", "description").value_or("");
  p.spec.category = common::opt_string(*o, "category", "category").value_or("Mediation");
  p.spec.flows = string_list(*o, "applicableFlows");
  if (p.spec.flows.empty())
    bad("policySpecFile: 'applicableFlows' must name at least one of request, response, fault");
  for (std::size_t i = 0; i < p.spec.flows.size(); ++i)
    if (std::find(std::begin(kFlows), std::end(kFlows), p.spec.flows[i]) == std::end(kFlows))
      bad(fmt::format(
          "policySpecFile: 'applicableFlows[{}]': '{}' is not a flow (request, response, fault)", i,
          p.spec.flows[i]));
  p.supported_gateways = string_list(*o, "supportedGateways");
  if (p.supported_gateways.empty()) p.supported_gateways = {"Synapse"};
  p.supported_api_types = string_list(*o, "supportedApiTypes");
  if (p.supported_api_types.empty()) p.supported_api_types = {"HTTP"};
  const json::array* attrs = common::opt_array(*o, "policyAttributes", "policyAttributes");
  for (std::size_t i = 0; attrs && i < attrs->size(); ++i) {
    const std::string path = fmt::format("policySpecFile: 'policyAttributes[{}]", i);
    const json::object& ao = common::as_object((*attrs)[i], fmt::format("policyAttributes[{}]", i));
    domain::PolicyAttribute a;
    a.name = common::opt_string(ao, "name", "name").value_or("");
    if (a.name.empty()) bad(path + ".name' is required");
    for (const auto& other : p.spec.attributes)
      if (other.name == a.name) bad(fmt::format("{}.name': '{}' is declared twice", path, a.name));
    a.display_name = common::opt_string(ao, "displayName", "displayName").value_or(a.name);
    a.description = common::opt_string(ao, "description", "description").value_or("");
    a.type = common::opt_string(ao, "type", "type").value_or("String");
    a.required = common::opt_bool(ao, "required", "required").value_or(false);
    if (auto r = common::opt_string(ao, "validationRegex", "validationRegex"); r && !r->empty())
      a.validation_regex = regex_of(*r, path + ".validationRegex'");
    if (const json::value* d = ao.if_contains("defaultValue"); d && !d->is_null())
      a.default_value = text_of(*d, path + ".defaultValue'");
    p.spec.attributes.push_back(std::move(a));
  }
}

void read_definition(const json::value& doc, domain::OperationPolicy& p) {
  const json::object& o = doc.as_object();
  const json::array* steps = common::opt_array(o, "steps", "steps");
  if (!steps || steps->empty())
    bad("the policy definition must list its 'steps': the built-in policies it runs, with their "
        "parameters");
  if (steps->size() > kMaxSteps)
    bad(fmt::format("the policy definition has more than {} steps", kMaxSteps));
  for (std::size_t i = 0; i < steps->size(); ++i) {
    const std::string path = fmt::format("steps[{}]", i);
    const json::object& so = common::as_object((*steps)[i], path);
    domain::PolicyStep step;
    step.policy = common::opt_string(so, "policy", path + ".policy").value_or("");
    if (step.policy.empty())
      step.policy = common::opt_string(so, "policyName", path + ".policyName").value_or("");
    if (step.policy.empty())
      bad(fmt::format("'{}.policy' is required: the built-in policy the step runs", path));
    const domain::PolicySpec* builtin = domain::find_builtin_policy(step.policy);
    if (!builtin)
      bad(
          fmt::format("'{}.policy': '{}' is not a built-in policy (a custom policy composes "
                      "built-in ones only; "
                      "GET /api/am/publisher/v4/operation-policies lists them)",
                      path, step.policy));
    for (const auto& flow : p.spec.flows)
      if (std::find(builtin->flows.begin(), builtin->flows.end(), flow) == builtin->flows.end())
        bad(fmt::format(
            "'{}.policy': '{}' cannot run in the {} flow, which the policy's applicableFlows names",
            path, step.policy, flow));
    if (const json::object* params = common::opt_object(so, "parameters", path + ".parameters"))
      for (const auto& [k, v] : *params) {
        const std::string field = fmt::format("{}.parameters.{}", path, std::string_view(k));
        const std::string_view key = k;
        auto attr = std::find_if(builtin->attributes.begin(), builtin->attributes.end(),
                                 [&](const domain::PolicyAttribute& a) { return a.name == key; });
        if (attr == builtin->attributes.end())
          bad(fmt::format("'{}': policy '{}' has no such parameter", field, step.policy));
        if (v.is_null()) continue;
        std::string text = text_of(v, field);
        const auto refs = references(text);
        for (const auto& ref : refs)
          if (std::none_of(p.spec.attributes.begin(), p.spec.attributes.end(),
                           [&](const domain::PolicyAttribute& a) { return a.name == ref; }))
            bad(fmt::format(
                "'{}': '{{{{{}}}}}' names no attribute of the policy (its policyAttributes)", field,
                ref));
        if (refs.empty() && !attr->validation_regex.empty() &&
            !std::regex_match(text, std::regex(attr->validation_regex)))
          bad(fmt::format("'{}': '{}' is not a valid {}", field, text, attr->display_name));
        step.parameters.emplace(std::string(k), std::move(text));
      }
    for (const auto& a : builtin->attributes)
      if (a.required && !step.parameters.count(a.name))
        bad(fmt::format("'{}.parameters.{}' is required by policy '{}'", path, a.name,
                        step.policy));
    p.steps.push_back(std::move(step));
  }
}

std::string render(std::string_view text, bool as_json) {
  std::vector<openapi::Issue> errors;
  auto doc = openapi::parse_text(text, errors);
  if (!doc) return std::string(text);
  return as_json ? json::serialize(*doc) : openapi::to_yaml(*doc);
}

}  // namespace

domain::OperationPolicy OperationPolicyService::parse(std::string_view spec_text,
                                                      std::string_view definition_text) {
  domain::OperationPolicy p;
  read_spec(parse_file(spec_text, "policySpecFile"), p);
  read_definition(parse_file(definition_text, "the policy definition"), p);
  p.spec_text = std::string(spec_text);
  p.definition_text = std::string(definition_text);
  p.md5 = md5_hex(spec_text, definition_text);
  return p;
}

domain::OperationPolicy OperationPolicyService::add(domain::OperationPolicy p,
                                                    const std::string& api_id) {
  if (domain::find_builtin_policy(p.spec.name))
    throw ProblemError(Problem::conflict(
        fmt::format("'{}' is the name of a built-in policy; give the custom policy another name",
                    p.spec.name)));
  p.id = common::new_uuid();
  p.api_id = api_id;
  p.created_time = common::now_millis();
  store_.create_operation_policy(p);
  return p;
}

std::vector<domain::OperationPolicy> OperationPolicyService::list(const std::string& api_id) {
  return store_.list_operation_policies(api_id);
}

domain::OperationPolicy OperationPolicyService::get(const std::string& api_id,
                                                    const std::string& id) {
  auto p = store_.get_operation_policy(id);
  if (!p || p->api_id != api_id)
    throw ProblemError(Problem::not_found(fmt::format("Operation policy '{}' not found", id)));
  return *p;
}

void OperationPolicyService::remove(const std::string& api_id, const std::string& id) {
  get(api_id, id);
  if (!store_.delete_operation_policy(id))
    throw ProblemError(Problem::not_found(fmt::format("Operation policy '{}' not found", id)));
}

std::string OperationPolicyService::export_zip(const domain::OperationPolicy& p, bool json) {
  const std::string base = p.spec.name + "_" + p.version;
  const std::string ext = json ? ".json" : ".yaml";
  return archive::write_zip(
      {{base + "/" + base + ext, render(p.spec_text, json)},
       {base + "/" + base + ".archway" + ext, render(p.definition_text, json)}});
}

domain::OperationPolicy OperationPolicyService::read_zip(std::string_view zip) {
  archive::ZipLimits limits;
  limits.max_entries = 16;
  limits.max_total_bytes = 4 * kMaxFileBytes;
  const archive::ZipReadResult read = archive::read_zip(zip, limits);
  if (!read.ok()) bad("'file' is not a policy archive: " + read.error);
  const archive::ZipEntry* spec = nullptr;
  const archive::ZipEntry* definition = nullptr;
  for (const auto& e : read.entries) {
    const bool text =
        e.name.ends_with(".yaml") || e.name.ends_with(".yml") || e.name.ends_with(".json");
    if (!text) continue;
    std::vector<openapi::Issue> errors;
    auto doc = openapi::parse_text(e.data, errors);
    if (!doc || !doc->is_object()) continue;
    (doc->as_object().contains("steps") ? definition : spec) = &e;
  }
  if (!spec)
    bad("the archive holds no policy specification (a YAML or JSON file with the policy's name and "
        "flows)");
  if (!definition)
    bad("the archive holds no Archway policy definition (a YAML or JSON file with 'steps')");
  return parse(spec->data, definition->data);
}

void OperationPolicyService::check_flows(const domain::PolicyFlows& flows,
                                         const std::string& api_id, std::string_view path) {
  if (!domain::has_custom_policies(flows)) return;
  const std::vector<domain::OperationPolicy> common = store_.list_operation_policies("");
  const std::vector<domain::OperationPolicy> own = api_id.empty()
                                                       ? std::vector<domain::OperationPolicy>{}
                                                       : store_.list_operation_policies(api_id);
  auto find = [&](const domain::PolicyRef& use) -> const domain::OperationPolicy* {
    for (const auto* list : {&own, &common}) {
      for (const auto& p : *list)
        if (!use.id.empty() && p.id == use.id) return &p;
      for (const auto& p : *list)
        if (p.spec.name == use.name && p.version == use.version) return &p;
    }
    return nullptr;
  };
  for (const auto& [flow, uses] :
       {std::pair{"request", &flows.request}, std::pair{"response", &flows.response},
        std::pair{"fault", &flows.fault}}) {
    for (std::size_t i = 0; i < uses->size(); ++i) {
      const domain::PolicyRef& use = (*uses)[i];
      if (domain::find_builtin_policy(use.name)) continue;
      const std::string at = fmt::format("{}.{}[{}]", path, flow, i);
      const domain::OperationPolicy* p = find(use);
      if (!p)
        bad(fmt::format(
            "'{}.policyName': unknown policy '{}' {} (GET /api/am/publisher/v4/operation-policies "
            "lists "
            "the built-in and common ones, /apis/{{apiId}}/operation-policies an API's own)",
            at, use.name, use.version));
      if (std::find(p->spec.flows.begin(), p->spec.flows.end(), flow) == p->spec.flows.end())
        bad(fmt::format("'{}': policy '{}' cannot run in the {} flow", at, use.name, flow));
      for (const auto& [k, v] : use.parameters) {
        const std::string& key = k;
        auto attr = std::find_if(p->spec.attributes.begin(), p->spec.attributes.end(),
                                 [&](const domain::PolicyAttribute& a) { return a.name == key; });
        if (attr == p->spec.attributes.end())
          bad(fmt::format("'{}.parameters.{}': policy '{}' has no such parameter", at, k,
                          use.name));
        if (!attr->validation_regex.empty() &&
            !std::regex_match(v, std::regex(attr->validation_regex)))
          bad(fmt::format("'{}.parameters.{}': '{}' is not a valid {}", at, k, v,
                          attr->display_name));
      }
      for (const auto& a : p->spec.attributes)
        if (a.required && a.default_value.empty() && !use.parameters.count(a.name))
          bad(fmt::format("'{}.parameters.{}' is required by policy '{}'", at, a.name, use.name));
    }
  }
}

void OperationPolicyService::check_uses(const domain::Api& api, const std::string& api_id) {
  check_flows(api.api_policies, api_id, "apiPolicies");
  for (std::size_t i = 0; i < api.operations.size(); ++i)
    check_flows(api.operations[i].policies, api_id,
                fmt::format("operations[{}].operationPolicies", i));
}

}  // namespace archway::publisher
