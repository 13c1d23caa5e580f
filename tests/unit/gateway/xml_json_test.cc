// JSON <-> XML conversion (jsonToXML, xmlToJson): the documented mapping, escaping, namespaces,
// deep nesting and inputs that must be refused with a message saying why.
#include "gateway/xml_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <random>
#include <utility>

namespace archway::gateway {
namespace {

std::string to_xml(std::string_view json, std::string_view root = "jsonObject") {
  auto r = json_to_xml(json, root);
  EXPECT_TRUE(r.ok()) << r.error;
  return r.body;
}

boost::json::value to_json(std::string_view xml) {
  auto r = xml_to_json(xml);
  EXPECT_TRUE(r.ok()) << r.error;
  return r.ok() ? boost::json::parse(r.body) : boost::json::value();
}

TEST(JsonToXml, ObjectsBecomeElementsUnderTheRootInMemberOrder) {
  EXPECT_EQ(to_xml(R"({"order":{"id":"A1","qty":3,"paid":true,"note":null}})"),
            "<jsonObject><order><id>A1</id><qty>3</qty><paid>true</paid><note/></order></jsonObject>");
  EXPECT_EQ(to_xml(R"({"a":1.5,"b":-2,"c":1e3})", "doc"), "<doc><a>1.5</a><b>-2</b><c>1000</c></doc>");
}

TEST(JsonToXml, ArraysBecomeRepeatedElementsAndNestedArraysUseJsonElement) {
  EXPECT_EQ(to_xml(R"({"item":[1,2,3]})"), "<jsonObject><item>1</item><item>2</item><item>3</item></jsonObject>");
  EXPECT_EQ(to_xml(R"({"m":[[1,2],[3]]})"),
            "<jsonObject><m><jsonElement>1</jsonElement><jsonElement>2</jsonElement></m>"
            "<m><jsonElement>3</jsonElement></m></jsonObject>");
  EXPECT_EQ(to_xml(R"([{"a":1},"x"])"), "<jsonObject><jsonElement><a>1</a></jsonElement><jsonElement>x</jsonElement></jsonObject>");
  EXPECT_EQ(to_xml(R"({"empty":[]})"), "<jsonObject></jsonObject>");
}

TEST(JsonToXml, AtMembersAreAttributesAndHashTextIsTheText) {
  EXPECT_EQ(to_xml(R"({"price":{"@currency":"EUR","@exact":true,"#text":9.5}})"),
            R"(<jsonObject><price currency="EUR" exact="true">9.5</price></jsonObject>)");
}

TEST(JsonToXml, TextAndAttributesAreEscaped) {
  EXPECT_EQ(to_xml(R"({"q":{"@v":"a\"<&>\n\t","#text":"1 < 2 & 3 > 2 \"ok\"\r"}})"),
            "<jsonObject><q v=\"a&quot;&lt;&amp;&gt;&#10;&#9;\">1 &lt; 2 &amp; 3 &gt; 2 \"ok\"&#13;</q></jsonObject>");
  EXPECT_EQ(to_xml(R"({"u":"h\u00e9llo \u2603"})"), "<jsonObject><u>h\xC3\xA9llo \xE2\x98\x83</u></jsonObject>");
}

TEST(JsonToXml, NamespacePrefixesMustBeDeclaredWithXmlnsAttributes) {
  EXPECT_EQ(to_xml(R"({"s:Envelope":{"@xmlns:s":"urn:s","s:Body":{"m:op":{"@xmlns:m":"urn:m","@m:id":7}}}})"),
            R"(<jsonObject><s:Envelope xmlns:s="urn:s"><s:Body><m:op xmlns:m="urn:m" m:id="7"/></s:Body></s:Envelope></jsonObject>)");
  EXPECT_EQ(to_xml(R"({"doc":{"@xmlns":"urn:default","a":1}})"),
            R"(<jsonObject><doc xmlns="urn:default"><a>1</a></doc></jsonObject>)");
  auto r = json_to_xml(R"({"s:Body":1})", "jsonObject");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("prefix 's'"), std::string::npos) << r.error;
}

