#pragma once
// The gateway's observability of one exchange (docs/observability.md): trace context taken from the
// request (or made) and handed to the backend, then, once the response is written, the request
// counted (metrics), logged (access log) and its spans exported. Session::serve calls begin_trace
// after routing and observe_exchange once at the end, whatever the outcome; nothing else on the
// request path knows about it. Separate from the filters' on_complete (where analytics records its
// event) so the two stay independent.
#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/request_header.h"
#include "gateway/runtime_snapshot.h"
#include "observability/trace_context.h"

namespace archway::gateway::internal {

class Worker;

using SteadyTime = std::chrono::steady_clock::time_point;

// One request's trace, kept by the session and reused (no allocation).
struct RequestTrace {
  bool active = false;   // propagation on and the request went to an operation
  bool sampled = false;  // spans are exported for it
  observability::TraceContext context;       // trace id, the caller's span, flags
  observability::SpanId server_span{};       // the gateway's span for the request
  observability::SpanId backend_span{};      // its child for the backend call: sent as traceparent
  std::array<char, observability::kTraceparentSize> header{};  // what the backend gets
  std::array<char, 32> trace_hex{};
  struct Step {
    std::string_view name;  // the filter's (static)
    SteadyTime start, end;
  };
  static constexpr std::size_t kMaxSteps = 16;
  std::array<Step, kMaxSteps> steps{};
  std::size_t step_count = 0;
  SteadyTime backend_start{}, backend_end{};

  std::string_view trace_id_hex() const {
    return active ? std::string_view(trace_hex.data(), trace_hex.size()) : std::string_view();
  }
  void add_step(std::string_view name, SteadyTime start, SteadyTime end) {
    if (sampled && step_count < kMaxSteps) steps[step_count++] = {name, start, end};
  }
};

// Reads traceparent (W3C Trace Context): a valid one continues its trace, an invalid one or none
// starts a new trace (an invalid one's tracestate is dropped); sets the traceparent the backend gets.
void begin_trace(Worker& w, RequestHeader& req, RequestTrace& trace);

// What the client asked, kept for the end of the exchange (the head's views may be gone by then).
struct ExchangeFacts {
  const ApiRuntime* api = nullptr;       // null: no operation matched (counted as _unmatched_)
  const OperationRuntime* op = nullptr;
  bool counted = true;                   // false for the gateway's own resources (/health, /metrics)
  unsigned status = 0;                   // as sent to the client; 0: none was
  SteadyTime began{};
  std::string_view remote_ip;
  std::string_view path;
  int version = 11;
  const RequestTrace* trace = nullptr;
};

// Copies of the request fields the access log wants, reused per connection.
struct AccessLogFields {
  std::string method, user_agent, referer;
  void take(const RequestHeader& req);
};

void observe_exchange(Worker& w, const ExchangeFacts& facts, const AccessLogFields& fields);

}  // namespace archway::gateway::internal
