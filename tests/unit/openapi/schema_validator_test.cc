#include "openapi/schema_validator.h"

#include <gtest/gtest.h>

#include "openapi/operation_validator.h"

namespace archway::openapi {
namespace {

namespace json = boost::json;

// Compiles `schema_text` (placed at /s of a document that may also hold `defs` under /defs and
// /components/schemas) and validates `value_text` against it.
struct Case {
  json::value root;
  CompiledSchema schema;
  std::vector<SchemaError> errors;

  Case(std::string_view schema_text, SpecVersion v = SpecVersion::kOpenApi30, std::string_view components = "{}") {
    root = json::object{{"s", json::parse(schema_text)}, {"components", {{"schemas", json::parse(components)}}}};
    schema = compile_schema(root, "/s", v);
  }
  bool valid(std::string_view value_text) {
    errors.clear();
    return schema.validate(json::parse(value_text), "/body", errors);
  }
  std::string first() const { return errors.empty() ? "" : errors[0].location + ": " + errors[0].message; }
};

TEST(SchemaValidator, TypeMismatchNamesExpectedAndFoundType) {
  Case c(R"({"type":"integer"})");
  EXPECT_TRUE(c.valid("3"));
  EXPECT_TRUE(c.valid("3.0"));
  EXPECT_FALSE(c.valid("3.5"));
  EXPECT_EQ(c.first(), "/body: expected integer, found number");
  EXPECT_FALSE(c.valid(R"("3")"));
  EXPECT_EQ(c.first(), "/body: expected integer, found string");
}

TEST(SchemaValidator, NumberAcceptsIntegers) {
  Case c(R"({"type":"number"})");
  EXPECT_TRUE(c.valid("3"));
  EXPECT_TRUE(c.valid("3.25"));
  EXPECT_FALSE(c.valid("true"));
}

// Found by tests/fuzz/schema_validator_fuzz.cc: a count beyond size_t as a JSON double (2.2e121)
// was cast to size_t (undefined behaviour); it now means "no value is that long".
TEST(SchemaValidator, CountsBeyondSizeTAreTheLargestCount) {
  Case c(R"({"type":"string","nullable":true,"minLength":2222222222222222222222222222222222222222})");
  EXPECT_TRUE(c.valid("null"));
  EXPECT_FALSE(c.valid(R"("short")"));
  Case d(R"({"type":"array","maxItems":1e300})");
  EXPECT_TRUE(d.valid("[1,2,3]"));
}

TEST(SchemaValidator, OpenApi30NullableAdmitsNullAndOtherwiseNullIsRefused) {
  Case nullable(R"({"type":"string","nullable":true})");
  EXPECT_TRUE(nullable.valid("null"));
  Case plain(R"({"type":"string"})");
  EXPECT_FALSE(plain.valid("null"));
  EXPECT_EQ(plain.first(), "/body: expected string, found null");
}

TEST(SchemaValidator, OpenApi31TypeArraysAdmitEachListedType) {
  Case c(R"({"type":["string","null"]})", SpecVersion::kOpenApi31);
  EXPECT_TRUE(c.valid("null"));
  EXPECT_TRUE(c.valid(R"("x")"));
  EXPECT_FALSE(c.valid("1"));
  EXPECT_EQ(c.first(), "/body: expected null or string, found integer");
}

TEST(SchemaValidator, RequiredPropertiesAreReportedAtTheirOwnLocation) {
  Case c(R"({"type":"object","required":["name","price"],"properties":{"name":{"type":"string"}}})");
  EXPECT_TRUE(c.valid(R"({"name":"a","price":1})"));
  EXPECT_FALSE(c.valid(R"({"name":"a"})"));
  EXPECT_EQ(c.first(), "/body/price: is required");
}

TEST(SchemaValidator, NestedFailuresNameTheJsonPointerOfTheValue) {
  Case c(R"({"type":"object","properties":{"items":{"type":"array","items":{"type":"object",
            "properties":{"price":{"type":"number","maximum":100}}}}}})");
  EXPECT_FALSE(c.valid(R"({"items":[{"price":1},{"price":2},{"price":3},{"price":101}]})"));
  EXPECT_EQ(c.first(), "/body/items/3/price: must be <= 100");
}

