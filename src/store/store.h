#pragma once
// Store: the one persistence interface of the control plane (SQLite now, PostgreSQL later).
// Every method is one transaction; writes a gateway must know append a change event in that same
// transaction (DESIGN.md §6). Uniqueness violations throw common::ProblemError with status 409.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/api.h"
#include "domain/user.h"

namespace archway::store {

struct ApiQuery {
  std::string text;  // matches name, context, provider or tag (substring, case-insensitive)
  std::int64_t limit = 25;
  std::int64_t offset = 0;
};

struct ApiPage {
  std::vector<domain::Api> list;
  std::int64_t total = 0;
};

// One entry of the change log, in revision order.
struct ChangeEvent {
  std::int64_t revision = 0;
  std::string type;       // "api.deployed", "api.undeployed"
  std::string entity_id;  // e.g. the API id
  std::string payload;    // JSON
  std::int64_t created_time = 0;
};

// The deployed APIs and the change-log revision they reflect, read in one transaction.
struct DeployedState {
  std::vector<domain::DeployedApi> apis;
  std::int64_t revision = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Users
  virtual std::optional<domain::User> find_user(std::string_view username) = 0;
  virtual void create_user(const domain::User& user) = 0;
  virtual std::int64_t count_users() = 0;

  // APIs (working copies)
  virtual void create_api(const domain::Api& api) = 0;
  virtual std::optional<domain::Api> get_api(std::string_view id) = 0;
  virtual ApiPage list_apis(const ApiQuery& query) = 0;
  virtual void update_api(const domain::Api& api) = 0;
  // Deletes the API, its revisions and deployments; appends api.undeployed if it was deployed.
  virtual bool delete_api(std::string_view id) = 0;

  // Revisions: numbered 1, 2, ... per API, never reused.
  virtual domain::Revision create_revision(const domain::Api& snapshot, std::string_view description) = 0;
  virtual std::vector<domain::Revision> list_revisions(std::string_view api_id) = 0;
  virtual std::optional<domain::Revision> get_revision(std::string_view api_id,
                                                       std::string_view revision_id) = 0;
  virtual bool delete_revision(std::string_view api_id, std::string_view revision_id) = 0;

  // Deployments: at most one revision of an API per gateway environment; deploying replaces.
  virtual std::vector<domain::Deployment> deploy_revision(
      std::string_view api_id, std::string_view revision_id,
      const std::vector<domain::Deployment>& targets) = 0;
  // Removes the named environments' deployments of that revision; returns how many were removed.
  virtual int undeploy_revision(std::string_view api_id, std::string_view revision_id,
                                const std::vector<std::string>& environments) = 0;
  virtual std::vector<domain::Deployment> list_deployments(std::string_view api_id) = 0;
  virtual DeployedState deployed_state() = 0;

  // Change log
  virtual std::vector<ChangeEvent> events_after(std::int64_t revision, std::size_t limit) = 0;
  // Called after a commit that appended events, with the newest revision (from the writer's thread).
  virtual void set_commit_listener(std::function<void(std::int64_t)> listener) = 0;
};

// Opens (creating if needed) <data_dir>/archway.db and runs migrations.
std::unique_ptr<Store> open_sqlite_store(const std::string& path);

}  // namespace archway::store
