#pragma once
// JSON codec for throttling policies and deny policies in the WSO2 API Manager 4.x Admin shapes
// (SubscriptionThrottlePolicy, ApplicationThrottlePolicy, AdvancedThrottlePolicy,
// BlockingCondition), with field-naming validation.
#include <boost/json.hpp>
#include <string>

#include "domain/policy.h"

namespace archway::domain {

// Reads and validates a policy body of `level` (custom rules: custom_rule_json.h); throws
// ProblemError(400) naming the field.
ThrottlePolicy policy_from_json(const boost::json::object& o, std::string_view level);
boost::json::object policy_to_json(const ThrottlePolicy& p);
// The body's policyName: required, at most 60 letters, digits, '_', '-' and '.'; 400 otherwise.
std::string policy_name_from_json(const boost::json::object& o);
// The Publisher/DevPortal "throttling-policies" list entry (advanced tiers have policyLevel "api").
boost::json::object policy_summary_json(const ThrottlePolicy& p);

// Reads and validates a deny policy body; throws ProblemError(400) naming the field.
BlockCondition block_condition_from_json(const boost::json::object& o);
boost::json::object block_condition_to_json(const BlockCondition& c);
// What makes two deny policies of one type the same: the value with IP addresses in canonical
// form, so "2001:DB8::1" and "2001:db8::1" collide.
std::string block_condition_key(const BlockCondition& c);

}  // namespace archway::domain
