// One attempt on an endpoint (internal/session.h): the request written (head and body, streamed or
// from memory), the response head read, the endpoint's health recorded, the response filters run,
// and the response written to the client: streamed through the connection's buffer, or read whole
// first for the filters that read response bodies.
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <charconv>
#include <tuple>
#include <utility>

#include "gateway/filters/endpoint_security.h"
#include "gateway/filters/filters.h"
#include "gateway/internal/answers.h"
#include "gateway/internal/session.h"
#include "gateway/internal/worker.h"
#include "gateway/upstream.h"
#include "http/h1/writer.h"

namespace archway::gateway::internal {

using namespace io;

namespace {

// A backend's read buffer grows up to this for a large response head (the parser's limit is 64
// KiB).
constexpr std::size_t kMaxUpstreamBuffer = 128 * 1024;

}  // namespace

template <class Client, class Up>
asio::awaitable<Exchange> Session::exchange(Client& client, Up& up,
                                            std::unique_ptr<UpstreamConnection>& conn, bool reused,
                                            ExchangeState& x) {
  Call& call = x.call;
  const RequestHeader& req = request_;
  const ms upstream_timeout(x.endpoint->timeout_ms > 0 ? x.endpoint->timeout_ms
                                                       : w_.opts.upstream_timeout_ms);
  const ms client_timeout(w_.opts.client_idle_timeout_ms);

  // Request: head and body, streamed (or from memory), the head with the body bytes at hand in
  // one write. A target a rewrite made unwritable (a space, a control character) is the client's
  // 400.
  if (!h1::write_request_head(head_out_, req.method_string(), req.target(), 11,
                              req.fields.view())) {
    call.sent_status = 400;
    co_await write_problem(client, x.client_version,
                           Problem::bad_request("The request target cannot be sent to the backend"),
                           false);
    co_return Exchange::kClientGone;
  }
  Relay sent = Relay::kOk;
  const auto sent_at = std::chrono::steady_clock::now();
  if (x.request_body) {
    std::array<asio::const_buffer, 2> out{asio::buffer(head_out_), asio::buffer(*x.request_body)};
    boost::system::error_code wec;
    const auto rest = write_now(up, out, wec);
    if (!wec && !rest.empty()) wec = co_await write_rest(up, rest, upstream_timeout);
    if (wec) sent = Relay::kWriteError;
  } else if (req_body_.done()) {  // no body: the head alone, without the relay's frame
    std::array<asio::const_buffer, 1> out{asio::buffer(head_out_)};
    boost::system::error_code wec;
    const auto rest = write_now(up, out, wec);
    if (!wec && !rest.empty()) wec = co_await write_rest(up, rest, upstream_timeout);
    if (wec) sent = Relay::kWriteError;
  } else {
    sent = co_await relay_body(client, ReadStart::kAttempt, client_buffer_, req_body_, up, head_out_,
                               req_head_.framing == h1::Framing::kChunked, client_timeout,
                               upstream_timeout, &call.bytes);
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
    call.sent_status = fault_status(p, x.fault);
    co_await write_fault(client, x.client_version, p, false, x.fault);
    co_return Exchange::kClientGone;
  }
  if (sent == Relay::kReadError) co_return Exchange::kClientGone;
  x.request_bytes = call.bytes;

  // Response header: parsed in the connection's read buffer; its fields stay views of it until the
  // head is written (or copied, for a body read whole).
  h1::Limits limits;
  limits.max_fields = h1::Head::kMaxFields;
  HeadRead hr;
  // The first read cannot find the answer there yet: it waits for the socket to be readable.
  bool awaiting_answer = true;
  for (asio::mutable_buffer space;;) {
    hr.parsed = buffered_head(conn->buffer, kMaxUpstreamBuffer, space, [&](std::string_view in) {
      return h1::parse_response(in, up_head_, call.head, limits);
    });
    if (hr.parsed.status != h1::ParseStatus::kNeedMore) break;
    boost::system::error_code ec;
    std::size_t n = 0;
    if (std::exchange(awaiting_answer, false)) {
      std::tie(ec, n) = co_await read_after_write(up, space, upstream_timeout);
      timed(up).settle(ec);
    } else {
      std::tie(ec, n) = co_await read_some(up, space, ReadStart::kInPlace, upstream_timeout);
    }
    if ((hr.ec = ec)) break;
    conn->buffer.commit(n);
  }
  x.backend_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - sent_at)
                     .count();
  if (!hr.parsed.done()) {
    if (hr.ec == asio::error::timed_out) {
      x.failure = UpstreamFailure::kTimeout;
      x.problem = backend_timeout();
      co_return Exchange::kFailed;
    }
    if (hr.ec && reused && !x.body_expected && conn->buffer.empty()) co_return Exchange::kRetry;
    x.failure = UpstreamFailure::kClosed;
    x.problem = bad_backend_response(
        "Reading the response header failed: " +
        (hr.ec ? hr.ec.message() : std::string(h1::error_message(hr.parsed.error))));
    co_return Exchange::kFailed;
  }
  conn->buffer.consume(
      hr.parsed.consumed);  // the head's bytes stay where they are until the next read

  ResponseHeader& res = response_;
  res.assign(up_head_);
  EndpointHealth& health = *x.endpoint->health;
  const unsigned status = static_cast<unsigned>(up_head_.status);
  call.status = status;
  if (status == 401 && x.digest) {
    // The challenge is kept for the next requests. This one goes again when it had no answer or
    // only its nonce was stale (RFC 7616 section 3.3); an answer refused without stale=true means
    // wrong credentials: the 401 goes back.
    if (auto stale = filters::remember_digest_challenge(call, *x.digest, *x.endpoint,
                                                        res[h1::FieldId::kWwwAuthenticate]))
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
    if (x.client_version >= 11)
      rechunk = true;
    else
      keep = false;
  }
  if (chain_reads_response_body(call, res, no_body))
    co_return co_await buffered_response(client, up, conn, upstream_keep_alive, keep, x,
                                         upstream_timeout);

