#include "http/h1/parser.h"

#include "http/h1/internal/chars.h"

#if defined(ARCHWAY_H1_AVX2)
#include <immintrin.h>
#endif

namespace archway::http::h1 {

#if defined(ARCHWAY_H1_AVX2)
namespace internal {

const bool kHaveAvx2 = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") != 0;
}();

__attribute__((target("avx2"))) const char* find_value_end_avx2(const char* p,
                                                                const char* end) noexcept {
  const __m256i tab = _mm256_set1_epi8('\t');
  const __m256i del = _mm256_set1_epi8(0x7f);
  const __m256i ctl_max = _mm256_set1_epi8(0x1f);
  while (end - p >= 32) {
    const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i ctl = _mm256_cmpeq_epi8(_mm256_min_epu8(w, ctl_max), w);  // bytes 0x00-0x1f
    const __m256i bad =
        _mm256_or_si256(_mm256_andnot_si256(_mm256_cmpeq_epi8(w, tab), ctl), _mm256_cmpeq_epi8(w, del));
    if (const auto mask = static_cast<unsigned>(_mm256_movemask_epi8(bad)); mask != 0)
      return p + __builtin_ctz(mask);
    p += 32;
  }
  return find_value_end_narrow(p, end);
}

}  // namespace internal
#endif

using internal::is;
using internal::is_ows;
using internal::kTargetChar;
using internal::kTokenChar;
using internal::kValueChar;

namespace {

// What the fields said, gathered while they are read.
struct FieldFacts {
  std::size_t hosts = 0;
  bool has_content_length = false;
  bool has_transfer_encoding = false;
  std::size_t codings = 0;  // transfer codings over every Transfer-Encoding field
  std::size_t chunked = 0;  // how many of them are "chunked"
  bool final_is_chunked = false;
  bool close = false;
  bool keep_alive = false;
  bool connection_upgrade = false;
  bool has_upgrade = false;
};

class HeadParser {
 public:
  HeadParser(std::string_view buf, Head& head, const Limits& limits)
      : begin_(buf.data()),
        p_(buf.data()),
        end_(buf.data() + std::min(buf.size(), limits.max_head_bytes)),
        full_size_(buf.size()),
        head_(head),
        limits_(limits) {}

  ParseResult request() {
    head_.clear();
    ParseStatus s = request_line();
    if (s == ParseStatus::kDone) s = fields();
    if (s == ParseStatus::kDone) s = finish_request();
    return result(s);
  }

  ParseResult response(bool request_was_head) {
    head_.clear();
    ParseStatus s = status_line();
    if (s == ParseStatus::kDone) s = fields();
    if (s == ParseStatus::kDone) s = finish_response(request_was_head);
    return result(s);
  }

 private:
  ParseResult result(ParseStatus s) {
    if (s == ParseStatus::kNeedMore && full_size_ >= limits_.max_head_bytes) {
      s = ParseStatus::kError;
      error_ = ParseError::kHeadTooLarge;
    }
    if (s == ParseStatus::kDone) {
      head_.head_bytes = static_cast<std::size_t>(p_ - begin_);
      return {s, head_.head_bytes, ParseError::kNone};
    }
    if (s == ParseStatus::kNeedMore) head_.field_count = 0;
    return {s, 0, s == ParseStatus::kError ? error_ : ParseError::kNone};
  }

  ParseStatus fail(ParseError e) {
    error_ = e;
    return ParseStatus::kError;
  }

  std::size_t left() const { return static_cast<std::size_t>(end_ - p_); }

  ParseStatus request_line() {
    const char* const method_start = p_;
    while (p_ < end_ && is(*p_, kTokenChar)) {
      if (static_cast<std::size_t>(p_ - method_start) >= limits_.max_method_bytes)
        return fail(ParseError::kMethodTooLong);
      ++p_;
    }
    if (p_ == end_) return ParseStatus::kNeedMore;
    if (*p_ != ' ' || p_ == method_start) return fail(ParseError::kBadMethod);
    head_.method_text = {method_start, static_cast<std::size_t>(p_ - method_start)};
    head_.method = method_of(head_.method_text);
    ++p_;

    const char* const target_start = p_;
    p_ = internal::skip_printable<0x21>(p_, p_ + std::min(left(), limits_.max_target_bytes));
    while (p_ < end_ && is(*p_, kTargetChar)) {
      if (static_cast<std::size_t>(p_ - target_start) >= limits_.max_target_bytes)
        return fail(ParseError::kTargetTooLong);
      ++p_;
    }
    if (p_ == end_) return ParseStatus::kNeedMore;
    if (*p_ != ' ' || p_ == target_start) return fail(ParseError::kBadTarget);
    head_.target = {target_start, static_cast<std::size_t>(p_ - target_start)};
    ++p_;

    if (const ParseStatus s = version(); s != ParseStatus::kDone) return s;
    return line_end(ParseError::kBadVersion);
  }

