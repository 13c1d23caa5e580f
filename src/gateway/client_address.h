#pragma once
// The client's address behind trusted proxies (gateway.trusted_proxies). When the direct peer is
// one of them, the client is the rightmost address of X-Forwarded-For that is not itself a trusted
// proxy (or, without X-Forwarded-For, of the `for=` parameters of Forwarded, RFC 7239); from any
// other peer those headers are ignored, so a client cannot choose its own address.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/ip.h"

namespace archway::gateway {

struct IpNetwork {
  domain::IpAddress first{};
  domain::IpAddress last{};
  bool contains(const domain::IpAddress& ip) const { return domain::ip_in_range(ip, first, last); }
};

// "192.0.2.7", "10.0.0.0/8", "2001:db8::/32"; nullopt for anything else.
std::optional<IpNetwork> parse_network(std::string_view text);
// A comma-separated list of them; throws std::invalid_argument naming the entry at fault.
std::vector<IpNetwork> parse_networks(std::string_view list);

bool is_trusted(const std::vector<IpNetwork>& proxies, const domain::IpAddress& peer);

// The client named by `x_forwarded_for` (or, when that is empty, `forwarded`) seen from a trusted
// peer: nullopt when neither names a usable address (the peer stays the client). `text` gets the
// address as written (IPv6 without brackets).
std::optional<domain::IpAddress> forwarded_client(const std::vector<IpNetwork>& proxies,
                                                  std::string_view x_forwarded_for, std::string_view forwarded,
                                                  std::string& text);

}  // namespace archway::gateway
