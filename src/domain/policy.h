#pragma once
// Throttling policies (tiers) of the Traffic Manager: subscription tiers (business plans) and
// application tiers. Enforcement lives in the gateway; this is the plain model.
#include <cstdint>
#include <string>

namespace archway::domain {

inline constexpr std::string_view kPolicyLevelSubscription = "subscription";
inline constexpr std::string_view kPolicyLevelApplication = "application";

struct ThrottleLimit {
  std::string type = "REQUESTCOUNTLIMIT";  // or BANDWIDTHLIMIT
  std::string time_unit = "min";           // sec, min, hour, day
  std::int64_t unit_time = 1;
  std::int64_t request_count = 0;  // REQUESTCOUNTLIMIT
  std::int64_t data_amount = 0;    // BANDWIDTHLIMIT
  std::string data_unit = "KB";    // KB, MB, GB
};

struct ThrottlePolicy {
  std::string id;     // policyId
  std::string level;  // subscription | application
  std::string name;   // policyName, what APIs, subscriptions and applications refer to
  std::string display_name;
  std::string description;
  bool unlimited = false;  // the Unlimited tiers have no limit
  ThrottleLimit limit;
  std::int64_t rate_limit_count = 0;  // burst control (spike arrest); 0 = none
  std::string rate_limit_time_unit;   // sec or min
  bool stop_on_quota_reach = true;
  std::string billing_plan = "FREE";  // FREE, COMMERCIAL
};

}  // namespace archway::domain
