#include "traffic/policy_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace archway::traffic {

std::int64_t period_ms(std::string_view unit, std::int64_t unit_time) {
  std::int64_t base = 0;
  if (unit == "sec") base = 1000;
  else if (unit == "min") base = 60'000;
  else if (unit == "hour") base = 3'600'000;
  else if (unit == "day") base = 86'400'000;
  return unit_time > 0 ? base * unit_time : 0;
}

namespace {

std::string policy_key(std::string_view level, std::string_view name) {
  std::string k;
  k.reserve(level.size() + 1 + name.size());
  k.append(level).push_back('\n');
  k.append(name);
  return k;
}

Limit compile_limit(const domain::ThrottleLimit& l) {
  Limit out;
  out.period_ms = period_ms(l.time_unit, l.unit_time);
  if (l.type == "BANDWIDTHLIMIT") {
    out.bandwidth = true;
    const std::int64_t unit = l.data_unit == "GB" ? 1LL << 30 : l.data_unit == "MB" ? 1LL << 20 : 1LL << 10;
    out.count = l.data_amount * unit;
  } else {
    out.count = l.request_count;
  }
  return out;
}

// The key template "$userId:$apiContext" as parts; unknown names were refused by the Admin API.
std::vector<CustomRule::KeyPart> key_parts(std::string_view t, bool& ok) {
  using Kind = CustomRule::KeyPart::Kind;
  std::vector<CustomRule::KeyPart> parts;
  ok = true;
  for (std::size_t i = 0; i < t.size();) {
    if (t[i] != '$') {
      const std::size_t next = std::min(t.find('$', i), t.size());
      parts.push_back({Kind::kText, std::string(t.substr(i, next - i))});
      i = next;
      continue;
    }
    std::size_t j = i + 1;
    while (j < t.size() && std::isalnum(static_cast<unsigned char>(t[j]))) ++j;
    const std::string_view name = t.substr(i + 1, j - i - 1);
    Kind k = Kind::kText;
    if (name == "userId") k = Kind::kUserId;
    else if (name == "apiContext") k = Kind::kApiContext;
    else if (name == "apiVersion") k = Kind::kApiVersion;
    else if (name == "appId") k = Kind::kAppId;
    else if (name == "clientIp") k = Kind::kClientIp;
    else if (name == "apiName") k = Kind::kApiName;
    else ok = false;
    parts.push_back({k, {}});
    i = j;
  }
  return parts;
}

std::string describe(const domain::ThrottleLimit& l) {
  if (l.type == "BANDWIDTHLIMIT")
    return fmt::format("{} {} per {} {}", l.data_amount, l.data_unit, l.unit_time, l.time_unit);
  return fmt::format("{} requests per {} {}", l.request_count, l.unit_time, l.time_unit);
}

}  // namespace

