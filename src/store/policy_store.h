#pragma once
// Policies: throttling tiers, deny policies (blocking conditions), custom operation policies and
// the gateway policy mappings of environments. One aggregate of the store (see store.h).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/mediation.h"
#include "domain/operation_policy.h"
#include "domain/policy.h"

namespace archway::store {

// Something that still names a throttling policy, so deleting it would leave a dangling name.
struct PolicyUse {
  enum class By { kApplication, kApi, kRevision, kSubscription };
  By by = By::kApi;
  std::string name;         // the application's or API's name (empty for a subscription)
  int revision_number = 0;  // kRevision
  std::string place;        // where the API names it: "policies", "apiThrottlingPolicy", "operations[2].throttlingPolicy"
};

class PolicyStore {
 public:
  virtual ~PolicyStore() = default;

  // Custom operation policies (migration 26): common ones (api_id empty) and API-specific ones,
  // name and version unique within their scope (409); an API's own go with it. Deleting one that
  // an API (working copy or revision) or a gateway policy mapping uses is refused (409).
  virtual void create_operation_policy(const domain::OperationPolicy& p) = 0;
  // Empty api_id: the common ones; else that API's own.
  virtual std::vector<domain::OperationPolicy> list_operation_policies(std::string_view api_id) = 0;
  virtual std::optional<domain::OperationPolicy> get_operation_policy(std::string_view id) = 0;
  virtual bool delete_operation_policy(std::string_view id) = 0;
  // Copies an API's own policies to its new version.
  virtual void copy_operation_policies(std::string_view from_api_id, std::string_view to_api_id) = 0;

  // Gateway policy mappings (migration 26): policies every API of a gateway environment runs
  // before its own. An environment has at most one mapping deployed (409). Changing a deployed
  // mapping, deploying or undeploying appends `gateway_policy.changed`; deleting a deployed one is
  // refused (412).
  virtual void create_gateway_policy_mapping(const domain::GatewayPolicyMapping& m) = 0;
  virtual std::vector<domain::GatewayPolicyMapping> list_gateway_policy_mappings() = 0;
  virtual std::optional<domain::GatewayPolicyMapping> get_gateway_policy_mapping(std::string_view id) = 0;
  virtual bool update_gateway_policy_mapping(const domain::GatewayPolicyMapping& m) = 0;  // false: no such
  virtual bool delete_gateway_policy_mapping(std::string_view id) = 0;
  // Deploys the mapping to `deploy` and undeploys it from `undeploy` (environment names), in one transaction.
  virtual void deploy_gateway_policy_mapping(std::string_view id, const std::vector<std::string>& deploy,
                                             const std::vector<std::string>& undeploy) = 0;
  // The flows of the mapping deployed to an environment (empty: none).
  virtual domain::PolicyFlows gateway_policies_of(std::string_view environment) = 0;

  // Throttling policies (unique per level and name).
  virtual void create_policy(const domain::ThrottlePolicy& p) = 0;
  virtual std::vector<domain::ThrottlePolicy> list_policies(std::string_view level) = 0;
  virtual std::optional<domain::ThrottlePolicy> get_policy(std::string_view level, std::string_view id) = 0;
  virtual std::optional<domain::ThrottlePolicy> find_policy(std::string_view level, std::string_view name) = 0;
  virtual void update_policy(const domain::ThrottlePolicy& p) = 0;  // the name cannot change
  virtual bool delete_policy(std::string_view level, std::string_view id) = 0;
  // Something that names the policy of this level and name, if anything does: an application
  // (application tiers); an API offering it or a subscription on it (subscription tiers); an API,
  // one of its operations or one of its revisions (advanced tiers).
  virtual std::optional<PolicyUse> find_policy_use(std::string_view level, std::string_view name) = 0;

  // Deny policies (blocking conditions), unique per type and value (409 when one exists).
  virtual void create_block_condition(const domain::BlockCondition& c) = 0;
  virtual std::vector<domain::BlockCondition> list_block_conditions() = 0;
  virtual std::optional<domain::BlockCondition> get_block_condition(std::string_view id) = 0;
  // Enables or disables (conditionStatus); false when there is no such condition.
  virtual bool set_block_condition_status(std::string_view id, bool enabled) = 0;
  virtual bool delete_block_condition(std::string_view id) = 0;
};

}  // namespace archway::store
