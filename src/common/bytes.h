#pragma once
// Unaligned loads of machine words from byte strings, for the word-at-a-time compares and hashes
// of the request path (memcpy compiles to one load).
#include <cstdint>
#include <cstring>

namespace archway::common {

inline std::uint64_t load_u64(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

inline std::uint32_t load_u32(const char* p) noexcept {
  std::uint32_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

}  // namespace archway::common
