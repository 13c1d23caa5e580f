#include "identity/roles.h"

#include <algorithm>

#include "domain/user.h"

namespace archway::identity {

namespace {
struct RoleScopes {
  std::string_view role;
  std::vector<std::string_view> scopes;
};
const std::vector<RoleScopes>& table() {
  static const std::vector<RoleScopes> kTable = {
      {domain::kRoleAdmin, {kScopeApiView, kScopeApiCreate, kScopeApiPublish, kScopeSubscribe, kScopeAdmin}},
      {domain::kRoleCreator, {kScopeApiView, kScopeApiCreate}},
      {domain::kRolePublisher, {kScopeApiView, kScopeApiPublish}},
      {domain::kRoleSubscriber, {kScopeSubscribe}},
  };
  return kTable;
}
}  // namespace

const std::vector<std::string_view>& known_roles() {
  static const std::vector<std::string_view> kRoles = {domain::kRoleAdmin, domain::kRoleCreator,
                                                       domain::kRolePublisher, domain::kRoleSubscriber};
  return kRoles;
}

bool is_known_role(std::string_view role) {
  const auto& r = known_roles();
  return std::find(r.begin(), r.end(), role) != r.end();
}

std::vector<std::string> scopes_for_roles(const std::vector<std::string>& roles) {
  std::vector<std::string> out;
  for (const auto& rs : table()) {
    if (std::find(roles.begin(), roles.end(), rs.role) == roles.end()) continue;
    for (auto s : rs.scopes)
      if (std::find(out.begin(), out.end(), s) == out.end()) out.emplace_back(s);
  }
  return out;
}

std::string grant_scopes(std::string_view requested, const std::vector<std::string>& roles,
                         const std::vector<std::string>& extra_allowed) {
  auto allowed = scopes_for_roles(roles);
  allowed.insert(allowed.end(), extra_allowed.begin(), extra_allowed.end());
  std::string out;
  std::size_t i = 0;
  while (i < requested.size()) {
    std::size_t j = requested.find(' ', i);
    if (j == std::string_view::npos) j = requested.size();
    const std::string scope(requested.substr(i, j - i));
    if (!scope.empty() && std::find(allowed.begin(), allowed.end(), scope) != allowed.end() &&
        (" " + out + " ").find(" " + scope + " ") == std::string::npos)
      out += (out.empty() ? "" : " ") + scope;
    i = j + 1;
  }
  return out.empty() ? "default" : out;
}

}  // namespace archway::identity
