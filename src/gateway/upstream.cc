// Endpoint choice, retries and failover, and connections to backends (upstream.h).
#include "gateway/upstream.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <algorithm>
#include <chrono>

#include "gateway/internal/socket_io.h"
#include "gateway/internal/worker.h"

namespace archway::gateway::internal {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using common::Problem;
using ms = std::chrono::milliseconds;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// The product's fault for a suspended endpoint (303001), with the time left.
Problem endpoint_suspended(const EndpointRuntime& ep, std::int64_t remaining_ms) {
  return {503, 303001, "Endpoint suspended",
          "Currently, endpoint " + ep.url.authority() + " is SUSPENDED after repeated failures; it is tried again in " +
              std::to_string(remaining_ms) + " ms"};
}

}  // namespace

std::int64_t steady_millis() {
  return std::chrono::duration_cast<ms>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

Problem backend_unavailable(const std::string& why) {
  return {503, 101503, "Error connecting to the back end", why};
}

asio::awaitable<Acquired> acquire(Worker& w, const EndpointRuntime& ep, bool allow_reuse) {
  Acquired a;
  if (allow_reuse) {
    a.conn = w.pool.take(ep.pool_key);
    if (a.conn) {
      a.reused = true;
      co_return a;
    }
  }
  const domain::BackendUrl& be = ep.url;
  auto conn = std::make_unique<UpstreamConnection>(w.io.get_executor());
  conn->key = ep.pool_key;
  bump(w.metrics->worker(w.index).upstream_connects);
  const std::string host_port = be.host + ":" + std::to_string(be.port);
  const auto* cached = w.pool.cached_resolution(host_port);
  tcp::resolver::results_type results;
  if (cached) {
    results = *cached;
  } else {
    tcp::resolver resolver(w.io);
    auto [rec, r] = co_await resolver.async_resolve(be.host, std::to_string(be.port), kTuple);
    if (rec) {
      a.error = backend_unavailable("Cannot resolve backend host '" + be.host + "': " + rec.message());
      a.failure = UpstreamFailure::kConnect;
      co_return a;
    }
    w.pool.cache_resolution(host_port, r);
    results = std::move(r);
  }
  const ms connect_timeout(ep.connect_timeout_ms > 0 ? ep.connect_timeout_ms : w.opts.connect_timeout_ms);
  conn->tcp.arm(connect_timeout);
  auto [cec, connected] = co_await asio::async_connect(conn->tcp, results, kTuple);
  conn->tcp.settle(cec);
  if (cec) {
    if (cec == asio::error::timed_out) {
      a.error = Problem{504, 101504, "Backend connection timeout", "Connecting to " + be.authority() + " timed out"};
      a.failure = UpstreamFailure::kTimeout;
    } else {
      a.error = backend_unavailable("Cannot connect to " + be.authority() + ": " + cec.message());
      a.failure = UpstreamFailure::kConnect;
    }
    co_return a;
  }
  boost::system::error_code ec;
  // A backend that is down on a loopback port in the ephemeral range can be "reached" by a socket
  // whose own source port the kernel picked equal to it (TCP simultaneous open): that is a refusal.
  if (const auto local = conn->tcp.local_endpoint(ec); !ec && local == conn->tcp.remote_endpoint(ec) && !ec) {
    a.error = backend_unavailable("Cannot connect to " + be.authority() + ": Connection refused");
    a.failure = UpstreamFailure::kConnect;
    co_return a;
  }
  conn->tcp.set_option(tcp::no_delay(true), ec);
  internal::io::enable_read_hints(conn->tcp);
  if (be.tls) {
    a.failure = UpstreamFailure::kConnect;
    if (!w.opts.client_tls) {
      a.error = backend_unavailable("No TLS client context for https backends");
      co_return a;
    }
    conn->tls = std::make_unique<asio::ssl::stream<TimedSocket&>>(conn->tcp, *w.opts.client_tls);
    if (!SSL_set_tlsext_host_name(conn->tls->native_handle(), be.host.c_str())) {
      a.error = backend_unavailable("Cannot set SNI for " + be.host);
      co_return a;
    }
    // Endpoint certificates for this origin: verified against them and the base trust store.
    if (const auto snap = w.snapshot())
      if (X509_STORE* trust = snap->backend_trust(ep.pool_key))
        SSL_set1_verify_cert_store(conn->tls->native_handle(), trust);
    conn->tls->set_verify_callback(asio::ssl::host_name_verification(be.host));
    conn->tcp.arm(connect_timeout);
    auto [hec] = co_await conn->tls->async_handshake(asio::ssl::stream_base::client, kTuple);
    conn->tcp.settle(hec);
    if (hec) {
      const long verify = SSL_get_verify_result(conn->tls->native_handle());
      if (verify != X509_V_OK)
        a.error = Problem{502, 101505, "Backend certificate verification failed",
                          be.authority() + ": " + X509_verify_cert_error_string(verify) +
                              " (trusted CAs: gateway.trust_store, or the system store, and the endpoint certificates "
                              "of this endpoint)"};
      else
        a.error = Problem{502, 101505, "TLS handshake with the back end failed", be.authority() + ": " + hec.message()};
      co_return a;
    }
    a.failure = UpstreamFailure::kNone;
  }
  a.conn = std::move(conn);
  co_return a;
}

Attempts::Attempts(Worker& w, const EndpointGroup& group, bool may_repeat)
    : w_(w), group_(group), may_repeat_(may_repeat), member_(group.first()) {
  budget_ = static_cast<std::uint32_t>(group.members.size() - 1) + group.members[member_].retry_count;
  admitted_ = pick(member_);
  if (admitted_) return;
  // Every member is suspended: the client hears when the first of them comes back.
  const std::int64_t now = steady_millis();
  const EndpointRuntime* first_back = &group.members[member_];
  std::int64_t soonest = first_back->health->remaining(now);
  for (const EndpointRuntime& ep : group.members) {
    const std::int64_t left = ep.health->remaining(now);
    if (left < soonest) soonest = left, first_back = &ep;
  }
  failed_ = endpoint_suspended(*first_back, soonest);
  retry_after_s_ = std::max<std::int64_t>(1, (soonest + 999) / 1000);
}

// The first member from `from` on that is not suspended (a suspension just over admits one trial).
bool Attempts::pick(std::size_t from) {
  const std::size_t members = group_.members.size();
  std::int64_t now = -1;
  for (std::size_t k = 0; k < members; ++k) {
    const std::size_t i = (from + k) % members;
    const EndpointRuntime& ep = group_.members[i];
    bool admitted = ep.health->in_service();
    if (!admitted) {
      if (now < 0) now = steady_millis();
      const std::int64_t trial = (ep.connect_timeout_ms > 0 ? ep.connect_timeout_ms : w_.opts.connect_timeout_ms) +
                                 (ep.timeout_ms > 0 ? ep.timeout_ms : w_.opts.upstream_timeout_ms);
      admitted = ep.health->admit(now, trial);
    }
    if (admitted) {
      member_ = i;
      return true;
    }
  }
  return false;
}

asio::awaitable<bool> Attempts::next(UpstreamFailure failure, unsigned status, std::optional<Problem> problem,
                                     bool sent) {
  const EndpointRuntime& ep = group_.members[member_];
  if (problem) failed_ = std::move(problem);
  only_connect_failures_ = only_connect_failures_ && failure == UpstreamFailure::kConnect;
  ep.health->record_failure(ep.failures, failure, status, steady_millis());
  if ((sent && !may_repeat_) || budget_ == 0) co_return admitted_ = false;
  --budget_;
  if (ep.retry_delay_ms > 0) {
    asio::steady_timer pause(w_.io, ms(ep.retry_delay_ms));
    co_await pause.async_wait(kTuple);
  }
  co_return admitted_ = pick(group_.after(member_));
}

Problem Attempts::failure() const {
  Problem p = failed_ ? *failed_ : backend_unavailable("No endpoint could serve the request");
  const std::size_t members = group_.members.size();
  if (members > 1 && only_connect_failures_ && p.code == 101503)
    p = backend_unavailable("None of the " + std::to_string(members) +
                            " endpoints accepted a connection; last: " + p.description);
  return p;
}

}  // namespace archway::gateway::internal
