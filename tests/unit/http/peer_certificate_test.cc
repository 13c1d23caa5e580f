// The names a gateway certificate must carry (cluster.gateway_client_names): exact names and
// "*.suffix" patterns of one label, ignoring ASCII case.
#include "http/peer_certificate.h"

#include <gtest/gtest.h>

namespace archway::http {
namespace {

TEST(GatewayNameAllowList, ExactNamesMatchIgnoringCase) {
  const std::vector<std::string> allowed{"gw-1.example.com", "spiffe://example.com/gateway"};
  EXPECT_TRUE(name_allowed("gw-1.example.com", allowed));
  EXPECT_TRUE(name_allowed("GW-1.Example.COM", allowed));
  EXPECT_TRUE(name_allowed("spiffe://example.com/gateway", allowed));
  EXPECT_FALSE(name_allowed("gw-2.example.com", allowed));
  EXPECT_FALSE(name_allowed("gw-1.example.com.evil.test", allowed));
  EXPECT_FALSE(name_allowed("", allowed));
}

TEST(GatewayNameAllowList, WildcardMatchesExactlyOneLabel) {
  const std::vector<std::string> allowed{"*.gateways.example.com"};
  EXPECT_TRUE(name_allowed("eu-1.gateways.example.com", allowed));
  EXPECT_TRUE(name_allowed("EU-1.GATEWAYS.example.com", allowed));
  EXPECT_FALSE(name_allowed("gateways.example.com", allowed));
  EXPECT_FALSE(name_allowed(".gateways.example.com", allowed));
  EXPECT_FALSE(name_allowed("a.b.gateways.example.com", allowed));
  EXPECT_FALSE(name_allowed("eu-1.gateways.example.com.evil.test", allowed));
  EXPECT_FALSE(name_allowed("eu-1xgateways.example.com", allowed));
}

TEST(GatewayNameAllowList, EmptyListAllowsNothingByItself) {
  EXPECT_FALSE(name_allowed("gw-1.example.com", {}));
}

}  // namespace
}  // namespace archway::http