  set_keep_alive(res.fields, res.version, keep);
  if (rechunk) res.fields.set(h1::FieldId::kTransferEncoding, "chunked");
  if (!h1::write_response_head(head_out_, res.version, res.status, res.reason, res.fields.view())) {
    x.failure = UpstreamFailure::kClosed;
    x.problem = bad_backend_response("The response header cannot be forwarded");
    co_return Exchange::kFailed;
  }
  call.sent_status = static_cast<unsigned>(res.status);
  const Relay got = co_await relay_body(up, ReadStart::kInPlace, conn->buffer, up_body_, client, head_out_, rechunk,
                                        upstream_timeout, client_timeout, &call.bytes);
  if (got != Relay::kOk) {
    // Mid-body failure: the status line is gone already, so the only honest signal is to close.
    if (got == Relay::kReadTimeout || got == Relay::kReadError) {
      spdlog::debug("backend {} failed mid-response", conn->key);
      health.record_failure(
          x.endpoint->failures,
          got == Relay::kReadTimeout ? UpstreamFailure::kTimeout : UpstreamFailure::kClosed, 0,
          steady_millis());
    }
    co_return Exchange::kClientGone;
  }
  if (upstream_keep_alive && up_body_.done()) w_.pool.put(std::move(conn));
  co_return keep ? Exchange::kDone : Exchange::kClientGone;
}

template <class Client, class Up>
asio::awaitable<Exchange> Session::buffered_response(Client& client, Up& up,
                                                     std::unique_ptr<UpstreamConnection>& conn,
                                                     bool upstream_keep_alive, bool keep,
                                                     ExchangeState& x, ms upstream_timeout) {
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
  const Relay got =
      co_await read_body(up, ReadStart::kInPlace, conn->buffer, up_body_, limit, upstream_timeout, body, &call.bytes);
  if (got == Relay::kReadTimeout) {
    x.endpoint->health->record_failure(x.endpoint->failures, UpstreamFailure::kTimeout, 0,
                                       steady_millis());
    call.sent_status = fault_status(backend_timeout(), x.fault);
    const bool ok =
        co_await write_fault(client, x.client_version, backend_timeout(), false, x.fault);
    co_return ok ? Exchange::kErrorSent : Exchange::kClientGone;
  }
  if (got != Relay::kOk) {  // an unread upstream body: this connection is done
    const std::string why = got == Relay::kTooLarge
                                ? "the response body exceeds " + std::to_string(limit) +
                                      " bytes (gateway.max_transform_bytes), too large for the "
                                      "response's payload policies or schema "
                                      "validation"
                                : std::string("reading the response body failed");
    call.sent_status = fault_status(bad_backend_response(why), x.fault);
    co_await write_fault(client, x.client_version, bad_backend_response(why), false, x.fault);
    co_return Exchange::kClientGone;
  }
  if (upstream_keep_alive && up_body_.done()) w_.pool.put(std::move(conn));
  std::string content_type(res[h1::FieldId::kContentType]);
  for (const auto& f : call.op.filters)
    if (f->on_response_body(call, res, body, content_type) == Flow::kAnswer) {
      x.filter_answered = true;
      call.sent_status = fault_status(call.answer.problem, x.fault);
      const bool ok =
          co_await write_fault(client, x.client_version, call.answer.problem, keep, x.fault);
      co_return ok&& keep ? Exchange::kErrorSent : Exchange::kClientGone;
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
    res.fields.set(h1::FieldId::kContentLength,
                   std::string_view(length.data(), end - length.data()));
  }
  if (!h1::write_response_head(head_out_, res.version, res.status, res.reason, res.fields.view())) {
    call.sent_status = 502;
    co_await write_fault(client, x.client_version,
                         bad_backend_response("The response header cannot be forwarded"), false,
                         x.fault);
    co_return Exchange::kClientGone;
  }
  call.sent_status = static_cast<unsigned>(res.status);
  std::array<asio::const_buffer, 2> out{asio::buffer(head_out_), asio::buffer(body)};
  boost::system::error_code wec;
  const auto rest = write_now(client, out, wec);
  if (!wec && !rest.empty()) wec = co_await write_rest(client, rest, ms(w_.opts.client_idle_timeout_ms));
  if (wec) co_return Exchange::kClientGone;
  co_return keep ? Exchange::kDone : Exchange::kClientGone;
}

template asio::awaitable<Exchange> Session::exchange(TimedSocket&, TimedSocket&,
                                                     std::unique_ptr<UpstreamConnection>&, bool,
                                                     ExchangeState&);
template asio::awaitable<Exchange> Session::exchange(TimedSocket&, TlsStream&,
                                                     std::unique_ptr<UpstreamConnection>&, bool,
                                                     ExchangeState&);
template asio::awaitable<Exchange> Session::exchange(TlsStream&, TimedSocket&,
                                                     std::unique_ptr<UpstreamConnection>&, bool,
                                                     ExchangeState&);
template asio::awaitable<Exchange> Session::exchange(TlsStream&, TlsStream&,
                                                     std::unique_ptr<UpstreamConnection>&, bool,
                                                     ExchangeState&);

}  // namespace archway::gateway::internal
