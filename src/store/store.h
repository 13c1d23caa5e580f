#pragma once
// Store: the one persistence interface of the control plane (SQLite now, PostgreSQL later).
// Every method is one transaction; writes a gateway must know append a change event in that same
// transaction (DESIGN.md §6). Uniqueness violations throw common::ProblemError with status 409.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/api.h"
#include "domain/application.h"
#include "domain/category.h"
#include "domain/comment.h"
#include "domain/environment.h"
#include "domain/operation_policy.h"
#include "domain/shared_scope.h"
#include "domain/document.h"
#include "domain/policy.h"
#include "domain/service.h"
#include "domain/user.h"
#include "domain/workflow.h"

namespace archway::store {

struct ApiQuery {
  std::string text;  // matches name, context, provider, version, description, tag or category (substring, case-insensitive)
  std::int64_t limit = 25;
  std::int64_t offset = 0;
  // Field filters from the product's search syntax ("name:pizza tag:food"), all of which must
  // hold: name, context, provider, version (substrings), tag (one tag equal), status (the
  // lifecycle state), api-category (one category equal). Lower case.
  std::vector<std::pair<std::string, std::string>> fields;
  // "API" or "APIPRODUCT": only records of that kind; empty: both.
  std::string kind;
  // Set for a Publisher user who is not an admin, to the roles they hold: APIs whose Publisher
  // access control is RESTRICTED to roles none of which they hold are left out.
  std::optional<std::vector<std::string>> publisher_roles;
};

// Parses the product's search query: space-separated terms, each "prefix:value" (name, tag,
// context, provider, version, status, api-category; also the product's "lifecycle") or free text;
// double quotes keep spaces in a value (api-category:"Weather Data"). Throws ProblemError(400)
// naming an unknown prefix or an unclosed quote.
ApiQuery parse_api_query(std::string_view query);

struct ApiPage {
  std::vector<domain::Api> list;
  std::int64_t total = 0;
};

// Service Catalog listing filters (the product's GET /services query parameters).
struct ServiceQuery {
  std::string name;             // substring of the name, case-insensitive
  std::string display_name;     // substring of the display name, case-insensitive
  std::string version;          // exact
  std::string definition_type;  // exact (OAS matches OAS2 and OAS3)
  std::vector<std::string> keys;  // any of these keys
  bool sort_by_definition_type = false;  // else by name
  bool descending = false;
  std::int64_t limit = 25;
  std::int64_t offset = 0;
};

struct ServicePage {
  std::vector<domain::CatalogService> list;
  std::int64_t total = 0;
};

// One page of an owner's applications, each with how many subscriptions it has.
struct ApplicationPage {
  struct Entry {
    domain::Application application;
    std::int64_t subscription_count = 0;
  };
  std::vector<Entry> list;
  std::int64_t total = 0;
};

// Every owner's applications (the Admin's GET /applications): filtered by owner (exact) and name
// (a substring, case-insensitive), ordered by name or owner (the other breaks ties).
struct ApplicationQuery {
  std::string owner;
  std::string name;
  std::string key_manager;  // only applications with keys of this key manager (by name)
  bool by_owner = false;  // else by name
  bool descending = false;
  std::int64_t limit = 25;
  std::int64_t offset = 0;
};

// Subscriptions filtered by any of: application, API, owner of the application (empty: any).
// Ordered by the application's creation when `owner` is given, else by the subscription's.
struct SubscriptionQuery {
  std::string application_id;
  std::string api_id;
  std::string owner;
  std::int64_t limit = 25;
  std::int64_t offset = 0;
};

struct SubscriptionPage {
  std::vector<domain::Subscription> list;
  std::int64_t total = 0;
};

// Something that still names a throttling policy, so deleting it would leave a dangling name.
struct PolicyUse {
  enum class By { kApplication, kApi, kRevision, kSubscription };
  By by = By::kApi;
  std::string name;         // the application's or API's name (empty for a subscription)
  int revision_number = 0;  // kRevision
  std::string place;        // where the API names it: "policies", "apiThrottlingPolicy", "operations[2].throttlingPolicy"
};

// How the APIs (working copies) that declare a scope bind it to roles, for the token endpoint.
struct ScopeBindings {
  bool declared = false;           // some API declares the scope
  bool open = false;               // one of them binds it to no role: anyone may hold it
  std::vector<std::string> roles;  // the roles any of them binds it to
};

// Who reads the Developer Portal, for its lists: an anonymous caller, a signed-in user with roles,
// or an admin (who sees every API the portal shows).
struct PortalReader {
  bool signed_in = false;
  bool admin = false;
  std::vector<std::string> roles;
};

struct WorkflowPage {
  std::vector<domain::Workflow> list;
  std::int64_t total = 0;
};

struct CommentPage {
  std::vector<domain::Comment> list;
  std::int64_t total = 0;
};

// One page of an API's ratings with what all of them add up to.
struct RatingPage {
  std::vector<domain::Rating> list;
  std::int64_t total = 0;
  std::int64_t sum = 0;  // of every rating of the API, not only the page's
};

// One entry of the change log, in revision order.
struct ChangeEvent {
  std::int64_t revision = 0;
  std::string type;  // "api.deployed", "api.undeployed", "api.lifecycle", "policy.changed", ...
  std::string entity_id;  // e.g. the API id
  std::string payload;    // JSON
  std::int64_t created_time = 0;
};

// The deployed APIs and the change-log revision they reflect, read in one transaction.
struct DeployedState {
  std::vector<domain::DeployedApi> apis;
  std::int64_t revision = 0;
};

// An API project to store at once (the Publisher's project import): the API, created or, with
// `replace`, replacing the stored API of the same id; its documents (each with its content) and
// thumbnail. With `replace` the API's documents and thumbnail become exactly these.
struct ImportedDocument {
  domain::Document document;
  std::optional<domain::StoredFile> content;
};
struct ApiImport {
  domain::Api api;
  bool replace = false;
  std::vector<ImportedDocument> documents;
  std::optional<domain::StoredFile> thumbnail;
};

class Store {
 public:
  virtual ~Store() = default;

