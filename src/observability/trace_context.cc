#include "observability/trace_context.h"

#include <array>
#include <cstring>
#include <random>

namespace archway::observability {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // uppercase is invalid in traceparent
}

template <std::size_t N>
bool parse_hex(std::string_view s, std::array<std::uint8_t, N>& out) {
  if (s.size() != 2 * N) return false;
  bool nonzero = false;
  for (std::size_t i = 0; i < N; ++i) {
    const int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    nonzero = nonzero || out[i] != 0;
  }
  return nonzero;
}

// splitmix64 over a per-thread seed: fast, good enough for ids, never a syscall after the seed.
std::uint64_t next_random() {
  thread_local std::uint64_t state = [] {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }();
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// `n` is a whole number of words (trace ids are 16 bytes, span ids 8).
void fill(std::uint8_t* p, std::size_t n) {
  for (;;) {
    std::uint64_t any = 0;  // an id of all zero bytes is invalid: draw again
    for (std::size_t i = 0; i + 8 <= n; i += 8) {
      const std::uint64_t r = next_random();
      std::memcpy(p + i, &r, 8);  // random bytes: their order in the word does not matter
      any |= r;
    }
    if (any != 0) return;
  }
}

// "00".."ff" for each byte value: one two-byte copy a byte.
constexpr std::array<char, 512> kHexPairs = [] {
  std::array<char, 512> t{};
  constexpr char kDigits[] = "0123456789abcdef";
  for (std::size_t b = 0; b < 256; ++b) {
    t[2 * b] = kDigits[b >> 4];
    t[2 * b + 1] = kDigits[b & 0xf];
  }
  return t;
}();

}  // namespace

bool parse_traceparent(std::string_view v, TraceContext& out) {
  if (v.size() < kTraceparentSize) return false;
  std::array<std::uint8_t, 1> version{};
  const int vh = hex_value(v[0]), vl = hex_value(v[1]);
  if (vh < 0 || vl < 0 || v[2] != '-') return false;
  version[0] = static_cast<std::uint8_t>(vh << 4 | vl);
  if (version[0] == 0xff) return false;
  // Version 00 is exactly 55 characters; a later version may append fields after a '-'.
  if (version[0] == 0 && v.size() != kTraceparentSize) return false;
  if (version[0] != 0 && v.size() > kTraceparentSize && v[kTraceparentSize] != '-') return false;
  if (v[35] != '-' || v[52] != '-') return false;
  TraceContext c;
  if (!parse_hex(v.substr(3, 32), c.trace_id)) return false;
  if (!parse_hex(v.substr(36, 16), c.parent_id)) return false;
  const int fh = hex_value(v[53]), fl = hex_value(v[54]);
  if (fh < 0 || fl < 0) return false;
  c.flags = static_cast<std::uint8_t>(fh << 4 | fl);
  out = c;
  return true;
}

static_assert(std::tuple_size_v<TraceId> % 8 == 0 && std::tuple_size_v<SpanId> % 8 == 0);

TraceId new_trace_id() {
  TraceId id;
  fill(id.data(), id.size());
  return id;
}

SpanId new_span_id() {
  SpanId id;
  fill(id.data(), id.size());
  return id;
}

void to_hex(const std::uint8_t* bytes, std::size_t n, char* out) {
  for (std::size_t i = 0; i < n; ++i) std::memcpy(out + 2 * i, &kHexPairs[2 * std::size_t{bytes[i]}], 2);
}

void write_traceparent(std::array<char, kTraceparentSize>& out, const TraceId& trace, const SpanId& span,
                       std::uint8_t flags) {
  out[0] = '0';
  out[1] = '0';
  out[2] = '-';
  to_hex(trace.data(), trace.size(), out.data() + 3);
  out[35] = '-';
  to_hex(span.data(), span.size(), out.data() + 36);
  out[52] = '-';
  to_hex(&flags, 1, out.data() + 53);
}

}  // namespace archway::observability
