#include "traffic/throttler.h"

#include <fmt/format.h>

#include <array>
#include <cstring>

namespace archway::traffic {

namespace {

// Counter keys are built in a fixed buffer and looked up as string_views: no allocation unless
// a key is seen for the first time.
class Key {
 public:
  Key& add(std::string_view part) {
    if (n_ + part.size() + 1 > buf_.size()) {
      overflow_ = true;
      return *this;
    }
    if (n_) buf_[n_++] = '|';
    // One copy (a byte loop re-reads n_ after each char store); an empty part may have no data at all.
    if (!part.empty()) std::memcpy(buf_.data() + n_, part.data(), part.size());
    n_ += part.size();
    return *this;
  }
  // Appends without a separator (the literal and expanded parts of a key template).
  Key& append(std::string_view part) {
    if (n_ + part.size() > buf_.size()) {
      overflow_ = true;
      return *this;
    }
    if (!part.empty()) std::memcpy(buf_.data() + n_, part.data(), part.size());
    n_ += part.size();
    return *this;
  }
  std::string_view view() const { return {buf_.data(), n_}; }
  bool ok() const { return !overflow_; }

 private:
  std::array<char, 400> buf_;
  std::size_t n_ = 0;
  bool overflow_ = false;
};

bool matches(const Condition& c, const Request& r) {
  bool m = false;
  switch (c.kind) {
    case Condition::Kind::kIp:
      m = r.ip && domain::ip_in_range(*r.ip, c.first, c.last);
      break;
    case Condition::Kind::kHeader:
      if (r.attributes) {
        auto v = r.attributes->header(c.name);
        m = v && *v == c.value;
      }
      break;
    case Condition::Kind::kQuery:
      if (r.attributes) {
        auto v = r.attributes->query(c.name);
        m = v && *v == c.value;
      }
      break;
    case Condition::Kind::kClaim:
      if (r.attributes) {
        auto v = r.attributes->claim(c.name);
        m = v && *v == c.value;
      }
      break;
  }
  return m != c.invert;
}

bool applies(const CustomRule& rule, const Request& r) {
  if (!rule.api_context.empty() && rule.api_context != r.api_context && rule.api_context != r.api_context_unversioned)
    return false;
  if (!rule.api_version.empty() && rule.api_version != r.api_version) return false;
  if (!rule.user_id.empty() && rule.user_id != r.user) return false;
  if (!rule.app_id.empty() && rule.app_id != r.application_id) return false;
  if (rule.has_ip && !(r.ip && *r.ip == rule.ip)) return false;
  for (const auto& [name, value] : rule.headers) {
    if (!r.attributes) return false;
    auto v = r.attributes->header(name);
    if (!v || *v != value) return false;
  }
  return true;
}

// The rule's counter: its name and the expanded key template. False when the request lacks an
// attribute the template names (an anonymous call under $userId): the rule does not count it.
bool custom_key(const CustomRule& rule, const Request& r, Key& k) {
  using Kind = CustomRule::KeyPart::Kind;
  k.add("C").add(rule.name).add("");
  for (const auto& part : rule.key) {
    std::string_view v;
    switch (part.kind) {
      case Kind::kText: k.append(part.text); continue;
      case Kind::kUserId: v = r.user; break;
      case Kind::kApiContext: v = r.api_context; break;
      case Kind::kApiVersion: v = r.api_version; break;
      case Kind::kAppId: v = r.application_id; break;
      case Kind::kClientIp: v = r.ip_text; break;
      case Kind::kApiName: v = r.api_name; break;
    }
    if (v.empty()) return false;
    k.append(v);
  }
  return k.ok();
}

// What a refusal names: "the subscription tier 'Gold'", formatted only when refusing.
struct Subject {
  const char* kind;
  std::string_view name;
  std::string_view display;
  int group = -1;  // conditional group index
};

class Run {
 public:
  Run(CounterTable& counters, std::int64_t now) : counters_(counters), now_(now) {}

  // Counts one request against `limit` under `key`; false when refused (decision filled).
  bool check(const Key& key, const Limit& limit, bool enforce, int code, const Subject& what, Decision& d) {
    if (!limit || !key.ok()) return true;
    if (limit.bandwidth) {
      Verdict v = counters_.peek(key.view(), limit.count, limit.period_ms, now_);
      if (!v.allowed && enforce) return refuse(v, code, what, d);
      d.meters.push_back(Decision::Meter{std::string(key.view()), limit.period_ms});
      return true;
    }
    Verdict v = counters_.take(key.view(), limit.count, limit.period_ms, 1, now_, enforce);
    if (!v.allowed && enforce) return refuse(v, code, what, d);
    if (taken_n_ < taken_.size()) taken_[taken_n_++] = Taken{key, limit.period_ms};
    return true;
  }

  // Gives back what this request counted before it was refused.
  void undo() {
    for (std::size_t i = 0; i < taken_n_; ++i) counters_.add(taken_[i].key.view(), -1, taken_[i].period_ms, now_);
  }

 private:
  struct Taken {
    Key key;
    std::int64_t period_ms = 0;
  };

  bool refuse(const Verdict& v, int code, const Subject& what, Decision& d) {
    d.kind = Decision::Kind::kThrottled;
    d.code = code;
    d.message = "Message throttled out";
    d.limit = v.limit;
    d.reset_ms = v.reset_ms;
    d.policy.assign(what.name);
    const std::string group = what.group >= 0 ? fmt::format(" (conditional group {})", what.group + 1) : "";
    d.description = fmt::format("You have exceeded your quota: {} '{}'{} allows {}. Try again in {} s.", what.kind,
                                what.name, group, what.display, (v.reset_ms + 999) / 1000);
    return false;
  }

