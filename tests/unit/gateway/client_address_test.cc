// The client address behind trusted proxies: CIDR parsing and the walk over X-Forwarded-For and
// Forwarded (gateway/client_address.h).
#include "gateway/client_address.h"

#include <gtest/gtest.h>

#include <stdexcept>

using archway::domain::parse_ip;
using archway::gateway::forwarded_client;
using archway::gateway::is_trusted;
using archway::gateway::parse_network;
using archway::gateway::parse_networks;

TEST(TrustedProxyNetworks, CidrBlocksOfBothFamiliesAndSingleAddresses) {
  const auto nets = parse_networks("10.0.0.0/8, 192.0.2.10,2001:db8::/32");
  ASSERT_EQ(nets.size(), 3u);
  EXPECT_TRUE(is_trusted(nets, *parse_ip("10.255.1.2")));
  EXPECT_FALSE(is_trusted(nets, *parse_ip("11.0.0.1")));
  EXPECT_TRUE(is_trusted(nets, *parse_ip("192.0.2.10")));
  EXPECT_FALSE(is_trusted(nets, *parse_ip("192.0.2.11")));
  EXPECT_TRUE(is_trusted(nets, *parse_ip("2001:db8:ffff::1")));
  EXPECT_FALSE(is_trusted(nets, *parse_ip("2001:db9::1")));
  EXPECT_TRUE(parse_networks("").empty());
  EXPECT_TRUE(parse_network("0.0.0.0/0")->contains(*parse_ip("203.0.113.9")));
  EXPECT_FALSE(parse_network("10.0.0.0/33"));
  EXPECT_FALSE(parse_network("10.0.0.0/"));
  EXPECT_FALSE(parse_network("2001:db8::/129"));
  EXPECT_FALSE(parse_network("example.com"));
  EXPECT_THROW(parse_networks("10.0.0.1, nope"), std::invalid_argument);
}

TEST(ForwardedClient, RightmostUntrustedHopOfXForwardedFor) {
  const auto nets = parse_networks("10.0.0.0/8");
  std::string text;
  auto ip = forwarded_client(nets, "6.6.6.6, 198.51.100.7, 10.1.1.1", "", text);
  ASSERT_TRUE(ip);
  EXPECT_EQ(text, "198.51.100.7");
  // Every hop trusted: the leftmost is the client.
  ip = forwarded_client(nets, "10.0.0.9, 10.1.1.1", "", text);
  ASSERT_TRUE(ip);
  EXPECT_EQ(text, "10.0.0.9");
  // A hop that is no address ends the walk; with nothing found, no client.
  EXPECT_FALSE(forwarded_client(nets, "unknown", "", text));
  // Beyond an unknown hop nothing is trusted: the last proxy known is as far as it goes.
  ip = forwarded_client(nets, "198.51.100.7, unknown, 10.1.1.1", "", text);
  ASSERT_TRUE(ip);
  EXPECT_EQ(text, "10.1.1.1");
  // X-Forwarded-For wins over Forwarded; IPv4 with a port, bracketed IPv6.
  ip = forwarded_client(nets, "198.51.100.8:5000", "for=203.0.113.1", text);
  ASSERT_TRUE(ip);
  EXPECT_EQ(text, "198.51.100.8");
}

TEST(ForwardedClient, ForParametersOfForwarded) {
  const auto nets = parse_networks("10.0.0.0/8");
  std::string text;
  auto ip = forwarded_client(nets, "", R"(for="[2001:db8::7]:4711";proto=https, For=10.2.2.2;by=10.0.0.1)", text);
  ASSERT_TRUE(ip);
  EXPECT_EQ(text, "2001:db8::7");
  EXPECT_EQ(*ip, *parse_ip("2001:db8::7"));
  EXPECT_FALSE(forwarded_client(nets, "", "proto=https;by=10.0.0.1", text));
  EXPECT_FALSE(forwarded_client(nets, "", "for=_hidden", text));
}
