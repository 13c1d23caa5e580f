#include "openapi/mock_payload.h"

#include <gtest/gtest.h>

namespace archway::openapi {
namespace {

namespace json = boost::json;

json::object parse(std::string_view text) { return json::parse(text).as_object(); }

TEST(MockPayload, TakesTheFirstSuccessAndItsExample) {
  const json::object doc = parse(R"({"openapi":"3.0.1","paths":{}})");
  const auto m = mock_of_operation(doc, parse(R"({"responses":{"400":{"description":"bad"},
      "201":{"description":"ok","content":{"text/plain":{"example":"made"},"application/json":{"example":{"id":7}}}}}})"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 201);
  EXPECT_EQ(m->content_type, "application/json");
  EXPECT_EQ(json::parse(m->payload), json::parse(R"({"id":7})"));
}

TEST(MockPayload, BuildsAValueFromReferencedComposedSchemas) {
  const json::object doc = parse(R"({"openapi":"3.0.1","components":{"schemas":{
      "Base":{"type":"object","properties":{"id":{"type":"integer"},"when":{"type":"string","format":"date-time"}}},
      "Pet":{"allOf":[{"$ref":"#/components/schemas/Base"},{"type":"object","properties":{
        "kind":{"type":"string","enum":["cat","dog"]},"ok":{"type":"boolean"},"self":{"$ref":"#/components/schemas/Pet"}}}]}}}})");
  const auto m = mock_of_operation(doc, parse(R"({"responses":{"default":{"description":"x","content":{
      "application/json":{"schema":{"type":"array","items":{"$ref":"#/components/schemas/Pet"}}}}}}})"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);  // default answers as 200
  const json::value v = json::parse(m->payload);
  const json::object& pet = v.as_array().at(0).as_object();
  EXPECT_EQ(pet.at("id"), 0);
  EXPECT_EQ(pet.at("when").as_string(), "2024-01-01T00:00:00Z");
  EXPECT_EQ(pet.at("kind").as_string(), "cat");
  EXPECT_TRUE(pet.at("ok").as_bool());
  EXPECT_TRUE(pet.contains("self"));  // recursion stops at the depth bound instead of looping
}

TEST(MockPayload, ReadsSwagger2ExamplesAndSchemas) {
  const json::object doc = parse(R"({"swagger":"2.0","definitions":{"N":{"type":"number"}}})");
  auto m = mock_of_operation(doc, parse(R"({"responses":{"200":{"description":"x","examples":{"application/xml":"<a/>"}}}})"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->content_type, "application/xml");
  EXPECT_EQ(m->payload, "<a/>");
  m = mock_of_operation(doc, parse(R"({"responses":{"200":{"description":"x","schema":{"$ref":"#/definitions/N"}}}})"));
  ASSERT_TRUE(m);
  EXPECT_EQ(json::parse(m->payload), json::parse("0.0"));
  EXPECT_FALSE(mock_of_operation(doc, parse(R"({"summary":"no responses"})")));
}

TEST(MockPayload, ScriptsRoundTripAndOthersAreRefused) {
  MockPayload m{404, "text/plain", "gone"};
  const auto back = parse_mock_script(mock_script(m));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, 404);
  EXPECT_EQ(back->content_type, "text/plain");
  EXPECT_EQ(back->payload, "gone");
  EXPECT_FALSE(parse_mock_script("var x = mc.getProperty('uri.var.id');"));  // the product's JavaScript
  EXPECT_FALSE(parse_mock_script(R"({"statusCode":99})"));
  EXPECT_FALSE(parse_mock_script(R"({"statusCode":200,"payload":{}})"));
}

TEST(MockPayload, AddsAScriptToEveryOperationWithAResponse) {
  json::object doc = parse(R"({"openapi":"3.0.1","paths":{"/a":{"get":{"responses":{"200":{"description":"x"}}},
      "post":{"summary":"none"},"parameters":[]}}})");
  EXPECT_EQ(add_mock_scripts(doc), 1);
  const json::object& a = doc.at("paths").at("/a").as_object();
  EXPECT_TRUE(a.at("get").as_object().contains(kMockScriptExtension));
  EXPECT_FALSE(a.at("post").as_object().contains(kMockScriptExtension));
}

}  // namespace
}  // namespace archway::openapi
