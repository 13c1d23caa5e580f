#include "identity/authenticator.h"

#include <algorithm>

#include "common/problem.h"
#include "crypto/password_hash.h"
#include "crypto/random.h"

namespace archway::identity {

using common::Problem;
using common::ProblemError;

namespace {
constexpr auto kCacheTtl = std::chrono::minutes(5);
constexpr std::size_t kMaxCacheEntries = 10000;
}  // namespace

Caller Authenticator::authenticate(const http::RestRequest& req) {
  Caller caller = authenticate_caller(req);
  req.principal = caller.user.username;
  return caller;
}

Caller Authenticator::authenticate_caller(const http::RestRequest& req) {
  const std::string_view h = req.header("authorization");
  if (h.empty())
    throw ProblemError(Problem::unauthorized("Authentication required: send HTTP Basic credentials or a Bearer token"));
  if (h.size() > 7 && (h.substr(0, 7) == "Bearer " || h.substr(0, 7) == "bearer ")) {
    std::optional<BearerIdentity> id = bearer_ ? bearer_(h.substr(7)) : std::nullopt;
    if (!id) throw ProblemError(Problem::unauthorized("The access token is invalid, expired or revoked"));
    auto user = store_.find_user(id->subject);
    if (!user) throw ProblemError(Problem::unauthorized("The access token's user no longer exists"));
    return Caller{std::move(*user), true, std::move(id->scopes)};
  }
  auto creds = http::parse_basic_auth(h);
  if (!creds) throw ProblemError(Problem::unauthorized("Malformed credentials; use HTTP Basic or Bearer"));
  const auto& [username, password] = *creds;
  // Locked keys are refused before any check, the cache's included: even the right password waits.
  const std::string user_key = LoginThrottle::user_key(username);
  const std::string address_key = LoginThrottle::address_key(req.remote_address);
  const std::initializer_list<LoginKey> keys = {{LoginKeyKind::kUser, user_key},
                                                {LoginKeyKind::kAddress, address_key}};
  if (throttle_)
    if (const auto wait = throttle_->locked_for(keys); wait.count() > 0)
      throw ProblemError(Problem::too_many_requests(
          "Too many failed sign-ins for this user or from this address; try again later",
          LoginThrottle::retry_after_s(wait)));
  const std::string key = crypto::sha256_hex(username + ":" + password);
  const auto now = std::chrono::steady_clock::now();
  std::optional<domain::User> user;
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.expires > now) user = it->second.user;
  }
  if (!user) {
    user = store_.find_user(username);
    if (!user || !crypto::verify_password(user->password_hash, password)) {
      if (throttle_) throttle_->failed(keys);
      throw ProblemError(Problem::unauthorized("Invalid username or password"));
    }
    std::lock_guard lock(mu_);
    if (cache_.size() >= kMaxCacheEntries) cache_.clear();
    cache_[key] = Cached{*user, now + kCacheTtl};
  }
  if (throttle_) throttle_->succeeded(keys);
  return Caller{std::move(*user), false, {}};
}

void Authenticator::require(const Caller& c, std::initializer_list<std::string_view> roles, std::string_view scope) {
  bool role_ok = c.user.has_role(domain::kRoleAdmin);
  if (system_scopes_) role_ok = role_ok || system_scopes_->allows(c.user.roles, scope);
  else
    for (auto r : roles) role_ok = role_ok || c.user.has_role(r);
  if (!role_ok)
    throw ProblemError(Problem::forbidden("User '" + c.user.username + "' is not allowed to perform this action"));
  if (c.with_token && std::find(c.scopes.begin(), c.scopes.end(), scope) == c.scopes.end())
    throw ProblemError(Problem::forbidden("The access token lacks the scope " + std::string(scope)));
}

void Authenticator::forget(std::string_view username) {
  std::lock_guard lock(mu_);
  for (auto it = cache_.begin(); it != cache_.end();)
    it = it->second.user.username == username ? cache_.erase(it) : std::next(it);
}

}  // namespace archway::identity
