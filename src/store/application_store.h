#pragma once
// Applications of the Developer Portal and their OAuth2 clients (key mappings). One aggregate of the store (see store.h).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/application.h"
#include "domain/workflow.h"

namespace archway::store {

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


class ApplicationStore {
 public:
  virtual ~ApplicationStore() = default;

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
};

}  // namespace archway::store
