#pragma once
// The gateway's request path as a chain of filters. Each operation of a deployed API gets, at
// snapshot time, the ordered list of the filters it needs (compose_chain) and nothing else: an
// unsecured operation without policies runs no authentication, throttling-free mediation or cache
// code at all. A filter looks at one Call (the request, what routing found, what the filters before
// it learned) and either lets it go on or stops it with an Answer the session writes.
//
// Phases, each run in chain order:
//   on_request        the client's request header (hop-by-hop fields already removed);
//   on_request_body   the whole request body, for the filters that read it (reads_request_body);
//                     the session reads it (bounded by gateway.max_transform_bytes) only then;
//   on_forward        the request as the backend gets it (hop-by-hop fields removed, X-Forwarded-*
//                     set), for the filters that say they act there (acts_on_forward);
//   on_response       the backend's response header, before it goes to the client;
//   on_response_body  the whole response body, for the filters that read it (reads_response_body);
//   on_complete       once the exchange is over, whatever its outcome (counters, statistics).
// Bodies nobody reads stream through the session without being held.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/problem.h"
#include "domain/ip.h"
#include "gateway/request_header.h"
#include "gateway/response_header.h"
#include "gateway/runtime_snapshot.h"
#include "gateway/token_authenticator.h"
#include "traffic/throttler.h"

namespace archway::gateway {

namespace internal {
class Worker;
}
struct CachedResponse;


// What the gateway answers itself when a filter stops a request.
struct Answer {
  enum class Kind {
    kProblem,  // `problem` as JSON; `challenge` as WWW-Authenticate; `throttled`: Retry-After, RateLimit-*
    kFault,    // `problem` through the operation's fault flow
    kMock,     // the request flow's mockResponse
    kCached,   // a fresh response cache entry
  };
  Kind kind = Kind::kProblem;
  common::Problem problem;
  std::string_view challenge;  // static text
  bool throttled = false;      // the Call's throttling decision refused it
  std::shared_ptr<const CachedResponse> cached;
};

// One request on its way through the gateway.
struct Call {
  internal::Worker& worker;
  const RuntimeSnapshot& snapshot;
  const ApiRuntime& api;
  const OperationRuntime& op;
  RequestHeader& request;
  std::string_view target;  // as routed: the normalised path and the query
  std::string_view path;
  std::string_view query;  // without '?'
  std::size_t resource_offset = 0;  // where the resource part of `path` begins
  std::string_view remote_ip;
  const domain::IpAddress& remote_address;
  // The SHA-256 fingerprint (32 bytes) of the certificate the caller presented over TLS; empty: none
  // (plain HTTP, or no certificate sent).
  std::string_view client_certificate = {};

  // Learned by filters, used by the ones after them and by the forwarding step.
  const EndpointGroup* endpoint = nullptr;  // production, or sandbox for a sandbox credential
  AuthDecision auth;                        // token and API key authentication
  bool by_basic = false;                    // HTTP Basic authenticated the caller
  std::string basic_user;                   // ... as this user
  const ClientCertRuntime* client_cert = nullptr;  // mutual TLS matched one of the API's certificates
  bool body_done = false;                   // the request had no body left to read after its header
  traffic::Decision throttle;               // the Traffic Manager's admission (bytes recorded at the end)
  std::string cache_key;                    // set: a cacheable request whose response may be stored
  std::string cors_origin;                  // Access-Control-Allow-Origin for the response; empty: none
  std::string backend_authorization;        // OAUTH endpoint security: the token sent (dropped on a 401)
  bool head = false;                        // HEAD: the client's method, then (once forwarded) the backend's
  bool forwarded = false;                   // the request went on to the backend
  unsigned status = 0;                      // the backend's status, once its header is read
  unsigned sent_status = 0;                 // the status the client got (0: none was written)
  std::int64_t bytes = 0;                   // body bytes moved both ways (bandwidth limits)
  Answer answer;                            // set by the filter that stopped the request
  // The API key sent in the `apikey` query parameter (decoded), when no apikey header came: it
  // authenticated the call and is left out of the query forwarded to the backend.
  std::string query_api_key;
};

enum class Flow { kNext, kAnswer };

class Filter {
 public:
  virtual ~Filter() = default;
  virtual std::string_view name() const = 0;
  // Whether on_request may suspend the request (I/O, work off the event loop): then the session
  // calls on_request_async, else the cheaper on_request.
  virtual bool suspends() const { return false; }
  virtual Flow on_request(Call& call) const;
  virtual boost::asio::awaitable<Flow> on_request_async(Call& call) const;
  // Whether on_request_body needs the request's body whole (asked once its header passed).
  virtual bool reads_request_body(const Call&) const { return false; }
  // The whole body and its media type, both of which the filter may replace; an answer stops the
  // request (Answer::Kind::kFault: through the operation's fault flow).
  virtual Flow on_request_body(Call& call, std::string& body, std::string& content_type) const;
  // Whether on_forward has work: it is a coroutine, called only for the filters that say so.
  virtual bool acts_on_forward() const { return false; }
  virtual boost::asio::awaitable<Flow> on_forward(Call& call) const;
  // The backend's response header, hop-by-hop fields already removed.
  virtual void on_response(Call& call, ResponseHeader& response) const;
  // Whether on_response_body needs this response's body whole; its third argument says whether
  // the body is complete already (none, or all of it read with the header).
  virtual bool reads_response_body(const Call&, const ResponseHeader&, bool /*complete*/) const { return false; }
  // The whole response body and its media type (replaceable); an answer replaces the response
  // (Answer::Kind::kFault) and the filters after this one do not run.
  virtual Flow on_response_body(Call& call, ResponseHeader& response, std::string& body,
                                std::string& content_type) const;
  virtual void on_complete(Call& call) const;

 protected:
  static Flow answer(Call& call, common::Problem problem, std::string_view challenge = {}) {
    call.answer.kind = Answer::Kind::kProblem;
    call.answer.problem = std::move(problem);
    call.answer.challenge = challenge;
    return Flow::kAnswer;
  }
  // Stops the request with `problem` sent through the operation's fault flow.
  static Flow fault(Call& call, common::Problem problem) {
    call.answer.kind = Answer::Kind::kFault;
    call.answer.problem = std::move(problem);
    return Flow::kAnswer;
  }
};

// What the session asks of an operation's chain before it reads a body.
bool chain_reads_request_body(const Call& call);
bool chain_reads_response_body(const Call& call, const ResponseHeader& response, bool complete);

// The filters `op` of `api` needs, in the order they run (built once per deployment).
std::vector<std::shared_ptr<const Filter>> compose_chain(const ApiRuntime& api, const OperationRuntime& op);

}  // namespace archway::gateway