  // Users
  virtual std::optional<domain::User> find_user(std::string_view username) = 0;
  virtual void create_user(const domain::User& user) = 0;
  virtual std::int64_t count_users() = 0;
  virtual std::vector<domain::User> list_users() = 0;
  virtual std::int64_t count_users_with_role(std::string_view role) = 0;
  virtual void update_user(const domain::User& user) = 0;  // password hash and roles
  virtual bool delete_user(std::string_view username) = 0;

  // APIs (working copies). Creating one starts its lifecycle history (user: the provider).
  // create_api, update_api and create_revision store api.openapi_definition beside the API (empty:
  // none); get_api and get_revision / list_revisions load it, list queries leave it empty.
  // API products (type APIPRODUCT) are stored with them: an API product and an API never share a
  // context (409), and the APIs a product bundles are recorded so that deleting one of them is
  // refused (409 naming the products).
  virtual void create_api(const domain::Api& api) = 0;
  virtual std::optional<domain::Api> get_api(std::string_view id) = 0;
  // The APIs matching `query`, a page of them in creation order with the total. Matching,
  // counting and paging run in SQL through indexes (migration 19): a page of a search costs its
  // matches, never a read of every API's definition.
  virtual ApiPage list_apis(const ApiQuery& query) = 0;
  // The roles an API's (or API product's) Publisher access control admits (lower case); empty
  // when it is not RESTRICTED, or there is no such API. An index lookup (migration 29).
  virtual std::vector<std::string> api_access_roles(std::string_view api_id) = 0;
  // The APIs and API products whose Publisher access control admits none of `roles` (an admin's
  // roles aside: callers skip this for admins).
  virtual std::vector<std::string> apis_hidden_from(const std::vector<std::string>& roles) = 0;
  // The APIs and API products the Developer Portal shows `reader` (a lifecycle state the portal
  // shows, a visibility that admits the reader), a page of them in creation order with the total.
  // Who sees an API is kept as rows, so a page costs the page (and the total an index count).
  virtual ApiPage list_portal_apis(const PortalReader& reader, std::int64_t limit, std::int64_t offset) = 0;
  // Those of them that match `query` (its limit and offset page them), matched, counted and paged
  // in SQL as list_apis does; a query without terms is list_portal_apis.
  virtual ApiPage search_portal_apis(const PortalReader& reader, const ApiQuery& query) = 0;
  // How many APIs and API products carry each tag, by tag (byte order; an API counts once per
  // tag): of all of them, or of those the Developer Portal shows `reader`.
  virtual std::vector<std::pair<std::string, std::int64_t>> tag_counts(
      const std::optional<PortalReader>& reader) = 0;
  // The bindings of the scope named `scope` over every API that declares it (an index lookup).
  virtual ScopeBindings api_scope_bindings(std::string_view scope) = 0;
  // The API or API product with this name and version (unique together), as lists return it.
  virtual std::optional<domain::Api> find_api_by_name_version(std::string_view name, std::string_view version) = 0;
  // Whether an API or API product has this name and/or this context (each ignoring case; empty:
  // any), and this version when `version` is not empty; an index lookup. At least one of name
  // and context must be given.
  virtual bool api_exists(std::string_view name, std::string_view context, std::string_view version) = 0;
  // Every version of the API with this name and provider, in creation order.
  virtual std::vector<domain::Api> list_api_versions(std::string_view name,
                                                     std::string_view provider) = 0;
  // Keeps the stored lifecycle state whatever api.lifecycle_status says: only change_lifecycle
  // moves it, so an edit racing a lifecycle change cannot undo it.
  virtual void update_api(const domain::Api& api) = 0;
  // Makes the user `provider` the provider of the API `id` (not an API product), as the user's name
  // is stored, in one transaction; returns the API as changed. 404 for an unknown API, 400 when
  // there is no such user.
  virtual domain::Api change_api_provider(std::string_view id, std::string_view provider) = 0;
  // Deletes the API, its revisions, deployments, documents and thumbnail; appends api.undeployed
  // if it was deployed. 409 while an API product bundles operations of it.
  virtual bool delete_api(std::string_view id) = 0;
  // Creates `api` (a new version of `source_id`) with copies of the source's documents (new ids,
  // same names and content) and thumbnail, in one transaction.
  virtual void create_api_version(const domain::Api& api, std::string_view source_id) = 0;

