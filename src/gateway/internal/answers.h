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

// Writes the answer of the filter that stopped `call`.
template <class Stream>
boost::asio::awaitable<bool> write_answer(Stream& s, unsigned version, const Call& call, bool keep,
                                          const CompiledFlow* fault) {
  namespace h1 = http::h1;
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
    case Outcome::kJwks:
      co_return co_await io::write_fixed(s, version, "application/jwk-set+json",
                                         w.backend_jwt_signer->jwks_json(), keep, false);
    case Outcome::kPreflight:
      co_return co_await io::write_response(s, version, 204, preflight, {}, keep);
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
