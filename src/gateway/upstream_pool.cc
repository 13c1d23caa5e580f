#include "gateway/upstream_pool.h"

#include "common/clock.h"

namespace archway::gateway {

UpstreamPool::Idle* UpstreamPool::idle_for(const std::string& key, bool create) {
  if (last_ && *last_key_ == key) return last_;
  auto it = idle_.find(key);
  if (it == idle_.end()) {
    if (!create) return nullptr;
    it = idle_.emplace(key, Idle{}).first;
  }
  last_key_ = &it->first;
  last_ = &it->second;
  return last_;
}

std::unique_ptr<UpstreamConnection> UpstreamPool::take(const std::string& key) {
  Idle* idle = idle_for(key, false);
  if (!idle) return nullptr;
  auto& v = *idle;
  const auto now = common::steady_coarse_now();  // ages are seconds long
  while (!v.empty()) {
    auto c = std::move(v.back());
    v.pop_back();
    idle_count_.store(idle_count_.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    if (now - c->idle_since <= max_age_ && c->tcp.is_open()) return c;
  }
  return nullptr;
}

void UpstreamPool::put(std::unique_ptr<UpstreamConnection> conn) {
  auto& v = *idle_for(conn->key, true);
  if (v.size() >= max_idle_) return;  // dropping closes the socket
  conn->idle_since = common::steady_coarse_now();
  v.push_back(std::move(conn));
  idle_count_.store(idle_count_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

void UpstreamPool::clear() {
  idle_.clear();
  idle_count_.store(0, std::memory_order_relaxed);
  last_key_ = nullptr;
  last_ = nullptr;
}

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