  ParseStatus status_line() {
    if (const ParseStatus s = version(); s != ParseStatus::kDone) return s;
    if (left() < 1) return ParseStatus::kNeedMore;
    if (*p_++ != ' ') return fail(ParseError::kBadVersion);
    if (left() < 4) return ParseStatus::kNeedMore;
    int status = 0;
    for (int i = 0; i < 3; ++i) {
      if (p_[i] < '0' || p_[i] > '9') return fail(ParseError::kBadStatus);
      status = status * 10 + (p_[i] - '0');
    }
    if (p_[3] != ' ' || status < 100) return fail(ParseError::kBadStatus);
    head_.status = status;
    p_ += 4;
    const char* const reason_start = p_;
    p_ = internal::find_value_end(p_, end_);
    if (p_ == end_) return ParseStatus::kNeedMore;
    if (*p_ != '\r' && *p_ != '\n') return fail(ParseError::kBadReason);
    head_.reason = {reason_start, static_cast<std::size_t>(p_ - reason_start)};
    return line_end(ParseError::kBadReason);
  }

  // "HTTP/" DIGIT "." DIGIT, judged once all eight bytes are there.
  ParseStatus version() {
    if (left() < 8) return ParseStatus::kNeedMore;
    const std::string_view v(p_, 8);
    if (v.substr(0, 5) != "HTTP/" || v[5] < '0' || v[5] > '9' || v[6] != '.' || v[7] < '0' ||
        v[7] > '9')
      return fail(ParseError::kBadVersion);
    const int version = (v[5] - '0') * 10 + (v[7] - '0');
    if (version != 10 && version != 11) return fail(ParseError::kUnsupportedVersion);
    head_.version = version;
    p_ += 8;
    return ParseStatus::kDone;
  }

  // CRLF at p_; anything else is `otherwise`, or a line-ending error when it is a lone CR or LF.
  ParseStatus line_end(ParseError otherwise) {
    if (left() < 2) return ParseStatus::kNeedMore;
    if (p_[0] == '\r' && p_[1] == '\n') {
      p_ += 2;
      return ParseStatus::kDone;
    }
    if (p_[0] == '\r' || p_[0] == '\n') return fail(ParseError::kBadLineEnding);
    return fail(otherwise);
  }

  ParseStatus fields() {
    const std::size_t max_fields = std::min(limits_.max_fields, Head::kMaxFields);
    for (;;) {
      if (left() < 2) return ParseStatus::kNeedMore;
      if (*p_ == '\r') {
        if (p_[1] != '\n') return fail(ParseError::kBadLineEnding);
        p_ += 2;
        return ParseStatus::kDone;
      }
      if (*p_ == '\n') return fail(ParseError::kBadLineEnding);
      if (is_ows(*p_))
        return fail(ParseError::kObsFold);  // RFC 9112 section 5.2; also SP after the start line

      const char* const name_start = p_;
      // Four bytes a step while the name goes on (one bounds check for four), then byte by byte.
      while (end_ - p_ >= 4 && is(p_[0], kTokenChar) && is(p_[1], kTokenChar) &&
             is(p_[2], kTokenChar) && is(p_[3], kTokenChar))
        p_ += 4;
      while (p_ < end_ && is(*p_, kTokenChar)) ++p_;
      if (p_ == end_) return ParseStatus::kNeedMore;
      if (is_ows(*p_)) return fail(ParseError::kSpaceBeforeColon);
      if (*p_ != ':' || p_ == name_start) return fail(ParseError::kBadFieldName);
      const std::string_view name(name_start, static_cast<std::size_t>(p_ - name_start));
      ++p_;

      while (p_ < end_ && is_ows(*p_)) ++p_;
      const char* const value_start = p_;
      p_ = internal::find_value_end(p_, end_);
      if (p_ == end_) return ParseStatus::kNeedMore;
      if (*p_ == '\n') return fail(ParseError::kBadLineEnding);
      if (*p_ != '\r') return fail(ParseError::kBadFieldValue);
      const char* value_end = p_;
      while (value_end > value_start && is_ows(value_end[-1])) --value_end;
      // The CRLF and one byte past it, to tell an obs-fold from the next field.
      if (left() < 3)
        return left() == 2 && p_[1] != '\n' ? fail(ParseError::kBadLineEnding)
                                            : ParseStatus::kNeedMore;
      if (p_[1] != '\n') return fail(ParseError::kBadLineEnding);
      if (is_ows(p_[2])) return fail(ParseError::kObsFold);
      p_ += 2;

      if (head_.field_count == max_fields) return fail(ParseError::kTooManyFields);
      Field& f = head_.field_table[head_.field_count++];
      f.name = name;
      f.value = {value_start, static_cast<std::size_t>(value_end - value_start)};
      f.id = field_id(name);
      if (const ParseError e = note(f); e != ParseError::kNone) return fail(e);
    }
  }

