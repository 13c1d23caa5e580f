// Request framing (RFC 9112) and path normalisation (RFC 3986) checks shared by every listener.
#include "http/request_checks.h"

#include <gtest/gtest.h>

#include <boost/beast/http.hpp>

namespace archway::http {
namespace {

namespace bhttp = boost::beast::http;

bhttp::request_header<> header(unsigned version, std::vector<std::pair<std::string, std::string>> fields) {
  bhttp::request_header<> h;
  h.method(bhttp::verb::post);
  h.target("/x");
  h.version(version);
  for (const auto& [k, v] : fields) h.insert(k, v);
  return h;
}

int status_of(const std::optional<common::Problem>& p) { return p ? p->status : 0; }

TEST(RequestFraming, SoundRequestsPass) {
  EXPECT_EQ(status_of(framing_problem(header(11, {{"Host", "x"}}))), 0);
  EXPECT_EQ(status_of(framing_problem(header(11, {{"Host", "x"}, {"Content-Length", "3"}}))), 0);
  EXPECT_EQ(status_of(framing_problem(header(11, {{"Host", "x"}, {"Transfer-Encoding", "chunked"}}))), 0);
  EXPECT_EQ(status_of(framing_problem(header(11, {{"Host", "x"}, {"Transfer-Encoding", " Chunked "}}))), 0);
  EXPECT_EQ(status_of(framing_problem(header(10, {}))), 0);  // HTTP/1.0 needs no Host
}

TEST(RequestFraming, Http11WithoutHostOrWithTwoHostsIs400) {
  EXPECT_EQ(status_of(framing_problem(header(11, {}))), 400);
  EXPECT_EQ(status_of(framing_problem(header(11, {{"Host", "a"}, {"Host", "b"}}))), 400);
}

TEST(RequestFraming, TransferEncodingWhoseFinalCodingIsNotChunkedIs400) {
  for (const char* te : {"chunked, identity", "xchunked", "identity", "chunked;ext=1", "gzip", ",", "chunked, chunked"})
    EXPECT_EQ(status_of(framing_problem(header(11, {{"Host", "x"}, {"Transfer-Encoding", te}}))), 400) << te;
  // Two fields are one list: the final coding is the second field's.
  EXPECT_EQ(status_of(framing_problem(
                header(11, {{"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "identity"}}))),
            400);
}

TEST(RequestFraming, TransferEncodingWithContentLengthOrInHttp10Is400) {
  EXPECT_EQ(status_of(framing_problem(
                header(11, {{"Host", "x"}, {"Transfer-Encoding", "xchunked"}, {"Content-Length", "3"}}))),
            400);
  EXPECT_EQ(status_of(framing_problem(
                header(11, {{"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Content-Length", "3"}}))),
            400);
  EXPECT_EQ(status_of(framing_problem(header(10, {{"Transfer-Encoding", "chunked"}}))), 400);
}

TEST(RequestFraming, OtherCodingsBeforeChunkedAre501) {
  EXPECT_EQ(status_of(framing_problem(header(11, {{"Host", "x"}, {"Transfer-Encoding", "gzip, chunked"}}))), 501);
}

struct Case {
  const char* in;
  PathVerdict verdict;
  const char* out;  // for kNormalized
};

TEST(PathNormalization, DotSegmentsAndEscapesOfUnreservedCharactersAreNormalised) {
  const Case cases[] = {
      {"/cap/1.0.0/first", PathVerdict::kSame, ""},
      {"/cap/1.0.0/.well-known/x", PathVerdict::kSame, ""},
      {"/cap/1.0.0/a..b/c.", PathVerdict::kSame, ""},
      {"/a/./b/../c", PathVerdict::kNormalized, "/a/c"},
      {"/cap/1.0.0/../../admin", PathVerdict::kNormalized, "/admin"},
      {"/cap/1.0.0/%2e%2E/%2E%2e/admin", PathVerdict::kNormalized, "/admin"},
      {"/a/b/.", PathVerdict::kNormalized, "/a/b/"},
      {"/a/b/..", PathVerdict::kNormalized, "/a/"},
      {"/a//../b", PathVerdict::kNormalized, "/a/b"},
      {"/x%41%7e", PathVerdict::kNormalized, "/xA~"},
      {"/x%3a%20y", PathVerdict::kNormalized, "/x%3A%20y"},
      {"/x%3A%20y", PathVerdict::kSame, ""},
      {"/.", PathVerdict::kNormalized, "/"},
      {"/a/..", PathVerdict::kNormalized, "/"},
  };
  for (const Case& c : cases) {
    std::string out;
    const PathVerdict v = normalize_path(c.in, false, out);
    EXPECT_EQ(v, c.verdict) << c.in;
    if (c.verdict == PathVerdict::kNormalized) {
      EXPECT_EQ(out, c.out) << c.in;
    }
  }
}

TEST(PathNormalization, WhatWouldClimbAboveTheRootOrHideInEscapesIsRefused) {
  std::string out;
  EXPECT_EQ(normalize_path("/..", false, out), PathVerdict::kAboveRoot);
  EXPECT_EQ(normalize_path("/cap/1.0.0/../../../etc", false, out), PathVerdict::kAboveRoot);
  EXPECT_EQ(normalize_path("/cap/%2e%2e/%2e%2e/x", false, out), PathVerdict::kAboveRoot);
  EXPECT_EQ(normalize_path("/cap/x%00y", false, out), PathVerdict::kNul);
  EXPECT_EQ(normalize_path("/cap/x%zz", false, out), PathVerdict::kMalformed);
  EXPECT_EQ(normalize_path("/cap/x%4", false, out), PathVerdict::kMalformed);
  EXPECT_EQ(normalize_path("/cap/..%2fadmin", false, out), PathVerdict::kEncodedSlash);
  EXPECT_EQ(normalize_path("/cap/a%2Fb", false, out), PathVerdict::kEncodedSlash);
  EXPECT_EQ(normalize_path("/cap/a%5cb", false, out), PathVerdict::kEncodedSlash);
  EXPECT_EQ(path_problem(PathVerdict::kEncodedSlash).status, 400);
}

TEST(PathNormalization, AllowedEncodedSlashesStayEncodedAndDoNotSeparateSegments) {
  std::string out;
  EXPECT_EQ(normalize_path("/cap/a%2fb", true, out), PathVerdict::kNormalized);
  EXPECT_EQ(out, "/cap/a%2Fb");
  EXPECT_EQ(normalize_path("/cap/x/..%2F..%2Fadmin", true, out), PathVerdict::kSame);  // one segment, not dots
  EXPECT_EQ(normalize_path("/cap/a%2Fb", true, out), PathVerdict::kSame);
}

}  // namespace
}  // namespace archway::http
