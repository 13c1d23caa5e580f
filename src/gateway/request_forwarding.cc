// The request on to the backend (internal/session.h): the body phase for the filters that read the
// body whole, the head as the backend gets it (no hop-by-hop fields, X-Forwarded-*, the filters'
// last word), then the attempts on the endpoints of the operation's group. Which endpoint, how
// often and after what pause is the upstream unit's (upstream.h); one attempt is
// upstream_exchange.cc's.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "gateway/filters/endpoint_security.h"
#include "gateway/internal/answers.h"
#include "gateway/internal/session.h"
#include "gateway/internal/worker.h"
#include "gateway/upstream.h"

namespace archway::gateway::internal {

using namespace io;

namespace {

// Methods a retry cannot harm (RFC 9110 section 9.2.2).
bool idempotent(h1::Method m) {
  return m == h1::Method::kGet || m == h1::Method::kHead || m == h1::Method::kOptions ||
         m == h1::Method::kPut || m == h1::Method::kDelete;
}

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// Appends "?query" to `out`; with `drop_apikey`, without its `apikey` parameters (the caller's
// credential, which the backend must not see).
void append_query(std::string& out, std::string_view query, bool drop_apikey) {
  if (!drop_apikey) {
    out.append("?").append(query);
    return;
  }
  bool first = true;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.starts_with("apikey=") || pair == "apikey") continue;
    out.append(first ? "?" : "&").append(pair);
    first = false;
  }
}

// The target toward the backend after the endpoint's base path: the resource (rewritten by a
// rewrite policy), the query (rewritten by query policies), and endpoint security's query
// parameter; into `out`, whose capacity is reused.
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
      if (!query.empty()) append_query(out, query, !call.query_api_key.empty());
    } else if (call.target.size() > call.path.size()) {
      append_query(out, call.target.substr(call.path.size() + 1), !call.query_api_key.empty());
    }
  }
  const std::string& param = call.endpoint->credentials.query_param;
  if (!param.empty()) out.append(out.find('?') == std::string::npos ? "?" : "&").append(param);
}

}  // namespace

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
    const Relay r =
        co_await read_body(client, ReadStart::kAttempt, client_buffer_, req_body_, w_.opts.max_transform_bytes, idle,
                           request_body, &call.bytes);
    if (r == Relay::kTooLarge) {
      call.sent_status = fault_status(payload_too_large(w_.opts.max_transform_bytes), x.fault);
      co_await write_fault(client, x.client_version, payload_too_large(w_.opts.max_transform_bytes),
                           false, x.fault);
    }
    if (r != Relay::kOk) co_return false;
    const std::string sent_type(req[h1::FieldId::kContentType]);
    std::string content_type = sent_type;
    for (const auto& f : call.op.filters)
      if (f->on_request_body(call, request_body, content_type) == Flow::kAnswer) {
        x.filter_answered = true;
        co_return co_await write_answer(client, x.client_version, call, x.client_keep_alive,
                                        x.fault) &&
            x.client_keep_alive;
      }
    if (content_type != sent_type) req.set(h1::FieldId::kContentType, content_type);
    req.erase(h1::FieldId::kTransferEncoding);
    set_content_length(req.fields, request_body.size());
    x.request_body = &request_body;
  }

  // The request as the backend gets it: no hop-by-hop fields (the framing stays with the parser),
  // the client's address and host in X-Forwarded-*, then the filters' last word (credentials).
  const bool chunked = req_head_.framing == h1::Framing::kChunked && !x.request_body;
  forwarded_for_.clear();
  if (auto* xff = req.fields.find(h1::FieldId::kXForwardedFor))
    forwarded_for_.append(xff->value).append(", ");
  forwarded_for_.append(peer_ip_);
  original_host_.assign(req[h1::FieldId::kHost]);
  strip_hop_by_hop(req.fields, h1::FieldId::kExpect);
  req.set(h1::FieldId::kXForwardedFor, forwarded_for_);
  req.set(h1::FieldId::kXForwardedProto, tls ? "https" : "http");
  if (!original_host_.empty()) req.set(h1::FieldId::kXForwardedHost, original_host_);
  if (chunked) req.set(h1::FieldId::kTransferEncoding, "chunked");
  for (const auto& f : call.op.filters)
    if (f->acts_on_forward() && co_await f->on_forward(call) == Flow::kAnswer) {
      x.filter_answered = true;
      co_return co_await write_answer(client, x.client_version, call, keep(), x.fault) && keep();
    }
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
    if (a.conn)
      a.reused = true;
    else
      a = co_await acquire(w_, *ep, false);
    outcome =
        Exchange::kFailed;  // until an exchange says otherwise (after a kRetry or kAuthRetry too)
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
  if (outcome == Exchange::kFailed) call.sent_status = fault_status(attempts.failure(), x.fault);
  if (outcome == Exchange::kFailed)
    outcome = co_await write_fault(client, x.client_version, attempts.failure(), keep(), x.fault,
                                   attempts.retry_after_s()) &&
                      keep()
                  ? Exchange::kErrorSent
                  : Exchange::kClientGone;
  if (outcome == Exchange::kClientGone || outcome == Exchange::kRetry) co_return false;
  co_return outcome != Exchange::kErrorSent || keep();
}

template asio::awaitable<bool> Session::forward(TimedSocket&, ExchangeState&, bool);
template asio::awaitable<bool> Session::forward(TlsStream&, ExchangeState&, bool);

}  // namespace archway::gateway::internal
