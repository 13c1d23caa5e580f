// Schema validation against the operation's definition: the request as the client sent it (its
// parameters with the header, its body once read whole, before payload mediation) and, with
// enableResponseSchemaValidation, the backend's response before response policies change it.
// Failures go through the operation's fault flow (a response failure is the gateway's 500).
#include "gateway/filters/schema_validation.h"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "gateway/filters/filters.h"
#include "gateway/mediation.h"

namespace archway::gateway::filters {

common::Problem schema_problem(int status, std::string_view message, std::string_view flow,
                               const std::vector<openapi::SchemaError>& failures) {
  common::Problem p{status, status, std::string(message), fmt::format("Schema validation failed in the {}", flow)};
  boost::json::array errors;
  for (std::size_t i = 0; i < failures.size(); ++i) {
    p.description.append(i ? "; " : ": ").append(failures[i].location).append(": ").append(failures[i].message);
    errors.push_back(boost::json::object{{"location", failures[i].location}, {"message", failures[i].message}});
  }
  boost::json::object extra;
  if (!failures.empty()) extra["location"] = failures.front().location;
  extra["errors"] = std::move(errors);
  p.extra_json = boost::json::serialize(extra);
  return p;
}

common::Problem request_schema_problem(openapi::BodyVerdict verdict, const std::vector<openapi::SchemaError>& failures) {
  return verdict == openapi::BodyVerdict::kUnsupportedMediaType
             ? schema_problem(415, "Unsupported Media Type", "Request", failures)
             : schema_problem(400, "Bad Request", "Request", failures);
}

namespace {

// Request headers as schema validation looks them up.
class HeaderLookup final : public openapi::HeaderSource {
 public:
  explicit HeaderLookup(const RequestHeader& r) : r_(r) {}
  std::optional<std::string_view> header(std::string_view name) const override {
    const http::h1::Field* f = r_.find(name);
    if (!f) return std::nullopt;
    return f->value;
  }

 private:
  const RequestHeader& r_;
};

class SchemaValidation final : public Filter {
 public:
  std::string_view name() const override { return "schema_validation"; }

  Flow on_request(Call& call) const override {
    const openapi::OperationValidator& validator = *call.op.validator;
    const HeaderLookup headers(call.request);
    const openapi::RequestView view{call.query, template_params(call.op.target, call.path.substr(call.resource_offset)),
                                    &headers};
    std::vector<openapi::SchemaError> failures;
    openapi::BodyVerdict verdict = openapi::BodyVerdict::kValid;
    if (validator.check_parameters(view, failures) && call.body_done && validator.inspects_body())
      verdict = validator.check_body(call.request[http::h1::FieldId::kContentType], {}, failures);
    if (failures.empty()) return Flow::kNext;
    return fault(call, request_schema_problem(verdict, failures));
  }

  bool reads_request_body(const Call& call) const override {
    return !call.body_done && call.op.validator->inspects_body();
  }

  Flow on_request_body(Call& call, std::string& body, std::string& content_type) const override {
    const openapi::OperationValidator& validator = *call.op.validator;
    if (!validator.inspects_body()) return Flow::kNext;
    std::vector<openapi::SchemaError> failures;
    const openapi::BodyVerdict verdict = validator.check_body(content_type, body, failures);
    if (verdict == openapi::BodyVerdict::kValid) return Flow::kNext;
    return fault(call, request_schema_problem(verdict, failures));
  }

  // enableResponseSchemaValidation: the backend's body as it sent it, before response policies.
  bool reads_response_body(const Call& call, const ResponseHeader& response, bool) const override {
    return call.op.validate_response && !call.head &&
           call.op.validator->response_schema(call.status, response[http::h1::FieldId::kContentType]);
  }

  Flow on_response_body(Call& call, ResponseHeader& response, std::string& body,
                        std::string& content_type) const override {
    if (!reads_response_body(call, response, true)) return Flow::kNext;
    std::vector<openapi::SchemaError> failures;
    if (call.op.validator->check_response(call.status, content_type, body, failures)) return Flow::kNext;
    common::Problem p = schema_problem(500, "Internal Server Error", "Response", failures);
    spdlog::warn("response of {} {} failed schema validation: {}", call.op.verb, call.op.target, p.description);
    return fault(call, std::move(p));
  }
};

}  // namespace

const Filter& schema_validation() {
  static const SchemaValidation instance;
  return instance;
}

}  // namespace archway::gateway::filters
