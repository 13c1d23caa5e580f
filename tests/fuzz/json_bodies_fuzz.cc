// libFuzzer target for the JSON request bodies of the REST resources: the readers in src/domain
// that the Publisher and Admin handlers call on a body parsed by common::parse_json_body (APIs
// and their endpoint configuration, mediation policy flows and CORS, throttling policies of
// each level, custom rules, deny policies). The first byte picks the reader; the rest is the
// body. A reader either refuses with common::ProblemError (any other exception is a bug) or
// returns an object whose JSON form reads back to an object with the same JSON form.
// Built and run by `make fuzz` (scripts/fuzz.sh); seeds in tests/corpus/json_bodies.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "common/json.h"
#include "common/problem.h"
#include "domain/api_json.h"
#include "domain/custom_rule_json.h"
#include "domain/mediation_json.h"
#include "domain/policy.h"
#include "domain/policy_json.h"

namespace {

using namespace archway;
namespace json = boost::json;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// Reads `v`, writes the result, reads that and writes it again: both writings must agree, and
// the second read must not refuse what the server itself wrote.
template <typename Read, typename Write>
void round_trip(const json::value& v, Read read, Write write) {
  json::object first;
  try {
    first = write(read(v));
  } catch (const common::ProblemError&) {
    return;
  }
  json::object second;
  try {
    second = write(read(json::value(first)));
  } catch (const common::ProblemError&) {
    check(false);
  }
  check(json::serialize(first) == json::serialize(second));
}

const json::object& object(const json::value& v) { return common::as_object(v, ""); }

void fuzz(std::uint8_t which, std::string_view body) {
  json::value v;
  try {
    v = common::parse_json_body(body);
  } catch (const common::ProblemError&) {
    return;
  }
  switch (which % 9) {
    case 0:
      round_trip(v, [](const json::value& x) { return domain::api_from_json(object(x)); },
                 [](const domain::Api& a) { return domain::api_to_json(a); });
      break;
    case 1:
      round_trip(v, [](const json::value& x) { return domain::endpoint_config_from_json(object(x)); },
                 [](const domain::EndpointConfig& c) {
                   domain::Api a;
                   a.endpoint_config = c;
                   const json::object whole = domain::api_to_json(a);
                   const json::value* ec = whole.if_contains("endpointConfig");
                   return ec && ec->is_object() ? ec->get_object() : json::object{};
                 });
      break;
    case 2:
      round_trip(v, [](const json::value& x) { return domain::policy_flows_from_json(x, "apiPolicies"); },
                 [](const domain::PolicyFlows& f) { return domain::policy_flows_to_json(f); });
      break;
    case 3:
      round_trip(v, [](const json::value& x) { return domain::cors_from_json(x, "corsConfiguration"); },
                 [](const domain::CorsConfiguration& c) { return domain::cors_to_json(c); });
      break;
    case 4:
    case 5:
    case 6: {
      static constexpr std::string_view kLevels[] = {domain::kPolicyLevelSubscription,
                                                     domain::kPolicyLevelApplication,
                                                     domain::kPolicyLevelAdvanced};
      const std::string_view level = kLevels[which % 9 - 4];
      round_trip(v, [level](const json::value& x) { return domain::policy_from_json(object(x), level); },
                 [](const domain::ThrottlePolicy& p) { return domain::policy_to_json(p); });
      break;
    }
    case 7:
      round_trip(v, [](const json::value& x) { return domain::custom_rule_from_json(object(x)); },
                 [](const domain::ThrottlePolicy& p) { return domain::custom_rule_to_json(p); });
      break;
    default:
      round_trip(v, [](const json::value& x) { return domain::block_condition_from_json(object(x)); },
                 [](const domain::BlockCondition& c) { return domain::block_condition_to_json(c); });
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  fuzz(data[0], std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  return 0;
}
