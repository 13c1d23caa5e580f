#pragma once
// Hash maps keyed by std::string that can be searched with a std::string_view without building
// a string (heterogeneous lookup), for hot paths.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/bytes.h"

namespace archway::common {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
// A hash for the short keys of the gateway's per-request lookups (ids, token ids, rate-limit
// counter keys): sixteen bytes a step, each pair of words folded with a 64x64->128-bit multiply,
// keys up to 16 bytes in two loads: a fraction of std::hash's cost (MurmurHash2, eight bytes a
// step, then a byte loop for the tail) on 30-120 byte keys. Like std::hash it has a fixed seed, so
// it does not make crafted collisions harder than before: the maps that use it are bounded (the
// counter table evicts past its size) or hold what the gateway built from its configuration.
struct FastStringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return hash(s.data(), s.size()); }

  static std::uint64_t hash(const char* p, std::size_t len) noexcept {
    constexpr std::uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull,
                            k2 = 0x8ebc6af09c88c6e3ull;
    std::uint64_t h = k0 ^ (len * 0x9e3779b97f4a7c15ull);
    std::uint64_t a = 0, b = 0;
    if (len <= 16) {
      if (len >= 8) {
        a = load_u64(p);
        b = load_u64(p + len - 8);
      } else if (len >= 4) {
        a = load_u32(p);
        b = load_u32(p + len - 4);
      } else if (len > 0) {
        a = (std::uint64_t{static_cast<unsigned char>(p[0])} << 16) |
            (std::uint64_t{static_cast<unsigned char>(p[len >> 1])} << 8) |
            static_cast<unsigned char>(p[len - 1]);
      }
    } else {
      std::size_t n = len;
      for (; n > 16; n -= 16, p += 16) h = fold(load_u64(p) ^ k1, load_u64(p + 8) ^ h);
      a = load_u64(p + n - 16);  // the last sixteen bytes, overlapping what the loop took
      b = load_u64(p + n - 8);
    }
    return fold(k1 ^ len, fold(a ^ k1, b ^ h ^ k2));
  }

 private:
  __extension__ typedef unsigned __int128 U128;  // GCC and Clang on 64-bit targets
  static std::uint64_t fold(std::uint64_t x, std::uint64_t y) noexcept {
    const U128 r = static_cast<U128>(x) * y;
    return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
  }
};

template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;
template <class V>
using FastStringMap = std::unordered_map<std::string, V, FastStringHash, std::equal_to<>>;

}  // namespace archway::common
