// Endpoint security (endpoint_security.h). OAUTH: each worker holds the token it got per set of
// credentials until shortly before it expires, fetches one at a time (concurrent requests wait for
// it) and drops it when the backend refuses it with 401. DIGEST: each worker remembers the last
// challenge per endpoint and counts the uses of its nonce.
#include "gateway/filters/endpoint_security.h"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <variant>

#include "crypto/http_digest.h"
#include "crypto/random.h"
#include "gateway/filters/filters.h"
#include "gateway/internal/worker.h"
#include "gateway/upstream.h"

namespace archway::gateway::filters {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using common::Problem;
using internal::steady_millis;
using ms = std::chrono::milliseconds;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// OAUTH: the token this worker holds per set of credentials (BackendOAuth::key).
struct BackendToken {
  std::string authorization;         // "Bearer <token>"; empty: none yet
  std::int64_t refresh_at_ms = 0;    // steady ms from which a new token is fetched
  std::int64_t failed_until_ms = 0;  // after a failed fetch, requests fail fast until then
  std::optional<Problem> failure;
  bool fetching = false;
  std::shared_ptr<asio::steady_timer> ready;  // cancelled when the fetch in flight ends
};
struct BackendTokens {
  StringMap<std::shared_ptr<BackendToken>> by_key;
};

// DIGEST: the last challenge of each endpoint, by BackendDigest::key + "\n" + its pool key.
struct DigestState {
  crypto::DigestChallenge challenge;
  std::uint32_t nc = 0;
};
struct DigestStates {
  StringMap<DigestState> by_key;
};

std::string digest_state_key(const BackendDigest& d, const EndpointRuntime& ep) { return d.key + "\n" + ep.pool_key; }

Problem backend_token_problem(const BackendOAuth& oauth, const std::string& why) {
  return internal::backend_unavailable("Could not get an access token for the back end from " + oauth.token_url +
                                       ": " + why);
}

using TokenOrProblem = std::variant<std::pair<std::string, std::int64_t>, Problem>;

// One token request on an open connection: POST the form, read a bounded JSON answer.
template <class Stream>
asio::awaitable<TokenOrProblem> token_exchange(Stream& s, const BackendOAuth& oauth, ms timeout) {
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, oauth.target, 11};
  req.set(bhttp::field::host, oauth.token_endpoint->authority);
  req.set(bhttp::field::authorization, oauth.client_auth);
  req.set(bhttp::field::content_type, "application/x-www-form-urlencoded");
  req.set(bhttp::field::accept, "application/json");
  req.keep_alive(false);
  req.body() = oauth.form;
  req.prepare_payload();
  timed(s).arm(timeout);
  auto [wec, wn] = co_await bhttp::async_write(s, req, kTuple);
  timed(s).settle(wec);
  if (wec) co_return backend_token_problem(oauth, "sending the token request failed: " + wec.message());
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> p;
  p.body_limit(64 * 1024);
  timed(s).arm(timeout);
  auto [rec, rn] = co_await bhttp::async_read(s, buffer, p, kTuple);
  timed(s).settle(rec);
  if (rec)
    co_return backend_token_problem(oauth, rec == asio::error::timed_out ? "the token endpoint did not answer in time"
                                                                        : "reading the answer failed: " + rec.message());
  const auto& res = p.get();
  boost::system::error_code jec;
  const boost::json::value v = boost::json::parse(res.body(), jec);
  const boost::json::object* o = !jec && v.is_object() ? &v.get_object() : nullptr;
  auto field = [o](std::string_view name) -> std::string {
    if (!o) return {};
    const auto* f = o->if_contains(name);
    return f && f->is_string() ? std::string(f->get_string()) : std::string();
  };
  if (res.result_int() != 200) {
    std::string why = "the token endpoint answered " + std::to_string(res.result_int());
    if (const std::string e = field("error"); !e.empty()) why += " " + e;
    if (const std::string d = field("error_description"); !d.empty()) why += ": " + d;
    co_return backend_token_problem(oauth, why);
  }
  const std::string token = field("access_token");
  if (token.empty() || token.find_first_of("\r\n") != std::string::npos)
    co_return backend_token_problem(oauth, "the answer has no usable access_token");
  if (const std::string type = field("token_type"); !type.empty() && !beast::iequals(type, "bearer"))
    co_return backend_token_problem(oauth, "token_type '" + type + "' is not Bearer");
  std::int64_t expires_in = 3600;  // RFC 6749 section 5.1: optional; the server's default applies
  if (o)
    if (const auto* e = o->if_contains("expires_in")) {
      if (e->is_int64()) expires_in = e->get_int64();
      else if (e->is_uint64()) expires_in = static_cast<std::int64_t>(std::min<std::uint64_t>(e->get_uint64(), 1u << 30));
      else if (e->is_double()) expires_in = static_cast<std::int64_t>(e->get_double());
    }
  co_return std::pair<std::string, std::int64_t>{"Bearer " + token, std::max<std::int64_t>(1, expires_in)};
}

asio::awaitable<TokenOrProblem> fetch_backend_token(internal::Worker& w, const BackendOAuth& oauth) {
  internal::Acquired a = co_await internal::acquire(w, *oauth.token_endpoint, false);
  if (a.error) co_return backend_token_problem(oauth, a.error->description);
  const ms timeout(w.opts.upstream_timeout_ms);
  if (a.conn->tls) co_return co_await token_exchange(*a.conn->tls, oauth, timeout);
  co_return co_await token_exchange(a.conn->tcp, oauth, timeout);
}

