#include "domain/operation_policy.h"

#include <gtest/gtest.h>

using namespace archway;

namespace {

domain::OperationPolicy stamp() {
  domain::OperationPolicy p;
  p.id = "p1";
  p.spec.name = "stamp";
  p.spec.flows = {"request"};
  domain::PolicyAttribute value;
  value.name = "value";
  domain::PolicyAttribute suffix;
  suffix.name = "suffix";
  suffix.default_value = "-d";
  domain::PolicyAttribute optional;
  optional.name = "optional";
  p.spec.attributes = {value, suffix, optional};
  p.steps = {{"addHeader", {{"headerName", "X-A"}, {"headerValue", "v={{value}}{{ suffix }}"}}},
             {"removeHeader", {{"headerName", "{{optional}}"}}}};
  return p;
}

domain::PolicyRef use(std::string name, std::map<std::string, std::string> params) {
  domain::PolicyRef r;
  r.name = std::move(name);
  r.parameters = std::move(params);
  return r;
}

}  // namespace

TEST(OperationPolicyExpansion, StepsTakeTheUsesValuesThenTheDefaultsAndEmptyParametersAreLeftOut) {
  const auto steps = domain::expand_policy(stamp(), use("stamp", {{"value", "42"}}));
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].name, "addHeader");
  EXPECT_EQ(steps[0].parameters.at("headerValue"), "v=42-d");
  EXPECT_EQ(steps[1].name, "removeHeader");
  EXPECT_FALSE(steps[1].parameters.count("headerName"));  // `optional` not given, no default
  const auto given = domain::expand_policy(
      stamp(), use("stamp", {{"value", "1"}, {"suffix", ""}, {"optional", "X-B"}}));
  EXPECT_EQ(given[0].parameters.at("headerValue"), "v=1");
  EXPECT_EQ(given[1].parameters.at("headerName"), "X-B");
}

TEST(OperationPolicyExpansion, BuiltInUsesStayInPlaceCustomOnesExpandAndUnknownOnesAreLeftOut) {
  const domain::OperationPolicy p = stamp();
  domain::PolicyFlows flows;
  flows.request = {use("setHeader", {{"headerName", "X-First"}, {"headerValue", "1"}}),
                   use("stamp", {{"value", "7"}}), use("ghost", {}),
                   use("removeHeader", {{"headerName", "X-Last"}})};
  std::vector<std::string> unknown;
  domain::expand_custom_policies(
      flows, [&](const domain::PolicyRef& u) { return u.name == "stamp" ? &p : nullptr; },
      [&](const domain::PolicyRef& u) { unknown.push_back(u.name); });
  ASSERT_EQ(flows.request.size(), 4u);
  EXPECT_EQ(flows.request[0].name, "setHeader");
  EXPECT_EQ(flows.request[1].name, "addHeader");
  EXPECT_EQ(flows.request[2].name, "removeHeader");
  EXPECT_EQ(flows.request[3].parameters.at("headerName"), "X-Last");
  EXPECT_EQ(unknown, std::vector<std::string>{"ghost"});
  EXPECT_FALSE(domain::has_custom_policies(flows));
}

TEST(OperationPolicyExpansion, TheStoredRecordReadsBackAsThePolicy) {
  domain::OperationPolicy p = stamp();
  p.api_id = "api-1";
  p.version = "v2";
  p.supported_gateways = {"Synapse"};
  p.spec_text = "name: stamp";
  const auto back = domain::operation_policy_from_record(domain::operation_policy_record(p));
  EXPECT_EQ(back.id, "p1");
  EXPECT_EQ(back.api_id, "api-1");
  EXPECT_EQ(back.version, "v2");
  EXPECT_EQ(back.spec.attributes.size(), 3u);
  EXPECT_EQ(back.spec.attributes[1].default_value, "-d");
  EXPECT_EQ(back.steps.size(), 2u);
  EXPECT_EQ(back.steps[0].parameters.at("headerValue"), "v={{value}}{{ suffix }}");
  EXPECT_EQ(back.spec_text, "name: stamp");
  EXPECT_TRUE(domain::operation_policy_to_json(back).at("isAPISpecific").as_bool());
}
