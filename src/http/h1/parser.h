#pragma once
// HTTP/1.1 request and response heads (RFC 9112) parsed in place: the Head holds views into the
// caller's read buffer, so parsing copies nothing and allocates nothing, and a Head can be reused
// for every message of a connection. The parser is strict where two parsers could disagree about
// where a message ends (request smuggling); every refusal maps to an HTTP status and a short text.
//
// Decisions (each where it differs from Beast is in tests/unit/http/h1_differential_test.cc):
// - Lines end in CRLF only: a bare CR or a bare LF anywhere in a head is refused (as Beast does).
// - Requests take framing_problem's rules (request_checks.h) with its statuses: one Host in
//   HTTP/1.1, no Transfer-Encoding in HTTP/1.0 or with Content-Length, a final coding of exactly
//   "chunked" named once (400), other codings before it (501). Content-Length is 1*DIGIT that fits
//   64 bits, given once: repeats and lists ("5, 5") are refused even when equal (Beast merges
//   them).
// - obs-fold (a line starting with SP or HTAB, also right after the start line) is refused; Beast
//   unfolds it.
// - The request target is any run of visible characters and obs-text, in every form, as Beast
//   takes it.
// - A well-formed version other than HTTP/1.0 and 1.1 ("HTTP/2.0") is 505; a malformed one, 400.
// - A status code below 100 is refused; a reason phrase may be empty, the space before it may not.
// - Responses: Content-Length with Transfer-Encoding, repeated Content-Length, "chunked" twice and
//   Transfer-Encoding in HTTP/1.0 are errors (the gateway answers 502); a final coding other than
//   chunked reads until close (RFC 9112 section 6.3); 1xx, 204, 304 and answers to HEAD have no
//   body; 101 is reported as an upgrade.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "common/problem.h"
#include "http/h1/field_id.h"

namespace archway::http::h1 {

enum class Method : std::uint8_t {
  kOther,  // a valid token this enum does not name: Head::method_text has it
  kGet,
  kHead,
  kPost,
  kPut,
  kDelete,
  kConnect,
  kOptions,
  kTrace,
  kPatch,
};

struct Field {
  std::string_view name;   // as received (a token)
  std::string_view value;  // without leading and trailing whitespace
  FieldId id = FieldId::kOther;
};

enum class Framing : std::uint8_t {
  kNone,           // no body
  kContentLength,  // Head::content_length bytes
  kChunked,        // chunked transfer coding: feed the bytes after the head to a ChunkedDecoder
  kUntilClose,     // responses only: the body runs until the server closes the connection
};

enum class ParseError : std::uint8_t {
  kNone,
  kBadMethod,
  kMethodTooLong,
  kBadTarget,
  kTargetTooLong,
  kBadVersion,          // not "HTTP/" DIGIT "." DIGIT
  kUnsupportedVersion,  // a well-formed version other than 1.0 and 1.1
  kBadStatus,
  kBadReason,
  kBadLineEnding,  // a CR not followed by LF, or an LF without CR
  kBadFieldName,
  kSpaceBeforeColon,
  kBadFieldValue,
  kObsFold,
  kHeadTooLarge,
  kTooManyFields,
  kMissingHost,
  kMultipleHost,
  kBadContentLength,
  kMultipleContentLength,
  kContentLengthWithTransferEncoding,
  kTransferEncodingInHttp10,
  kBadTransferEncoding,  // the final coding is not exactly chunked, chunked twice, or no coding
  kUnsupportedTransferCoding,
  kBadConnection,  // Connection or Proxy-Connection is not a token list
  kBodyTooLarge,
  kBadChunkSize,
  kBadChunkExtension,
  kChunkLineTooLong,
  kMissingChunkCrlf,
  kBadTrailer,
  kForbiddenTrailer,  // Content-Length, Transfer-Encoding, Host or Connection in a trailer
  kTrailerTooLarge,
};

// The status to answer a client whose request failed with `e` (400, 413, 414, 431, 501, 505). A
// response from upstream that fails to parse is the gateway's 502, whatever `e` is.
int error_status(ParseError e) noexcept;
// A short human text for `e` ("Transfer-Encoding together with Content-Length").
std::string_view error_message(ParseError e) noexcept;
// The JSON problem for a request that failed with `e`; only the error path allocates.
common::Problem error_problem(ParseError e);

struct Limits {
  std::size_t max_head_bytes = 64 * 1024;     // start line + fields + the blank line; over: 431
  std::size_t max_fields = 100;               // over: 431 (clamped to Head::kMaxFields)
  std::size_t max_target_bytes = 8 * 1024;    // over: 414
  std::size_t max_method_bytes = 32;          // over: 501 (no method that long exists)
  std::uint64_t max_body_bytes = UINT64_MAX;  // a larger Content-Length: 413
};

// A parsed head. Views point into the buffer given to parse_request/parse_response and stay valid
// while those bytes do; nothing is owned, so reusing a Head never allocates. Its members mean
// something only after kDone.
struct Head {
  static constexpr std::size_t kMaxFields = 128;

  // Request line (requests only).
  Method method = Method::kOther;
  std::string_view method_text;
  std::string_view target;
  // Status line (responses only).
  int status = 0;
  std::string_view reason;

  int version = 11;  // 10 or 11

  std::array<Field, kMaxFields> field_table;
  std::size_t field_count = 0;

  // Derived from the fields.
  Framing framing = Framing::kNone;
  std::uint64_t content_length = 0;  // with Framing::kContentLength
  bool keep_alive = true;            // the connection may carry another message after this one
  bool expect_continue = false;      // Expect: 100-continue in an HTTP/1.1 request
  // Requests: Connection names "upgrade" and an Upgrade field is present; responses: 101.
  bool upgrade = false;
  std::size_t head_bytes = 0;  // the head's size in the buffer, the blank line included

  std::span<const Field> fields() const noexcept { return {field_table.data(), field_count}; }
  // The first field with this id or name (case-insensitive), or nullptr; O(fields).
  const Field* find(FieldId id) const noexcept;
  const Field* find(std::string_view name) const noexcept;
  std::size_t count(FieldId id) const noexcept;
  void clear() noexcept;
};

enum class ParseStatus : std::uint8_t { kDone, kNeedMore, kError };

struct ParseResult {
  ParseStatus status = ParseStatus::kNeedMore;
  std::size_t consumed = 0;  // kDone: the head's bytes; the body (if any) starts here
  ParseError error = ParseError::kNone;

  bool done() const noexcept { return status == ParseStatus::kDone; }
};

// Parses the request head at the start of `buf` (a contiguous read buffer). kNeedMore: the head is
// incomplete and nothing in it is wrong yet; call again with the same bytes and more. The parse
// starts over each call; heads are small and a connection rarely needs more than one read for one.
ParseResult parse_request(std::string_view buf, Head& head, const Limits& limits = {}) noexcept;

// Parses a response head. `request_was_head`: the response answers a HEAD request, so it has no
// body whatever its fields say.
ParseResult parse_response(std::string_view buf, Head& head, bool request_was_head,
                           const Limits& limits = {}) noexcept;

// The method enum of a method token (case-sensitive, as RFC 9110 section 9.1 says).
Method method_of(std::string_view text) noexcept;
std::string_view method_name(Method m) noexcept;

}  // namespace archway::http::h1
