#include "traffic/counters.h"

#include <algorithm>

namespace archway::traffic {

CounterTable::CounterTable(std::size_t shards) {
  shards_.reserve(std::max<std::size_t>(shards, 1));
  for (std::size_t i = 0; i < std::max<std::size_t>(shards, 1); ++i) shards_.push_back(std::make_unique<Shard>());
}

void CounterTable::set_max_keys(std::size_t max_keys) {
  shard_cap_ = std::max<std::size_t>(1, (max_keys + shards_.size() - 1) / shards_.size());
}

void CounterTable::make_room(Shard& s, std::int64_t now_ms) {
  // Look at a bounded number of entries: an ended window (nothing in flight to Redis) goes
  // first; otherwise the one whose window ends soonest, whose count matters the shortest time.
  constexpr int kLook = 32;
  auto victim = s.map.end();
  int looked = 0;
  for (auto it = s.map.begin(); it != s.map.end() && looked < kLook; ++it, ++looked) {
    const Entry& e = it->second;
    if (now_ms >= e.window_end && e.in_flight == 0) {  // as sweep() drops it
      s.map.erase(it);
      return;
    }
    if (victim == s.map.end() || e.window_end < victim->second.window_end) victim = it;
  }
  if (victim != s.map.end()) {
    s.map.erase(victim);
    evicted_.fetch_add(1, std::memory_order_relaxed);
  }
}

CounterTable::Shard& CounterTable::shard(std::string_view key) {
  return *shards_[common::FastStringHash{}(key) % shards_.size()];
}

CounterTable::Entry& CounterTable::entry(Shard& s, std::string_view key, std::int64_t period_ms,
                                         std::int64_t now_ms) {
  auto it = s.map.find(key);
  if (it == s.map.end()) {
    if (s.map.size() >= shard_cap_) make_room(s, now_ms);
    it = s.map.emplace(std::string(key), Entry{}).first;
  }
  Entry& e = it->second;
  if (now_ms >= e.window_end || e.period_ms != period_ms) {
    // A new window (or the policy's period changed): start counting afresh.
    const std::uint64_t epoch = e.epoch + 1;
    e = Entry{};
    e.epoch = epoch;
    e.window_end = now_ms + period_ms;
    e.period_ms = period_ms;
  }
  return e;
}

// What the window holds before this request, and whether the request fits this node's share.
std::int64_t CounterTable::counted(const Entry& e, std::int64_t limit, std::int64_t cost, bool* within_share) const {
  *within_share = true;
  if (!cluster_.load(std::memory_order_relaxed)) return e.used;
  const std::int64_t since = e.in_flight + e.unsynced;
  const std::int64_t n = std::max(1, gateways_.load(std::memory_order_relaxed));
  const std::int64_t left = limit - e.global - (n - 1) * e.last_delta;
  const std::int64_t share = std::max<std::int64_t>(1, (left + n - 1) / n);
  *within_share = since + cost <= share;
  return e.global + since;
}

Verdict CounterTable::take(std::string_view key, std::int64_t limit, std::int64_t period_ms, std::int64_t cost,
                           std::int64_t now_ms, bool enforce) {
  Shard& s = shard(key);
  std::lock_guard lock(s.mu);
  Entry& e = entry(s, key, period_ms, now_ms);
  bool share_ok = true;
  const std::int64_t before = counted(e, limit, cost, &share_ok);
  Verdict v;
  v.limit = limit;
  v.reset_ms = e.window_end - now_ms;
  v.allowed = before + cost <= limit && share_ok;
  if (v.allowed || !enforce) {
    e.used += cost;
    e.unsynced += cost;
    v.remaining = std::max<std::int64_t>(0, limit - before - cost);
  } else {
    e.wanted = true;
    v.remaining = std::max<std::int64_t>(0, limit - before);
  }
  return v;
}

Verdict CounterTable::peek(std::string_view key, std::int64_t limit, std::int64_t period_ms, std::int64_t now_ms) {
  Shard& s = shard(key);
  std::lock_guard lock(s.mu);
  Entry& e = entry(s, key, period_ms, now_ms);
  bool share_ok = true;
  const std::int64_t before = counted(e, limit, 0, &share_ok);
  Verdict v;
  v.limit = limit;
  v.reset_ms = e.window_end - now_ms;
  v.allowed = before < limit;
  if (!v.allowed) e.wanted = true;
  v.remaining = std::max<std::int64_t>(0, limit - before);
  return v;
}

void CounterTable::add(std::string_view key, std::int64_t amount, std::int64_t period_ms, std::int64_t now_ms) {
  Shard& s = shard(key);
  std::lock_guard lock(s.mu);
  Entry& e = entry(s, key, period_ms, now_ms);
  e.used = std::max<std::int64_t>(0, e.used + amount);
  e.unsynced += amount;
}

void CounterTable::reset(std::string_view key) {
  Shard& s = shard(key);
  std::lock_guard lock(s.mu);
  auto it = s.map.find(key);
  if (it == s.map.end()) return;
  const std::uint64_t epoch = it->second.epoch + 1;
  it->second = Entry{};
  it->second.epoch = epoch;  // window_end 0: ended
}

std::size_t CounterTable::sweep(std::int64_t now_ms) {
  std::size_t removed = 0;
  for (auto& sp : shards_) {
    std::lock_guard lock(sp->mu);
    for (auto it = sp->map.begin(); it != sp->map.end();) {
      const Entry& e = it->second;
      if (now_ms >= e.window_end && e.in_flight == 0) {
        it = sp->map.erase(it);
        ++removed;
      } else {
        ++it;
      }
    }
  }
  return removed;
}

std::size_t CounterTable::size() const {
  std::size_t n = 0;
  for (const auto& sp : shards_) {
    std::lock_guard lock(sp->mu);
    n += sp->map.size();
  }
  return n;
}

void CounterTable::set_cluster(bool on, int gateways) {
  gateways_.store(std::max(1, gateways), std::memory_order_relaxed);
  cluster_.store(on, std::memory_order_relaxed);
}

std::vector<CounterTable::Pending> CounterTable::collect(std::int64_t now_ms) {
  std::vector<Pending> out;
  for (auto& sp : shards_) {
    std::lock_guard lock(sp->mu);
    for (auto& [key, e] : sp->map) {
      if (now_ms >= e.window_end || e.in_flight != 0) continue;
      if (e.unsynced == 0 && !e.wanted) continue;
      out.push_back(Pending{key, e.unsynced, e.period_ms, e.epoch});
      e.in_flight = e.unsynced;
      e.unsynced = 0;
      e.wanted = false;
    }
  }
  return out;
}

void CounterTable::apply(const Pending& p, std::int64_t total, std::int64_t ttl_ms, std::int64_t now_ms) {
  Shard& s = shard(p.key);
  std::lock_guard lock(s.mu);
  auto it = s.map.find(p.key);
  if (it == s.map.end() || it->second.epoch != p.epoch) return;  // that window is gone
  Entry& e = it->second;
  e.global = total;
  e.in_flight = 0;
  e.last_delta = p.delta;
  // Adopt the shared window so that every gateway resets together.
  if (ttl_ms > 0) e.window_end = now_ms + ttl_ms;
}

void CounterTable::restore(const Pending& p) {
  Shard& s = shard(p.key);
  std::lock_guard lock(s.mu);
  auto it = s.map.find(p.key);
  if (it == s.map.end() || it->second.epoch != p.epoch) return;
  it->second.unsynced += it->second.in_flight;
  it->second.in_flight = 0;
}

}  // namespace archway::traffic
