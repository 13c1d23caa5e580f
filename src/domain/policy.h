#pragma once
// Throttling policies (tiers) and blocking conditions of the Traffic Manager: subscription tiers
// (business plans), application tiers, advanced (API and resource) policies with conditional
// groups, and deny policies. Enforcement lives in the gateway (traffic/); this is the plain model.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/ip.h"

namespace archway::domain {

inline constexpr std::string_view kPolicyLevelSubscription = "subscription";
inline constexpr std::string_view kPolicyLevelApplication = "application";
inline constexpr std::string_view kPolicyLevelAdvanced = "advanced";  // API and resource level

struct ThrottleLimit {
  std::string type = "REQUESTCOUNTLIMIT";  // or BANDWIDTHLIMIT
  std::string time_unit = "min";           // sec, min, hour, day
  std::int64_t unit_time = 1;
  std::int64_t request_count = 0;  // REQUESTCOUNTLIMIT
  std::int64_t data_amount = 0;    // BANDWIDTHLIMIT
  std::string data_unit = "KB";    // KB, MB, GB
};

// One condition of an advanced policy's conditional group (WSO2 ThrottleCondition). `type` says
// which of the fields below apply; `invert` negates the match.
struct ThrottleCondition {
  std::string type;  // HEADERCONDITION, IPCONDITION, QUERYPARAMETERCONDITION, JWTCLAIMSCONDITION
  bool invert = false;
  // HEADERCONDITION: header_name/value; QUERYPARAMETERCONDITION: parameter name/value;
  // JWTCLAIMSCONDITION: claim URL/attribute (the value the claim must equal).
  std::string name;
  std::string value;
  // IPCONDITION: IPSPECIFIC (specific_ip) or IPRANGE (starting_ip .. ending_ip, inclusive).
  std::string ip_condition_type;
  std::string specific_ip;
  std::string starting_ip;
  std::string ending_ip;
};

// A request that matches every condition of a group is limited by the group's limit instead of
// the policy's default limit.
struct ConditionalGroup {
  std::string description;
  std::vector<ThrottleCondition> conditions;
  ThrottleLimit limit;
};

struct ThrottlePolicy {
  std::string id;     // policyId
  std::string level;  // subscription | application | advanced
  std::string name;   // policyName, what APIs, subscriptions and applications refer to
  std::string display_name;
  std::string description;
  bool unlimited = false;  // the Unlimited tiers have no limit
  ThrottleLimit limit;
  std::int64_t rate_limit_count = 0;  // burst control (spike arrest); 0 = none (subscription)
  std::string rate_limit_time_unit;   // sec or min
  bool stop_on_quota_reach = true;    // subscription: false lets traffic through (billing plans)
  std::string billing_plan = "FREE";  // FREE, COMMERCIAL
  std::vector<ConditionalGroup> conditional_groups;  // advanced only
};

// A deny policy (WSO2 BlockingCondition). `value` is the product's conditionValue:
//   API         the API context, e.g. "/pizzashack/1.0.0" (or "/pizzashack" for every version)
//   APPLICATION "<owner>:<application name>"
//   USER        a username (the token's subject)
//   IP          fixed_ip (with invert)
//   IPRANGE     starting_ip .. ending_ip inclusive (with invert)
struct BlockCondition {
  std::string id;  // conditionId
  std::string type;
  std::string value;  // API, APPLICATION, USER
  std::string fixed_ip;
  std::string starting_ip;
  std::string ending_ip;
  bool invert = false;
  bool enabled = true;  // conditionStatus
  std::int64_t created_time = 0;
};

}  // namespace archway::domain