TEST(SchemaValidator, AdditionalPropertiesFalseRefusesUnknownMembersAndASchemaChecksThem) {
  Case closed(R"({"type":"object","properties":{"a":{}},"additionalProperties":false})");
  EXPECT_TRUE(closed.valid(R"({"a":1})"));
  EXPECT_FALSE(closed.valid(R"({"a":1,"b":2})"));
  EXPECT_EQ(closed.first(), "/body/b: is not allowed (additionalProperties)");
  Case typed(R"({"type":"object","additionalProperties":{"type":"integer"}})");
  EXPECT_TRUE(typed.valid(R"({"x":1})"));
  EXPECT_FALSE(typed.valid(R"({"x":"1"})"));
  EXPECT_EQ(typed.first(), "/body/x: expected integer, found string");
}

TEST(SchemaValidator, ManyPropertiesAreFoundAsWellAsAFew) {
  std::string props;
  for (int i = 0; i < 20; ++i) props += (i ? "," : "") + std::string("\"p") + std::to_string(i) + "\":{\"type\":\"integer\"}";
  Case c(R"({"type":"object","additionalProperties":false,"properties":{)" + props + "}}");
  EXPECT_TRUE(c.valid(R"({"p0":1,"p13":2,"p19":3})"));
  EXPECT_FALSE(c.valid(R"({"p0":1,"p17":"x"})"));
  EXPECT_EQ(c.first(), "/body/p17: expected integer, found string");
  EXPECT_FALSE(c.valid(R"({"p20":1})"));
  EXPECT_EQ(c.first(), "/body/p20: is not allowed (additionalProperties)");
}

TEST(SchemaValidator, LocationsEscapeSlashAndTildeInPropertyNames) {
  Case c(R"({"type":"object","properties":{"a/b~c":{"type":"integer"}}})");
  EXPECT_FALSE(c.valid(R"({"a/b~c":"x"})"));
  EXPECT_EQ(c.first(), "/body/a~1b~0c: expected integer, found string");
}

TEST(SchemaValidator, EnumAndConstCompareJsonValues) {
  Case e(R"({"enum":["a","b",3]})");
  EXPECT_TRUE(e.valid(R"("b")"));
  EXPECT_TRUE(e.valid("3"));
  EXPECT_FALSE(e.valid(R"("c")"));
  EXPECT_EQ(e.first(), R"(/body: must be one of ["a", "b", 3])");
  Case k(R"({"const":{"x":1}})", SpecVersion::kOpenApi31);
  EXPECT_TRUE(k.valid(R"({"x":1})"));
  EXPECT_FALSE(k.valid(R"({"x":2})"));
}

TEST(SchemaValidator, StringLengthCountsCodePointsAndPatternSearches) {
  Case c(R"({"type":"string","minLength":2,"maxLength":3,"pattern":"^[a-zé]+$"})");
  EXPECT_TRUE(c.valid(R"("éé")"));
  EXPECT_FALSE(c.valid(R"("a")"));
  EXPECT_EQ(c.first(), "/body: must be at least 2 characters long");
  EXPECT_FALSE(c.valid(R"("abcd")"));
  EXPECT_EQ(c.first(), "/body: must be at most 3 characters long");
  EXPECT_FALSE(c.valid(R"("AB")"));
  EXPECT_EQ(c.first(), "/body: must match pattern ^[a-zé]+$");
  Case unanchored(R"({"pattern":"b+"})");
  EXPECT_TRUE(unanchored.valid(R"("abbc")"));
}

TEST(SchemaValidator, CatastrophicPatternIsBoundedInsteadOfHanging) {
  Case c(R"({"type":"string","pattern":"^(a+)+$"})");
  const std::string hostile = "\"" + std::string(5000, 'a') + "!\"";
  EXPECT_FALSE(c.valid(hostile));
  EXPECT_FALSE(c.errors.empty());
}

