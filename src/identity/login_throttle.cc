#include "identity/login_throttle.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "common/strings.h"
#include "domain/ip.h"

namespace archway::identity {

using std::chrono::milliseconds;

LoginThrottle::LoginThrottle(LoginThrottleOptions options, Clock clock)
    : opts_(options),
      clock_(std::move(clock)),
      per_shard_(std::max<std::size_t>(1, options.max_tracked / kShards)) {}

milliseconds LoginThrottle::lock_after(int failures, int free_attempts, milliseconds base,
                                       milliseconds max) {
  if (failures <= free_attempts) return milliseconds(0);
  const int k = failures - free_attempts - 1;
  // Past 2^40 any base exceeds any cap we accept; stop doubling before the shift overflows.
  if (k >= 40 || base.count() > (max.count() >> k)) return max;
  return milliseconds(base.count() << k);
}

int LoginThrottle::free_attempts(LoginKeyKind kind) const {
  return kind == LoginKeyKind::kAddress ? opts_.free_attempts_per_address : opts_.free_attempts;
}

LoginThrottle::Shard& LoginThrottle::shard_of(LoginKey key) {
  const std::size_t h = std::hash<std::string_view>{}(key.value);
  return kinds_[static_cast<std::size_t>(key.kind)][(h ^ (h >> 29)) % kShards];
}

bool LoginThrottle::forgotten(const Entry& e, TimePoint now) const {
  return now >= std::max(e.last_failure, e.locked_until) + opts_.backoff_max;
}

milliseconds LoginThrottle::locked_for(std::initializer_list<LoginKey> keys) {
  const TimePoint now = clock_();
  milliseconds longest(0);
  for (const LoginKey& key : keys) {
    Shard& s = shard_of(key);
    std::lock_guard lock(s.mu);
    auto it = s.entries.find(std::string(key.value));
    if (it == s.entries.end()) continue;
    if (forgotten(it->second, now)) {
      s.entries.erase(it);
      continue;
    }
    if (it->second.locked_until > now)
      longest = std::max(longest, std::chrono::ceil<milliseconds>(it->second.locked_until - now));
  }
  return longest;
}

void LoginThrottle::failed(std::initializer_list<LoginKey> keys) {
  const TimePoint now = clock_();
  for (const LoginKey& key : keys) {
    Shard& s = shard_of(key);
    std::lock_guard lock(s.mu);
    std::string k(key.value);
    auto it = s.entries.find(k);
    if (it == s.entries.end()) {
      if (s.entries.size() >= per_shard_) evict(s, now);
      it = s.entries.emplace(std::move(k), Entry{}).first;
    } else if (forgotten(it->second, now)) {
      it->second = Entry{};
    }
    Entry& e = it->second;
    ++e.failures;
    e.last_failure = now;
    const milliseconds wait =
        lock_after(e.failures, free_attempts(key.kind), opts_.backoff_base, opts_.backoff_max);
    if (wait.count() > 0) e.locked_until = now + wait;
  }
}

void LoginThrottle::succeeded(std::initializer_list<LoginKey> keys) {
  for (const LoginKey& key : keys) {
    Shard& s = shard_of(key);
    std::lock_guard lock(s.mu);
    s.entries.erase(std::string(key.value));
  }
}

void LoginThrottle::evict(Shard& s, TimePoint now) const {
  std::erase_if(s.entries, [&](const auto& kv) { return forgotten(kv.second, now); });
  // Down to three quarters of the share, so that a flood of new keys sweeps once per many inserts.
  const std::size_t target = per_shard_ - std::max<std::size_t>(1, per_shard_ / 4);
  if (s.entries.size() <= target) return;
  using It = std::unordered_map<std::string, Entry>::iterator;
  std::vector<It> unlocked, locked;
  for (It it = s.entries.begin(); it != s.entries.end(); ++it)
    (it->second.locked_until > now ? locked : unlocked).push_back(it);
  auto drop = [&](std::vector<It>& candidates, auto earlier) {
    const std::size_t n = std::min(candidates.size(), s.entries.size() - target);
    if (n == 0) return;
    std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(n - 1),
                     candidates.end(), earlier);
    for (std::size_t i = 0; i < n; ++i) s.entries.erase(candidates[i]);
  };
  drop(unlocked, [](It a, It b) { return a->second.last_failure < b->second.last_failure; });
  if (s.entries.size() > target)
    drop(locked, [](It a, It b) { return a->second.locked_until < b->second.locked_until; });
}

std::size_t LoginThrottle::tracked(LoginKeyKind kind) {
  std::size_t n = 0;
  for (Shard& s : kinds_[static_cast<std::size_t>(kind)]) {
    std::lock_guard lock(s.mu);
    n += s.entries.size();
  }
  return n;
}

std::string LoginThrottle::user_key(std::string_view username) {
  return common::to_lower(std::string(username));
}

std::string LoginThrottle::address_key(std::string_view remote_address) {
  const auto ip = domain::parse_ip(remote_address);
  if (!ip) return std::string(remote_address);
  const bool v4 =
      std::all_of(ip->begin(), ip->begin() + 10, [](std::uint8_t b) { return b == 0; }) &&
      (*ip)[10] == 0xff && (*ip)[11] == 0xff;
  if (v4) return fmt::format("{}.{}.{}.{}", (*ip)[12], (*ip)[13], (*ip)[14], (*ip)[15]);
  std::string out;
  for (int i = 0; i < 8; i += 2) out += fmt::format("{:02x}{:02x}:", (*ip)[i], (*ip)[i + 1]);
  return out + ":/64";
}

}  // namespace archway::identity
