#pragma once
// The Publisher's API operations over the Store: create, update, delete, lifecycle, revisions and
// deployments. Throws common::ProblemError with the status the REST API answers.
#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "crypto/secret_box.h"
#include "domain/api.h"
#include "domain/user.h"
#include "store/store.h"

namespace archway::publisher {

// Which records a service manages: APIs, or API products (type APIPRODUCT), which share the
// APIs' storage, revisions, deployments and lifecycle. Each kind's service answers 404 for the other.
enum class ApiKind { kApi, kProduct };

class ApiService {
 public:
  // `secrets` seals endpoint_security secrets at rest; without it such APIs are refused.
  explicit ApiService(store::Store& store, const crypto::SecretBox* secrets = nullptr,
                      ApiKind kind = ApiKind::kApi)
      : store_(store), secrets_(secrets), kind_(kind) {}

  ApiKind kind() const { return kind_; }

  // An API product's operations must exist in the APIs it names (400 naming 'apis[i]...'); its
  // context may not be an API's (409).
  domain::Api create(domain::Api api, const domain::User& caller);
  // A new version of an API: operations, policies, endpoints, settings, documents and thumbnail
  // copied, in CREATED,
  // not deployed; with `default_version` it becomes the API's only default version.
  domain::Api copy(const std::string& id, const std::string& new_version, bool default_version,
                   const domain::User& caller);
  // What create() and update() store, checked and completed (id, provider, times, sealed
  // secrets) but not written: for a writer that stores the API together with other records in
  // one transaction (the project import). Throws as create() and update() do.
  domain::Api checked_new(domain::Api api, const domain::User& caller);
  domain::Api checked_update(const std::string& id, domain::Api changes, bool replace_definition);

  domain::Api get(const std::string& id);
  // Whether `id` is a record of this service's kind.
  bool owns(const std::string& id);
  store::ApiPage list(const store::ApiQuery& q);
  // Whether an API or API product has this name and/or context (ignoring case) and, when given,
  // this version (the product's POST /apis/validate).
  bool exists(std::string_view name, std::string_view context, std::string_view version) {
    return store_.api_exists(name, context, version);
  }
  // Keeps the stored OpenAPI definition unless `replace_definition` (then changes' one is stored).
  domain::Api update(const std::string& id, domain::Api changes, bool replace_definition = false);
  // 409 while an API product bundles operations of the API.
  void remove(const std::string& id);
  // Whether the Service Catalog entry the API was created from has changed since (false for an
  // API not created from a service).
  bool service_outdated(const domain::Api& api);
  // Whether an API product is outdated (the product's is-outdated): one of its APIs changed after
  // the product was last saved, or is gone, so the operations, endpoints and policies it copied
  // from them may differ from theirs (saving the product again takes them up).
  bool product_outdated(const domain::Api& product);

  // Applies a lifecycle action (domain/lifecycle.h) with the `lifecycleChecklist` items; returns
  // the new state. A Publish also deprecates older PUBLISHED versions (same name and provider)
  // when the checklist asks, and carries their subscriptions over unless it requires
  // re-subscription. 400 for an unknown or illegal action or a working copy the target state
  // cannot take; 409 when another change moved the API first.
  std::string change_lifecycle(const std::string& id, const std::string& action,
                               const std::string& checklist, const domain::User& caller);
  // The state `action` would move `api` to, checked as change_lifecycle checks it, not applied
  // (for a change that waits for approval).
  std::string lifecycle_target(const domain::Api& api, const std::string& action);
  std::vector<domain::LifecycleHistoryEntry> lifecycle_history(const std::string& id);

  domain::Revision create_revision(const std::string& api_id, const std::string& description);
  std::vector<domain::Revision> revisions(const std::string& api_id);
  domain::Revision revision(const std::string& api_id, const std::string& revision_id);
  // A revision by its id alone (the product's GET /apis/{revisionId}); nullopt when none of this
  // kind's APIs has it. Asks each API in turn: meant for that read, not for hot paths.
  std::optional<domain::Revision> find_revision(const std::string& revision_id);
  void delete_revision(const std::string& api_id, const std::string& revision_id);
  domain::Api restore_revision(const std::string& api_id, const std::string& revision_id);

