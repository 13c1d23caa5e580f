#include "http/h1/body.h"

#include "http/h1/internal/chars.h"

namespace archway::http::h1 {

using internal::is;
using internal::is_ows;
using internal::kQdChar;
using internal::kTokenChar;
using internal::kValueChar;

namespace {

enum class LineStatus : std::uint8_t { kDone, kNeedMore, kError };

struct SizeLine {
  LineStatus status = LineStatus::kNeedMore;
  std::size_t length = 0;  // the line with its CRLF
  std::uint64_t size = 0;
  ParseError error = ParseError::kNone;
};

// chunk-size [ chunk-ext ] CRLF, where
//   chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//   chunk-ext-val = token / quoted-string
// Characters are judged as they come, so a bad line fails before its CRLF arrives.
class SizeLineParser {
 public:
  explicit SizeLineParser(std::string_view in) : in_(in) {}

  SizeLine parse() {
    SizeLine r;
    if (i_ == in_.size()) return r;
    if (hex(in_[i_]) < 0) return error(ParseError::kBadChunkSize);
    while (i_ < in_.size() && hex(in_[i_]) >= 0) {
      if (r.size > (UINT64_MAX >> 4)) return error(ParseError::kBadChunkSize);
      r.size = (r.size << 4) | static_cast<std::uint64_t>(hex(in_[i_]));
      ++i_;
    }
    for (;;) {
      if (i_ == in_.size()) return r;
      if (in_[i_] == '\r') break;
      skip_bws();
      if (!expect(';')) return status_of_last();
      skip_bws();
      if (!token()) return status_of_last();
      const std::size_t after_name = i_;
      skip_bws();
      if (i_ < in_.size() && in_[i_] == '=') {
        ++i_;
        skip_bws();
        if (!(i_ < in_.size() && in_[i_] == '"' ? quoted() : token())) return status_of_last();
      } else if (i_ == in_.size()) {
        return r;
      } else {
        i_ = after_name;  // whitespace here must lead to another ';'
        if (is_ows(in_[i_])) {
          skip_bws();
          if (i_ == in_.size()) return r;
          if (in_[i_] != ';') return error(ParseError::kBadChunkExtension);
        }
      }
    }
    if (i_ + 1 >= in_.size()) return r;
    if (in_[i_ + 1] != '\n') return error(ParseError::kBadChunkExtension);
    r.status = LineStatus::kDone;
    r.length = i_ + 2;
    return r;
  }

 private:
  static int hex(char c) { return internal::hex_digit(c); }
  void skip_bws() {
    while (i_ < in_.size() && is_ows(in_[i_])) ++i_;
  }
  SizeLine error(ParseError e) {
    SizeLine r;
    r.status = LineStatus::kError;
    r.error = e;
    return r;
  }
  // After expect/token/quoted said no: the input ran out, or a character was wrong.
  SizeLine status_of_last() {
    return ran_out_ ? SizeLine{} : error(ParseError::kBadChunkExtension);
  }
  bool expect(char c) {
    if (i_ == in_.size()) return !(ran_out_ = true);
    if (in_[i_] != c) return false;
    ++i_;
    return true;
  }
  bool token() {
    const std::size_t start = i_;
    while (i_ < in_.size() && is(in_[i_], kTokenChar)) ++i_;
    if (i_ == in_.size()) return !(ran_out_ = true);
    return i_ > start;
  }
  bool quoted() {
    ++i_;  // the opening quote
    while (i_ < in_.size()) {
      const char c = in_[i_];
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c == '\\') {
        if (++i_ == in_.size()) break;
        if (!is(in_[i_], kValueChar)) return false;  // quoted-pair: HTAB, SP, VCHAR, obs-text
      } else if (!is(c, kQdChar)) {
        return false;
      }
      ++i_;
    }
    ran_out_ = true;
    return false;
  }