TEST(SchemaValidator, InvalidPatternDoesNotCompileAndNamesTheLocation) {
  Case c(R"({"type":"object","properties":{"code":{"type":"string","pattern":"(["}}})");
  ASSERT_FALSE(c.schema.ok());
  EXPECT_EQ(c.schema.errors()[0].location, "/s/properties/code/pattern");
}

TEST(SchemaValidator, MinimumAndMaximumWithOpenApi30BooleanExclusiveBounds) {
  Case c(R"({"type":"number","minimum":0,"exclusiveMinimum":true,"maximum":10,"exclusiveMaximum":true})");
  EXPECT_TRUE(c.valid("5"));
  EXPECT_FALSE(c.valid("0"));
  EXPECT_EQ(c.first(), "/body: must be > 0");
  EXPECT_FALSE(c.valid("10"));
  EXPECT_EQ(c.first(), "/body: must be < 10");
  Case inclusive(R"({"type":"number","minimum":0,"maximum":10})");
  EXPECT_TRUE(inclusive.valid("0"));
  EXPECT_TRUE(inclusive.valid("10"));
  EXPECT_FALSE(inclusive.valid("-1"));
  EXPECT_EQ(inclusive.first(), "/body: must be >= 0");
}

TEST(SchemaValidator, OpenApi31NumericExclusiveBoundsStandAlone) {
  Case c(R"({"type":"number","exclusiveMinimum":1,"exclusiveMaximum":2.5})", SpecVersion::kOpenApi31);
  EXPECT_TRUE(c.valid("2"));
  EXPECT_FALSE(c.valid("1"));
  EXPECT_EQ(c.first(), "/body: must be > 1");
  EXPECT_FALSE(c.valid("2.5"));
  EXPECT_EQ(c.first(), "/body: must be < 2.5");
}

TEST(SchemaValidator, MultipleOf) {
  Case c(R"({"type":"number","multipleOf":0.5})");
  EXPECT_TRUE(c.valid("1.5"));
  EXPECT_FALSE(c.valid("1.2"));
  EXPECT_EQ(c.first(), "/body: must be a multiple of 0.5");
}

TEST(SchemaValidator, ArrayItemCountsAndUniqueItems) {
  Case c(R"({"type":"array","minItems":1,"maxItems":3,"uniqueItems":true,"items":{"type":"integer"}})");
  EXPECT_TRUE(c.valid("[1,2,3]"));
  EXPECT_FALSE(c.valid("[]"));
  EXPECT_EQ(c.first(), "/body: must have at least 1 items");
  EXPECT_FALSE(c.valid("[1,2,3,4]"));
  EXPECT_EQ(c.first(), "/body: must have at most 3 items");
  EXPECT_FALSE(c.valid("[1,2,1]"));
  EXPECT_EQ(c.first(), "/body: items 0 and 2 are equal (uniqueItems)");
  EXPECT_FALSE(c.valid(R"([1,"x"])"));
  EXPECT_EQ(c.first(), "/body/1: expected integer, found string");
  Case objects(R"({"type":"array","uniqueItems":true})");
  EXPECT_FALSE(objects.valid(R"([{"a":1,"b":2},{"b":2,"a":1}])"));
}

TEST(SchemaValidator, FormatsInt32Int64DateTimeDateEmailUuidIpv4) {
  Case i32(R"({"type":"integer","format":"int32"})");
  EXPECT_TRUE(i32.valid("2147483647"));
  EXPECT_FALSE(i32.valid("2147483648"));
  EXPECT_EQ(i32.first(), "/body: is not a valid int32");
  Case i64(R"({"type":"integer","format":"int64"})");
  EXPECT_TRUE(i64.valid("9223372036854775807"));
  EXPECT_FALSE(i64.valid("9223372036854775808"));
  Case dt(R"({"type":"string","format":"date-time"})");
  EXPECT_TRUE(dt.valid(R"("2024-02-29T10:20:30.5Z")"));
  EXPECT_TRUE(dt.valid(R"("2024-02-29T10:20:30+02:00")"));
  EXPECT_FALSE(dt.valid(R"("2023-02-29T10:20:30Z")"));
  EXPECT_FALSE(dt.valid(R"("2024-01-01 10:20:30Z")"));
  EXPECT_EQ(dt.first(), "/body: is not a valid date-time");
  Case d(R"({"type":"string","format":"date"})");
  EXPECT_TRUE(d.valid(R"("2024-12-31")"));
  EXPECT_FALSE(d.valid(R"("2024-13-01")"));
  Case email(R"({"type":"string","format":"email"})");
  EXPECT_TRUE(email.valid(R"("ann@example.com")"));
  EXPECT_FALSE(email.valid(R"("ann.example.com")"));
  EXPECT_FALSE(email.valid(R"("ann@example")"));
  Case uuid(R"({"type":"string","format":"uuid"})");
  EXPECT_TRUE(uuid.valid(R"("123e4567-e89b-12d3-a456-426614174000")"));
  EXPECT_FALSE(uuid.valid(R"("123e4567e89b12d3a456426614174000")"));
  Case ip(R"({"type":"string","format":"ipv4"})");
  EXPECT_TRUE(ip.valid(R"("10.0.0.255")"));
  EXPECT_FALSE(ip.valid(R"("10.0.0.256")"));
  Case other(R"({"type":"string","format":"hostname-ish"})");
  EXPECT_TRUE(other.valid(R"("anything")"));
}

TEST(SchemaValidator, AllOfAppliesEverySchema) {
  Case c(R"({"allOf":[{"type":"object","required":["a"]},{"properties":{"b":{"type":"string"}}}]})");
  EXPECT_TRUE(c.valid(R"({"a":1,"b":"x"})"));
  EXPECT_FALSE(c.valid(R"({"b":"x"})"));
  EXPECT_EQ(c.first(), "/body/a: is required");
  EXPECT_FALSE(c.valid(R"({"a":1,"b":2})"));
  EXPECT_EQ(c.first(), "/body/b: expected string, found integer");
}

TEST(SchemaValidator, AnyOfOneOfAndNot) {
  Case any(R"({"anyOf":[{"type":"string"},{"type":"integer"}]})");
  EXPECT_TRUE(any.valid("1"));
  EXPECT_FALSE(any.valid("true"));
  EXPECT_EQ(any.first(), "/body: must match at least one schema in anyOf");
  Case one(R"({"oneOf":[{"type":"integer"},{"type":"number","minimum":2}]})");
  EXPECT_TRUE(one.valid("1"));    // integer only
  EXPECT_TRUE(one.valid("2.5"));  // number >= 2 only
  EXPECT_FALSE(one.valid("3"));   // both
  EXPECT_EQ(one.first(), "/body: must match exactly one schema in oneOf (matches more than one)");
  EXPECT_FALSE(one.valid(R"("x")"));
  EXPECT_EQ(one.first(), "/body: must match exactly one schema in oneOf (matches none)");
  Case no(R"({"not":{"type":"null"}})");
  EXPECT_TRUE(no.valid("0"));
  EXPECT_FALSE(no.valid("null"));
  EXPECT_EQ(no.first(), "/body: must not match the schema in not");
}

TEST(SchemaValidator, LocalRefsResolveAndRecursiveSchemasValidateNestedData) {
  Case c(R"({"$ref":"#/components/schemas/Node"})", SpecVersion::kOpenApi30,
         R"({"Node":{"type":"object","required":["v"],"properties":{"v":{"type":"integer"},
             "children":{"type":"array","items":{"$ref":"#/components/schemas/Node"}}}}})");
  ASSERT_TRUE(c.schema.ok());
  EXPECT_TRUE(c.valid(R"({"v":1,"children":[{"v":2,"children":[{"v":3}]}]})"));
  EXPECT_FALSE(c.valid(R"({"v":1,"children":[{"v":2,"children":[{"v":"x"}]}]})"));
  EXPECT_EQ(c.first(), "/body/children/0/children/0/v: expected integer, found string");
}

