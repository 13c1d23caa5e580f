#pragma once
// The analytics pipeline between the gateway and a sink: each gateway worker gets its own
// EventRing (open_ring, at start), and one drain thread takes what the rings hold in batches and
// hands them to the sink (the analytics store). The request path never waits: when the sink falls
// behind, the rings fill and new events are dropped and counted (dropped()).
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "analytics/event_ring.h"

namespace archway::analytics {

struct RecorderOptions {
  std::size_t ring_events = 8192;       // per worker
  std::size_t max_batch = 4096;         // events handed to the sink at once
  std::int64_t flush_interval_ms = 100;  // how long the drain thread sleeps when the rings are empty
  // The drain thread's nice value relative to the process (Linux: per thread): the workers win the
  // CPU when the two compete, and the drain catches up in their idle time (the rings absorb the
  // difference; beyond them events are dropped and counted). 0: the workers' priority.
  int drain_nice = 0;
};

class Recorder {
 public:
  // Takes a batch of events (pointers valid during the call); may throw (logged, batch lost).
  using Sink = std::function<void(std::span<const Event* const>)>;
  // Runs on the drain thread about every `tick_ms` whatever the traffic (retention pruning, writing
  // what the sink gathered).
  using Tick = std::function<void()>;

  Recorder(RecorderOptions options, Sink sink);
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // A ring for one producer thread; lives as long as the recorder.
  EventRing& open_ring();
  // Before start(); ticks run in the order added, each at most once per pass of the drain loop.
  void add_tick(Tick tick, std::int64_t tick_ms);

  void start();
  // Drains what the rings hold, then stops the thread.
  void stop();
  // Drains what the rings hold now, on the calling thread (tests, benchmarks; not with start()).
  std::size_t drain_once();

  // Events dropped because a ring was full, over all rings: for metrics.
  std::uint64_t dropped() const;
  // Events handed to the sink so far.
  std::uint64_t delivered() const { return delivered_.load(std::memory_order_relaxed); }
  // Batches the sink threw on (their events are lost).
  std::uint64_t failed_batches() const { return failed_batches_.load(std::memory_order_relaxed); }

 private:
  void run();

  RecorderOptions options_;
  Sink sink_;
  struct Ticker {
    Tick tick;
    std::int64_t period_ms;
  };
  std::vector<Ticker> ticks_;
  mutable std::mutex mu_;  // guards rings_ (opened at start) and the stop flag
  std::condition_variable wake_;
  std::vector<std::unique_ptr<EventRing>> rings_;
  std::vector<const Event*> batch_;
  std::vector<std::size_t> taken_;
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> failed_batches_{0};
};

}  // namespace archway::analytics
