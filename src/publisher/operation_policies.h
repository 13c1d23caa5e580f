#pragma once
// Custom operation policies of the Publisher: reading an upload (the product's policy
// specification plus Archway's definition, a composition of built-in policies), checking it, the
// export and import archive, and checking that what an API or a gateway policy mapping uses exists
// and fits (docs/mediation.md, "Custom policies"). Errors are ProblemErrors naming the field.
#include <string>
#include <string_view>
#include <vector>

#include "domain/api.h"
#include "domain/operation_policy.h"
#include "store/store.h"

namespace archway::publisher {

class OperationPolicyService {
 public:
  explicit OperationPolicyService(store::Store& store) : store_(store) {}

  // Reads and checks an upload (YAML or JSON files) without storing it: 400 naming what is wrong.
  static domain::OperationPolicy parse(std::string_view spec_text,
                                       std::string_view definition_text);

  // Stores a new policy: common (api_id empty) or the API's own. 409 when a built-in policy or one
  // of the same scope has that name and version.
  domain::OperationPolicy add(domain::OperationPolicy p, const std::string& api_id);
  // The common policies (api_id empty) or an API's own.
  std::vector<domain::OperationPolicy> list(const std::string& api_id);
  // 404 unless the policy exists in that scope.
  domain::OperationPolicy get(const std::string& api_id, const std::string& id);
  // 404 unless it exists in that scope; 409 while something uses it.
  void remove(const std::string& api_id, const std::string& id);

  // The policy as a zip: <name>_<version>/<name>_<version>.yaml (the specification) and
  // <name>_<version>/<name>_<version>.archway.yaml (the definition); `json` writes both as JSON.
  static std::string export_zip(const domain::OperationPolicy& p, bool json);
  // Reads an exported zip into a policy (400 when it is not one).
  static domain::OperationPolicy read_zip(std::string_view zip);

  // Checks every use of a custom policy in an API (`api_id` empty: not stored yet, so only common
  // policies are known): it must exist, run in its flow and be given the attributes it requires.
  void check_uses(const domain::Api& api, const std::string& api_id);
  // The same for policy flows (gateway policy mappings may use common policies only).
  void check_flows(const domain::PolicyFlows& flows, const std::string& api_id,
                   std::string_view path);

 private:
  store::Store& store_;
};

}  // namespace archway::publisher
