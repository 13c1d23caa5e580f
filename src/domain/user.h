#pragma once
// Users of the management plane and their roles.
#include <string>
#include <vector>

namespace archway::domain {

inline constexpr std::string_view kRoleAdmin = "admin";
inline constexpr std::string_view kRoleCreator = "creator";
inline constexpr std::string_view kRolePublisher = "publisher";
inline constexpr std::string_view kRoleSubscriber = "subscriber";

struct User {
  std::string id;
  std::string username;
  std::string password_hash;  // argon2id, see crypto/password_hash.h
  std::vector<std::string> roles;
  std::int64_t created_time = 0;

  bool has_role(std::string_view role) const {
    for (const auto& r : roles)
      if (r == role) return true;
    return false;
  }
};

}  // namespace archway::domain