  // Writes an ApiImport in one transaction: all of it or nothing (409 on a name, version or
  // context another API holds).
  virtual void import_api(const ApiImport& project) = 0;

  // Documents of an API: names unique per API (409). The content (inline text or an uploaded
  // file) is stored apart from the metadata; `has_content` and `file_name` are the store's.
  virtual void create_document(const domain::Document& doc, const std::optional<domain::StoredFile>& content) = 0;
  virtual std::vector<domain::Document> list_documents(std::string_view api_id) = 0;
  virtual std::optional<domain::Document> get_document(std::string_view api_id, std::string_view id) = 0;
  // Replaces the metadata; `content` replaces the stored content when given, and a change of
  // source type drops content stored for the old one.
  virtual void update_document(const domain::Document& doc, const std::optional<domain::StoredFile>& content) = 0;
  virtual std::optional<domain::StoredFile> document_content(std::string_view api_id, std::string_view id) = 0;
  virtual bool delete_document(std::string_view api_id, std::string_view id) = 0;

  // An API's thumbnail (one per API); setting one marks the API hasThumbnail.
  virtual void set_thumbnail(std::string_view api_id, const domain::StoredFile& image) = 0;
  virtual std::optional<domain::StoredFile> thumbnail(std::string_view api_id) = 0;

  // Comments on an API or API product; they go with it when it is deleted, and a comment's
  // replies go with the comment. None of this reaches gateways (no change event).
  // Checks in its transaction that the API exists (404) and, for a reply, that the parent is a
  // top-level comment of the same API (404 when there is no such comment, 400 for a reply's reply).
  virtual void create_comment(const domain::Comment& c) = 0;
  virtual std::optional<domain::Comment> get_comment(std::string_view api_id, std::string_view id) = 0;
  // A page of the API's top-level comments (empty `parent_id`), newest first, or of the replies
  // of `parent_id`, oldest first, with the total.
  virtual CommentPage list_comments(std::string_view api_id, std::string_view parent_id, std::int64_t limit,
                                    std::int64_t offset) = 0;
  // Replaces content, category and updated time; false when the comment is gone.
  virtual bool update_comment(const domain::Comment& c) = 0;
  virtual bool delete_comment(std::string_view api_id, std::string_view id) = 0;

