#pragma once
// The gateway's request path as a chain of filters. Each operation of a deployed API gets, at
// snapshot time, the ordered list of the filters it needs (compose_chain) and nothing else: an
// unsecured operation without policies runs no authentication, throttling-free mediation or cache
// code at all. A filter looks at one Call (the request, what routing found, what the filters before
// it learned) and either lets it go on or stops it with an Answer the session writes.
//
// Phases today: the request header (on_request) and the backend's response header (on_response,
// in the same order, before it goes to the client). The body and completion phases of the design in
// docs/architecture.md ("The gateway's request path") are added as the remaining steps of the
// session move into filters.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/message.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/problem.h"
#include "domain/ip.h"
#include "gateway/runtime_snapshot.h"
#include "gateway/token_authenticator.h"
#include "traffic/throttler.h"

namespace archway::gateway {

namespace internal {
class Worker;
}
struct CachedResponse;

using ClientRequest = boost::beast::http::request<boost::beast::http::buffer_body>;
using ResponseHeader = boost::beast::http::response_header<>;

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
  ClientRequest& request;
  std::string_view target;  // as routed: the normalised path and the query
  std::string_view path;
  std::string_view query;  // without '?'
  std::size_t resource_offset = 0;  // where the resource part of `path` begins
  std::string_view remote_ip;
  const domain::IpAddress& remote_address;

  // Learned by filters, used by the ones after them and by the forwarding step.
  const EndpointGroup* endpoint = nullptr;  // production, or sandbox for a sandbox credential
  AuthDecision auth;                        // token and API key authentication
  bool by_basic = false;                    // HTTP Basic authenticated the caller
  std::string basic_user;                   // ... as this user
  bool body_done = false;                   // the request had no body left to read after its header
  traffic::Decision throttle;               // the Traffic Manager's admission (bytes recorded at the end)
  std::string cache_key;                    // set: a cacheable request whose response may be stored
  std::string cors_origin;                  // Access-Control-Allow-Origin for the response; empty: none
  Answer answer;                            // set by the filter that stopped the request
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
  // The backend's response header, hop-by-hop fields already removed.
  virtual void on_response(Call& call, ResponseHeader& response) const;

 protected:
  static Flow answer(Call& call, common::Problem problem, std::string_view challenge = {}) {
    call.answer.kind = Answer::Kind::kProblem;
    call.answer.problem = std::move(problem);
    call.answer.challenge = challenge;
    return Flow::kAnswer;
  }
};

// The filters `op` of `api` needs, in the order they run (built once per deployment).
std::vector<std::shared_ptr<const Filter>> compose_chain(const ApiRuntime& api, const OperationRuntime& op);

}  // namespace archway::gateway
