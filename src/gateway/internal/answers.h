#pragma once
// What the gateway answers itself instead of the backend: the errors of routing and of the
// exchange with the backend (the product's codes), the answers of the gateway's own resources and
// the answer of a filter that stopped a request. The writing is http_io.h's.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>

#include "common/problem.h"
#include "gateway/filter.h"
#include "gateway/internal/http_io.h"
#include "gateway/internal/request_routing.h"
#include "gateway/internal/worker.h"
#include "observability/prometheus.h"

namespace archway::gateway::internal {

inline common::Problem no_resource() {
  return {404, 900906, "No matching resource found for given API Request",
          "No API operation matches the method and path of this request"};
}
inline common::Problem method_not_allowed(std::string_view m) {
  return {405, 405, "Method not allowed",
          "Method " + std::string(m) + " is not allowed on this resource"};
}
inline common::Problem backend_timeout() {
  return {504, 101504, "Backend connection timeout",
          "The backend did not answer within the endpoint timeout"};
}
inline common::Problem bad_backend_response(const std::string& why) {
  return {502, 101505, "Invalid response from the back end", why};
}
inline common::Problem payload_too_large(std::size_t limit) {
  return {413, 413, "Payload Too Large",
          "A payload policy reads the whole body; this one exceeds " + std::to_string(limit) +
              " bytes (gateway.max_transform_bytes)"};
}

// The status an error answered through `fault` (the operation's fault flow, or null) goes out with.
inline unsigned fault_status(const common::Problem& p, const CompiledFlow* fault) {
  if (fault && fault->mock && fault->mock->status_given) return static_cast<unsigned>(fault->mock->status);
  return static_cast<unsigned>(p.status);
}

// The status of the answer of the filter that stopped `call`.
inline unsigned answer_status(const Call& call, const CompiledFlow* fault) {
  const Answer& a = call.answer;
  switch (a.kind) {
    case Answer::Kind::kProblem: return static_cast<unsigned>(a.problem.status);
    case Answer::Kind::kFault: return fault_status(a.problem, fault);
    case Answer::Kind::kCached: return static_cast<unsigned>(a.cached->status);
    case Answer::Kind::kMock: return static_cast<unsigned>(call.op.request.mock->status);
  }
  return 0;
}

// The status a routing answer goes out with.
inline unsigned routing_status(const Routing& r) {
  using Outcome = Routing::Outcome;
  switch (r.outcome) {
    case Outcome::kBadPath: return static_cast<unsigned>(http::path_problem(r.verdict).status);
    case Outcome::kPreflight: return 204;
    case Outcome::kMethodNotAllowed: return 405;
    case Outcome::kReady: return static_cast<unsigned>(r.ready_status);
    case Outcome::kHealth:
    case Outcome::kJwks:
    case Outcome::kMetrics: return 200;
    case Outcome::kNotFound:
    case Outcome::kOperation: break;
  }
  return 404;
}

// Writes the answer of the filter that stopped `call` (and notes its status in the call).
template <class Stream>
boost::asio::awaitable<bool> write_answer(Stream& s, unsigned version, Call& call, bool keep,
                                          const CompiledFlow* fault) {
  namespace h1 = http::h1;
  call.sent_status = answer_status(call, fault);
  const Answer& a = call.answer;
  switch (a.kind) {
    case Answer::Kind::kProblem:
      co_return co_await io::write_problem(s, version, a.problem, keep, a.challenge,
                                           a.throttled ? &call.throttle : nullptr);
    case Answer::Kind::kFault:
      co_return co_await io::write_fault(s, version, a.problem, keep, fault);
    case Answer::Kind::kCached:
      co_return co_await io::write_cached(s, version, *a.cached, call.api.cors,
                                          call.request[h1::FieldId::kOrigin], keep, call.head);
    case Answer::Kind::kMock: {
      const CompiledFlow::Mock& mock = *call.op.request.mock;
      h1::Fields f;
      if (!mock.content_type.empty()) f.set(h1::FieldId::kContentType, mock.content_type);
      // A mock ends the chain before the cors filter: a browser must still read it.
      io::add_cors_fields(f, call.api.cors, call.request[h1::FieldId::kOrigin]);
      co_return co_await io::write_response(s, version, mock.status, f, mock.body, keep,
                                            call.head);  // Content-Length stays
    }
  }
  co_return false;
}

// Writes the answer to a request that routing did not give to an operation (`r.outcome` is not
// kOperation); `preflight` holds the fields of a preflight's answer.
template <class Stream>
boost::asio::awaitable<bool> write_routing_answer(Stream& s, unsigned version, const Routing& r,
                                                  const RequestHeader& req, Worker& w,
                                                  http::h1::Fields& preflight, bool keep) {
  using Outcome = Routing::Outcome;
  switch (r.outcome) {
    case Outcome::kBadPath:
      co_return co_await io::write_problem(s, version, http::path_problem(r.verdict), keep);
    case Outcome::kHealth:
      co_return co_await io::write_fixed(s, version, "application/json", R"({"status":"UP"})", keep,
                                         req.method() == http::h1::Method::kHead);
    case Outcome::kReady: {
      http::h1::Fields f;
      f.set(http::h1::FieldId::kContentType, "application/json");
      co_return co_await io::write_response(s, version, r.ready_status, f, r.ready_body, keep,
                                            req.method() == http::h1::Method::kHead);
    }
    case Outcome::kJwks:
      co_return co_await io::write_fixed(s, version, "application/jwk-set+json",
                                         w.backend_jwt_signer->jwks_json(), keep, false);
    case Outcome::kPreflight:
      co_return co_await io::write_response(s, version, 204, preflight, {}, keep);
    case Outcome::kMetrics: {
      const std::string text = w.opts.metrics_text();
      co_return co_await io::write_fixed(s, version, observability::kContentType, text, keep,
                                         req.method() == http::h1::Method::kHead);
    }
    case Outcome::kMethodNotAllowed:
      co_return co_await io::write_problem(s, version, method_not_allowed(req.method_string()),
                                           keep);
    case Outcome::kNotFound:
    case Outcome::kOperation:
      break;
  }
  co_return co_await io::write_problem(s, version, no_resource(), keep);
}

}  // namespace archway::gateway::internal