  // Ratings: one per user and API. set_rating adds the user's rating or replaces its value (the
  // id and created time stay) and returns it as stored; 404 when the API is gone.
  virtual domain::Rating set_rating(const domain::Rating& r) = 0;
  virtual std::optional<domain::Rating> get_rating(std::string_view api_id, std::string_view user) = 0;
  virtual bool delete_rating(std::string_view api_id, std::string_view user) = 0;
  // A page of the API's ratings, oldest first, with their count and sum.
  virtual RatingPage list_ratings(std::string_view api_id, std::int64_t limit, std::int64_t offset) = 0;
  // The count and sum of the ratings of each of `api_ids` (an index range each; APIs without
  // ratings are left out), for the average a list shows per API.
  struct RatingTotals {
    std::int64_t count = 0;
    std::int64_t sum = 0;
  };
  virtual std::vector<std::pair<std::string, RatingTotals>> rating_totals(const std::vector<std::string>& api_ids) = 0;

  // Shared scopes (names unique: 409). APIs name them in `scopes` with "shared": true; the token
  // endpoint grants one by the shared scope's own bindings (api_scope_bindings answers with them).
  virtual void create_shared_scope(const domain::SharedScope& s) = 0;
  virtual std::vector<domain::SharedScope> list_shared_scopes(std::int64_t offset, std::int64_t limit) = 0;
  virtual std::int64_t count_shared_scopes() = 0;
  virtual std::optional<domain::SharedScope> get_shared_scope(std::string_view id) = 0;
  virtual std::optional<domain::SharedScope> find_shared_scope(std::string_view name) = 0;
  // The name cannot change; throws 404 for an unknown id.
  virtual void update_shared_scope(const domain::SharedScope& s) = 0;
  // False for an unknown id; throws 409 while an API uses it.
  virtual bool delete_shared_scope(std::string_view id) = 0;
  // The ids of the APIs (working copies) that declare a scope of this name (an index lookup).
  virtual std::vector<std::string> apis_declaring_scope(std::string_view name) = 0;

  // Which roles hold each management (system) scope, and role aliases (a role that counts as
  // another wherever the mapping names it): the Admin's /system-scopes. Seeded by migration 21.
  using RoleMap = std::vector<std::pair<std::string, std::vector<std::string>>>;
  virtual RoleMap system_scope_roles() = 0;
  virtual void set_system_scope_roles(const RoleMap& scopes) = 0;  // replaces the roles of the scopes given
  virtual RoleMap role_aliases() = 0;
  virtual void set_role_aliases(const RoleMap& aliases) = 0;  // replaces every alias

  // API categories (names unique case-insensitively: 409). APIs name them in `categories`;
  // renaming one renames it in the APIs, deleting one that an API names is refused (409).
  virtual void create_category(const domain::ApiCategory& c) = 0;
  virtual std::vector<domain::ApiCategory> list_categories() = 0;
  virtual std::optional<domain::ApiCategory> get_category(std::string_view id) = 0;
  virtual void update_category(const domain::ApiCategory& c) = 0;
  virtual bool delete_category(std::string_view id) = 0;

  // Revisions: numbered 1, 2, ... per API, never reused.
  virtual domain::Revision create_revision(const domain::Api& snapshot, std::string_view description) = 0;
  virtual std::vector<domain::Revision> list_revisions(std::string_view api_id) = 0;
  virtual std::optional<domain::Revision> get_revision(std::string_view api_id,
                                                       std::string_view revision_id) = 0;
  virtual bool delete_revision(std::string_view api_id, std::string_view revision_id) = 0;
  // The revision with this id, whichever API it belongs to (a lookup by its key).
  virtual std::optional<domain::Revision> find_revision(std::string_view revision_id) = 0;

