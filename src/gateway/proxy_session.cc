// The request path of the gateway: read a request, route it, forward it to the backend over a
// pooled keep-alive connection, stream the response back. Bodies are streamed in both directions
// through a fixed buffer; nothing here throws on the data path.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <variant>

#include "common/problem.h"
#include "crypto/http_digest.h"
#include "crypto/random.h"
#include "gateway/filter.h"
#include "gateway/filters/cors.h"
#include "gateway/filters/schema_validation.h"
#include "gateway/internal/worker.h"
#include "gateway/payload.h"
#include "http/request_checks.h"
#include "http/rest_router.h"
#include "gateway/token_authenticator.h"
#include "traffic/throttler.h"

namespace archway::gateway::internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using common::Problem;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kChunk = 16 * 1024;
using ms = std::chrono::milliseconds;

Problem no_resource() {
  return {404, 900906, "No matching resource found for given API Request",
          "No API operation matches the method and path of this request"};
}
Problem method_not_allowed(std::string_view m) {
  return {405, 405, "Method not allowed", "Method " + std::string(m) + " is not allowed on this resource"};
}
Problem backend_unavailable(const std::string& why) {
  return {503, 101503, "Error connecting to the back end", why};
}
Problem backend_timeout() {
  return {504, 101504, "Backend connection timeout", "The backend did not answer within the endpoint timeout"};
}
Problem bad_backend_response(const std::string& why) {
  return {502, 101505, "Invalid response from the back end", why};
}
Problem bad_payload(const std::string& why) { return {400, 101410, "Invalid request payload", why}; }
Problem payload_too_large(std::size_t limit) {
  return {413, 413, "Payload Too Large",
          "A payload policy reads the whole body; this one exceeds " + std::to_string(limit) +
              " bytes (gateway.max_transform_bytes)"};
}
// The product's fault for a suspended endpoint (303001), with the time left.
Problem endpoint_suspended(const EndpointRuntime& ep, std::int64_t remaining_ms) {
  return {503, 303001, "Endpoint suspended",
          "Currently, endpoint " + ep.url.authority() + " is SUSPENDED after repeated failures; it is tried again in " +
              std::to_string(remaining_ms) + " ms"};
}

// Methods a retry cannot harm (RFC 9110 §9.2.2).
bool idempotent(bhttp::verb v) {
  return v == bhttp::verb::get || v == bhttp::verb::head || v == bhttp::verb::options || v == bhttp::verb::put ||
         v == bhttp::verb::delete_;
}

bool iequals(std::string_view a, std::string_view b) { return beast::iequals(a, b); }

bool is_hop_by_hop(bhttp::field name) {
  switch (name) {
    case bhttp::field::connection:
    case bhttp::field::keep_alive:
    case bhttp::field::proxy_connection:
    case bhttp::field::te:
    case bhttp::field::trailer:
    case bhttp::field::transfer_encoding:
    case bhttp::field::upgrade:
    case bhttp::field::proxy_authorization:
    case bhttp::field::proxy_authenticate:
      return true;
    default:
      return false;
  }
}

// Removes hop-by-hop headers (RFC 9110 §7.6.1), including those the Connection header names.
// One pass over the fields finds them; most messages have none but Connection, so the common case
// costs a scan and no tree lookups.
template <class Fields>
void strip_hop_by_hop(Fields& f) {
  bool any = false;
  for (const auto& field : f) any = any || is_hop_by_hop(field.name());
  if (!any) return;
  if (auto conn = f.find(bhttp::field::connection); conn != f.end()) {
    std::string names(conn->value());
    std::size_t i = 0;
    while (i < names.size()) {
      std::size_t j = names.find(',', i);
      if (j == std::string::npos) j = names.size();
      std::string_view tok(names.data() + i, j - i);
      while (!tok.empty() && (tok.front() == ' ' || tok.front() == '\t')) tok.remove_prefix(1);
      while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\t')) tok.remove_suffix(1);
      if (!tok.empty() && !iequals(tok, "close") && !iequals(tok, "keep-alive")) f.erase(tok);
      i = j + 1;
    }
  }
  for (auto it = f.begin(); it != f.end();) it = is_hop_by_hop(it->name()) ? f.erase(it) : std::next(it);
}

template <class Stream>
asio::awaitable<bool> write_problem(Stream& s, unsigned version, const Problem& p, bool keep_alive,
                                    std::string_view www_authenticate = {},
                                    const traffic::Decision* throttled = nullptr, std::int64_t retry_after_s = 0) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(p.status), version};
  res.set(bhttp::field::content_type, "application/json");
  if (!www_authenticate.empty()) res.set(bhttp::field::www_authenticate, www_authenticate);
  if (retry_after_s > 0) res.set(bhttp::field::retry_after, std::to_string(retry_after_s));
  if (throttled && throttled->kind == traffic::Decision::Kind::kThrottled) {
    const std::string reset = std::to_string(std::max<std::int64_t>(1, (throttled->reset_ms + 999) / 1000));
    res.set(bhttp::field::retry_after, reset);
    res.set("RateLimit-Limit", std::to_string(throttled->limit));
    res.set("RateLimit-Remaining", "0");
    res.set("RateLimit-Reset", reset);
  }
  res.keep_alive(keep_alive);
  res.body() = p.to_json();
  res.prepare_payload();
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(10));
  auto [ec, n] = co_await bhttp::async_write(s, res, kTuple);
  co_return !ec;
}

// An error the gateway answers itself once it deals with the payload or the backend (payload
// refusals, 502/503/504), through the operation's fault flow when it has one: the problem body
// goes through the flow's payload policies, a mock replaces it, header policies run last.
// `retry_after_s` > 0 adds Retry-After (a suspended endpoint says when it is tried again).
template <class Stream>
asio::awaitable<bool> write_fault(Stream& s, unsigned version, const Problem& p, bool keep_alive,
                                  const CompiledFlow* fault, std::int64_t retry_after_s = 0) {
  if (!fault) co_return co_await write_problem(s, version, p, keep_alive, {}, nullptr, retry_after_s);
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(p.status), version};
  if (retry_after_s > 0) res.set(bhttp::field::retry_after, std::to_string(retry_after_s));
  std::string content_type = "application/json";
  std::string body = p.to_json();
  if (!fault->body.empty()) {
    PayloadResult r = run_body_steps(fault->body, body, content_type);
    if (r.ok()) {
      body = std::move(r.body);
    } else {
      content_type = "application/json";
      spdlog::warn("fault flow payload policy left the error as it was: {}", r.error);
    }
  }
  if (fault->mock) {
    if (fault->mock->status_given) res.result(static_cast<unsigned>(fault->mock->status));
    content_type = fault->mock->content_type;
    body = fault->mock->body;
  }
  if (!content_type.empty()) res.set(bhttp::field::content_type, content_type);
  apply_header_ops(fault->headers, res);
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(10));
  auto [ec, n] = co_await bhttp::async_write(s, res, kTuple);
  co_return !ec;
}

