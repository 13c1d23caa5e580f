#include "observability/access_log.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace archway::observability {

namespace {

// Quotes and control characters escaped, so a hostile header cannot break a line.
void append_escaped(fmt::memory_buffer& out, std::string_view s, bool json) {
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7f) {
      if (json) fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
      else fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
}

void append(fmt::memory_buffer& out, std::string_view s) { out.append(s.data(), s.data() + s.size()); }

}  // namespace

bool AccessLog::parse_format(std::string_view text, Format& out) {
  if (text == "combined") out = Format::kCombined;
  else if (text == "json") out = Format::kJson;
  else return false;
  return true;
}

AccessLog::AccessLog(Options options) : opts_(std::move(options)) {
  if (opts_.path == "-") {
    file_ = stdout;
  } else {
    file_ = std::fopen(opts_.path.c_str(), "a");
    if (!file_)
      throw std::runtime_error("cannot open the access log '" + opts_.path + "': " + std::strerror(errno));
    own_file_ = true;
  }
  for (int w = 0; w < std::max(1, opts_.workers); ++w) {
    auto b = std::make_unique<WorkerBuffer>();
    b->lines.reserve(opts_.buffer_bytes);
    b->spare.reserve(opts_.buffer_bytes);
    buffers_.push_back(std::move(b));
  }
  thread_ = std::thread([this] { run(); });
}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(run_mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (own_file_) std::fclose(file_);
}

std::uint64_t AccessLog::dropped() const {
  std::uint64_t n = 0;
  for (const auto& b : buffers_) n += b->dropped.load(std::memory_order_relaxed);
  return n;
}

std::string_view AccessLog::time_text(WorkerBuffer& b, std::int64_t unix_ms, bool json) {
  const std::int64_t second = unix_ms / 1000;
  if (second != b.cached_second) {
    const std::time_t t = static_cast<std::time_t>(second);
    std::tm tm{};
    gmtime_r(&t, &tm);
    b.cached_time_size = std::strftime(b.cached_time.data(), b.cached_time.size(),
                                       json ? "%Y-%m-%dT%H:%M:%S" : "%d/%b/%Y:%H:%M:%S +0000", &tm);
    b.cached_second = second;
  }
  return {b.cached_time.data(), b.cached_time_size};
}

void AccessLog::record(int w, const Entry& e) {
  WorkerBuffer& b = *buffers_[static_cast<std::size_t>(w) % buffers_.size()];
  // The worker thread's own line buffer: it grows once for a long line and stays grown.
  thread_local fmt::memory_buffer line;
  line.clear();
  const std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const std::string_view protocol = e.version == 10 ? "HTTP/1.0" : "HTTP/1.1";
  if (opts_.format == Format::kJson) {
    append(line, R"({"time":")");
    append(line, time_text(b, now_ms, true));
    fmt::format_to(std::back_inserter(line), ".{:03}Z\",\"remote\":\"", now_ms % 1000);
    append_escaped(line, e.remote, true);
    append(line, R"(","method":")");
    append_escaped(line, e.method, true);
    append(line, R"(","path":")");
    append_escaped(line, e.path, true);
    fmt::format_to(std::back_inserter(line), R"(","protocol":"{}","status":{},"latency_ms":{:.3f})", protocol,
                   e.status, static_cast<double>(e.latency_us) / 1000.0);
    if (!e.api.empty()) {
      append(line, R"(,"api":")");
      append_escaped(line, e.api, true);
      append(line, R"(","operation":")");
      append_escaped(line, e.operation, true);
      line.push_back('"');
    }
    if (!e.trace_id.empty()) {
      append(line, R"(,"trace_id":")");
      append(line, e.trace_id);
      line.push_back('"');
    }
    append(line, R"(,"user_agent":")");
    append_escaped(line, e.user_agent, true);
    append(line, "\"}\n");
  } else {
    append(line, e.remote.empty() ? std::string_view("-") : e.remote);
    append(line, " - - [");
    append(line, time_text(b, now_ms, false));
    append(line, "] \"");
    append_escaped(line, e.method, false);
    line.push_back(' ');
    append_escaped(line, e.path, false);
    fmt::format_to(std::back_inserter(line), " {}\" {} - \"", protocol, e.status);
    if (e.referer.empty()) line.push_back('-');
    else append_escaped(line, e.referer, false);
    append(line, "\" \"");
    if (e.user_agent.empty()) line.push_back('-');
    else append_escaped(line, e.user_agent, false);
    append(line, "\"\n");
  }
  std::lock_guard lock(b.mu);
  if (b.lines.size() + line.size() > b.lines.capacity()) {
    b.dropped.store(b.dropped.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return;
  }
  b.lines.append(line.data(), line.size());
}

void AccessLog::flush() {
  std::uint64_t bytes = 0;
  for (auto& b : buffers_) {
    {
      std::lock_guard lock(b->mu);
      if (b->lines.empty()) continue;
      std::swap(b->lines, b->spare);  // both keep their reserved capacity
    }
    std::fwrite(b->spare.data(), 1, b->spare.size(), file_);
    bytes += b->spare.size();
    b->spare.clear();
  }
  if (bytes > 0) {
    std::fflush(file_);
    written_.fetch_add(bytes, std::memory_order_relaxed);
  }
}

void AccessLog::run() {
  std::unique_lock lock(run_mu_);
  while (!stopping_) {
    cv_.wait_for(lock, opts_.flush_interval, [this] { return stopping_; });
    lock.unlock();
    flush();
    lock.lock();
  }
  lock.unlock();
  flush();
}

}  // namespace archway::observability
