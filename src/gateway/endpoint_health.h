#pragma once
// Passive health of one backend endpoint (circuit breaking): failures in a row suspend it for
// suspendDuration, each further suspension lasts `factor` times longer up to suspendMaxDuration,
// and once a suspension ends one request goes through as a trial; a success resets everything.
// One EndpointHealth per endpoint per gateway process, shared by every worker and kept across
// snapshots; only atomics, so the request path takes no lock.
#include <algorithm>
#include <atomic>
#include <bitset>
#include <cstdint>

namespace archway::gateway {

// How an attempt at an endpoint failed.
enum class UpstreamFailure : std::uint8_t { kNone, kConnect, kTimeout, kClosed, kStatus };

// What an endpoint's config makes of failures: which are retried, which count toward suspension.
struct FailurePolicy {
  std::bitset<100> retry_statuses;    // 500-599 named by retryErroCode
  std::bitset<100> suspend_statuses;  // 500-599 named by suspendErrorCode
  bool suspend_on_connect = true;     // transport failures counted (all, when suspendErrorCode is empty)
  bool suspend_on_timeout = true;
  bool suspend_on_closed = true;
  std::uint32_t retries_before_suspension = 0;  // retryTimeOut
  std::int64_t suspend_ms = 0;                  // 0: never suspended
  std::int64_t suspend_max_ms = 86400000;
  double factor = 1.0;

  bool retries_status(unsigned status) const { return status >= 500 && status < 600 && retry_statuses[status - 500]; }
  bool counts(UpstreamFailure f, unsigned status) const {
    switch (f) {
      case UpstreamFailure::kConnect: return suspend_on_connect;
      case UpstreamFailure::kTimeout: return suspend_on_timeout;
      case UpstreamFailure::kClosed: return suspend_on_closed;
      case UpstreamFailure::kStatus: return status >= 500 && status < 600 && suspend_statuses[status - 500];
      default: return false;
    }
  }
};

class EndpointHealth {
 public:
  // Whether a request may go to the endpoint now (steady-clock ms). When a suspension has just
  // ended, exactly one caller wins the trial; the others see the endpoint suspended until the
  // trial reports or `trial_ms` passes.
  // In service: the whole check on the healthy path (one relaxed load, no clock read).
  bool in_service() const { return suspended_until_.load(std::memory_order_relaxed) == 0; }

  bool admit(std::int64_t now_ms, std::int64_t trial_ms) {
    std::int64_t until = suspended_until_.load(std::memory_order_relaxed);
    if (until == 0) return true;
    if (now_ms < until) return false;
    return suspended_until_.compare_exchange_strong(until, now_ms + trial_ms, std::memory_order_relaxed);
  }

  // Milliseconds left of the current suspension (0 when not suspended).
  std::int64_t remaining(std::int64_t now_ms) const {
    return std::max<std::int64_t>(0, suspended_until_.load(std::memory_order_relaxed) - now_ms);
  }

  void record_success() {
    // Loads first: the healthy path writes nothing, so workers share the line read-only.
    if (failures_.load(std::memory_order_relaxed) != 0 || last_ms_.load(std::memory_order_relaxed) != 0 ||
        suspended_until_.load(std::memory_order_relaxed) != 0) {
      failures_.store(0, std::memory_order_relaxed);
      last_ms_.store(0, std::memory_order_relaxed);
      suspended_until_.store(0, std::memory_order_relaxed);
    }
  }

  // Counts a failure the policy names; suspends when the policy says so. Returns true when this
  // failure suspended the endpoint.
  bool record_failure(const FailurePolicy& p, UpstreamFailure f, unsigned status, std::int64_t now_ms) {
    if (p.suspend_ms <= 0 || !p.counts(f, status)) return false;
    const std::uint32_t n = failures_.fetch_add(1, std::memory_order_relaxed) + 1;
    const std::int64_t last = last_ms_.load(std::memory_order_relaxed);
    // A failed trial after a suspension suspends again at once, for longer.
    if (last == 0 && n <= p.retries_before_suspension) return false;
    const std::int64_t next =
        last == 0 ? p.suspend_ms
                  : std::min<std::int64_t>(p.suspend_max_ms, static_cast<std::int64_t>(static_cast<double>(last) * p.factor));
    last_ms_.store(next, std::memory_order_relaxed);
    failures_.store(0, std::memory_order_relaxed);
    suspended_until_.store(now_ms + next, std::memory_order_relaxed);
    return true;
  }

 private:
  std::atomic<std::int64_t> suspended_until_{0};  // steady ms; 0: in service
  std::atomic<std::int64_t> last_ms_{0};          // length of the last suspension; 0 after a success
  std::atomic<std::uint32_t> failures_{0};        // counted failures since the last success or suspension
};

}  // namespace archway::gateway
