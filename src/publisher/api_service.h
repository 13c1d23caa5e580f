#pragma once
// The Publisher's API operations over the Store: create, update, delete, lifecycle, revisions and
// deployments. Throws common::ProblemError with the status the REST API answers.
#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "domain/api.h"
#include "domain/user.h"
#include "store/store.h"

namespace archway::publisher {

struct LifecycleResult {
  std::string state;
  std::vector<std::string> available_transitions;
};

class ApiService {
 public:
  explicit ApiService(store::Store& store) : store_(store) {}

  domain::Api create(domain::Api api, const domain::User& caller);
  domain::Api get(const std::string& id);
  store::ApiPage list(const store::ApiQuery& q);
  domain::Api update(const std::string& id, domain::Api changes);
  void remove(const std::string& id);

  LifecycleResult change_lifecycle(const std::string& id, const std::string& action);
  static std::vector<std::string> available_actions(std::string_view state);

  domain::Revision create_revision(const std::string& api_id, const std::string& description);
  std::vector<domain::Revision> revisions(const std::string& api_id);
  domain::Revision revision(const std::string& api_id, const std::string& revision_id);
  void delete_revision(const std::string& api_id, const std::string& revision_id);
  domain::Api restore_revision(const std::string& api_id, const std::string& revision_id);

  std::vector<domain::Deployment> deploy(const std::string& api_id, const std::string& revision_id,
                                         std::vector<domain::Deployment> targets);
  std::vector<domain::Deployment> undeploy(const std::string& api_id, const std::string& revision_id,
                                           std::vector<std::string> environments);
  std::vector<domain::Deployment> deployments(const std::string& api_id);

  void set_subscription_status(const std::string& subscription_id, const std::string& status);
  std::vector<domain::Subscription> subscriptions_of(const std::string& api_id);

  // {count, list} of the tiers of a level (subscription, api = advanced, or application).
  boost::json::object policy_list(const std::string& level);

  // Gateway environments a revision can be deployed to.
  static const std::vector<std::string>& environments();

 private:
  // Every name in `policies` is a subscription tier; apiThrottlingPolicy and each operation's
  // throttlingPolicy name advanced tiers (or are empty).
  void check_tiers(const domain::Api& api);
  store::Store& store_;
};

}  // namespace archway::publisher