  // Learns what a field says about framing and the connection; refuses at once what no later field
  // could make right (as Beast does, so a refusal does not wait for the blank line).
  ParseError note(const Field& f) {
    switch (f.id) {
      case FieldId::kHost:
        ++facts_.hosts;
        return ParseError::kNone;
      case FieldId::kContentLength:
        return content_length(f.value);
      case FieldId::kTransferEncoding:
        return transfer_encoding(f.value);
      case FieldId::kConnection:
      case FieldId::kProxyConnection:
        return connection(f.value);
      case FieldId::kUpgrade:
        facts_.has_upgrade = true;
        return ParseError::kNone;
      case FieldId::kExpect:
        // RFC 9110 section 10.1.1: ignored from HTTP/1.0 clients, which must get no 1xx.
        if (head_.version >= 11 && iequals(f.value, "100-continue")) head_.expect_continue = true;
        return ParseError::kNone;
      default:
        return ParseError::kNone;
    }
  }

  ParseError content_length(std::string_view v) {
    if (facts_.has_transfer_encoding) return ParseError::kContentLengthWithTransferEncoding;
    if (facts_.has_content_length || v.find(',') != std::string_view::npos)
      return ParseError::kMultipleContentLength;
    if (v.empty()) return ParseError::kBadContentLength;
    std::uint64_t n = 0;
    for (const char c : v) {
      if (c < '0' || c > '9') return ParseError::kBadContentLength;
      const auto d = static_cast<std::uint64_t>(c - '0');
      if (n > (UINT64_MAX - d) / 10) return ParseError::kBadContentLength;
      n = n * 10 + d;
    }
    facts_.has_content_length = true;
    head_.content_length = n;
    return ParseError::kNone;
  }

  // Elements are split on ',' and trimmed, as request_checks' framing_problem reads them.
  ParseError transfer_encoding(std::string_view v) {
    if (facts_.has_content_length) return ParseError::kContentLengthWithTransferEncoding;
    // After a final chunked, another field can only name chunked twice or end on something else.
    if (facts_.final_is_chunked) return ParseError::kBadTransferEncoding;
    facts_.has_transfer_encoding = true;
    while (!v.empty()) {
      const std::size_t comma = v.find(',');
      const std::string_view element = internal::trim_ows(v.substr(0, comma));
      v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
      if (element.empty()) continue;
      ++facts_.codings;
      facts_.final_is_chunked = iequals(element, "chunked");
      if (facts_.final_is_chunked) ++facts_.chunked;
    }
    return ParseError::kNone;
  }

  // #token (RFC 9110 section 5.6.1): tokens, commas, optional whitespace; empty elements pass.
  ParseError connection(std::string_view v) {
    while (!v.empty()) {
      const std::size_t comma = v.find(',');
      const std::string_view element = internal::trim_ows(v.substr(0, comma));
      v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
      if (element.empty()) continue;
      if (!internal::is_token(element)) return ParseError::kBadConnection;
      if (iequals(element, "close"))
        facts_.close = true;
      else if (iequals(element, "keep-alive"))
        facts_.keep_alive = true;
      else if (iequals(element, "upgrade"))
        facts_.connection_upgrade = true;
    }
    return ParseError::kNone;
  }

  // Transfer-Encoding's checks common to requests and responses.
  ParseError coding_problem() const {
    if (!facts_.has_transfer_encoding) return ParseError::kNone;
    if (head_.version < 11) return ParseError::kTransferEncodingInHttp10;
    if (facts_.codings == 0 || facts_.chunked > 1) return ParseError::kBadTransferEncoding;
    return ParseError::kNone;
  }

  bool keep_alive() const {
    return head_.version >= 11 ? !facts_.close : facts_.keep_alive && !facts_.close;
  }