std::shared_ptr<const PolicySet> PolicySet::compile(const std::vector<domain::ThrottlePolicy>& policies,
                                                    const std::vector<domain::BlockCondition>& blocking,
                                                    std::vector<std::string>* warnings) {
  auto set = std::make_shared<PolicySet>();
  for (const auto& p : policies) {
    if (p.level == domain::kPolicyLevelCustom) {
      CustomRule r;
      r.name = p.name;
      r.limit = compile_limit(p.limit);
      r.display = describe(p.limit);
      r.api_context = p.match.api_context;
      r.api_version = p.match.api_version;
      r.user_id = p.match.user_id;
      r.app_id = p.match.app_id;
      r.headers = p.match.headers;
      bool ok = static_cast<bool>(r.limit) && !r.limit.bandwidth;
      if (!p.match.client_ip.empty()) {
        auto ip = domain::parse_ip(p.match.client_ip);
        ok = ok && ip.has_value();
        if (ip) r.ip = *ip;
        r.has_ip = true;
      }
      bool key_ok = false;
      r.key = key_parts(p.key_template, key_ok);
      if (ok && key_ok && !r.key.empty()) set->custom_rules_.push_back(std::move(r));
      else if (warnings) warnings->push_back("custom rule " + p.name + " cannot be enforced");
      continue;
    }
    Policy c;
    c.name = p.name;
    c.level = p.level;
    if (!p.unlimited) {
      c.limit = compile_limit(p.limit);
      c.display = describe(p.limit);
      if (!c.limit && warnings) warnings->push_back("policy " + p.level + "/" + p.name + " has no usable limit");
    } else {
      c.display = "unlimited";
    }
    if (p.rate_limit_count > 0) {
      c.burst.count = p.rate_limit_count;
      c.burst.period_ms = period_ms(p.rate_limit_time_unit, 1);
      c.burst_display = fmt::format("{} requests per {}", p.rate_limit_count,
                                    p.rate_limit_time_unit == "sec" ? "second" : "minute");
    }
    c.stop_on_quota = p.stop_on_quota_reach;
    for (const auto& g : p.conditional_groups) {
      Group cg;
      cg.limit = compile_limit(g.limit);
      bool ok = static_cast<bool>(cg.limit);
      for (const auto& cond : g.conditions) {
        Condition x;
        x.invert = cond.invert;
        x.name = cond.name;
        x.value = cond.value;
        if (cond.type == "HEADERCONDITION") {
          x.kind = Condition::Kind::kHeader;
        } else if (cond.type == "QUERYPARAMETERCONDITION") {
          x.kind = Condition::Kind::kQuery;
        } else if (cond.type == "JWTCLAIMSCONDITION") {
          x.kind = Condition::Kind::kClaim;
        } else if (cond.type == "IPCONDITION") {
          x.kind = Condition::Kind::kIp;
          const bool range = cond.ip_condition_type == "IPRANGE";
          auto first = domain::parse_ip(range ? cond.starting_ip : cond.specific_ip);
          auto last = domain::parse_ip(range ? cond.ending_ip : cond.specific_ip);
          if (first && last) {
            x.first = *first;
            x.last = *last;
          } else {
            ok = false;
          }
        } else {
          ok = false;
        }
        cg.conditions.push_back(std::move(x));
      }
      if (ok && !cg.conditions.empty()) c.groups.push_back(std::move(cg));
      else if (warnings) warnings->push_back("policy " + p.name + ": a conditional group cannot be enforced");
    }
    set->policies_.insert_or_assign(policy_key(p.level, p.name), std::move(c));
  }
  for (const auto& b : blocking) {
    if (!b.enabled) continue;
    if (b.type == "API") {
      set->blocked_apis_.insert(b.value);
    } else if (b.type == "APPLICATION") {
      set->blocked_applications_.insert(b.value);
    } else if (b.type == "USER") {
      set->blocked_users_.insert(b.value);
    } else if (b.type == "IP" || b.type == "IPRANGE") {
      const bool range = b.type == "IPRANGE";
      auto first = domain::parse_ip(range ? b.starting_ip : b.fixed_ip);
      auto last = domain::parse_ip(range ? b.ending_ip : b.fixed_ip);
      if (!first || !last) {
        if (warnings) warnings->push_back("deny policy " + b.id + " has a malformed IP");
        continue;
      }
      set->blocked_ips_.push_back(
          IpBlock{*first, *last, b.invert, range ? b.starting_ip + "-" + b.ending_ip : b.fixed_ip});
    } else {
      continue;
    }
    set->any_blocking_ = true;
  }
  return set;
}

const Policy* PolicySet::find(std::string_view level, std::string_view name) const {
  char buf[160];
  if (level.size() + 1 + name.size() > sizeof buf) return nullptr;
  std::size_t n = 0;
  for (char c : level) buf[n++] = c;
  buf[n++] = '\n';
  for (char c : name) buf[n++] = c;
  auto it = policies_.find(std::string_view(buf, n));
  return it == policies_.end() ? nullptr : &it->second;
}

std::optional<std::string> PolicySet::blocked(const BlockFacts& f) const {
  if (!any_blocking_) return std::nullopt;
  if (!f.api_context.empty() && blocked_apis_.count(f.api_context))
    return fmt::format("The API context '{}' is blocked", f.api_context);
  if (!f.api_context_unversioned.empty() && blocked_apis_.count(f.api_context_unversioned))
    return fmt::format("The API context '{}' is blocked", f.api_context_unversioned);
  if (!f.application.empty() && blocked_applications_.count(f.application))
    return fmt::format("The application '{}' is blocked", f.application);
  if (!f.user.empty() && blocked_users_.count(f.user)) return fmt::format("The user '{}' is blocked", f.user);
  if (f.ip) {
    for (const auto& b : blocked_ips_) {
      const bool in = domain::ip_in_range(*f.ip, b.first, b.last);
      if (in != b.invert)
        return b.invert ? fmt::format("Only {} may call this gateway", b.text)
                        : fmt::format("The client address is blocked ({})", b.text);
    }
  }
  return std::nullopt;
}

}  // namespace archway::traffic