TEST(JsonToXml, RefusesNamesAndCharactersXmlCannotCarry) {
  auto bad_name = json_to_xml(R"({"first name":1})", "jsonObject");
  ASSERT_FALSE(bad_name.ok());
  EXPECT_NE(bad_name.error.find("'first name' is not a valid XML name"), std::string::npos) << bad_name.error;
  EXPECT_FALSE(json_to_xml(R"({"1abc":1})", "jsonObject").ok());
  auto control = json_to_xml(R"({"a":"bell\u0007"})", "jsonObject");
  ASSERT_FALSE(control.ok());
  EXPECT_NE(control.error.find("U+0007"), std::string::npos) << control.error;
  EXPECT_FALSE(json_to_xml(R"({"a":{"@b":[1]}})", "jsonObject").ok());
}

TEST(JsonToXml, InvalidJsonSaysWhere) {
  auto r = json_to_xml(R"({"a":1,})", "jsonObject");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("not valid JSON (at byte 7)"), std::string::npos) << r.error;
  EXPECT_FALSE(json_to_xml("", "jsonObject").ok());
  EXPECT_FALSE(json_to_xml("{\"a\":\"\xff\"}", "jsonObject").ok());  // not UTF-8
}

TEST(JsonToXml, NestingIsBounded) {
  std::string ok, deep;
  for (std::size_t i = 0; i < kMaxPayloadDepth - 1; ++i) ok += "{\"a\":";
  ok += "1" + std::string(kMaxPayloadDepth - 1, '}');
  EXPECT_TRUE(json_to_xml(ok, "r").ok());
  for (int i = 0; i < 1000; ++i) deep += "[";
  deep += std::string(1000, ']');
  auto r = json_to_xml(deep, "r");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("deeper than 64"), std::string::npos) << r.error;
}

TEST(XmlToJson, ElementsBecomeMembersAndRepeatedElementsArrays) {
  EXPECT_EQ(to_json("<order><id>A1</id><qty>3</qty><paid>true</paid><note/><item>x</item><item>y</item></order>"),
            boost::json::parse(R"({"order":{"id":"A1","qty":3,"paid":true,"note":null,"item":["x","y"]}})"));
}

TEST(XmlToJson, TheJsonObjectRootIsUnwrappedSoJsonToXmlRoundTrips) {
  const std::string original = R"({"a":{"@k":"v","#text":"t"},"b":[1,2],"c":{"d":false}})";
  EXPECT_EQ(to_json(to_xml(original)), boost::json::parse(original));
}

