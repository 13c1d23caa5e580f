// The request path of the gateway, one client connection at a time: read a request, route it, run
// the operation's filters (filter.h), forward it to an endpoint chosen by the upstream unit
// (upstream.h) over a pooled keep-alive connection, run the filters on the response, write it.
// Bodies no filter reads stream through a fixed buffer in both directions; nothing here throws on
// the data path.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <charconv>

#include "common/problem.h"
#include "crypto/x509_certificate.h"
#include "gateway/filter.h"
#include "gateway/filters/cors.h"
#include "gateway/filters/endpoint_security.h"
#include "gateway/filters/filters.h"
#include "gateway/internal/http_io.h"
#include "gateway/internal/worker.h"
#include "gateway/upstream.h"
#include "http/h1/writer.h"
#include "http/request_checks.h"

namespace archway::gateway::internal {

using namespace io;
using tcp = asio::ip::tcp;

namespace {

Problem no_resource() {
  return {404, 900906, "No matching resource found for given API Request",
          "No API operation matches the method and path of this request"};
}
Problem method_not_allowed(std::string_view m) {
  return {405, 405, "Method not allowed", "Method " + std::string(m) + " is not allowed on this resource"};
}
Problem backend_timeout() {
  return {504, 101504, "Backend connection timeout", "The backend did not answer within the endpoint timeout"};
}
Problem bad_backend_response(const std::string& why) {
  return {502, 101505, "Invalid response from the back end", why};
}
Problem payload_too_large(std::size_t limit) {
  return {413, 413, "Payload Too Large",
          "A payload policy reads the whole body; this one exceeds " + std::to_string(limit) +
              " bytes (gateway.max_transform_bytes)"};
}

// Methods a retry cannot harm (RFC 9110 section 9.2.2).
bool idempotent(h1::Method m) {
  return m == h1::Method::kGet || m == h1::Method::kHead || m == h1::Method::kOptions || m == h1::Method::kPut ||
         m == h1::Method::kDelete;
}

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// A backend's read buffer grows up to this for a large response head (the parser's limit is 64 KiB).
constexpr std::size_t kMaxUpstreamBuffer = 128 * 1024;

// kFailed: the backend failed before any of its response reached the client; nothing was written
// to the client, so another attempt may follow (ExchangeState::problem says why it failed).
// kRetry: a pooled connection turned out closed before anything was read; dial afresh.
// kAuthRetry: a DIGEST endpoint challenged the request (401); it goes again with the answer.
enum class Exchange { kDone, kRetry, kErrorSent, kClientGone, kFailed, kAuthRetry };

// One request's side of the exchanges with the backend, across attempts.
struct ExchangeState {
  Call& call;
  unsigned client_version;
  bool client_keep_alive;
  bool body_expected;  // the client still had body bytes to send when the filters were done
  const CompiledFlow* fault;            // the operation's fault flow (null: none)
  const std::string* request_body;      // set: the body read whole (sent from memory)
  const EndpointRuntime* endpoint = nullptr;  // this attempt's
  bool may_retry = false;  // a 5xx named by retryErroCode is given back as kFailed, not relayed
  const BackendDigest* digest = nullptr;  // DIGEST endpoint security
  bool digest_retried = false;            // the request was sent again with a Digest answer
  bool digest_answered = false;           // this attempt carried a Digest answer
  UpstreamFailure failure = UpstreamFailure::kNone;  // set with kFailed
  unsigned failure_status = 0;
  std::optional<Problem> problem;  // set with kFailed
};

// Writes the answer of the filter that stopped `call`.
template <class Stream>
asio::awaitable<bool> write_answer(Stream& s, unsigned version, const Call& call, bool keep, const CompiledFlow* fault) {
  const Answer& a = call.answer;
  switch (a.kind) {
    case Answer::Kind::kProblem:
      co_return co_await write_problem(s, version, a.problem, keep, a.challenge, a.throttled ? &call.throttle : nullptr);
    case Answer::Kind::kFault:
      co_return co_await write_fault(s, version, a.problem, keep, fault);
    case Answer::Kind::kCached:
      co_return co_await write_cached(s, version, *a.cached, call.api.cors, call.request[h1::FieldId::kOrigin], keep,
                                      call.head);
    case Answer::Kind::kMock: {
      const CompiledFlow::Mock& mock = *call.op.request.mock;
      h1::Fields f;
      if (!mock.content_type.empty()) f.set(h1::FieldId::kContentType, mock.content_type);
      co_return co_await write_response(s, version, mock.status, f, mock.body, keep, call.head);  // Content-Length stays
    }
  }
  co_return false;
}

// The target toward the backend after the endpoint's base path: the resource (rewritten by a
// rewrite policy), the query (rewritten by query policies), and endpoint security's query parameter;
// into `out`, whose capacity is reused.
void resource_target(const Call& call, std::string& out) {
  const CompiledFlow& flow = call.op.request;
  const std::string_view resource = call.path.substr(call.resource_offset);
  out.clear();
  if (!flow.path.empty()) {
    out.append(expand_path(flow.path, template_params(call.op.target, resource)));
  } else {
    if (resource.empty() || resource.front() != '/') out.push_back('/');
    out.append(resource);
  }
  if (flow.path.empty() || flow.keep_query) {
    if (flow.touches_query()) {
      const std::string query = rewrite_query(call.query, flow);
      if (!query.empty()) out.append("?").append(query);
    } else if (call.target.size() > call.path.size()) {
      out.append(call.target.substr(call.path.size()));
    }
  }
  const std::string& param = call.endpoint->credentials.query_param;
  if (!param.empty()) out.append(out.find('?') == std::string::npos ? "?" : "&").append(param);
}

class Session {
 public:
  explicit Session(Worker& w) : w_(w) {
    h1::ChunkedLimits limits;
    limits.max_body_bytes = w.opts.max_body_bytes;
    req_body_ = BodyReader(limits);
  }

