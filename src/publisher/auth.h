#pragma once
// Authenticates management REST calls: HTTP Basic against stored users. Successful checks are
// cached briefly by a digest of the credentials so argon2id runs once per client, not per call.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "domain/user.h"
#include "http/rest_router.h"
#include "store/store.h"

namespace archway::publisher {

class Authenticator {
 public:
  explicit Authenticator(store::Store& store) : store_(store) {}

  // The caller, or throws ProblemError(401) when credentials are missing or wrong.
  domain::User authenticate(const http::RestRequest& req);
  // Throws ProblemError(403) unless the user has one of the roles (admin always passes).
  static void require_any_role(const domain::User& user, std::initializer_list<std::string_view> roles);

 private:
  store::Store& store_;
  std::mutex mu_;
  struct Cached {
    domain::User user;
    std::chrono::steady_clock::time_point expires;
  };
  std::unordered_map<std::string, Cached> cache_;
};

}  // namespace archway::publisher
