// The editable field table and the head writer (src/http/h1/fields.h, writer.h): a proxy's edits,
// their safety, and heads that parse back to what was written.
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "http/h1/fields.h"
#include "http/h1/writer.h"

namespace archway::http::h1 {
namespace {

const std::string kRequest =
    "POST /cap/1.0.0/items?q=1 HTTP/1.1\r\nHost: gw.example\r\nUser-Agent: test\r\nAuthorization: "
    "Bearer abc\r\n"
    "Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\nContent-Length: "
    "4\r\nX-Trace: t1\r\n"
    "x-trace: t2\r\n\r\nbody";

TEST(H1FieldId, EveryKnownNameIsFoundInAnyCaseAndNoOtherByteMatchesOneOfItsBytes) {
  for (int i = 1; i < static_cast<int>(FieldId::kCount); ++i) {
    const auto id = static_cast<FieldId>(i);
    const std::string name(field_name(id));
    std::string upper = name, lower = name, mixed = name;
    for (std::size_t j = 0; j < name.size(); ++j) {
      upper[j] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[j])));
      lower[j] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[j])));
      mixed[j] = j % 2 ? upper[j] : lower[j];
    }
    EXPECT_EQ(field_id(name), id) << name;
    EXPECT_EQ(field_id(upper), id) << upper;
    EXPECT_EQ(field_id(lower), id) << lower;
    EXPECT_EQ(field_id(mixed), id) << mixed;
    // Any other byte at any position, the case flip of '-' (CR) and the neighbours of letters
    // ('@', '[', '`', '{') included, makes the name another one.
    for (std::size_t j = 0; j < name.size(); ++j)
      for (int c = 0; c < 256; ++c) {
        if (std::tolower(c) == std::tolower(static_cast<unsigned char>(name[j]))) continue;
        std::string changed = mixed;
        changed[j] = static_cast<char>(c);
        ASSERT_NE(field_id(changed), id) << name << " with byte " << c << " at " << j;
      }
    EXPECT_EQ(field_id(name + "x"), FieldId::kOther) << name;
    EXPECT_NE(field_id(name.substr(0, name.size() - 1)), id) << name;
  }
  EXPECT_EQ(field_id(""), FieldId::kOther);
  EXPECT_EQ(field_id("X-Forwarded-Fo"), FieldId::kOther);
}

TEST(H1Fields, StartsAsViewsOfTheParsedHead) {
  Head head;
  ASSERT_TRUE(parse_request(kRequest, head).done());
  Fields fields;
  fields.assign(head.fields());
  ASSERT_EQ(fields.size(), head.fields().size());
  EXPECT_EQ(fields.find(FieldId::kHost)->value.data(), head.find(FieldId::kHost)->value.data());
  EXPECT_EQ(fields.find("user-agent")->value, "test");
  EXPECT_EQ(fields.find("X-TRACE")->value, "t1");
}

TEST(H1Fields, SetReplacesInPlaceAndDropsRepeats) {
  Head head;
  ASSERT_TRUE(parse_request(kRequest, head).done());
  Fields fields;
  fields.assign(head.fields());
  ASSERT_TRUE(fields.set("X-Trace", "t3"));
  EXPECT_EQ(fields.find("x-trace")->value, "t3");
  EXPECT_EQ(fields.erase("x-trace"), 1u);
  ASSERT_TRUE(fields.set(FieldId::kXForwardedFor, "10.0.0.1"));
  EXPECT_EQ(fields.view().back().name, "X-Forwarded-For");
  ASSERT_TRUE(fields.add(FieldId::kXForwardedFor, "10.0.0.2"));
  EXPECT_EQ(fields.count(FieldId::kXForwardedFor), 2u);
  ASSERT_TRUE(fields.set("x-forwarded-for", "10.0.0.3"));
  EXPECT_EQ(fields.count(FieldId::kXForwardedFor), 1u);
  EXPECT_EQ(fields.find(FieldId::kXForwardedFor)->value, "10.0.0.3");
  EXPECT_EQ(fields.erase(FieldId::kAuthorization), 1u);
  EXPECT_EQ(fields.find(FieldId::kAuthorization), nullptr);
  EXPECT_EQ(fields.erase("absent"), 0u);
}