// "Bearer <token>" for the backend, from this worker's cache or, when it has none or it is about
// to expire, from the token endpoint. A problem when the token endpoint gives none.
asio::awaitable<std::variant<std::string, Problem>> backend_authorization(internal::Worker& w,
                                                                          const BackendOAuth& oauth) {
  auto& tokens = w.local<BackendTokens>().by_key;
  auto it = tokens.find(oauth.key);
  if (it == tokens.end()) {
    if (tokens.size() >= 1024)  // credentials replaced many times over: start afresh
      std::erase_if(tokens, [](const auto& e) { return !e.second->fetching; });
    it = tokens.emplace(oauth.key, std::make_shared<BackendToken>()).first;
  }
  const std::shared_ptr<BackendToken> t = it->second;  // stays valid across suspensions
  for (;;) {
    const std::int64_t now = steady_millis();
    if (!t->authorization.empty() && now < t->refresh_at_ms) co_return t->authorization;
    if (t->fetching) {
      const auto ready = t->ready;
      co_await ready->async_wait(kTuple);  // ends when the fetch in flight cancels it
      if (!t->fetching && t->failure && steady_millis() < t->failed_until_ms) co_return *t->failure;
      continue;
    }
    if (t->failure && now < t->failed_until_ms) co_return *t->failure;
    t->fetching = true;
    t->ready = std::make_shared<asio::steady_timer>(w.io, std::chrono::steady_clock::time_point::max());
    auto got = co_await fetch_backend_token(w, oauth);
    t->fetching = false;
    const auto ready = std::move(t->ready);
    ready->cancel();
    if (auto* p = std::get_if<Problem>(&got)) {
      spdlog::warn("backend token: {}", p->description);
      t->authorization.clear();
      t->failure = *p;
      t->failed_until_ms = steady_millis() + 1000;  // one try a second while the token endpoint fails
      co_return *p;
    }
    auto& [authorization, expires_in] = std::get<0>(got);
    t->authorization = std::move(authorization);
    t->failure.reset();
    // Renew before the backend would see it expire: 10% of its life early, at most 60 s.
    const std::int64_t life_ms = expires_in * 1000;
    t->refresh_at_ms = steady_millis() + life_ms - std::min<std::int64_t>(60000, life_ms / 10);
    co_return t->authorization;
  }
}

class EndpointSecurity final : public Filter {
 public:
  std::string_view name() const override { return "endpoint_security"; }
  bool acts_on_forward() const override { return true; }

  // After the body phase and the removal of hop-by-hop fields, so a client naming the header in
  // Connection cannot strip the backend's credentials, and a refused body costs no token fetch.
  asio::awaitable<Flow> on_forward(Call& call) const override {
    const BackendCredentials& creds = call.endpoint->credentials;
    if (!creds.header_name.empty()) call.request.set(creds.header_name, creds.header_value);
    if (creds.oauth) {
      auto auth = co_await backend_authorization(call.worker, *creds.oauth);
      if (auto* p = std::get_if<Problem>(&auth)) co_return fault(call, std::move(*p));
      call.backend_authorization = std::move(std::get<std::string>(auth));
      call.request.set(http::h1::FieldId::kAuthorization, call.backend_authorization);
    }
    co_return Flow::kNext;
  }

  // A DIGEST backend may ask for the request again with an answer to its challenge: its body is
  // kept to be sent twice.
  bool reads_request_body(const Call& call) const override {
    return call.endpoint->credentials.digest && !call.body_done;
  }

  void on_response(Call& call, ResponseHeader&) const override {
    if (call.status != 401 || call.backend_authorization.empty()) return;
    // Refused: the next request fetches a new token (unless one is on its way already).
    auto& tokens = call.worker.local<BackendTokens>().by_key;
    auto it = tokens.find(call.endpoint->credentials.oauth->key);
    if (it != tokens.end() && it->second->authorization == call.backend_authorization && !it->second->fetching) {
      it->second->authorization.clear();
      it->second->refresh_at_ms = 0;
    }
  }
};

}  // namespace

bool set_digest_authorization(Call& call, const BackendDigest& d, const EndpointRuntime& ep) {
  auto& states = call.worker.local<DigestStates>().by_key;
  auto it = states.find(digest_state_key(d, ep));
  if (it == states.end()) {
    call.request.erase(http::h1::FieldId::kAuthorization);
    return false;
  }
  DigestState& st = it->second;
  const std::string cnonce = crypto::hex(crypto::random_bytes(12));
  call.request.set(http::h1::FieldId::kAuthorization,
                   crypto::digest_authorization(st.challenge, d.username, d.password, call.request.method_string(),
                                                call.request.target(), ++st.nc, cnonce));
  return true;
}

std::optional<bool> remember_digest_challenge(Call& call, const BackendDigest& d, const EndpointRuntime& ep,
                                              std::string_view www_authenticate) {
  auto challenge = crypto::parse_digest_challenge(www_authenticate);
  if (!challenge) return std::nullopt;
  const bool stale = challenge->stale;
  auto& states = call.worker.local<DigestStates>().by_key;
  if (states.size() >= 1024) states.clear();  // credentials replaced many times over
  states.insert_or_assign(digest_state_key(d, ep), DigestState{std::move(*challenge), 0});
  return stale;
}

const Filter& endpoint_security() {
  static const EndpointSecurity instance;
  return instance;
}

}  // namespace archway::gateway::filters