  ParseStatus finish_request() {
    if (head_.version >= 11 && facts_.hosts == 0) return fail(ParseError::kMissingHost);
    if (facts_.hosts > 1) return fail(ParseError::kMultipleHost);
    if (const ParseError e = coding_problem(); e != ParseError::kNone) return fail(e);
    if (facts_.has_transfer_encoding) {
      if (!facts_.final_is_chunked) return fail(ParseError::kBadTransferEncoding);
      if (facts_.codings > 1) return fail(ParseError::kUnsupportedTransferCoding);
      head_.framing = Framing::kChunked;
    } else if (facts_.has_content_length) {
      if (head_.content_length > limits_.max_body_bytes) return fail(ParseError::kBodyTooLarge);
      head_.framing = Framing::kContentLength;
    }
    head_.keep_alive = keep_alive();
    head_.upgrade = facts_.connection_upgrade && facts_.has_upgrade;
    return ParseStatus::kDone;
  }

  ParseStatus finish_response(bool request_was_head) {
    if (const ParseError e = coding_problem(); e != ParseError::kNone) return fail(e);
    const int s = head_.status;
    head_.keep_alive = keep_alive();
    head_.upgrade = s == 101;
    if (request_was_head || s / 100 == 1 || s == 204 || s == 304) return ParseStatus::kDone;
    if (facts_.has_transfer_encoding) {
      // RFC 9112 section 6.3: a final coding other than chunked is read until the server closes.
      head_.framing = facts_.final_is_chunked ? Framing::kChunked : Framing::kUntilClose;
    } else if (facts_.has_content_length) {
      if (head_.content_length > limits_.max_body_bytes) return fail(ParseError::kBodyTooLarge);
      head_.framing = Framing::kContentLength;
    } else {
      head_.framing = Framing::kUntilClose;
    }
    if (head_.framing == Framing::kUntilClose) head_.keep_alive = false;
    return ParseStatus::kDone;
  }

  const char* const begin_;
  const char* p_;
  const char* const end_;
  const std::size_t full_size_;
  Head& head_;
  const Limits& limits_;
  FieldFacts facts_;
  ParseError error_ = ParseError::kNone;
};

}  // namespace

const Field* Head::find(FieldId id) const noexcept {
  for (const Field& f : fields())
    if (f.id == id) return &f;
  return nullptr;
}

const Field* Head::find(std::string_view name) const noexcept {
  const FieldId id = field_id(name);
  if (id != FieldId::kOther) return find(id);
  for (const Field& f : fields())
    if (iequals(f.name, name)) return &f;
  return nullptr;
}

std::size_t Head::count(FieldId id) const noexcept {
  std::size_t n = 0;
  for (const Field& f : fields()) n += f.id == id ? 1 : 0;
  return n;
}

void Head::clear() noexcept {
  method = Method::kOther;
  method_text = {};
  target = {};
  status = 0;
  reason = {};
  version = 11;
  field_count = 0;
  framing = Framing::kNone;
  content_length = 0;
  keep_alive = true;
  expect_continue = false;
  upgrade = false;
  head_bytes = 0;
}

ParseResult parse_request(std::string_view buf, Head& head, const Limits& limits) noexcept {
  return HeadParser(buf, head, limits).request();
}

ParseResult parse_response(std::string_view buf, Head& head, bool request_was_head,
                           const Limits& limits) noexcept {
  return HeadParser(buf, head, limits).response(request_was_head);
}

Method method_of(std::string_view t) noexcept {
  switch (t.size()) {
    case 3:
      if (t == "GET") return Method::kGet;
      if (t == "PUT") return Method::kPut;
      break;
    case 4:
      if (t == "POST") return Method::kPost;
      if (t == "HEAD") return Method::kHead;
      break;
    case 5:
      if (t == "PATCH") return Method::kPatch;
      if (t == "TRACE") return Method::kTrace;
      break;
    case 6:
      if (t == "DELETE") return Method::kDelete;
      break;
    case 7:
      if (t == "OPTIONS") return Method::kOptions;
      if (t == "CONNECT") return Method::kConnect;
      break;
    default:
      break;
  }
  return Method::kOther;
}

std::string_view method_name(Method m) noexcept {
  switch (m) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kDelete:
      return "DELETE";
    case Method::kConnect:
      return "CONNECT";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kTrace:
      return "TRACE";
    case Method::kPatch:
      return "PATCH";
    case Method::kOther:
      break;
  }
  return {};
}

