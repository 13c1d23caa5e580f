#include "domain/document.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/problem.h"
#include "domain/image.h"

namespace archway::domain {
namespace {

std::string rejection(const std::string& body) {
  try {
    std::optional<std::string> text;
    document_from_json(boost::json::parse(body).as_object(), &text);
  } catch (const common::ProblemError& e) {
    EXPECT_EQ(e.problem().status, 400);
    return e.problem().description;
  }
  return "";
}

TEST(DocumentJson, ReadsAnInlineDocumentWithItsContentApart) {
  std::optional<std::string> text;
  const Document d = document_from_json(
      boost::json::parse(R"({"name":"Guide","type":"HOWTO","summary":"s","sourceType":"MARKDOWN",
                             "visibility":"PRIVATE","inlineContent":"# Hi"})")
          .as_object(),
      &text);
  EXPECT_EQ(d.name, "Guide");
  EXPECT_EQ(d.source_type, "MARKDOWN");
  EXPECT_EQ(d.visibility, "PRIVATE");
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "# Hi");
  const auto o = document_to_json(d);
  EXPECT_EQ(o.at("sourceType").as_string(), "MARKDOWN");
  EXPECT_TRUE(o.at("sourceUrl").is_null());
}

TEST(DocumentJson, VisibilityDefaultsToApiLevel) {
  std::optional<std::string> text;
  const Document d = document_from_json(
      boost::json::parse(R"({"name":"G","type":"SAMPLES","sourceType":"FILE"})").as_object(), &text);
  EXPECT_EQ(d.visibility, "API_LEVEL");
  EXPECT_FALSE(text);
}

TEST(DocumentJson, RejectionsNameTheField) {
  EXPECT_NE(rejection(R"({"type":"HOWTO","sourceType":"INLINE"})").find("'name'"), std::string::npos);
  EXPECT_NE(rejection(R"({"name":"a/b","type":"HOWTO","sourceType":"INLINE"})").find("'name'"), std::string::npos);
  EXPECT_NE(rejection(R"({"name":"a","type":"GUIDE","sourceType":"INLINE"})").find("'type'"), std::string::npos);
  EXPECT_NE(rejection(R"({"name":"a","type":"OTHER","sourceType":"INLINE"})").find("'otherTypeName'"),
            std::string::npos);
  EXPECT_NE(rejection(R"({"name":"a","type":"HOWTO","sourceType":"PDF"})").find("'sourceType'"), std::string::npos);
  EXPECT_NE(rejection(R"({"name":"a","type":"HOWTO","sourceType":"URL"})").find("'sourceUrl'"), std::string::npos);
  EXPECT_NE(rejection(R"j({"name":"a","type":"HOWTO","sourceType":"URL","sourceUrl":"javascript:alert(1)"})j")
                .find("'sourceUrl'"),
            std::string::npos);
  EXPECT_NE(rejection(R"({"name":"a","type":"HOWTO","sourceType":"INLINE","visibility":"ALL"})").find("'visibility'"),
            std::string::npos);
  EXPECT_NE(rejection(R"({"name":"a","type":"HOWTO","sourceType":"FILE","inlineContent":"x"})").find("'inlineContent'"),
            std::string::npos);
  EXPECT_NE(rejection(R"({"name":"a","type":"HOWTO","sourceType":"INLINE","summary":")" + std::string(2000, 'x') +
                      "\"}")
                .find("'summary'"),
            std::string::npos);
  EXPECT_NE(rejection(R"({"name":5,"type":"HOWTO","sourceType":"INLINE"})").find("name"), std::string::npos);
}

TEST(DocumentJson, OtherTypeNameOnlyForOther) {
  std::optional<std::string> text;
  const Document d = document_from_json(
      boost::json::parse(R"({"name":"a","type":"HOWTO","otherTypeName":"x","sourceType":"INLINE"})").as_object(), &text);
  EXPECT_EQ(d.other_type_name, "");
  const Document o = document_from_json(
      boost::json::parse(R"({"name":"a","type":"OTHER","otherTypeName":"Policy","sourceType":"INLINE"})").as_object(),
      &text);
  EXPECT_EQ(document_to_json(o).at("otherTypeName").as_string(), "Policy");
}

TEST(FileNames, KeepOnlyTheBaseNameAndRefuseQuotesAndControls) {
  EXPECT_EQ(checked_file_name("../../etc/passwd", "file"), "passwd");
  EXPECT_EQ(checked_file_name("C:\\docs\\guide.pdf", "file"), "guide.pdf");
  EXPECT_THROW(checked_file_name("", "file"), common::ProblemError);
  EXPECT_THROW(checked_file_name("dir/", "file"), common::ProblemError);
  EXPECT_THROW(checked_file_name("a\"b.pdf", "file"), common::ProblemError);
  EXPECT_THROW(checked_file_name("a\r\nb.pdf", "file"), common::ProblemError);
}

TEST(ImageMediaType, RecognisesEachFormatByItsBytes) {
  EXPECT_EQ(image_media_type(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)), "image/png");
  EXPECT_EQ(image_media_type("\xFF\xD8\xFF\xE0\0\x10JFIF"), "image/jpeg");
  EXPECT_EQ(image_media_type("GIF89a\x01\0\x01\0"), "image/gif");
  EXPECT_EQ(image_media_type("GIF87a\x01\0\x01\0"), "image/gif");
  EXPECT_EQ(image_media_type(std::string("RIFF\x24\0\0\0WEBPVP8 ", 16)), "image/webp");
  EXPECT_EQ(image_media_type("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), "image/svg+xml");
  EXPECT_EQ(image_media_type("\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- logo -->\n<!DOCTYPE svg>\n<svg>"),
            "image/svg+xml");
}

TEST(ImageMediaType, RefusesWhatIsNotAnImage) {
  EXPECT_FALSE(image_media_type(""));
  EXPECT_FALSE(image_media_type("hello"));
  EXPECT_FALSE(image_media_type("%PDF-1.7"));
  EXPECT_FALSE(image_media_type("<html><svg></svg></html>"));
  EXPECT_FALSE(image_media_type("<svgfoo>"));
  EXPECT_FALSE(image_media_type(std::string("RIFF\x24\0\0\0WAVEfmt ", 16)));
  EXPECT_FALSE(image_media_type("\x89PNG"));
  EXPECT_FALSE(image_media_type("<?xml version=\"1.0\"?"));
}

}  // namespace
}  // namespace archway::domain
