#pragma once
// Mediation policies compiled for the gateway: an API's and an operation's request and response
// flows (API-level policies first, then the operation's, as in the product) turned into plain
// operations on headers, the query string, the method and the path, and the CORS answer. Built
// once per snapshot; applying them interprets nothing.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/mediation.h"
#include "gateway/payload.h"
#include "http/h1/fields.h"

namespace archway::gateway {

struct CompiledFlow {
  struct HeaderOp {
    enum class Kind { kAdd, kSet, kRemove } kind = Kind::kAdd;
    std::string name;
    std::string value;
  };
  struct Mock {
    int status = 200;
    bool status_given = false;  // in the fault flow, a mock without statusCode keeps the error's status
    std::string content_type = "application/json";
    std::string body;
  };
  std::vector<HeaderOp> headers;                           // in order
  std::vector<std::pair<std::string, std::string>> add_query;
  std::vector<std::string> remove_query;
  std::string method;         // rewriteMethod: empty = unchanged
  std::string current_method;  // only rewrite requests with this method (empty: any)
  std::string path;           // rewritePath template ({param} from the operation): empty = unchanged
  bool keep_query = true;     // rewritePath includeQueryParams
  std::optional<Mock> mock;
  std::vector<BodyStep> body;  // jsonToXML, xmlToJson, jsonTransform: need the whole body, in order

  bool empty() const {
    return headers.empty() && add_query.empty() && remove_query.empty() && method.empty() && path.empty() &&
           !mock && body.empty();
  }
  bool touches_query() const { return !add_query.empty() || !remove_query.empty(); }
};

// The gateway environment's policies (/gateway-policies) run first, then the API's, then the
// operation's (each in its given order); each use is compiled by its policy's function
// (gateway/policies/registry.cc).
CompiledFlow compile_flow(const std::vector<domain::PolicyRef>& gateway_level,
                          const std::vector<domain::PolicyRef>& api_level,
                          const std::vector<domain::PolicyRef>& operation_level);
inline CompiledFlow compile_flow(const std::vector<domain::PolicyRef>& api_level,
                                 const std::vector<domain::PolicyRef>& operation_level) {
  return compile_flow({}, api_level, operation_level);
}

// Applies header operations, in order, to a request's or a response's fields.
void apply_header_ops(const std::vector<CompiledFlow::HeaderOp>& ops, http::h1::Fields& fields);

// The value of the first `name` parameter of a query string (without '?'), as sent.
std::optional<std::string_view> query_value(std::string_view query, std::string_view name);

// The query string (without '?') after the flow's removals and additions.
std::string rewrite_query(std::string_view query, const CompiledFlow& flow);

// The values of a URL template's {param} segments in `resource` (same segment count expected).
std::vector<std::pair<std::string_view, std::string_view>> template_params(std::string_view target,
                                                                          std::string_view resource);

// `path` with {name} segments replaced by the values of `params` (names without braces).
std::string expand_path(std::string_view path, const std::vector<std::pair<std::string_view, std::string_view>>& params);

struct CompiledCors {
  bool enabled = false;
  bool any_origin = false;
  std::vector<std::string> origins;
  std::string methods;  // "GET,POST"
  std::string headers;  // "authorization,Content-Type"
  bool credentials = false;
  // The Access-Control-Allow-Origin value for a request from `origin`, or nullopt if it may not.
  std::optional<std::string_view> allow_origin(std::string_view origin) const;
};

CompiledCors compile_cors(const domain::CorsConfiguration& c);

}  // namespace archway::gateway
