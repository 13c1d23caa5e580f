// libFuzzer target for custom operation policy uploads (the Publisher's /operation-policies takes
// both files from users): the input is the specification, a NUL, then the definition. Whatever
// parses must expand into built-in policy uses only, and survive an export and import unchanged.
// Not part of the CMake build (libFuzzer needs clang); build and run it from the repository root:
//   clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -Isrc src/openapi/*.cc \
//     src/publisher/operation_policies.cc src/domain/mediation.cc src/domain/mediation_json.cc \
//     src/domain/operation_policy.cc src/domain/json_transform.cc src/archive/zip.cc src/common/*.cc \
//     tests/fuzz/operation_policy_fuzz.cc -lboost_json -lboost_url -lfmt -lyaml-cpp -lzip -lcrypto \
//     -lspdlog -ltomlplusplus -o /tmp/operation_policy_fuzz && /tmp/operation_policy_fuzz -max_total_time=90
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/problem.h"
#include "publisher/operation_policies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace archway;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  if (nul == std::string_view::npos) return 0;
  domain::OperationPolicy p;
  try {
    p = publisher::OperationPolicyService::parse(input.substr(0, nul), input.substr(nul + 1));
  } catch (const common::ProblemError& e) {
    if (e.problem().status != 400) __builtin_trap();  // bad input is a 400, nothing else
    return 0;
  }
  domain::PolicyRef use;
  use.name = p.spec.name;
  for (const auto& a : p.spec.attributes) use.parameters[a.name] = "x";
  for (const auto& step : domain::expand_policy(p, use))
    if (!domain::find_builtin_policy(step.name)) __builtin_trap();
  const domain::OperationPolicy back =
      publisher::OperationPolicyService::read_zip(publisher::OperationPolicyService::export_zip(p, false));
  if (back.spec.name != p.spec.name || back.steps.size() != p.steps.size()) __builtin_trap();
  for (std::size_t i = 0; i < p.steps.size(); ++i)
    if (back.steps[i].policy != p.steps[i].policy || back.steps[i].parameters != p.steps[i].parameters)
      __builtin_trap();
  return 0;
}
