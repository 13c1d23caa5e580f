#pragma once
// Throttling policies, custom rules and deny policies compiled for the gateway: limits turned into
// counts per period, IP conditions parsed, key templates split, blocking conditions indexed. Built once per snapshot, read by
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

// A custom rule compiled: what requests it counts, the limit, and the key template as parts.
// Every request the match selects counts against the counter its expanded key names, so a rule
// keyed by $userId gives each user their own window.
struct CustomRule {
  std::string name;
  std::string display;  // "10 requests per 1 min"
  Limit limit;
  std::string api_context;  // matches the versioned or the unversioned context
  std::string api_version;
  std::string user_id;
  std::string app_id;
  bool has_ip = false;
  domain::IpAddress ip{};
  std::vector<std::pair<std::string, std::string>> headers;
  struct KeyPart {
    enum class Kind { kText, kUserId, kApiContext, kApiVersion, kAppId, kClientIp, kApiName } kind = Kind::kText;
    std::string text;
  };
  std::vector<KeyPart> key;
};

class PolicySet {
 public:
  // Compiles what the store holds; a definition that cannot be enforced is skipped and described
  // in `warnings` (the Admin API refuses such definitions, so this is defensive).
  static std::shared_ptr<const PolicySet> compile(const std::vector<domain::ThrottlePolicy>& policies,
                                                  const std::vector<domain::BlockCondition>& blocking,
                                                  std::vector<std::string>* warnings = nullptr);

  const Policy* find(std::string_view level, std::string_view name) const;
  const std::vector<CustomRule>& custom_rules() const { return custom_rules_; }

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
  std::vector<CustomRule> custom_rules_;
};

std::int64_t period_ms(std::string_view time_unit, std::int64_t unit_time);

}  // namespace archway::traffic
