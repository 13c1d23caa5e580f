// The gateway's observability of one exchange (internal/observer.h).
#include "gateway/internal/observer.h"

#include <fmt/format.h>

#include <vector>

#include "gateway/gateway_metrics.h"
#include "gateway/internal/worker.h"
#include "observability/access_log.h"
#include "observability/span_exporter.h"

namespace archway::gateway::internal {

namespace obs = observability;
namespace h1 = http::h1;

void begin_trace(Worker& w, RequestHeader& req, RequestTrace& t) {
  t.active = w.opts.trace_propagation;
  t.sampled = false;
  t.step_count = 0;
  t.backend_start = t.backend_end = SteadyTime{};
  if (!t.active) return;
  if (!obs::parse_traceparent(req[h1::FieldId::kTraceparent], t.context)) {
    // No trace, or an invalid one: a new trace (tracestate belongs to the traceparent it came with).
    if (req.fields.find(h1::FieldId::kTraceparent)) req.fields.erase(h1::FieldId::kTracestate);
    t.context.trace_id = obs::new_trace_id();
    t.context.parent_id = {};
    t.context.flags = w.opts.span_exporter ? 1 : 0;
  }
  t.sampled = w.opts.span_exporter && t.context.sampled();
  t.server_span = obs::new_span_id();
  t.backend_span = obs::new_span_id();
  obs::write_traceparent(t.header, t.context.trace_id, t.backend_span, t.context.flags);
  obs::to_hex(t.context.trace_id.data(), t.context.trace_id.size(), t.trace_hex.data());
  req.fields.set(h1::FieldId::kTraceparent, std::string_view(t.header.data(), t.header.size()));
}

void AccessLogFields::take(const RequestHeader& req) {
  method.assign(req.method_string());
  user_agent.assign(req[h1::FieldId::kUserAgent]);
  referer.assign(req["referer"]);
}

namespace {

std::uint64_t unix_ns(SteadyTime t, SteadyTime steady_now, std::chrono::system_clock::time_point system_now) {
  const auto at = system_now - std::chrono::duration_cast<std::chrono::system_clock::duration>(steady_now - t);
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count());
}

void export_spans(Worker& w, const ExchangeFacts& f, const AccessLogFields& fields, unsigned status,
                  SteadyTime ended) {
  const RequestTrace& t = *f.trace;
  const auto system_now = std::chrono::system_clock::now();
  std::vector<obs::SpanRecord> spans;
  spans.reserve(2 + t.step_count);
  obs::SpanRecord server;
  server.trace_id = t.context.trace_id;
  server.span_id = t.server_span;
  server.parent_id = t.context.parent_id;
  server.name = f.op ? f.op->resource : fields.method;
  server.kind = obs::SpanRecord::Kind::kServer;
  server.start_unix_ns = unix_ns(f.began, ended, system_now);
  server.end_unix_ns = unix_ns(ended, ended, system_now);
  server.error = status >= 500;
  server.attributes = {{"http.request.method", fields.method}, {"url.path", std::string(f.path)},
                       {"client.address", std::string(f.remote_ip)}};
  if (f.op) {
    server.attributes.emplace_back("archway.api", f.op->metrics_api);
    server.attributes.emplace_back("http.route", f.op->target);
  }
  server.int_attributes = {{"http.response.status_code", status}};
  for (std::size_t i = 0; i < t.step_count; ++i) {
    obs::SpanRecord s;
    s.trace_id = t.context.trace_id;
    s.span_id = obs::new_span_id();
    s.parent_id = t.server_span;
    s.name = fmt::format("filter {}", t.steps[i].name);
    s.start_unix_ns = unix_ns(t.steps[i].start, ended, system_now);
    s.end_unix_ns = unix_ns(t.steps[i].end, ended, system_now);
    spans.push_back(std::move(s));
  }
  if (t.backend_start != SteadyTime{}) {
    obs::SpanRecord b;
    b.trace_id = t.context.trace_id;
    b.span_id = t.backend_span;
    b.parent_id = t.server_span;
    b.name = "backend";
    b.kind = obs::SpanRecord::Kind::kClient;
    b.start_unix_ns = unix_ns(t.backend_start, ended, system_now);
    b.end_unix_ns = unix_ns(t.backend_end, ended, system_now);
    b.error = status >= 500;
    spans.push_back(std::move(b));
  }
  spans.push_back(std::move(server));
  w.opts.span_exporter->submit(spans);
}

}  // namespace

void observe_exchange(Worker& w, const ExchangeFacts& f, const AccessLogFields& fields) {
  if (!f.counted) return;
  const SteadyTime ended = std::chrono::steady_clock::now();
  // Nothing written: the client went away first (499, as nginx logs it).
  const unsigned status = f.status != 0 ? f.status : 499;
  const std::int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(ended - f.began).count();
  w.metrics->operation(w.index, f.op ? f.op->metrics_slot.index() : GatewayMetrics::kUnmatched).record(status, ns);
  if (obs::AccessLog* log = w.opts.access_log) {
    obs::AccessLog::Entry e;
    e.remote = f.remote_ip;
    e.method = fields.method;
    e.path = f.path;
    e.version = f.version;
    e.status = status;
    e.latency_us = ns / 1000;
    e.user_agent = fields.user_agent;
    e.referer = fields.referer;
    if (f.op) {
      e.api = f.op->metrics_api;
      e.operation = f.op->resource;
    }
    if (f.trace) e.trace_id = f.trace->trace_id_hex();
    log->record(w.index, e);
  }
  if (f.trace && f.trace->sampled && w.opts.span_exporter) export_spans(w, f, fields, status, ended);
}

}  // namespace archway::gateway::internal
