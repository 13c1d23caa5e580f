#pragma once
// Request and response validation of an API's operations against its OpenAPI definition, compiled
// once (per snapshot) into immutable validators the gateway shares between its workers.
//
//   ApiValidators v = compile_validators(api);          // api.openapi_definition, else its export
//   if (!v.errors.empty()) ... v.errors                   // schemas that cannot be compiled
//   const OperationValidator* op = v.find("POST", "/orders");
//   op->check_parameters(request, failures);             // path, query, header parameters
//   op->check_body(content_type, body, failures);        // 415, or the body against its schema
//
// Locations in failures: "path.id", "query.limit", "query.ids/2", "header.X-Trace", "/body/items/3/price".
#include <boost/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/api.h"
#include "openapi/openapi.h"
#include "openapi/schema_validator.h"

namespace archway::openapi {

// Request headers by name (case-insensitive), as the gateway holds them.
class HeaderSource {
 public:
  virtual ~HeaderSource() = default;
  virtual std::optional<std::string_view> header(std::string_view name) const = 0;
};

struct RequestView {
  std::string_view query;  // the raw query string, without '?'
  std::vector<std::pair<std::string_view, std::string_view>> path_params;  // name -> raw segment
  const HeaderSource* headers = nullptr;
};

enum class BodyVerdict { kValid, kInvalid, kUnsupportedMediaType };

class OperationValidator {
 public:
  struct Parameter {
    std::string name;
    enum class In { kPath, kQuery, kHeader } in = In::kQuery;
    bool required = false;
    std::string type;       // the schema's type, which the string values are coerced to
    std::string item_type;  // for arrays
    char separator = ',';   // arrays in one value: form/simple ',', pipeDelimited '|', spaceDelimited ' '
    bool explode = true;    // query arrays: repeated name=value
    bool json_content = false;  // 3.x "content": the value is JSON
    CompiledSchema schema;
  };
  struct Media {
    std::string type;  // lower case, may hold wildcards ("application/*", "*/*")
    CompiledSchema schema;  // empty: any content of that type
    bool json = false;      // the schema applies to a JSON body
  };
  struct Response {
    std::string status;  // "200", "2XX", "default"
    std::vector<Media> media;
  };

  std::vector<Parameter> parameters;
  bool has_body = false;  // a request body is declared
  bool body_required = false;
  std::vector<Media> body;
  std::vector<Response> responses;

  bool check_parameters(const RequestView& r, std::vector<SchemaError>& out) const;
  // Whether the gateway must read the body to check it.
  bool inspects_body() const { return has_body; }
  BodyVerdict check_body(std::string_view content_type, std::string_view body, std::vector<SchemaError>& out) const;
  // The schema a response with that status and content type must follow, or nullptr.
  const CompiledSchema* response_schema(unsigned status, std::string_view content_type) const;
  bool check_response(unsigned status, std::string_view content_type, std::string_view body,
                      std::vector<SchemaError>& out) const;
  // Declared media types of the body ("application/json, application/xml").
  std::string body_media_types() const;
};

struct ApiValidators {
  std::vector<Issue> errors;  // what could not be compiled, with its location in the definition
  std::unordered_map<std::string, std::shared_ptr<const OperationValidator>> operations;  // "POST /orders/{}"
  // The validator of the operation with that verb and target (path parameter names do not matter).
  std::shared_ptr<const OperationValidator> find(std::string_view verb, std::string_view target) const;
};

// Compiles validators for every operation of `api`'s stored definition (api.openapi_definition),
// or of the definition its operations export to when it has none.
ApiValidators compile_validators(const domain::Api& api);
// The same for a parsed definition.
ApiValidators compile_validators(const Document& doc);

// Media type without parameters, lower case, trimmed: "application/json; charset=utf-8" -> "application/json".
std::string media_type_of(std::string_view content_type);

}  // namespace archway::openapi
