#pragma once
// One gateway worker's analytics buffer: a single-producer (the worker thread), single-consumer
// (the recorder's drain thread) ring of preallocated events. The worker claims a slot, fills it in
// place and publishes it; when the ring is full the event is dropped and counted, never waited for.
// No lock, no allocation after construction.
#include <atomic>
#include <cstdint>
#include <memory>

#include "analytics/event.h"

namespace archway::analytics {

class EventRing {
 public:
  // `capacity` is rounded up to a power of two (at least 2).
  explicit EventRing(std::size_t capacity);
  EventRing(const EventRing&) = delete;
  EventRing& operator=(const EventRing&) = delete;

  // Producer: a slot to fill, or null when the ring is full (the event is counted as dropped).
  // The slot holds whatever the last event there held: the caller sets every field it reads.
  Event* claim() noexcept {
    const std::uint64_t t = tail_.load(std::memory_order_relaxed);
    if (t - cached_head_ >= capacity_) {
      cached_head_ = head_.load(std::memory_order_acquire);
      if (t - cached_head_ >= capacity_) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        return nullptr;
      }
    }
    return &slots_[t & mask_];
  }
  // Producer: makes the claimed slot visible to the consumer.
  void publish() noexcept { tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }

  // Consumer: the events published and not yet released, at most `max`, oldest first; `out`
  // receives pointers into the ring, valid until release(n).
  std::size_t peek(const Event** out, std::size_t max) const noexcept {
    const std::uint64_t h = head_.load(std::memory_order_relaxed);
    const std::uint64_t t = tail_.load(std::memory_order_acquire);
    std::size_t n = 0;
    for (std::uint64_t i = h; i < t && n < max; ++i) out[n++] = &slots_[i & mask_];
    return n;
  }
  // Consumer: gives the `n` oldest events' slots back to the producer.
  void release(std::size_t n) noexcept { head_.store(head_.load(std::memory_order_relaxed) + n, std::memory_order_release); }

  std::size_t capacity() const noexcept { return capacity_; }
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  std::uint64_t published() const noexcept { return tail_.load(std::memory_order_relaxed); }

 private:
  std::size_t capacity_;
  std::size_t mask_;
  std::unique_ptr<Event[]> slots_;
  alignas(64) std::atomic<std::uint64_t> head_{0};  // consumer's
  alignas(64) std::atomic<std::uint64_t> tail_{0};  // producer's
  std::uint64_t cached_head_ = 0;                   // producer's last look at head_
  alignas(64) std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace archway::analytics
