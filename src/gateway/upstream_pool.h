#pragma once
// Upstream keep-alive connections of one worker, keyed by backend (scheme, host, port).
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/read_buffer.h"
#include "gateway/timed_socket.h"

namespace archway::gateway {

struct UpstreamConnection {
  // The read buffer has room for a typical response, so one recv takes it whole; it grows for a
  // larger head (up to the response head limit) and keeps bytes read past a response.
  explicit UpstreamConnection(const boost::asio::any_io_executor& ex) : tcp(ex), buffer(16 * 1024) {}
  TimedSocket tcp;
  std::unique_ptr<boost::asio::ssl::stream<TimedSocket&>> tls;  // set for https
  ReadBuffer buffer;
  std::string key;
  std::chrono::steady_clock::time_point idle_since;
};

class UpstreamPool {
 public:
  UpstreamPool(std::size_t max_idle_per_key, std::chrono::milliseconds max_idle_age)
      : max_idle_(max_idle_per_key), max_age_(max_idle_age) {}

  // An idle connection to `key` that is not too old, or nullptr.
  std::unique_ptr<UpstreamConnection> take(const std::string& key);
  // Keeps the connection for reuse (or closes it when the pool for its key is full).
  void put(std::unique_ptr<UpstreamConnection> conn);
  void clear();
  // Idle connections kept (read by other threads: metrics).
  std::int64_t idle_count() const { return idle_count_.load(std::memory_order_relaxed); }

  // Cached name resolution; entries live for 30 s.
  const boost::asio::ip::tcp::resolver::results_type* cached_resolution(const std::string& host_port);
  void cache_resolution(const std::string& host_port, boost::asio::ip::tcp::resolver::results_type r);

 private:
  std::size_t max_idle_;
  std::chrono::milliseconds max_age_;
  using Idle = std::vector<std::unique_ptr<UpstreamConnection>>;
  // The idle list of `key`; the last one used is remembered, since a worker's requests mostly go
  // to the same few backends (a string compare instead of hashing the key twice per request).
  Idle* idle_for(const std::string& key, bool create);

  std::unordered_map<std::string, Idle> idle_;
  std::atomic<std::int64_t> idle_count_{0};
  const std::string* last_key_ = nullptr;  // the key of `last_` in idle_ (its nodes never move)
  Idle* last_ = nullptr;
  struct Resolved {
    boost::asio::ip::tcp::resolver::results_type results;
    std::chrono::steady_clock::time_point expires;
  };
  std::unordered_map<std::string, Resolved> dns_;
};

}  // namespace archway::gateway