template <class Stream>
asio::awaitable<bool> write_fixed(Stream& s, unsigned version, std::string_view content_type, std::string_view body,
                                  bool keep_alive, bool head) {
  bhttp::response<bhttp::string_body> res{bhttp::status::ok, version};
  res.set(bhttp::field::content_type, content_type);
  res.body() = body;
  res.keep_alive(keep_alive);
  res.prepare_payload();
  if (head) res.body().clear();  // Content-Length stays; a response to HEAD has no body
  auto [ec, n] = co_await bhttp::async_write(s, res, kTuple);
  co_return !ec;
}

// Answers from a cache entry, with CORS for this request's origin.
template <class Stream>
asio::awaitable<bool> write_cached(Stream& s, unsigned version, const CachedResponse& hit, const CompiledCors& cors,
                                   std::string_view origin, bool keep_alive, bool head) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(hit.status), version};
  for (const auto& [k, v] : hit.headers) res.insert(k, v);
  res.set("X-Cache", "HIT");
  if (cors.enabled)
    if (auto allowed = cors.allow_origin(origin)) {
      res.set(bhttp::field::access_control_allow_origin, *allowed);
      if (cors.credentials) res.set(bhttp::field::access_control_allow_credentials, "true");
      if (*allowed != "*") res.set(bhttp::field::vary, "Origin");
    }
  res.keep_alive(keep_alive);
  res.content_length(hit.content_length);
  if (!head) res.body() = hit.body;
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(10));
  auto [ec, n] = co_await bhttp::async_write(s, res, kTuple);
  co_return !ec;
}

// Streams the body `p` reads from `in` to `out` through `sr` (which also writes the header first).
enum class Relay { kOk, kReadError, kWriteError, kReadTimeout, kTooLarge };

template <class In, class Out, bool IsRequest>
asio::awaitable<Relay> relay(In& in, beast::flat_buffer& inbuf, bhttp::parser<IsRequest, bhttp::buffer_body>& p,
                             Out& out, bhttp::serializer<IsRequest, bhttp::buffer_body>& sr, char* buf,
                             ms read_timeout, ms write_timeout, std::int64_t* counted) {
  auto& body = p.get().body();
  do {
    if (!p.is_done()) {
      body.data = buf;
      body.size = kChunk;
      beast::get_lowest_layer(in).expires_after(read_timeout);
      auto [ec, n] = co_await bhttp::async_read(in, inbuf, p, kTuple);
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) {
        if (ec == beast::error::timeout) co_return Relay::kReadTimeout;
        if (ec == bhttp::error::body_limit) co_return Relay::kTooLarge;
        co_return Relay::kReadError;
      }
      body.size = kChunk - body.size;
      *counted += static_cast<std::int64_t>(body.size);
      body.data = buf;
      body.more = !p.is_done();
    } else {
      body.data = nullptr;
      body.size = 0;
      body.more = false;
    }
    beast::get_lowest_layer(out).expires_after(write_timeout);
    auto [wec, wn] = co_await bhttp::async_write(out, sr, kTuple);
    if (wec == bhttp::error::need_buffer) wec = {};
    if (wec) co_return Relay::kWriteError;
  } while (!p.is_done() || !sr.is_done());
  co_return Relay::kOk;
}

// Reads the rest of the body `p` parses into `out`, at most `limit` bytes: for payload policies.
template <class In, bool IsRequest>
asio::awaitable<Relay> read_whole(In& in, beast::flat_buffer& inbuf, bhttp::parser<IsRequest, bhttp::buffer_body>& p,
                                  char* buf, std::size_t limit, ms timeout, std::string& out, std::int64_t* counted) {
  if (auto announced = p.content_length(); announced && *announced > limit) co_return Relay::kTooLarge;
  auto& body = p.get().body();
  while (!p.is_done()) {
    body.data = buf;
    body.size = kChunk;
    beast::get_lowest_layer(in).expires_after(timeout);
    auto [ec, n] = co_await bhttp::async_read(in, inbuf, p, kTuple);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) co_return ec == beast::error::timeout ? Relay::kReadTimeout : Relay::kReadError;
    const std::size_t got = kChunk - body.size;
    if (out.size() + got > limit) co_return Relay::kTooLarge;
    out.append(buf, got);
    *counted += static_cast<std::int64_t>(got);
  }
  co_return Relay::kOk;
}

// Writes a request whose (transformed) body is in memory.
template <class Out>
asio::awaitable<Relay> send_buffered(Out& out, bhttp::request<bhttp::buffer_body>& req, const std::string& body,
                                     ms timeout) {
  req.body().data = const_cast<char*>(body.data());
  req.body().size = body.size();
  req.body().more = false;
  bhttp::request_serializer<bhttp::buffer_body> sr{req};
  beast::get_lowest_layer(out).expires_after(timeout);
  auto [ec, n] = co_await bhttp::async_write(out, sr, kTuple);
  co_return ec ? Relay::kWriteError : Relay::kOk;
}

// kFailed: the backend failed before any of its response reached the client; nothing was written
// to the client, so the caller may retry or answer with `RequestContext::problem`.
// kAuthRetry: the backend challenged a DIGEST endpoint's request (401); it is sent again with the
// answer (only when its body can be sent again).
enum class Exchange { kDone, kRetry, kErrorSent, kClientGone, kFailed, kAuthRetry };

struct RequestContext {
  bhttp::request_parser<bhttp::buffer_body>* rp;
  beast::flat_buffer* client_buffer;
  const EndpointRuntime* endpoint;
  unsigned client_version;
  bool client_keep_alive;
  bool head;
  bool body_expected;  // the client still had body bytes to send when routing finished
  char* buf;
  std::int64_t bytes = 0;  // body bytes moved both ways (bandwidth limits)
  const CompiledFlow* response = nullptr;  // response mediation
  const std::string* request_body = nullptr;  // the body after request payload policies (sent from memory)
  const CompiledFlow* fault = nullptr;        // the operation's fault flow (null: none)
  const openapi::OperationValidator* response_validator = nullptr;  // enableResponseSchemaValidation
  std::string_view cache_key;                 // non-empty: a cacheable request of a caching operation
  std::int64_t cache_ttl_ms = 0;
  Call* call = nullptr;  // the request and its filters (their response phase runs on the backend's header)
  bool may_retry = false;  // a 5xx named by retryErroCode is given back as kFailed, not relayed
  unsigned status = 0;     // the backend's response status, once its header is read
  const BackendDigest* digest = nullptr;  // DIGEST endpoint security
  bool digest_retried = false;            // the request was sent again with a Digest answer
  bool digest_answered = false;           // this attempt carried a Digest answer
  UpstreamFailure failure = UpstreamFailure::kNone;  // set with kFailed
  unsigned failure_status = 0;
  std::optional<Problem> problem;  // set with kFailed
};

