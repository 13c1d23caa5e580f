#pragma once
// Prometheus text exposition (format 0.0.4) and the registry both listeners' /metrics render: the
// process's own metrics, then what each module registered (a collector writes its families).
// Rendering happens on a scrape, never on a request path: collectors read counters that the
// request paths keep without locks (per worker, summed here).
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace archway::observability {

using Label = std::pair<std::string_view, std::string_view>;

// "# HELP" and "# TYPE" of one family.
void write_family(std::string& out, std::string_view name, std::string_view help, std::string_view type);
// One sample line: name{labels} value.
void write_sample(std::string& out, std::string_view name, std::initializer_list<Label> labels, double value);
void write_sample(std::string& out, std::string_view name, std::initializer_list<Label> labels,
                  std::uint64_t value);
// A label value as the format escapes it (backslash, double quote, line feed).
void append_label_value(std::string& out, std::string_view value);

// The content type of the text format.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

class MetricsRegistry {
 public:
  using Collector = std::function<void(std::string& out)>;

  MetricsRegistry();
  // Adds families to every scrape (called at start, not per scrape).
  void add_collector(Collector c);
  // The analytics module's count of events it dropped (its buffers full); until one is set the
  // family reads 0.
  void set_analytics_dropped_source(std::function<std::uint64_t()> source);
  // The whole exposition: process metrics, analytics drops, then the collectors in order.
  std::string render() const;

 private:
  mutable std::mutex mu_;
  std::vector<Collector> collectors_;
  std::function<std::uint64_t()> analytics_dropped_;
};

// process_cpu_seconds_total, process_resident_memory_bytes, process_open_fds,
// process_start_time_seconds (from /proc; absent where it is not there).
void write_process_metrics(std::string& out);

}  // namespace archway::observability
