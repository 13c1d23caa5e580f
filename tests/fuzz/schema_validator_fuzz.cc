// libFuzzer target for schema validation: the gateway compiles schemas from definitions users give
// and checks request parameters and bodies callers send. The input is split at its first newline:
// a schema (JSON) that is compiled for each spec version, and a value that is checked against it;
// the whole input is also sent as a body, a query string and a path segment to a fixed operation.
// Not part of the CMake build (libFuzzer needs clang); build and run it from the repository root:
//   clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -Isrc src/openapi/*.cc \
//     src/domain/*.cc src/common/*.cc tests/fuzz/schema_validator_fuzz.cc -lboost_json -lboost_url \
//     -lfmt -lspdlog -lyaml-cpp -ltomlplusplus -o /tmp/schema_fuzz && /tmp/schema_fuzz -max_total_time=90
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "openapi/operation_validator.h"
#include "openapi/schema_validator.h"

namespace {

constexpr std::string_view kDefinition = R"({"openapi":"3.1.0","info":{"title":"F","version":"1"},
  "paths":{"/things/{id}":{"post":{
    "parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"integer"}},
                  {"name":"q","in":"query","schema":{"type":"array","items":{"type":["number","null"]}}}],
    "requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/T"}}}},
    "responses":{"200":{"description":"ok"}}}}},
  "components":{"schemas":{"T":{"type":"object","properties":{
    "name":{"type":"string","pattern":"^(a|b)*c$","maxLength":50},
    "when":{"type":"string","format":"date-time"},
    "kids":{"type":"array","uniqueItems":true,"items":{"$ref":"#/components/schemas/T"}},
    "n":{"oneOf":[{"type":"integer"},{"type":"number","exclusiveMinimum":0}]}},
    "additionalProperties":{"not":{"type":"null"}}}}}})";

const archway::openapi::OperationValidator& operation() {
  static const archway::openapi::ApiValidators v = [] {
    archway::openapi::LoadResult r = archway::openapi::load(kDefinition);
    return archway::openapi::compile_validators(*r.document);
  }();
  static const auto op = v.find("POST", "/things/{id}");
  return *op;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace archway::openapi;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<SchemaError> errors;
  const OperationValidator& op = operation();
  op.check_body("application/json", text, errors);
  op.check_parameters({text, {{"id", text}}, nullptr}, errors);
  const std::size_t nl = text.find('\n');
  if (nl == std::string_view::npos) return 0;
  boost::system::error_code ec;
  boost::json::value schema = boost::json::parse(text.substr(0, nl), ec);
  if (ec) return 0;
  boost::json::value value = boost::json::parse(text.substr(nl + 1), ec);
  if (ec) return 0;
  const boost::json::value root = boost::json::object{{"s", schema}};
  for (SpecVersion v : {SpecVersion::kSwagger20, SpecVersion::kOpenApi30, SpecVersion::kOpenApi31}) {
    CompiledSchema s = compile_schema(root, "/s", v);
    errors.clear();
    s.validate(value, "/body", errors);
    if (errors.size() > kMaxSchemaErrors) __builtin_trap();
  }
  return 0;
}