std::int64_t steady_millis() {
  return std::chrono::duration_cast<ms>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string digest_state_key(const BackendDigest& d, const EndpointRuntime& ep) { return d.key + "\n" + ep.pool_key; }

// Runs the operation's filters in order until one answers.
asio::awaitable<Flow> run_filters(Call& call) {
  for (const auto& f : call.op.filters) {
    const Flow flow = f->suspends() ? co_await f->on_request_async(call) : f->on_request(call);
    if (flow != Flow::kNext) co_return flow;
  }
  co_return Flow::kNext;
}

// Writes the answer of the filter that stopped `call`.
template <class Stream>
asio::awaitable<bool> write_answer(Stream& s, unsigned version, const Call& call, bool keep, const CompiledFlow* fault) {
  const Answer& a = call.answer;
  const bool head = call.request.method() == bhttp::verb::head;
  switch (a.kind) {
    case Answer::Kind::kProblem:
      co_return co_await write_problem(s, version, a.problem, keep, a.challenge, a.throttled ? &call.throttle : nullptr);
    case Answer::Kind::kFault:
      co_return co_await write_fault(s, version, a.problem, keep, fault);
    case Answer::Kind::kCached:
      co_return co_await write_cached(s, version, *a.cached, call.api.cors, call.request[bhttp::field::origin], keep, head);
    case Answer::Kind::kMock: {
      const CompiledFlow::Mock& mock = *call.op.request.mock;
      bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(mock.status), version};
      if (!mock.content_type.empty()) res.set(bhttp::field::content_type, mock.content_type);
      res.body() = mock.body;
      res.keep_alive(keep);
      res.prepare_payload();
      if (head) res.body().clear();  // Content-Length stays
      auto [ec, n] = co_await bhttp::async_write(s, res, kTuple);
      co_return !ec;
    }
  }
  co_return false;
}

class Session {
 public:
  explicit Session(Worker& w) : w_(w) {}

  template <class Client>
  asio::awaitable<void> run(Client& client, const std::string& remote_ip, const domain::IpAddress& remote_addr,
                            bool tls, ClientConnection& entry);

 private:
  struct Acquired {
    std::unique_ptr<UpstreamConnection> conn;
    bool reused = false;
    std::optional<Problem> error;
    UpstreamFailure failure = UpstreamFailure::kNone;
  };
  asio::awaitable<Acquired> acquire(const EndpointRuntime& ep, bool allow_reuse);

  template <class Client, class Up>
  asio::awaitable<Exchange> exchange(Client& client, Up& up, std::unique_ptr<UpstreamConnection>& conn,
                                     bool reused, RequestContext& ctx);

  // OAUTH endpoint security: "Bearer <token>" for the backend, from this worker's cache or, when it
  // has none or it is about to expire, from the token endpoint (one fetch at a time; concurrent
  // requests wait for it). A problem when the token endpoint gives none.
  asio::awaitable<std::variant<std::string, Problem>> backend_authorization(const BackendOAuth& oauth);
  // DIGEST: answers the endpoint's last challenge in the request's Authorization header (removes the
  // header while this worker has seen none). Call with the request's final method and target.
  // Returns whether an answer was set.
  bool set_digest_authorization(bhttp::request<bhttp::buffer_body>& req, const BackendDigest& d,
                                const EndpointRuntime& ep);
  // Drops the cached token when it is still `sent` (the backend refused it with 401).
  void forget_backend_token(const BackendOAuth& oauth, std::string_view sent);
  asio::awaitable<std::variant<std::pair<std::string, std::int64_t>, Problem>> fetch_backend_token(
      const BackendOAuth& oauth);

  // Responses read whole: for the response flow's payload policies and for the response cache.
  // Transforms, stores a copy when `store`, answers.
  template <class Client, class Up>
  asio::awaitable<Exchange> buffered_response(Client& client, Up& up, std::unique_ptr<UpstreamConnection>& conn,
                                              bhttp::response_parser<bhttp::buffer_body>& sp, bool upstream_keep_alive,
                                              bool keep, bool store, RequestContext& ctx, ms upstream_timeout);

  Worker& w_;
  std::array<char, kChunk> buf_;
  std::string normal_target_;  // the request target with its path normalised, when that changed it
};

asio::awaitable<Session::Acquired> Session::acquire(const EndpointRuntime& ep, bool allow_reuse) {
  Acquired a;
  if (allow_reuse) {
    a.conn = w_.pool.take(ep.pool_key);
    if (a.conn) {
      a.reused = true;
      co_return a;
    }
  }
  const domain::BackendUrl& be = ep.url;
  auto conn = std::make_unique<UpstreamConnection>(w_.io.get_executor());
  conn->key = ep.pool_key;
  const std::string host_port = be.host + ":" + std::to_string(be.port);
  const auto* cached = w_.pool.cached_resolution(host_port);
  tcp::resolver::results_type results;
  if (cached) {
    results = *cached;
  } else {
    tcp::resolver resolver(w_.io);
    auto [rec, r] = co_await resolver.async_resolve(be.host, std::to_string(be.port), kTuple);
    if (rec) {
      a.error = backend_unavailable("Cannot resolve backend host '" + be.host + "': " + rec.message());
      a.failure = UpstreamFailure::kConnect;
      co_return a;
    }
    w_.pool.cache_resolution(host_port, r);
    results = std::move(r);
  }
  const ms connect_timeout(ep.connect_timeout_ms > 0 ? ep.connect_timeout_ms : w_.opts.connect_timeout_ms);
  conn->tcp.expires_after(connect_timeout);
  auto [cec, connected] = co_await conn->tcp.async_connect(results, kTuple);
  if (cec) {
    if (cec == beast::error::timeout) {
      a.error = Problem{504, 101504, "Backend connection timeout",
                        "Connecting to " + be.authority() + " timed out"};
      a.failure = UpstreamFailure::kTimeout;
    } else {
      a.error = backend_unavailable("Cannot connect to " + be.authority() + ": " + cec.message());
      a.failure = UpstreamFailure::kConnect;
    }
    co_return a;
  }
  boost::system::error_code ec;
  conn->tcp.socket().set_option(tcp::no_delay(true), ec);
  if (be.tls) {
    a.failure = UpstreamFailure::kConnect;
    if (!w_.opts.client_tls) {
      a.error = backend_unavailable("No TLS client context for https backends");
      co_return a;
    }
    conn->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream&>>(conn->tcp, *w_.opts.client_tls);
    if (!SSL_set_tlsext_host_name(conn->tls->native_handle(), be.host.c_str())) {
      a.error = backend_unavailable("Cannot set SNI for " + be.host);
      co_return a;
    }
    conn->tls->set_verify_callback(asio::ssl::host_name_verification(be.host));
    conn->tcp.expires_after(connect_timeout);
    auto [hec] = co_await conn->tls->async_handshake(asio::ssl::stream_base::client, kTuple);
    if (hec) {
      const long verify = SSL_get_verify_result(conn->tls->native_handle());
      if (verify != X509_V_OK)
        a.error = Problem{502, 101505, "Backend certificate verification failed",
                          be.authority() + ": " + X509_verify_cert_error_string(verify) +
                              " (trusted CAs: gateway.trust_store, or the system store)"};
      else
        a.error = Problem{502, 101505, "TLS handshake with the back end failed", be.authority() + ": " + hec.message()};
      co_return a;
    }
    a.failure = UpstreamFailure::kNone;
  }
  a.conn = std::move(conn);
  co_return a;
}

