#pragma once
// Wall-clock helpers for timestamps the REST APIs show, and the coarse monotonic clock.
#include <time.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace archway::common {

// steady_clock's clock (CLOCK_MONOTONIC) as of the kernel's last tick (a few milliseconds at most
// behind): no time-stamp counter read. For deadlines and ages measured in seconds.
inline std::chrono::steady_clock::time_point steady_coarse_now() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return std::chrono::steady_clock::time_point(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
}

std::int64_t now_millis();
// RFC 3339 / ISO 8601 in UTC with milliseconds, e.g. 2026-11-24T19:34:28.123Z.
std::string iso8601_utc(std::int64_t epoch_millis);

}  // namespace archway::common
