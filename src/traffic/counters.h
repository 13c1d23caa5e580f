#pragma once
// Rate-limit counters: fixed windows anchored at the first request of each key.
//
// A key's window opens with the first request counted against it and lasts one period; every
// request in the window adds its cost, and a request is admitted while the window's total plus
// its cost stays within the limit. The first request after the period opens a new window. On one
// node this is exact: the check and the increment happen together under the key's shard lock, so
// N threads firing at a limit of 10 get exactly 10 admissions per window.
//
// Cluster share rule: after a synchronisation that read the shared total G, a node assumes each
// of the other N-1 gateways may have admitted as much as it did itself in its last interval and
// not yet reported it, and admits until the next synchronisation at most
//   share = max(1, ceil((L - G - (N-1) * last_delta) / N))
// so that the gateways together stay close to L even when all of them are busy at once. What a
// gateway admits unreported is at most its share, so the total in a window is at most
// L + (N-1) * ceil(L/N) even when synchronisations stall, and L + N - 1 when they run on time.
//
// The table is split into shards (striped locks); a request touches only the shards of its keys,
// so no lock is global. In cluster mode (see redis_sync.h) each key also tracks the total last
// read from Redis, what this node admitted since, and how many gateways share the limit; a node
// then admits at most its share of what remains until the next synchronisation.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/string_map.h"

namespace archway::traffic {

struct Verdict {
  bool allowed = true;
  std::int64_t limit = 0;
  std::int64_t remaining = 0;  // after this request
  std::int64_t reset_ms = 0;   // until the window ends
};

class CounterTable {
 public:
  explicit CounterTable(std::size_t shards = 64);
  CounterTable(const CounterTable&) = delete;
  CounterTable& operator=(const CounterTable&) = delete;

  // Counts `cost` in the current window of `key` when the total stays within `limit`. With
  // `enforce` false the cost is counted and the request admitted whatever the total (billing
  // plans that let traffic through); `allowed` then still says whether it was within the limit.
  Verdict take(std::string_view key, std::int64_t limit, std::int64_t period_ms, std::int64_t cost,
               std::int64_t now_ms, bool enforce = true);
  // Admits while the window's total is below the limit, counting nothing (bandwidth limits,
  // whose cost is known only after the exchange; see add()).
  Verdict peek(std::string_view key, std::int64_t limit, std::int64_t period_ms, std::int64_t now_ms);
  // Adds `amount` (negative to give back what take() counted for a request refused later).
  void add(std::string_view key, std::int64_t amount, std::int64_t period_ms, std::int64_t now_ms);

  // Ends the current window of `key` (if it has one): its next request opens a new one. An
  // answer of a synchronisation still in flight for the ended window is ignored.
  void reset(std::string_view key);

  // Drops keys whose window ended and that have nothing left to synchronise; returns how many.
  std::size_t sweep(std::int64_t now_ms);
  std::size_t size() const;

  // Bounds the table (per-client keys such as the Unauthenticated tier's per-IP counters): a new
  // key in a full shard first drops ended windows, then the window that ends soonest among a few
  // looked at, so a flood of distinct keys costs bounded memory and bounded work per request.
  void set_max_keys(std::size_t max_keys);
  std::size_t max_keys() const { return shard_cap_ * shards_.size(); }
  // Keys evicted to make room while their window still ran (0 while the bound is not reached).
  std::uint64_t evicted() const { return evicted_.load(std::memory_order_relaxed); }

  // Cluster mode: admissions follow the shared totals; `gateways` is how many share them.
  void set_cluster(bool on, int gateways);
  bool cluster() const { return cluster_.load(std::memory_order_relaxed); }

  // One key's change since the last synchronisation, taken by collect() for the sync thread.
  struct Pending {
    std::string key;
    std::int64_t delta = 0;
    std::int64_t period_ms = 0;
    std::uint64_t epoch = 0;  // which window of the key it belongs to
  };
  // Moves what each key admitted since its last synchronisation into flight; keys refused since
  // (which need a fresh total) come with delta 0.
  std::vector<Pending> collect(std::int64_t now_ms);
  // The shared total after `p.delta` was added, and how long the shared window still runs.
  void apply(const Pending& p, std::int64_t total, std::int64_t ttl_ms, std::int64_t now_ms);
  // The synchronisation failed: keeps the deltas for the next attempt.
  void restore(const Pending& p);

 private:
  struct Entry {
    std::int64_t window_end = 0;
    std::int64_t period_ms = 0;
    std::int64_t used = 0;       // what this node counted in the window
    std::int64_t global = 0;     // cluster: the shared total last read (includes our synced part)
    std::int64_t in_flight = 0;  // cluster: sent, not yet acknowledged
    std::int64_t unsynced = 0;   // cluster: counted since the last collect()
    std::int64_t last_delta = 0;  // cluster: what this node admitted in its last interval
    std::uint64_t epoch = 0;
    bool wanted = false;  // cluster: refused since the last synchronisation
  };
  struct alignas(64) Shard {
    mutable std::mutex mu;
    common::FastStringMap<Entry> map;
  };
  Shard& shard(std::string_view key);
  Entry& entry(Shard& s, std::string_view key, std::int64_t period_ms, std::int64_t now_ms);
  std::int64_t counted(const Entry& e, std::int64_t limit, std::int64_t cost, bool* within_share) const;

  void make_room(Shard& s, std::int64_t now_ms);

  std::vector<std::unique_ptr<Shard>> shards_;
  std::size_t shard_cap_ = SIZE_MAX / 1024;
  std::atomic<std::uint64_t> evicted_{0};
  std::atomic<bool> cluster_{false};
  std::atomic<int> gateways_{1};
};

}  // namespace archway::traffic
