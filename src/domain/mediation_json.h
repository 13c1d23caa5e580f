#pragma once
// JSON codec for mediation policy flows (`apiPolicies`, `operationPolicies`), the CORS
// configuration (`corsConfiguration`) and the /operation-policies catalogue, in the WSO2 API
// Manager 4.x Publisher shapes. Readers validate against the built-in policies and throw
// ProblemError(400) naming the field path.
#include <boost/json.hpp>

#include <string_view>

#include "domain/mediation.h"

namespace archway::domain {

// `path` prefixes field names in errors, e.g. "operations[2].operationPolicies".
PolicyFlows policy_flows_from_json(const boost::json::value& v, std::string_view path);
boost::json::object policy_flows_to_json(const PolicyFlows& f);

CorsConfiguration cors_from_json(const boost::json::value& v, std::string_view path);
boost::json::object cors_to_json(const CorsConfiguration& c);

// An entry of GET /api/am/publisher/v4/operation-policies.
boost::json::object policy_spec_to_json(const PolicySpec& s);

}  // namespace archway::domain
