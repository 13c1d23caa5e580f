#pragma once
// The backend side of a request: which endpoint of the group serves it (load balancing, suspended
// endpoints skipped), how often it may be tried again and where (retryCount, failover members),
// what the client hears when no attempt is left, and connections to an endpoint (a pooled
// keep-alive one, or a new one: resolve, connect, TLS with the endpoint's name verified).
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <optional>

#include "common/problem.h"
#include "gateway/endpoint_health.h"
#include "gateway/runtime_snapshot.h"
#include "gateway/upstream_pool.h"

namespace archway::gateway::internal {

class Worker;

std::int64_t steady_millis();

common::Problem backend_unavailable(const std::string& why);

struct Acquired {
  std::unique_ptr<UpstreamConnection> conn;
  bool reused = false;                      // taken from the pool: it may have been closed meanwhile
  std::optional<common::Problem> error;     // set when no connection could be made
  UpstreamFailure failure = UpstreamFailure::kNone;
};

// A connection to `ep`: from the worker's pool when `allow_reuse`, else a new one.
boost::asio::awaitable<Acquired> acquire(Worker& w, const EndpointRuntime& ep, bool allow_reuse);

// The attempts of one request on an endpoint group: the first admitted member, then after a
// failure that allows it the next admitted member (the same one when alone), at most
// members - 1 + retryCount more times. A failure before anything was sent (connecting) always
// allows another attempt; otherwise only a request that `may_repeat` (idempotent, body not
// streamed from the client).
class Attempts {
 public:
  Attempts(Worker& w, const EndpointGroup& group, bool may_repeat);

  // The endpoint of the current attempt; null when every member is suspended (then `failure()`
  // says when the first comes back).
  const EndpointRuntime* endpoint() const { return admitted_ ? &group_.members[member_] : nullptr; }
  // Whether another attempt may follow a failure of this one (a 5xx in retryErroCode counts).
  bool may_retry() const { return may_repeat_ && budget_ > 0; }
  // Records the failed attempt (with its problem; `sent`: the request reached the backend) and
  // moves to the next endpoint; false when no attempt is left. Waits retryDelay first.
  boost::asio::awaitable<bool> next(UpstreamFailure failure, unsigned status, std::optional<common::Problem> problem,
                                    bool sent);
  // What the client hears when no attempt succeeded, and the Retry-After (seconds) it carries.
  common::Problem failure() const;
  std::int64_t retry_after_s() const { return retry_after_s_; }

 private:
  bool pick(std::size_t from);

  Worker& w_;
  const EndpointGroup& group_;
  const bool may_repeat_;
  std::size_t member_;
  std::uint32_t budget_;
  bool admitted_;
  bool only_connect_failures_ = true;
  std::optional<common::Problem> failed_;
  std::int64_t retry_after_s_ = 0;
};

}  // namespace archway::gateway::internal
