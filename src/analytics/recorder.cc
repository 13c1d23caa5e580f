#include "analytics/recorder.h"

#include <spdlog/spdlog.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <chrono>

namespace archway::analytics {

EventRing::EventRing(std::size_t capacity)
    : capacity_(std::bit_ceil(std::max<std::size_t>(capacity, 2))),
      mask_(capacity_ - 1),
      slots_(std::make_unique<Event[]>(capacity_)) {}

Recorder::Recorder(RecorderOptions options, Sink sink) : options_(options), sink_(std::move(sink)) {
  batch_.resize(std::max<std::size_t>(options_.max_batch, 1));
}

Recorder::~Recorder() { stop(); }

EventRing& Recorder::open_ring() {
  std::lock_guard lock(mu_);
  rings_.push_back(std::make_unique<EventRing>(options_.ring_events));
  return *rings_.back();
}

void Recorder::add_tick(Tick tick, std::int64_t tick_ms) { ticks_.push_back({std::move(tick), tick_ms}); }

void Recorder::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Recorder::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t Recorder::dropped() const {
  std::lock_guard lock(mu_);
  std::uint64_t n = 0;
  for (const auto& r : rings_) n += r->dropped();
  return n;
}

std::size_t Recorder::drain_once() {
  std::vector<EventRing*> rings;
  {
    std::lock_guard lock(mu_);
    for (const auto& r : rings_) rings.push_back(r.get());
  }
  std::size_t total = 0;
  for (;;) {
    // Fill one batch from the rings in turn, then give the slots back once the sink is done.
    taken_.assign(rings.size(), 0);
    std::size_t n = 0;
    for (std::size_t i = 0; i < rings.size() && n < batch_.size(); ++i) {
      taken_[i] = rings[i]->peek(batch_.data() + n, batch_.size() - n);
      n += taken_[i];
    }
    if (n == 0) return total;
    // Rings are read one worker after another: ordered by time, the store's ids follow the clock
    // across workers too (a listing newest first stays in order within one millisecond).
    std::stable_sort(batch_.begin(), batch_.begin() + static_cast<std::ptrdiff_t>(n),
                     [](const Event* a, const Event* b) { return a->time_ms < b->time_ms; });
    try {
      sink_(std::span<const Event* const>(batch_.data(), n));
      delivered_.fetch_add(n, std::memory_order_relaxed);
    } catch (const std::exception& e) {
      failed_batches_.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("analytics: a batch of {} events could not be stored: {}", n, e.what());
    }
    for (std::size_t i = 0; i < rings.size(); ++i) rings[i]->release(taken_[i]);
    total += n;
    if (n < batch_.size()) return total;
  }
}

void Recorder::run() {
  using clock = std::chrono::steady_clock;
  ::pthread_setname_np(::pthread_self(), "aw-analytics");  // as top -H and perf show it
  if (options_.drain_nice > 0) {
    // On Linux a thread's nice value is its own: this lowers the drain thread only.
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    errno = 0;
    const int now = ::getpriority(PRIO_PROCESS, tid);
    if (errno == 0 && ::setpriority(PRIO_PROCESS, tid, std::min(19, now + options_.drain_nice)) != 0)
      spdlog::debug("analytics: the drain thread keeps its priority ({})", std::strerror(errno));
  }
  std::vector<clock::time_point> next_tick;
  for (const auto& t : ticks_) next_tick.push_back(clock::now() + std::chrono::milliseconds(t.period_ms));
  for (;;) {
    drain_once();
    for (std::size_t i = 0; i < ticks_.size(); ++i) {
      if (clock::now() < next_tick[i]) continue;
      try {
        ticks_[i].tick();
      } catch (const std::exception& e) {
        spdlog::warn("analytics: maintenance failed: {}", e.what());
      }
      next_tick[i] = clock::now() + std::chrono::milliseconds(ticks_[i].period_ms);
    }
    std::unique_lock lock(mu_);
    if (stopping_) break;
    wake_.wait_for(lock, std::chrono::milliseconds(options_.flush_interval_ms), [this] { return stopping_; });
    if (stopping_) break;
  }
  drain_once();
}

}  // namespace archway::analytics
