// Routing a request on the gateway (internal/request_routing.h).
#include "gateway/internal/request_routing.h"

#include <tuple>

#include "gateway/filters/cors.h"
#include "gateway/internal/worker.h"

namespace archway::gateway::internal {

namespace h1 = http::h1;

Routing route_request(Worker& w, const RequestHeader& req, std::string& normal_target,
                      h1::Fields& preflight) {
  Routing r;
  std::string_view target = req.target();
  std::size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  // Routing and the backend see the normal form of the path (no dot segments, no needless escapes).
  // The filters see it until the exchange is over: it is kept in `normal_target`, as the request's
  // own target is replaced by the upstream one.
  switch (r.verdict = http::normalize_path(path, w.opts.allow_encoded_slashes, normal_target)) {
    case http::PathVerdict::kSame:
      normal_target.assign(target);
      target = normal_target;
      path = target.substr(0, q);
      break;
    case http::PathVerdict::kNormalized:
      if (q != std::string_view::npos) normal_target.append(target.substr(q));
      target = normal_target;
      q = target.find('?');
      path = target.substr(0, q);
      break;
    default:
      r.outcome = Routing::Outcome::kBadPath;
      return r;
  }
  r.target = target;
  r.path = path;
  r.query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);

  const h1::Method method = req.method();
  if (path == "/health" && (method == h1::Method::kGet || method == h1::Method::kHead)) {
    r.outcome = Routing::Outcome::kHealth;
    return r;
  }
  if (path == "/ready" && w.opts.readiness && (method == h1::Method::kGet || method == h1::Method::kHead)) {
    r.outcome = Routing::Outcome::kReady;
    std::tie(r.ready_status, r.ready_body) = w.opts.readiness();
    return r;
  }
  if (path == "/.well-known/jwks.json" && method == h1::Method::kGet) {
    r.outcome = Routing::Outcome::kJwks;
    return r;
  }

  r.snapshot = w.snapshot();
  // CORS preflight of an API with a CORS configuration: answered here, never forwarded.
  if (r.snapshot && filters::preflight_answer(*r.snapshot, req, path, preflight)) {
    r.outcome = Routing::Outcome::kPreflight;
    return r;
  }
  if (r.snapshot) r.match = r.snapshot->router().match(req.method_string(), path);
  switch (r.match.status) {
    case MatchStatus::kFound:
      r.outcome = Routing::Outcome::kOperation;
      break;
    case MatchStatus::kMethodNotAllowed:
      r.outcome = Routing::Outcome::kMethodNotAllowed;
      break;
    default:
      r.outcome = Routing::Outcome::kNotFound;
      // The gateway's /metrics: only where no API answers the path (an API deployed at that
      // context keeps it).
      if (w.opts.metrics_text && path == w.opts.metrics_path &&
          (method == h1::Method::kGet || method == h1::Method::kHead))
        r.outcome = Routing::Outcome::kMetrics;
      break;
  }
  return r;
}

}  // namespace archway::gateway::internal
