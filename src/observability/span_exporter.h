#pragma once
// Export of finished spans to an OpenTelemetry collector over OTLP/HTTP with the JSON encoding
// (POST {"resourceSpans":[{"resource":...,"scopeSpans":[{"scope":...,"spans":[...]}]}]}).
// Request paths hand their spans to submit(), which only queues them (bounded: past the bound they
// are dropped and counted); a background thread sends them in batches.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "observability/trace_context.h"

namespace archway::observability {

struct SpanRecord {
  enum class Kind { kInternal = 1, kServer = 2, kClient = 3 };
  TraceId trace_id{};
  SpanId span_id{};
  SpanId parent_id{};  // all zero: a root span
  std::string name;
  Kind kind = Kind::kInternal;
  std::uint64_t start_unix_ns = 0;
  std::uint64_t end_unix_ns = 0;
  bool error = false;  // status ERROR (else UNSET)
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<std::pair<std::string, std::int64_t>> int_attributes;
};

// The parts of an OTLP/HTTP endpoint URL.
struct OtlpEndpoint {
  std::string host;
  std::string port;
  std::string target;  // path and query
};
// Parses `http://host[:port]/path`; throws std::invalid_argument saying what is wrong.
OtlpEndpoint parse_otlp_endpoint(const std::string& url);

// The OTLP JSON document for `spans` (exposed for tests and for the exporter).
std::string otlp_json(const std::vector<SpanRecord>& spans, const std::string& service_name,
                      const std::string& service_version);

class SpanExporter {
 public:
  struct Options {
    std::string endpoint;  // http://host:port/v1/traces
    std::string service_name = "archway";
    std::string service_version;
    std::size_t max_queue = 8192;  // spans waiting; more are dropped
    std::size_t max_batch = 512;   // spans per POST
    std::chrono::milliseconds interval{1000};
    std::chrono::milliseconds timeout{5000};
  };
  explicit SpanExporter(Options options);  // throws std::invalid_argument for a bad endpoint
  ~SpanExporter();                        // sends what is queued (within the timeout), then stops
  SpanExporter(const SpanExporter&) = delete;
  SpanExporter& operator=(const SpanExporter&) = delete;

  // Queues one request's spans (all of them or, when the queue is full, none: counted as dropped).
  void submit(std::vector<SpanRecord>& spans);
  std::uint64_t dropped() const;
  std::uint64_t exported() const;
  std::uint64_t failed_batches() const;

 private:
  void run();
  bool post(const std::string& body);

  Options opts_;
  OtlpEndpoint endpoint_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<SpanRecord> queue_;
  bool stopping_ = false;
  std::uint64_t dropped_ = 0;
  std::uint64_t exported_ = 0;
  std::uint64_t failed_ = 0;
  std::thread thread_;
};

}  // namespace archway::observability
