#include "identity/roles.h"

#include <algorithm>
#include <cctype>

#include "common/strings.h"
#include "crypto/base64url.h"
#include "domain/user.h"

namespace archway::identity {

namespace {
struct RoleScopes {
  std::string_view role;
  std::vector<std::string_view> scopes;
};
const std::vector<RoleScopes>& table() {
  static const std::vector<RoleScopes> kTable = {
      {domain::kRoleAdmin, {kScopeApiView, kScopeApiCreate, kScopeApiPublish, kScopeSubscribe, kScopeAdmin,
                             kScopeServiceView, kScopeServiceWrite, kScopeApiImportExport, kScopeAppImportExport,
                             kScopeSharedScopeManage, kScopeScopeManage, kScopeCommentWrite}},
      {domain::kRoleCreator, {kScopeApiView, kScopeApiCreate, kScopeServiceView, kScopeServiceWrite,
                              kScopeApiImportExport, kScopeSharedScopeManage, kScopeCommentWrite}},
      {domain::kRolePublisher, {kScopeApiView, kScopeApiPublish, kScopeServiceView, kScopeCommentWrite}},
      {domain::kRoleSubscriber, {kScopeSubscribe}},
  };
  return kTable;
}
}  // namespace

const std::vector<std::string_view>& system_scope_names() {
  static const std::vector<std::string_view> kNames = {
      kScopeAdmin,        kScopeApiCreate,   kScopeApiImportExport,   kScopeApiPublish, kScopeApiView,
      kScopeAppImportExport, kScopeCommentWrite, kScopeScopeManage, kScopeSharedScopeManage, kScopeSubscribe,
      kScopeServiceView,  kScopeServiceWrite};
  return kNames;
}

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
  std::vector<std::string> granted;
  for (auto& scope : common::split_words(requested))
    if (std::find(allowed.begin(), allowed.end(), scope) != allowed.end() &&
        std::find(granted.begin(), granted.end(), scope) == granted.end())
      granted.push_back(std::move(scope));
  std::string out;
  for (const auto& g : granted) out += (out.empty() ? "" : " ") + g;
  return out.empty() ? "default" : out;
}

std::optional<std::string> decode_name_id(std::string_view id) {
  std::string text(id);
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  auto decoded = crypto::base64url_decode(text);
  if (!decoded) return std::nullopt;
  // The product's own examples carry trailing whitespace after the name.
  while (!decoded->empty() && std::isspace(static_cast<unsigned char>(decoded->back()))) decoded->pop_back();
  if (decoded->empty()) return std::nullopt;
  return decoded;
}

std::optional<std::string> known_role_named(std::string_view name) {
  std::string lower = common::to_lower(std::string(name));
  if (lower.starts_with("internal/")) lower.erase(0, 9);
  if (!is_known_role(lower)) return std::nullopt;
  return lower;
}

}  // namespace archway::identity
