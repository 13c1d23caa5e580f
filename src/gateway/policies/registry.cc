// Policy name -> compile function, and the compilation of a flow from its policy uses.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <utility>

#include "gateway/policies/policies.h"

namespace archway::gateway {

namespace policies {

namespace {

constexpr std::array<std::pair<std::string_view, Compile>, 11> kPolicies{{
    {"addHeader", add_header},
    {"setHeader", set_header},
    {"removeHeader", remove_header},
    {"addQueryParam", add_query_param},
    {"removeQueryParam", remove_query_param},
    {"rewriteMethod", rewrite_method},
    {"rewritePath", rewrite_path},
    {"mockResponse", mock_response},
    {"jsonToXML", json_to_xml},
    {"xmlToJson", xml_to_json},
    {"jsonTransform", json_transform},
}};

}  // namespace

Compile find(std::string_view policy_name) {
  auto it = std::find_if(kPolicies.begin(), kPolicies.end(), [&](const auto& p) { return p.first == policy_name; });
  return it == kPolicies.end() ? nullptr : it->second;
}

}  // namespace policies

CompiledFlow compile_flow(const std::vector<domain::PolicyRef>& gateway_level,
                          const std::vector<domain::PolicyRef>& api_level,
                          const std::vector<domain::PolicyRef>& operation_level) {
  CompiledFlow f;
  for (const auto* uses : {&gateway_level, &api_level, &operation_level})
    for (const auto& use : *uses) {
      if (const policies::Compile compile = policies::find(use.name)) compile(use, f);
      else spdlog::warn("mediation policy '{}' is unknown to the gateway; left out of the flow", use.name);
    }
  return f;
}

}  // namespace archway::gateway
