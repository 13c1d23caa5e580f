// The per-worker cache of verified tokens is bounded: a flood of distinct tokens never grows it
// past its bound (every distinct bearer string a client sends is a key).
#include <gtest/gtest.h>

#include <string>

#include "gateway/token_authenticator.h"

using archway::gateway::TokenCache;

TEST(TokenCacheBound, AFloodOfDistinctTokensKeepsTheCacheAtItsBound) {
  TokenCache cache;
  std::size_t largest = 0;
  for (int i = 0; i < 50'000; ++i) {
    TokenCache::Entry e;
    e.subject = "user" + std::to_string(i);
    cache.put("token-" + std::to_string(i), std::move(e));
    largest = std::max(largest, cache.size());
  }
  EXPECT_LE(largest, TokenCache::kMaxEntries);
  ASSERT_NE(cache.find("token-49999"), nullptr);
  EXPECT_EQ(cache.find("token-49999")->subject, "user49999");
}
