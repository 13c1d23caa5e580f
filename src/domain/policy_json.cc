#include "domain/policy_json.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/json.h"
#include "common/problem.h"

namespace archway::domain {

namespace json = boost::json;
using common::opt_bool;
using common::opt_int;
using common::opt_object;
using common::opt_string;

namespace {

[[noreturn]] void bad(std::string d) { throw common::ProblemError(common::Problem::bad_request(std::move(d))); }

bool known_time_unit(const std::string& u) { return u == "sec" || u == "min" || u == "hour" || u == "day"; }

}  // namespace

ThrottlePolicy policy_from_json(const json::object& o, std::string_view level) {
  ThrottlePolicy p;
  p.level = std::string(level);
  p.name = opt_string(o, "policyName", "policyName").value_or("");
  if (p.name.empty() || p.name.size() > 60) bad("'policyName' is required (at most 60 characters)");
  if (!std::all_of(p.name.begin(), p.name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
      }))
    bad("'policyName' may hold only letters, digits, '_', '-' and '.'");
  p.display_name = opt_string(o, "displayName", "displayName").value_or(p.name);
  p.description = opt_string(o, "description", "description").value_or("");
  const json::object* dl = opt_object(o, "defaultLimit", "defaultLimit");
  if (!dl) bad("'defaultLimit' is required");
  p.limit.type = opt_string(*dl, "type", "defaultLimit.type").value_or("REQUESTCOUNTLIMIT");
  if (p.limit.type == "REQUESTCOUNTLIMIT") {
    const json::object* rc = opt_object(*dl, "requestCount", "defaultLimit.requestCount");
    if (!rc) bad("'defaultLimit.requestCount' is required for REQUESTCOUNTLIMIT");
    p.limit.time_unit = opt_string(*rc, "timeUnit", "defaultLimit.requestCount.timeUnit").value_or("");
    p.limit.unit_time = opt_int(*rc, "unitTime", "defaultLimit.requestCount.unitTime").value_or(1);
    p.limit.request_count = opt_int(*rc, "requestCount", "defaultLimit.requestCount.requestCount").value_or(0);
    if (p.limit.request_count <= 0) bad("'defaultLimit.requestCount.requestCount' must be a positive number");
  } else if (p.limit.type == "BANDWIDTHLIMIT") {
    const json::object* bw = opt_object(*dl, "bandwidth", "defaultLimit.bandwidth");
    if (!bw) bad("'defaultLimit.bandwidth' is required for BANDWIDTHLIMIT");
    p.limit.time_unit = opt_string(*bw, "timeUnit", "defaultLimit.bandwidth.timeUnit").value_or("");
    p.limit.unit_time = opt_int(*bw, "unitTime", "defaultLimit.bandwidth.unitTime").value_or(1);
    p.limit.data_amount = opt_int(*bw, "dataAmount", "defaultLimit.bandwidth.dataAmount").value_or(0);
    p.limit.data_unit = opt_string(*bw, "dataUnit", "defaultLimit.bandwidth.dataUnit").value_or("KB");
    if (p.limit.data_amount <= 0) bad("'defaultLimit.bandwidth.dataAmount' must be a positive number");
    if (p.limit.data_unit != "KB" && p.limit.data_unit != "MB" && p.limit.data_unit != "GB")
      bad(fmt::format("'defaultLimit.bandwidth.dataUnit' must be KB, MB or GB, got '{}'", p.limit.data_unit));
  } else {
    bad(fmt::format("'defaultLimit.type' must be REQUESTCOUNTLIMIT or BANDWIDTHLIMIT, got '{}'", p.limit.type));
  }
  const std::string unit_field = p.limit.type == "REQUESTCOUNTLIMIT" ? "requestCount" : "bandwidth";
  if (!known_time_unit(p.limit.time_unit))
    bad(fmt::format("'defaultLimit.{}.timeUnit' must be sec, min, hour or day, got '{}'", unit_field, p.limit.time_unit));
  if (p.limit.unit_time <= 0) bad(fmt::format("'defaultLimit.{}.unitTime' must be a positive number", unit_field));
  if (level == kPolicyLevelSubscription) {
    p.rate_limit_count = opt_int(o, "rateLimitCount", "rateLimitCount").value_or(0);
    p.rate_limit_time_unit = opt_string(o, "rateLimitTimeUnit", "rateLimitTimeUnit").value_or("");
    if (p.rate_limit_count < 0) bad("'rateLimitCount' must not be negative");
    if (p.rate_limit_count > 0 && p.rate_limit_time_unit != "sec" && p.rate_limit_time_unit != "min")
      bad("'rateLimitTimeUnit' must be sec or min when 'rateLimitCount' is set");
    p.stop_on_quota_reach = opt_bool(o, "stopOnQuotaReach", "stopOnQuotaReach").value_or(true);
    p.billing_plan = opt_string(o, "billingPlan", "billingPlan").value_or("FREE");
    if (p.billing_plan != "FREE" && p.billing_plan != "COMMERCIAL")
      bad(fmt::format("'billingPlan' must be FREE or COMMERCIAL, got '{}'", p.billing_plan));
  }
  return p;
}

json::object policy_to_json(const ThrottlePolicy& p) {
  json::object limit{{"type", p.limit.type}};
  if (p.limit.type == "BANDWIDTHLIMIT")
    limit["bandwidth"] = json::object{{"timeUnit", p.limit.time_unit},
                                      {"unitTime", p.limit.unit_time},
                                      {"dataAmount", p.limit.data_amount},
                                      {"dataUnit", p.limit.data_unit}};
  else
    limit["requestCount"] = json::object{
        {"timeUnit", p.limit.time_unit}, {"unitTime", p.limit.unit_time}, {"requestCount", p.limit.request_count}};
  json::object o{{"policyId", p.id},
                 {"policyName", p.name},
                 {"displayName", p.display_name},
                 {"description", p.description},
                 {"isDeployed", true},
                 {"type", p.level == kPolicyLevelSubscription ? "SubscriptionThrottlePolicy" : "ApplicationThrottlePolicy"},
                 {"defaultLimit", std::move(limit)}};
  if (p.level == kPolicyLevelSubscription) {
    o["rateLimitCount"] = p.rate_limit_count;
    o["rateLimitTimeUnit"] = p.rate_limit_time_unit.empty() ? json::value(nullptr) : json::value(p.rate_limit_time_unit);
    o["stopOnQuotaReach"] = p.stop_on_quota_reach;
    o["billingPlan"] = p.billing_plan;
  }
  return o;
}

json::object policy_summary_json(const ThrottlePolicy& p) {
  return json::object{{"name", p.name},
                      {"displayName", p.display_name},
                      {"description", p.description},
                      {"policyLevel", p.level},
                      {"requestCount", p.unlimited ? 0 : p.limit.request_count},
                      {"dataUnit", p.limit.data_unit},
                      {"unitTime", p.limit.unit_time},
                      {"timeUnit", p.limit.time_unit},
                      {"rateLimitCount", p.rate_limit_count},
                      {"rateLimitTimeUnit", p.rate_limit_time_unit},
                      {"quotaPolicyType", p.limit.type},
                      {"tierPlan", p.billing_plan},
                      {"stopOnQuotaReach", p.stop_on_quota_reach}};
}

}  // namespace archway::domain
