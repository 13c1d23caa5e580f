#include "identity/user_service.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/clock.h"
#include "common/ids.h"
#include "common/problem.h"
#include "crypto/password_hash.h"
#include "identity/roles.h"

namespace archway::identity {

using common::Problem;
using common::ProblemError;

namespace {

void check_password(const std::string& password, std::string_view field = "password") {
  if (password.size() < kPasswordMinLength)
    throw ProblemError(Problem::bad_request(fmt::format("'{}' must be at least {} characters", field, kPasswordMinLength)));
  if (password.size() > kPasswordMaxLength)
    throw ProblemError(Problem::bad_request(fmt::format("'{}' must be at most {} characters", field, kPasswordMaxLength)));
}

void check_roles(const std::vector<std::string>& roles) {
  if (roles.empty()) throw ProblemError(Problem::bad_request("'roles' must name at least one role"));
  for (const auto& r : roles)
    if (!is_known_role(r))
      throw ProblemError(Problem::bad_request(
          fmt::format("'roles': unknown role '{}' (known: admin, creator, publisher, subscriber)", r)));
}

}  // namespace

domain::User UserService::create(const std::string& username, const std::string& password,
                                 std::vector<std::string> roles) {
  if (username.size() < 3 || username.size() > 64)
    throw ProblemError(Problem::bad_request("'username' must be 3 to 64 characters"));
  if (!std::all_of(username.begin(), username.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '@';
      }))
    throw ProblemError(Problem::bad_request("'username' may hold only letters, digits and . _ - @"));
  check_password(password);
  check_roles(roles);
  domain::User u;
  u.id = common::new_uuid();
  u.username = username;
  u.password_hash = crypto::hash_password(password);
  u.roles = std::move(roles);
  u.created_time = common::now_millis();
  store_.create_user(u);
  return u;
}

domain::User UserService::get(const std::string& username) {
  auto u = store_.find_user(username);
  if (!u) throw ProblemError(Problem::not_found(fmt::format("User '{}' not found", username)));
  return *u;
}

std::vector<domain::User> UserService::list() { return store_.list_users(); }

domain::User UserService::update(const std::string& username, const std::string& password,
                                 std::vector<std::string> roles) {
  domain::User u = get(username);
  if (!password.empty()) {
    check_password(password);
    u.password_hash = crypto::hash_password(password);
  }
  if (!roles.empty()) {
    check_roles(roles);
    // Nobody could manage users, policies or key managers any more: keep one admin at least.
    const bool keeps_admin = std::find(roles.begin(), roles.end(), domain::kRoleAdmin) != roles.end();
    if (u.has_role(domain::kRoleAdmin) && !keeps_admin && is_last_admin())
      throw ProblemError(Problem::conflict(fmt::format(
          "'roles': '{}' is the last user with the admin role; give another user the admin role first", username)));
    u.roles = std::move(roles);
  }
  store_.update_user(u);
  auth_.forget(username);
  return u;
}

bool UserService::is_last_admin() {
  return store_.count_users_with_role(domain::kRoleAdmin) <= 1;
}

void UserService::change_password(const std::string& username, const std::string& current,
                                  const std::string& new_password) {
  domain::User u = get(username);
  if (current.empty()) throw ProblemError(Problem::bad_request("'currentPassword' is required"));
  if (!crypto::verify_password(u.password_hash, current))
    throw ProblemError(Problem::bad_request("'currentPassword' is not the user's current password"));
  check_password(new_password, "newPassword");
  u.password_hash = crypto::hash_password(new_password);
  store_.update_user(u);
  auth_.forget(username);
}

void UserService::remove(const std::string& username) {
  if (username == "admin") throw ProblemError(Problem::bad_request("The 'admin' user cannot be deleted"));
  if (auto u = store_.find_user(username); u && u->has_role(domain::kRoleAdmin) && is_last_admin())
    throw ProblemError(Problem::conflict(
        fmt::format("'{}' is the last user with the admin role; give another user the admin role first", username)));
  if (!store_.delete_user(username))
    throw ProblemError(Problem::not_found(fmt::format("User '{}' not found", username)));
  auth_.forget(username);
}

}  // namespace archway::identity
