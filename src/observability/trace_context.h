#pragma once
// W3C Trace Context (traceparent): parsing an incoming header, making ids and writing the header
// the backend gets. No allocation: ids are fixed arrays, the header is written into a fixed buffer.
#include <array>
#include <cstdint>
#include <string_view>

namespace archway::observability {

using TraceId = std::array<std::uint8_t, 16>;
using SpanId = std::array<std::uint8_t, 8>;

struct TraceContext {
  TraceId trace_id{};
  SpanId parent_id{};     // the caller's span (zero when this gateway started the trace)
  std::uint8_t flags = 0;  // bit 0: sampled
  bool sampled() const { return (flags & 1) != 0; }
};

// Parses a traceparent value: version 00 exactly as the spec writes it (lowercase hex, 55
// characters), a version above 00 by its first fields; version ff, uppercase hex, all-zero ids and
// any other deviation are invalid (nullopt-like: false).
bool parse_traceparent(std::string_view value, TraceContext& out);

// Random non-zero ids from a per-thread generator (not for secrets).
TraceId new_trace_id();
SpanId new_span_id();

inline constexpr std::size_t kTraceparentSize = 55;
// "00-<trace id>-<span id>-<flags>" into `out`.
void write_traceparent(std::array<char, kTraceparentSize>& out, const TraceId& trace, const SpanId& span,
                       std::uint8_t flags);

// Lowercase hex of an id into `out` (2 characters a byte).
void to_hex(const std::uint8_t* bytes, std::size_t n, char* out);

}  // namespace archway::observability
