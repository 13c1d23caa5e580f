// jsonToXML, xmlToJson, jsonTransform: body steps that need the whole body (bounded by
// gateway.max_transform_bytes), run in order.
#include <spdlog/spdlog.h>

#include "common/problem.h"
#include "gateway/policies/policies.h"

namespace archway::gateway::policies {

void json_to_xml(const domain::PolicyRef& use, CompiledFlow& flow) {
  BodyStep step;
  step.root = param(use, "rootElement", "jsonObject");
  flow.body.push_back(std::move(step));
}

void xml_to_json(const domain::PolicyRef&, CompiledFlow& flow) {
  flow.body.push_back(BodyStep{BodyStep::Kind::kXmlToJson, {}, {}});
}

void json_transform(const domain::PolicyRef& use, CompiledFlow& flow) {
  // Checked when the policy was defined; a stored definition that no longer parses is left out, loudly.
  try {
    flow.body.push_back(
        BodyStep{BodyStep::Kind::kJsonTransform, {}, domain::parse_json_transform(param(use, "operations"), "operations")});
  } catch (const common::ProblemError& e) {
    spdlog::error("jsonTransform policy left out of the flow: {}", e.problem().description);
  }
}

}  // namespace archway::gateway::policies