  // Lifecycle: applies `changes` in order, in one transaction. Each moves an API from its
  // previous_state (409 when the API is no longer in it: another call moved it first) to its
  // post_state, is recorded in the history and appends "api.lifecycle" {apiId, state}; a move to
  // RETIRED also removes the API's deployments (one api.undeployed each). `carried` subscriptions
  // are added too, except those whose application is gone or already subscribed to that API.
  virtual void change_lifecycle(const std::vector<domain::LifecycleHistoryEntry>& changes,
                                const std::vector<domain::Subscription>& carried) = 0;
  // An API's lifecycle history, oldest first.
  virtual std::vector<domain::LifecycleHistoryEntry> lifecycle_history(std::string_view api_id) = 0;

  // Deployments: at most one revision of an API per gateway environment; deploying replaces. The
  // deployed copy carries the API's lifecycle state (which belongs to the API, not the revision).
  virtual std::vector<domain::Deployment> deploy_revision(
      std::string_view api_id, std::string_view revision_id,
      const std::vector<domain::Deployment>& targets) = 0;
  // Removes the named environments' deployments of that revision; returns how many were removed.
  virtual int undeploy_revision(std::string_view api_id, std::string_view revision_id,
                                const std::vector<std::string>& environments) = 0;
  virtual std::vector<domain::Deployment> list_deployments(std::string_view api_id) = 0;
  // The revisions deployed to one gateway environment, with the change-log revision.
  virtual DeployedState deployed_state(std::string_view environment) = 0;
  // Sets a deployment's Developer Portal visibility; nullopt when the API is not deployed there.
  virtual std::optional<domain::Deployment> update_deployment(std::string_view api_id, std::string_view environment,
                                                              bool display_on_devportal) = 0;

  // Gateway environments added through the Admin API (the built-in one is not stored). Names are
  // unique and never change (409 on a taken name). Deleting one is refused (409) while API
  // revisions are deployed to it; false when there is no such environment.
  virtual void create_environment(const domain::Environment& env) = 0;
  virtual std::vector<domain::Environment> list_environments() = 0;
  virtual std::optional<domain::Environment> get_environment(std::string_view id) = 0;
  virtual std::optional<domain::Environment> find_environment(std::string_view name) = 0;
  virtual void update_environment(const domain::Environment& env) = 0;
  virtual bool delete_environment(std::string_view id) = 0;
  // Gateway nodes: each records itself every minute or so under the environment it serves.
  virtual void record_gateway_heartbeat(const domain::GatewayInstance& gateway) = 0;
  virtual std::vector<domain::GatewayInstance> list_gateway_instances(std::string_view environment) = 0;
  // Environment-specific API properties (by environment name). Setting them delivers the API's
  // deployment to that environment again (api.deployed), so its gateways apply them at once.
  virtual domain::EnvironmentProperties environment_properties(std::string_view api_id,
                                                               std::string_view environment) = 0;
  virtual std::map<std::string, domain::EnvironmentProperties> environment_properties_of(
      std::string_view environment) = 0;  // by API id
  virtual void set_environment_properties(std::string_view api_id, std::string_view environment,
                                          const domain::EnvironmentProperties& properties) = 0;

  // Labels (names unique case-insensitively: 409) and the APIs they are attached to. Deleting a
  // label still attached to an API is refused (409); false when there is no such label.
  virtual void create_label(const domain::Label& label) = 0;
  virtual std::vector<domain::Label> list_labels() = 0;
  virtual std::optional<domain::Label> get_label(std::string_view id) = 0;
  virtual void update_label(const domain::Label& label) = 0;
  virtual bool delete_label(std::string_view id) = 0;
  virtual std::vector<std::string> label_usage(std::string_view label_id) = 0;  // API ids
  virtual std::vector<domain::Label> api_labels(std::string_view api_id) = 0;
  // Attaches (or, with `attach` false, detaches) labels; unknown label ids are a 400, in one transaction.
  virtual std::vector<domain::Label> change_api_labels(std::string_view api_id,
                                                       const std::vector<std::string>& label_ids, bool attach) = 0;

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

