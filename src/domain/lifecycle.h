#pragma once
// The API lifecycle of WSO2 API Manager 4.x's default APILifeCycle: its states, the transitions
// between them (event names as the product spells them), the check-list items of a Publish, and
// the history record of a change. Plain data and pure functions; what each state does at the
// gateway and in the portals lives with them.
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace archway::domain {

inline constexpr std::string_view kLifecycleCreated = "CREATED";
inline constexpr std::string_view kLifecyclePrototyped = "PROTOTYPED";
inline constexpr std::string_view kLifecyclePublished = "PUBLISHED";
inline constexpr std::string_view kLifecycleBlocked = "BLOCKED";
inline constexpr std::string_view kLifecycleDeprecated = "DEPRECATED";
inline constexpr std::string_view kLifecycleRetired = "RETIRED";

inline constexpr std::string_view kLifecycleStates[] = {kLifecycleCreated,    kLifecyclePrototyped,
                                                        kLifecyclePublished,  kLifecycleBlocked,
                                                        kLifecycleDeprecated, kLifecycleRetired};

inline constexpr std::string_view kActionPublish = "Publish";
inline constexpr std::string_view kActionPrototype = "Deploy as a Prototype";
inline constexpr std::string_view kActionDemote = "Demote to Created";
inline constexpr std::string_view kActionBlock = "Block";
inline constexpr std::string_view kActionRepublish = "Re-Publish";
inline constexpr std::string_view kActionDeprecate = "Deprecate";
inline constexpr std::string_view kActionRetire = "Retire";
inline constexpr std::string_view kLifecycleActions[] = {
    kActionPublish,   kActionPrototype, kActionDemote, kActionBlock,
    kActionRepublish, kActionDeprecate, kActionRetire};

struct LifecycleTransition {
  std::string_view event;   // the action name: "Publish", "Deploy as a Prototype", ...
  std::string_view target;  // the state it leads to: "PUBLISHED", ...
};

bool is_lifecycle_state(std::string_view state);
// Whether the Developer Portal shows an API in `state`: published, prototyped (to try) and
// deprecated (its subscribers still call it); CREATED, BLOCKED and RETIRED APIs do not exist there.
bool shown_in_devportal(std::string_view state);
// Whether `action` is one of kLifecycleActions.
bool is_lifecycle_action(std::string_view action);
// The transitions out of `state`, in the product's order; empty for RETIRED and unknown states.
std::span<const LifecycleTransition> lifecycle_transitions(std::string_view state);
// The state `action` leads to from `state`, or nothing when the action is not allowed there.
std::optional<std::string_view> lifecycle_target(std::string_view state, std::string_view action);

// The check-list items the product offers in CREATED and PROTOTYPED, acted on by a Publish.
inline constexpr std::string_view kCheckDeprecateOldVersions =
    "Deprecate old versions after publishing the API";
inline constexpr std::string_view kCheckRequireResubscription =
    "Requires re-subscription when publishing the API";

struct LifecycleChecklist {
  bool deprecate_old_versions = false;  // older PUBLISHED versions become DEPRECATED
  bool require_resubscription = false;  // subscriptions of older versions are not carried over
};

// Parses the `lifecycleChecklist` query parameter: "name:true,name:false". Names are the product's
// (kCheck*) or their short forms ("Deprecate old versions", "Requires re-subscription"), compared
// without case. Throws common::ProblemError (400) naming an unknown item or a value other than
// true/false.
LifecycleChecklist parse_lifecycle_checklist(std::string_view text);

// Orders API versions the way the product's version comparator does: dot-separated segments,
// numerically where both are numbers ("1.10" > "1.9"), else as text; a leading 'v' is ignored and
// a version that is a prefix of another is the older one.
std::strong_ordering compare_versions(std::string_view a, std::string_view b);

// One step in an API's lifecycle history. The first entry of an API is its creation, with an
// empty previous state.
struct LifecycleHistoryEntry {
  std::string api_id;
  std::string previous_state;
  std::string post_state;
  std::string user;
  std::int64_t updated_time = 0;  // epoch millis
};

}  // namespace archway::domain