int error_status(ParseError e) noexcept {
  switch (e) {
    case ParseError::kNone:
      return 200;
    case ParseError::kTargetTooLong:
      return 414;
    case ParseError::kHeadTooLarge:
    case ParseError::kTooManyFields:
      return 431;
    case ParseError::kMethodTooLong:
    case ParseError::kUnsupportedTransferCoding:
      return 501;
    case ParseError::kUnsupportedVersion:
      return 505;
    case ParseError::kBodyTooLarge:
      return 413;
    default:
      return 400;
  }
}

std::string_view error_message(ParseError e) noexcept {
  switch (e) {
    case ParseError::kNone:
      return "no error";
    case ParseError::kBadMethod:
      return "The request method is not a token followed by one space";
    case ParseError::kMethodTooLong:
      return "The request method is longer than any this server implements";
    case ParseError::kBadTarget:
      return "The request target is empty or holds a character it cannot hold";
    case ParseError::kTargetTooLong:
      return "The request target is longer than this server accepts";
    case ParseError::kBadVersion:
      return "The HTTP version is malformed";
    case ParseError::kUnsupportedVersion:
      return "Only HTTP/1.0 and HTTP/1.1 are supported on this connection";
    case ParseError::kBadStatus:
      return "The status code is not three digits from 100 followed by a space";
    case ParseError::kBadReason:
      return "The reason phrase holds a control character";
    case ParseError::kBadLineEnding:
      return "A line ends in a bare CR or LF instead of CRLF";
    case ParseError::kBadFieldName:
      return "A header field name is empty or not a token";
    case ParseError::kSpaceBeforeColon:
      return "Whitespace between a header field name and its colon (RFC 9112 section 5.1)";
    case ParseError::kBadFieldValue:
      return "A header field value holds a control character";
    case ParseError::kObsFold:
      return "A header line starts with whitespace (obsolete line folding, RFC 9112 section 5.2)";
    case ParseError::kHeadTooLarge:
      return "The request header is larger than this server accepts";
    case ParseError::kTooManyFields:
      return "The request has more header fields than this server accepts";
    case ParseError::kMissingHost:
      return "An HTTP/1.1 request needs a Host header (RFC 9112 section 3.2)";
    case ParseError::kMultipleHost:
      return "A request carries one Host header; this one has several";
    case ParseError::kBadContentLength:
      return "Content-Length is not a decimal number of bytes";
    case ParseError::kMultipleContentLength:
      return "Content-Length is given more than once";
    case ParseError::kContentLengthWithTransferEncoding:
      return "A message cannot carry both Content-Length and Transfer-Encoding (RFC 9112 section "
             "6.3)";
    case ParseError::kTransferEncodingInHttp10:
      return "Transfer-Encoding is not allowed in an HTTP/1.0 message";
    case ParseError::kBadTransferEncoding:
      return "The final transfer coding must be chunked, named once (RFC 9112 section 6.1)";
    case ParseError::kUnsupportedTransferCoding:
      return "Transfer codings other than chunked are not supported";
    case ParseError::kBadConnection:
      return "Connection is not a list of tokens";
    case ParseError::kBodyTooLarge:
      return "The body is larger than this server accepts";
    case ParseError::kBadChunkSize:
      return "A chunk size is not a hexadecimal number that fits 64 bits";
    case ParseError::kBadChunkExtension:
      return "A chunk extension is malformed";
    case ParseError::kChunkLineTooLong:
      return "A chunk-size line is longer than this server accepts";
    case ParseError::kMissingChunkCrlf:
      return "Chunk data is not followed by CRLF";
    case ParseError::kBadTrailer:
      return "A trailer field is malformed";
    case ParseError::kForbiddenTrailer:
      return "A trailer field names framing or routing (Content-Length, Transfer-Encoding, Host, "
             "Connection)";
    case ParseError::kTrailerTooLarge:
      return "The trailer section is larger than this server accepts";
  }
  return "malformed HTTP/1.1 message";
}

common::Problem error_problem(ParseError e) {
  const int status = error_status(e);
  const char* title = "Bad Request";
  switch (status) {
    case 413:
      title = "Payload Too Large";
      break;
    case 414:
      title = "URI Too Long";
      break;
    case 431:
      title = "Request Header Fields Too Large";
      break;
    case 501:
      title = "Not Implemented";
      break;
    case 505:
      title = "HTTP Version Not Supported";
      break;
    default:
      break;
  }
  return {status, status, title, std::string(error_message(e))};
}

}  // namespace archway::http::h1
