#include "publisher/auth.h"

#include <boost/beast/core/detail/base64.hpp>

#include "common/problem.h"
#include "crypto/password_hash.h"
#include "crypto/random.h"

namespace archway::publisher {

using common::Problem;
using common::ProblemError;

namespace {
constexpr auto kCacheTtl = std::chrono::minutes(5);
constexpr std::size_t kMaxCacheEntries = 10000;

std::string decode_base64(std::string_view in) {
  namespace b64 = boost::beast::detail::base64;
  std::string out(b64::decoded_size(in.size()), '\0');
  auto [written, read] = b64::decode(out.data(), in.data(), in.size());
  // decode() stops at the first character outside the alphabet; only '=' padding may follow.
  if (in.empty() || in.find_first_not_of('=', read) != std::string_view::npos || in.size() - read > 2)
    throw ProblemError(Problem::unauthorized("Malformed Basic credentials"));
  out.resize(written);
  return out;
}
}  // namespace

domain::User Authenticator::authenticate(const http::RestRequest& req) {
  const std::string_view h = req.header("authorization");
  if (h.empty()) throw ProblemError(Problem::unauthorized("Authentication required: send HTTP Basic credentials"));
  if (h.size() < 6 || !(h.substr(0, 6) == "Basic " || h.substr(0, 6) == "basic "))
    throw ProblemError(Problem::unauthorized("Unsupported authorization scheme; use HTTP Basic"));
  const std::string creds = decode_base64(h.substr(6));
  const auto colon = creds.find(':');
  if (colon == std::string::npos) throw ProblemError(Problem::unauthorized("Malformed Basic credentials"));
  const std::string username = creds.substr(0, colon);
  const std::string password = creds.substr(colon + 1);
  const std::string key = crypto::sha256_hex(creds);
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
