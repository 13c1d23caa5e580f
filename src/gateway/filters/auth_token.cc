// Bearer access tokens and API keys (the `apikey` header, or the `apikey` query parameter when no
// such header came), as the API's securityScheme allows, then
// the caller's application's subscription to the API (token_authenticator.h). Verified tokens are
// cached per worker. The caller's credentials are not forwarded.
#include <chrono>
#include <optional>

#include "gateway/filters/credentials.h"
#include "gateway/filters/filters.h"
#include "gateway/internal/worker.h"
#include "http/rest_router.h"

namespace archway::gateway::filters {

namespace {

// The raw value of the first `apikey` parameter of `query` (still percent-encoded); nullopt: none.
std::optional<std::string_view> apikey_param(std::string_view query) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.starts_with("apikey=")) return pair.substr(7);
  }
  return std::nullopt;
}

common::Problem auth_problem(const AuthDecision& d) {
  switch (d.outcome) {
    case AuthOutcome::kMissingCredentials:
      return {401, 900902, "Missing Credentials", std::string(d.description)};
    case AuthOutcome::kInvalidCredentials:
      return {401, 900901, "Invalid Credentials", std::string(d.description)};
    case AuthOutcome::kScopeMissing:
      return {403, 900910, "The access token does not allow you to access the requested resource",
              std::string(d.description)};
    default:
      return {403, 900908, "Resource forbidden", std::string(d.description)};
  }
}

class TokenAuth final : public Filter {
 public:
  std::string_view name() const override { return "token_auth"; }

  Flow on_request(Call& call) const override {
    if (call.by_basic || by_client_certificate(call)) return Flow::kNext;
    internal::Worker& w = call.worker;
    const std::int64_t now_s =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    TokenCache& cache = w.local<TokenCache>();
    std::string_view api_key = call.request[http::h1::FieldId::kApikey];
    if (api_key.empty() && call.api.api_key)
      if (const auto param = apikey_param(call.query)) {
        call.query_api_key = http::percent_decode(*param, true);
        api_key = call.query_api_key;
      }
    call.auth = authorize(call.snapshot, call.api, call.op, credential_of(call), api_key, cache, now_s,
                          w.opts.on_unknown_key);
    WorkerCounters& counters = w.metrics->worker(w.index);
    counters.token_cache_hits.store(cache.hits, std::memory_order_relaxed);
    counters.token_cache_misses.store(cache.misses, std::memory_order_relaxed);
    const AuthDecision& d = call.auth;
    if (d.outcome != AuthOutcome::kAllowed) {
      const std::string_view challenge =
          d.outcome == AuthOutcome::kMissingCredentials   ? "Bearer realm=\"archway\""
          : d.outcome == AuthOutcome::kInvalidCredentials ? "Bearer realm=\"archway\", error=\"invalid_token\""
                                                          : "";
      return answer(call, auth_problem(d), challenge);
    }
    call.endpoint = d.endpoint;
    drop_credential(call);
    call.request.erase(http::h1::FieldId::kApikey);
    return Flow::kNext;
  }
};

}  // namespace

const Filter& token_auth() {
  static const TokenAuth instance;
  return instance;
}

}  // namespace archway::gateway::filters
