#pragma once
// Mediation policies attached to APIs and operations (the product's `apiPolicies` and operation
// `operationPolicies`): ordered request, response and fault flows of named built-in policies with
// parameters, and the API's CORS configuration. The gateway compiles them when it builds its
// snapshot; this is the plain model and the catalogue of built-in policies.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace archway::domain {

struct PolicyRef {
  std::string name;  // policyName
  std::string version = "v1";
  std::string id;  // policyId (optional, echoed back)
  std::map<std::string, std::string> parameters;
};

struct PolicyFlows {
  std::vector<PolicyRef> request;
  std::vector<PolicyRef> response;
  std::vector<PolicyRef> fault;
  bool empty() const { return request.empty() && response.empty() && fault.empty(); }
};

struct CorsConfiguration {
  bool enabled = false;
  std::vector<std::string> allow_origins{"*"};
  std::vector<std::string> allow_methods{"GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"};
  std::vector<std::string> allow_headers{"authorization", "Access-Control-Allow-Origin", "Content-Type",
                                         "SOAPAction", "apikey"};
  bool allow_credentials = false;
};

// A built-in policy: what the Publisher's /operation-policies lists and what validation checks.
struct PolicyAttribute {
  std::string name;
  std::string display_name;
  std::string description;
  bool required = true;
  std::string validation_regex;  // empty: any value
  std::string type = "String";   // "JSON": given as a JSON value (kept as its text), e.g. jsonTransform's operations
  std::string default_value;     // custom policies: the value a use that does not give it has
};

struct PolicySpec {
  std::string name;
  std::string display_name;
  std::string description;
  std::string category;  // Mediation
  std::vector<std::string> flows;  // request, response, fault
  std::vector<PolicyAttribute> attributes;
};

const std::vector<PolicySpec>& builtin_policies();
const PolicySpec* find_builtin_policy(std::string_view name);

}  // namespace archway::domain
