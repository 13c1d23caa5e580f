// The request path of the gateway, one client connection at a time (docs/architecture.md, "Life of
// a request"): read a request, route it, run the operation's filters (filter.h), forward it to an
// endpoint the upstream unit picks (request_forwarding.cc), run the filters on the response and
// write it (upstream_exchange.cc). Nothing here throws on the data path.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <tuple>
#include <utility>

#include "gateway/internal/answers.h"
#include "gateway/internal/request_routing.h"
#include "gateway/internal/session.h"
#include "gateway/internal/worker.h"

namespace archway::gateway::internal {

using namespace io;
using tcp = asio::ip::tcp;

Session::Session(Worker& w) : w_(w) {
  h1::ChunkedLimits limits;
  limits.max_body_bytes = w.opts.max_body_bytes;
  req_body_ = BodyReader(limits);
}

template <class Client>
asio::awaitable<void> Session::run(Client& client, const std::string& remote_ip,
                                   const domain::IpAddress& remote_addr, bool tls,
                                   ClientConnection& entry) {
  h1::Limits limits;
  limits.max_head_bytes = w_.opts.max_header_bytes;
  limits.max_fields = h1::Head::kMaxFields;
  limits.max_body_bytes = w_.opts.max_body_bytes;
  const std::size_t max_buffer = w_.opts.max_header_bytes + 16 * 1024;
  for (;;) {
    entry.busy = false;
    if (w_.stopping) co_return;
    // Read a request head. A malformed one, or framing two parsers could read differently
    // (smuggling), is refused and the connection closed; a client that goes away or idles out is
    // just let go.
    // The first read follows the previous response: a draining read (socket_io.h); the rest of a
    // head that came in pieces is read in place first.
    HeadRead hr;
    bool after_write = true;
    for (asio::mutable_buffer space;;) {
      hr.parsed =
          buffered_head(client_buffer_, max_buffer, space, [this, &limits](std::string_view in) {
            return h1::parse_request(in, req_head_, limits);
          });
      if (hr.parsed.status != h1::ParseStatus::kNeedMore) break;
      const ms idle(w_.opts.client_idle_timeout_ms);
      boost::system::error_code ec;
      std::size_t n = 0;
      if (std::exchange(after_write, false)) {
        std::tie(ec, n) = co_await read_after_write(client, space, idle);
        timed(client).settle(ec);
      } else {
        std::tie(ec, n) = co_await read_some(client, space, ReadStart::kInPlace, idle);
      }
      if ((hr.ec = ec)) break;
      client_buffer_.commit(n);
    }
    if (!hr.parsed.done()) {
      if (!hr.ec) {
        start_clock();
        timed(client).answered = {};
        co_await write_problem(client, 11, h1::error_problem(hr.parsed.error), false);
        record_refused_head(remote_ip, timed(client).answered);
      }
      co_return;
    }
    client_buffer_.consume(
        hr.parsed.consumed);  // the head's bytes stay where they are until the next read
    entry.busy = true;
    if (!co_await serve(client, remote_ip, remote_addr, tls)) co_return;
  }
}

template <class Client>
asio::awaitable<bool> Session::serve(Client& client, const std::string& remote_ip,
                                     const domain::IpAddress& remote_addr, bool tls) {
  start_clock();  // one clock read for the analytics event and the metrics
  timed(client).answered = {};
  timed(client).cors = nullptr;
  const SteadyTime began = started_;
  RequestHeader& req = request_;
  req.assign(req_head_);
  req_body_.start(req_head_.framing, req_head_.content_length);
  const unsigned version = static_cast<unsigned>(req_head_.version);
  const bool client_keep_alive = req_head_.keep_alive;
  // An answer given before the body was read leaves it unread: the connection closes after it.
  const auto keep = [&] { return client_keep_alive && req_body_.done(); };

  const Routing r = route_request(w_, req, normal_target_, response_.fields);
  // The client: the direct peer, or the one a trusted proxy names (gateway.trusted_proxies).
  peer_ip_ = remote_ip;
  std::string_view client_ip = remote_ip;
  const domain::IpAddress* client_addr = &remote_addr;
  if (!w_.opts.trusted_proxies.empty() && is_trusted(w_.opts.trusted_proxies, remote_addr)) {
    const auto* xff = req.fields.find(http::h1::FieldId::kXForwardedFor);
    const auto* fwd = req.fields.find(http::h1::FieldId::kForwarded);
    if (xff || fwd)
      if (auto ip = forwarded_client(w_.opts.trusted_proxies, xff ? xff->value : std::string_view(),
                                     fwd ? fwd->value : std::string_view(), client_ip_)) {
        client_addr_ = *ip;
        client_ip = client_ip_;
        client_addr = &client_addr_;
      }
  }
  ExchangeFacts facts;
  facts.began = began;
  facts.remote_ip = client_ip;
  facts.version = static_cast<int>(version);
  if (w_.opts.access_log) log_fields_.take(req);
  if (r.outcome != Routing::Outcome::kOperation) {
    facts.path = r.outcome == Routing::Outcome::kBadPath ? req.target().substr(0, req.target().find('?')) : r.path;
    const bool written =
        co_await write_routing_answer(client, version, r, req, w_, response_.fields, keep());
    record_unrouted(r, req, client_ip, timed(client).answered);
    // The gateway's own resources are not API traffic; the rest counts as _unmatched_.
    facts.counted = r.outcome != Routing::Outcome::kHealth && r.outcome != Routing::Outcome::kReady &&
                    r.outcome != Routing::Outcome::kJwks &&
                    r.outcome != Routing::Outcome::kMetrics;
    facts.status = written ? routing_status(r) : 0;
    observe_exchange(w_, facts, log_fields_);
    co_return written && keep();
  }
  begin_trace(w_, req, trace_);

  Call call{w_,          *r.snapshot, *r.match.api,
            *r.match.op, req,         r.target,
            r.path,      r.query,     r.match.resource_offset,
            client_ip,   *client_addr};
  call.endpoint = r.match.op->production;
  if (call.api.cors.enabled) {
    timed(client).cors = &call.api.cors;
    timed(client).origin = req[h1::FieldId::kOrigin];
  }
  if (has_client_cert_)
    call.client_certificate = std::string_view(reinterpret_cast<const char*>(client_cert_.data()), client_cert_.size());
  call.body_done = req_body_.none();
  call.head = req.method() == h1::Method::kHead;
  const CompiledFlow* fault = r.match.op->fault.empty() ? nullptr : &r.match.op->fault;

  // The filters in order until one answers (in this frame: a nested coroutine would cost a frame
  // per request).
  Flow flow = Flow::kNext;
  const Filter* stopped_by = nullptr;
  for (const auto& f : call.op.filters) {
    const SteadyTime step = trace_.sampled ? std::chrono::steady_clock::now() : SteadyTime{};
    flow = f->suspends() ? co_await f->on_request_async(call) : f->on_request(call);
    if (trace_.sampled) trace_.add_step(f->name(), step, std::chrono::steady_clock::now());
    if (flow != Flow::kNext) {
      stopped_by = f.get();
      break;
    }
  }
  bool ok = false;
  ExchangeState x{call, version, client_keep_alive, false, fault, nullptr};
  if (flow == Flow::kAnswer)
    ok = co_await write_answer(client, version, call, keep(), fault) && keep();
  else {
    if (trace_.sampled) trace_.backend_start = std::chrono::steady_clock::now();
    ok = co_await forward(client, x, tls);
    if (trace_.sampled) trace_.backend_end = std::chrono::steady_clock::now();
  }
  if (!call.forwarded) trace_.backend_start = SteadyTime{};
  for (const auto& f : call.op.filters) f->on_complete(call);
  record_call(call, x, stopped_by, timed(client).answered);
  facts.api = &call.api;
  facts.op = &call.op;
  facts.path = r.path;
  facts.status = call.sent_status;
  facts.trace = &trace_;
  observe_exchange(w_, facts, log_fields_);
  co_return ok;
}

asio::awaitable<void> serve_client(Worker& w, tcp::socket socket, bool tls) {
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  io::enable_read_hints(socket);
  auto rep = socket.remote_endpoint(ec);
  const std::string remote_ip = ec ? std::string() : rep.address().to_string();
  domain::IpAddress remote_addr{};
  if (!ec) {
    const auto addr = rep.address();
    if (addr.is_v4())
      remote_addr = domain::ipv4_mapped(addr.to_v4().to_bytes());
    else
      remote_addr = addr.to_v6().to_bytes();
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
    TlsStream ssl(*stream, *w.opts.server_tls);
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
