#pragma once
// Users: creation with validated names, passwords and roles; self sign-up as a subscriber.
#include <string>
#include <vector>

#include "domain/user.h"
#include "identity/authenticator.h"
#include "store/store.h"

namespace archway::identity {

// Password rules (the Developer Portal's settings announce them).
inline constexpr std::size_t kPasswordMinLength = 8;
inline constexpr std::size_t kPasswordMaxLength = 256;

class UserService {
 public:
  UserService(store::Store& store, Authenticator& auth) : store_(store), auth_(auth) {}

  // Throws ProblemError 400 naming the field, 409 when the username is taken.
  domain::User create(const std::string& username, const std::string& password, std::vector<std::string> roles);
  domain::User get(const std::string& username);
  std::vector<domain::User> list();
  // Empty password keeps the current one; empty roles keep the current ones.
  domain::User update(const std::string& username, const std::string& password, std::vector<std::string> roles);
  void remove(const std::string& username);
  // The user's own change (DevPortal /me/change-password): 400 when `current` is not the user's
  // password or `new_password` breaks the rules.
  void change_password(const std::string& username, const std::string& current, const std::string& new_password);

 private:
  // Asked about a user holding the admin role: true when nobody else holds it (the Admin API must
  // keep one). A count over the role index, whatever the number of users.
  bool is_last_admin();
  store::Store& store_;
  Authenticator& auth_;
};

}  // namespace archway::identity
