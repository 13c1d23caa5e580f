#pragma once
// The catalog around APIs: shared scopes, categories, gateway environments (and the gateways
// that serve them), labels and the Service Catalog. One aggregate of the store (see store.h).
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
#include "domain/category.h"
#include "domain/environment.h"
#include "domain/service.h"
#include "domain/shared_scope.h"

namespace archway::store {

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

class CatalogStore {
 public:
  virtual ~CatalogStore() = default;

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

  // API categories (names unique case-insensitively: 409). APIs name them in `categories`;
  // renaming one renames it in the APIs, deleting one that an API names is refused (409).
  virtual void create_category(const domain::ApiCategory& c) = 0;
  virtual std::vector<domain::ApiCategory> list_categories() = 0;
  virtual std::optional<domain::ApiCategory> get_category(std::string_view id) = 0;
  virtual void update_category(const domain::ApiCategory& c) = 0;
  virtual bool delete_category(std::string_view id) = 0;

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

  // Platform gateways (Admin /gateways), by name. create: 409 when the name is taken; update
  // writes what may change (display name, description, properties, permissions, token hash,
  // updated time; 404 when gone).
  virtual void create_platform_gateway(const domain::PlatformGateway& g) = 0;
  virtual std::vector<domain::PlatformGateway> list_platform_gateways() = 0;
  virtual std::optional<domain::PlatformGateway> get_platform_gateway(std::string_view id) = 0;
  virtual void update_platform_gateway(const domain::PlatformGateway& g) = 0;
  virtual bool delete_platform_gateway(std::string_view id) = 0;
  // The gateway whose registration token hashes to `token_hash`, marked active at `now_ms`.
  virtual std::optional<domain::PlatformGateway> use_platform_gateway_token(std::string_view token_hash,
                                                                           std::int64_t now_ms) = 0;

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
};

}  // namespace archway::store
