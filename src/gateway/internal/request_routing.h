#pragma once
// The first step of a request on the gateway: its path put in normal form, then either one of the
// gateway's own resources (its health, the key set of its backend JWTs), a CORS preflight an API
// answers, or the operation of a deployed API that the router matches. Not a coroutine: routing
// never waits.
#include <memory>
#include <string>
#include <string_view>

#include "gateway/request_header.h"
#include "gateway/router.h"
#include "gateway/runtime_snapshot.h"
#include "http/h1/fields.h"
#include "http/request_checks.h"

namespace archway::gateway::internal {

class Worker;

struct Routing {
  enum class Outcome {
    kOperation,         // `match` found an operation of `snapshot`
    kBadPath,           // the path cannot be routed (`verdict` says why): 400
    kHealth,            // GET or HEAD /health
    kReady,             // GET or HEAD /ready, when the options ask for readiness answers
    kJwks,              // GET /.well-known/jwks.json
    kMetrics,           // GET (or HEAD) of the metrics path that no API operation matches
    kPreflight,         // a CORS preflight, answered 204 with the fields routing filled in
    kNotFound,          // no operation matches the path: 404
    kMethodNotAllowed,  // the path matches, not for this method: 405
  };
  Outcome outcome = Outcome::kNotFound;
  http::PathVerdict verdict = http::PathVerdict::kSame;
  std::shared_ptr<const RuntimeSnapshot> snapshot;  // holds what `match` points into
  RouteMatch match;
  // The request target as routed (views of the session's normal target): the normalised path and
  // the query (without '?').
  std::string_view target;
  std::string_view path;
  std::string_view query;
  // kReady: what the readiness check answered.
  int ready_status = 0;
  std::string ready_body;
};

// Routes `request`; `normal_target` (the session's, reused) keeps the routed target, and
// `preflight` receives the fields of a preflight's answer.
Routing route_request(Worker& w, const RequestHeader& request, std::string& normal_target,
                      http::h1::Fields& preflight);

}  // namespace archway::gateway::internal
