#pragma once
// Response cache of the gateway process: whole GET/HEAD 200 responses of operations with response
// caching on, shared by every worker, bounded in bytes with LRU eviction and a TTL per entry.
// Keys are spread over shards, each with its own lock and its own share of the byte budget, so
// workers looking up different keys rarely meet and no lock covers the whole cache.
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/string_map.h"

namespace archway::gateway {

struct CachedResponse {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // as sent, without framing and CORS headers
  std::string body;
  std::uint64_t content_length = 0;  // the body's size (for HEAD entries: the size GET would send)
  std::int64_t expires_ms = 0;  // steady clock
  std::size_t bytes() const;
};

class ResponseCache {
 public:
  static constexpr std::size_t kShards = 16;
  explicit ResponseCache(std::size_t max_bytes);

  // The fresh entry for `key`, or null (an expired one is dropped on the way).
  std::shared_ptr<const CachedResponse> find(std::string_view key, std::int64_t now_ms);
  // Stores (or replaces) `key`; evicts the least recently used entries of its shard to make room.
  // An entry larger than a shard's budget is not stored; returns whether it was.
  bool insert(std::string key, std::shared_ptr<const CachedResponse> value);

  std::size_t max_entry_bytes() const { return shard_budget_; }
  std::size_t bytes() const;    // held now, all shards
  std::size_t entries() const;  // held now, all shards

 private:
  struct Shard {
    mutable std::mutex mu;
    using Lru = std::list<std::pair<std::string, std::shared_ptr<const CachedResponse>>>;
    Lru lru;  // most recently used first
    std::unordered_map<std::string_view, Lru::iterator, common::StringHash, std::equal_to<>> index;  // views of lru keys
    std::size_t bytes = 0;
    void erase(Lru::iterator it);
  };
  Shard& shard_for(std::string_view key);

  std::size_t shard_budget_;
  std::vector<Shard> shards_;
};

// What Cache-Control (and Pragma) allow, parsed from header values.
struct CacheDirectives {
  bool no_store = false;
  bool no_cache = false;
  bool is_private = false;
  std::int64_t max_age_s = -1;  // s-maxage if given, else max-age; -1: none
};
CacheDirectives parse_cache_control(std::string_view cache_control, std::string_view pragma = {});

}  // namespace archway::gateway
