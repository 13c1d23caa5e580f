#include "identity/system_scopes.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/problem.h"
#include "domain/user.h"
#include "identity/roles.h"

namespace archway::identity {

using common::Problem;
using common::ProblemError;

namespace {
constexpr auto kReloadAfter = std::chrono::seconds(1);

bool contains(const std::vector<std::string>& v, std::string_view s) { return std::find(v.begin(), v.end(), s) != v.end(); }
}  // namespace

std::shared_ptr<const SystemScopes::State> SystemScopes::state() {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  if (!state_ || now - state_->loaded >= kReloadAfter) {
    auto s = std::make_shared<State>();
    // Every system scope, those no role holds included (they have no rows).
    const auto stored = store_.system_scope_roles();
    for (auto name : system_scope_names()) {
      std::vector<std::string> roles;
      for (const auto& [scope, holders] : stored)
        if (scope == name) roles = holders;
      s->scopes.emplace_back(std::string(name), std::move(roles));
    }
    s->aliases = store_.role_aliases();
    s->loaded = now;
    state_ = std::move(s);
  }
  return state_;
}

store::Store::RoleMap SystemScopes::scopes() { return state()->scopes; }
store::Store::RoleMap SystemScopes::aliases() { return state()->aliases; }

std::vector<std::string> SystemScopes::effective_roles(const State& s, const std::vector<std::string>& roles) {
  std::vector<std::string> out = roles;
  for (const auto& [role, names] : s.aliases)
    if (!contains(out, role) && std::any_of(names.begin(), names.end(), [&](const std::string& a) { return contains(roles, a); }))
      out.push_back(role);
  return out;
}

bool SystemScopes::allows(const std::vector<std::string>& roles, std::string_view scope) {
  if (contains(roles, domain::kRoleAdmin)) return true;
  const auto s = state();
  const auto effective = effective_roles(*s, roles);
  for (const auto& [name, holders] : s->scopes)
    if (name == scope)
      return std::any_of(holders.begin(), holders.end(), [&](const std::string& r) { return contains(effective, r); });
  return false;
}

std::vector<std::string> SystemScopes::scopes_for_roles(const std::vector<std::string>& roles) {
  const auto s = state();
  const bool admin = contains(roles, domain::kRoleAdmin);
  const auto effective = effective_roles(*s, roles);
  std::vector<std::string> out;
  for (const auto& [name, holders] : s->scopes)
    if (admin || std::any_of(holders.begin(), holders.end(), [&](const std::string& r) { return contains(effective, r); }))
      out.push_back(name);
  return out;
}

void SystemScopes::set_scopes(const store::Store::RoleMap& scopes) {
  const auto& names = system_scope_names();
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    const auto& [name, roles] = scopes[i];
    if (std::find(names.begin(), names.end(), name) == names.end())
      throw ProblemError(Problem::bad_request(fmt::format("'list[{}].name': '{}' is not a system scope", i, name)));
    for (std::size_t k = 0; k < roles.size(); ++k)
      if (!is_known_role(roles[k]))
        throw ProblemError(Problem::bad_request(fmt::format("'list[{}].roles[{}]': unknown role '{}'", i, k, roles[k])));
  }
  store_.set_system_scope_roles(scopes);
  std::lock_guard lock(mu_);
  state_.reset();
}

void SystemScopes::set_aliases(const store::Store::RoleMap& aliases) {
  for (std::size_t i = 0; i < aliases.size(); ++i) {
    const auto& [role, names] = aliases[i];
    if (!is_known_role(role))
      throw ProblemError(Problem::bad_request(fmt::format("'list[{}].role': unknown role '{}'", i, role)));
    for (std::size_t k = 0; k < names.size(); ++k)
      if (names[k].empty() || names[k] == role)
        throw ProblemError(Problem::bad_request(
            fmt::format("'list[{}].aliases[{}]' must name another role than '{}'", i, k, role)));
  }
  store_.set_role_aliases(aliases);
  std::lock_guard lock(mu_);
  state_.reset();
}

}  // namespace archway::identity