Problem backend_token_problem(const BackendOAuth& oauth, const std::string& why) {
  return backend_unavailable("Could not get an access token for the back end from " + oauth.token_url + ": " + why);
}

// One token request on an open connection: POST the form, read a bounded JSON answer.
template <class Stream>
asio::awaitable<std::variant<std::pair<std::string, std::int64_t>, Problem>> token_exchange(
    Stream& s, const BackendOAuth& oauth, ms timeout) {
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, oauth.target, 11};
  req.set(bhttp::field::host, oauth.token_endpoint->authority);
  req.set(bhttp::field::authorization, oauth.client_auth);
  req.set(bhttp::field::content_type, "application/x-www-form-urlencoded");
  req.set(bhttp::field::accept, "application/json");
  req.keep_alive(false);
  req.body() = oauth.form;
  req.prepare_payload();
  beast::get_lowest_layer(s).expires_after(timeout);
  auto [wec, wn] = co_await bhttp::async_write(s, req, kTuple);
  if (wec) co_return backend_token_problem(oauth, "sending the token request failed: " + wec.message());
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> p;
  p.body_limit(64 * 1024);
  beast::get_lowest_layer(s).expires_after(timeout);
  auto [rec, rn] = co_await bhttp::async_read(s, buffer, p, kTuple);
  if (rec)
    co_return backend_token_problem(
        oauth, rec == beast::error::timeout ? "the token endpoint did not answer in time" : "reading the answer failed: " + rec.message());
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
  if (const std::string type = field("token_type"); !type.empty() && !iequals(type, "bearer"))
    co_return backend_token_problem(oauth, "token_type '" + type + "' is not Bearer");
  std::int64_t expires_in = 3600;  // RFC 6749 §5.1: optional; the server's default applies
  if (o)
    if (const auto* e = o->if_contains("expires_in")) {
      if (e->is_int64()) expires_in = e->get_int64();
      else if (e->is_uint64()) expires_in = static_cast<std::int64_t>(std::min<std::uint64_t>(e->get_uint64(), 1u << 30));
      else if (e->is_double()) expires_in = static_cast<std::int64_t>(e->get_double());
    }
  co_return std::pair<std::string, std::int64_t>{"Bearer " + token, std::max<std::int64_t>(1, expires_in)};
}

asio::awaitable<std::variant<std::pair<std::string, std::int64_t>, Problem>> Session::fetch_backend_token(
    const BackendOAuth& oauth) {
  Acquired a = co_await acquire(*oauth.token_endpoint, false);
  if (a.error) co_return backend_token_problem(oauth, a.error->description);
  const ms timeout(w_.opts.upstream_timeout_ms);
  if (a.conn->tls) co_return co_await token_exchange(*a.conn->tls, oauth, timeout);
  co_return co_await token_exchange(a.conn->tcp, oauth, timeout);
}

