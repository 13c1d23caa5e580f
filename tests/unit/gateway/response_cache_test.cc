// The gateway's response cache: TTL, LRU eviction within a shard's share of the budget, the
// byte bound, and the Cache-Control directives it honours.
#include "gateway/response_cache.h"

#include <gtest/gtest.h>

#include <map>

namespace archway::gateway {
namespace {

std::shared_ptr<const CachedResponse> entry(std::string body, std::int64_t expires_ms) {
  auto e = std::make_shared<CachedResponse>();
  e->body = std::move(body);
  e->content_length = e->body.size();
  e->expires_ms = expires_ms;
  e->headers = {{"Content-Type", "text/plain"}};
  return e;
}

// Keys that land in the same shard, so they compete for its share of the budget.
std::vector<std::string> same_shard_keys(std::size_t n) {
  std::map<std::size_t, std::vector<std::string>> by_shard;
  for (int i = 0;; ++i) {
    std::string k = "GET /k" + std::to_string(i);
    auto& v = by_shard[common::StringHash{}(k) % ResponseCache::kShards];
    v.push_back(std::move(k));
    if (v.size() == n) return v;
  }
}

TEST(ResponseCache, FindsFreshEntriesAndDropsExpiredOnes) {
  ResponseCache cache(1 << 20);
  EXPECT_TRUE(cache.insert("GET /a", entry("hello", 1000)));
  auto hit = cache.find("GET /a", 999);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->body, "hello");
  EXPECT_FALSE(cache.find("GET /b", 0));
  EXPECT_FALSE(cache.find("GET /a", 1000));
  EXPECT_EQ(cache.entries(), 0u);  // the expired entry is gone, not just hidden
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(ResponseCache, EvictsTheLeastRecentlyUsedEntryOfAFullShard) {
  const std::string body(1000, 'x');
  const std::size_t one = entry(body, 0)->bytes() + 16;  // with its key
  ResponseCache cache((3 * one + one / 2) * ResponseCache::kShards);  // three entries per shard
  auto keys = same_shard_keys(4);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(cache.insert(keys[i], entry(body, 100)));
  ASSERT_TRUE(cache.find(keys[0], 0));  // keys[0] is now the most recently used
  ASSERT_TRUE(cache.insert(keys[3], entry(body, 100)));
  EXPECT_TRUE(cache.find(keys[0], 0));
  EXPECT_FALSE(cache.find(keys[1], 0));  // the least recently used went
  EXPECT_TRUE(cache.find(keys[2], 0));
  EXPECT_TRUE(cache.find(keys[3], 0));
}

TEST(ResponseCache, StaysWithinItsByteBudgetAndRefusesEntriesLargerThanAShard) {
  const std::size_t budget = 64 * 1024;
  ResponseCache cache(budget);
  EXPECT_FALSE(cache.insert("GET /huge", entry(std::string(budget / ResponseCache::kShards, 'h'), 100)));
  for (int i = 0; i < 2000; ++i) cache.insert("GET /item/" + std::to_string(i), entry(std::string(100 + i % 900, 'b'), 100));
  EXPECT_LE(cache.bytes(), budget);
  EXPECT_GT(cache.entries(), 0u);
}

TEST(ResponseCache, ReplacingAKeyKeepsOneEntry) {
  ResponseCache cache(1 << 20);
  cache.insert("GET /a", entry("one", 100));
  cache.insert("GET /a", entry("two", 100));
  EXPECT_EQ(cache.entries(), 1u);
  EXPECT_EQ(cache.find("GET /a", 0)->body, "two");
}

TEST(CacheControl, DirectivesAreParsedCaseInsensitivelyWithAges) {
  auto d = parse_cache_control("No-Store, max-age=60");
  EXPECT_TRUE(d.no_store);
  EXPECT_EQ(d.max_age_s, 60);
  d = parse_cache_control("public, max-age=60, s-maxage=\"5\"");
  EXPECT_FALSE(d.no_store || d.no_cache || d.is_private);
  EXPECT_EQ(d.max_age_s, 5);
  EXPECT_TRUE(parse_cache_control("private").is_private);
  EXPECT_TRUE(parse_cache_control("no-cache=\"Set-Cookie\"").no_cache);
  EXPECT_TRUE(parse_cache_control("", "no-cache").no_cache);
  EXPECT_EQ(parse_cache_control("max-age=soon").max_age_s, 0);  // malformed: stale
  EXPECT_EQ(parse_cache_control("").max_age_s, -1);
}

}  // namespace
}  // namespace archway::gateway
