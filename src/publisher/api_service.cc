#include "publisher/api_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/problem.h"
#include "common/strings.h"
#include "domain/policy_json.h"
#include "domain/url.h"
#include "openapi/operation_validator.h"
#include "publisher/api_validation.h"
#include "publisher/operation_policies.h"

namespace archway::publisher {

using common::Problem;
using common::ProblemError;

namespace {

// The stored level of one the REST API names: "api" is the advanced (API and resource) tiers.
std::string_view stored_policy_level(const std::string& level) {
  if (level == "api") return domain::kPolicyLevelAdvanced;
  if (level != domain::kPolicyLevelSubscription && level != domain::kPolicyLevelApplication)
    throw ProblemError(Problem::bad_request(
        fmt::format("Policy level must be subscription, api or application, got '{}'", level)));
  return level;
}

[[noreturn]] void bad(std::string description) {
  throw ProblemError(Problem::bad_request(std::move(description)));
}

// With enableSchemaValidation on, the gateway compiles the API's definition into validators; one
// that cannot be compiled (a dangling $ref, a bad pattern) is refused here, naming where.
void check_schema_validation(const domain::Api& api) {
  if (!api.enable_schema_validation || api.is_product()) return;
  const openapi::ApiValidators v = openapi::compile_validators(api);
  if (!v.errors.empty())
    bad("'enableSchemaValidation': the API's definition cannot be used to validate requests: " +
        openapi::describe(v.errors));
}
}  // namespace

std::vector<std::string> ApiService::environments() const {
  std::vector<std::string> out{std::string(domain::kDefaultEnvironment)};
  for (const auto& env : store_.list_environments()) out.push_back(env.name);
  return out;
}

void ApiService::check_tiers(const domain::Api& api) {
  for (std::size_t i = 0; i < api.policies.size(); ++i)
    if (!store_.find_policy(domain::kPolicyLevelSubscription, api.policies[i]))
      throw ProblemError(Problem::bad_request(
          fmt::format("'policies[{}]': '{}' is not a subscription tier (see /throttling-policies/subscription)", i,
                      api.policies[i])));
  std::set<std::string> advanced;
  for (const auto& p : store_.list_policies(domain::kPolicyLevelAdvanced)) advanced.insert(p.name);
  auto check = [&advanced](const std::string& field, const std::string& tier) {
    if (!tier.empty() && !advanced.count(tier))
      throw ProblemError(Problem::bad_request(
          fmt::format("'{}': '{}' is not an advanced tier (see /throttling-policies/api)", field, tier)));
  };
  check("apiThrottlingPolicy", api.api_throttling_policy);
  for (std::size_t i = 0; i < api.operations.size(); ++i)
    check(fmt::format("operations[{}].throttlingPolicy", i), api.operations[i].throttling_policy);
}

void ApiService::seal_endpoint_secrets(domain::Api& api, const domain::Api* stored) {
  namespace json = boost::json;
  json::value* es = api.endpoint_config.raw.if_contains("endpoint_security");
  if (!es || !es->is_object()) return;
  const json::object* old_es = nullptr;
  if (stored)
    if (const auto* v = stored->endpoint_config.raw.if_contains("endpoint_security"); v && v->is_object())
      old_es = &v->get_object();
  for (std::string_view side : {"production", "sandbox"}) {
    json::value* sv = es->get_object().if_contains(side);
    if (!sv || !sv->is_object()) continue;
    std::optional<domain::EndpointSecurity>& parsed =
        side == "production" ? api.endpoint_config.production_security : api.endpoint_config.sandbox_security;
    const json::object* old_side = nullptr;
    if (old_es)
      if (const auto* v = old_es->if_contains(side); v && v->is_object()) old_side = &v->get_object();
    for (std::string_view field : {"password", "apiKeyValue", "clientSecret"}) {
      bool required = false;
      std::string* target = nullptr;  // where the parsed form keeps this secret
      if (parsed && parsed->enabled) {
        const std::string& t = parsed->type;
        if (field == "password") {
          required = t == "BASIC" || t == "DIGEST" || (t == "OAUTH" && parsed->grant_type == "PASSWORD");
          target = &parsed->password;
        } else if (field == "apiKeyValue") {
          required = t == "APIKEY";
          target = &parsed->api_key_value;
        } else {
          required = t == "OAUTH";
          target = &parsed->client_secret;
        }
      }
      json::value* v = sv->get_object().if_contains(field);
      std::string value = v && v->is_string() ? std::string(v->get_string()) : std::string();
      std::string old;
      if (old_side)
        if (const auto* ov = old_side->if_contains(field); ov && ov->is_string()) old = std::string(ov->get_string());
      std::string sealed;
      if (value.empty()) {
        sealed = old;  // the product's GET gives secrets empty; sending them back keeps them
      } else if (value == old) {
        sealed = old;
      } else {
        if (!secrets_)
          throw ProblemError(Problem::internal("endpoint_security secrets cannot be stored: no master key"));
        sealed = std::string(domain::kSealedSecretPrefix) + secrets_->seal(value);
      }
      if (required && sealed.empty())
        throw ProblemError(Problem::bad_request(fmt::format(
            "'endpointConfig.endpoint_security.{}.{}' is required for {}", side, field, parsed->type)));
      if (v || !sealed.empty()) sv->get_object()[field] = sealed;
      if (target) *target = sealed;
    }
  }
}

bool ApiService::service_outdated(const domain::Api& api) {
  if (api.service_info.key.empty()) return false;
  const auto service = store_.find_service_by_key(api.service_info.key);
  return service && service->md5 != api.service_info.md5;
}

bool ApiService::product_outdated(const domain::Api& product) {
  const std::int64_t saved = std::max(product.last_updated_time, product.created_time);
  for (const auto& pa : product.product_apis) {
    const auto api = store_.get_api(pa.api_id);
    if (!api || std::max(api->last_updated_time, api->created_time) > saved) return true;
  }
  return false;
}

void ApiService::not_found(const std::string& id) const {
  throw ProblemError(Problem::not_found(fmt::format("{} '{}' not found", noun(), id)));
}

void ApiService::resolve_product(domain::Api& product) {
  std::set<std::string> listed;
  std::vector<domain::ApiScope> scopes;
  std::set<std::string> scope_names;
  for (std::size_t i = 0; i < product.product_apis.size(); ++i) {
    domain::ProductApi& pa = product.product_apis[i];
    if (!listed.insert(pa.api_id).second)
      bad(fmt::format("'apis[{}].apiId': API '{}' is listed twice; list all its operations in one entry", i,
                      pa.api_id));
    const auto api = store_.get_api(pa.api_id);
    if (!api || api->is_product()) bad(fmt::format("'apis[{}].apiId': there is no API '{}'", i, pa.api_id));
    pa.name = api->name;
    pa.version = api->version;
    pa.endpoint_config = api->endpoint_config;
    pa.api_policies = api->api_policies;
    for (std::size_t k = 0; k < pa.operations.size(); ++k) {
      domain::Operation& op = pa.operations[k];
      const auto found = std::find_if(api->operations.begin(), api->operations.end(), [&](const auto& o) {
        return o.verb == op.verb && o.target == op.target;
      });
      if (found == api->operations.end())
        bad(fmt::format("'apis[{}].operations[{}]': API '{}' {} has no operation {} {}", i, k, api->name,
                        api->version, op.verb, op.target));
      op = *found;
      for (const auto& name : op.scopes)
        for (const auto& sc : api->scopes)
          if (sc.name == name && scope_names.insert(name).second) scopes.push_back(sc);
    }
  }
  product.scopes = std::move(scopes);
}

void ApiService::check_scopes(domain::Api& api) {
  for (std::size_t i = 0; i < api.scopes.size(); ++i) {
    auto& sc = api.scopes[i];
    auto shared = store_.find_shared_scope(sc.name);
    if (sc.shared && !shared)
      throw ProblemError(Problem::bad_request(
          fmt::format("'scopes[{}]': there is no shared scope named '{}' (see /scopes)", i, sc.name)));
    if (!sc.shared && shared)
      throw ProblemError(Problem::bad_request(fmt::format(
          "'scopes[{}].scope.name': '{}' is a shared scope; reference it with \"shared\": true", i, sc.name)));
    if (!shared) continue;
    sc.display_name = shared->display_name;
    sc.description = shared->description;
    sc.bindings = shared->bindings;
  }
}

void ApiService::check_categories(domain::Api& api) {
  if (api.categories.empty()) return;
  const auto known = store_.list_categories();
  for (std::size_t i = 0; i < api.categories.size(); ++i) {
    const auto it = std::find_if(known.begin(), known.end(), [&](const domain::ApiCategory& c) {
      return common::to_lower(c.name) == common::to_lower(api.categories[i]);
    });
    if (it == known.end())
      throw ProblemError(Problem::bad_request(fmt::format(
          "'categories[{}]': '{}' is not an API category (see /api-categories)", i, api.categories[i])));
    api.categories[i] = it->name;  // as the Admin spelled it
  }
}

domain::Api ApiService::create(domain::Api api, const domain::User& caller) {
  api = checked_new(std::move(api), caller);
  store_.create_api(api);
  return api;
}

domain::Api ApiService::checked_new(domain::Api api, const domain::User& caller) {
  if (kind_ == ApiKind::kProduct) {
    api.type = std::string(domain::kApiTypeProduct);
    if (api.version.empty()) api.version = "1.0.0";  // the product's default for API products
  } else if (api.is_product()) {
    bad("'type' APIPRODUCT: API products are created at /api-products");
  } else {
    api.product_apis.clear();
  }
  normalise_and_validate(api);
  if (api.is_product()) resolve_product(api);
  check_tiers(api);
  check_schema_validation(api);
  seal_endpoint_secrets(api, nullptr);
  check_categories(api);
  check_scopes(api);
  OperationPolicyService(store_).check_uses(api, "");
  api.id = common::new_uuid();
  if (api.provider.empty()) api.provider = caller.username;
  api.lifecycle_status = std::string(domain::kLifecycleCreated);
  api.created_time = api.last_updated_time = common::now_millis();
  return api;
}

domain::Api ApiService::copy(const std::string& id, const std::string& new_version, bool default_version,
                             const domain::User& caller) {
  domain::Api api = get(id);
  if (new_version == api.version)
    throw ProblemError(Problem::conflict(fmt::format("API '{}' already has version '{}'", api.name, new_version)));
  api.version = new_version;
  api.is_default_version = default_version;
  normalise_and_validate(api);  // the new version must be a valid version string
  check_tiers(api);
  api.id = common::new_uuid();
  (void)caller;  // the copy keeps the original's provider, as in the product
  api.lifecycle_status = std::string(domain::kLifecycleCreated);
  api.created_time = api.last_updated_time = common::now_millis();
  store_.create_api_version(api, id);  // with the documents and the thumbnail
  store_.copy_operation_policies(id, api.id);  // its own policies, which its operations may use
  return *store_.get_api(api.id);
}

domain::Api ApiService::get(const std::string& id) {
  auto api = store_.get_api(id);
  if (!api || api->is_product() != (kind_ == ApiKind::kProduct)) not_found(id);
  return *api;
}

bool ApiService::owns(const std::string& id) {
  const auto api = store_.get_api(id);
  return api && api->is_product() == (kind_ == ApiKind::kProduct);
}

store::ApiPage ApiService::list(const store::ApiQuery& q) { return store_.list_apis(q); }

domain::Api ApiService::update(const std::string& id, domain::Api changes, bool replace_definition) {
  const bool had_thumbnail = get(id).has_thumbnail;
  changes = checked_update(id, std::move(changes), replace_definition);
  store_.update_api(changes);
  changes.has_thumbnail = had_thumbnail;
  return changes;
}

domain::Api ApiService::checked_update(const std::string& id, domain::Api changes, bool replace_definition) {
  domain::Api current = get(id);
  if (!replace_definition) changes.openapi_definition = current.openapi_definition;
  if (kind_ == ApiKind::kProduct) {
    changes.type = std::string(domain::kApiTypeProduct);
    if (changes.version.empty()) changes.version = current.version;
  } else if (changes.is_product()) {
    bad("'type' cannot be changed to APIPRODUCT");
  } else {
    changes.product_apis.clear();
  }
  normalise_and_validate(changes);
  if (changes.is_product()) resolve_product(changes);
  check_tiers(changes);
  check_categories(changes);
  check_scopes(changes);
  check_schema_validation(changes);
  OperationPolicyService(store_).check_uses(changes, id);
  if (changes.name != current.name)
    throw ProblemError(Problem::bad_request(fmt::format("'name' cannot be changed (is '{}')", current.name)));
  if (changes.version != current.version)
    throw ProblemError(Problem::bad_request(fmt::format("'version' cannot be changed (is '{}'); copy the API "
                                                        "to make a new version", current.version)));
  if (changes.context != current.context)
    throw ProblemError(Problem::bad_request(fmt::format("'context' cannot be changed (is '{}')", current.context)));
  require_for_state(
      changes, current.lifecycle_status,
      fmt::format("API '{}' {} is {}", current.name, current.version, current.lifecycle_status));
  seal_endpoint_secrets(changes, &current);
  changes.id = current.id;
  changes.provider = current.provider;
  changes.lifecycle_status = current.lifecycle_status;
  changes.created_time = current.created_time;
  // Only import-service and reimport-service (through a definition replacement) set it.
  if (!replace_definition) changes.service_info = current.service_info;
  changes.last_updated_time = common::now_millis();
  changes.has_thumbnail = current.has_thumbnail;
  return changes;
}

void ApiService::remove(const std::string& id) {
  get(id);
  if (!store_.delete_api(id)) not_found(id);
}

std::string ApiService::lifecycle_target(const domain::Api& api, const std::string& action) {
  const std::string& state = api.lifecycle_status;
  if (!domain::is_lifecycle_action(action))
    throw ProblemError(
        Problem::bad_request(fmt::format("Unknown lifecycle action '{}' (actions: {})", action,
                                         fmt::join(domain::kLifecycleActions, ", "))));
  const auto target = domain::lifecycle_target(state, action);
  if (!target) {
    std::vector<std::string_view> allowed;
    for (const auto& t : domain::lifecycle_transitions(state)) allowed.push_back(t.event);
    throw ProblemError(Problem::bad_request(
        fmt::format("Action '{}' is not allowed from lifecycle state '{}' ({})", action, state,
                    allowed.empty() ? std::string("no action is allowed: the state is final")
                                    : fmt::format("allowed: {}", fmt::join(allowed, ", ")))));
  }
  if (*target == domain::kLifecyclePublished || *target == domain::kLifecyclePrototyped)
    require_for_state(api, *target,
                      fmt::format("Cannot {} API '{}' {}", action, api.name, api.version));
  return std::string(*target);
}

std::string ApiService::change_lifecycle(const std::string& id, const std::string& action,
                                         const std::string& checklist_text,
                                         const domain::User& caller) {
  const domain::Api api = get(id);
  const std::string& state = api.lifecycle_status;
  const std::optional<std::string> target = lifecycle_target(api, action);
  const domain::LifecycleChecklist checklist = domain::parse_lifecycle_checklist(checklist_text);

  const std::int64_t now = common::now_millis();
  std::vector<domain::LifecycleHistoryEntry> changes{
      {api.id, state, std::string(*target), caller.username, now}};
  std::vector<domain::Subscription> carried;
  if (action == domain::kActionPublish) {
    std::vector<domain::Api> older;
    for (auto& v : store_.list_api_versions(api.name, api.provider))
      if (v.id != api.id && domain::compare_versions(v.version, api.version) < 0)
        older.push_back(std::move(v));
    std::sort(older.begin(), older.end(), [](const auto& a, const auto& b) {
      return domain::compare_versions(a.version, b.version) > 0;
    });
    if (checklist.deprecate_old_versions)
      for (const auto& v : older)
        if (v.lifecycle_status == domain::kLifecyclePublished)
          changes.push_back({v.id, v.lifecycle_status, std::string(domain::kLifecycleDeprecated),
                             caller.username, now});
    if (!checklist.require_resubscription) carried = carried_subscriptions(api, older);
  }
  store_.change_lifecycle(changes, carried);
  return std::string(*target);
}

std::vector<domain::Subscription> ApiService::carried_subscriptions(
    const domain::Api& api, const std::vector<domain::Api>& older) {
  std::vector<domain::Subscription> out;
  std::set<std::string> apps;
  for (const auto& s : store_.list_subscriptions("", api.id)) apps.insert(s.application_id);
  for (const auto& v : older)
    for (const auto& s : store_.list_subscriptions("", v.id)) {
      if (std::find(api.policies.begin(), api.policies.end(), s.throttling_policy) ==
          api.policies.end())
        continue;
      if (!apps.insert(s.application_id).second) continue;
      domain::Subscription copy = s;
      copy.id = common::new_uuid();
      copy.api_id = api.id;
      copy.created_time = common::now_millis();
      out.push_back(std::move(copy));
    }
  return out;
}

std::vector<domain::LifecycleHistoryEntry> ApiService::lifecycle_history(const std::string& id) {
  get(id);
  return store_.lifecycle_history(id);
}

domain::Revision ApiService::create_revision(const std::string& api_id, const std::string& description) {
  domain::Api api = get(api_id);
  if (description.size() > 255)
    throw ProblemError(Problem::bad_request("'description' must be at most 255 characters"));
  if (api.is_product()) {  // the revision takes the APIs' endpoints and policies as they are now
    try {
      resolve_product(api);
    } catch (const ProblemError& e) {
      throw ProblemError(Problem::conflict(fmt::format(
          "API Product '{}' no longer matches its APIs; update it first: {}", api.name, e.problem().description)));
    }
  }
  return store_.create_revision(api, description);
}

std::vector<domain::Revision> ApiService::revisions(const std::string& api_id) {
  get(api_id);
  return store_.list_revisions(api_id);
}

domain::Revision ApiService::revision(const std::string& api_id, const std::string& revision_id) {
  get(api_id);
  auto r = store_.get_revision(api_id, revision_id);
  if (!r)
    throw ProblemError(Problem::not_found(fmt::format("Revision '{}' of API '{}' not found", revision_id, api_id)));
  return *r;
}

std::optional<domain::Revision> ApiService::find_revision(const std::string& revision_id) {
  auto r = store_.find_revision(revision_id);
  if (!r || r->api.is_product() != (kind_ == ApiKind::kProduct)) return std::nullopt;
  return r;
}

void ApiService::delete_revision(const std::string& api_id, const std::string& revision_id) {
  revision(api_id, revision_id);
  store_.delete_revision(api_id, revision_id);
}

domain::Api ApiService::restore_revision(const std::string& api_id, const std::string& revision_id) {
  domain::Api current = get(api_id);
  domain::Api restored = revision(api_id, revision_id).api;
  restored.lifecycle_status = current.lifecycle_status;
  restored.is_default_version = current.is_default_version;  // the default flag belongs to the API too
  restored.has_thumbnail = current.has_thumbnail;            // so does the thumbnail
  restored.created_time = current.created_time;
  restored.last_updated_time = common::now_millis();
  store_.update_api(restored);
  return restored;
}

std::vector<domain::Deployment> ApiService::deploy(const std::string& api_id, const std::string& revision_id,
                                                   std::vector<domain::Deployment> targets) {
  return store_.deploy_revision(api_id, revision_id, checked_deployments(api_id, revision_id, std::move(targets)));
}

std::vector<domain::Deployment> ApiService::checked_deployments(const std::string& api_id,
                                                                const std::string& revision_id,
                                                                std::vector<domain::Deployment> targets) {
  const domain::Revision rev = revision(api_id, revision_id);
  if (targets.empty())
    throw ProblemError(Problem::bad_request("The body must list at least one gateway environment to deploy to"));
  for (std::size_t i = 0; i < targets.size(); ++i) {
    domain::Deployment& d = targets[i];
    if (d.name == domain::kDefaultEnvironment) {
      if (d.vhost.empty()) d.vhost = "localhost";  // the built-in environment answers on any host name
    } else if (auto env = store_.find_environment(d.name)) {
      // A deployment names one of its environment's virtual hosts; the first when it names none.
      if (d.vhost.empty() && !env->vhosts.empty()) d.vhost = env->vhosts.front().host;
      if (std::none_of(env->vhosts.begin(), env->vhosts.end(), [&](const auto& v) { return v.host == d.vhost; }))
        throw ProblemError(Problem::bad_request(fmt::format(
            "[{}].vhost: '{}' is not a virtual host of gateway environment '{}' (see the Admin API's /environments)",
            i, d.vhost, d.name)));
    } else {
      throw ProblemError(Problem::bad_request(fmt::format("[{}].name: unknown gateway environment '{}' (known: {})",
                                                          i, d.name, fmt::join(environments(), ", "))));
    }
    for (std::size_t j = 0; j < i; ++j)
      if (targets[j].name == targets[i].name)
        throw ProblemError(Problem::bad_request(fmt::format("[{}].name: environment '{}' is listed twice", i,
                                                            targets[i].name)));
  }
  // Endpoint placeholders must be filled by each environment's properties.
  for (const auto& d : targets) {
    domain::Api api = rev.api;
    domain::apply_environment_properties(api, store_.environment_properties(api_id, d.name));
    for (const auto& url : domain::endpoint_urls(api)) {
      std::string error;
      if (!domain::parse_backend_url(url, &error))
        bad(fmt::format("the endpoint '{}' is not a URL in gateway environment '{}' ({}): give the environment the "
                        "properties its placeholders name (PUT /apis/{}/environments/{{envId}}/keys)",
                        url, d.name, error, api_id));
    }
  }
  return targets;
}

std::vector<domain::Deployment> ApiService::undeploy(const std::string& api_id, const std::string& revision_id,
                                                     std::vector<std::string> environments) {
  revision(api_id, revision_id);
  std::vector<domain::Deployment> removed;
  for (const auto& d : store_.list_deployments(api_id))
    if (d.revision_id == revision_id &&
        std::find(environments.begin(), environments.end(), d.name) != environments.end())
      removed.push_back(d);
  if (removed.empty())
    throw ProblemError(Problem::not_found(fmt::format("Revision '{}' is not deployed to {}", revision_id,
                                                      fmt::join(environments, ", "))));
  std::vector<std::string> names;
  for (const auto& d : removed) names.push_back(d.name);
  store_.undeploy_revision(api_id, revision_id, names);
  return removed;
}

domain::Deployment ApiService::set_deployment_visibility(const std::string& api_id, const std::string& environment,
                                                         bool display_on_devportal) {
  get(api_id);
  auto d = store_.update_deployment(api_id, environment, display_on_devportal);
  if (!d)
    throw ProblemError(Problem::not_found(
        fmt::format("{} '{}' is not deployed to gateway environment '{}'", noun(), api_id, environment)));
  return *d;
}

namespace {
std::string environment_name(store::Store& store, const std::string& env_id) {
  if (env_id == domain::kDefaultEnvironment) return env_id;
  auto env = store.get_environment(env_id);
  if (!env) throw ProblemError(Problem::not_found(fmt::format("Gateway environment '{}' not found", env_id)));
  return env->name;
}
}  // namespace

domain::EnvironmentProperties ApiService::environment_properties(const std::string& api_id,
                                                                 const std::string& env_id) {
  get(api_id);
  return store_.environment_properties(api_id, environment_name(store_, env_id));
}

domain::EnvironmentProperties ApiService::set_environment_properties(const std::string& api_id,
                                                                     const std::string& env_id,
                                                                     const domain::EnvironmentProperties& properties) {
  domain::Api api = get(api_id);
  const std::string env = environment_name(store_, env_id);
  for (const char* key : {"productionEndpoint", "sandboxEndpoint"}) {
    const auto it = properties.find(key);
    std::string error;
    if (it != properties.end() && !domain::parse_backend_url(it->second, &error))
      bad(fmt::format("'{}': {}", key, error));
  }
  domain::apply_environment_properties(api, properties);
  for (const auto& url : domain::endpoint_urls(api)) {
    std::string error;
    if (!domain::parse_backend_url(url, &error))
      bad(fmt::format("with these properties the endpoint '{}' would not be a URL: {}", url, error));
  }
  store_.set_environment_properties(api_id, env, properties);
  return properties;
}

std::vector<domain::Label> ApiService::labels(const std::string& api_id) {
  get(api_id);
  return store_.api_labels(api_id);
}

std::vector<domain::Label> ApiService::change_labels(const std::string& api_id,
                                                     const std::vector<std::string>& label_ids, bool attach) {
  get(api_id);
  return store_.change_api_labels(api_id, label_ids, attach);
}

boost::json::object ApiService::policy_list(const std::string& level) {
  boost::json::array items;
  for (const auto& p : store_.list_policies(stored_policy_level(level))) items.push_back(domain::policy_summary_json(p));
  return common::list_body(std::move(items));
}

domain::ThrottlePolicy ApiService::policy(const std::string& level, const std::string& name) {
  auto p = store_.find_policy(stored_policy_level(level), name);
  if (!p) throw ProblemError(Problem::not_found(fmt::format("Throttling policy '{}' of level {} not found", name, level)));
  return *p;
}

std::vector<domain::ThrottlePolicy> ApiService::subscription_policies(const std::string& api_id) {
  std::vector<domain::ThrottlePolicy> out;
  for (const auto& name : get(api_id).policies)  // a tier in use cannot be deleted, so each exists
    if (auto p = store_.find_policy(domain::kPolicyLevelSubscription, name)) out.push_back(std::move(*p));
  return out;
}

std::vector<std::pair<std::string, std::int64_t>> ApiService::tags() {
  return store_.tag_counts(std::nullopt);
}

void ApiService::set_subscription_status(const std::string& subscription_id, const std::string& status) {
  if (!store_.get_subscription(subscription_id))
    throw ProblemError(Problem::not_found(fmt::format("Subscription '{}' not found", subscription_id)));
  store_.update_subscription_status(subscription_id, status);
}

domain::User ApiService::subscriber_of(const std::string& subscription_id) {
  auto not_found = [&] {
    return common::ProblemError(common::Problem::not_found(fmt::format("Subscription '{}' not found", subscription_id)));
  };
  const auto s = store_.get_subscription(subscription_id);
  if (!s) throw not_found();
  const auto app = store_.get_application(s->application_id);
  if (!app) throw not_found();
  if (auto u = store_.find_user(app->owner)) return *u;
  domain::User gone;  // an owner no longer in the user store is still the subscriber
  gone.username = app->owner;
  return gone;
}

store::SubscriptionPage ApiService::subscriptions_of(const std::string& api_id, std::int64_t limit,
                                                    std::int64_t offset) {
  get(api_id);
  store::SubscriptionQuery q;
  q.api_id = api_id;
  q.limit = limit;
  q.offset = offset;
  return store_.list_subscriptions_page(q);
}

std::vector<domain::Deployment> ApiService::deployments(const std::string& api_id) {
  get(api_id);
  return store_.list_deployments(api_id);
}

}  // namespace archway::publisher
