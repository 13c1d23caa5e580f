#include "http/multipart.h"

#include <gtest/gtest.h>

#include "common/problem.h"
#include "http/rest_router.h"

namespace archway::http {
namespace {

using common::ProblemError;

const std::string kType = "multipart/form-data; boundary=XyZ";

std::string two_parts() {
  return "--XyZ\r\n"
         "Content-Disposition: form-data; name=\"file\"; filename=\"api.yaml\"\r\n"
         "Content-Type: application/yaml\r\n"
         "\r\n"
         "openapi: 3.0.1\r\n--not-the-boundary\r\n"
         "\r\n--XyZ\r\n"
         "content-disposition: form-data; name=additionalProperties\r\n"
         "\r\n"
         "{\"name\":\"x\"}\r\n"
         "--XyZ--\r\n";
}

TEST(Multipart, SplitsPartsWithNamesFilenamesTypesAndExactBodies) {
  const std::string body = two_parts();
  auto parts = parse_multipart(kType, body);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "file");
  EXPECT_EQ(parts[0].filename, "api.yaml");
  EXPECT_EQ(parts[0].content_type, "application/yaml");
  EXPECT_EQ(parts[0].body, "openapi: 3.0.1\r\n--not-the-boundary\r\n");
  EXPECT_EQ(parts[1].name, "additionalProperties");
  EXPECT_EQ(parts[1].filename, "");
  EXPECT_EQ(parts[1].content_type, "text/plain");
  EXPECT_EQ(parts[1].body, "{\"name\":\"x\"}");
  EXPECT_EQ(find_part(parts, "additionalProperties"), &parts[1]);
  EXPECT_EQ(find_part(parts, "url"), nullptr);
}

TEST(Multipart, AcceptsAPreambleQuotedBoundaryAndBinaryBodies) {
  std::string bin("\x89PNG\r\n\x1a\n\0\0", 10);
  const std::string body = "preamble text\r\n--a b\r\nContent-Disposition: form-data; name=\"img\"; filename=\"t.png\"\r\n\r\n" +
                           bin + "\r\n--a b--";
  auto parts = parse_multipart("multipart/form-data; charset=utf-8; boundary=\"a b\"", body);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].body, bin);
}

TEST(Multipart, RefusesMalformedBodiesWith400) {
  auto status_of = [](const std::string& type, const std::string& body) {
    try {
      parse_multipart(type, body);
    } catch (const ProblemError& e) {
      return e.problem().status;
    }
    return 0;
  };
  EXPECT_EQ(status_of("multipart/form-data", two_parts()), 400);  // no boundary
  EXPECT_EQ(status_of("multipart/form-data; boundary=Other", two_parts()), 400);
  EXPECT_EQ(status_of(kType, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end"), 400);
  EXPECT_EQ(status_of(kType, "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--"), 400);  // no disposition
  EXPECT_EQ(status_of(kType, "--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--"), 400);  // no name
  EXPECT_EQ(status_of(kType, "--XyZ\r\nbroken header\r\n\r\nx\r\n--XyZ--"), 400);
}

TEST(Multipart, FormPartsRefusesOtherMediaTypesWith415) {
  RestRequest req;
  req.headers.emplace_back("content-type", "application/json");
  req.body = "{}";
  try {
    form_parts(req);
    FAIL() << "expected a problem";
  } catch (const ProblemError& e) {
    EXPECT_EQ(e.problem().status, 415);
  }
}

TEST(Multipart, HeaderParamReadsQuotedAndBareValues) {
  EXPECT_EQ(header_param("form-data; name=\"a;b\"; filename=x.txt", "filename"), "x.txt");
  EXPECT_EQ(header_param("form-data; name=\"a;b\"; filename=x.txt", "name"), "a;b");
  EXPECT_EQ(header_param("form-data; name=\"say \\\"hi\\\"\"", "name"), "say \"hi\"");
  EXPECT_EQ(header_param("text/plain", "charset"), std::nullopt);
}

}  // namespace
}  // namespace archway::http