  // Applications (unique per owner and name); deleting one removes its keys and subscriptions.
  virtual void create_application(const domain::Application& app) = 0;
  // An application waiting for approval (status CREATED) and its task, in one transaction.
  virtual void create_application(const domain::Application& app, const domain::Workflow& approval) = 0;
  // APPROVED, CREATED or REJECTED (404 when it is gone).
  virtual void set_application_status(std::string_view id, std::string_view status) = 0;
  virtual std::optional<domain::Application> get_application(std::string_view id) = 0;
  // Empty owner lists every owner's applications.
  virtual std::vector<domain::Application> list_applications(std::string_view owner) = 0;
  // One page of an owner's applications in creation order, with the total.
  virtual ApplicationPage list_applications_page(std::string_view owner, std::int64_t limit,
                                                 std::int64_t offset) = 0;
  // One page of the applications `query` selects, with the total.
  virtual ApplicationPage search_applications(const ApplicationQuery& query) = 0;
  virtual std::optional<domain::Application> find_application(std::string_view owner,
                                                              std::string_view name) = 0;
  // Replaces name, owner, tier, description and token type (409 when the owner has another
  // application of that name, 404 when it is gone).
  virtual void update_application(const domain::Application& app) = 0;
  virtual bool delete_application(std::string_view id) = 0;
  // Asks every gateway to reset the application-tier counters of `user` on the application
  // (appends a throttle.reset event; nothing else is stored).
  virtual void reset_application_throttle(std::string_view application_id, std::string_view user) = 0;

  // OAuth2 clients of applications (one per application and key type).
  virtual void create_key_mapping(const domain::KeyMapping& km) = 0;
  virtual std::vector<domain::KeyMapping> list_key_mappings(std::string_view application_id) = 0;
  virtual std::optional<domain::KeyMapping> find_key_mapping(std::string_view consumer_key) = 0;
  virtual void update_consumer_secret(std::string_view key_mapping_id, std::string_view secret_hash) = 0;
  // Replaces the grant types, callback URL and token validity of a key mapping (404 when it is gone).
  virtual void update_key_mapping(const domain::KeyMapping& km) = 0;
  // Removes a key mapping: its client no longer authenticates and its tokens no longer reach APIs.
  virtual bool delete_key_mapping(std::string_view key_mapping_id) = 0;

  // Subscriptions (one per application and API).
  virtual void create_subscription(const domain::Subscription& sub) = 0;
  // A subscription waiting for approval (status ON_HOLD) and its task, in one transaction.
  virtual void create_subscription(const domain::Subscription& sub, const domain::Workflow& approval) = 0;
  // A tier change waiting for approval: the status becomes TIER_UPDATE_PENDING (the tier stays
  // until approval) and the task is stored, in one transaction (404 when it is gone).
  virtual void request_subscription_tier(std::string_view id, const domain::Workflow& approval) = 0;
  // Creates all of them in one transaction, or none: 409 naming the position of the first that
  // repeats an existing subscription or an earlier one of the list. `approvals` are stored with
  // them (the tasks of subscriptions that wait for approval).
  virtual void create_subscriptions(const std::vector<domain::Subscription>& subs,
                                    const std::vector<domain::Workflow>& approvals) = 0;
  virtual std::optional<domain::Subscription> get_subscription(std::string_view id) = 0;
  virtual std::vector<domain::Subscription> list_subscriptions(std::string_view application_id,
                                                               std::string_view api_id) = 0;
  virtual SubscriptionPage list_subscriptions_page(const SubscriptionQuery& query) = 0;
  virtual std::int64_t count_subscriptions(std::string_view application_id) = 0;
  virtual void update_subscription_status(std::string_view id, std::string_view status) = 0;
  // Moves a subscription to another tier (404 when it is gone).
  virtual void update_subscription_tier(std::string_view id, std::string_view tier) = 0;
  virtual bool delete_subscription(std::string_view id) = 0;

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

