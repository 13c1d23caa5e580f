#pragma once
// Custom operation policies (the Publisher's /operation-policies and
// /apis/{apiId}/operation-policies) and gateway policy mappings (/gateway-policies). A custom
// policy is the product's policy specification (name, version, flows, attributes) with an Archway
// definition that composes built-in policies with parameters; no code of its own runs in the
// gateway: a use of it is expanded into uses of built-in policies when the gateway's state is built
// (docs/mediation.md).
#include <boost/json.hpp>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "domain/mediation.h"

namespace archway::domain {

// One built-in policy use of a definition; parameter values may name the custom policy's
// attributes as {{attributeName}}.
struct PolicyStep {
  std::string policy;
  std::map<std::string, std::string> parameters;
};

struct OperationPolicy {
  std::string id;
  std::string api_id;  // empty: common to every API; else that API's own
  PolicySpec spec;  // name, displayName, description, category, applicableFlows, policyAttributes
  std::string version = "v1";
  std::vector<std::string> supported_gateways;
  std::vector<std::string> supported_api_types;
  std::vector<PolicyStep> steps;
  std::string spec_text;  // the files as uploaded, for /content and export
  std::string definition_text;
  std::string md5;  // of the two files
  std::int64_t created_time = 0;
};

// A mapping of policies to every API of the gateway environments it is deployed to (labels).
struct GatewayPolicyMapping {
  std::string id;
  std::string display_name;
  std::string description;
  PolicyFlows flows;
  std::vector<std::string> labels;  // gateway environments it is deployed to
};

// The built-in uses a use of `policy` stands for: its steps, in order, with each {{attribute}}
// replaced by the use's parameter (else the attribute's default value, else nothing).
std::vector<PolicyRef> expand_policy(const OperationPolicy& policy, const PolicyRef& use);

// Finds the custom policy a use names; null when there is none.
using PolicyResolver = std::function<const OperationPolicy*(const PolicyRef& use)>;

// Replaces every use of a custom policy in `flows` by its expansion. A use that names neither a
// built-in nor a custom policy is left out and reported through `unknown`.
void expand_custom_policies(PolicyFlows& flows, const PolicyResolver& resolve,
                            const std::function<void(const PolicyRef&)>& unknown);

// Whether a flow list names a policy that is not built in.
bool has_custom_policies(const PolicyFlows& flows);

// OperationPolicyData as the product answers it.
boost::json::object operation_policy_to_json(const OperationPolicy& p);
// The stored record (OperationPolicyData plus `steps`, `apiId` and the files) and back.
boost::json::object operation_policy_record(const OperationPolicy& p);
OperationPolicy operation_policy_from_record(const boost::json::object& o);

}  // namespace archway::domain