  template <class Client>
  asio::awaitable<void> run(Client& client, const std::string& remote_ip, const domain::IpAddress& remote_addr,
                            bool tls, ClientConnection& entry);
  // The certificate the client presented in the TLS handshake: mutual TLS checks it per request.
  void set_client_certificate(const crypto::CertificateFingerprint& fingerprint) {
    client_cert_ = fingerprint;
    has_client_cert_ = true;
  }

 private:
  // One request whose head `req_head_` holds; whether the connection serves another after it.
  template <class Client>
  asio::awaitable<bool> serve(Client& client, const std::string& remote_ip, const domain::IpAddress& remote_addr,
                              bool tls);
  // The request past its filters: its body phase, the attempts on the endpoints, the response.
  template <class Client>
  asio::awaitable<bool> forward(Client& client, ExchangeState& x, bool tls);
  template <class Client, class Up>
  asio::awaitable<Exchange> exchange(Client& client, Up& up, std::unique_ptr<UpstreamConnection>& conn, bool reused,
                                     ExchangeState& x);
  // A response some filter reads whole: read it (bounded), run the filters on it, write it.
  template <class Client, class Up>
  asio::awaitable<Exchange> buffered_response(Client& client, Up& up, std::unique_ptr<UpstreamConnection>& conn,
                                              bool upstream_keep_alive, bool keep, ExchangeState& x,
                                              ms upstream_timeout);

  Worker& w_;
  std::string normal_target_;  // the request target as routed: its path normalised
  // Reused by every request of the connection, so the steady state allocates nothing for them.
  ReadBuffer client_buffer_{16 * 1024};  // one recv takes a whole request head; pipelined bytes stay
  h1::Head req_head_;                    // the request head as parsed (views of client_buffer_)
  RequestHeader request_;                // ... as the filters change it
  BodyReader req_body_;                  // where its body ends
  std::string forwarded_for_;
  std::string original_host_;
  std::string up_target_;
  std::string resource_;
  // Reused by every response of the connection, so the steady state allocates nothing for them.
  h1::Head up_head_;        // the backend's response head as parsed (views of its read buffer)
  ResponseHeader response_;  // ... as the filters change it
  BodyReader up_body_;       // where its body ends
  std::string head_out_;     // a head as written to the client
  crypto::CertificateFingerprint client_cert_{};  // of the TLS client certificate, when has_client_cert_
  bool has_client_cert_ = false;
};

}  // namespace
}  // namespace archway::gateway::internal

