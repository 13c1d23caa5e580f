#include "domain/custom_rule_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "common/json.h"
#include "common/problem.h"
#include "domain/policy_json.h"

namespace archway::domain {

namespace json = boost::json;
using common::opt_array;
using common::opt_int;
using common::opt_object;
using common::opt_string;

namespace {

[[noreturn]] void bad(std::string d) {
  throw common::ProblemError(common::Problem::bad_request(std::move(d)));
}

constexpr std::string_view kArchwayFields =
    "give the rule as 'condition' (any of apiContext, apiVersion, userId, appId, clientIp, "
    "headers) and "
    "'limit' ({requestCount, timeUnit, unitTime}) with a 'keyTemplate' (docs/rest-api.md, custom "
    "rules)";

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(char(c)) != std::string_view::npos;
  });
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

// The super tenant's domain the product appends to user names ("admin@carbon.super").
std::string without_tenant(std::string user) {
  constexpr std::string_view kSuperTenant = "@carbon.super";
  if (user.size() > kSuperTenant.size() && user.ends_with(kSuperTenant))
    user.resize(user.size() - kSuperTenant.size());
  return user;
}

CustomRuleMatch match_from_json(const json::object& c) {
  CustomRuleMatch m;
  for (const auto& field : c) {
    const std::string_view k = field.key();
    if (k != "apiContext" && k != "apiVersion" && k != "userId" && k != "appId" &&
        k != "clientIp" && k != "headers")
      bad(fmt::format("'condition.{}' is not a condition Archway knows; {}", k, kArchwayFields));
  }
  auto text = [&](std::string_view key) {
    const std::string path = "condition." + std::string(key);
    std::string v = opt_string(c, key, path).value_or("");
    if (v.size() > 255 || has_control(v))
      bad(fmt::format("'{}' must be at most 255 printable characters", path));
    return v;
  };
  m.api_context = text("apiContext");
  if (!m.api_context.empty() && m.api_context.front() != '/')
    bad(fmt::format("'condition.apiContext' must start with '/', got '{}'", m.api_context));
  m.api_version = text("apiVersion");
  m.user_id = without_tenant(text("userId"));
  m.app_id = text("appId");
  m.client_ip = text("clientIp");
  if (!m.client_ip.empty() && !parse_ip(m.client_ip))
    bad(fmt::format("'condition.clientIp' is not an IP address: '{}'", m.client_ip));
  if (const json::array* hs = opt_array(c, "headers", "condition.headers")) {
    for (std::size_t i = 0; i < hs->size(); ++i) {
      const std::string p = fmt::format("condition.headers[{}]", i);
      const json::object& h = common::as_object((*hs)[i], p);
      std::string name = opt_string(h, "name", p + ".name").value_or("");
      std::string value = opt_string(h, "value", p + ".value").value_or("");
      if (!is_token(name) || name.size() > 100)
        bad(fmt::format("'{}.name' must be a header name", p));
      if (value.size() > 1024 || has_control(value))
        bad(fmt::format("'{}.value' must be at most 1024 printable characters", p));
      m.headers.emplace_back(std::move(name), std::move(value));
    }
  }
  return m;
}

json::object match_to_json(const CustomRuleMatch& m) {
  json::object o;
  if (!m.api_context.empty()) o["apiContext"] = m.api_context;
  if (!m.api_version.empty()) o["apiVersion"] = m.api_version;
  if (!m.user_id.empty()) o["userId"] = m.user_id;
  if (!m.app_id.empty()) o["appId"] = m.app_id;
  if (!m.client_ip.empty()) o["clientIp"] = m.client_ip;
  if (!m.headers.empty()) {
    json::array hs;
    for (const auto& [name, value] : m.headers)
      hs.push_back(json::object{{"name", name}, {"value", value}});
    o["headers"] = std::move(hs);
  }
  return o;
}

