#pragma once
// Authenticates management REST calls: HTTP Basic against stored users, or a Bearer access token
// from our Key Manager whose scope holds the call's apim:* scope. Successful Basic checks are
// cached briefly by a digest of the credentials so argon2id runs once per client, not per call;
// failed ones count towards the login throttle's locks.
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/user.h"
#include "http/rest_router.h"
#include "identity/login_throttle.h"
#include "identity/system_scopes.h"
#include "store/store.h"

namespace archway::identity {

// What a verified Bearer token says about its caller.
struct BearerIdentity {
  std::string subject;  // username
  std::vector<std::string> scopes;
};
// Verifies a Bearer token; nullopt when it is not a valid, unrevoked token of ours.
using BearerVerifier = std::function<std::optional<BearerIdentity>(std::string_view token)>;

struct Caller {
  domain::User user;
  bool with_token = false;
  std::vector<std::string> scopes;  // with_token only
};

class Authenticator {
 public:
  // With `throttle`, failed Basic sign-ins lock the username and the source address for a while
  // (429 with Retry-After while locked).
  explicit Authenticator(store::Store& store, LoginThrottle* throttle = nullptr) : store_(store), throttle_(throttle) {}
  void set_bearer_verifier(BearerVerifier v) { bearer_ = std::move(v); }

  // The caller, or throws ProblemError(401) when credentials are missing or wrong.
  Caller authenticate(const http::RestRequest& req);
  // For calls anonymous callers may make too: nullopt without an Authorization header; credentials
  // that are sent must be right (401 otherwise).
  std::optional<Caller> identify(const http::RestRequest& req) {
    if (req.header("authorization").empty()) return std::nullopt;
    return authenticate(req);
  }
  // Which roles hold which management scope (the Admin's /system-scopes). Without it, `roles` of
  // require() decide.
  void set_system_scopes(SystemScopes* scopes) { system_scopes_ = scopes; }
  // Throws ProblemError(403) unless the caller's roles hold `scope` (by the system scope mapping,
  // else: one of `roles`; admin always passes), and a token caller's token carries `scope`.
  void require(const Caller& caller, std::initializer_list<std::string_view> roles, std::string_view scope);
  // authenticate() + require().
  Caller authorize(const http::RestRequest& req, std::initializer_list<std::string_view> roles,
                   std::string_view scope) {
    Caller c = authenticate(req);
    require(c, roles, scope);
    return c;
  }
  // Drops cached Basic credentials of a user whose password or roles changed.
  void forget(std::string_view username);

 private:
  Caller authenticate_caller(const http::RestRequest& req);
  store::Store& store_;
  LoginThrottle* throttle_;
  SystemScopes* system_scopes_ = nullptr;
  BearerVerifier bearer_;
  std::mutex mu_;
  struct Cached {
    domain::User user;
    std::chrono::steady_clock::time_point expires;
  };
  std::unordered_map<std::string, Cached> cache_;
};

}  // namespace archway::identity
