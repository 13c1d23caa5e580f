#pragma once
// Makes guessing credentials slow: failed sign-ins are counted per client id, per username and per
// source address; past a number of free failures each further failure locks its key for an
// exponentially growing time (base × 2^k, capped). A locked key is refused (429 with Retry-After)
// before its credential is checked, so even the right credential waits for the lock to end; a
// success resets the keys it was made with. Memory is bounded: each kind of key keeps at most
// `max_tracked` entries, and an entry is forgotten once it has been neither failed nor locked for
// the cap. Thread-safe (sharded mutexes): it serves the management plane, not the gateway.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace archway::identity {

struct LoginThrottleOptions {
  int free_attempts = 5;               // per client id and per username
  int free_attempts_per_address = 20;  // per source address: several people may share one (NAT)
  std::chrono::milliseconds backoff_base{1000};
  std::chrono::milliseconds backoff_max{15 * 60 * 1000};
  std::size_t max_tracked = 100000;  // per kind of key
};

enum class LoginKeyKind { kClient, kUser, kAddress };

struct LoginKey {
  LoginKeyKind kind;
  std::string_view value;
};

class LoginThrottle {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  explicit LoginThrottle(LoginThrottleOptions options,
                         Clock clock = std::chrono::steady_clock::now);

  // How long the longest lock among `keys` still lasts; zero when none is locked.
  std::chrono::milliseconds locked_for(std::initializer_list<LoginKey> keys);
  // A wrong credential was presented with these keys.
  void failed(std::initializer_list<LoginKey> keys);
  // A right credential: the keys start afresh.
  void succeeded(std::initializer_list<LoginKey> keys);

  // The lock a key gets at its `failures`-th failure in a row (zero while failures are free).
  static std::chrono::milliseconds lock_after(int failures, int free_attempts,
                                              std::chrono::milliseconds base,
                                              std::chrono::milliseconds max);
  // The Retry-After value for a lock of `wait`: whole seconds, rounded up, at least 1.
  static std::int64_t retry_after_s(std::chrono::milliseconds wait) {
    return std::max<std::int64_t>(1, (wait.count() + 999) / 1000);
  }
  // The user key of a username: user names compare case-insensitively, so do their keys.
  static std::string user_key(std::string_view username);
  // Entries kept for a kind of key (for tests and metrics).
  std::size_t tracked(LoginKeyKind kind);
  const LoginThrottleOptions& options() const { return opts_; }

  // The address key of a peer: IPv4 addresses as they are (IPv4-mapped IPv6 too), IPv6 addresses
  // by their /64 prefix, as one host is usually given a whole /64.
  static std::string address_key(std::string_view remote_address);

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Entry {
    int failures = 0;
    TimePoint locked_until{};
    TimePoint last_failure{};
  };
  static constexpr std::size_t kShards = 16;
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Entry> entries;
  };
  using Kind = std::array<Shard, kShards>;

  Shard& shard_of(LoginKey key);
  int free_attempts(LoginKeyKind kind) const;
  bool forgotten(const Entry& e, TimePoint now) const;
  // Makes room in a full shard: drops forgotten entries, then the least recently failed unlocked
  // ones, and locked ones (soonest unlocked first) only when nothing else is left.
  void evict(Shard& s, TimePoint now) const;

  LoginThrottleOptions opts_;
  Clock clock_;
  std::size_t per_shard_;
  std::array<Kind, 3> kinds_;
};

}  // namespace archway::identity