  // Service Catalog entries (unique key "<name>-<version>": 409 when taken).
  virtual void create_service(const domain::CatalogService& s) = 0;
  virtual std::optional<domain::CatalogService> get_service(std::string_view id) = 0;
  virtual std::optional<domain::CatalogService> find_service_by_key(std::string_view key) = 0;
  virtual ServicePage list_services(const ServiceQuery& q) = 0;
  // Replaces metadata and definition; 404 when the service is gone, 409 when the key is taken.
  virtual void update_service(const domain::CatalogService& s) = 0;
  // Deletes the service unless an API was created from it (409 naming the APIs, decided in the
  // same transaction); false when there is no such service.
  virtual bool delete_service(std::string_view id) = 0;
  // The APIs created from the service with this key (their serviceInfo names it).
  virtual std::vector<domain::Api> apis_using_service(std::string_view key) = 0;

  // External key managers (unique name and issuer).
  virtual void create_key_manager(const domain::ExternalKeyManager& km) = 0;
  virtual std::vector<domain::ExternalKeyManager> list_key_managers() = 0;
  virtual std::optional<domain::ExternalKeyManager> get_key_manager(std::string_view id) = 0;
  virtual void update_key_manager(const domain::ExternalKeyManager& km) = 0;  // not the cached JWKS
  virtual bool delete_key_manager(std::string_view id) = 0;
  virtual void set_key_manager_jwks(std::string_view id, std::string_view jwks, std::int64_t fetched_time) = 0;

  // Key Manager signing keys and token revocations.
  virtual void add_signing_key(const domain::SigningKeyRecord& key) = 0;
  // Marks every other active key retired at `now`; they stay trusted until their tokens expire.
  virtual void retire_signing_keys_except(std::string_view kid, std::int64_t now) = 0;
  virtual std::vector<domain::SigningKeyRecord> list_signing_keys() = 0;
  // Revokes (token.revoked event); an API key recorded under the jti is marked revoked with it.
  virtual void revoke_token(const domain::RevokedToken& token) = 0;
  // Issued API keys (metadata only). list_api_keys: newest first, `limit` at most.
  virtual void record_api_key(const domain::ApiKeyRecord& key) = 0;
  virtual std::vector<domain::ApiKeyRecord> list_api_keys(std::int64_t limit, std::int64_t offset) = 0;
  virtual std::int64_t count_api_keys() = 0;
  virtual std::optional<domain::ApiKeyRecord> get_api_key(std::string_view id) = 0;
  virtual bool is_token_revoked(std::string_view jti) = 0;
  virtual void save_refresh_token(const domain::RefreshToken& token) = 0;
  virtual void save_authorization_code(const domain::AuthorizationCode& code) = 0;
  virtual std::optional<domain::AuthorizationCode> find_authorization_code(std::string_view code_hash) = 0;
  // Marks the code used; false when it was used already.
  virtual bool consume_authorization_code(std::string_view code_hash) = 0;
  virtual std::optional<domain::RefreshToken> find_refresh_token(std::string_view token_hash) = 0;
  // Marks the token used; false when it was used already (so two concurrent uses cannot both win).
  virtual bool consume_refresh_token(std::string_view token_hash) = 0;

  // Token families (RFC 9700 §4.14). Records the tokens a grant that starts a family issued.
  virtual void record_family_issue(const domain::FamilyIssue& issue) = 0;
  // Endpoint certificates (aliases unique: 409) and an API's client certificates (aliases unique per
  // API and key type: 409). Every write appends certificate.changed, so gateways take them at once.
  // Updates and deletes return false when there is no such certificate.
  virtual void add_endpoint_certificate(const domain::EndpointCertificate& cert) = 0;
  virtual std::vector<domain::EndpointCertificate> list_endpoint_certificates() = 0;  // by alias
  virtual std::optional<domain::EndpointCertificate> get_endpoint_certificate(std::string_view alias) = 0;
  virtual bool update_endpoint_certificate(std::string_view alias, std::string_view pem) = 0;
  virtual bool delete_endpoint_certificate(std::string_view alias) = 0;
  virtual void add_client_certificate(const domain::ClientCertificate& cert) = 0;
  virtual std::vector<domain::ClientCertificate> list_client_certificates(std::string_view api_id,
                                                                          std::string_view key_type) = 0;
  virtual std::optional<domain::ClientCertificate> get_client_certificate(std::string_view api_id,
                                                                          std::string_view key_type,
                                                                          std::string_view alias) = 0;
  // Replaces the certificate and the tier (each only when not empty).
  virtual bool update_client_certificate(const domain::ClientCertificate& cert) = 0;
  virtual bool delete_client_certificate(std::string_view api_id, std::string_view key_type,
                                         std::string_view alias) = 0;

