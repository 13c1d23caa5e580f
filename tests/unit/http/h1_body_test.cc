// Bodies of HTTP/1.1 messages read in place (src/http/h1/body.h): the chunked decoder fed whole and
// in every split, its refusals, and the Content-Length tracker.
#include <gtest/gtest.h>

#include <string>

#include "http/h1/body.h"

namespace archway::http::h1 {
namespace {

struct Decoded {
  BodyStatus status = BodyStatus::kNeedMore;
  std::string body;
  std::string trailers;
  std::size_t consumed = 0;
  ParseError error = ParseError::kNone;
};

// Feeds `in` as a reader would: unconsumed bytes are presented again with the next `step` bytes.
Decoded decode(std::string_view in, std::size_t step = SIZE_MAX, const ChunkedLimits& limits = {}) {
  ChunkedDecoder dec(limits);
  Decoded out;
  std::size_t offered = std::min(step, in.size());
  for (;;) {
    const std::string_view window = in.substr(out.consumed, offered - out.consumed);
    const BodyStep s = dec.next(window);
    EXPECT_LE(s.consumed, window.size());
    out.consumed += s.consumed;
    if (s.status == BodyStatus::kData) {
      EXPECT_GE(s.data.data(), window.data());
      EXPECT_LE(s.data.data() + s.data.size(), window.data() + s.consumed);
      out.body.append(s.data);
      continue;
    }
    if (s.status == BodyStatus::kNeedMore && offered < in.size()) {
      offered = std::min(in.size(), offered + step);
      continue;
    }
    out.status = s.status;
    out.error = s.error;
    out.trailers = s.trailers;
    EXPECT_EQ(dec.body_bytes(), out.body.size());
    return out;
  }
}

TEST(H1Chunked, DecodesChunksExtensionsAndTrailers) {
  const std::string in =
      "5\r\nhello\r\n6;name=value;flag ; q=\"a \\\" b\"\r\n world\r\n000\r\nX-Checksum: "
      "abc\r\nX-B: 1\r\n\r\nNEXT";
  const Decoded d = decode(in);
  EXPECT_EQ(d.status, BodyStatus::kDone);
  EXPECT_EQ(d.body, "hello world");
  EXPECT_EQ(d.trailers, "X-Checksum: abc\r\nX-B: 1\r\n");
  EXPECT_EQ(d.consumed, in.size() - 4);
}

TEST(H1Chunked, ABodySplitAtEveryByteDecodesTheSame) {
  const std::string in = "1a;x=y\r\nabcdefghijklmnopqrstuvwxyz\r\n3\r\n123\r\n0\r\nT: v\r\n\r\n";
  const Decoded whole = decode(in);
  ASSERT_EQ(whole.status, BodyStatus::kDone);
  for (std::size_t step = 1; step < in.size(); ++step) {
    const Decoded d = decode(in, step);
    EXPECT_EQ(d.status, BodyStatus::kDone) << step;
    EXPECT_EQ(d.body, whole.body) << step;
    EXPECT_EQ(d.trailers, whole.trailers) << step;
    EXPECT_EQ(d.consumed, in.size()) << step;
  }
  for (std::size_t cut = 0; cut < in.size(); ++cut) {
    const Decoded d = decode(std::string_view(in).substr(0, cut));
    EXPECT_EQ(d.status, BodyStatus::kNeedMore) << cut;
    EXPECT_EQ(d.body, whole.body.substr(0, d.body.size())) << cut;
  }
}

TEST(H1Chunked, AnEmptyBodyIsTheLastChunkAlone) {
  const Decoded d = decode("0\r\n\r\n");
  EXPECT_EQ(d.status, BodyStatus::kDone);
  EXPECT_EQ(d.body, "");
  EXPECT_EQ(d.consumed, 5u);
}

TEST(H1Chunked, RefusesBadChunkSizes) {
  for (const char* in : {"\r\n", "x\r\n", "-5\r\n", "+5\r\n", " 5\r\n", "0x5\r\n", "5 \r\n",
                         "10000000000000000\r\n", "fffffffffffffffff\r\n"}) {
    const Decoded d = decode(in);
    EXPECT_EQ(d.status, BodyStatus::kError) << in;
    EXPECT_TRUE(d.error == ParseError::kBadChunkSize || d.error == ParseError::kBadChunkExtension)
        << in;
    EXPECT_EQ(error_status(d.error), 400);
  }
  const Decoded max = decode("ffffffffffffffff\r\n");
  EXPECT_EQ(max.status, BodyStatus::kNeedMore);  // 2^64-1 fits; its data has not come
}

TEST(H1Chunked, RefusesMalformedExtensions) {
  for (const char* in :
       {"5;\r\n", "5;=v\r\n", "5;a=\r\n", "5;a \r\n", "5;a=b \r\n", "5;a=\"b\r\n", "5;a=\"b\"c\r\n",
        "5;a=\"b\x01\"\r\n", "5;a=\"b\nc\"\r\n", "5;a=b c\r\n", "5;a\rb\r\n", "5\n"}) {
    const Decoded d = decode(std::string(in) + "hello\r\n0\r\n\r\n");
    EXPECT_EQ(d.status, BodyStatus::kError) << in;
    EXPECT_EQ(d.error, ParseError::kBadChunkExtension) << in;
  }
}

TEST(H1Chunked, RefusesChunkDataNotFollowedByCrlf) {
  for (const char* in : {"5\r\nhelloX\r\n0\r\n\r\n", "5\r\nhello\rX0\r\n\r\n",
                         "5\r\nhello\n0\r\n\r\n", "3\r\nhello\r\n0\r\n\r\n"}) {
    const Decoded d = decode(in);
    EXPECT_EQ(d.status, BodyStatus::kError) << in;
    EXPECT_EQ(d.error, ParseError::kMissingChunkCrlf) << in;
  }
}

TEST(H1Chunked, BoundsTheChunkLineAndTheTrailers) {
  ChunkedLimits limits;
  limits.max_line_bytes = 32;
  limits.max_trailer_bytes = 32;
  Decoded d = decode("5;" + std::string(40, 'a') + "\r\nhello\r\n0\r\n\r\n", SIZE_MAX, limits);
  EXPECT_EQ(d.error, ParseError::kChunkLineTooLong);
  d = decode("0;" + std::string(40, 'a'), SIZE_MAX, limits);  // refused before the line ends
  EXPECT_EQ(d.error, ParseError::kChunkLineTooLong);
  d = decode("0\r\nX: " + std::string(40, 'v') + "\r\n\r\n", SIZE_MAX, limits);
  EXPECT_EQ(d.error, ParseError::kTrailerTooLarge);
  d = decode("0\r\nX: " + std::string(20, 'v') + "\r\n\r\n", SIZE_MAX, limits);
  EXPECT_EQ(d.status, BodyStatus::kDone);
}

TEST(H1Chunked, RefusesMalformedAndForbiddenTrailers) {
  for (const char* t :
       {"X : v\r\n", "X: v\r\n folded\r\n", "X: v\n", "X: v\x01\r\n", ": v\r\n", "X: v\r\r\n"}) {
    const Decoded d = decode(std::string("0\r\n") + t + "\r\n");
    EXPECT_EQ(d.status, BodyStatus::kError) << t;
    EXPECT_EQ(d.error, ParseError::kBadTrailer) << t;
  }
  for (const char* t : {"Content-Length: 5\r\n", "transfer-encoding: chunked\r\n", "Host: a\r\n",
                        "Connection: close\r\n"}) {
    const Decoded d = decode(std::string("0\r\n") + t + "\r\n");
    EXPECT_EQ(d.error, ParseError::kForbiddenTrailer) << t;
  }
}

TEST(H1Chunked, ABodyOverTheLimitIs413BeforeItsDataArrives) {
  ChunkedLimits limits;
  limits.max_body_bytes = 8;
  Decoded d = decode("5\r\nhello\r\n4\r\n", SIZE_MAX, limits);
  EXPECT_EQ(d.error, ParseError::kBodyTooLarge);
  EXPECT_EQ(d.body, "hello");
  EXPECT_EQ(error_status(d.error), 413);
  d = decode("5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n", SIZE_MAX, limits);
  EXPECT_EQ(d.status, BodyStatus::kDone);
}

TEST(H1Chunked, ResetStartsTheNextBody) {
  ChunkedDecoder dec;
  BodyStep s = dec.next("1\r\n");
  EXPECT_EQ(s.status, BodyStatus::kNeedMore);
  dec.reset();
  s = dec.next("0\r\n\r\n");
  EXPECT_EQ(s.status, BodyStatus::kDone);
  EXPECT_TRUE(dec.done());
}

TEST(H1LengthBody, HandsOutExactlyTheLength) {
  LengthBody body(7);
  BodyStep s = body.next("abc");
  EXPECT_EQ(s.status, BodyStatus::kData);
  EXPECT_EQ(s.data, "abc");
  s = body.next("defgNEXT");
  EXPECT_EQ(s.data, "defg");
  EXPECT_EQ(s.consumed, 4u);
  EXPECT_TRUE(body.done());
  EXPECT_EQ(body.next("NEXT").status, BodyStatus::kDone);
  body.reset(0);
  EXPECT_EQ(body.next("").status, BodyStatus::kDone);
  body.reset(1);
  EXPECT_EQ(body.next("").status, BodyStatus::kNeedMore);
}

}  // namespace
}  // namespace archway::http::h1
