// jsonTransform programs (parsed and checked by the domain, run by the gateway) and payload steps
// run in sequence.
#include "gateway/payload.h"

#include <gtest/gtest.h>

#include "common/problem.h"

namespace archway::gateway {
namespace {

namespace json = boost::json;

json::value run(std::string_view ops, std::string_view doc) {
  json::value v = json::parse(doc);
  apply_json_transform(domain::parse_json_transform(ops, "operations"), v);
  return v;
}

std::string refusal(std::string_view ops) {
  try {
    domain::parse_json_transform(ops, "p.parameters.operations");
  } catch (const common::ProblemError& e) {
    EXPECT_EQ(e.problem().status, 400);
    return e.problem().description;
  }
  return "accepted";
}

TEST(JsonTransform, PickKeepsOnlyTheListedPointers) {
  EXPECT_EQ(run(R"([{"op":"pick","paths":["/id","/customer/name","/missing"]}])",
                R"({"id":1,"secret":"x","customer":{"name":"Ann","card":"4111"}})"),
            json::parse(R"({"id":1,"customer":{"name":"Ann"}})"));
}

TEST(JsonTransform, RenameMovesAValueCreatingParents) {
  EXPECT_EQ(run(R"([{"op":"rename","from":"/name","to":"/person/fullName"},{"op":"rename","from":"/nope","to":"/x"}])",
                R"({"name":"Ann","age":3})"),
            json::parse(R"({"age":3,"person":{"fullName":"Ann"}})"));
}

TEST(JsonTransform, SetAndRemoveWorkOnObjectsAndArrays) {
  EXPECT_EQ(run(R"([{"op":"set","path":"/source","value":{"via":"gw"}},{"op":"set","path":"/tags/-","value":"new"},
                   {"op":"set","path":"/tags/0","value":"first"},{"op":"remove","path":"/tags/1"},
                   {"op":"remove","path":"/internal"},{"op":"set","path":"/a~1b","value":1}])",
                R"({"tags":["a","b"],"internal":true})"),
            json::parse(R"({"tags":["first","new"],"source":{"via":"gw"},"a/b":1})"));
  EXPECT_EQ(run(R"([{"op":"set","path":"","value":[1]}])", R"({"x":1})"), json::parse("[1]"));
}

TEST(JsonTransform, OperationsRunInOrder) {
  EXPECT_EQ(run(R"([{"op":"set","path":"/b","value":2},{"op":"pick","paths":["/b"]},{"op":"rename","from":"/b","to":"/c"}])",
                R"({"a":1})"),
            json::parse(R"({"c":2})"));
}

TEST(JsonTransform, DefinitionsThatDoNotCompileAreRefusedNamingTheOperation) {
  EXPECT_NE(refusal("not json").find("'p.parameters.operations' must be a JSON array"), std::string::npos);
  EXPECT_NE(refusal("[]").find("at least one"), std::string::npos);
  EXPECT_NE(refusal(R"([{"op":"copy","path":"/a"}])").find("'p.parameters.operations[0].op': 'copy'"), std::string::npos);
  EXPECT_NE(refusal(R"([{"op":"set","path":"/a","value":1},{"op":"remove","path":"a"}])")
                .find("'p.parameters.operations[1].path': 'a' is not a JSON pointer"),
            std::string::npos);
  EXPECT_NE(refusal(R"([{"op":"set","path":"/a"}])").find("'p.parameters.operations[0].value' is required"),
            std::string::npos);
  EXPECT_NE(refusal(R"([{"op":"pick","paths":["/a",3]}])").find("operations[0].paths[1]"), std::string::npos);
  EXPECT_NE(refusal(R"([{"op":"remove","path":"/a~2"}])").find("not a JSON pointer"), std::string::npos);
  EXPECT_NE(refusal(R"([{"op":"remove","path":""}])").find("whole document"), std::string::npos);
  EXPECT_NE(refusal(R"([{"op":"rename","from":"/a","to":"/a/b"}])").find("inside"), std::string::npos);
  EXPECT_NE(refusal(R"([{"op":"remove","path":"/a","extra":1}])").find("'p.parameters.operations[0].extra'"),
            std::string::npos);
}

TEST(PayloadSteps, RunInSequenceAndSetTheContentType) {
  std::vector<BodyStep> steps;
  steps.push_back(BodyStep{BodyStep::Kind::kJsonTransform, {},
                           domain::parse_json_transform(R"([{"op":"remove","path":"/secret"}])", "operations")});
  steps.push_back(BodyStep{BodyStep::Kind::kJsonToXml, "order", {}});
  std::string content_type = "application/json";
  auto r = run_body_steps(steps, R"({"id":5,"secret":"s"})", content_type);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.body, "<order><id>5</id></order>");
  EXPECT_EQ(content_type, "application/xml");
  auto bad = run_body_steps(steps, "<xml/>", content_type);
  EXPECT_FALSE(bad.ok());
}

}  // namespace
}  // namespace archway::gateway
