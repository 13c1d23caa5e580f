#pragma once
// Payload steps of a compiled flow: jsonToXML, xmlToJson and jsonTransform, run in the order the
// policies were given on a buffered body. Each step takes the previous step's output.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/json_transform.h"
#include "gateway/xml_json.h"

namespace archway::gateway {

struct BodyStep {
  enum class Kind { kJsonToXml, kXmlToJson, kJsonTransform };
  Kind kind = Kind::kJsonToXml;
  std::string root = "jsonObject";                 // jsonToXML's root element
  std::vector<domain::JsonTransformOp> operations;  // jsonTransform
};

// Runs `steps` on `body`. On success `content_type` is the media type of the result.
PayloadResult run_body_steps(const std::vector<BodyStep>& steps, std::string_view body, std::string& content_type);

// Applies jsonTransform operations to a parsed document (exposed for tests).
void apply_json_transform(const std::vector<domain::JsonTransformOp>& ops, boost::json::value& doc);

}  // namespace archway::gateway
