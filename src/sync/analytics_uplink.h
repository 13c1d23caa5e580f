#pragma once
// The gateway role's analytics (docs/deployment.md): instead of a database of its own, a remote
// gateway sends its events to the control plane. The recorder's drain thread hands each batch to
// enqueue(), which encodes it as one segment (analytics/segment.h) and queues it; a sender thread
// posts the queue in order to `POST /internal/gateway/v1/analytics` of the first control plane
// that answers, with the gateway credential. A segment leaves the queue once a control plane has
// stored it; failures are retried with back-off, on the next control-plane URL. Each segment
// carries the gateway's id, its process run (a random id) and its number in that run, so a resend
// after a lost answer is stored once. While no control plane takes them, segments wait in a queue
// bounded by bytes; beyond it new batches are dropped and counted (back-pressure never reaches
// the request path, which only writes its ring).
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "analytics/event.h"
#include "analytics/segment.h"

namespace archway::sync {

class AnalyticsUplink {
 public:
  struct Options {
    std::vector<std::string> control_planes;  // base URLs, tried in turn
    // cluster.gateway_token; empty: none is sent (the client certificate in `tls` is the credential)
    std::string token;
    std::string environment = "Default";      // written into every event
    std::string gateway_id;                   // host:port, as in the feed's heartbeat
    std::size_t max_queued_bytes = 64 << 20;
    std::chrono::milliseconds timeout{5000};
    std::chrono::milliseconds retry_max{5000};
    std::shared_ptr<boost::asio::ssl::context> tls;  // for https control planes
  };

  explicit AnalyticsUplink(Options options);
  ~AnalyticsUplink();
  AnalyticsUplink(const AnalyticsUplink&) = delete;
  AnalyticsUplink& operator=(const AnalyticsUplink&) = delete;

  // The recorder's sink (one caller at a time: its drain thread).
  void enqueue(std::span<const analytics::Event* const> events);
  void start();
  // Sends what is queued for at most `grace`, then stops; what is left is counted as dropped.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));

  std::uint64_t dropped_events() const { return dropped_.load(std::memory_order_relaxed); }
  std::uint64_t sent_events() const { return sent_.load(std::memory_order_relaxed); }
  std::size_t queued_bytes() const;

 private:
  struct Segment {
    std::string bytes;
    std::int64_t seq;
    std::size_t events;
  };
  void run();
  enum class Sent { kDelivered, kRefused, kFailed };
  // Posts one segment: delivered once a control plane has it (stored now or before), refused when
  // one answered that it will never take it (dropped and counted), failed otherwise (retried).
  Sent send(const Segment& s);

  Options options_;
  std::string boot_;
  analytics::SegmentEncoder encoder_;  // the drain thread's
  std::int64_t next_seq_ = 1;          // the drain thread's
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Segment> queue_;
  std::size_t queued_bytes_ = 0;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point stop_by_{};
  std::size_t current_ = 0;  // the control plane tried first
  std::thread thread_;
  std::atomic<std::uint64_t> dropped_{0}, sent_{0};
  std::chrono::steady_clock::time_point last_warning_{};
};

}  // namespace archway::sync
