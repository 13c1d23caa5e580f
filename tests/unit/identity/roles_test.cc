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

TEST(Roles, NameIdsDecodeAsTheProductEncodesThem) {
  EXPECT_EQ(decode_name_id("YXBpbTphcGlfdmlldw"), "apim:api_view");      // base64url, no padding
  EXPECT_EQ(decode_name_id("YXBpbTpzdWJzY3JpYmU="), "apim:subscribe");  // padded
  EXPECT_EQ(decode_name_id("SW50ZXJuYWwvcHVibGlzaGVyCQ"), "Internal/publisher");  // trailing tab dropped
  EXPECT_FALSE(decode_name_id("!!").has_value());
  EXPECT_FALSE(decode_name_id("").has_value());
}

TEST(Roles, ProductRoleNamesAreArchwayRoles) {
  EXPECT_EQ(known_role_named("Internal/creator"), "creator");
  EXPECT_EQ(known_role_named("publisher"), "publisher");
  EXPECT_EQ(known_role_named("ADMIN"), "admin");
  EXPECT_FALSE(known_role_named("Internal/everyone").has_value());
}

}  // namespace
}  // namespace archway::identity