TEST(SchemaValidator, ARefCycleThatNeverConsumesDataStopsAtTheDepthBound) {
  Case c(R"({"$ref":"#/components/schemas/A"})", SpecVersion::kOpenApi30,
         R"({"A":{"$ref":"#/components/schemas/B"},"B":{"$ref":"#/components/schemas/A"}})");
  ASSERT_TRUE(c.schema.ok());
  EXPECT_FALSE(c.valid("1"));
  EXPECT_NE(c.first().find("nests deeper"), std::string::npos) << c.first();
}

TEST(SchemaValidator, UnresolvableRefDoesNotCompileAndNamesWhere) {
  Case c(R"({"type":"object","properties":{"a":{"$ref":"#/components/schemas/Missing"}}})");
  ASSERT_FALSE(c.schema.ok());
  EXPECT_EQ(c.schema.errors()[0].location, "/s/properties/a/$ref");
  Case external(R"({"$ref":"other.yaml#/Pet"})");
  EXPECT_FALSE(external.schema.ok());
}

TEST(SchemaValidator, OpenApi30IgnoresRefSiblingsWhile31AppliesThem) {
  const std::string components = R"({"S":{"type":"string"}})";
  Case v30(R"({"$ref":"#/components/schemas/S","maxLength":2})", SpecVersion::kOpenApi30, components);
  EXPECT_TRUE(v30.valid(R"("abcd")"));
  Case v31(R"({"$ref":"#/components/schemas/S","maxLength":2})", SpecVersion::kOpenApi31, components);
  EXPECT_FALSE(v31.valid(R"("abcd")"));
}

TEST(SchemaValidator, OpenApi31BooleanSchemasAndPrefixItems) {
  Case c(R"({"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":false})",
         SpecVersion::kOpenApi31);
  EXPECT_TRUE(c.valid(R"(["a",1])"));
  EXPECT_FALSE(c.valid(R"(["a","b"])"));
  EXPECT_EQ(c.first(), "/body/1: expected integer, found string");
  EXPECT_FALSE(c.valid(R"(["a",1,2])"));
  EXPECT_EQ(c.first(), "/body/2: is not allowed");
}

TEST(SchemaValidator, ReportsSeveralFailuresButNoMoreThanTheBound) {
  Case c(R"({"type":"object","additionalProperties":{"type":"integer"}})");
  EXPECT_FALSE(c.valid(R"({"a":"x","b":"x","c":"x","d":"x","e":"x","f":"x","g":"x"})"));
  EXPECT_EQ(c.errors.size(), kMaxSchemaErrors);
}

// ---- operations ----

const char* kOrders30 = R"({"openapi":"3.0.3","info":{"title":"Orders","version":"1"},
  "paths":{"/orders/{orderId}":{
    "parameters":[{"name":"orderId","in":"path","required":true,"schema":{"type":"integer","minimum":1}}],
    "post":{
      "parameters":[{"name":"limit","in":"query","required":true,"schema":{"type":"integer","maximum":100}},
                    {"name":"tags","in":"query","schema":{"type":"array","items":{"type":"string","enum":["a","b"]}}},
                    {"name":"ids","in":"query","explode":false,"schema":{"type":"array","items":{"type":"integer"}}},
                    {"name":"X-Trace","in":"header","required":true,"schema":{"type":"string","format":"uuid"}},
                    {"name":"dry","in":"query","schema":{"type":"boolean"}}],
      "requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Order"}},
                                                "text/plain":{}}},
      "responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Order"}}}},
                   "4XX":{"description":"err","content":{"application/json":{"schema":{"type":"object","required":["code"]}}}}}}}},
  "components":{"schemas":{"Order":{"type":"object","required":["item"],
    "properties":{"item":{"type":"string"},"qty":{"type":"integer","minimum":1}}}}}})";

