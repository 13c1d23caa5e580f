#include "gateway/upstream_pool.h"

namespace archway::gateway {

std::unique_ptr<UpstreamConnection> UpstreamPool::take(const std::string& key) {
  auto it = idle_.find(key);
  if (it == idle_.end()) return nullptr;
  auto& v = it->second;
  const auto now = std::chrono::steady_clock::now();
  while (!v.empty()) {
    auto c = std::move(v.back());
    v.pop_back();
    if (now - c->idle_since <= max_age_ && c->tcp.is_open()) return c;
  }
  return nullptr;
}

void UpstreamPool::put(std::unique_ptr<UpstreamConnection> conn) {
  auto& v = idle_[conn->key];
  if (v.size() >= max_idle_) return;  // dropping closes the socket
  conn->idle_since = std::chrono::steady_clock::now();
  v.push_back(std::move(conn));
}

void UpstreamPool::clear() { idle_.clear(); }

const boost::asio::ip::tcp::resolver::results_type* UpstreamPool::cached_resolution(
    const std::string& host_port) {
  auto it = dns_.find(host_port);
  if (it == dns_.end() || it->second.expires < std::chrono::steady_clock::now()) return nullptr;
  return &it->second.results;
}

void UpstreamPool::cache_resolution(const std::string& host_port,
                                    boost::asio::ip::tcp::resolver::results_type r) {
  dns_[host_port] = Resolved{std::move(r), std::chrono::steady_clock::now() + std::chrono::seconds(30)};
}

}  // namespace archway::gateway