// The session's coroutines (serve, forward, exchange, ...: nested per request, 1-2 KiB each) take
// their frames from the worker thread's pool (frame_pool.h), so a request allocates none.
template <class T, class... Args>
struct std::coroutine_traits<boost::asio::awaitable<T, boost::asio::any_io_executor>,
                             archway::gateway::internal::Session&, Args...> {
  using promise_type = archway::gateway::internal::PooledFrame<T>;
};

namespace archway::gateway::internal {
namespace {

template <class Client>
asio::awaitable<void> Session::run(Client& client, const std::string& remote_ip, const domain::IpAddress& remote_addr,
                                   bool tls, ClientConnection& entry) {
  h1::Limits limits;
  limits.max_head_bytes = w_.opts.max_header_bytes;
  limits.max_fields = h1::Head::kMaxFields;
  limits.max_body_bytes = w_.opts.max_body_bytes;
  const std::size_t max_buffer = w_.opts.max_header_bytes + 16 * 1024;
  for (;;) {
    entry.busy = false;
    if (w_.stopping) co_return;
    // A malformed head, or framing two parsers could read differently (smuggling), is refused and
    // the connection closed; a client that goes away or idles out is just let go.
    HeadRead hr;
    for (asio::mutable_buffer space;;) {
      hr.parsed = buffered_head(client_buffer_, max_buffer, space, [this, &limits](std::string_view in) {
        return h1::parse_request(in, req_head_, limits);
      });
      if (hr.parsed.status != h1::ParseStatus::kNeedMore) break;
      timed(client).arm(ms(w_.opts.client_idle_timeout_ms));
      auto [ec, n] = co_await client.async_read_some(space, kTuple);
      timed(client).settle(ec);
      if ((hr.ec = ec)) break;
      client_buffer_.commit(n);
    }
    if (!hr.parsed.done()) {
      if (!hr.ec) co_await write_problem(client, 11, h1::error_problem(hr.parsed.error), false);
      co_return;
    }
    client_buffer_.consume(hr.parsed.consumed);  // the head's bytes stay where they are until the next read
    entry.busy = true;
    if (!co_await serve(client, remote_ip, remote_addr, tls)) co_return;
  }
}

template <class Client>
asio::awaitable<bool> Session::serve(Client& client, const std::string& remote_ip,
                                     const domain::IpAddress& remote_addr, bool tls) {
  RequestHeader& req = request_;
  req.assign(req_head_);
  req_body_.start(req_head_.framing, req_head_.content_length);
  const unsigned version = static_cast<unsigned>(req_head_.version);
  const bool client_keep_alive = req_head_.keep_alive;
  // An answer given before the body was read leaves it unread: the connection closes after it.
  const auto keep = [&] { return client_keep_alive && req_body_.done(); };
  std::string_view target = req.target();
  std::size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  // Routing and the backend see the normal form of the path (no dot segments, no needless escapes).
  // The filters see it until the exchange is over: it is kept here, as the request's own target is
  // replaced by the upstream one.
  switch (const http::PathVerdict v = http::normalize_path(path, w_.opts.allow_encoded_slashes, normal_target_)) {
    case http::PathVerdict::kSame:
      normal_target_.assign(target);
      target = normal_target_;
      path = target.substr(0, q);
      break;
    case http::PathVerdict::kNormalized:
      if (q != std::string_view::npos) normal_target_.append(target.substr(q));
      target = normal_target_;
      q = target.find('?');
      path = target.substr(0, q);
      break;
    default:
      co_return co_await write_problem(client, version, http::path_problem(v), keep()) && keep();
  }

  // The gateway's own resources: its health and the key set of its backend JWTs.
  const bool health = path == "/health" && (req.method() == h1::Method::kGet || req.method() == h1::Method::kHead);
  const bool jwks = path == "/.well-known/jwks.json" && req.method() == h1::Method::kGet;
  if (health || jwks)
    co_return co_await write_fixed(client, version, health ? "application/json" : "application/jwk-set+json",
                                   health ? std::string_view(R"({"status":"UP"})")
                                          : std::string_view(w_.backend_jwt_signer->jwks_json()),
                                   keep(), req.method() == h1::Method::kHead) &&
        keep();

  const auto snap = w_.snapshot();
  // CORS preflight of an API with a CORS configuration: answered here, never forwarded.
  if (snap && filters::preflight_answer(*snap, req, path, response_.fields))
    co_return co_await write_response(client, version, 204, response_.fields, {}, keep()) && keep();
  const RouteMatch m = snap ? snap->router().match(req.method_string(), path) : RouteMatch{};
  if (m.status != MatchStatus::kFound) {
    const Problem p = m.status == MatchStatus::kMethodNotAllowed ? method_not_allowed(req.method_string())
                                                                 : no_resource();
    co_return co_await write_problem(client, version, p, keep()) && keep();
  }

  Call call{w_, *snap, *m.api, *m.op, req, target, path,
            q == std::string_view::npos ? std::string_view() : target.substr(q + 1), m.resource_offset,
            remote_ip, remote_addr};
  call.endpoint = m.op->production;
  if (has_client_cert_)
    call.client_certificate = std::string_view(reinterpret_cast<const char*>(client_cert_.data()), client_cert_.size());
  call.body_done = req_body_.none();
  call.head = req.method() == h1::Method::kHead;
  const CompiledFlow* fault = m.op->fault.empty() ? nullptr : &m.op->fault;

  bool ok = false;
  // The filters in order until one answers (in this frame: a nested coroutine would cost an
  // allocation per request).
  Flow flow = Flow::kNext;
  for (const auto& f : call.op.filters) {
    flow = f->suspends() ? co_await f->on_request_async(call) : f->on_request(call);
    if (flow != Flow::kNext) break;
  }
  if (flow == Flow::kAnswer) {
    ok = co_await write_answer(client, version, call, keep(), fault) && keep();
  } else {
    ExchangeState x{call, version, client_keep_alive, false, fault, nullptr};
    ok = co_await forward(client, x, tls);
  }
  for (const auto& f : call.op.filters) f->on_complete(call);
  co_return ok;
}

template <class Client>
asio::awaitable<bool> Session::forward(Client& client, ExchangeState& x, bool tls) {
  Call& call = x.call;
  RequestHeader& req = request_;
  const ms idle(w_.opts.client_idle_timeout_ms);
  const auto keep = [&] { return x.client_keep_alive && req_body_.done(); };

  // The body phase: the filters that read the body whole get it, and it is sent from memory.
  bool expect_continue = req_head_.expect_continue;
  std::string request_body;
  if (chain_reads_request_body(call)) {
    if (expect_continue) {
      timed(client).arm(idle);
      auto [cec, cn] = co_await asio::async_write(client, asio::buffer(kContinue), kTuple);
      timed(client).settle(cec);
      if (cec) co_return false;
      expect_continue = false;
    }
    req.detach();  // the read buffer takes the body next
    const Relay r = co_await read_body(client, client_buffer_, req_body_, w_.opts.max_transform_bytes, idle,
                                       request_body, &call.bytes);
    if (r == Relay::kTooLarge)
      co_await write_fault(client, x.client_version, payload_too_large(w_.opts.max_transform_bytes), false, x.fault);
    if (r != Relay::kOk) co_return false;
    const std::string sent_type(req[h1::FieldId::kContentType]);
    std::string content_type = sent_type;
    for (const auto& f : call.op.filters)
      if (f->on_request_body(call, request_body, content_type) == Flow::kAnswer)
        co_return co_await write_answer(client, x.client_version, call, x.client_keep_alive, x.fault) &&
            x.client_keep_alive;
    if (content_type != sent_type) req.set(h1::FieldId::kContentType, content_type);
    req.erase(h1::FieldId::kTransferEncoding);
    set_content_length(req.fields, request_body.size());
    x.request_body = &request_body;
  }

  // The request as the backend gets it: no hop-by-hop fields (the framing stays with the parser),
  // the client's address and host in X-Forwarded-*, then the filters' last word (credentials).
  const bool chunked = req_head_.framing == h1::Framing::kChunked && !x.request_body;
  forwarded_for_.clear();
  if (auto* xff = req.fields.find(h1::FieldId::kXForwardedFor)) forwarded_for_.append(xff->value).append(", ");
  forwarded_for_.append(call.remote_ip);
  original_host_.assign(req[h1::FieldId::kHost]);
  strip_hop_by_hop(req.fields);
  req.erase(h1::FieldId::kExpect);
  req.set(h1::FieldId::kXForwardedFor, forwarded_for_);
  req.set(h1::FieldId::kXForwardedProto, tls ? "https" : "http");
  if (!original_host_.empty()) req.set(h1::FieldId::kXForwardedHost, original_host_);
  if (chunked) req.set(h1::FieldId::kTransferEncoding, "chunked");
  for (const auto& f : call.op.filters)
    if (f->acts_on_forward() && co_await f->on_forward(call) == Flow::kAnswer)
      co_return co_await write_answer(client, x.client_version, call, keep(), x.fault) && keep();
  // From here on, HEAD is the backend's method (a rewriteMethod policy may have changed it).
  call.head = req.method() == h1::Method::kHead;
  call.forwarded = true;

  x.body_expected = !req_body_.done();
  if (expect_continue && x.body_expected) {
    timed(client).arm(idle);
    auto [cec, cn] = co_await asio::async_write(client, asio::buffer(kContinue), kTuple);
    timed(client).settle(cec);
    if (cec) co_return false;
  }
  x.digest = call.endpoint->credentials.digest.get();

  // The attempts: the upstream unit picks each endpoint; a stale pooled connection is replaced
  // once, a Digest challenge answered once, without counting as attempts.
  resource_target(call, resource_);
  Attempts attempts(w_, *call.endpoint, idempotent(req.method()) && !x.body_expected);
  Exchange outcome = Exchange::kFailed;
  bool allow_reuse = true;
  while (const EndpointRuntime* ep = attempts.endpoint()) {
    up_target_.assign(ep->url.base_path).append(resource_);
    req.target(up_target_);
    req.set(h1::FieldId::kHost, ep->authority);
    x.endpoint = ep;
    // A pooled connection is taken here; only a new one needs the coroutine (and its frame).
    Acquired a;
    if (allow_reuse) a.conn = w_.pool.take(ep->pool_key);
    if (a.conn) a.reused = true;
    else a = co_await acquire(w_, *ep, false);
    outcome = Exchange::kFailed;  // until an exchange says otherwise (after a kRetry or kAuthRetry too)
    if (a.error) {
      co_await attempts.next(a.failure, 0, std::move(a.error), false);
      allow_reuse = true;
      continue;
    }
    x.may_retry = attempts.may_retry();
    x.failure = UpstreamFailure::kNone;
    if (x.digest) x.digest_answered = filters::set_digest_authorization(call, *x.digest, *ep);
    outcome = a.conn->tls ? co_await exchange(client, *a.conn->tls, a.conn, a.reused, x)
                          : co_await exchange(client, a.conn->tcp, a.conn, a.reused, x);
    if (outcome == Exchange::kRetry && allow_reuse) {
      allow_reuse = false;
      continue;
    }
    if (outcome == Exchange::kAuthRetry) {
      x.digest_retried = true;
      continue;
    }
    if (outcome != Exchange::kFailed) break;
    co_await attempts.next(x.failure, x.failure_status, std::move(x.problem), true);
    allow_reuse = true;
  }
  if (outcome == Exchange::kFailed)
    outcome = co_await write_fault(client, x.client_version, attempts.failure(), keep(), x.fault,
                                   attempts.retry_after_s()) && keep()
                  ? Exchange::kErrorSent
                  : Exchange::kClientGone;
  if (outcome == Exchange::kClientGone || outcome == Exchange::kRetry) co_return false;
  co_return outcome != Exchange::kErrorSent || keep();
}

template <class Client, class Up>
asio::awaitable<Exchange> Session::exchange(Client& client, Up& up, std::unique_ptr<UpstreamConnection>& conn,
                                            bool reused, ExchangeState& x) {
  Call& call = x.call;
  const RequestHeader& req = request_;
  const ms upstream_timeout(x.endpoint->timeout_ms > 0 ? x.endpoint->timeout_ms : w_.opts.upstream_timeout_ms);
  const ms client_timeout(w_.opts.client_idle_timeout_ms);

  // Request: head and body, streamed (or from memory), the head with the body bytes at hand in
  // one write. A target a rewrite made unwritable (a space, a control character) is the client's 400.
  if (!h1::write_request_head(head_out_, req.method_string(), req.target(), 11, req.fields.view())) {
    co_await write_problem(client, x.client_version,
                           Problem::bad_request("The request target cannot be sent to the backend"), false);
    co_return Exchange::kClientGone;
  }
  Relay sent = Relay::kOk;
  if (x.request_body) {
    timed(up).arm(upstream_timeout);
    const std::array<asio::const_buffer, 2> out{asio::buffer(head_out_), asio::buffer(*x.request_body)};
    auto [wec, wn] = co_await asio::async_write(up, out, kTuple);
    timed(up).settle(wec);
    if (wec) sent = Relay::kWriteError;
  } else if (req_body_.done()) {  // no body: the head alone, without the relay's frame
    timed(up).arm(upstream_timeout);
    auto [wec, wn] = co_await asio::async_write(up, asio::buffer(head_out_), kTuple);
    timed(up).settle(wec);
    if (wec) sent = Relay::kWriteError;
  } else {
    sent = co_await relay_body(client, client_buffer_, req_body_, up, head_out_,
                               req_head_.framing == h1::Framing::kChunked, client_timeout, upstream_timeout,
                               &call.bytes);
  }
  if (sent == Relay::kWriteError || sent == Relay::kReadTimeout) {
    if (sent == Relay::kWriteError && reused && !x.body_expected) co_return Exchange::kRetry;
    if (sent == Relay::kReadTimeout) co_return Exchange::kClientGone;
    x.failure = UpstreamFailure::kClosed;
    x.problem = backend_unavailable("The backend closed the connection");
    co_return Exchange::kFailed;
  }
  if (sent == Relay::kTooLarge) {
    Problem p{413, 413, "Payload Too Large", "Request body exceeds the gateway's limit"};
    co_await write_fault(client, x.client_version, p, false, x.fault);
    co_return Exchange::kClientGone;
  }
  if (sent == Relay::kReadError) co_return Exchange::kClientGone;

  // Response header: parsed in the connection's read buffer; its fields stay views of it until the
  // head is written (or copied, for a body read whole).
  h1::Limits limits;
  limits.max_fields = h1::Head::kMaxFields;
  HeadRead hr;
  for (asio::mutable_buffer space;;) {
    hr.parsed = buffered_head(conn->buffer, kMaxUpstreamBuffer, space, [&](std::string_view in) {
      return h1::parse_response(in, up_head_, call.head, limits);
    });
    if (hr.parsed.status != h1::ParseStatus::kNeedMore) break;
    timed(up).arm(upstream_timeout);
    auto [ec, n] = co_await up.async_read_some(space, kTuple);
    timed(up).settle(ec);
    if ((hr.ec = ec)) break;
    conn->buffer.commit(n);
  }
  if (!hr.parsed.done()) {
    if (hr.ec == asio::error::timed_out) {
      x.failure = UpstreamFailure::kTimeout;
      x.problem = backend_timeout();
      co_return Exchange::kFailed;
    }
    if (hr.ec && reused && !x.body_expected && conn->buffer.empty()) co_return Exchange::kRetry;
    x.failure = UpstreamFailure::kClosed;
    x.problem = bad_backend_response("Reading the response header failed: " +
                                     (hr.ec ? hr.ec.message() : std::string(h1::error_message(hr.parsed.error))));
    co_return Exchange::kFailed;
  }
  conn->buffer.consume(hr.parsed.consumed);  // the head's bytes stay where they are until the next read

  ResponseHeader& res = response_;
  res.assign(up_head_);
  EndpointHealth& health = *x.endpoint->health;
  const unsigned status = static_cast<unsigned>(up_head_.status);
  call.status = status;
  if (status == 401 && x.digest) {
    // The challenge is kept for the next requests. This one goes again when it had no answer or
    // only its nonce was stale (RFC 7616 section 3.3); an answer refused without stale=true means
    // wrong credentials: the 401 goes back.
    if (auto stale = filters::remember_digest_challenge(call, *x.digest, *x.endpoint, res[h1::FieldId::kWwwAuthenticate]))
      if (!x.digest_retried && !x.body_expected && (!x.digest_answered || *stale))
        co_return Exchange::kAuthRetry;  // the 401's connection is dropped
  }
  if (status >= 500 && status < 600) {
    if (x.may_retry && x.endpoint->failures.retries_status(status)) {
      x.failure = UpstreamFailure::kStatus;  // the connection is dropped with its unread body
      x.failure_status = status;
      x.problem = Problem{static_cast<int>(status), static_cast<int>(status), "Backend error",
                          "The backend answered " + std::to_string(status)};
      co_return Exchange::kFailed;
    }
    health.record_failure(x.endpoint->failures, UpstreamFailure::kStatus, status, steady_millis());
  } else {
    health.record_success();
  }
  const h1::Framing framing = up_head_.framing;
  const bool upstream_keep_alive = up_head_.keep_alive && framing != h1::Framing::kUntilClose;
  up_body_.start(framing, up_head_.content_length);
  const bool no_body = up_body_.none();
  strip_hop_by_hop(res.fields);
  for (const auto& f : call.op.filters) f->on_response(call, res);
  bool keep = x.client_keep_alive && !w_.stopping;
  res.version = static_cast<int>(x.client_version);
  // A body of unknown length goes to an HTTP/1.1 client chunked; an HTTP/1.0 client reads it until
  // the connection closes.
  bool rechunk = false;
  if ((framing == h1::Framing::kChunked || framing == h1::Framing::kUntilClose) && !no_body) {
    if (x.client_version >= 11) rechunk = true;
    else keep = false;
  }
  if (chain_reads_response_body(call, res, no_body))
    co_return co_await buffered_response(client, up, conn, upstream_keep_alive, keep, x, upstream_timeout);

  set_keep_alive(res.fields, res.version, keep);
  if (rechunk) res.fields.set(h1::FieldId::kTransferEncoding, "chunked");
  if (!h1::write_response_head(head_out_, res.version, res.status, res.reason, res.fields.view())) {
    x.failure = UpstreamFailure::kClosed;
    x.problem = bad_backend_response("The response header cannot be forwarded");
    co_return Exchange::kFailed;
  }
  const Relay got = co_await relay_body(up, conn->buffer, up_body_, client, head_out_, rechunk, upstream_timeout,
                                        client_timeout, &call.bytes);
  if (got != Relay::kOk) {
    // Mid-body failure: the status line is gone already, so the only honest signal is to close.
    if (got == Relay::kReadTimeout || got == Relay::kReadError) {
      spdlog::debug("backend {} failed mid-response", conn->key);
      health.record_failure(x.endpoint->failures,
                            got == Relay::kReadTimeout ? UpstreamFailure::kTimeout : UpstreamFailure::kClosed, 0,
                            steady_millis());
    }
    co_return Exchange::kClientGone;
  }
  if (upstream_keep_alive && up_body_.done()) w_.pool.put(std::move(conn));
  co_return keep ? Exchange::kDone : Exchange::kClientGone;
}

template <class Client, class Up>
asio::awaitable<Exchange> Session::buffered_response(Client& client, Up& up, std::unique_ptr<UpstreamConnection>& conn,
                                                     bool upstream_keep_alive, bool keep, ExchangeState& x,
                                                     ms upstream_timeout) {
  Call& call = x.call;
  ResponseHeader& res = response_;
  res.detach();  // the read buffer takes the body next
  // Only the response cache reads it: as much as an entry holds; else what payload policies and
  // schema validation may read.
  const bool no_body = up_body_.none();
  bool only_cache = w_.cache != nullptr;
  for (const auto& f : call.op.filters)
    if (f.get() != &filters::response_cache_store() && f->reads_response_body(call, res, no_body))
      only_cache = false;
  const std::size_t limit = only_cache ? w_.cache->max_entry_bytes() : w_.opts.max_transform_bytes;
  std::string body;
  const Relay got = co_await read_body(up, conn->buffer, up_body_, limit, upstream_timeout, body, &call.bytes);
  if (got == Relay::kReadTimeout) {
    x.endpoint->health->record_failure(x.endpoint->failures, UpstreamFailure::kTimeout, 0, steady_millis());
    const bool ok = co_await write_fault(client, x.client_version, backend_timeout(), false, x.fault);
    co_return ok ? Exchange::kErrorSent : Exchange::kClientGone;
  }
  if (got != Relay::kOk) {  // an unread upstream body: this connection is done
    const std::string why =
        got == Relay::kTooLarge
            ? "the response body exceeds " + std::to_string(limit) +
                  " bytes (gateway.max_transform_bytes), too large for the response's payload policies or schema "
                  "validation"
            : std::string("reading the response body failed");
    co_await write_fault(client, x.client_version, bad_backend_response(why), false, x.fault);
    co_return Exchange::kClientGone;
  }
  if (upstream_keep_alive && up_body_.done()) w_.pool.put(std::move(conn));
  std::string content_type(res[h1::FieldId::kContentType]);
  for (const auto& f : call.op.filters)
    if (f->on_response_body(call, res, body, content_type) == Flow::kAnswer) {
      const bool ok = co_await write_fault(client, x.client_version, call.answer.problem, keep, x.fault);
      co_return ok && keep ? Exchange::kErrorSent : Exchange::kClientGone;
    }
  if (!content_type.empty()) res.fields.set(h1::FieldId::kContentType, content_type);
  set_keep_alive(res.fields, res.version, keep);
  if (call.head) {
    body.clear();  // Content-Length stays as the backend gave it
  } else if (res.status / 100 == 1 || res.status == 204 || res.status == 304) {
    res.fields.erase(h1::FieldId::kContentLength);  // such a response has no body
    body.clear();
  } else {
    std::array<char, 24> length;
    const auto end = std::to_chars(length.data(), length.data() + length.size(), body.size()).ptr;
    res.fields.set(h1::FieldId::kContentLength, std::string_view(length.data(), end - length.data()));
  }
  if (!h1::write_response_head(head_out_, res.version, res.status, res.reason, res.fields.view())) {
    co_await write_fault(client, x.client_version, bad_backend_response("The response header cannot be forwarded"),
                         false, x.fault);
    co_return Exchange::kClientGone;
  }
  timed(client).arm(ms(w_.opts.client_idle_timeout_ms));
  const std::array<asio::const_buffer, 2> out{asio::buffer(head_out_), asio::buffer(body)};
  auto [wec, wn] = co_await asio::async_write(client, out, kTuple);
  timed(client).settle(wec);
  if (wec) co_return Exchange::kClientGone;
  co_return keep ? Exchange::kDone : Exchange::kClientGone;
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
  auto stream = std::make_shared<TimedSocket>(std::move(socket));
  w.connections.push_front(ClientConnection{});
  auto entry = w.connections.begin();
  entry->close = [weak = std::weak_ptr<TimedSocket>(stream)] {
    if (auto s = weak.lock()) {
      boost::system::error_code ignored;
      s->close(ignored);
    }
  };
  w.live.fetch_add(1, std::memory_order_relaxed);
  auto session = std::make_unique<Session>(w);
  if (!tls) {
    co_await session->run(*stream, remote_ip, remote_addr, false, *entry);
    stream->shutdown(tcp::socket::shutdown_send, ec);
  } else {
    asio::ssl::stream<TimedSocket&> ssl(*stream, *w.opts.server_tls);
    stream->arm(std::chrono::seconds(10));
    auto [hec] = co_await ssl.async_handshake(asio::ssl::stream_base::server, kTuple);
    stream->settle(hec);
    if (!hec) {
      crypto::CertificateFingerprint fingerprint;
      if (X509* peer = SSL_get0_peer_certificate(ssl.native_handle()); peer && crypto::fingerprint_of(peer, fingerprint))
        session->set_client_certificate(fingerprint);
      co_await session->run(ssl, remote_ip, remote_addr, true, *entry);
      stream->arm(std::chrono::seconds(2));
      auto [sec] = co_await ssl.async_shutdown(kTuple);
      stream->settle(sec);
    }
  }
  w.connections.erase(entry);
  w.live.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace archway::gateway::internal
