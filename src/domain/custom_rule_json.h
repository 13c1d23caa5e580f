#pragma once
// JSON codec of custom rules (the product's CustomRule: policyName, description, keyTemplate,
// siddhiQuery) with Archway's additions `condition` and `limit`, which say the same as the Siddhi
// query as data. A body with only a siddhiQuery is read when it has the product's documented
// template shape (an eligibility test on request attributes, a timeBatch window and a count
// threshold); anything else is refused with a 400 that names the Archway fields.
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "domain/policy.h"

namespace archway::domain {

// The attributes a key template may name, as "$name" (joined by any literal text, e.g. ':').
inline constexpr std::string_view kKeyTemplateVariables[] = {"userId", "apiContext", "apiVersion",
                                                             "appId",  "clientIp",   "apiName"};

// Reads and validates a custom rule body; throws ProblemError(400) naming the field.
ThrottlePolicy custom_rule_from_json(const boost::json::object& o);
boost::json::object custom_rule_to_json(const ThrottlePolicy& p);

// What a Siddhi query of the product's template shape says; nullopt with `why` otherwise.
struct SiddhiRule {
  CustomRuleMatch match;
  ThrottleLimit limit;
};
std::optional<SiddhiRule> read_siddhi_template(std::string_view query, std::string& why);

// An empty string when `key_template` is a valid key template, else why not.
std::string key_template_error(std::string_view key_template);

}  // namespace archway::domain