asio::awaitable<std::variant<std::string, Problem>> Session::backend_authorization(const BackendOAuth& oauth) {
  auto it = w_.backend_tokens.find(oauth.key);
  if (it == w_.backend_tokens.end()) {
    if (w_.backend_tokens.size() >= 1024)  // credentials replaced many times over: start afresh
      std::erase_if(w_.backend_tokens, [](const auto& e) { return !e.second->fetching; });
    it = w_.backend_tokens.emplace(oauth.key, std::make_shared<Worker::BackendToken>()).first;
  }
  const std::shared_ptr<Worker::BackendToken> t = it->second;  // stays valid across suspensions
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
    t->ready = std::make_shared<asio::steady_timer>(w_.io, std::chrono::steady_clock::time_point::max());
    auto got = co_await fetch_backend_token(oauth);
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

bool Session::set_digest_authorization(bhttp::request<bhttp::buffer_body>& req, const BackendDigest& d,
                                       const EndpointRuntime& ep) {
  auto it = w_.backend_digests.find(digest_state_key(d, ep));
  if (it == w_.backend_digests.end()) {
    req.erase(bhttp::field::authorization);
    return false;
  }
  Worker::DigestState& st = it->second;
  const std::string cnonce = crypto::hex(crypto::random_bytes(12));
  req.set(bhttp::field::authorization,
          crypto::digest_authorization(st.challenge, d.username, d.password, req.method_string(), req.target(), ++st.nc,
                                       cnonce));
  return true;
}

void Session::forget_backend_token(const BackendOAuth& oauth, std::string_view sent) {
  auto it = w_.backend_tokens.find(oauth.key);
  if (it != w_.backend_tokens.end() && it->second->authorization == sent && !it->second->fetching) {
    it->second->authorization.clear();
    it->second->refresh_at_ms = 0;
  }
}

template <class Client, class Up>
asio::awaitable<Exchange> Session::exchange(Client& client, Up& up, std::unique_ptr<UpstreamConnection>& conn,
                                            bool reused, RequestContext& ctx) {
  auto& rp = *ctx.rp;
  const ms upstream_timeout(ctx.endpoint->timeout_ms > 0 ? ctx.endpoint->timeout_ms : w_.opts.upstream_timeout_ms);
  const ms client_timeout(w_.opts.client_idle_timeout_ms);

  // Request: header and body, streamed.
  bhttp::request_serializer<bhttp::buffer_body> rs{rp.get()};
  const Relay sent = ctx.request_body ? co_await send_buffered(up, rp.get(), *ctx.request_body, upstream_timeout)
                                      : co_await relay(client, *ctx.client_buffer, rp, up, rs, ctx.buf, client_timeout,
                                                       upstream_timeout, &ctx.bytes);
  if (sent == Relay::kWriteError || sent == Relay::kReadTimeout) {
    if (sent == Relay::kWriteError && reused && !ctx.body_expected) co_return Exchange::kRetry;
    if (sent == Relay::kReadTimeout) co_return Exchange::kClientGone;
    ctx.failure = UpstreamFailure::kClosed;
    ctx.problem = backend_unavailable("The backend closed the connection");
    co_return Exchange::kFailed;
  }
  if (sent == Relay::kTooLarge) {
    Problem p{413, 413, "Payload Too Large", "Request body exceeds the gateway's limit"};
    co_await write_fault(client, ctx.client_version, p, false, ctx.fault);
    co_return Exchange::kClientGone;
  }
  if (sent == Relay::kReadError) co_return Exchange::kClientGone;

  // Response header.
  bhttp::response_parser<bhttp::buffer_body> sp;
  sp.header_limit(64 * 1024);
  sp.body_limit(boost::none);
  if (ctx.head) sp.skip(true);
  beast::get_lowest_layer(up).expires_after(upstream_timeout);
  auto [hec, hn] = co_await bhttp::async_read_header(up, conn->buffer, sp, kTuple);
  if (hec) {
    if (hec == beast::error::timeout) {
      ctx.failure = UpstreamFailure::kTimeout;
      ctx.problem = backend_timeout();
      co_return Exchange::kFailed;
    }
    if (reused && !ctx.body_expected && conn->buffer.size() == 0) co_return Exchange::kRetry;
    ctx.failure = UpstreamFailure::kClosed;
    ctx.problem = bad_backend_response("Reading the response header failed: " + hec.message());
    co_return Exchange::kFailed;
  }

  auto& res = sp.get();
  EndpointHealth& health = *ctx.endpoint->health;
  const unsigned status = res.result_int();
  ctx.status = status;
  if (status == 401 && ctx.digest) {
    // The challenge is kept for the next requests; this one goes again when it can (once).
    if (auto challenge = crypto::parse_digest_challenge(res[bhttp::field::www_authenticate])) {
      // Sent again when the first attempt had no answer or only its nonce was stale (RFC 7616
      // §3.3); an answer refused without stale=true means wrong credentials: the 401 goes back.
      const bool stale = challenge->stale;
      if (w_.backend_digests.size() >= 1024) w_.backend_digests.clear();  // credentials replaced many times over
      w_.backend_digests.insert_or_assign(digest_state_key(*ctx.digest, *ctx.endpoint),
                                          Worker::DigestState{std::move(*challenge), 0});
      if (!ctx.digest_retried && !ctx.body_expected && (!ctx.digest_answered || stale))
        co_return Exchange::kAuthRetry;  // the 401's connection is dropped
    }
  }
  if (status >= 500 && status < 600) {
    if (ctx.may_retry && ctx.endpoint->failures.retries_status(status)) {
      ctx.failure = UpstreamFailure::kStatus;  // the connection is dropped with its unread body
      ctx.failure_status = status;
      ctx.problem = Problem{static_cast<int>(status), static_cast<int>(status), "Backend error",
                            "The backend answered " + std::to_string(status)};
      co_return Exchange::kFailed;
    }
    health.record_failure(ctx.endpoint->failures, UpstreamFailure::kStatus, status, steady_millis());
  } else {
    health.record_success();
  }
  bool upstream_keep_alive = res.keep_alive();
  const bool was_chunked = res.chunked();
  const bool body_to_eof = !sp.is_done() && !was_chunked && !res.has_content_length();
  strip_hop_by_hop(res);
  for (const auto& f : ctx.call->op.filters) f->on_response(*ctx.call, res.base());
  bool keep = ctx.client_keep_alive && !w_.stopping;
  res.version(ctx.client_version);
  if (body_to_eof) upstream_keep_alive = false;
  if ((was_chunked || body_to_eof) && !sp.is_done()) {
    if (ctx.client_version >= 11) res.chunked(true);
    else keep = false;  // HTTP/1.0 client: the end of the connection frames the body
  }
  res.keep_alive(keep);
  bool store = false;
  if (!ctx.cache_key.empty()) {
    res.set("X-Cache", "MISS");
    // Only what fits an entry is read whole for the cache; a larger or open-ended body streams by.
    store = res.result() == bhttp::status::ok &&
            (ctx.head || sp.is_done() || (sp.content_length() && *sp.content_length() <= w_.cache->max_entry_bytes()) ||
             (ctx.response && !ctx.response->body.empty()));
  }
  const bool validate = ctx.response_validator && !ctx.head &&
                        ctx.response_validator->response_schema(status, res[bhttp::field::content_type]);
  if (store || validate || (ctx.response && !ctx.response->body.empty() && !ctx.head && !sp.is_done()))
    co_return co_await buffered_response(client, up, conn, sp, upstream_keep_alive, keep, store, ctx, upstream_timeout);

  bhttp::response_serializer<bhttp::buffer_body> ss{res};
  const Relay got = co_await relay(up, conn->buffer, sp, client, ss, ctx.buf, upstream_timeout, client_timeout,
                                   &ctx.bytes);
  if (got != Relay::kOk) {
    // Mid-body failure: the status line is gone already, so the only honest signal is to close.
    if (got == Relay::kReadTimeout || got == Relay::kReadError) {
      spdlog::debug("backend {} failed mid-response", conn->key);
      health.record_failure(ctx.endpoint->failures,
                            got == Relay::kReadTimeout ? UpstreamFailure::kTimeout : UpstreamFailure::kClosed, 0,
                            steady_millis());
    }
    co_return Exchange::kClientGone;
  }
  if (upstream_keep_alive && sp.is_done()) w_.pool.put(std::move(conn));
  co_return keep ? Exchange::kDone : Exchange::kClientGone;
}

// What the response cache keeps of a response: its headers without framing, CORS (set per request)
// and X-Cache; nullopt when the response says it may not be stored (RFC 9111 §3), else its TTL.
template <class Fields>
std::optional<std::int64_t> cacheable_for(const Fields& res, std::int64_t ttl_ms) {
  const CacheDirectives d = parse_cache_control(res[bhttp::field::cache_control], res[bhttp::field::pragma]);
  if (d.no_store || d.no_cache || d.is_private || d.max_age_s == 0) return std::nullopt;
  if (res.find(bhttp::field::set_cookie) != res.end() || res[bhttp::field::vary] == "*") return std::nullopt;
  return d.max_age_s > 0 ? std::min<std::int64_t>(ttl_ms, d.max_age_s * 1000) : ttl_ms;
}

template <class Client, class Up>
asio::awaitable<Exchange> Session::buffered_response(Client& client, Up& up, std::unique_ptr<UpstreamConnection>& conn,
                                                     bhttp::response_parser<bhttp::buffer_body>& sp,
                                                     bool upstream_keep_alive, bool keep, bool store,
                                                     RequestContext& ctx, ms upstream_timeout) {
  std::string raw;
  const bool transform = ctx.response && !ctx.response->body.empty() && !ctx.head;
  const unsigned status = sp.get().result_int();
  const bool validate = ctx.response_validator && !ctx.head &&
                        ctx.response_validator->response_schema(status, sp.get()[bhttp::field::content_type]);
  const std::size_t limit = transform || validate || !w_.cache ? w_.opts.max_transform_bytes : w_.cache->max_entry_bytes();
  const Relay got = co_await read_whole(up, conn->buffer, sp, ctx.buf, limit, upstream_timeout, raw, &ctx.bytes);
  auto& res = sp.get();
  std::string content_type(res[bhttp::field::content_type]);
  PayloadResult out;
  if (got == Relay::kReadTimeout) {
    ctx.endpoint->health->record_failure(ctx.endpoint->failures, UpstreamFailure::kTimeout, 0, steady_millis());
    const bool ok = co_await write_fault(client, ctx.client_version, backend_timeout(), false, ctx.fault);
    co_return ok ? Exchange::kErrorSent : Exchange::kClientGone;
  }
  if (got == Relay::kTooLarge)
    out.error = "the response body exceeds " + std::to_string(w_.opts.max_transform_bytes) +
                " bytes (gateway.max_transform_bytes), too large for the response's payload policies or schema validation";
  else if (got != Relay::kOk)
    out.error = "reading the response body failed";
  if (got == Relay::kOk && validate) {
    std::vector<openapi::SchemaError> failures;
    if (!ctx.response_validator->check_response(status, content_type, raw, failures)) {
      if (upstream_keep_alive && sp.is_done()) w_.pool.put(std::move(conn));
      const Problem p = filters::schema_problem(500, "Internal Server Error", "Response", failures);
      spdlog::warn("response of {} failed schema validation: {}", ctx.endpoint->url.authority(), p.description);
      const bool ok = co_await write_fault(client, ctx.client_version, p, keep, ctx.fault);
      co_return ok && keep ? Exchange::kErrorSent : Exchange::kClientGone;
    }
  }
  if (out.ok()) {
    if (transform && !raw.empty()) out = run_body_steps(ctx.response->body, raw, content_type);
    else out.body = std::move(raw);
  }
  if (got == Relay::kOk && upstream_keep_alive && sp.is_done()) w_.pool.put(std::move(conn));
  if (!out.ok()) {
    const bool close = got != Relay::kOk;  // an unread upstream body: this connection is done
    const bool ok =
        co_await write_fault(client, ctx.client_version, bad_backend_response(out.error), keep && !close, ctx.fault);
    co_return ok && keep && !close ? Exchange::kErrorSent : Exchange::kClientGone;
  }
  bhttp::response<bhttp::string_body> res_out{std::move(res.base())};
  res_out.body() = std::move(out.body);
  if (!content_type.empty()) res_out.set(bhttp::field::content_type, content_type);
  res_out.keep_alive(keep);
  if (!ctx.head) {
    res_out.chunked(false);
    res_out.prepare_payload();
  }
  if (store) {
    if (auto ttl = cacheable_for(res_out, ctx.cache_ttl_ms)) {
      auto entry = std::make_shared<CachedResponse>();
      entry->status = res_out.result_int();
      for (const auto& f : res_out) {
        switch (f.name()) {
          case bhttp::field::content_length:
          case bhttp::field::transfer_encoding:
          case bhttp::field::connection:
          case bhttp::field::keep_alive:
          case bhttp::field::access_control_allow_origin:
          case bhttp::field::access_control_allow_credentials:
            continue;
          case bhttp::field::vary:
            if (iequals(f.value(), "Origin")) continue;
            break;
          default:
            if (iequals(f.name_string(), "X-Cache")) continue;
        }
        entry->headers.emplace_back(f.name_string(), f.value());
      }
      entry->body = res_out.body();
      entry->content_length = ctx.head ? sp.content_length().value_or(0) : res_out.body().size();
      entry->expires_ms = steady_millis() + *ttl;
      w_.cache->insert(std::string(ctx.cache_key), std::move(entry));
    }
  }
  beast::get_lowest_layer(client).expires_after(ms(w_.opts.client_idle_timeout_ms));
  auto [wec, wn] = co_await bhttp::async_write(client, res_out, kTuple);
  if (wec) co_return Exchange::kClientGone;
  co_return keep ? Exchange::kDone : Exchange::kClientGone;
}

template <class Client>
asio::awaitable<void> Session::run(Client& client, const std::string& remote_ip, const domain::IpAddress& remote_addr,
                                   bool tls, ClientConnection& entry) {
  beast::flat_buffer cbuf;
  cbuf.reserve(16 * 1024);  // one recv takes a whole request head (see UpstreamConnection)
  const ms idle(w_.opts.client_idle_timeout_ms);
  for (;;) {
    entry.busy = false;
    if (w_.stopping) co_return;
    bhttp::request_parser<bhttp::buffer_body> rp;
    rp.header_limit(static_cast<std::uint32_t>(w_.opts.max_header_bytes));
    rp.body_limit(w_.opts.max_body_bytes);
    beast::get_lowest_layer(client).expires_after(idle);
    auto [ec, n] = co_await bhttp::async_read_header(client, cbuf, rp, kTuple);
    if (ec) {
      std::optional<Problem> p;
      if (ec == bhttp::error::header_limit)
        p = Problem{431, 431, "Request Header Fields Too Large", "Request headers exceed the gateway's limit"};
      else if (ec == bhttp::error::body_limit)
        p = Problem{413, 413, "Payload Too Large", "Request body exceeds the gateway's limit"};
      else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
               ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
        p = Problem::bad_request("Malformed HTTP request: " + ec.message());
      if (p) co_await write_problem(client, 11, *p, false);
      co_return;
    }
    entry.busy = true;
    auto& req = rp.get();
    const unsigned version = req.version();
    const bool client_keep_alive = req.keep_alive();
    // Framing two parsers could read differently (smuggling) is refused, and the connection closed.
    if (const auto bad = http::framing_problem(req.base())) {
      co_await write_problem(client, version, *bad, false);
      co_return;
    }
    std::string_view target = req.target();
    std::size_t q = target.find('?');
    std::string_view path = target.substr(0, q);
    // Routing and the backend see the normal form of the path (no dot segments, no needless escapes).
    switch (const http::PathVerdict v = http::normalize_path(path, w_.opts.allow_encoded_slashes, normal_target_)) {
      case http::PathVerdict::kSame:
        break;
      case http::PathVerdict::kNormalized:
        if (q != std::string_view::npos) normal_target_.append(target.substr(q));
        target = normal_target_;
        q = target.find('?');
        path = target.substr(0, q);
        break;
      default: {
        const bool keep = client_keep_alive && rp.is_done();
        if (!co_await write_problem(client, version, http::path_problem(v), keep) || !keep) co_return;
        continue;
      }
    }

    // The gateway's own resources: its health and the key set of its backend JWTs.
    const bool health = path == "/health" && (req.method() == bhttp::verb::get || req.method() == bhttp::verb::head);
    const bool jwks = path == "/.well-known/jwks.json" && req.method() == bhttp::verb::get;
    if (health || jwks) {
      const bool keep = client_keep_alive && rp.is_done();
      const bool ok = co_await write_fixed(client, version, health ? "application/json" : "application/jwk-set+json",
                                           health ? std::string_view(R"({"status":"UP"})")
                                                  : std::string_view(w_.backend_jwt_signer->jwks_json()),
                                           keep, req.method() == bhttp::verb::head);
      if (!ok || !keep) co_return;
      continue;
    }

    const auto snap = w_.snapshot();
    // CORS preflight of an API with a CORS configuration: answered here, never forwarded.
    if (auto res = snap ? filters::preflight_answer(*snap, req, path) : std::nullopt) {
      const bool keep = client_keep_alive && rp.is_done();
      res->keep_alive(keep);
      res->prepare_payload();
      auto [pec, pn] = co_await bhttp::async_write(client, *res, kTuple);
      if (pec || !keep) co_return;
      continue;
    }
    const RouteMatch m = snap ? snap->router().match(req.method_string(), path) : RouteMatch{};
    if (m.status != MatchStatus::kFound) {
      const Problem p = m.status == MatchStatus::kMethodNotAllowed ? method_not_allowed(req.method_string())
                                                                   : no_resource();
      const bool keep = client_keep_alive && rp.is_done();  // an unread body forces a close
      if (!co_await write_problem(client, version, p, keep) || !keep) co_return;
      continue;
    }

    const ApiRuntime& api = *m.api;
    // The operation's filters, composed when it was deployed: each may stop the request with an answer.
    Call call{w_, *snap, api, *m.op, req, target, path,
              q == std::string_view::npos ? std::string_view() : target.substr(q + 1), m.resource_offset,
              remote_ip, remote_addr};
    call.endpoint = m.op->production;
    call.body_done = rp.is_done();
    const CompiledFlow* fault = m.op->fault.empty() ? nullptr : &m.op->fault;
    if (co_await run_filters(call) == Flow::kAnswer) {
      const bool keep = client_keep_alive && rp.is_done();  // an unread body forces a close
      if (!co_await write_answer(client, version, call, keep, fault) || !keep) co_return;
      continue;
    }
    const EndpointGroup* group = call.endpoint;
    const traffic::Decision& throttle = call.throttle;
    const openapi::OperationValidator* validator = m.op->validator.get();
    std::vector<openapi::SchemaError> failures;
    const CompiledFlow& flow = m.op->request;
    const std::string& cache_key = call.cache_key;
    // Payload policies and schema validation read the whole body (bounded) and send it (transformed)
    // from memory; so does DIGEST endpoint security, whose backend may ask for the request again
    // with an answer to its challenge.
    std::string request_body;
    std::int64_t request_bytes = 0;
    const bool buffered_request =
        (!flow.body.empty() || (validator && validator->inspects_body()) || group->credentials.digest) && !rp.is_done();
    if (buffered_request) {
      if (iequals(req[bhttp::field::expect], "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        beast::get_lowest_layer(client).expires_after(idle);
        auto [cec, cn] = co_await asio::async_write(client, asio::buffer(kContinue), kTuple);
        if (cec) co_return;
        req.erase(bhttp::field::expect);
      }
      std::string raw;
      const Relay r = co_await read_whole(client, cbuf, rp, buf_.data(), w_.opts.max_transform_bytes, idle, raw,
                                          &request_bytes);
      if (r == Relay::kTooLarge)
        co_await write_fault(client, version, payload_too_large(w_.opts.max_transform_bytes), false, fault);
      if (r != Relay::kOk) co_return;
      std::string content_type(req[bhttp::field::content_type]);
      if (validator) {
        const openapi::BodyVerdict verdict = validator->check_body(content_type, raw, failures);
        if (verdict != openapi::BodyVerdict::kValid) {
          const Problem p = filters::request_schema_problem(verdict, failures);
          if (!co_await write_fault(client, version, p, client_keep_alive, fault) || !client_keep_alive) co_return;
          continue;
        }
      }
      if (flow.body.empty()) {
        request_body = std::move(raw);
      } else {
        PayloadResult pr = run_body_steps(flow.body, raw, content_type);
        if (!pr.ok()) {
          if (!co_await write_fault(client, version, bad_payload(pr.error), client_keep_alive, fault) || !client_keep_alive)
            co_return;
          continue;
        }
        req.set(bhttp::field::content_type, content_type);
        request_body = std::move(pr.body);
      }
      req.content_length(request_body.size());
    }

    // Rewrite the request in place into the upstream request.
    std::size_t member = group->first();
    const EndpointRuntime* endpoint = &group->members[member];
    std::string up_target;
    const std::string_view resource = path.substr(m.resource_offset);
    up_target.reserve(endpoint->url.base_path.size() + target.size());
    up_target.append(endpoint->url.base_path);
    if (!flow.path.empty()) {
      up_target.append(expand_path(flow.path, template_params(m.op->target, resource)));
    } else {
      if (resource.empty() || resource.front() != '/') up_target.push_back('/');
      up_target.append(resource);
    }
    if (flow.path.empty() || flow.keep_query) {
      if (flow.touches_query()) {
        const std::string query = rewrite_query(q == std::string_view::npos ? std::string_view() : target.substr(q + 1), flow);
        if (!query.empty()) up_target.append("?").append(query);
      } else if (q != std::string_view::npos) {
        up_target.append(target.substr(q));
      }
    }
    if (!m.op->response.body.empty()) req.erase(bhttp::field::accept_encoding);  // payload policies need plain bodies
    // endpoint_security: the backend's own credentials (the caller's were removed above).
    const BackendCredentials& creds = group->credentials;
    if (!creds.query_param.empty())
      up_target.append(up_target.find('?') == std::string::npos ? "?" : "&").append(creds.query_param);

    const bool chunked = req.chunked();
    const bool expect_continue = iequals(req[bhttp::field::expect], "100-continue");
    std::string forwarded_for;
    if (auto xff = req.find("X-Forwarded-For"); xff != req.end()) {
      forwarded_for.assign(xff->value());
      forwarded_for.append(", ");
    }
    forwarded_for.append(remote_ip);
    std::string original_host(req[bhttp::field::host]);
    strip_hop_by_hop(req);
    req.erase(bhttp::field::expect);
    req.target(up_target);
    req.version(11);
    req.set(bhttp::field::host, endpoint->authority);
    req.set("X-Forwarded-For", forwarded_for);
    req.set("X-Forwarded-Proto", tls ? "https" : "http");
    if (!original_host.empty()) req.set("X-Forwarded-Host", original_host);
    if (!creds.header_name.empty()) req.set(creds.header_name, creds.header_value);
    std::string backend_bearer;  // OAUTH endpoint security: the token sent, dropped if refused
    if (creds.oauth) {
      auto auth = co_await backend_authorization(*creds.oauth);
      if (auto* p = std::get_if<Problem>(&auth)) {
        const bool keep = client_keep_alive && rp.is_done();
        if (!co_await write_fault(client, version, *p, keep, fault) || !keep) co_return;
        continue;
      }
      backend_bearer = std::move(std::get<std::string>(auth));
      req.set(bhttp::field::authorization, backend_bearer);
    }
    if (chunked) req.chunked(true);

    const bool body_expected = !rp.is_done();
    if (expect_continue && body_expected) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      beast::get_lowest_layer(client).expires_after(idle);
      auto [cec, cn] = co_await asio::async_write(client, asio::buffer(kContinue), kTuple);
      if (cec) co_return;
    }

    RequestContext ctx{&rp, &cbuf, endpoint, version, client_keep_alive, req.method() == bhttp::verb::head,
                       body_expected, buf_.data()};
    if (!m.op->response.empty()) ctx.response = &m.op->response;
    if (buffered_request) ctx.request_body = &request_body;
    ctx.digest = creds.digest.get();
    ctx.fault = fault;
    if (validator && m.op->validate_response) ctx.response_validator = validator;
    ctx.cache_key = cache_key;
    ctx.cache_ttl_ms = m.op->cache_ttl_ms;
    ctx.bytes = request_bytes;
    ctx.call = &call;
    // Attempts: the first admitted member, then on a failure that allows it the next admitted
    // member (the same one when alone), at most members - 1 + retryCount more times. Nothing sent
    // yet (connect failures) always allows it; otherwise only idempotent requests whose body was
    // not streamed from the client.
    const std::size_t members = group->members.size();
    const bool may_repeat = idempotent(req.method()) && !body_expected;
    std::uint32_t budget = static_cast<std::uint32_t>(members - 1) + endpoint->retry_count;
    auto switch_to = [&](std::size_t next) {
      if (next == member) return;
      const std::size_t old_base = endpoint->url.base_path.size();
      member = next;
      endpoint = &group->members[member];
      up_target.replace(0, old_base, endpoint->url.base_path);
      req.target(up_target);
      req.set(bhttp::field::host, endpoint->authority);
      ctx.endpoint = endpoint;
    };
    // The first member from `from` on that is not suspended (a suspension just over admits one trial).
    auto pick = [&](std::size_t from) {
      std::int64_t now = -1;
      for (std::size_t k = 0; k < members; ++k) {
        const std::size_t i = (from + k) % members;
        const EndpointRuntime& ep = group->members[i];
        if (ep.health->in_service()) {
          switch_to(i);
          return true;
        }
        if (now < 0) now = steady_millis();
        const std::int64_t trial = (ep.connect_timeout_ms > 0 ? ep.connect_timeout_ms : w_.opts.connect_timeout_ms) +
                                   (ep.timeout_ms > 0 ? ep.timeout_ms : w_.opts.upstream_timeout_ms);
        if (ep.health->admit(now, trial)) {
          switch_to(i);
          return true;
        }
      }
      return false;
    };
    Exchange outcome = Exchange::kFailed;
    std::optional<Problem> failed;  // what the client hears when no attempt is left
    bool only_connect_failures = true;
    const bool admitted = pick(member);
    std::int64_t retry_after_s = 0;  // set when every member is suspended
    if (!admitted) {
      // Every member is suspended: the client hears when the first of them comes back.
      const std::int64_t now = steady_millis();
      std::int64_t soonest = endpoint->health->remaining(now);
      const EndpointRuntime* first_back = endpoint;
      for (std::size_t k = 0; k < members; ++k) {
        const std::int64_t left = group->members[k].health->remaining(now);
        if (left < soonest) soonest = left, first_back = &group->members[k];
      }
      failed = endpoint_suspended(*first_back, soonest);
      retry_after_s = std::max<std::int64_t>(1, (soonest + 999) / 1000);
    }
    bool allow_reuse = true;  // false after a stale pooled connection: the retry dials afresh
    while (admitted) {
      Acquired a = co_await acquire(*endpoint, allow_reuse);
      UpstreamFailure failure = a.failure;
      unsigned failure_status = 0;
      bool sent = false;
      if (a.error) {
        failed = std::move(a.error);
      } else {
        ctx.may_retry = may_repeat && budget > 0;
        ctx.failure = UpstreamFailure::kNone;
        if (ctx.digest) ctx.digest_answered = set_digest_authorization(req, *ctx.digest, *endpoint);
        outcome = a.conn->tls ? co_await exchange(client, *a.conn->tls, a.conn, a.reused, ctx)
                              : co_await exchange(client, a.conn->tcp, a.conn, a.reused, ctx);
        if (outcome == Exchange::kRetry && allow_reuse) {
          allow_reuse = false;
          continue;
        }
        if (outcome == Exchange::kAuthRetry) {  // challenged: once more, answering it
          ctx.digest_retried = true;
          continue;
        }
        if (outcome != Exchange::kFailed) break;
        failure = ctx.failure;
        failure_status = ctx.failure_status;
        failed = std::move(ctx.problem);
        sent = true;
      }
      only_connect_failures = only_connect_failures && failure == UpstreamFailure::kConnect;
      endpoint->health->record_failure(endpoint->failures, failure, failure_status, steady_millis());
      if ((sent && !may_repeat) || budget == 0) break;
      --budget;
      if (endpoint->retry_delay_ms > 0) {
        asio::steady_timer pause(w_.io, ms(endpoint->retry_delay_ms));
        co_await pause.async_wait(kTuple);
      }
      if (!pick(group->after(member))) break;
      allow_reuse = true;
    }
    if (outcome == Exchange::kFailed) {
      Problem p = failed ? *failed : backend_unavailable("No endpoint could serve the request");
      if (members > 1 && only_connect_failures && p.code == 101503)
        p = backend_unavailable("None of the " + std::to_string(members) +
                                " endpoints accepted a connection; last: " + p.description);
      const bool keep = client_keep_alive && rp.is_done();
      outcome = co_await write_fault(client, version, p, keep, fault, retry_after_s) && keep
                    ? Exchange::kErrorSent
                    : Exchange::kClientGone;
    }
    if (!backend_bearer.empty() && ctx.status == 401) forget_backend_token(*creds.oauth, backend_bearer);
    if (!throttle.meters.empty()) w_.opts.throttler->record_bytes(throttle, ctx.bytes, steady_millis());
    if (outcome == Exchange::kClientGone || outcome == Exchange::kRetry) co_return;
    if (outcome == Exchange::kErrorSent && (!client_keep_alive || !rp.is_done())) co_return;
  }
}

}  // namespace

