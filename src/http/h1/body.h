#pragma once
// Message bodies of HTTP/1.1 (RFC 9112 section 6 and 7.1) read in place: the chunked decoder and
// the Content-Length tracker hand back views of the caller's input, never copies. Input a step did
// not consume (an incomplete chunk-size line, CRLF or trailer section) must be presented again,
// followed by more bytes; lines are bounded, so the read buffer never keeps more than that.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/h1/parser.h"

namespace archway::http::h1 {

struct ChunkedLimits {
  std::size_t max_line_bytes = 4096;          // a chunk-size line, extensions and CRLF included
  std::size_t max_trailer_bytes = 16 * 1024;  // the trailer section and its blank line
  std::uint64_t max_body_bytes = UINT64_MAX;  // the decoded body; over: kBodyTooLarge (413)
};

enum class BodyStatus : std::uint8_t {
  kData,      // `data` holds the next body bytes; call again with the input after `consumed`
  kNeedMore,  // everything usable was consumed; present the rest with more input
  kDone,      // the body ended; the next message starts after `consumed`
  kError,
};

struct BodyStep {
  BodyStatus status = BodyStatus::kNeedMore;
  std::size_t consumed = 0;   // input bytes this step used up (framing and data)
  std::string_view data;      // kData: a view into the input
  std::string_view trailers;  // kDone of a chunked body: the trailer field lines, CRLFs included
  ParseError error = ParseError::kNone;
};

// Decodes the chunked transfer coding incrementally. Strict: a chunk size is 1*HEXDIG that fits 64
// bits, extensions follow RFC 9112 section 7.1.1 (bounded by max_line_bytes), chunk data ends in
// CRLF, trailer fields are well-formed, bounded, and never name Content-Length, Transfer-Encoding,
// Host or Connection.
class ChunkedDecoder {
 public:
  explicit ChunkedDecoder(const ChunkedLimits& limits = {}) : limits_(limits) {}

  // Starts a new body with the same limits.
  void reset() noexcept;
  BodyStep next(std::string_view in) noexcept;
  std::uint64_t body_bytes() const noexcept { return total_; }  // decoded so far
  bool done() const noexcept { return state_ == State::kDone; }

 private:
  enum class State : std::uint8_t { kSizeLine, kData, kDataEnd, kTrailers, kDone, kError };
  BodyStep fail(ParseError e, std::size_t consumed) noexcept;

  ChunkedLimits limits_;
  State state_ = State::kSizeLine;
  std::uint64_t remaining_ = 0;  // of the current chunk's data
  std::uint64_t total_ = 0;
  ParseError error_ = ParseError::kNone;
};

// Counts a Content-Length body off the input: data views until `length` bytes have passed.
class LengthBody {
 public:
  explicit LengthBody(std::uint64_t length = 0) noexcept : remaining_(length) {}
  void reset(std::uint64_t length) noexcept { remaining_ = length; }
  BodyStep next(std::string_view in) noexcept;
  std::uint64_t remaining() const noexcept { return remaining_; }
  bool done() const noexcept { return remaining_ == 0; }

 private:
  std::uint64_t remaining_;
};

}  // namespace archway::http::h1