  // Marks the code (or refresh token) used and records what was issued for it in one transaction;
  // false, recording nothing, when it was used already. So whoever loses a race for it finds the
  // winner's tokens in the family when it revokes the family.
  virtual bool redeem_authorization_code(std::string_view code_hash, const domain::FamilyIssue& issue) = 0;
  virtual bool redeem_refresh_token(std::string_view token_hash, const domain::FamilyIssue& issue) = 0;
  // Revokes a family in one transaction: every refresh token of it becomes used, and every access
  // token of it not yet expired is revoked as revoke_token() does (one token.revoked event each).
  // Returns how many access tokens were revoked.
  virtual std::size_t revoke_token_family(std::string_view family_id) = 0;

  // What gateways need to authorise calls (secrets cleared), with the change-log revision.
  virtual domain::SecurityState security_state(std::int64_t now_s, std::int64_t retired_key_grace_s) = 0;
  // Only the small sets of it that change rarely: policies, block conditions, trusted signing keys,
  // external key managers and certificates (applications, keys, subscriptions and revocations left
  // empty).
  virtual domain::SecurityState security_settings(std::int64_t now_s, std::int64_t retired_key_grace_s) = 0;
  // security_state() without the subscriptions (the bulk of it), which for_each_subscription reads:
  // a gateway loading everything builds the rest while they stream in.
  virtual domain::SecurityState security_state_except_subscriptions(std::int64_t now_s,
                                                                    std::int64_t retired_key_grace_s) = 0;
  virtual void for_each_subscription(const std::function<void(domain::Subscription&&)>& f) = 0;

  // Approval tasks (workflows). At most one pending task per type, subject and environment (409);
  // deleting an application, subscription or API drops its tasks.
  virtual void create_workflow(const domain::Workflow& w) = 0;
  virtual std::optional<domain::Workflow> get_workflow(std::string_view reference_id) = 0;
  virtual std::optional<domain::Workflow> find_pending_workflow(std::string_view type, std::string_view subject_id,
                                                                std::string_view environment) = 0;
  // The pending tasks of a subject (any type), oldest first.
  virtual std::vector<domain::Workflow> pending_workflows_of(std::string_view subject_id) = 0;
  // A page of the pending tasks, of one type unless `type` is empty, oldest first, with the total.
  virtual WorkflowPage list_pending_workflows(std::string_view type, std::int64_t limit, std::int64_t offset) = 0;
  // Marks a pending task APPROVED or REJECTED with the approver's note; false when it is no
  // longer pending (another approver was first, or it was cancelled).
  virtual bool finish_workflow(std::string_view reference_id, std::string_view status, std::string_view note,
                               std::int64_t now) = 0;
  // Drops the pending tasks of this type, subject and environment (any environment when empty);
  // returns how many.
  virtual int cancel_pending_workflows(std::string_view type, std::string_view subject_id,
                                       std::string_view environment) = 0;
  // Which types of change wait for approval (every type of domain::kWorkflowTypes, off unless set).
  virtual std::vector<std::pair<std::string, bool>> workflow_settings() = 0;
  virtual void set_workflow_setting(std::string_view type, bool approval_required) = 0;

  // Change log
  virtual std::vector<ChangeEvent> events_after(std::int64_t revision, std::size_t limit) = 0;
  // Called after a commit that appended events, with the newest revision (from the writer's thread).
  virtual void set_commit_listener(std::function<void(std::int64_t)> listener) = 0;
};

// Opens (creating if needed) <data_dir>/archway.db and runs migrations.
std::unique_ptr<Store> open_sqlite_store(const std::string& path);

}  // namespace archway::store
