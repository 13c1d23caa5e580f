#include "observability/prometheus.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace archway::observability {

namespace {

void append_number(std::string& out, double v) {
  if (std::isnan(v)) out += "NaN";
  else if (std::isinf(v)) out += v > 0 ? "+Inf" : "-Inf";
  else fmt::format_to(std::back_inserter(out), "{}", v);
}

void append_labels(std::string& out, std::initializer_list<Label> labels) {
  if (labels.size() == 0) return;
  out.push_back('{');
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out.push_back(',');
    first = false;
    out.append(k).append("=\"");
    append_label_value(out, v);
    out.push_back('"');
  }
  out.push_back('}');
}

}  // namespace

void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
}

void write_family(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out.append("# HELP ").append(name).push_back(' ');
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  out.append("\n# TYPE ").append(name).append(" ").append(type).push_back('\n');
}

void write_sample(std::string& out, std::string_view name, std::initializer_list<Label> labels, double value) {
  out.append(name);
  append_labels(out, labels);
  out.push_back(' ');
  append_number(out, value);
  out.push_back('\n');
}

void write_sample(std::string& out, std::string_view name, std::initializer_list<Label> labels,
                  std::uint64_t value) {
  out.append(name);
  append_labels(out, labels);
  fmt::format_to(std::back_inserter(out), " {}\n", value);
}

MetricsRegistry::MetricsRegistry() = default;

void MetricsRegistry::add_collector(Collector c) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(c));
}

void MetricsRegistry::set_analytics_dropped_source(std::function<std::uint64_t()> source) {
  std::lock_guard lock(mu_);
  analytics_dropped_ = std::move(source);
}

std::string MetricsRegistry::render() const {
  std::string out;
  out.reserve(16 * 1024);
  write_process_metrics(out);
  std::lock_guard lock(mu_);
  write_family(out, "archway_analytics_events_dropped_total",
               "Analytics events dropped because the analytics buffers were full", "counter");
  write_sample(out, "archway_analytics_events_dropped_total", {},
               analytics_dropped_ ? analytics_dropped_() : std::uint64_t{0});
  for (const auto& c : collectors_) c(out);
  return out;
}

void write_process_metrics(std::string& out) {
  const long ticks = sysconf(_SC_CLK_TCK);
  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces), from field 3 on.
  const auto close = stat.rfind(')');
  if (close != std::string::npos && ticks > 0) {
    std::istringstream in(stat.substr(close + 2));
    std::vector<std::string> f;
    for (std::string s; in >> s;) f.push_back(s);
    // f[0] is field 3 (state): utime 14, stime 15, starttime 22, rss 24.
    if (f.size() > 22) {
      const double cpu = (std::stod(f[11]) + std::stod(f[12])) / static_cast<double>(ticks);
      write_family(out, "process_cpu_seconds_total", "User and system CPU time spent in seconds", "counter");
      write_sample(out, "process_cpu_seconds_total", {}, cpu);
      const double rss = std::stod(f[21]) * static_cast<double>(sysconf(_SC_PAGESIZE));
      write_family(out, "process_resident_memory_bytes", "Resident memory size in bytes", "gauge");
      write_sample(out, "process_resident_memory_bytes", {}, rss);
      std::ifstream proc_stat("/proc/stat");
      double boot = 0;
      for (std::string line; std::getline(proc_stat, line);)
        if (line.starts_with("btime ")) boot = std::stod(line.substr(6));
      if (boot > 0) {
        write_family(out, "process_start_time_seconds", "Start time of the process since the Unix epoch in seconds",
                     "gauge");
        write_sample(out, "process_start_time_seconds", {},
                     boot + std::stod(f[19]) / static_cast<double>(ticks));
      }
    }
  }
  std::error_code ec;
  std::uint64_t fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++fds;
  if (!ec) {
    write_family(out, "process_open_fds", "Number of open file descriptors", "gauge");
    write_sample(out, "process_open_fds", {}, fds);
  }
}

}  // namespace archway::observability
