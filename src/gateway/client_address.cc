#include "gateway/client_address.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace archway::gateway {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One hop as a proxy writes it: "192.0.2.1", "192.0.2.1:4711", "[2001:db8::1]:4711", "2001:db8::1",
// or a quoted form of those (Forwarded).
std::optional<domain::IpAddress> hop_address(std::string_view hop, std::string& text) {
  hop = trim(hop);
  if (hop.size() >= 2 && hop.front() == '"' && hop.back() == '"') hop = hop.substr(1, hop.size() - 2);
  if (!hop.empty() && hop.front() == '[') {
    const auto close = hop.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    hop = hop.substr(1, close - 1);
  } else if (std::count(hop.begin(), hop.end(), ':') == 1) {
    hop = hop.substr(0, hop.find(':'));  // IPv4 with a port
  }
  auto ip = domain::parse_ip(hop);
  if (ip) text.assign(hop);
  return ip;
}

}  // namespace

std::optional<IpNetwork> parse_network(std::string_view text) {
  text = trim(text);
  const auto slash = text.find('/');
  const auto ip = domain::parse_ip(text.substr(0, slash));
  if (!ip) return std::nullopt;
  const bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
  int prefix = v4 ? 32 : 128;
  if (slash != std::string_view::npos) {
    const std::string_view p = text.substr(slash + 1);
    int n = -1;
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), n);
    if (ec != std::errc() || end != p.data() + p.size() || n < 0 || n > prefix) return std::nullopt;
    prefix = n;
  }
  if (v4) prefix += 96;  // IPv4 lives in the last 32 bits of its mapped form
  IpNetwork net{*ip, *ip};
  for (int bit = prefix; bit < 128; ++bit) {
    const auto byte = static_cast<std::size_t>(bit / 8);
    const auto mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
    net.first[byte] = static_cast<std::uint8_t>(net.first[byte] & ~mask);
    net.last[byte] = static_cast<std::uint8_t>(net.last[byte] | mask);
  }
  return net;
}

std::vector<IpNetwork> parse_networks(std::string_view list) {
  std::vector<IpNetwork> out;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view item = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (item.empty()) continue;
    auto net = parse_network(item);
    if (!net)
      throw std::invalid_argument("'" + std::string(item) +
                                  "' is not an IP address or CIDR block (192.0.2.7, 10.0.0.0/8, 2001:db8::/32)");
    out.push_back(*net);
  }
  return out;
}

bool is_trusted(const std::vector<IpNetwork>& proxies, const domain::IpAddress& peer) {
  for (const auto& n : proxies)
    if (n.contains(peer)) return true;
  return false;
}

std::optional<domain::IpAddress> forwarded_client(const std::vector<IpNetwork>& proxies,
                                                  std::string_view x_forwarded_for, std::string_view forwarded,
                                                  std::string& text) {
  // The hops in the order they were added; walked from the right (the hop nearest to us).
  std::vector<std::string_view> hops;
  if (!trim(x_forwarded_for).empty()) {
    for (std::string_view rest = x_forwarded_for; !rest.empty();) {
      const auto comma = rest.find(',');
      hops.push_back(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  } else {
    // Forwarded: elements separated by ',', pairs by ';'; the for= of each element.
    for (std::string_view rest = forwarded; !rest.empty();) {
      const auto comma = rest.find(',');
      std::string_view element = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      while (!element.empty()) {
        const auto semi = element.find(';');
        const std::string_view pair = trim(element.substr(0, semi));
        element = semi == std::string_view::npos ? std::string_view() : element.substr(semi + 1);
        if (pair.size() > 4 && (pair[0] == 'f' || pair[0] == 'F') && (pair[1] == 'o' || pair[1] == 'O') &&
            (pair[2] == 'r' || pair[2] == 'R') && pair[3] == '=')
          hops.push_back(pair.substr(4));
      }
    }
  }
  std::optional<domain::IpAddress> client;
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    std::string hop_text;
    auto ip = hop_address(*it, hop_text);
    if (!ip) break;  // an unknown or obfuscated hop: what lies beyond it cannot be trusted
    client = ip;
    text = std::move(hop_text);
    if (!is_trusted(proxies, *ip)) break;
  }
  return client;
}

}  // namespace archway::gateway
