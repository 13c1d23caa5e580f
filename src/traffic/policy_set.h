#pragma once
// Throttling policies and deny policies compiled for the gateway: limits turned into counts per
// period, IP conditions parsed, blocking conditions indexed. Built once per snapshot, read by
// every worker without locks.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/string_map.h"
#include "domain/ip.h"
#include "domain/policy.h"

namespace archway::traffic {

struct Limit {
  std::int64_t count = 0;      // requests, or bytes for bandwidth limits; 0 = no limit
  std::int64_t period_ms = 0;
  bool bandwidth = false;
  explicit operator bool() const { return count > 0 && period_ms > 0; }
};

// What a condition needs from the request; implemented by the gateway over its parsed request.
class RequestAttributes {
 public:
  virtual ~RequestAttributes() = default;
  virtual std::optional<std::string_view> header(std::string_view name) const = 0;
  virtual std::optional<std::string_view> query(std::string_view name) const = 0;
  virtual std::optional<std::string> claim(std::string_view name) const = 0;
};

struct Condition {
  enum class Kind { kHeader, kIp, kQuery, kClaim } kind = Kind::kHeader;
  bool invert = false;
  std::string name;   // header, query parameter or claim
  std::string value;  // what it must equal
  domain::IpAddress first{};
  domain::IpAddress last{};
};

struct Group {
  std::vector<Condition> conditions;  // all must match
  Limit limit;
};

struct Policy {
  std::string name;
  std::string level;
  std::string display;     // "10 requests per 1 min", for error descriptions
  Limit limit;             // none for Unlimited tiers
  Limit burst;             // spike arrest inside the quota (subscription tiers)
  std::string burst_display;
  bool stop_on_quota = true;
  std::vector<Group> groups;  // advanced policies
};

class PolicySet {
 public:
  // Compiles what the store holds; a definition that cannot be enforced is skipped and described
  // in `warnings` (the Admin API refuses such definitions, so this is defensive).
  static std::shared_ptr<const PolicySet> compile(const std::vector<domain::ThrottlePolicy>& policies,
                                                  const std::vector<domain::BlockCondition>& blocking,
                                                  std::vector<std::string>* warnings = nullptr);

  const Policy* find(std::string_view level, std::string_view name) const;

  // Blocking conditions.
  struct BlockFacts {
    std::string_view api_context;          // with the version, e.g. /pizzashack/1.0.0
    std::string_view api_context_unversioned;  // e.g. /pizzashack
    std::string_view application;          // "<owner>:<name>", empty when not known
    std::string_view user;                 // empty when not known
    const domain::IpAddress* ip = nullptr;
  };
  // A description of the condition that blocks the request, or nullopt.
  std::optional<std::string> blocked(const BlockFacts& f) const;
  bool has_blocking() const { return any_blocking_; }

 private:
  common::StringMap<Policy> policies_;  // "<level>\n<name>"
  common::StringSet blocked_apis_, blocked_applications_, blocked_users_;
  struct IpBlock {
    domain::IpAddress first{}, last{};
    bool invert = false;
    std::string text;
  };
  std::vector<IpBlock> blocked_ips_;
  bool any_blocking_ = false;
};

std::int64_t period_ms(std::string_view time_unit, std::int64_t unit_time);

}  // namespace archway::traffic
