#pragma once
// JSON Schema validation as OpenAPI uses it (Swagger 2.0, OpenAPI 3.0 and 3.1 dialects). A schema is
// compiled once into an immutable tree (local "$ref"s resolved, patterns compiled) that validates
// parsed JSON values without looking at the schema's text again; compiled schemas are safe to share
// between threads.
//
//   CompiledSchema s = compile_schema(doc.root, "/components/schemas/Order", SpecVersion::kOpenApi30);
//   if (!s.ok()) ... s.errors()               // where the schema cannot be compiled, and why
//   std::vector<SchemaError> out;
//   s.validate(value, "/body", out);           // false: out holds where and why (bounded)
//
// Keywords: $ref (local, cycles allowed), allOf, anyOf, oneOf, not, type (3.1 type arrays, 3.0
// nullable, Swagger x-nullable), enum, const, required, properties, additionalProperties,
// patternProperties, items (3.1 prefixItems), minItems, maxItems, uniqueItems, minLength,
// maxLength, pattern, minimum, maximum, exclusiveMinimum, exclusiveMaximum (3.0 boolean and 3.1
// number forms), multipleOf, minProperties, maxProperties, format (int32, int64, float, double,
// date, date-time, email, uuid, ipv4; others are accepted unchecked).
// Limits: numbers compare as doubles (integers beyond 2^53 lose precision); patterns are Perl
// syntax regular expressions searched (not anchored) with a bounded matching effort; a string
// whose length is counted counts UTF-8 code points; validation follows at most kMaxSchemaDepth
// nested schema applications.
#include <boost/json.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "openapi/openapi.h"

namespace archway::openapi {

inline constexpr std::size_t kMaxSchemaDepth = 128;
inline constexpr std::size_t kMaxSchemaErrors = 5;  // failures one validation reports at most

// One failure: `location` names the value ("/body/items/3/price", "query.limit"), `message` why.
struct SchemaError {
  std::string location;
  std::string message;
};

namespace schema_internal {
struct Tree;
}

class CompiledSchema {
 public:
  CompiledSchema() = default;
  // Whether it compiled; an empty (default) schema accepts everything.
  bool ok() const { return errors_.empty(); }
  const std::vector<Issue>& errors() const { return errors_; }
  bool empty() const { return tree_ == nullptr; }

  // Checks `value`; failures are appended to `out` (at most kMaxSchemaErrors in all) with
  // locations under `base`. True when the value is valid.
  bool validate(const boost::json::value& value, std::string_view base, std::vector<SchemaError>& out) const;

 private:
  friend CompiledSchema compile_schema(const boost::json::value&, std::string_view, SpecVersion);
  std::shared_ptr<const schema_internal::Tree> tree_;
  std::vector<Issue> errors_;
};

// Compiles the schema at JSON pointer `pointer` of `root` (references are resolved inside `root`).
CompiledSchema compile_schema(const boost::json::value& root, std::string_view pointer, SpecVersion version);

}  // namespace archway::openapi