TEST(H1Fields, RefusesNamesAndValuesThatWouldSplitTheHead) {
  Fields fields;
  EXPECT_FALSE(fields.set("X-A", "v\r\nInjected: 1"));
  EXPECT_FALSE(fields.add("X-A", "v\nw"));
  EXPECT_FALSE(fields.add("X-A", std::string("v\0w", 3)));
  EXPECT_FALSE(fields.add("X A", "v"));
  EXPECT_FALSE(fields.add("X:A", "v"));
  EXPECT_FALSE(fields.add("", "v"));
  EXPECT_FALSE(fields.set(FieldId::kOther, "v"));
  EXPECT_TRUE(fields.empty());
  EXPECT_TRUE(fields.add("X-A", " v\tw "));
  EXPECT_EQ(fields.find("x-a")->value, "v\tw");
}

TEST(H1Fields, CopiedValuesOutliveTheirSourceAndStayPutAsTheTableGrows) {
  Fields fields;
  std::string source = "first";
  ASSERT_TRUE(fields.add("X-0", source));
  const std::string_view first = fields.find("x-0")->value;
  source = "XXXXX";
  for (int i = 1; i < 500; ++i)
    ASSERT_TRUE(fields.add("X-" + std::to_string(i), std::string(100, 'a' + i % 26)));
  ASSERT_TRUE(fields.add("X-Big", std::string(10000, 'b')));
  EXPECT_EQ(first, "first");
  EXPECT_EQ(first.data(), fields.find("x-0")->value.data());
  EXPECT_EQ(fields.find("x-big")->value, std::string(10000, 'b'));
  EXPECT_EQ(fields.find("x-499")->value, std::string(100, 'a' + 499 % 26));
}

TEST(H1Fields, EraseHopByHopRemovesConnectionAndWhatItNames) {
  Head head;
  ASSERT_TRUE(parse_request(kRequest, head).done());
  Fields fields;
  fields.assign(head.fields());
  EXPECT_EQ(fields.erase_hop_by_hop(), 3u);  // Connection, X-Hop, Keep-Alive
  EXPECT_EQ(fields.find("x-hop"), nullptr);
  EXPECT_EQ(fields.find(FieldId::kConnection), nullptr);
  EXPECT_EQ(fields.find(FieldId::kKeepAlive), nullptr);
  EXPECT_NE(fields.find(FieldId::kContentLength), nullptr);
  ASSERT_TRUE(fields.add(FieldId::kUpgrade, "websocket"));
  ASSERT_TRUE(fields.add(FieldId::kTransferEncoding, "chunked"));
  ASSERT_TRUE(fields.add(FieldId::kTe, "trailers"));
  EXPECT_EQ(fields.erase_hop_by_hop(), 3u);
}

TEST(H1Fields, EraseHopByHopHandlesAConnectionFieldNamingManyFields) {
  Fields fields;
  std::string connection;
  for (int i = 0; i < 12; ++i) {
    connection += (i ? ", x-h" : "x-h") + std::to_string(i);
    ASSERT_TRUE(fields.add("X-H" + std::to_string(i), "v"));
  }
  ASSERT_TRUE(fields.add("X-Kept", "v"));
  ASSERT_TRUE(fields.add(FieldId::kConnection, connection));
  ASSERT_TRUE(fields.add(FieldId::kConnection, "close"));
  EXPECT_EQ(fields.erase_hop_by_hop(), 14u);
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_EQ(fields.view()[0].name, "X-Kept");
}

