#pragma once
// One client connection of the gateway (proxy_session.cc) and what it keeps between requests: the
// read buffers, the parsed heads and the head being written, reused by every request so the steady
// state allocates nothing. Its member coroutines are split by step, one file each:
//   proxy_session.cc       the connection's loop: read a request, route it, run the filters;
//   request_forwarding.cc  the request on to the backend: its body phase, the forwarded head and
//                          the attempts on the endpoints the upstream unit (upstream.h) picks;
//   upstream_exchange.cc   one attempt: the request written, the response head read, the
//                          response filters run and the response written to the client.
// Streams are templates (a TimedSocket, or TLS over one, on either side); each file instantiates
// what it defines for both.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <memory>
#include <optional>
#include <string>

#include "common/problem.h"
#include "crypto/x509_certificate.h"
#include "domain/ip.h"
#include "gateway/endpoint_health.h"
#include "gateway/filter.h"
#include "gateway/internal/frame_pool.h"
#include "gateway/internal/http_io.h"
#include "gateway/internal/observer.h"
#include "gateway/read_buffer.h"
#include "gateway/request_header.h"
#include "gateway/response_header.h"
#include "gateway/timed_socket.h"
#include "gateway/upstream_pool.h"

namespace archway::gateway::internal {

class Worker;
struct ClientConnection;
struct Routing;

using TlsStream = boost::asio::ssl::stream<TimedSocket&>;

// How one attempt on an endpoint ended.
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
  bool body_expected;         // the client still had body bytes to send when the filters were done
  const CompiledFlow* fault;  // the operation's fault flow (null: none)
  const std::string* request_body;            // set: the body read whole (sent from memory)
  const EndpointRuntime* endpoint = nullptr;  // this attempt's
  bool may_retry = false;  // a 5xx named by retryErroCode is given back as kFailed, not relayed
  const BackendDigest* digest = nullptr;  // DIGEST endpoint security
  bool digest_retried = false;            // the request was sent again with a Digest answer
  bool digest_answered = false;           // this attempt carried a Digest answer
  UpstreamFailure failure = UpstreamFailure::kNone;  // set with kFailed
  unsigned failure_status = 0;
  std::optional<common::Problem> problem;  // set with kFailed
  // For the request's analytics event:
  std::int64_t backend_us = 0;     // the last attempt's wait from sending the request to its response head
  std::int64_t request_bytes = 0;  // call.bytes once the request was sent (the rest is the response's)
  bool filter_answered = false;    // a body or forward phase filter stopped it (mediation)
};

class Session {
 public:
  explicit Session(Worker& w);

  // Serves requests until the client goes, the connection must close or the worker stops.
  template <class Client>
  boost::asio::awaitable<void> run(Client& client, const std::string& remote_ip,
                                   const domain::IpAddress& remote_addr, bool tls,
                                   ClientConnection& entry);
  // The certificate the client presented in the TLS handshake: mutual TLS checks it per request.
  void set_client_certificate(const crypto::CertificateFingerprint& fingerprint) {
    client_cert_ = fingerprint;
    has_client_cert_ = true;
  }

 private:
  // One request whose head `req_head_` holds; whether the connection serves another after it.
  template <class Client>
  boost::asio::awaitable<bool> serve(Client& client, const std::string& remote_ip,
                                     const domain::IpAddress& remote_addr, bool tls);
  // The request past its filters: its body phase, the attempts on the endpoints, the response.
  template <class Client>
  boost::asio::awaitable<bool> forward(Client& client, ExchangeState& x, bool tls);
  // One attempt on x.endpoint over `conn`.
  template <class Client, class Up>
  boost::asio::awaitable<Exchange> exchange(Client& client, Up& up,
                                            std::unique_ptr<UpstreamConnection>& conn, bool reused,
                                            ExchangeState& x);
  // A response some filter reads whole: read it (bounded), run the filters on it, write it.
  template <class Client, class Up>
  boost::asio::awaitable<Exchange> buffered_response(Client& client, Up& up,
                                                     std::unique_ptr<UpstreamConnection>& conn,
                                                     bool upstream_keep_alive, bool keep,
                                                     ExchangeState& x,
                                                     std::chrono::milliseconds upstream_timeout);

  // The request's analytics event (request_event.cc), written into the worker's ring when analytics
  // is on: for a routed request, one refused by routing, or a head refused before routing.
  void start_clock();
  void record_call(const Call& call, const ExchangeState& x, const Filter* stopped_by,
                   const TimedSocket::Answered& answered);
  void record_unrouted(const Routing& r, const RequestHeader& req, std::string_view remote_ip,
                       const TimedSocket::Answered& answered);
  void record_refused_head(std::string_view remote_ip, const TimedSocket::Answered& answered);
  // A cleared event of the worker's ring stamped with the request's times; null when analytics is
  // off or the ring is full (then the event is dropped and counted).
  analytics::Event* new_event();

  Worker& w_;
  std::chrono::steady_clock::time_point started_{};  // when the request's head was read
  std::int64_t started_ms_ = 0;                      // ... on the wall clock
  std::string normal_target_;  // the request target as routed: its path normalised
  // Reused by every request of the connection, so the steady state allocates nothing for them.
  ReadBuffer client_buffer_{16 *
                            1024};  // one recv takes a whole request head; pipelined bytes stay
  http::h1::Head req_head_;         // the request head as parsed (views of client_buffer_)
  RequestHeader request_;           // ... as the filters change it
  io::BodyReader req_body_;         // where its body ends
  std::string forwarded_for_;
  std::string original_host_;
  std::string client_ip_;               // the client behind trusted proxies (client_address.h)
  domain::IpAddress client_addr_{};
  std::string_view peer_ip_;            // the direct peer, whom X-Forwarded-For toward the backend names
  std::string up_target_;
  std::string resource_;
  // Reused by every response of the connection, so the steady state allocates nothing for them.
  http::h1::Head up_head_;   // the backend's response head as parsed (views of its read buffer)
  ResponseHeader response_;  // ... as the filters change it
  io::BodyReader up_body_;   // where its body ends
  std::string head_out_;     // a head as written to the client
  RequestTrace trace_;          // the request's trace context (observer.h)
  AccessLogFields log_fields_;  // what the access log keeps of the request, when it is on
  crypto::CertificateFingerprint client_cert_{};  // of the TLS client certificate, when has_client_cert_
  bool has_client_cert_ = false;
};

}  // namespace archway::gateway::internal

// The session's coroutines (serve, forward, exchange, ...: nested per request, 1-2 KiB each) take
// their frames from the worker thread's pool (frame_pool.h), so a request allocates none.
template <class T, class... Args>
struct std::coroutine_traits<boost::asio::awaitable<T, boost::asio::any_io_executor>,
                             archway::gateway::internal::Session&, Args...> {
  using promise_type = archway::gateway::internal::PooledFrame<T>;
};