class Headers final : public HeaderSource {
 public:
  std::vector<std::pair<std::string, std::string>> h;
  std::optional<std::string_view> header(std::string_view name) const override {
    for (const auto& [k, v] : h)
      if (k == name) return std::string_view(v);
    return std::nullopt;
  }
};

struct OrdersOperation : ::testing::Test {
  ApiValidators api;
  std::shared_ptr<const OperationValidator> op;
  Headers headers;
  std::vector<SchemaError> errors;
  void SetUp() override {
    LoadResult r = load(kOrders30);
    ASSERT_TRUE(r.document);
    api = compile_validators(*r.document);
    ASSERT_TRUE(api.errors.empty()) << describe(api.errors);
    op = api.find("POST", "/orders/{id}");  // parameter names need not match
    ASSERT_TRUE(op);
    headers.h = {{"X-Trace", "123e4567-e89b-12d3-a456-426614174000"}};
  }
  bool params(std::string_view query, std::string_view order_id = "7") {
    errors.clear();
    RequestView v{query, {{"id", order_id}}, &headers};
    return op->check_parameters(v, errors);
  }
  std::string first() const { return errors.empty() ? "" : errors[0].location + ": " + errors[0].message; }
};

TEST_F(OrdersOperation, ValidParametersPass) {
  EXPECT_TRUE(params("limit=10&tags=a&tags=b&ids=1,2,3&dry=true")) << first();
}