TEST(H1Fields, EraseHopByHopDropsKnownFieldsConnectionNamesAndTheExtraIdsInOnePass) {
  for (const bool many : {false, true}) {  // a few names, and more than the gathered handful
    Fields fields;
    std::string connection = "keep-alive, Cookie, x-one";
    if (many)
      for (int i = 0; i < 12; ++i) connection += ", x-m" + std::to_string(i);
    ASSERT_TRUE(fields.add(FieldId::kConnection, connection));
    ASSERT_TRUE(fields.add(FieldId::kKeepAlive, "timeout=5"));
    ASSERT_TRUE(fields.add(FieldId::kCookie, "a=1"));
    ASSERT_TRUE(fields.add("X-One", "1"));
    ASSERT_TRUE(fields.add("X-M3", "3"));
    ASSERT_TRUE(fields.add(FieldId::kExpect, "100-continue"));
    ASSERT_TRUE(fields.add(FieldId::kProxyAuthorization, "Basic eDp5"));
    ASSERT_TRUE(fields.add(FieldId::kHost, "h"));
    ASSERT_TRUE(fields.add("X-Kept", "v"));
    const std::size_t erased =
        fields.erase_hop_by_hop({FieldId::kExpect, FieldId::kProxyAuthorization, FieldId::kOther});
    EXPECT_EQ(erased, many ? 7u : 6u) << many;
    ASSERT_EQ(fields.size(), many ? 2u : 3u) << many;
    EXPECT_NE(fields.find(FieldId::kHost), nullptr);
    EXPECT_NE(fields.find("x-kept"), nullptr);
    EXPECT_EQ(fields.find(FieldId::kCookie), nullptr);
    EXPECT_EQ(fields.find("x-one"), nullptr);
    EXPECT_EQ(fields.find(FieldId::kExpect), nullptr);
    EXPECT_EQ(fields.find("x-m3") != nullptr, !many) << many;
  }
}

TEST(H1Writer, ARequestHeadParsesBackToWhatWasWritten) {
  Head head;
  ASSERT_TRUE(parse_request(kRequest, head).done());
  Fields fields;
  fields.assign(head.fields());
  fields.erase_hop_by_hop();
  ASSERT_TRUE(fields.set(FieldId::kHost, "backend:8080"));
  ASSERT_TRUE(fields.add(FieldId::kXForwardedFor, "192.0.2.1"));
  std::string out;
  ASSERT_TRUE(write_request_head(out, head.method_text, "/items?q=1", 11, fields.view()));
  EXPECT_EQ(out.substr(0, 30), "POST /items?q=1 HTTP/1.1\r\nHost");
  Head back;
  const ParseResult r = parse_request(out, back);
  ASSERT_TRUE(r.done());
  EXPECT_EQ(r.consumed, out.size());
  EXPECT_EQ(back.target, "/items?q=1");
  ASSERT_EQ(back.fields().size(), fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    EXPECT_EQ(back.fields()[i].name, fields.view()[i].name);
    EXPECT_EQ(back.fields()[i].value, fields.view()[i].value);
  }
  EXPECT_EQ(back.framing, Framing::kContentLength);
  EXPECT_EQ(back.content_length, 4u);
}

TEST(H1Writer, AResponseHeadGetsTheStandardReasonWhenNoneIsGiven) {
  Fields fields;
  ASSERT_TRUE(fields.add(FieldId::kContentLength, "0"));
  std::string out;
  ASSERT_TRUE(write_response_head(out, 11, 404, "", fields.view()));
  EXPECT_EQ(out, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(write_response_head(out, 10, 299, "Custom", {}));
  EXPECT_EQ(out, "HTTP/1.0 299 Custom\r\n\r\n");
  Head back;
  ASSERT_TRUE(parse_response(out, back, false).done());
  EXPECT_EQ(back.status, 299);
  EXPECT_EQ(back.reason, "Custom");
}

TEST(H1Writer, RefusesAStartLineThatWouldSplitTheHead) {
  std::string out = "old";
  EXPECT_FALSE(write_request_head(out, "GET", "/a\r\nX-Injected: 1", 11, {}));
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(write_request_head(out, "GET", "/a b", 11, {}));
  EXPECT_FALSE(write_request_head(out, "GET", "", 11, {}));
  EXPECT_FALSE(write_request_head(out, "G T", "/", 11, {}));
  EXPECT_FALSE(write_response_head(out, 11, 200, "OK\r\nX-Injected: 1", {}));
  EXPECT_FALSE(write_response_head(out, 11, 99, "Low", {}));
  EXPECT_FALSE(write_response_head(out, 11, 1000, "High", {}));
  EXPECT_TRUE(write_response_head(out, 11, 200, "Fine\tthanks", {}));
}

}  // namespace
}  // namespace archway::http::h1