  std::string_view in_;
  std::size_t i_ = 0;
  bool ran_out_ = false;
};

struct Trailers {
  LineStatus status = LineStatus::kNeedMore;
  std::size_t length = 0;  // the field lines and the blank line
  ParseError error = ParseError::kNone;
};

// trailer-section = *( field-line CRLF ) CRLF, with the head's rules for field lines.
Trailers parse_trailers(std::string_view in) {
  Trailers r;
  const auto error = [](ParseError e) { return Trailers{LineStatus::kError, 0, e}; };
  std::size_t i = 0;
  for (;;) {
    if (in.size() - i < 2) return r;
    if (in[i] == '\r') {
      if (in[i + 1] != '\n') return error(ParseError::kBadTrailer);
      r.status = LineStatus::kDone;
      r.length = i + 2;
      return r;
    }
    const std::size_t name_start = i;
    while (i < in.size() && is(in[i], kTokenChar)) ++i;
    if (i == in.size()) return r;
    if (in[i] != ':' || i == name_start) return error(ParseError::kBadTrailer);
    switch (field_id(in.substr(name_start, i - name_start))) {
      case FieldId::kContentLength:
      case FieldId::kTransferEncoding:
      case FieldId::kHost:
      case FieldId::kConnection:
      case FieldId::kProxyConnection:
        return error(ParseError::kForbiddenTrailer);
      default:
        break;
    }
    ++i;
    while (i < in.size() && is(in[i], kValueChar)) ++i;
    if (in.size() - i < 3)
      return i < in.size() && in[i] != '\r' ? error(ParseError::kBadTrailer) : r;
    if (in[i] != '\r' || in[i + 1] != '\n' || is_ows(in[i + 2]))
      return error(ParseError::kBadTrailer);
    i += 2;
  }
}

}  // namespace

void ChunkedDecoder::reset() noexcept {
  state_ = State::kSizeLine;
  remaining_ = 0;
  total_ = 0;
  error_ = ParseError::kNone;
}

BodyStep ChunkedDecoder::fail(ParseError e, std::size_t consumed) noexcept {
  state_ = State::kError;
  error_ = e;
  BodyStep s;
  s.status = BodyStatus::kError;
  s.consumed = consumed;
  s.error = e;
  return s;
}

BodyStep ChunkedDecoder::next(std::string_view in) noexcept {
  std::size_t used = 0;
  for (;;) {
    const std::string_view rest = in.substr(used);
    switch (state_) {
      case State::kSizeLine: {
        const SizeLine line = SizeLineParser(rest.substr(0, limits_.max_line_bytes)).parse();
        if (line.status == LineStatus::kError) return fail(line.error, used);
        if (line.status == LineStatus::kNeedMore) {
          if (rest.size() >= limits_.max_line_bytes)
            return fail(ParseError::kChunkLineTooLong, used);
          return {BodyStatus::kNeedMore, used};
        }
        used += line.length;
        if (line.size == 0) {
          state_ = State::kTrailers;
          break;
        }
        if (line.size > limits_.max_body_bytes - total_)
          return fail(ParseError::kBodyTooLarge, used);
        remaining_ = line.size;
        state_ = State::kData;
        break;
      }
      case State::kData: {
        if (rest.empty()) return {BodyStatus::kNeedMore, used};
        const std::size_t n =
            remaining_ < rest.size() ? static_cast<std::size_t>(remaining_) : rest.size();
        remaining_ -= n;
        total_ += n;
        if (remaining_ == 0) state_ = State::kDataEnd;
        BodyStep s;
        s.status = BodyStatus::kData;
        s.consumed = used + n;
        s.data = rest.substr(0, n);
        return s;
      }
      case State::kDataEnd:
        if (rest.size() < 2) {
          if (!rest.empty() && rest[0] != '\r') return fail(ParseError::kMissingChunkCrlf, used);
          return {BodyStatus::kNeedMore, used};
        }
        if (rest[0] != '\r' || rest[1] != '\n') return fail(ParseError::kMissingChunkCrlf, used);
        used += 2;
        state_ = State::kSizeLine;
        break;
      case State::kTrailers: {
        const Trailers t = parse_trailers(rest.substr(0, limits_.max_trailer_bytes));
        if (t.status == LineStatus::kError) return fail(t.error, used);
        if (t.status == LineStatus::kNeedMore) {
          if (rest.size() >= limits_.max_trailer_bytes)
            return fail(ParseError::kTrailerTooLarge, used);
          return {BodyStatus::kNeedMore, used};
        }
        state_ = State::kDone;
        BodyStep s;
        s.status = BodyStatus::kDone;
        s.consumed = used + t.length;
        s.trailers = rest.substr(0, t.length - 2);
        return s;
      }
      case State::kDone:
        return {BodyStatus::kDone, used};
      case State::kError:
        return fail(error_, used);
    }
  }
}

BodyStep LengthBody::next(std::string_view in) noexcept {
  BodyStep s;
  if (remaining_ == 0) {
    s.status = BodyStatus::kDone;
    return s;
  }
  if (in.empty()) return s;
  const std::size_t n = remaining_ < in.size() ? static_cast<std::size_t>(remaining_) : in.size();
  remaining_ -= n;
  s.status = BodyStatus::kData;
  s.consumed = n;
  s.data = in.substr(0, n);
  return s;
}

}  // namespace archway::http::h1
