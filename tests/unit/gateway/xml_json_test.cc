// JSON <-> XML conversion (jsonToXML, xmlToJson): the documented mapping, escaping, namespaces,
// deep nesting and inputs that must be refused with a message saying why.
#include "gateway/xml_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

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

}  // namespace
}  // namespace archway::gateway