asio::awaitable<void> serve_client(Worker& w, tcp::socket socket, bool tls) {
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  auto rep = socket.remote_endpoint(ec);
  const std::string remote_ip = ec ? std::string() : rep.address().to_string();
  domain::IpAddress remote_addr{};
  if (!ec) {
    const auto addr = rep.address();
    if (addr.is_v4()) remote_addr = domain::ipv4_mapped(addr.to_v4().to_bytes());
    else remote_addr = addr.to_v6().to_bytes();
  }
  auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
  w.connections.push_front(ClientConnection{});
  auto entry = w.connections.begin();
  entry->close = [weak = std::weak_ptr<beast::tcp_stream>(stream)] {
    if (auto s = weak.lock()) {
      boost::system::error_code ignored;
      s->socket().close(ignored);
    }
  };
  w.live.fetch_add(1, std::memory_order_relaxed);
  auto session = std::make_unique<Session>(w);
  if (!tls) {
    co_await session->run(*stream, remote_ip, remote_addr, false, *entry);
    stream->socket().shutdown(tcp::socket::shutdown_send, ec);
  } else {
    beast::ssl_stream<beast::tcp_stream&> ssl(*stream, *w.opts.server_tls);
    stream->expires_after(std::chrono::seconds(10));
    auto [hec] = co_await ssl.async_handshake(asio::ssl::stream_base::server, kTuple);
    if (!hec) {
      co_await session->run(ssl, remote_ip, remote_addr, true, *entry);
      stream->expires_after(std::chrono::seconds(2));
      co_await ssl.async_shutdown(kTuple);
    }
  }
  w.connections.erase(entry);
  w.live.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace archway::gateway::internal
