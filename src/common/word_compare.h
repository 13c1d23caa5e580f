#pragma once
// Compares two byte strings of the same length a word at a time, the last word overlapping the one
// before it, with a caller's test of two words: the in-line compares of the request path (field
// names against the known ones, an analytics event's strings against the previous event's).
#include <cstddef>

#include "common/bytes.h"

namespace archway::common {

// `same(x, y)` judges two words from the same offset: std::uint64_t from 8 bytes up, std::uint32_t
// from 4 to 7, unsigned char below 4.
template <class Same>
bool words_match(const char* a, const char* b, std::size_t n, Same same) {
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8)
      if (!same(load_u64(a + i), load_u64(b + i))) return false;
    return same(load_u64(a + n - 8), load_u64(b + n - 8));
  }
  if (n >= 4)
    return same(load_u32(a), load_u32(b)) && same(load_u32(a + n - 4), load_u32(b + n - 4));
  for (std::size_t i = 0; i < n; ++i)
    if (!same(static_cast<unsigned char>(a[i]), static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace archway::common
