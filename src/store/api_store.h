#pragma once
// APIs and API products (working copies), their revisions, lifecycle, deployments and
// environment-specific properties. One aggregate of the store (see store.h).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/api.h"
#include "domain/application.h"
#include "domain/document.h"
#include "domain/environment.h"
#include "domain/lifecycle.h"

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

class ApiStore {
 public:
  virtual ~ApiStore() = default;

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

  // Environment-specific API properties (by environment name). Setting them delivers the API's
  // deployment to that environment again (api.deployed), so its gateways apply them at once.
  virtual domain::EnvironmentProperties environment_properties(std::string_view api_id,
                                                               std::string_view environment) = 0;
  virtual std::map<std::string, domain::EnvironmentProperties> environment_properties_of(
      std::string_view environment) = 0;  // by API id
  virtual void set_environment_properties(std::string_view api_id, std::string_view environment,
                                          const domain::EnvironmentProperties& properties) = 0;
};

}  // namespace archway::store
