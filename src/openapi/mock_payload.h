#pragma once
// Mock responses generated from an OpenAPI definition (the product's generate-mock-scripts): for
// each operation the response the gateway answers with when the API's endpoint type is INLINE.
// The product stores a JavaScript program per operation in the operation's x-mediation-script;
// Archway stores a declarative mock there instead (the gateway runs no scripts), as JSON text:
//
//   {"statusCode": 200, "contentType": "application/json", "payload": "{\"id\":0}"}
//
// The payload is the response's example (3.x `example`, the first of `examples`, 2.0
// `examples[mediaType]`) or, without one, a value built from its schema ($ref, allOf, oneOf,
// enum, default, example and format honoured).
#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace archway::openapi {

inline constexpr std::string_view kMockScriptExtension = "x-mediation-script";

struct MockPayload {
  int status = 200;
  std::string content_type = "application/json";
  std::string payload;
};

// The mock of `operation` (an operation object of `doc`, 2.0 or 3.x): its first 2xx response, else
// `default` (answered as 200), else its first response; a response without content gives an
// empty payload. nullopt when the operation declares no response.
std::optional<MockPayload> mock_of_operation(const boost::json::object& doc, const boost::json::object& operation);

// The x-mediation-script text of a mock, and back (nullopt when `text` is not such a mock: e.g. a
// JavaScript program written for the product).
std::string mock_script(const MockPayload& mock);
std::optional<MockPayload> parse_mock_script(std::string_view text);

// Sets x-mediation-script on every operation of `doc` that declares a response; returns how many.
int add_mock_scripts(boost::json::object& doc);

}  // namespace archway::openapi
