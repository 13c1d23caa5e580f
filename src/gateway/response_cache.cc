#include "gateway/response_cache.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace archway::gateway {

namespace {

constexpr std::size_t kEntryOverhead = 160;  // list node, index slot, control block, bookkeeping

std::size_t entry_bytes(const std::string& key, const CachedResponse& r) { return key.size() + r.bytes(); }

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::size_t CachedResponse::bytes() const {
  std::size_t n = sizeof(CachedResponse) + body.size() + kEntryOverhead;
  for (const auto& [k, v] : headers) n += k.size() + v.size() + 2 * sizeof(std::string);
  return n;
}

ResponseCache::ResponseCache(std::size_t max_bytes) : shard_budget_(max_bytes / kShards), shards_(kShards) {}

ResponseCache::Shard& ResponseCache::shard_for(std::string_view key) {
  return shards_[common::StringHash{}(key) % kShards];
}

void ResponseCache::Shard::erase(Lru::iterator it) {
  bytes -= entry_bytes(it->first, *it->second);
  index.erase(std::string_view(it->first));
  lru.erase(it);
}

std::shared_ptr<const CachedResponse> ResponseCache::find(std::string_view key, std::int64_t now_ms) {
  Shard& s = shard_for(key);
  std::lock_guard lock(s.mu);
  auto it = s.index.find(key);
  if (it == s.index.end()) return nullptr;
  if (it->second->second->expires_ms <= now_ms) {
    s.erase(it->second);
    return nullptr;
  }
  s.lru.splice(s.lru.begin(), s.lru, it->second);
  return it->second->second;
}

bool ResponseCache::insert(std::string key, std::shared_ptr<const CachedResponse> value) {
  const std::size_t need = entry_bytes(key, *value);
  if (need > shard_budget_) return false;
  Shard& s = shard_for(key);
  std::lock_guard lock(s.mu);
  if (auto it = s.index.find(std::string_view(key)); it != s.index.end()) s.erase(it->second);
  while (s.bytes + need > shard_budget_ && !s.lru.empty()) s.erase(std::prev(s.lru.end()));
  s.lru.emplace_front(std::move(key), std::move(value));
  s.index.emplace(std::string_view(s.lru.front().first), s.lru.begin());
  s.bytes += need;
  return true;
}

std::size_t ResponseCache::bytes() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.bytes;
  }
  return n;
}

std::size_t ResponseCache::entries() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.lru.size();
  }
  return n;
}

CacheDirectives parse_cache_control(std::string_view cache_control, std::string_view pragma) {
  CacheDirectives d;
  std::int64_t max_age = -1, s_maxage = -1;
  std::string_view rest = cache_control;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const std::size_t eq = item.find('=');
    const std::string_view name = trim(item.substr(0, eq));
    std::string_view value = eq == std::string_view::npos ? std::string_view() : trim(item.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    auto number = [&](std::int64_t& out) {
      std::int64_t v = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec == std::errc() && p == value.data() + value.size() && v >= 0) out = v;
      else out = 0;  // a malformed age is treated as stale (RFC 9111 §4.2.1)
    };
    if (iequal(name, "no-store")) d.no_store = true;
    else if (iequal(name, "no-cache")) d.no_cache = true;
    else if (iequal(name, "private")) d.is_private = true;
    else if (iequal(name, "max-age")) number(max_age);
    else if (iequal(name, "s-maxage")) number(s_maxage);
  }
  if (iequal(trim(pragma), "no-cache")) d.no_cache = true;
  d.max_age_s = s_maxage >= 0 ? s_maxage : max_age;
  return d;
}

}  // namespace archway::gateway
