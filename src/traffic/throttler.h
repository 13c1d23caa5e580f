#pragma once
// The Traffic Manager's decision for one request, in the product's order: blocking conditions,
// then the custom rules (each that matches counts under its expanded key template), the API or resource (advanced) limit, the subscription tier (spike arrest, then quota),
// the application tier (across all of an application's APIs, per user), and the backend limit
// of the endpoint. A limit that refuses a request gives back what the earlier ones counted for
// it, so refused requests use no quota.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/ip.h"
#include "traffic/counters.h"
#include "traffic/policy_set.h"

namespace archway::traffic {

// The product's throttling codes.
inline constexpr int kCodeApiThrottled = 900800;
inline constexpr int kCodeHardLimit = 900801;  // backend (maxTps)
inline constexpr int kCodeResourceThrottled = 900802;
inline constexpr int kCodeApplicationThrottled = 900803;
inline constexpr int kCodeSubscriptionThrottled = 900804;
inline constexpr int kCodeBlocked = 900805;
inline constexpr int kCodeCustomThrottled = 900806;  // a custom rule
inline constexpr int kCodeBurstThrottled = 900807;

struct Request {
  std::string_view api_id;
  std::string_view api_context;              // /pizzashack/1.0.0
  std::string_view api_context_unversioned;  // /pizzashack
  std::string_view api_version;              // 1.0.0 (custom rules)
  std::string_view api_name;
  std::string_view resource;                 // "GET /menu/{id}": the operation, for resource limits
  const Policy* api_policy = nullptr;        // advanced, whole API (overrides resource policies)
  const Policy* resource_policy = nullptr;   // advanced, this operation
  bool authenticated = false;
  const Policy* subscription_policy = nullptr;  // authenticated: the subscription's tier;
                                                // else the Unauthenticated tier, counted per IP
  const Policy* application_policy = nullptr;
  std::string_view application_id;
  std::string_view application_owner;
  std::string_view application_name;
  std::string_view user;  // the token's subject
  std::int64_t backend_tps = 0;
  bool sandbox = false;
  const domain::IpAddress* ip = nullptr;
  std::string_view ip_text;
  const RequestAttributes* attributes = nullptr;  // for conditional groups
};

struct Decision {
  enum class Kind { kAllow, kBlocked, kThrottled } kind = Kind::kAllow;
  int code = 0;
  std::string message;
  std::string description;
  std::int64_t limit = 0;
  std::int64_t reset_ms = 0;
  std::string policy;  // the refusing policy's (or custom rule's) name; "blocking condition" when blocked
  // Bandwidth limits that admitted the request: the bytes it moves are added afterwards.
  struct Meter {
    std::string key;
    std::int64_t period_ms = 0;
  };
  std::vector<Meter> meters;
  bool allowed() const { return kind == Kind::kAllow; }
};

class Throttler {
 public:
  explicit Throttler(CounterTable& counters) : counters_(counters) {}
  Decision admit(const PolicySet& policies, const Request& r, std::int64_t now_ms) const;
  // Adds the bytes an admitted request moved to its bandwidth limits.
  void record_bytes(const Decision& d, std::int64_t bytes, std::int64_t now_ms) const;
  CounterTable& counters() const { return counters_; }
  // The counter key of the application tier for one user of one application.
  static std::string application_key(std::string_view application_id, std::string_view user, bool burst = false);

 private:
  CounterTable& counters_;
};

}  // namespace archway::traffic
