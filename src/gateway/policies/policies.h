#pragma once
// The gateway side of mediation policies: for each built-in policy name (domain/mediation.h lists
// them with their parameters), the function that compiles one use of it into an operation's
// CompiledFlow. One file per family of policies; registry.cc is the table. A new policy is a new
// compile function, one line in the table, and its tests.
#include <string>
#include <string_view>

#include "domain/mediation.h"
#include "gateway/mediation.h"

namespace archway::gateway::policies {

using Compile = void (*)(const domain::PolicyRef& use, CompiledFlow& flow);

// The compile function of a policy, or null for a name the gateway does not know.
Compile find(std::string_view policy_name);

// A parameter of a policy use, or `fallback` when the use does not give it.
inline std::string param(const domain::PolicyRef& use, const char* name, std::string fallback = "") {
  auto it = use.parameters.find(name);
  return it == use.parameters.end() ? fallback : it->second;
}

// header.cc
void add_header(const domain::PolicyRef& use, CompiledFlow& flow);
void set_header(const domain::PolicyRef& use, CompiledFlow& flow);
void remove_header(const domain::PolicyRef& use, CompiledFlow& flow);
// query.cc
void add_query_param(const domain::PolicyRef& use, CompiledFlow& flow);
void remove_query_param(const domain::PolicyRef& use, CompiledFlow& flow);
// rewrite.cc
void rewrite_method(const domain::PolicyRef& use, CompiledFlow& flow);
void rewrite_path(const domain::PolicyRef& use, CompiledFlow& flow);
// mock.cc
void mock_response(const domain::PolicyRef& use, CompiledFlow& flow);
// payload.cc
void json_to_xml(const domain::PolicyRef& use, CompiledFlow& flow);
void xml_to_json(const domain::PolicyRef& use, CompiledFlow& flow);
void json_transform(const domain::PolicyRef& use, CompiledFlow& flow);

}  // namespace archway::gateway::policies
