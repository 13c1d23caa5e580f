// Schema validation of the request as the client sent it, against the operation's definition: its
// parameters here (and its body when it has none); a body is checked once read whole, before
// payload mediation (the session's body step). Failures go through the operation's fault flow.
#include "gateway/filters/schema_validation.h"

#include <boost/json.hpp>
#include <fmt/format.h>

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
  explicit HeaderLookup(const ClientRequest& r) : r_(r) {}
  std::optional<std::string_view> header(std::string_view name) const override {
    auto it = r_.find(name);
    if (it == r_.end()) return std::nullopt;
    return std::string_view(it->value());
  }

 private:
  const ClientRequest& r_;
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
      verdict = validator.check_body(call.request[boost::beast::http::field::content_type], {}, failures);
    if (failures.empty()) return Flow::kNext;
    call.answer.kind = Answer::Kind::kFault;
    call.answer.problem = request_schema_problem(verdict, failures);
    return Flow::kAnswer;
  }
};

}  // namespace

const Filter& schema_validation() {
  static const SchemaValidation instance;
  return instance;
}

}  // namespace archway::gateway::filters
