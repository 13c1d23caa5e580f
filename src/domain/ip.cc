#include "domain/ip.h"

#include <arpa/inet.h>

#include <cstring>
#include <string>

namespace archway::domain {

std::optional<IpAddress> parse_ip(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string s(text);
  IpAddress out{};
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    std::array<std::uint8_t, 4> b{};
    std::memcpy(b.data(), &v4.s_addr, 4);
    return ipv4_mapped(b);
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    for (int i = 0; i < 16; ++i) out[i] = v6.s6_addr[i];
    return out;
  }
  return std::nullopt;
}

}  // namespace archway::domain
