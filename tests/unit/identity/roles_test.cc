#include "identity/roles.h"

#include <gtest/gtest.h>

namespace archway::identity {
namespace {

TEST(GrantScopes, GrantsOnlyWhatRolesAllow) {
  EXPECT_EQ(grant_scopes("apim:subscribe apim:api_create", {"subscriber"}), "apim:subscribe");
  EXPECT_EQ(grant_scopes("apim:api_create apim:api_publish", {"creator", "publisher"}),
            "apim:api_create apim:api_publish");
  EXPECT_EQ(grant_scopes("apim:admin", {"creator"}), "default");
  EXPECT_EQ(grant_scopes("", {"admin"}), "default");
}

TEST(GrantScopes, ApiScopesNeedAMatchingBinding) {
  EXPECT_EQ(grant_scopes("pets:write apim:subscribe", {"subscriber"}, {"pets:read"}), "apim:subscribe");
  EXPECT_EQ(grant_scopes("pets:read pets:read", {"subscriber"}, {"pets:read"}), "pets:read");
}

TEST(Roles, KnownRolesOnly) {
  EXPECT_TRUE(is_known_role("publisher"));
  EXPECT_FALSE(is_known_role("root"));
  EXPECT_EQ(scopes_for_roles({"subscriber"}), std::vector<std::string>{"apim:subscribe"});
}

}  // namespace
}  // namespace archway::identity
