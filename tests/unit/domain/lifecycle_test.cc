#include "domain/lifecycle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "common/problem.h"

namespace archway::domain {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs transitions_of(std::string_view state) {
  Pairs out;
  for (const auto& t : lifecycle_transitions(state)) out.emplace_back(t.event, t.target);
  return out;
}

TEST(Lifecycle, TransitionTableIsTheProductsDefaultApiLifeCycle) {
  EXPECT_EQ(transitions_of("CREATED"),
            (Pairs{{"Publish", "PUBLISHED"}, {"Deploy as a Prototype", "PROTOTYPED"}}));
  EXPECT_EQ(transitions_of("PROTOTYPED"), (Pairs{{"Publish", "PUBLISHED"},
                                                 {"Demote to Created", "CREATED"},
                                                 {"Deploy as a Prototype", "PROTOTYPED"}}));
  EXPECT_EQ(transitions_of("PUBLISHED"), (Pairs{{"Block", "BLOCKED"},
                                                {"Deploy as a Prototype", "PROTOTYPED"},
                                                {"Demote to Created", "CREATED"},
                                                {"Deprecate", "DEPRECATED"},
                                                {"Publish", "PUBLISHED"}}));
  EXPECT_EQ(transitions_of("BLOCKED"),
            (Pairs{{"Deprecate", "DEPRECATED"}, {"Re-Publish", "PUBLISHED"}}));
  EXPECT_EQ(transitions_of("DEPRECATED"), (Pairs{{"Retire", "RETIRED"}}));
  EXPECT_TRUE(transitions_of("RETIRED").empty());
  EXPECT_TRUE(transitions_of("published").empty());  // states are upper case
  EXPECT_TRUE(transitions_of("").empty());
}

TEST(Lifecycle, EveryTargetIsAStateAndEveryStateAndActionIsUsed) {
  std::vector<std::string> reached{"CREATED"};
  std::vector<std::string> events;
  for (auto state : kLifecycleStates)
    for (const auto& t : lifecycle_transitions(state)) {
      EXPECT_TRUE(is_lifecycle_state(t.target)) << t.target;
      EXPECT_TRUE(is_lifecycle_action(t.event)) << t.event;
      reached.emplace_back(t.target);
      events.emplace_back(t.event);
    }
  for (auto state : kLifecycleStates)
    EXPECT_NE(std::find(reached.begin(), reached.end(), state), reached.end()) << state;
  for (auto action : kLifecycleActions)
    EXPECT_NE(std::find(events.begin(), events.end(), action), events.end()) << action;
}

TEST(Lifecycle, TargetOfAnIllegalOrUnknownActionIsNothing) {
  EXPECT_EQ(lifecycle_target("CREATED", "Publish"), "PUBLISHED");
  EXPECT_EQ(lifecycle_target("BLOCKED", "Re-Publish"), "PUBLISHED");
  EXPECT_FALSE(lifecycle_target("CREATED", "Block"));
  EXPECT_FALSE(lifecycle_target("CREATED", "Re-Publish"));
  EXPECT_FALSE(lifecycle_target("BLOCKED", "Publish"));
  EXPECT_FALSE(lifecycle_target("DEPRECATED", "Publish"));
  EXPECT_FALSE(lifecycle_target("RETIRED", "Retire"));
  EXPECT_FALSE(lifecycle_target("CREATED", "publish"));  // names are exact, as the product's
  EXPECT_TRUE(is_lifecycle_action("Deploy as a Prototype"));
  EXPECT_TRUE(is_lifecycle_action("Retire"));
  EXPECT_FALSE(is_lifecycle_action("Explode"));
  EXPECT_FALSE(is_lifecycle_action(""));
}

int status_of(std::string_view checklist) {
  try {
    parse_lifecycle_checklist(checklist);
    return 0;
  } catch (const common::ProblemError& e) {
    return e.problem().status;
  }
}

TEST(Lifecycle, ChecklistTakesTheProductsNamesAndShortForms) {
  auto c = parse_lifecycle_checklist("");
  EXPECT_FALSE(c.deprecate_old_versions);
  EXPECT_FALSE(c.require_resubscription);
  c = parse_lifecycle_checklist("Deprecate old versions:true,Requires re-subscription:true");
  EXPECT_TRUE(c.deprecate_old_versions);
  EXPECT_TRUE(c.require_resubscription);
  c = parse_lifecycle_checklist(
      "Deprecate old versions after publishing the API:true, Requires re-subscription when "
      "publishing the API:false");
  EXPECT_TRUE(c.deprecate_old_versions);
  EXPECT_FALSE(c.require_resubscription);
  c = parse_lifecycle_checklist(" deprecate OLD versions : TRUE ,,");
  EXPECT_TRUE(c.deprecate_old_versions);
}

TEST(Lifecycle, BadChecklistIs400NamingTheItem) {
  EXPECT_EQ(status_of("Deprecate old versions"), 400);
  EXPECT_EQ(status_of("Deprecate old versions:yes"), 400);
  EXPECT_EQ(status_of("Deprecate old versions:"), 400);
  EXPECT_EQ(status_of("Launch rockets:true"), 400);
  EXPECT_EQ(status_of(":true"), 400);
  try {
    parse_lifecycle_checklist("Launch rockets:true");
  } catch (const common::ProblemError& e) {
    EXPECT_NE(e.problem().description.find("'Launch rockets'"), std::string::npos)
        << e.problem().description;
  }
}

int cmp(std::string_view a, std::string_view b) {
  const auto c = compare_versions(a, b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

TEST(Lifecycle, VersionsCompareSegmentBySegment) {
  EXPECT_EQ(cmp("1.0.0", "2.0.0"), -1);
  EXPECT_EQ(cmp("1.9", "1.10"), -1);
  EXPECT_EQ(cmp("v2", "1.5"), 1);
  EXPECT_EQ(cmp("v1.0", "1.0"), 0);
  EXPECT_EQ(cmp("1.01", "1.1"), 0);
  EXPECT_EQ(cmp("1.0", "1.0.1"), -1);
  EXPECT_EQ(cmp("1.0-alpha", "1.0-beta"), -1);
  EXPECT_EQ(cmp("1.0", "1.a"), -1);  // not both numbers: compared as text
  EXPECT_EQ(cmp("99999999999999999999", "100000000000000000000"), -1);  // any length, no overflow
  EXPECT_EQ(cmp("", "1"), -1);
}

}  // namespace
}  // namespace archway::domain
