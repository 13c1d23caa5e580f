#pragma once
// Character classes of RFC 9110/9112 as 256-entry tables, shared by the head parser, the chunked
// decoder and the field table.
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace archway::http::h1::internal {

enum CharClass : std::uint8_t {
  kTokenChar = 1,   // tchar (RFC 9110 section 5.6.2)
  kValueChar = 2,   // field-vchar, SP or HTAB: everything but CTLs (other than HTAB) and DEL
  kTargetChar = 4,  // what a request-target may hold: visible ASCII and obs-text, no SP
  kHexChar = 8,
  kQdChar = 16,  // qdtext: HTAB, SP, visible ASCII but '"' and '\', obs-text
};

inline constexpr std::array<std::uint8_t, 256> kCharClass = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    std::uint8_t v = 0;
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alnum ||
        std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos)
      v |= kTokenChar;
    if (c == '\t' || (c >= 0x20 && c != 0x7f)) v |= kValueChar;
    if ((c > 0x20 && c < 0x7f) || c >= 0x80) v |= kTargetChar;
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) v |= kHexChar;
    if (c == '\t' || c == ' ' || (c > 0x20 && c < 0x7f && c != '"' && c != '\\') || c >= 0x80)
      v |= kQdChar;
    t[static_cast<std::size_t>(c)] = v;
  }
  return t;
}();

// Skips eight bytes at a time while none of them is below `limit` (0x20: a CTL; 0x21: also SP) or
// DEL; the caller's per-byte loop judges the rest exactly. The word tests are the classic "has a
// byte less than n" and "has a zero byte" bit tricks, exact as yes/no answers for n <= 128.
template <std::uint64_t Limit>
inline const char* skip_printable(const char* p, const char* end) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    const std::uint64_t below = (w - kOnes * Limit) & ~w & kHigh;
    const std::uint64_t x = w ^ (kOnes * 0x7f);
    const std::uint64_t del = (x - kOnes) & ~x & kHigh;
    if ((below | del) != 0) break;
    p += 8;
  }
  return p;
}

inline bool is(char c, CharClass k) { return (kCharClass[static_cast<unsigned char>(c)] & k) != 0; }
inline bool is_ows(char c) { return c == ' ' || c == '\t'; }

#if defined(__x86_64__) && defined(__GNUC__) && defined(__SSE2__)
#define ARCHWAY_H1_AVX2 1
// Whether this machine has AVX2 (read once at start-up; false until then), and the value scan
// thirty-two bytes a step with it (parser.cc), for what is left of a long value (bearer tokens,
// cookies).
extern const bool kHaveAvx2;
const char* find_value_end_avx2(const char* p, const char* end) noexcept;
#endif

#if defined(__SSE2__)
// The bytes of p[0..15] a field value may not hold (a CTL other than HTAB, or DEL), as a bit mask.
inline unsigned forbidden_in_16(const char* p) {
  const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(w, _mm_set1_epi8(0x1f)), w);  // bytes 0x00-0x1f
  const __m128i bad = _mm_or_si128(_mm_andnot_si128(_mm_cmpeq_epi8(w, _mm_set1_epi8('\t')), ctl),
                                   _mm_cmpeq_epi8(w, _mm_set1_epi8(0x7f)));
  return static_cast<unsigned>(_mm_movemask_epi8(bad));
}
#endif

// find_value_end without the AVX2 path: sixteen bytes a step where SSE2 is there (every x86-64),
// the position from the mask, so no byte is looked at twice; the rest, and other machines, take
// the word-then-byte path.
inline const char* find_value_end_narrow(const char* p, const char* end) {
#if defined(__SSE2__)
  for (; end - p >= 16; p += 16)
    if (const unsigned mask = forbidden_in_16(p); mask != 0) return p + __builtin_ctz(mask);
#endif
  p = skip_printable<0x20>(p, end);
  while (p < end && is(*p, kValueChar)) ++p;
  return p;
}

// The first byte from `p` that a field value may not hold (a CTL other than HTAB, or DEL), or
// `end`. `end` is the end of the bytes read, not of the value: most values end within their first
// 64 bytes, which are scanned in line; only a value still going on past them goes on with AVX2.
inline const char* find_value_end(const char* p, const char* end) {
#if defined(ARCHWAY_H1_AVX2)
  if (end - p >= 128 && kHaveAvx2) {
    for (int i = 0; i < 4; ++i, p += 16)
      if (const unsigned mask = forbidden_in_16(p); mask != 0) return p + __builtin_ctz(mask);
    return find_value_end_avx2(p, end);
  }
#endif
  return find_value_end_narrow(p, end);
}

inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

inline bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (!is(c, kTokenChar)) return false;
  return true;
}

// A field value a writer may emit: field-vchar, SP and HTAB only (no CR, LF or NUL).
inline bool is_field_value(std::string_view s) {
  const char* const end = s.data() + s.size();
  return find_value_end(s.data(), end) == end;
}

inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace archway::http::h1::internal
