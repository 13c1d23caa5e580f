// The HTTP/1.1 head parser (src/http/h1/parser.h): what it accepts, what it derives, and every
// refusal with the status the gateway answers.
#include <gtest/gtest.h>

#include <string>

#include "http/h1/internal/chars.h"
#include "http/h1/parser.h"
#include "http/request_checks.h"

namespace archway::http::h1 {
namespace {

ParseResult request(std::string_view text, Head& head, const Limits& limits = {}) {
  return parse_request(text, head, limits);
}

// The error a complete request gets, or kNone when it parses.
ParseError request_error(const std::string& text, const Limits& limits = {}) {
  Head head;
  const ParseResult r = parse_request(text, head, limits);
  EXPECT_NE(r.status, ParseStatus::kNeedMore) << text;
  return r.error;
}

ParseError response_error(const std::string& text, bool head_request = false) {
  Head head;
  const ParseResult r = parse_response(text, head, head_request);
  EXPECT_NE(r.status, ParseStatus::kNeedMore) << text;
  return r.error;
}

std::string with_fields(const std::string& fields, const std::string& version = "HTTP/1.1") {
  return "POST /x " + version + "\r\n" + fields + "\r\n";
}

// The value scan reads sixteen bytes a step where it can, then words, then bytes: every byte a
// value may not hold is found exactly where it is, at any offset of a block, and every byte it may
// hold (HTAB, SP, visible ASCII, obs-text) is passed over.
TEST(H1Parser, TheValueScanStopsAtTheFirstForbiddenByteWhereverItIs) {
  const std::string allowed = "\t azAZ09~!\x80\xff";
  for (const int bad : {0x00, 0x01, 0x08, 0x0a, 0x0b, 0x0d, 0x1f, 0x7f}) {
    for (std::size_t at = 0; at < 40; ++at) {
      for (std::size_t tail = 0; tail < 20; tail += 7) {
        std::string v;
        for (std::size_t i = 0; i < at; ++i) v += allowed[i % allowed.size()];
        v += static_cast<char>(bad);
        v += std::string(tail, 'x');
        const char* end = internal::find_value_end(v.data(), v.data() + v.size());
        ASSERT_EQ(end - v.data(), static_cast<std::ptrdiff_t>(at))
            << "byte " << bad << " at " << at;
      }
    }
  }
  std::string clean;
  for (int c = 0; c < 256; ++c)
    if (c == '\t' || (c >= 0x20 && c != 0x7f)) clean += static_cast<char>(c);
  EXPECT_EQ(internal::find_value_end(clean.data(), clean.data() + clean.size()),
            clean.data() + clean.size());
  EXPECT_TRUE(internal::is_field_value(clean));
  EXPECT_FALSE(internal::is_field_value(clean + "\r"));
}

TEST(H1Parser, TheValueScanOfLongValuesStopsAtTheFirstForbiddenByteWhereverItIs) {
  // Past their first 64 bytes, values in a buffer of 128 bytes or more go on 32 bytes a step where
  // the machine has AVX2: every position up to 300, from several alignments, each forbidden byte
  // kind, with a second bad byte after it.
  const std::string allowed = "\t azAZ09~!\x80\xff";
  std::string buffer(600, 'x');
  for (const int bad : {0x00, 0x0a, 0x0d, 0x1f, 0x7f}) {
    for (std::size_t offset = 0; offset < 32; offset += 5) {
      for (std::size_t at = 0; at < 300; ++at) {
        for (std::size_t i = 0; i < at; ++i) buffer[offset + i] = allowed[(i * 7) % allowed.size()];
        buffer[offset + at] = static_cast<char>(bad);
        buffer[offset + at + 1] = '\r';
        const char* begin = buffer.data() + offset;
        for (const std::size_t after : {std::size_t{40}, std::size_t{200}}) {  // bytes read past it
          const char* end = begin + at + after;
          ASSERT_EQ(internal::find_value_end(begin, end) - begin, static_cast<std::ptrdiff_t>(at))
              << "byte " << bad << " at " << at << " offset " << offset << " after " << after;
#if defined(ARCHWAY_H1_AVX2)
          if (internal::kHaveAvx2) {
            ASSERT_EQ(internal::find_value_end_avx2(begin, end) - begin,
                      static_cast<std::ptrdiff_t>(at))
                << "byte " << bad << " at " << at << " offset " << offset;
          }
#endif
          ASSERT_EQ(internal::find_value_end_narrow(begin, end) - begin,
                    static_cast<std::ptrdiff_t>(at));
        }
      }
    }
  }
  std::string clean;
  while (clean.size() < 1000)
    for (int c = 0; c < 256; ++c)
      if (c == '\t' || (c >= 0x20 && c != 0x7f)) clean += static_cast<char>(c);
  for (std::size_t n = 0; n <= clean.size(); n += 13)
    ASSERT_EQ(internal::find_value_end(clean.data(), clean.data() + n), clean.data() + n) << n;
}

TEST(H1Parser, ParsesARequestIntoViewsOfTheBuffer) {
  const std::string text =
      "GET /pets/1?x=y HTTP/1.1\r\nHost: api.example\r\nX-Empty:\r\nAccept:  text/plain "
      "\t\r\n\r\nrest";
  Head head;
  const ParseResult r = request(text, head);
  ASSERT_TRUE(r.done());
  EXPECT_EQ(r.consumed, text.size() - 4);
  EXPECT_EQ(head.head_bytes, r.consumed);
  EXPECT_EQ(head.method, Method::kGet);
  EXPECT_EQ(head.method_text, "GET");
  EXPECT_EQ(head.target, "/pets/1?x=y");
  EXPECT_EQ(head.version, 11);
  ASSERT_EQ(head.fields().size(), 3u);
  EXPECT_EQ(head.fields()[0].name, "Host");
  EXPECT_EQ(head.fields()[0].id, FieldId::kHost);
  EXPECT_EQ(head.fields()[1].value, "");
  EXPECT_EQ(head.fields()[2].value, "text/plain");  // surrounding whitespace is not part of a value
  EXPECT_EQ(head.find(FieldId::kHost)->value, "api.example");
  EXPECT_EQ(head.find("accept")->value, "text/plain");
  EXPECT_EQ(head.find("x-missing"), nullptr);
  for (const Field& f : head.fields()) {
    EXPECT_GE(f.name.data(), text.data());
    EXPECT_LE(f.value.data() + f.value.size(), text.data() + text.size());
  }
  EXPECT_EQ(head.framing, Framing::kNone);
  EXPECT_TRUE(head.keep_alive);
}

TEST(H1Parser, KnowsTheStandardMethodsAndKeepsOthersAsText) {
  Head head;
  ASSERT_TRUE(request("PATCH / HTTP/1.1\r\nHost: a\r\n\r\n", head).done());
  EXPECT_EQ(head.method, Method::kPatch);
  ASSERT_TRUE(request("PROPFIND / HTTP/1.1\r\nHost: a\r\n\r\n", head).done());
  EXPECT_EQ(head.method, Method::kOther);
  EXPECT_EQ(head.method_text, "PROPFIND");
  ASSERT_TRUE(request("get / HTTP/1.1\r\nHost: a\r\n\r\n", head).done());
  EXPECT_EQ(head.method, Method::kOther);  // methods are case-sensitive
}

TEST(H1Parser, PipelinedRequestsParseOneAfterTheOther) {
  const std::string first = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello";
  const std::string second = "GET /b HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string buf = first + second;
  Head head;
  ParseResult r = request(buf, head);
  ASSERT_TRUE(r.done());
  EXPECT_EQ(head.framing, Framing::kContentLength);
  EXPECT_EQ(head.content_length, 5u);
  const std::size_t next = r.consumed + head.content_length;
  EXPECT_EQ(next, first.size());
  r = request(std::string_view(buf).substr(next), head);
  ASSERT_TRUE(r.done());
  EXPECT_EQ(head.target, "/b");
  EXPECT_EQ(r.consumed, second.size());
}

TEST(H1Parser, AHeadSplitAtEveryByteNeedsMoreUntilItIsComplete) {
  const std::string text =
      "PUT /v1/items/7 HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nTransfer-Encoding: "
      "chunked\r\n"
      "Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\nExpect: 100-continue\r\n\r\n";
  Head whole;
  ASSERT_TRUE(request(text, whole).done());
  for (std::size_t cut = 0; cut < text.size(); ++cut) {
    Head head;
    const ParseResult r = request(std::string_view(text).substr(0, cut), head);
    EXPECT_EQ(r.status, ParseStatus::kNeedMore) << cut;
    EXPECT_EQ(r.consumed, 0u);
  }
  EXPECT_EQ(whole.framing, Framing::kChunked);
  EXPECT_TRUE(whole.expect_continue);
  EXPECT_TRUE(whole.upgrade);
  EXPECT_TRUE(whole.keep_alive);
  EXPECT_EQ(whole.fields().size(), 6u);
}

TEST(H1Parser, KeepAliveFollowsTheVersionAndConnectionTokens) {
  Head head;
  ASSERT_TRUE(request("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", head).done());
  EXPECT_FALSE(head.keep_alive);
  ASSERT_TRUE(request("GET / HTTP/1.0\r\n\r\n", head).done());
  EXPECT_FALSE(head.keep_alive);
  ASSERT_TRUE(request("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", head).done());
  EXPECT_TRUE(head.keep_alive);
  ASSERT_TRUE(
      request("GET / HTTP/1.1\r\nHost: a\r\nConnection: ,, TE ,close\r\n\r\n", head).done());
  EXPECT_FALSE(head.keep_alive);
}

TEST(H1Parser, RefusesAConnectionFieldThatIsNotATokenList) {
  EXPECT_EQ(request_error(with_fields("Host: a\r\nConnection: close; x\r\n")),
            ParseError::kBadConnection);
  EXPECT_EQ(request_error(with_fields("Host: a\r\nConnection: keep alive\r\n")),
            ParseError::kBadConnection);
}

TEST(H1Parser, ExpectContinueCountsOnlyInHttp11) {
  Head head;
  ASSERT_TRUE(
      request("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n",
              head)
          .done());
  EXPECT_TRUE(head.expect_continue);
  ASSERT_TRUE(
      request("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n", head).done());
  EXPECT_FALSE(head.expect_continue);
}

TEST(H1Parser, UpgradeNeedsTheConnectionTokenAndTheUpgradeField) {
  Head head;
  ASSERT_TRUE(request("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n", head).done());
  EXPECT_FALSE(head.upgrade);
  ASSERT_TRUE(request("GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\n\r\n", head).done());
  EXPECT_FALSE(head.upgrade);
}

TEST(H1Parser, RefusesTransferEncodingWithContentLength) {
  for (const char* fields : {"Host: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n",
                             "Host: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n",
                             "Host: a\r\nTransfer-Encoding: xchunked\r\nContent-Length: 3\r\n"}) {
    const ParseError e = request_error(with_fields(fields));
    EXPECT_EQ(e, ParseError::kContentLengthWithTransferEncoding) << fields;
    EXPECT_EQ(error_status(e), 400);
  }
}

TEST(H1Parser, RefusesTransferEncodingInHttp10) {
  EXPECT_EQ(request_error(with_fields("Transfer-Encoding: chunked\r\n", "HTTP/1.0")),
            ParseError::kTransferEncodingInHttp10);
}

TEST(H1Parser, RefusesATransferEncodingWhoseFinalCodingIsNotExactlyChunked) {
  for (const char* te : {"chunked, identity", "xchunked", "identity", "chunked;ext=1", "gzip", ",",
                         "chunked, chunked", "chunked chunked", "\"chunked\""}) {
    const ParseError e =
        request_error(with_fields("Host: x\r\nTransfer-Encoding: " + std::string(te) + "\r\n"));
    EXPECT_EQ(e, ParseError::kBadTransferEncoding) << te;
    EXPECT_EQ(error_status(e), 400) << te;
  }
  // Two fields are one list: chunked, then anything, is refused when the second field is read.
  EXPECT_EQ(request_error(with_fields(
                "Host: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n")),
            ParseError::kBadTransferEncoding);
  EXPECT_EQ(request_error(with_fields(
                "Host: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n")),
            ParseError::kBadTransferEncoding);
}

TEST(H1Parser, AcceptsChunkedInAnyCaseAndSpreadOverFields) {
  Head head;
  ASSERT_TRUE(request(with_fields("Host: x\r\nTransfer-Encoding: CHUNKED\r\n"), head).done());
  EXPECT_EQ(head.framing, Framing::kChunked);
  ASSERT_TRUE(
      request(with_fields("Host: x\r\nTransfer-Encoding: ,\r\nTransfer-Encoding: chunked\r\n"),
              head)
          .done());
  EXPECT_EQ(head.framing, Framing::kChunked);
}

TEST(H1Parser, OtherCodingsBeforeChunkedAre501) {
  for (const char* te : {"gzip, chunked", "gzip\r\nTransfer-Encoding: chunked"}) {
    const ParseError e =
        request_error(with_fields("Host: x\r\nTransfer-Encoding: " + std::string(te) + "\r\n"));
    EXPECT_EQ(e, ParseError::kUnsupportedTransferCoding) << te;
    EXPECT_EQ(error_status(e), 501);
  }
}

TEST(H1Parser, RefusesRepeatedOrListedContentLength) {
  EXPECT_EQ(request_error(with_fields("Host: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n")),
            ParseError::kMultipleContentLength);
  EXPECT_EQ(request_error(with_fields("Host: a\r\nContent-Length: 5, 5\r\n")),
            ParseError::kMultipleContentLength);
  EXPECT_EQ(request_error(with_fields("Host: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n")),
            ParseError::kMultipleContentLength);
}

TEST(H1Parser, RefusesAContentLengthThatIsNotPlainDigits) {
  for (const char* cl : {"+5", "-5", "5 5", "0x10", "5a", "", "1 ", "18446744073709551616",
                         "99999999999999999999"}) {
    const std::string fields = "Host: a\r\nContent-Length: " + std::string(cl) + "\r\n";
    const ParseError e = request_error(with_fields(fields));
    // "1 " is "1": trailing whitespace is not part of the value.
    if (std::string_view(cl) == "1 ") {
      EXPECT_EQ(e, ParseError::kNone);
      continue;
    }
    EXPECT_EQ(e, ParseError::kBadContentLength) << cl;
  }
  Head head;
  ASSERT_TRUE(
      request(with_fields("Host: a\r\nContent-Length: 18446744073709551615\r\n"), head).done());
  EXPECT_EQ(head.content_length, UINT64_MAX);
}

TEST(H1Parser, AContentLengthOverTheBodyLimitIs413) {
  Limits limits;
  limits.max_body_bytes = 10;
  EXPECT_EQ(request_error(with_fields("Host: a\r\nContent-Length: 11\r\n"), limits),
            ParseError::kBodyTooLarge);
  EXPECT_EQ(error_status(ParseError::kBodyTooLarge), 413);
  EXPECT_EQ(request_error(with_fields("Host: a\r\nContent-Length: 10\r\n"), limits),
            ParseError::kNone);
}

TEST(H1Parser, RefusesWhitespaceBetweenFieldNameAndColon) {
  EXPECT_EQ(request_error(with_fields("Host : a\r\n")), ParseError::kSpaceBeforeColon);
  EXPECT_EQ(request_error(with_fields("Host: a\r\nContent-Length\t: 1\r\n")),
            ParseError::kSpaceBeforeColon);
}

TEST(H1Parser, RefusesObsFoldAndWhitespaceBeforeTheFirstField) {
  EXPECT_EQ(request_error(with_fields("Host: a\r\nX-A: b\r\n c\r\n")), ParseError::kObsFold);
  EXPECT_EQ(request_error(with_fields("Host: a\r\nX-A: b\r\n\tc\r\n")), ParseError::kObsFold);
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\n Host: a\r\n\r\n"), ParseError::kObsFold);
}

TEST(H1Parser, RefusesBadCharactersInNamesAndControlsInValues) {
  EXPECT_EQ(request_error(with_fields("Host: a\r\nX(A): b\r\n")), ParseError::kBadFieldName);
  EXPECT_EQ(request_error(with_fields("Host: a\r\n: b\r\n")), ParseError::kBadFieldName);
  EXPECT_EQ(request_error(with_fields("Host: a\r\nX\xC3\xA9: b\r\n")), ParseError::kBadFieldName);
  for (const char c : {'\0', '\x01', '\x0b', '\x1f', '\x7f'}) {
    std::string fields = "Host: a\r\nX-A: b";
    fields += c;
    fields += "c\r\n";
    EXPECT_EQ(request_error(with_fields(fields)), ParseError::kBadFieldValue) << int(c);
  }
  Head head;  // HTAB and obs-text are allowed inside values
  const std::string text = with_fields("Host: a\r\nX-A: b\tc \xE2\x82\xAC\r\n");
  ASSERT_TRUE(request(text, head).done());
  EXPECT_EQ(head.find("x-a")->value, "b\tc \xE2\x82\xAC");
}

TEST(H1Parser, RefusesBareCrAndBareLf) {
  // Bare LF is refused like bare CR: Beast does the same, and an LF-only line is read differently
  // by lenient servers behind us.
  EXPECT_EQ(request_error("GET / HTTP/1.1\nHost: a\r\n\r\n"), ParseError::kBadLineEnding);
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\nHost: a\n\r\n"), ParseError::kBadLineEnding);
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\nHost: a\r\n\nX"), ParseError::kBadLineEnding);
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n"), ParseError::kBadLineEnding);
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\nHost: a\r\rX: b\r\n\r\n"), ParseError::kBadLineEnding);
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\nHost: a\r\n\rX\r\n"), ParseError::kBadLineEnding);
  EXPECT_EQ(request_error("GET / HTTP/1.1\rHost: a\r\n\r\n"), ParseError::kBadLineEnding);
}

TEST(H1Parser, AnHttp11RequestNeedsExactlyOneHost) {
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\n\r\n"), ParseError::kMissingHost);
  EXPECT_EQ(request_error("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"),
            ParseError::kMultipleHost);
  EXPECT_EQ(request_error("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n"),
            ParseError::kMultipleHost);
  EXPECT_EQ(request_error("GET / HTTP/1.0\r\n\r\n"), ParseError::kNone);
}

TEST(H1Parser, AcceptsEveryTargetFormAsBeastDoes) {
  // Beast takes any run of visible characters; routing decides what it serves.
  for (const char* target :
       {"/a", "*", "http://example.com/a?b", "example.com:443", "/a%20b?c=d#e"}) {
    Head head;
    const std::string text = "OPTIONS " + std::string(target) + " HTTP/1.1\r\nHost: a\r\n\r\n";
    ASSERT_TRUE(request(text, head).done()) << target;
    EXPECT_EQ(head.target, target);
  }
}

TEST(H1Parser, RefusesMalformedRequestLines) {
  EXPECT_EQ(request_error("GET  / HTTP/1.1\r\nHost: a\r\n\r\n"), ParseError::kBadTarget);
  EXPECT_EQ(request_error("GET /  HTTP/1.1\r\nHost: a\r\n\r\n"), ParseError::kBadVersion);
  EXPECT_EQ(request_error(" GET / HTTP/1.1\r\nHost: a\r\n\r\n"), ParseError::kBadMethod);
  EXPECT_EQ(request_error("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), ParseError::kBadMethod);
  EXPECT_EQ(request_error("G(T / HTTP/1.1\r\nHost: a\r\n\r\n"), ParseError::kBadMethod);
  EXPECT_EQ(request_error("GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n"), ParseError::kBadTarget);
  EXPECT_EQ(request_error("GET / HTTP/1.1 \r\nHost: a\r\n\r\n"), ParseError::kBadVersion);
  EXPECT_EQ(request_error("GET / http/1.1\r\nHost: a\r\n\r\n"), ParseError::kBadVersion);
  EXPECT_EQ(request_error("GET / HTTP/1.10\r\nHost: a\r\n\r\n"), ParseError::kBadVersion);
  EXPECT_EQ(request_error("GET / HTTP/11\r\nHost: a\r\n\r\n"), ParseError::kBadVersion);
}

TEST(H1Parser, AWellFormedVersionOtherThan10Or11Is505) {
  for (const char* v : {"HTTP/2.0", "HTTP/0.9", "HTTP/1.2", "HTTP/9.9"}) {
    const ParseError e = request_error(std::string("GET / ") + v + "\r\nHost: a\r\n\r\n");
    EXPECT_EQ(e, ParseError::kUnsupportedVersion) << v;
    EXPECT_EQ(error_status(e), 505);
  }
}

TEST(H1Parser, LimitsGiveTheirStatuses) {
  Limits limits;
  limits.max_target_bytes = 16;
  EXPECT_EQ(request_error("GET /" + std::string(16, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n", limits),
            ParseError::kTargetTooLong);
  EXPECT_EQ(request_error("GET /" + std::string(15, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n", limits),
            ParseError::kNone);
  // A target too long is refused before the line is complete.
  Head head;
  EXPECT_EQ(request("GET /" + std::string(40, 'a'), head, limits).error,
            ParseError::kTargetTooLong);
  EXPECT_EQ(error_status(ParseError::kTargetTooLong), 414);

  limits = {};
  limits.max_method_bytes = 8;
  EXPECT_EQ(request_error("ABCDEFGHI / HTTP/1.1\r\nHost: a\r\n\r\n", limits),
            ParseError::kMethodTooLong);
  EXPECT_EQ(error_status(ParseError::kMethodTooLong), 501);

  limits = {};
  limits.max_fields = 3;
  EXPECT_EQ(request_error(with_fields("Host: a\r\nA: 1\r\nB: 2\r\n"), limits), ParseError::kNone);
  EXPECT_EQ(request_error(with_fields("Host: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n"), limits),
            ParseError::kTooManyFields);
  EXPECT_EQ(error_status(ParseError::kTooManyFields), 431);
}

TEST(H1Parser, AHeadLargerThanTheLimitIs431EvenBeforeItEnds) {
  Limits limits;
  limits.max_head_bytes = 64;
  const std::string prefix = "GET / HTTP/1.1\r\nHost: a\r\nX: ";
  const std::string exact = prefix + std::string(64 - prefix.size() - 4, 'v') + "\r\n\r\n";
  ASSERT_EQ(exact.size(), 64u);
  EXPECT_EQ(request_error(exact, limits), ParseError::kNone);
  EXPECT_EQ(request_error(prefix + std::string(64 - prefix.size() - 3, 'v') + "\r\n\r\n", limits),
            ParseError::kHeadTooLarge);
  Head head;
  const std::string endless = "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(200, 'v');
  EXPECT_EQ(request(std::string_view(endless).substr(0, 63), head, limits).status,
            ParseStatus::kNeedMore);
  EXPECT_EQ(request(std::string_view(endless).substr(0, 64), head, limits).error,
            ParseError::kHeadTooLarge);
  EXPECT_EQ(error_status(ParseError::kHeadTooLarge), 431);
  // The default is 64 KiB.
  EXPECT_EQ(
      request_error("GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(70000, 'v') + "\r\n\r\n"),
      ParseError::kHeadTooLarge);
}

TEST(H1Parser, ReusingAHeadForgetsThePreviousMessage) {
  Head head;
  ASSERT_TRUE(
      request(with_fields(
                  "Host: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\nConnection: close\r\n"),
              head)
          .done());
  ASSERT_TRUE(request("GET / HTTP/1.1\r\nHost: b\r\n\r\n", head).done());
  EXPECT_EQ(head.fields().size(), 1u);
  EXPECT_EQ(head.framing, Framing::kNone);
  EXPECT_FALSE(head.expect_continue);
  EXPECT_TRUE(head.keep_alive);
}

// The same refusal the Beast path gives through request_checks' framing_problem, status for status.
TEST(H1Parser, GivesFramingProblemsStatusForTheSameShapes) {
  namespace bhttp = boost::beast::http;
  const std::vector<std::pair<unsigned, std::vector<std::pair<std::string, std::string>>>> shapes =
      {
          {11, {{"Host", "x"}}},
          {11, {{"Host", "x"}, {"Transfer-Encoding", "chunked"}}},
          {11, {{"Host", "x"}, {"Transfer-Encoding", " Chunked "}}},
          {10, {}},
          {11, {}},
          {11, {{"Host", "a"}, {"Host", "b"}}},
          {11, {{"Host", "x"}, {"Transfer-Encoding", "chunked, identity"}}},
          {11, {{"Host", "x"}, {"Transfer-Encoding", "xchunked"}}},
          {11, {{"Host", "x"}, {"Transfer-Encoding", "chunked;ext=1"}}},
          {11, {{"Host", "x"}, {"Transfer-Encoding", ","}}},
          {11, {{"Host", "x"}, {"Transfer-Encoding", "chunked, chunked"}}},
          {11, {{"Host", "x"}, {"Transfer-Encoding", "gzip, chunked"}}},
          {11, {{"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Content-Length", "3"}}},
          {10, {{"Transfer-Encoding", "chunked"}}},
      };
  for (const auto& [version, fields] : shapes) {
    bhttp::request_header<> h;
    h.method(bhttp::verb::post);
    h.target("/x");
    h.version(version);
    std::string text = version == 11 ? "POST /x HTTP/1.1\r\n" : "POST /x HTTP/1.0\r\n";
    for (const auto& [k, v] : fields) {
      h.insert(k, v);
      text += k + ": " + v + "\r\n";
    }
    text += "\r\n";
    const auto problem = framing_problem(h);
    const ParseError e = request_error(text);
    EXPECT_EQ(e == ParseError::kNone ? 0 : error_status(e), problem ? problem->status : 0) << text;
  }
}

TEST(H1Parser, ErrorsMapToAProblemWithAMessage) {
  const common::Problem p = error_problem(ParseError::kContentLengthWithTransferEncoding);
  EXPECT_EQ(p.status, 400);
  EXPECT_NE(p.description.find("Content-Length"), std::string::npos);
  EXPECT_EQ(error_problem(ParseError::kHeadTooLarge).status, 431);
}

TEST(H1Parser, ParsesAResponseAndItsFraming) {
  Head head;
  const std::string text =
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nhi";
  ParseResult r = parse_response(text, head, false);
  ASSERT_TRUE(r.done());
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.reason, "OK");
  EXPECT_EQ(head.framing, Framing::kContentLength);
  EXPECT_EQ(head.count(FieldId::kSetCookie), 2u);
  EXPECT_EQ(r.consumed, text.size() - 2);

  ASSERT_TRUE(
      parse_response("HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n", head, false).done());
  EXPECT_EQ(head.reason, "");
  EXPECT_EQ(head.framing, Framing::kChunked);
  ASSERT_TRUE(parse_response("HTTP/1.1 200 OK\r\n\r\n", head, false).done());
  EXPECT_EQ(head.framing, Framing::kUntilClose);
  EXPECT_FALSE(head.keep_alive);
  // RFC 9112 section 6.3: a final coding other than chunked means "read until close".
  ASSERT_TRUE(
      parse_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", head, false).done());
  EXPECT_EQ(head.framing, Framing::kUntilClose);
  EXPECT_FALSE(head.keep_alive);
  ASSERT_TRUE(
      parse_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", head, false)
          .done());
  EXPECT_EQ(head.framing, Framing::kChunked);
}

TEST(H1Parser, InterimNoContentNotModifiedAndHeadResponsesHaveNoBody) {
  Head head;
  for (const char* status :
       {"100 Continue", "103 Early Hints", "204 No Content", "304 Not Modified"}) {
    ASSERT_TRUE(parse_response(std::string("HTTP/1.1 ") + status + "\r\nContent-Length: 10\r\n\r\n",
                               head, false)
                    .done());
    EXPECT_EQ(head.framing, Framing::kNone) << status;
    EXPECT_TRUE(head.keep_alive) << status;
  }
  ASSERT_TRUE(parse_response("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", head, true).done());
  EXPECT_EQ(head.framing, Framing::kNone);
  ASSERT_TRUE(
      parse_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", head, true).done());
  EXPECT_EQ(head.framing, Framing::kNone);
}

TEST(H1Parser, SwitchingProtocolsIsAnUpgrade) {
  Head head;
  ASSERT_TRUE(
      parse_response(
          "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
          head, false)
          .done());
  EXPECT_TRUE(head.upgrade);
  EXPECT_EQ(head.framing, Framing::kNone);
}

TEST(H1Parser, RefusesResponseSmugglingShapes) {
  EXPECT_EQ(
      response_error("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"),
      ParseError::kContentLengthWithTransferEncoding);
  EXPECT_EQ(
      response_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"),
      ParseError::kContentLengthWithTransferEncoding);
  EXPECT_EQ(response_error("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n"),
            ParseError::kMultipleContentLength);
  EXPECT_EQ(response_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"),
            ParseError::kBadTransferEncoding);
  EXPECT_EQ(response_error("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
            ParseError::kTransferEncodingInHttp10);
}

TEST(H1Parser, RefusesMalformedStatusLines) {
  EXPECT_EQ(response_error("HTTP/1.1 200\r\n\r\n"),
            ParseError::kBadStatus);  // the space before the reason is required
  EXPECT_EQ(response_error("HTTP/1.1 20 OK\r\n\r\n"), ParseError::kBadStatus);
  EXPECT_EQ(response_error("HTTP/1.1 099 Low\r\n\r\n"), ParseError::kBadStatus);
  EXPECT_EQ(response_error("HTTP/1.1 2000 OK\r\n\r\n"), ParseError::kBadStatus);
  EXPECT_EQ(response_error("HTTP/1.1  200 OK\r\n\r\n"), ParseError::kBadStatus);
  EXPECT_EQ(response_error("HTTP/1.1 200 O\x01K\r\n\r\n"), ParseError::kBadReason);
  EXPECT_EQ(response_error("HTTP/1.1 200 OK\n\r\n"), ParseError::kBadLineEnding);
  EXPECT_EQ(response_error("HTTP/2 200 OK\r\n\r\n"), ParseError::kBadVersion);
  EXPECT_EQ(response_error("ICY 200 OK\r\n\r\n"), ParseError::kBadVersion);
}

}  // namespace
}  // namespace archway::http::h1
