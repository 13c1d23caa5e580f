#pragma once
// Users of the management plane, and which roles hold each management (system) scope. One aggregate of the store (see store.h).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/user.h"

namespace archway::store {

class UserStore {
 public:
  virtual ~UserStore() = default;

  // Users
  virtual std::optional<domain::User> find_user(std::string_view username) = 0;
  virtual void create_user(const domain::User& user) = 0;
  virtual std::int64_t count_users() = 0;
  virtual std::vector<domain::User> list_users() = 0;
  virtual std::int64_t count_users_with_role(std::string_view role) = 0;
  virtual void update_user(const domain::User& user) = 0;  // password hash and roles
  virtual bool delete_user(std::string_view username) = 0;

  // Which roles hold each management (system) scope, and role aliases (a role that counts as
  // another wherever the mapping names it): the Admin's /system-scopes. Seeded by migration 21.
  using RoleMap = std::vector<std::pair<std::string, std::vector<std::string>>>;
  virtual RoleMap system_scope_roles() = 0;
  virtual void set_system_scope_roles(const RoleMap& scopes) = 0;  // replaces the roles of the scopes given
  virtual RoleMap role_aliases() = 0;
  virtual void set_role_aliases(const RoleMap& aliases) = 0;  // replaces every alias
};

}  // namespace archway::store