TEST(XmlToJson, AttributesTextAndNumbersFollowTheMapping) {
  EXPECT_EQ(to_json(R"(<p currency="EUR" n="007">9.50<!-- c --></p>)"),
            boost::json::parse(R"({"p":{"@currency":"EUR","@n":"007","#text":9.5}})"));
  EXPECT_EQ(to_json("<t>  1.0e2 </t>"), boost::json::parse(R"({"t":"  1.0e2 "})"));
  EXPECT_EQ(to_json(R"(<t a="2e99999">-1e400</t>)"), boost::json::parse(R"({"t":{"@a":"2e99999","#text":"-1e400"}})"));
  EXPECT_EQ(to_json("<t><![CDATA[<b>&</b>]]></t>"), boost::json::parse(R"({"t":"<b>&</b>"})"));
  EXPECT_EQ(to_json("<t>a &amp; b &#x263A;</t>"), boost::json::parse(R"({"t":"a & b \u263a"})"));
}

TEST(XmlToJson, NamespacesKeepTheirPrefixesAndDeclarations) {
  EXPECT_EQ(to_json(R"(<s:Envelope xmlns:s="urn:s"><s:Body><m:op xmlns:m="urn:m">1</m:op></s:Body></s:Envelope>)"),
            boost::json::parse(
                R"({"s:Envelope":{"@xmlns:s":"urn:s","s:Body":{"m:op":{"@xmlns:m":"urn:m","#text":1}}}})"));
}

TEST(XmlToJson, InvalidXmlIsRefusedWithTheReasonAndPosition) {
  auto r = xml_to_json("<a><b></a>");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("not valid XML"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("at byte"), std::string::npos) << r.error;
  EXPECT_FALSE(xml_to_json("").ok());
  EXPECT_FALSE(xml_to_json("{\"json\":true}").ok());
  EXPECT_FALSE(xml_to_json("<a/><b/>").ok());
}

TEST(XmlToJson, RefusesBytesThatAreNotUtf8) {
  auto r = xml_to_json("<a>\xb5</a>");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("not UTF-8 at byte 3"), std::string::npos) << r.error;
  EXPECT_FALSE(xml_to_json("<\xb5/>").ok());           // found by tests/fuzz/payload_fuzz.cc
  EXPECT_FALSE(xml_to_json("<a>\xed\xa0\x80</a>").ok());  // a surrogate
  EXPECT_FALSE(xml_to_json("<a>\xc0\xaf</a>").ok());      // overlong
  EXPECT_FALSE(xml_to_json("<a>\xe2\x98</a>").ok());      // truncated
  EXPECT_TRUE(xml_to_json("\xef\xbb\xbf<a>\xe2\x98\x83 \xf0\x9f\x98\x80</a>").ok());  // BOM, U+2603, U+1F600
}

TEST(XmlToJson, EntitiesFromADoctypeAreNotExpanded) {
  auto r = xml_to_json(R"(<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "boom">]><a>&x;</a>)");
  EXPECT_TRUE(!r.ok() || r.body.find("boom") == std::string::npos) << r.body;
}

TEST(XmlToJson, NestingIsBounded) {
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "<a>";
  for (int i = 0; i < 200; ++i) deep += "</a>";
  auto r = xml_to_json(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("deeper than 64"), std::string::npos) << r.error;
}

// `levels` <a> elements around "1", under a root named `root`.
std::string nested_elements(std::size_t levels, std::string_view root) {
  std::string xml = "<" + std::string(root) + ">";
  for (std::size_t i = 0; i < levels; ++i) xml += "<a>";
  xml += "1";
  for (std::size_t i = 0; i < levels; ++i) xml += "</a>";
  return xml + "</" + std::string(root) + ">";
}

// `levels` <a> elements, each with a sibling <a/>: every level is an array and an object.
std::string repeated_elements(std::size_t levels) {
  std::string inner = "1";
  for (std::size_t i = 0; i < levels; ++i) inner = "<a>" + inner + "</a><a/>";
  return "<r>" + inner + "</r>";
}

// Whether the gateway's JSON reader (the next payload step, schema validation) takes `json`.
bool json_reader_accepts(const std::string& json) {
  boost::json::monotonic_resource mr;
  std::string error;
  return parse_json_payload(json, &mr, error).has_value();
}

TEST(XmlToJson, WritesNoJsonTheJsonReaderRefuses) {
  // Repeated elements double the JSON's depth: 40 levels of XML are 81 of JSON.
  auto r = xml_to_json(repeated_elements(40));
  ASSERT_FALSE(r.ok()) << "accepted, but the JSON reader refuses it: " << json_reader_accepts(r.body);
  EXPECT_NE(r.error.find("deeper than 64 levels"), std::string::npos) << r.error;
  // Near the limit, whatever the shape, a converted document is one the JSON reader and
  // jsonToXML take, and exactly the documents that fit are converted.
  for (std::size_t levels = 20; levels < 70; ++levels) {
    for (const std::string& xml : {nested_elements(levels, "r"), nested_elements(levels, "jsonObject"),
                                   repeated_elements(levels)}) {
      auto converted = xml_to_json(xml);
      if (!converted.ok()) {
        EXPECT_NE(converted.error.find("deeper than 64 levels"), std::string::npos) << converted.error;
        continue;
      }
      EXPECT_TRUE(json_reader_accepts(converted.body)) << levels << ": " << xml;
      EXPECT_TRUE(json_to_xml(converted.body, "jsonObject").ok()) << levels << ": " << xml;
    }
  }
  // The last accepted depth of each shape: objects and arrays, counted as the JSON reader does.
  EXPECT_TRUE(xml_to_json(nested_elements(63, "r")).ok());  // {"r":{"a":{ ... "a":1}}}: 64 objects
  EXPECT_FALSE(xml_to_json(nested_elements(64, "r")).ok());
  EXPECT_TRUE(xml_to_json(nested_elements(64, "jsonObject")).ok());  // the root is unwrapped
  EXPECT_FALSE(xml_to_json(nested_elements(65, "jsonObject")).ok());
  EXPECT_TRUE(xml_to_json(repeated_elements(31)).ok());  // {"r":{"a":[{"a":[ ... [1,null] ...]},null]}}: 63
  EXPECT_FALSE(xml_to_json(repeated_elements(32)).ok());
}

TEST(XmlToJson, AHundredThousandLevelsAreRefusedWithoutExhaustingTheStack) {
  auto r = xml_to_json(nested_elements(100000, "r"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("deeper than 64 levels"), std::string::npos) << r.error;
  std::string attributes;  // elements with attributes only are objects too
  for (int i = 0; i < 100000; ++i) attributes += "<a k='v'>";
  for (int i = 0; i < 100000; ++i) attributes += "</a>";
  EXPECT_FALSE(xml_to_json(attributes).ok());
}

TEST(JsonToXml, AHundredThousandLevelsAreRefusedWithoutExhaustingTheStack) {
  for (const auto& [open, close] : {std::pair{"[", "]"}, std::pair{"{\"a\":", "}"}}) {
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += open;
    deep += "1";
    for (int i = 0; i < 100000; ++i) deep += close;
    auto r = json_to_xml(deep, "r");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error.find("deeper than 64 levels"), std::string::npos) << r.error;
  }
}

// A JSON document of objects, arrays (in objects and in arrays), attributes and scalars, nested
// about `depth` levels, the shape drawn from `rng`.
std::string random_nesting(std::mt19937& rng, int depth) {
  if (depth <= 0) return std::uniform_int_distribution<int>(0, 1)(rng) ? "1" : "{\"@k\":\"v\"}";
  switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
    case 0: return "{\"a\":" + random_nesting(rng, depth - 1) + "}";
    case 1: return "{\"a\":" + random_nesting(rng, depth - 1) + ",\"b\":[1,2]}";
    case 2: return "[" + random_nesting(rng, depth - 1) + "," + random_nesting(rng, 0) + "]";
    default: return "[" + random_nesting(rng, depth - 1) + "]";
  }
}

TEST(JsonToXml, WhatItWritesXmlToJsonTakesBackNearTheLimit) {
  std::mt19937 rng(19);
  for (int i = 0; i < 2000; ++i) {
    const std::string json = "{\"d\":" + random_nesting(rng, 50 + i % 20) + "}";
    auto xml = json_to_xml(json, "jsonObject");
    if (!xml.ok()) {
      EXPECT_NE(xml.error.find("deeper than 64 levels"), std::string::npos) << xml.error;
      continue;
    }
    auto back = xml_to_json(xml.body);
    ASSERT_TRUE(back.ok()) << back.error << "\n" << json;
    EXPECT_TRUE(json_reader_accepts(back.body)) << json;
  }
}

TEST(JsonToXml, WhatTheJsonReaderTakesConvertsAndConvertsBack) {
  // 64 levels of objects, and of arrays in objects, there and back.
  std::string objects, arrays;
  for (int i = 0; i < 63; ++i) objects += "{\"a\":";
  objects += "{\"a\":1}" + std::string(63, '}');
  for (int i = 0; i < 32; ++i) arrays += "{\"a\":[";
  arrays += "1";
  for (int i = 0; i < 32; ++i) arrays += ",2]}";
  for (const std::string& json : {objects, arrays}) {
    ASSERT_TRUE(json_reader_accepts(json)) << json;
    auto xml = json_to_xml(json, "jsonObject");
    ASSERT_TRUE(xml.ok()) << xml.error;
    auto back = xml_to_json(xml.body);
    ASSERT_TRUE(back.ok()) << back.error;
    boost::json::parse_options deep;
    deep.max_depth = kMaxPayloadDepth;
    EXPECT_EQ(boost::json::parse(back.body, {}, deep), boost::json::parse(json, {}, deep));
  }
  EXPECT_FALSE(json_reader_accepts("{\"a\":" + objects + "}"));
  EXPECT_FALSE(json_to_xml("{\"a\":" + objects + "}", "jsonObject").ok());
}

}  // namespace
}  // namespace archway::gateway
