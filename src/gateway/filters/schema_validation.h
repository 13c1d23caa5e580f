#pragma once
// Schema validation (enableSchemaValidation) failures as the product words them.
#include <string_view>
#include <vector>

#include "common/problem.h"
#include "openapi/operation_validator.h"

namespace archway::gateway::filters {

// The problem for failed checks of `flow` ("Request" or "Response"): "location" names the first
// failure, "errors" lists them all (at most a few).
common::Problem schema_problem(int status, std::string_view message, std::string_view flow,
                               const std::vector<openapi::SchemaError>& failures);

// 415 when the body's media type is not one the definition describes, else 400.
common::Problem request_schema_problem(openapi::BodyVerdict verdict, const std::vector<openapi::SchemaError>& failures);

}  // namespace archway::gateway::filters