  CounterTable& counters_;
  std::int64_t now_;
  std::array<Taken, 8> taken_;
  std::size_t taken_n_ = 0;
};

}  // namespace

Decision Throttler::admit(const PolicySet& policies, const Request& r, std::int64_t now_ms) const {
  Decision d;
  if (policies.has_blocking()) {
    char app[256];
    std::string_view application;
    if (!r.application_owner.empty() && r.application_owner.size() + r.application_name.size() + 1 < sizeof app) {
      std::size_t n = 0;
      for (char c : r.application_owner) app[n++] = c;
      app[n++] = ':';
      for (char c : r.application_name) app[n++] = c;
      application = {app, n};
    }
    auto why = policies.blocked({r.api_context, r.api_context_unversioned, application, r.user, r.ip});
    if (why) {
      d.kind = Decision::Kind::kBlocked;
      d.code = kCodeBlocked;
      d.message = "Message blocked";
      d.policy = "blocking condition";
      d.description = std::move(*why);
      return d;
    }
  }

  Run run(counters_, now_ms);
  auto fail = [&]() {
    run.undo();
    d.meters.clear();
    return d;
  };

  // Custom rules: across APIs, each under the counter its key template names for the request.
  for (const CustomRule& rule : policies.custom_rules()) {
    if (!applies(rule, r)) continue;
    Key k;
    if (!custom_key(rule, r, k)) continue;
    if (!run.check(k, rule.limit, true, kCodeCustomThrottled, {"the custom rule", rule.name, rule.display}, d))
      return fail();
  }

  // API or resource (advanced) limits: an API-level policy overrides the resource policies.
  const Policy* adv = r.api_policy ? r.api_policy : r.resource_policy;
  if (adv) {
    const bool api_level = r.api_policy != nullptr;
    const int code = api_level ? kCodeApiThrottled : kCodeResourceThrottled;
    const char* kind = api_level ? "the API policy" : "the resource policy";
    Key base;
    base.add(api_level ? "A" : "R").add(r.api_id);
    if (!api_level) base.add(r.resource);
    bool grouped = false;
    for (std::size_t g = 0; g < adv->groups.size(); ++g) {
      const Group& grp = adv->groups[g];
      bool all = true;
      for (const auto& c : grp.conditions) all = all && matches(c, r);
      if (!all) continue;
      grouped = true;
      Key k = base;
      char idx[8];
      auto len = fmt::format_to_n(idx, sizeof idx, "g{}", g).size;
      k.add(std::string_view(idx, len));
      if (!run.check(k, grp.limit, true, code, {kind, adv->name, "its group limit", static_cast<int>(g)}, d))
        return fail();
    }
    if (!grouped && !run.check(base, adv->limit, true, code, {kind, adv->name, adv->display}, d)) return fail();
  }

  // Subscription tier: spike arrest, then quota. Unauthenticated calls count per client IP.
  if (const Policy* sub = r.subscription_policy) {
    Key k;
    if (r.authenticated) k.add("S").add(r.application_id).add(r.api_id);
    else k.add("U").add(r.api_id).add(r.ip_text);
    if (sub->burst) {
      Key b = k;
      b.add("burst");
      if (!run.check(b, sub->burst, true, kCodeBurstThrottled,
                     {"the burst control of tier", sub->name, sub->burst_display}, d))
        return fail();
    }
    if (!run.check(k, sub->limit, sub->stop_on_quota, kCodeSubscriptionThrottled,
                   {"the subscription tier", sub->name, sub->display}, d))
      return fail();
  }

  // Application tier: all of the application's APIs, per user.
  if (const Policy* app_tier = r.application_policy) {
    Key k;
    k.add("P").add(r.application_id).add(r.user);  // as application_key()
    if (app_tier->burst) {
      Key b = k;
      b.add("burst");  // as application_key(..., true)
      if (!run.check(b, app_tier->burst, true, kCodeBurstThrottled,
                     {"the burst control of application tier", app_tier->name, app_tier->burst_display}, d))
        return fail();
    }
    if (!run.check(k, app_tier->limit, true, kCodeApplicationThrottled,
                   {"the application tier", app_tier->name, app_tier->display}, d))
      return fail();
  }

  // Backend limit of the endpoint (maxTps), across every caller.
  if (r.backend_tps > 0) {
    Key k;
    k.add("B").add(r.api_id).add(r.sandbox ? "sandbox" : "production");
    const Limit l{r.backend_tps, 1000, false};
    if (!run.check(k, l, true, kCodeHardLimit, {"the backend limit of API", r.api_context, "its maxTps"}, d)) {
      d.message = "Hard limit exceeded";
      return fail();
    }
  }
  return d;
}

std::string Throttler::application_key(std::string_view application_id, std::string_view user, bool burst) {
  Key k;
  k.add("P").add(application_id).add(user);
  if (burst) k.add("burst");
  return std::string(k.view());
}

void Throttler::record_bytes(const Decision& d, std::int64_t bytes, std::int64_t now_ms) const {
  for (const auto& m : d.meters) counters_.add(m.key, bytes, m.period_ms, now_ms);
}

}  // namespace archway::traffic
