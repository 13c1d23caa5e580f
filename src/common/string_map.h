#pragma once
// Hash maps keyed by std::string that can be searched with a std::string_view without building
// a string (heterogeneous lookup), for hot paths.
#include <cstdint>
#include <functional>
#include <random>
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
// step, then a byte loop for the tail) on 30-120 byte keys. A fold is zero when either of its
// words is, so a key could wipe what came before it if its words were known: the constants its
// words are mixed with are drawn at random when the process starts, so colliding keys cannot be
// computed ahead (a rate-limit counter key holds caller-chosen parts); iteration order therefore
// differs between runs, as nothing that uses these maps depends on.
struct FastStringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return hash(s.data(), s.size()); }

  static std::uint64_t hash(const char* p, std::size_t len) noexcept {
    const Secrets& k = secrets();
    std::uint64_t h = k.seed ^ (len * 0x9e3779b97f4a7c15ull);
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
      for (; n > 16; n -= 16, p += 16) h = fold(load_u64(p) ^ k.k1, load_u64(p + 8) ^ h);
      a = load_u64(p + n - 16);  // the last sixteen bytes, overlapping what the loop took
      b = load_u64(p + n - 8);
    }
    return fold(k.k1 ^ len, fold(a ^ k.k1, b ^ h ^ k.k2));
  }

 private:
  struct Secrets {
    std::uint64_t seed, k1, k2;
  };
  // Drawn once, on first use (a function-local static: no map hashes before they are set).
  static const Secrets& secrets() noexcept {
    static const Secrets s = [] {
      std::random_device rd;
      std::uint64_t x = (std::uint64_t{rd()} << 32) ^ rd();
      const auto next = [&x] {  // splitmix64: well-spread words from one random seed
        std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
      };
      Secrets r{next(), next(), next()};
      r.k1 |= 1;  // never zero
      r.k2 |= 1;
      return r;
    }();
    return s;
  }
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