ThrottleLimit limit_from_json(const json::object& l) {
  ThrottleLimit out;
  out.type = "REQUESTCOUNTLIMIT";
  out.request_count = opt_int(l, "requestCount", "limit.requestCount").value_or(0);
  out.time_unit = opt_string(l, "timeUnit", "limit.timeUnit").value_or("min");
  out.unit_time = opt_int(l, "unitTime", "limit.unitTime").value_or(1);
  if (out.request_count <= 0) bad("'limit.requestCount' must be a positive number");
  if (out.time_unit != "sec" && out.time_unit != "min" && out.time_unit != "hour" &&
      out.time_unit != "day")
    bad(fmt::format("'limit.timeUnit' must be sec, min, hour or day, got '{}'", out.time_unit));
  if (out.unit_time <= 0) bad("'limit.unitTime' must be a positive number");
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

}  // namespace

std::string key_template_error(std::string_view t) {
  if (t.empty()) return "'keyTemplate' is required (e.g. $userId or $apiContext:$apiVersion)";
  if (t.size() > 255 || has_control(t))
    return "'keyTemplate' must be at most 255 printable characters";
  bool any = false;
  for (std::size_t i = 0; i < t.size();) {
    if (t[i] != '$') {
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    while (j < t.size() && std::isalnum(static_cast<unsigned char>(t[j]))) ++j;
    const std::string_view name = t.substr(i + 1, j - i - 1);
    if (std::find(std::begin(kKeyTemplateVariables), std::end(kKeyTemplateVariables), name) ==
        std::end(kKeyTemplateVariables))
      return fmt::format(
          "'keyTemplate' names '${}', which is not one of $userId, $apiContext, $apiVersion, "
          "$appId, "
          "$clientIp, $apiName",
          name);
    any = true;
    i = j;
  }
  if (!any) return "'keyTemplate' must name at least one attribute (e.g. $userId)";
  return "";
}

std::optional<SiddhiRule> read_siddhi_template(std::string_view query, std::string& why) {
  const std::string q(query);
  const std::string lq = lower(q);
  SiddhiRule rule;
  // The eligibility test: SELECT ... (attr == 'value' [and ...]) AS isEligible.
  const std::size_t select = lq.find("select");
  const std::size_t eligible = lq.find("iseligible");
  if (select == std::string::npos || eligible == std::string::npos || eligible < select) {
    why = "it has no 'SELECT ... AS isEligible' eligibility test";
    return std::nullopt;
  }
  const std::string test = q.substr(select + 6, eligible - select - 6);
  if (std::regex_search(lower(test), std::regex(R"(\bor\b|!=|\bnot\b)"))) {
    why =
        "its eligibility test uses OR, != or NOT; Archway conditions are equalities joined by AND";
    return std::nullopt;
  }
  static const std::regex kEquality(R"re((\w+)\s*==\s*(?:'([^']*)'|"([^"]*)"))re");
  for (auto it = std::sregex_iterator(test.begin(), test.end(), kEquality);
       it != std::sregex_iterator(); ++it) {
    const std::string attr = (*it)[1];
    const std::string value = (*it)[2].matched ? std::string((*it)[2]) : std::string((*it)[3]);
    if (attr == "userId")
      rule.match.user_id = without_tenant(value);
    else if (attr == "apiContext")
      rule.match.api_context = value;
    else if (attr == "apiVersion")
      rule.match.api_version = value;
    else if (attr == "appId")
      rule.match.app_id = value;
    else if (attr == "clientIp")
      rule.match.client_ip = value;
    else {
      why = fmt::format("its eligibility test compares '{}', which Archway cannot match", attr);
      return std::nullopt;
    }
  }
  if (!rule.match.client_ip.empty() && !parse_ip(rule.match.client_ip)) {
    why = fmt::format("'{}' is not an IP address", rule.match.client_ip);
    return std::nullopt;
  }
  // The window: #throttler:timeBatch(1 min).
  std::smatch m;
  if (!std::regex_search(q, m, std::regex(R"(timeBatch\(\s*(\d{1,9})\s*([A-Za-z]+)\s*\))"))) {
    why = "it has no timeBatch(<n> <unit>) window";
    return std::nullopt;
  }
  rule.limit.unit_time = std::stoll(m[1]);
  const std::string unit = lower(m[2]);
  if (unit.starts_with("sec"))
    rule.limit.time_unit = "sec";
  else if (unit.starts_with("min"))
    rule.limit.time_unit = "min";
  else if (unit.starts_with("hour"))
    rule.limit.time_unit = "hour";
  else if (unit.starts_with("day"))
    rule.limit.time_unit = "day";
  else {
    why = fmt::format("its timeBatch unit '{}' is not sec, min, hour or day", std::string(m[2]));
    return std::nullopt;
  }
  // The threshold: (count(userId) >= 10) as isThrottled.
  if (!std::regex_search(q, m, std::regex(R"(count\([^)]*\)\s*(>=|>)\s*(\d{1,9}))"))) {
    why = "it has no 'count(...) >= <n>' threshold";
    return std::nullopt;
  }
  rule.limit.type = "REQUESTCOUNTLIMIT";
  rule.limit.request_count = std::stoll(m[2]) + (m[1] == ">" ? 1 : 0);
  if (rule.limit.request_count <= 0 || rule.limit.unit_time <= 0) {
    why = "its threshold and window must be positive";
    return std::nullopt;
  }
  return rule;
}

ThrottlePolicy custom_rule_from_json(const json::object& o) {
  ThrottlePolicy p;
  p.level = std::string(kPolicyLevelCustom);
  p.name = policy_name_from_json(o);
  p.display_name = opt_string(o, "displayName", "displayName").value_or(p.name);
  p.description = opt_string(o, "description", "description").value_or("");
  if (p.description.size() > 1024) bad("'description' must be at most 1024 characters");
  p.key_template = opt_string(o, "keyTemplate", "keyTemplate").value_or("");
  if (const std::string err = key_template_error(p.key_template); !err.empty()) bad(err);
  p.siddhi_query = opt_string(o, "siddhiQuery", "siddhiQuery").value_or("");
  if (p.siddhi_query.size() > 8192) bad("'siddhiQuery' must be at most 8192 characters");
  const json::object* condition = opt_object(o, "condition", "condition");
  const json::object* limit = opt_object(o, "limit", "limit");
  if (limit) {
    p.limit = limit_from_json(*limit);
    if (condition) p.match = match_from_json(*condition);
  } else if (condition) {
    bad("'limit' ({requestCount, timeUnit, unitTime}) is required with 'condition'");
  } else if (!p.siddhi_query.empty()) {
    std::string why;
    auto rule = read_siddhi_template(p.siddhi_query, why);
    if (!rule)
      bad(fmt::format(
          "'siddhiQuery' is not one Archway can enforce ({}); Archway does not run Siddhi: {}", why,
          kArchwayFields));
    // The same checks as a 'condition' body: a rule read from a query must read back from its JSON.
    p.match = match_from_json(match_to_json(rule->match));
    p.limit = rule->limit;
  } else {
    bad(std::string("a custom rule needs what it limits: ") + std::string(kArchwayFields));
  }
  return p;
}

json::object custom_rule_to_json(const ThrottlePolicy& p) {
  return json::object{{"policyId", p.id},
                      {"policyName", p.name},
                      {"displayName", p.display_name},
                      {"description", p.description},
                      {"isDeployed", true},
                      {"type", "CustomRule"},
                      {"siddhiQuery", p.siddhi_query},
                      {"keyTemplate", p.key_template},
                      {"condition", match_to_json(p.match)},
                      {"limit", json::object{{"requestCount", p.limit.request_count},
                                             {"timeUnit", p.limit.time_unit},
                                             {"unitTime", p.limit.unit_time}}}};
}

}  // namespace archway::domain
