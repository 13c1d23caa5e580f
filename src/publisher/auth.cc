#include "publisher/auth.h"

#include "common/problem.h"
#include "crypto/password_hash.h"
#include "crypto/random.h"

namespace archway::publisher {

using common::Problem;
using common::ProblemError;

namespace {
constexpr auto kCacheTtl = std::chrono::minutes(5);
constexpr std::size_t kMaxCacheEntries = 10000;
}  // namespace

domain::User Authenticator::authenticate(const http::RestRequest& req) {
  const std::string_view h = req.header("authorization");
  if (h.empty()) throw ProblemError(Problem::unauthorized("Authentication required: send HTTP Basic credentials"));
  if (h.size() < 6 || !(h.substr(0, 6) == "Basic " || h.substr(0, 6) == "basic "))
    throw ProblemError(Problem::unauthorized("Unsupported authorization scheme; use HTTP Basic"));
  auto creds = http::parse_basic_auth(h);
  if (!creds) throw ProblemError(Problem::unauthorized("Malformed Basic credentials"));
  const auto& [username, password] = *creds;
  const std::string key = crypto::sha256_hex(username + ":" + password);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.expires > now) return it->second.user;
  }
  auto user = store_.find_user(username);
  if (!user || !crypto::verify_password(user->password_hash, password))
    throw ProblemError(Problem::unauthorized("Invalid username or password"));
  std::lock_guard lock(mu_);
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();
  cache_[key] = Cached{*user, now + kCacheTtl};
  return *user;
}

void Authenticator::require_any_role(const domain::User& user, std::initializer_list<std::string_view> roles) {
  if (user.has_role(domain::kRoleAdmin)) return;
  for (auto r : roles)
    if (user.has_role(r)) return;
  throw ProblemError(Problem::forbidden("User '" + user.username + "' is not allowed to perform this action"));
}

}  // namespace archway::publisher
