// The gateway's fast string hash (common/string_map.h): equal keys hash equal wherever their bytes
// sit, and keys that differ anywhere (every length a lookup meets, one byte changed at each
// position) spread over the buckets of a map.
#include "common/string_map.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace archway::common {
namespace {

TEST(FastStringHash, EqualKeysHashEqualFromAnyAddress) {
  std::string buffer(300, '\0');
  for (std::size_t len = 0; len <= 200; ++len) {
    std::string key;
    for (std::size_t i = 0; i < len; ++i) key += static_cast<char>('a' + (i * 7 + len) % 26);
    const std::size_t want = FastStringHash{}(key);
    for (std::size_t offset = 1; offset < 9; ++offset) {
      key.copy(buffer.data() + offset, len);
      ASSERT_EQ(FastStringHash{}(std::string_view(buffer.data() + offset, len)), want) << len;
    }
  }
}

TEST(FastStringHash, KeysDifferingInOneByteAnywhereGetDifferentHashesAndSpreadOverBuckets) {
  std::unordered_set<std::size_t> hashes;
  std::unordered_set<std::size_t> low_bits;
  std::size_t keys = 0;
  for (std::size_t len = 1; len <= 130; ++len) {
    const std::string base(len, 'k');
    for (std::size_t at = 0; at < len; ++at)
      for (const char c : {'\0', 'a', 'K', 'l', '\xff'}) {
        std::string key = base;
        key[at] = c;
        hashes.insert(FastStringHash{}(key));
        low_bits.insert(FastStringHash{}(key)&0xffff);
        ++keys;
      }
    hashes.insert(FastStringHash{}(base));
    ++keys;
  }
  hashes.insert(FastStringHash{}(std::string_view()));
  ++keys;
  EXPECT_EQ(hashes.size(), keys);  // no two of these 42,706 keys collide in 64 bits
  // Their low 16 bits take as many of the 65,536 values as random numbers would (about 31,400).
  EXPECT_GT(low_bits.size(), 30000u);
}

}  // namespace
}  // namespace archway::common