  std::vector<domain::Deployment> deploy(const std::string& api_id, const std::string& revision_id,
                                         std::vector<domain::Deployment> targets);
  // deploy()'s checks of the targets, completed (vhosts) but not deployed.
  std::vector<domain::Deployment> checked_deployments(const std::string& api_id, const std::string& revision_id,
                                                      std::vector<domain::Deployment> targets);
  std::vector<domain::Deployment> undeploy(const std::string& api_id, const std::string& revision_id,
                                           std::vector<std::string> environments);
  std::vector<domain::Deployment> deployments(const std::string& api_id);
  // Whether the Developer Portal shows the deployment to `environment` (404 when there is none).
  domain::Deployment set_deployment_visibility(const std::string& api_id, const std::string& environment,
                                               bool display_on_devportal);
  // The API's properties for one gateway environment (`env_id`: an id, or the built-in one's name);
  // 404 for an unknown API or environment.
  domain::EnvironmentProperties environment_properties(const std::string& api_id, const std::string& env_id);
  // Replaces them. "productionEndpoint" and "sandboxEndpoint" must be http(s) URLs, and every
  // endpoint URL of the API must stay one once the properties apply (400 naming the property).
  domain::EnvironmentProperties set_environment_properties(const std::string& api_id, const std::string& env_id,
                                                           const domain::EnvironmentProperties& properties);
  // Labels attached to the API; attaching or detaching names label ids (400 for an unknown one).
  std::vector<domain::Label> labels(const std::string& api_id);
  std::vector<domain::Label> change_labels(const std::string& api_id, const std::vector<std::string>& label_ids,
                                           bool attach);

  void set_subscription_status(const std::string& subscription_id, const std::string& status);
  // A page of the API's subscriptions, oldest first, with the total (404 for an unknown API).
  store::SubscriptionPage subscriptions_of(const std::string& api_id, std::int64_t limit, std::int64_t offset);
  // Who subscribed: the owner of the subscription's application (404 for an unknown subscription).
  domain::User subscriber_of(const std::string& subscription_id);

  // {count, list} of the tiers of a level (subscription, api = advanced, or application).
  boost::json::object policy_list(const std::string& level);
  // One tier of a level, by name (404 when there is none).
  domain::ThrottlePolicy policy(const std::string& level, const std::string& name);
  // The subscription tiers the API offers (its `policies`), in its order.
  std::vector<domain::ThrottlePolicy> subscription_policies(const std::string& api_id);
  // The tags of every API and API product, with how many carry each.
  std::vector<std::pair<std::string, std::int64_t>> tags();

  // Names of the gateway environments a revision can be deployed to: the built-in one, then those
  // the Admin API added.
  std::vector<std::string> environments() const;

 private:
  // Every name in `policies` is a subscription tier; apiThrottlingPolicy and each operation's
  // throttlingPolicy name advanced tiers (or are empty).
  void check_tiers(const domain::Api& api);
  // Every name in `categories` is an Admin API category (400 naming the entry otherwise); names
  // are spelled as the category is.
  void check_categories(domain::Api& api);
  // Shared scope references must name an existing shared scope (their definition is copied from
  // it); a local scope may not take a shared scope's name. 400 otherwise.
  void check_scopes(domain::Api& api);
  // Subscriptions of `older` versions (newest first, one per application) copied to `api`, at
  // tiers `api` offers.
  std::vector<domain::Subscription> carried_subscriptions(const domain::Api& api,
                                                          const std::vector<domain::Api>& older);
  // Seals the endpoint_security secrets of `api` (in its endpointConfig document too); an empty
  // secret keeps the one `stored` has. 400 naming the field when a required secret is missing.
  void seal_endpoint_secrets(domain::Api& api, const domain::Api* stored);
  // Fills an API product's operations, endpoints, policies and scopes in from the APIs it names;
  // 400 naming the entry when an API or one of its operations does not exist.
  void resolve_product(domain::Api& product);
  // "API" or "API Product", for messages.
  const char* noun() const { return kind_ == ApiKind::kProduct ? "API Product" : "API"; }
  [[noreturn]] void not_found(const std::string& id) const;

  store::Store& store_;
  const crypto::SecretBox* secrets_;
  ApiKind kind_;
};

}  // namespace archway::publisher
