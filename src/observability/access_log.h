#pragma once
// The gateway's access log: one line per request, in the combined log format or as JSON, written
// off the request path. Each worker formats its line into its own buffer (its own mutex, shared
// only with the writer thread's brief swap); a full buffer drops the line and counts it, never
// waits. A background thread swaps the buffers out and writes them to the file.
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace archway::observability {

class AccessLog {
 public:
  enum class Format { kCombined, kJson };
  struct Options {
    std::string path;  // a file (appended to), or "-" for standard output
    Format format = Format::kCombined;
    int workers = 1;
    std::size_t buffer_bytes = 256 * 1024;  // per worker, between two flushes
    std::chrono::milliseconds flush_interval{200};
  };
  // One request as logged. Views: valid for the call only.
  struct Entry {
    std::string_view remote;
    std::string_view method;
    std::string_view path;  // without the query (it may carry credentials)
    int version = 11;       // 10 or 11
    unsigned status = 0;
    std::int64_t latency_us = 0;
    std::string_view user_agent;
    std::string_view referer;
    std::string_view api;        // "name:version", or empty
    std::string_view operation;  // "GET /pets/{id}", or empty
    std::string_view trace_id;   // 32 hex digits, or empty
  };

  // Opens the file; throws std::runtime_error naming it when it cannot be opened.
  explicit AccessLog(Options options);
  ~AccessLog();  // writes what is buffered
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // On worker `w`'s thread.
  void record(int w, const Entry& e);
  std::uint64_t dropped() const;
  std::uint64_t written() const { return written_.load(std::memory_order_relaxed); }

  // Parses "combined" or "json".
  static bool parse_format(std::string_view text, Format& out);

 private:
  struct alignas(64) WorkerBuffer {
    std::mutex mu;
    std::string lines;  // capacity reserved once; never grows past it
    std::string spare;  // the writer's side of the swap
    std::atomic<std::uint64_t> dropped{0};
    std::int64_t cached_second = -1;  // the worker's own: the formatted time of this second
    std::array<char, 40> cached_time{};
    std::size_t cached_time_size = 0;
  };
  void run();
  void flush();
  std::string_view time_text(WorkerBuffer& b, std::int64_t unix_ms, bool json);

  Options opts_;
  std::FILE* file_ = nullptr;
  bool own_file_ = false;
  std::vector<std::unique_ptr<WorkerBuffer>> buffers_;
  std::atomic<std::uint64_t> written_{0};
  std::mutex run_mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace archway::observability
