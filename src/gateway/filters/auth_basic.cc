// HTTP Basic against the control plane's users, for APIs whose securityScheme has basic_auth. The
// password hash is slow on purpose, so it runs on the verification pool and the request waits;
// verified credentials are cached per worker for 5 minutes. With operation scopes, one of them must
// be bound to one of the user's roles.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>

#include "gateway/filters/credentials.h"
#include "gateway/filters/filters.h"
#include "gateway/internal/worker.h"
#include "http/rest_router.h"

namespace archway::gateway::filters {

namespace {

namespace asio = boost::asio;
using common::Problem;

// Verified credentials of this worker, by the Authorization header value.
struct BasicUsers {
  struct User {
    std::vector<std::string> roles;
    std::chrono::steady_clock::time_point expires;
  };
  StringMap<User> users;
};

class BasicAuth final : public Filter {
 public:
  std::string_view name() const override { return "basic_auth"; }
  bool suspends() const override { return true; }

  asio::awaitable<Flow> on_request_async(Call& call) const override {
    if (by_client_certificate(call)) co_return Flow::kNext;
    if (!basic_decides(call)) co_return Flow::kNext;  // a token or API key: the next filter's
    const std::string_view authorization = credential_of(call);
    constexpr std::string_view kChallenge = "Basic realm=\"archway\"";
    if (authorization.empty())
      co_return answer(call, {401, 900902, "Missing Credentials", "Send HTTP Basic credentials"}, kChallenge);
    internal::Worker& w = call.worker;
    auto& cache = w.local<BasicUsers>().users;
    const auto now = std::chrono::steady_clock::now();
    const BasicUsers::User* user = nullptr;
    if (auto it = cache.find(authorization); it != cache.end() && it->second.expires > now) user = &it->second;
    auto creds = http::parse_basic_auth(authorization);
    if (!user) {
      if (!creds || !w.opts.basic_auth_verifier)
        co_return answer(call, {401, 900901, "Invalid Credentials", "Malformed Basic credentials"}, kChallenge);
      const auto& verifier = w.opts.basic_auth_verifier;
      std::optional<std::vector<std::string>> roles = co_await asio::co_spawn(
          *w.verify_pool,
          [&verifier, &creds]() -> asio::awaitable<std::optional<std::vector<std::string>>> {
            co_return verifier(creds->first, creds->second);
          },
          asio::use_awaitable);
      if (!roles) co_return answer(call, {401, 900901, "Invalid Credentials", "Invalid username or password"}, kChallenge);
      if (cache.size() >= 10000) cache.clear();
      auto [it, inserted] = cache.insert_or_assign(std::string(authorization),
                                                   BasicUsers::User{std::move(*roles), now + std::chrono::minutes(5)});
      user = &it->second;
    }
    if (!call.op.scopes.empty() && !granted(call, user->roles))
      co_return answer(call, {403, 900910, "The access token does not allow you to access the requested resource",
                              "The user's roles are not bound to any of this operation's scopes"});
    call.basic_user = creds ? std::move(creds->first) : std::string();
    call.by_basic = true;
    drop_credential(call);
    co_return Flow::kNext;
  }

 private:
  static bool granted(const Call& call, const std::vector<std::string>& roles) {
    for (const auto& scope : call.op.scopes) {
      auto bound = call.api.scope_roles.find(scope);
      if (bound == call.api.scope_roles.end()) continue;
      for (const auto& role : roles)
        if (role == "admin" || bound->second.empty() ||
            std::find(bound->second.begin(), bound->second.end(), role) != bound->second.end())
          return true;
    }
    return false;
  }
};

}  // namespace

const Filter& basic_auth() {
  static const BasicAuth instance;
  return instance;
}

}  // namespace archway::gateway::filters
