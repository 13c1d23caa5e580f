#include "domain/policy_json.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "common/json.h"
#include "common/problem.h"
#include "domain/custom_rule_json.h"

namespace archway::domain {

namespace json = boost::json;
using common::opt_array;
using common::opt_bool;
using common::opt_int;
using common::opt_object;
using common::opt_string;

namespace {

[[noreturn]] void bad(std::string d) { throw common::ProblemError(common::Problem::bad_request(std::move(d))); }

bool known_time_unit(const std::string& u) { return u == "sec" || u == "min" || u == "hour" || u == "day"; }

// A limit object ({type, requestCount{...}} or {type, bandwidth{...}}) found at `path`.
ThrottleLimit limit_from_json(const json::object& o, const std::string& path) {
  ThrottleLimit l;
  l.type = opt_string(o, "type", path + ".type").value_or("REQUESTCOUNTLIMIT");
  std::string unit_path;
  if (l.type == "REQUESTCOUNTLIMIT") {
    unit_path = path + ".requestCount";
    const json::object* rc = opt_object(o, "requestCount", unit_path);
    if (!rc) bad(fmt::format("'{}' is required for REQUESTCOUNTLIMIT", unit_path));
    l.time_unit = opt_string(*rc, "timeUnit", unit_path + ".timeUnit").value_or("");
    l.unit_time = opt_int(*rc, "unitTime", unit_path + ".unitTime").value_or(1);
    l.request_count = opt_int(*rc, "requestCount", unit_path + ".requestCount").value_or(0);
    if (l.request_count <= 0) bad(fmt::format("'{}.requestCount' must be a positive number", unit_path));
  } else if (l.type == "BANDWIDTHLIMIT") {
    unit_path = path + ".bandwidth";
    const json::object* bw = opt_object(o, "bandwidth", unit_path);
    if (!bw) bad(fmt::format("'{}' is required for BANDWIDTHLIMIT", unit_path));
    l.time_unit = opt_string(*bw, "timeUnit", unit_path + ".timeUnit").value_or("");
    l.unit_time = opt_int(*bw, "unitTime", unit_path + ".unitTime").value_or(1);
    l.data_amount = opt_int(*bw, "dataAmount", unit_path + ".dataAmount").value_or(0);
    l.data_unit = opt_string(*bw, "dataUnit", unit_path + ".dataUnit").value_or("KB");
    if (l.data_amount <= 0) bad(fmt::format("'{}.dataAmount' must be a positive number", unit_path));
    if (l.data_unit != "KB" && l.data_unit != "MB" && l.data_unit != "GB")
      bad(fmt::format("'{}.dataUnit' must be KB, MB or GB, got '{}'", unit_path, l.data_unit));
  } else {
    bad(fmt::format("'{}.type' must be REQUESTCOUNTLIMIT or BANDWIDTHLIMIT, got '{}'", path, l.type));
  }
  if (!known_time_unit(l.time_unit))
    bad(fmt::format("'{}.timeUnit' must be sec, min, hour or day, got '{}'", unit_path, l.time_unit));
  if (l.unit_time <= 0) bad(fmt::format("'{}.unitTime' must be a positive number", unit_path));
  return l;
}

json::object limit_to_json(const ThrottleLimit& l) {
  json::object o{{"type", l.type}};
  if (l.type == "BANDWIDTHLIMIT")
    o["bandwidth"] = json::object{
        {"timeUnit", l.time_unit}, {"unitTime", l.unit_time}, {"dataAmount", l.data_amount}, {"dataUnit", l.data_unit}};
  else
    o["requestCount"] =
        json::object{{"timeUnit", l.time_unit}, {"unitTime", l.unit_time}, {"requestCount", l.request_count}};
  return o;
}

std::string required_string(const json::object& o, std::string_view key, const std::string& path) {
  auto s = opt_string(o, key, path);
  if (!s || s->empty()) bad(fmt::format("'{}' is required", path));
  return *s;
}

std::string required_ip(const json::object& o, std::string_view key, const std::string& path) {
  std::string s = required_string(o, key, path);
  if (!parse_ip(s)) bad(fmt::format("'{}' is not an IP address: '{}'", path, s));
  return s;
}

void check_range(const std::string& first, const std::string& last, const std::string& first_path,
                 const std::string& last_path) {
  if (*parse_ip(first) > *parse_ip(last))
    bad(fmt::format("'{}' ('{}') is after '{}' ('{}')", first_path, first, last_path, last));
}

ThrottleCondition condition_from_json(const json::object& o, const std::string& path) {
  ThrottleCondition c;
  c.type = opt_string(o, "type", path + ".type").value_or("");
  c.invert = opt_bool(o, "invertCondition", path + ".invertCondition").value_or(false);
  auto part = [&](std::string_view key) -> const json::object& {
    const std::string p = path + "." + std::string(key);
    const json::object* x = opt_object(o, key, p);
    if (!x) bad(fmt::format("'{}' is required for {}", p, c.type));
    return *x;
  };
  if (c.type == "HEADERCONDITION") {
    const json::object& h = part("headerCondition");
    c.name = required_string(h, "headerName", path + ".headerCondition.headerName");
    c.value = required_string(h, "headerValue", path + ".headerCondition.headerValue");
  } else if (c.type == "QUERYPARAMETERCONDITION") {
    const json::object& q = part("queryParameterCondition");
    c.name = required_string(q, "parameterName", path + ".queryParameterCondition.parameterName");
    c.value = required_string(q, "parameterValue", path + ".queryParameterCondition.parameterValue");
  } else if (c.type == "JWTCLAIMSCONDITION") {
    const json::object& j = part("jwtClaimsCondition");
    c.name = required_string(j, "claimUrl", path + ".jwtClaimsCondition.claimUrl");
    c.value = required_string(j, "attribute", path + ".jwtClaimsCondition.attribute");
  } else if (c.type == "IPCONDITION") {
    const json::object& ip = part("ipCondition");
    const std::string p = path + ".ipCondition";
    c.ip_condition_type = opt_string(ip, "ipConditionType", p + ".ipConditionType").value_or("");
    if (c.ip_condition_type == "IPSPECIFIC") {
      c.specific_ip = required_ip(ip, "specificIP", p + ".specificIP");
    } else if (c.ip_condition_type == "IPRANGE") {
      c.starting_ip = required_ip(ip, "startingIP", p + ".startingIP");
      c.ending_ip = required_ip(ip, "endingIP", p + ".endingIP");
      check_range(c.starting_ip, c.ending_ip, p + ".startingIP", p + ".endingIP");
    } else {
      bad(fmt::format("'{}.ipConditionType' must be IPSPECIFIC or IPRANGE, got '{}'", p, c.ip_condition_type));
    }
  } else {
    bad(fmt::format("'{}.type' must be HEADERCONDITION, IPCONDITION, QUERYPARAMETERCONDITION or "
                    "JWTCLAIMSCONDITION, got '{}'",
                    path, c.type));
  }
  return c;
}

json::object condition_to_json(const ThrottleCondition& c) {
  json::object o{{"type", c.type}, {"invertCondition", c.invert}};
  if (c.type == "HEADERCONDITION") {
    o["headerCondition"] = json::object{{"headerName", c.name}, {"headerValue", c.value}};
  } else if (c.type == "QUERYPARAMETERCONDITION") {
    o["queryParameterCondition"] = json::object{{"parameterName", c.name}, {"parameterValue", c.value}};
  } else if (c.type == "JWTCLAIMSCONDITION") {
    o["jwtClaimsCondition"] = json::object{{"claimUrl", c.name}, {"attribute", c.value}};
  } else if (c.type == "IPCONDITION") {
    json::object ip{{"ipConditionType", c.ip_condition_type}};
    if (c.ip_condition_type == "IPSPECIFIC") {
      ip["specificIP"] = c.specific_ip;
    } else {
      ip["startingIP"] = c.starting_ip;
      ip["endingIP"] = c.ending_ip;
    }
    o["ipCondition"] = std::move(ip);
  }
  return o;
}

std::vector<ConditionalGroup> groups_from_json(const json::object& o) {
  std::vector<ConditionalGroup> out;
  const json::array* groups = opt_array(o, "conditionalGroups", "conditionalGroups");
  if (!groups) return out;
  for (std::size_t i = 0; i < groups->size(); ++i) {
    const std::string p = fmt::format("conditionalGroups[{}]", i);
    const json::object& g = common::as_object((*groups)[i], p);
    ConditionalGroup group;
    group.description = opt_string(g, "description", p + ".description").value_or("");
    const json::array* conditions = opt_array(g, "conditions", p + ".conditions");
    if (!conditions || conditions->empty()) bad(fmt::format("'{}.conditions' must hold at least one condition", p));
    for (std::size_t k = 0; k < conditions->size(); ++k) {
      const std::string cp = fmt::format("{}.conditions[{}]", p, k);
      group.conditions.push_back(condition_from_json(common::as_object((*conditions)[k], cp), cp));
    }
    const json::object* limit = opt_object(g, "limit", p + ".limit");
    if (!limit) bad(fmt::format("'{}.limit' is required", p));
    group.limit = limit_from_json(*limit, p + ".limit");
    out.push_back(std::move(group));
  }
  return out;
}

// Burst control (spike arrest): rateLimitCount requests per rateLimitTimeUnit (sec or min), at
// `prefix` (the subscription tier's top level, an application tier's burstLimit).
void burst_from_json(const json::object& o, const std::string& prefix, ThrottlePolicy& p) {
  p.rate_limit_count = opt_int(o, "rateLimitCount", prefix + "rateLimitCount").value_or(0);
  p.rate_limit_time_unit = opt_string(o, "rateLimitTimeUnit", prefix + "rateLimitTimeUnit").value_or("");
  if (p.rate_limit_count < 0) bad(fmt::format("'{}rateLimitCount' must not be negative", prefix));
  if (p.rate_limit_count > 0 && p.rate_limit_time_unit != "sec" && p.rate_limit_time_unit != "min")
    bad(fmt::format("'{0}rateLimitTimeUnit' must be sec or min when '{0}rateLimitCount' is set", prefix));
  if (p.rate_limit_count == 0) p.rate_limit_time_unit.clear();
}

std::vector<std::pair<std::string, std::string>> custom_attributes_from_json(const json::object& o) {
  std::vector<std::pair<std::string, std::string>> out;
  const json::array* list = opt_array(o, "customAttributes", "customAttributes");
  if (!list) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string path = fmt::format("customAttributes[{}]", i);
    const json::object& a = common::as_object((*list)[i], path);
    std::string name = opt_string(a, "name", path + ".name").value_or("");
    std::string value = opt_string(a, "value", path + ".value").value_or("");
    if (name.empty() || name.size() > 255) bad(fmt::format("'{}.name' is required (at most 255 characters)", path));
    if (value.size() > 1024) bad(fmt::format("'{}.value' must be at most 1024 characters", path));
    if (std::any_of(out.begin(), out.end(), [&](const auto& e) { return e.first == name; }))
      bad(fmt::format("'{}.name': '{}' is given twice", path, name));
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

json::array custom_attributes_to_json(const ThrottlePolicy& p) {
  json::array out;
  for (const auto& [name, value] : p.custom_attributes) out.push_back(json::object{{"name", name}, {"value", value}});
  return out;
}

TierPermission permission_from_json(const json::object& o) {
  TierPermission perm;
  const json::object* po = opt_object(o, "permissions", "permissions");
  if (!po) return perm;
  perm.type = opt_string(*po, "permissionType", "permissions.permissionType").value_or("");
  std::transform(perm.type.begin(), perm.type.end(), perm.type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (perm.type != "ALLOW" && perm.type != "DENY")
    bad(fmt::format("'permissions.permissionType' must be ALLOW or DENY, got '{}'", perm.type));
  const json::array* roles = opt_array(*po, "roles", "permissions.roles");
  if (!roles || roles->empty()) bad("'permissions.roles' must name at least one role");
  for (std::size_t i = 0; i < roles->size(); ++i) {
    const json::value& r = (*roles)[i];
    if (!r.is_string() || r.get_string().empty() || r.get_string().size() > 255)
      bad(fmt::format("'permissions.roles[{}]' must be a role name", i));
    perm.roles.emplace_back(r.get_string());
  }
  return perm;
}

std::string_view policy_type(std::string_view level) {
  if (level == kPolicyLevelSubscription) return "SubscriptionThrottlePolicy";
  if (level == kPolicyLevelApplication) return "ApplicationThrottlePolicy";
  return "AdvancedThrottlePolicy";
}

// Canonical text of a valid IP address (IPv4-mapped addresses as dotted quads).
std::string canonical_ip(const std::string& text) {
  const IpAddress a = *parse_ip(text);
  char buf[INET6_ADDRSTRLEN] = {};
  const bool v4 = std::all_of(a.begin(), a.begin() + 10, [](std::uint8_t b) { return b == 0; }) && a[10] == 0xff &&
                  a[11] == 0xff;
  if (v4) return fmt::format("{}.{}.{}.{}", a[12], a[13], a[14], a[15]);
  inet_ntop(AF_INET6, a.data(), buf, sizeof buf);
  return buf;
}

}  // namespace

std::string policy_name_from_json(const json::object& o) {
  std::string name = opt_string(o, "policyName", "policyName").value_or("");
  if (name.empty() || name.size() > 60) bad("'policyName' is required (at most 60 characters)");
  if (!std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
      }))
    bad("'policyName' may hold only letters, digits, '_', '-' and '.'");
  return name;
}

ThrottlePolicy policy_from_json(const json::object& o, std::string_view level) {
  if (level == kPolicyLevelCustom) return custom_rule_from_json(o);
  ThrottlePolicy p;
  p.level = std::string(level);
  p.name = policy_name_from_json(o);
  p.display_name = opt_string(o, "displayName", "displayName").value_or(p.name);
  p.description = opt_string(o, "description", "description").value_or("");
  const json::object* dl = opt_object(o, "defaultLimit", "defaultLimit");
  if (!dl) bad("'defaultLimit' is required");
  p.limit = limit_from_json(*dl, "defaultLimit");
  if (level == kPolicyLevelSubscription) {
    burst_from_json(o, "", p);
    p.subscriber_count = opt_int(o, "subscriberCount", "subscriberCount").value_or(0);
    if (p.subscriber_count < 0) bad("'subscriberCount' must not be negative");
    p.custom_attributes = custom_attributes_from_json(o);
    p.permission = permission_from_json(o);
    p.stop_on_quota_reach = opt_bool(o, "stopOnQuotaReach", "stopOnQuotaReach").value_or(true);
    p.billing_plan = opt_string(o, "billingPlan", "billingPlan").value_or("FREE");
    if (p.billing_plan != "FREE" && p.billing_plan != "COMMERCIAL")
      bad(fmt::format("'billingPlan' must be FREE or COMMERCIAL, got '{}'", p.billing_plan));
  }
  if (level == kPolicyLevelApplication)
    if (const json::object* burst = opt_object(o, "burstLimit", "burstLimit")) burst_from_json(*burst, "burstLimit.", p);
  if (level == kPolicyLevelAdvanced) p.conditional_groups = groups_from_json(o);
  return p;
}

json::object policy_to_json(const ThrottlePolicy& p) {
  if (p.level == kPolicyLevelCustom) return custom_rule_to_json(p);
  json::object o{{"policyId", p.id},
                 {"policyName", p.name},
                 {"displayName", p.display_name},
                 {"description", p.description},
                 {"isDeployed", true},
                 {"type", policy_type(p.level)},
                 {"defaultLimit", limit_to_json(p.limit)}};
  if (p.level == kPolicyLevelSubscription) {
    o["rateLimitCount"] = p.rate_limit_count;
    o["rateLimitTimeUnit"] = p.rate_limit_time_unit.empty() ? json::value(nullptr) : json::value(p.rate_limit_time_unit);
    o["stopOnQuotaReach"] = p.stop_on_quota_reach;
    o["billingPlan"] = p.billing_plan;
    o["subscriberCount"] = p.subscriber_count;
    o["customAttributes"] = custom_attributes_to_json(p);
    o["permissions"] = p.permission.empty() ? json::value(nullptr)
                                            : json::value(json::object{
                                                  {"permissionType", p.permission.type},
                                                  {"roles", json::array(p.permission.roles.begin(),
                                                                        p.permission.roles.end())}});
  }
  if (p.level == kPolicyLevelApplication)
    o["burstLimit"] = json::object{
        {"rateLimitCount", p.rate_limit_count},
        {"rateLimitTimeUnit",
         p.rate_limit_time_unit.empty() ? json::value(nullptr) : json::value(p.rate_limit_time_unit)}};
  if (p.level == kPolicyLevelAdvanced) {
    json::array groups;
    for (const auto& g : p.conditional_groups) {
      json::array conditions;
      for (const auto& c : g.conditions) conditions.push_back(condition_to_json(c));
      groups.push_back(json::object{
          {"description", g.description}, {"conditions", std::move(conditions)}, {"limit", limit_to_json(g.limit)}});
    }
    o["conditionalGroups"] = std::move(groups);
  }
  return o;
}

json::object policy_summary_json(const ThrottlePolicy& p) {
  json::object attributes;  // the DevPortal's map of the tier's custom attributes
  for (const auto& [name, value] : p.custom_attributes) attributes[name] = value;
  json::value permissions = nullptr;
  if (!p.permission.empty()) {
    std::string type = p.permission.type;
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    permissions = json::object{{"type", type}, {"roles", json::array(p.permission.roles.begin(), p.permission.roles.end())}};
  }
  return json::object{{"name", p.name},
                      {"displayName", p.display_name},
                      {"description", p.description},
                      {"policyLevel", p.level == kPolicyLevelAdvanced ? std::string("api") : p.level},
                      {"requestCount", p.unlimited ? 0 : p.limit.request_count},
                      {"dataUnit", p.limit.data_unit},
                      {"unitTime", p.limit.unit_time},
                      {"timeUnit", p.limit.time_unit},
                      {"rateLimitCount", p.rate_limit_count},
                      {"rateLimitTimeUnit", p.rate_limit_time_unit},
                      {"quotaPolicyType", p.limit.type},
                      {"tierPlan", p.billing_plan},
                      {"stopOnQuotaReach", p.stop_on_quota_reach},
                      {"attributes", std::move(attributes)},
                      {"throttlingPolicyPermissions", std::move(permissions)}};
}

BlockCondition block_condition_from_json(const json::object& o) {
  BlockCondition c;
  c.type = opt_string(o, "conditionType", "conditionType").value_or("");
  if (c.type.empty()) bad("'conditionType' is required (API, APPLICATION, IP, IPRANGE or USER)");
  const auto it = o.find("conditionValue");
  if (it == o.end() || it->value().is_null()) bad("'conditionValue' is required");
  const json::value& v = it->value();
  if (c.type == "API" || c.type == "APPLICATION" || c.type == "USER") {
    if (!v.is_string()) bad(fmt::format("'conditionValue' must be a string for {}", c.type));
    c.value = std::string(v.get_string());
    const bool blank = std::any_of(c.value.begin(), c.value.end(), [](char ch) {
      return std::isspace(static_cast<unsigned char>(ch)) || std::iscntrl(static_cast<unsigned char>(ch));
    });
    if (c.type == "API" && (c.value.size() < 2 || c.value.front() != '/' || blank))
      bad(fmt::format("'conditionValue' must be an API context starting with '/', got '{}'", c.value));
    if (c.type == "APPLICATION") {
      const auto colon = c.value.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == c.value.size())
        bad(fmt::format("'conditionValue' must be '<owner>:<application name>', got '{}'", c.value));
    }
    if (c.type == "USER" && c.value.empty()) bad("'conditionValue' must be a username");
  } else if (c.type == "IP") {
    const json::object& ip = common::as_object(v, "conditionValue");
    c.fixed_ip = required_ip(ip, "fixedIp", "conditionValue.fixedIp");
    c.invert = opt_bool(ip, "invert", "conditionValue.invert").value_or(false);
  } else if (c.type == "IPRANGE") {
    const json::object& range = common::as_object(v, "conditionValue");
    c.starting_ip = required_ip(range, "startingIp", "conditionValue.startingIp");
    c.ending_ip = required_ip(range, "endingIp", "conditionValue.endingIp");
    check_range(c.starting_ip, c.ending_ip, "conditionValue.startingIp", "conditionValue.endingIp");
    c.invert = opt_bool(range, "invert", "conditionValue.invert").value_or(false);
  } else {
    bad(fmt::format("'conditionType' must be API, APPLICATION, IP, IPRANGE or USER, got '{}'", c.type));
  }
  c.enabled = opt_bool(o, "conditionStatus", "conditionStatus").value_or(true);
  return c;
}

json::object block_condition_to_json(const BlockCondition& c) {
  json::value value;
  if (c.type == "IP")
    value = json::object{{"fixedIp", c.fixed_ip}, {"invert", c.invert}};
  else if (c.type == "IPRANGE")
    value = json::object{{"startingIp", c.starting_ip}, {"endingIp", c.ending_ip}, {"invert", c.invert}};
  else
    value = c.value;
  return json::object{{"conditionId", c.id},
                      {"conditionType", c.type},
                      {"conditionValue", std::move(value)},
                      {"conditionStatus", c.enabled}};
}

std::string block_condition_key(const BlockCondition& c) {
  const std::string_view inverted = c.invert ? "!" : "";
  if (c.type == "IP") return fmt::format("{}{}", inverted, canonical_ip(c.fixed_ip));
  if (c.type == "IPRANGE")
    return fmt::format("{}{}-{}", inverted, canonical_ip(c.starting_ip), canonical_ip(c.ending_ip));
  return c.value;
}

}  // namespace archway::domain
