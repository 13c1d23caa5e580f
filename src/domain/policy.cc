#include "domain/policy.h"

#include <algorithm>
#include <cctype>

namespace archway::domain {

namespace {

// A role name as permissions compare it: lower case, without the product's "Internal/" prefix.
std::string role_key(std::string_view role) {
  std::string out(role);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  constexpr std::string_view kInternal = "internal/";
  if (out.size() > kInternal.size() && out.compare(0, kInternal.size(), kInternal) == 0) out.erase(0, kInternal.size());
  return out;
}

}  // namespace

bool tier_permits(const TierPermission& permission, const std::vector<std::string>& roles) {
  if (permission.empty()) return true;
  const bool listed = std::any_of(permission.roles.begin(), permission.roles.end(), [&](const std::string& r) {
    const std::string key = role_key(r);
    return key == "everyone" ||
           std::any_of(roles.begin(), roles.end(), [&](const std::string& held) { return role_key(held) == key; });
  });
  return permission.type == "ALLOW" ? listed : !listed;
}

}  // namespace archway::domain
