#pragma once
// Throttling policies (tiers) and blocking conditions of the Traffic Manager: subscription tiers
// (business plans), application tiers, advanced (API and resource) policies with conditional
// groups, and deny policies. Enforcement lives in the gateway (traffic/); this is the plain model.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/ip.h"

namespace archway::domain {

inline constexpr std::string_view kPolicyLevelSubscription = "subscription";
inline constexpr std::string_view kPolicyLevelApplication = "application";
inline constexpr std::string_view kPolicyLevelAdvanced = "advanced";  // API and resource level
inline constexpr std::string_view kPolicyLevelCustom = "custom";      // custom rules (the product's global policies)

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

// What requests a custom rule counts: every field that is set must match (an empty match counts
// every request). The product writes this as a Siddhi query; Archway takes it as data.
struct CustomRuleMatch {
  std::string api_context;  // the API's context, with or without its version ("/pizzashack[/1.0.0]")
  std::string api_version;
  std::string user_id;    // the caller's user (the token's subject)
  std::string app_id;     // the caller's application id
  std::string client_ip;  // the client's address
  std::vector<std::pair<std::string, std::string>> headers;  // request headers (name, value) that must be present
  bool empty() const {
    return api_context.empty() && api_version.empty() && user_id.empty() && app_id.empty() && client_ip.empty() &&
           headers.empty();
  }
};

// Who may subscribe with a subscription tier (the product's SubscriptionThrottlePolicyPermission):
// with type ALLOW only holders of one of `roles`, with DENY everyone but them; an empty type
// admits everyone. Roles compare as role names do elsewhere, ignoring case and a leading
// "Internal/"; "everyone" names every caller.
struct TierPermission {
  std::string type;  // "", ALLOW or DENY
  std::vector<std::string> roles;
  bool empty() const { return type.empty(); }
};

struct ThrottlePolicy {
  std::string id;     // policyId
  std::string level;  // subscription | application | advanced
  std::string name;   // policyName, what APIs, subscriptions and applications refer to
  std::string display_name;
  std::string description;
  bool unlimited = false;  // the Unlimited tiers have no limit
  ThrottleLimit limit;
  std::int64_t rate_limit_count = 0;  // burst control (spike arrest); 0 = none (subscription, application)
  std::string rate_limit_time_unit;   // sec or min
  bool stop_on_quota_reach = true;    // subscription: false lets traffic through (billing plans)
  std::string billing_plan = "FREE";  // FREE, COMMERCIAL
  // subscription: how many event subscriptions (WebSocket, WebSub) a subscription may hold; 0 is
  // no limit. Kept and returned; Archway serves no event APIs, so nothing counts against it.
  std::int64_t subscriber_count = 0;
  std::vector<std::pair<std::string, std::string>> custom_attributes;  // subscription: name, value
  TierPermission permission;                                           // subscription only
  std::vector<ConditionalGroup> conditional_groups;  // advanced only
  // Custom rules: each request `match` selects counts against `limit` (a request count) under the
  // counter `key_template` names ("$userId", "$apiContext:$apiVersion", ...).
  CustomRuleMatch match;
  std::string key_template;
  std::string siddhi_query;  // as given, for round trips; Archway enforces `match` and `limit`
};

// Whether `permission` admits a caller holding `roles` (none for an anonymous caller).
bool tier_permits(const TierPermission& permission, const std::vector<std::string>& roles);

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