TEST_F(OrdersOperation, MissingRequiredQueryParameterIsNamed) {
  EXPECT_FALSE(params("tags=a"));
  EXPECT_EQ(first(), "query.limit: is required");
}

TEST_F(OrdersOperation, QueryValuesAreCoercedToTheDeclaredType) {
  EXPECT_FALSE(params("limit=ten"));
  EXPECT_EQ(first(), "query.limit: expected integer, found string");
  EXPECT_FALSE(params("limit=101"));
  EXPECT_EQ(first(), "query.limit: must be <= 100");
  EXPECT_FALSE(params("limit=1&dry=yes"));
  EXPECT_EQ(first(), "query.dry: expected boolean, found string");
}

TEST_F(OrdersOperation, ArrayParametersExplodedAndCommaSeparated) {
  EXPECT_FALSE(params("limit=1&tags=a&tags=c"));
  EXPECT_EQ(first(), R"(query.tags/1: must be one of ["a", "b"])");
  EXPECT_FALSE(params("limit=1&ids=1,x"));
  EXPECT_EQ(first(), "query.ids/1: expected integer, found string");
}

TEST_F(OrdersOperation, PathAndHeaderParametersAreChecked) {
  EXPECT_FALSE(params("limit=1", "0"));
  EXPECT_EQ(first(), "path.orderId: must be >= 1");
  headers.h = {{"X-Trace", "nope"}};
  EXPECT_FALSE(params("limit=1"));
  EXPECT_EQ(first(), "header.X-Trace: is not a valid uuid");
  headers.h.clear();
  EXPECT_FALSE(params("limit=1"));
  EXPECT_EQ(first(), "header.X-Trace: is required");
}

TEST_F(OrdersOperation, BodyMediaTypeMustBeDeclared) {
  EXPECT_EQ(op->check_body("application/json; charset=utf-8", R"({"item":"x"})", errors), BodyVerdict::kValid);
  EXPECT_EQ(op->check_body("text/plain", "anything", errors), BodyVerdict::kValid);
  EXPECT_EQ(op->check_body("application/xml", "<a/>", errors), BodyVerdict::kUnsupportedMediaType);
  EXPECT_EQ(errors.back().location, "header.Content-Type");
}

TEST_F(OrdersOperation, BodyIsParsedAndValidatedAgainstTheReferencedSchema) {
  EXPECT_EQ(op->check_body("application/json", R"({"qty":0})", errors), BodyVerdict::kInvalid);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].location, "/body/item");
  EXPECT_EQ(errors[1].location, "/body/qty");
  errors.clear();
  EXPECT_EQ(op->check_body("application/json", R"({"item":)", errors), BodyVerdict::kInvalid);
  EXPECT_EQ(errors[0].location, "/body");
  errors.clear();
  EXPECT_EQ(op->check_body("application/json", "", errors), BodyVerdict::kInvalid);
  EXPECT_EQ(errors[0].message, "is required");
}

// The body's object and the arrays inside it count as levels: 64 parse, 65 are refused by name.
TEST_F(OrdersOperation, BodiesNestedUpTo64LevelsAreReadAndDeeperOnesRefused) {
  const auto nested = [](int levels) {  // an Order whose "extra" member nests to `levels` in all
    return R"({"item":"x","extra":)" + std::string(levels - 1, '[') + std::string(levels - 1, ']') + "}";
  };
  EXPECT_EQ(op->check_body("application/json", nested(64), errors), BodyVerdict::kValid) << errors.size();
  errors.clear();
  EXPECT_EQ(op->check_body("application/json", nested(65), errors), BodyVerdict::kInvalid);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].location, "/body");
  EXPECT_EQ(errors[0].message, "is not valid JSON: it nests deeper than 64 levels");
}

