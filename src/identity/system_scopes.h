#pragma once
// Which roles hold each management (system) scope — apim:api_view, apim:admin, ... — and role
// aliases, as the Admin API's /system-scopes sets them (stored, migration 21). Management calls and
// the token endpoint ask it, so a change takes effect on the next call. The admin role holds every
// scope whatever the mapping says, so no change can lock all administrators out.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace archway::identity {

class SystemScopes {
 public:
  explicit SystemScopes(store::Store& store) : store_(store) {}

  // Every system scope with the roles that hold it (none: only admin), in system_scope_names() order.
  store::Store::RoleMap scopes();
  store::Store::RoleMap aliases();
  // Whether a user with `roles` holds `scope` (directly or through an alias; admin always does).
  bool allows(const std::vector<std::string>& roles, std::string_view scope);
  // Every system scope `roles` hold.
  std::vector<std::string> scopes_for_roles(const std::vector<std::string>& roles);
  // Checks and stores a change (throws ProblemError(400) naming the field); later calls see it.
  void set_scopes(const store::Store::RoleMap& scopes);
  void set_aliases(const store::Store::RoleMap& aliases);

 private:
  struct State {
    store::Store::RoleMap scopes;
    store::Store::RoleMap aliases;
    std::chrono::steady_clock::time_point loaded;
  };
  // The current mapping; re-read from the store at most once a second, so processes sharing a
  // data directory follow each other's changes too.
  std::shared_ptr<const State> state();
  // The user's roles with the roles they are aliases of.
  static std::vector<std::string> effective_roles(const State& s, const std::vector<std::string>& roles);

  store::Store& store_;
  std::mutex mu_;
  std::shared_ptr<const State> state_;
};

}  // namespace archway::identity
