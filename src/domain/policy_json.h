#pragma once
// JSON codec for throttling policies in the WSO2 API Manager 4.x Admin shapes
// (SubscriptionThrottlePolicy, ApplicationThrottlePolicy), with field-naming validation.
#include <boost/json.hpp>

#include "domain/policy.h"

namespace archway::domain {

// Reads and validates a policy body of `level`; throws ProblemError(400) naming the field.
ThrottlePolicy policy_from_json(const boost::json::object& o, std::string_view level);
boost::json::object policy_to_json(const ThrottlePolicy& p);
// The Publisher/DevPortal "throttling-policies" list entry.
boost::json::object policy_summary_json(const ThrottlePolicy& p);

}  // namespace archway::domain