TEST_F(OrdersOperation, ResponsesMatchExactStatusThenRangeAndOnlyJson) {
  EXPECT_TRUE(op->check_response(200, "application/json", R"({"item":"x"})", errors));
  EXPECT_FALSE(op->check_response(200, "application/json", R"({"qty":2})", errors));
  EXPECT_EQ(errors.back().location, "/body/item");
  EXPECT_FALSE(op->check_response(404, "application/json", R"({})", errors));  // 4XX
  EXPECT_TRUE(op->check_response(404, "application/problem+json", R"({})", errors));  // not declared
  EXPECT_EQ(op->response_schema(500, "application/json"), nullptr);  // undeclared: not checked
  EXPECT_EQ(op->response_schema(200, "text/html"), nullptr);
}

TEST(OperationValidator, Swagger20BodyParameterAndParameterSchemas) {
  const char* doc = R"({"swagger":"2.0","info":{"title":"P","version":"1"},"consumes":["application/json"],
    "paths":{"/pets":{"post":{"parameters":[
      {"name":"body","in":"body","required":true,"schema":{"$ref":"#/definitions/Pet"}},
      {"name":"limit","in":"query","type":"integer","maximum":10,"required":true},
      {"name":"ids","in":"query","type":"array","items":{"type":"integer"},"collectionFormat":"pipes"}],
      "responses":{"200":{"description":"ok","schema":{"$ref":"#/definitions/Pet"}}}}}},
    "definitions":{"Pet":{"type":"object","required":["name"],"properties":{"name":{"type":"string"},
      "tag":{"type":"string","x-nullable":true}}}}})";
  LoadResult r = load(doc);
  ASSERT_TRUE(r.document);
  ApiValidators api = compile_validators(*r.document);
  ASSERT_TRUE(api.errors.empty()) << describe(api.errors);
  auto op = api.find("POST", "/pets");
  ASSERT_TRUE(op);
  std::vector<SchemaError> errors;
  EXPECT_EQ(op->check_body("application/json", R"({"name":"rex","tag":null})", errors), BodyVerdict::kValid);
  EXPECT_EQ(op->check_body("application/json", R"({"tag":"x"})", errors), BodyVerdict::kInvalid);
  EXPECT_EQ(errors.back().location, "/body/name");
  EXPECT_EQ(op->check_body("text/plain", "x", errors), BodyVerdict::kUnsupportedMediaType);
  errors.clear();
  EXPECT_FALSE(op->check_parameters({"limit=11", {}, nullptr}, errors));
  EXPECT_EQ(errors.back().location + ": " + errors.back().message, "query.limit: must be <= 10");
  errors.clear();
  EXPECT_FALSE(op->check_parameters({"limit=1&ids=1|z", {}, nullptr}, errors));
  EXPECT_EQ(errors.back().location, "query.ids/1");
  EXPECT_FALSE(op->check_response(200, "application/json", "{}", errors));
}

TEST(OperationValidator, DefinitionWithUnresolvableRefReportsItsLocation) {
  const char* doc = R"({"openapi":"3.0.0","info":{"title":"T","version":"1"},"paths":{"/a":{"post":{
    "requestBody":{"content":{"application/json":{"schema":{"type":"object","properties":{"p":{"type":"string","pattern":"(["}}}}}},
    "responses":{"200":{"description":"ok"}}}}}})";
  LoadResult r = load(doc);
  ASSERT_TRUE(r.document);
  ApiValidators api = compile_validators(*r.document);
  ASSERT_FALSE(api.errors.empty());
  EXPECT_EQ(api.errors[0].location, "/paths/~1a/post/requestBody/content/application~1json/schema/properties/p/pattern");
}

TEST(OperationValidator, ApiWithoutDefinitionValidatesWhatItsOperationsDeclare) {
  domain::Api api;
  api.name = "NoDoc";
  api.context = "/nodoc";
  api.version = "1.0.0";
  domain::Operation op;
  op.verb = "GET";
  op.target = "/items/{id}";
  api.operations.push_back(op);
  ApiValidators v = compile_validators(api);
  ASSERT_TRUE(v.errors.empty()) << describe(v.errors);
  auto found = v.find("GET", "/items/{id}");
  ASSERT_TRUE(found);
  std::vector<SchemaError> errors;
  EXPECT_TRUE(found->check_parameters({"", {{"id", "42"}}, nullptr}, errors));
}

}  // namespace
}  // namespace archway::openapi
