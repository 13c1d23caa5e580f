#include "domain/lifecycle.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/problem.h"

namespace archway::domain {

namespace {

constexpr LifecycleTransition kFromCreated[] = {{kActionPublish, kLifecyclePublished},
                                                {kActionPrototype, kLifecyclePrototyped}};
constexpr LifecycleTransition kFromPrototyped[] = {{kActionPublish, kLifecyclePublished},
                                                   {kActionDemote, kLifecycleCreated},
                                                   {kActionPrototype, kLifecyclePrototyped}};
constexpr LifecycleTransition kFromPublished[] = {{kActionBlock, kLifecycleBlocked},
                                                  {kActionPrototype, kLifecyclePrototyped},
                                                  {kActionDemote, kLifecycleCreated},
                                                  {kActionDeprecate, kLifecycleDeprecated},
                                                  {kActionPublish, kLifecyclePublished}};
constexpr LifecycleTransition kFromBlocked[] = {{kActionDeprecate, kLifecycleDeprecated},
                                                {kActionRepublish, kLifecyclePublished}};
constexpr LifecycleTransition kFromDeprecated[] = {{kActionRetire, kLifecycleRetired}};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

[[noreturn]] void bad(std::string description) {
  throw common::ProblemError(common::Problem::bad_request(std::move(description)));
}

bool all_digits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

bool is_lifecycle_state(std::string_view state) {
  return std::find(std::begin(kLifecycleStates), std::end(kLifecycleStates), state) !=
         std::end(kLifecycleStates);
}

bool shown_in_devportal(std::string_view state) {
  return state == kLifecyclePublished || state == kLifecyclePrototyped || state == kLifecycleDeprecated;
}

std::span<const LifecycleTransition> lifecycle_transitions(std::string_view state) {
  if (state == kLifecycleCreated) return kFromCreated;
  if (state == kLifecyclePrototyped) return kFromPrototyped;
  if (state == kLifecyclePublished) return kFromPublished;
  if (state == kLifecycleBlocked) return kFromBlocked;
  if (state == kLifecycleDeprecated) return kFromDeprecated;
  return {};
}

bool is_lifecycle_action(std::string_view action) {
  return std::find(std::begin(kLifecycleActions), std::end(kLifecycleActions), action) !=
         std::end(kLifecycleActions);
}

std::optional<std::string_view> lifecycle_target(std::string_view state, std::string_view action) {
  for (const auto& t : lifecycle_transitions(state))
    if (t.event == action) return t.target;
  return std::nullopt;
}

LifecycleChecklist parse_lifecycle_checklist(std::string_view text) {
  LifecycleChecklist out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view item = trim(text.substr(start, comma - start));
    start = comma + 1;
    if (item.empty()) continue;
    const std::size_t colon = item.rfind(':');
    if (colon == std::string_view::npos)
      bad(fmt::format("'lifecycleChecklist': item '{}' must be written as name:true or name:false",
                      item));
    const std::string_view name = trim(item.substr(0, colon));
    const std::string_view value = trim(item.substr(colon + 1));
    bool on = false;
    if (iequals(value, "true"))
      on = true;
    else if (!iequals(value, "false"))
      bad(fmt::format("'lifecycleChecklist': the value of '{}' must be true or false, got '{}'",
                      name, value));
    if (iequals(name, kCheckDeprecateOldVersions) || iequals(name, "Deprecate old versions"))
      out.deprecate_old_versions = on;
    else if (iequals(name, kCheckRequireResubscription) ||
             iequals(name, "Requires re-subscription") || iequals(name, "Require re-subscription"))
      out.require_resubscription = on;
    else
      bad(fmt::format("'lifecycleChecklist': unknown item '{}' (known: '{}', '{}')", name,
                      kCheckDeprecateOldVersions, kCheckRequireResubscription));
  }
  return out;
}

std::strong_ordering compare_versions(std::string_view a, std::string_view b) {
  if (!a.empty() && (a.front() == 'v' || a.front() == 'V')) a.remove_prefix(1);
  if (!b.empty() && (b.front() == 'v' || b.front() == 'V')) b.remove_prefix(1);
  for (;;) {
    if (a.empty() || b.empty()) return !a.empty() <=> !b.empty();
    const std::size_t da = std::min(a.find('.'), a.size());
    const std::size_t db = std::min(b.find('.'), b.size());
    const std::string_view sa = a.substr(0, da), sb = b.substr(0, db);
    std::strong_ordering c = std::strong_ordering::equal;
    if (all_digits(sa) && all_digits(sb)) {
      // Compare as numbers of any length: drop leading zeros, then the longer is larger.
      const std::string_view na = sa.substr(std::min(sa.find_first_not_of('0'), sa.size()));
      const std::string_view nb = sb.substr(std::min(sb.find_first_not_of('0'), sb.size()));
      c = na.size() != nb.size() ? na.size() <=> nb.size() : na.compare(nb) <=> 0;
    } else {
      c = sa.compare(sb) <=> 0;
    }
    if (c != 0) return c;
    a.remove_prefix(std::min(da + 1, a.size()));
    b.remove_prefix(std::min(db + 1, b.size()));
  }
}

}  // namespace archway::domain
