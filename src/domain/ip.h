#pragma once
// IP addresses as 16 bytes (IPv4 mapped into IPv6, ::ffff:a.b.c.d) so that one comparison
// serves both families, for IP conditions of throttling and deny policies.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace archway::domain {

using IpAddress = std::array<std::uint8_t, 16>;

// Parses "192.0.2.1" or "2001:db8::1"; nullopt for anything else.
std::optional<IpAddress> parse_ip(std::string_view text);

// An IPv4 address in its IPv4-mapped IPv6 form.
inline IpAddress ipv4_mapped(const std::array<std::uint8_t, 4>& v4) {
  IpAddress out{};
  out[10] = out[11] = 0xff;
  for (int i = 0; i < 4; ++i) out[12 + i] = v4[i];
  return out;
}

// Inclusive range check; false when `first` > `last`.
inline bool ip_in_range(const IpAddress& ip, const IpAddress& first, const IpAddress& last) {
  return first <= ip && ip <= last;
}

}  // namespace archway::domain
