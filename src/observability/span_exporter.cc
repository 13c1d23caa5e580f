#include "observability/span_exporter.h"

#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <stdexcept>

namespace archway::observability {

namespace beast = boost::beast;
namespace json = boost::json;

OtlpEndpoint parse_otlp_endpoint(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme))
    throw std::invalid_argument("'" + url + "' must be an http:// URL such as http://localhost:4318/v1/traces");
  const std::string rest = url.substr(kScheme.size());
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  OtlpEndpoint e;
  e.target = slash == std::string::npos ? "/v1/traces" : rest.substr(slash);
  if (authority.empty()) throw std::invalid_argument("'" + url + "' has no host");
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) throw std::invalid_argument("'" + url + "' has an unterminated IPv6 address");
    e.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') throw std::invalid_argument("'" + url + "' has a malformed host");
      e.port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    e.host = authority.substr(0, colon);
    if (colon != std::string::npos) e.port = authority.substr(colon + 1);
  }
  if (e.port.empty()) e.port = "4318";
  int port = 0;
  for (char c : e.port) {
    if (c < '0' || c > '9') throw std::invalid_argument("'" + url + "' has a non-numeric port");
    port = port * 10 + (c - '0');
    if (port > 65535) break;
  }
  if (port <= 0 || port > 65535) throw std::invalid_argument("'" + url + "' has a port outside 1-65535");
  if (e.host.empty()) throw std::invalid_argument("'" + url + "' has no host");
  if (url.find_first_of(" \t\r\n") != std::string::npos)
    throw std::invalid_argument("'" + url + "' contains white space");
  return e;
}

namespace {

std::string hex(const std::uint8_t* p, std::size_t n) {
  std::string s(2 * n, '0');
  to_hex(p, n, s.data());
  return s;
}

json::object string_attribute(const std::string& k, const std::string& v) {
  return {{"key", k}, {"value", {{"stringValue", v}}}};
}

}  // namespace

std::string otlp_json(const std::vector<SpanRecord>& spans, const std::string& service_name,
                      const std::string& service_version) {
  json::array out_spans;
  for (const SpanRecord& s : spans) {
    json::object o;
    o["traceId"] = hex(s.trace_id.data(), s.trace_id.size());
    o["spanId"] = hex(s.span_id.data(), s.span_id.size());
    bool root = true;
    for (auto b : s.parent_id) root = root && b == 0;
    if (!root) o["parentSpanId"] = hex(s.parent_id.data(), s.parent_id.size());
    o["name"] = s.name;
    o["kind"] = static_cast<int>(s.kind);
    o["startTimeUnixNano"] = std::to_string(s.start_unix_ns);
    o["endTimeUnixNano"] = std::to_string(s.end_unix_ns);
    json::array attrs;
    for (const auto& [k, v] : s.attributes) attrs.push_back(string_attribute(k, v));
    for (const auto& [k, v] : s.int_attributes)
      attrs.push_back(json::object{{"key", k}, {"value", {{"intValue", std::to_string(v)}}}});
    o["attributes"] = std::move(attrs);
    o["status"] = s.error ? json::object{{"code", 2}} : json::object{};
    out_spans.push_back(std::move(o));
  }
  json::array resource_attrs{string_attribute("service.name", service_name)};
  if (!service_version.empty()) resource_attrs.push_back(string_attribute("service.version", service_version));
  json::object scope{{"scope", {{"name", "archway.gateway"}, {"version", service_version}}},
                     {"spans", std::move(out_spans)}};
  json::object resource_spans{{"resource", {{"attributes", std::move(resource_attrs)}}},
                              {"scopeSpans", json::array{std::move(scope)}}};
  return json::serialize(json::object{{"resourceSpans", json::array{std::move(resource_spans)}}});
}

SpanExporter::SpanExporter(Options options) : opts_(std::move(options)), endpoint_(parse_otlp_endpoint(opts_.endpoint)) {
  thread_ = std::thread([this] { run(); });
}

SpanExporter::~SpanExporter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void SpanExporter::submit(std::vector<SpanRecord>& spans) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (queue_.size() + spans.size() > opts_.max_queue) {
      dropped_ += spans.size();
      return;
    }
    for (auto& s : spans) queue_.push_back(std::move(s));
    wake = queue_.size() >= opts_.max_batch;
  }
  if (wake) cv_.notify_one();
}

std::uint64_t SpanExporter::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}
std::uint64_t SpanExporter::exported() const {
  std::lock_guard lock(mu_);
  return exported_;
}
std::uint64_t SpanExporter::failed_batches() const {
  std::lock_guard lock(mu_);
  return failed_;
}

void SpanExporter::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait_for(lock, opts_.interval, [this] { return stopping_ || queue_.size() >= opts_.max_batch; });
    while (!queue_.empty()) {
      std::vector<SpanRecord> batch;
      const std::size_t n = std::min(queue_.size(), opts_.max_batch);
      batch.reserve(n);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      lock.unlock();
      const bool ok = post(otlp_json(batch, opts_.service_name, opts_.service_version));
      lock.lock();
      if (ok) {
        exported_ += batch.size();
      } else {
        ++failed_;
        dropped_ += batch.size();
      }
      if (!ok) break;  // the collector is down: wait for the next interval
    }
    if (stopping_) return;
  }
}

bool SpanExporter::post(const std::string& body) {
  try {
    boost::asio::io_context io;
    boost::asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(opts_.timeout);
    const auto results = resolver.resolve(endpoint_.host, endpoint_.port);
    beast::http::request<beast::http::string_body> req{beast::http::verb::post, endpoint_.target, 11};
    req.set(beast::http::field::host, endpoint_.host + ":" + endpoint_.port);
    req.set(beast::http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    beast::flat_buffer buf;
    beast::http::response<beast::http::string_body> res;
    beast::error_code result;
    // Asynchronous steps so that the stream's deadline bounds each of them.
    stream.expires_after(opts_.timeout);
    stream.async_connect(results, [&](beast::error_code ec, const auto&) {
      if ((result = ec)) return;
      stream.expires_after(opts_.timeout);
      beast::http::async_write(stream, req, [&](beast::error_code wec, std::size_t) {
        if ((result = wec)) return;
        stream.expires_after(opts_.timeout);
        beast::http::async_read(stream, buf, res, [&](beast::error_code rec, std::size_t) { result = rec; });
      });
    });
    io.run();
    if (result) throw beast::system_error(result);
    beast::error_code ec;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    if (res.result_int() / 100 != 2) {
      spdlog::warn("tracing: the OTLP endpoint {} answered {} to a batch of spans", opts_.endpoint, res.result_int());
      return false;
    }
    return true;
  } catch (const std::exception& e) {
    spdlog::warn("tracing: sending spans to {} failed: {}", opts_.endpoint, e.what());
    return false;
  }
}

}  // namespace archway::observability
