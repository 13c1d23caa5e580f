#pragma once
// Other nodes' commits, as PostgreSQL tells them: a session of its own LISTENs on the channel the
// change log's appends notify (store/sql/database.cc, Tx::append_change), and each notification's
// revision goes to a callback. A lost session is logged once and reopened every second; meanwhile
// the feeds find other nodes' commits by their poll (cluster.change_poll_ms), as without it.
#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>

#include "store/postgres/pg_connection.h"

namespace archway::store::postgres {

// The channel Tx::append_change notifies on PostgreSQL.
inline constexpr const char* kChangeChannel = "archway_changes";

class CommitWatcher {
 public:
  // Starts listening on a thread of its own; `on_commit` runs there, one call at a time.
  CommitWatcher(PgOptions options, std::function<void(std::int64_t)> on_commit);
  // Stops: returns once the thread has ended (no call of `on_commit` is running).
  ~CommitWatcher();
  CommitWatcher(const CommitWatcher&) = delete;
  CommitWatcher& operator=(const CommitWatcher&) = delete;

 private:
  void run();
  // Until the stop or `timeout_ms` (-1: no limit) passes, or `fd` (when >= 0) can be read; false on
  // stop.
  bool wait(int fd, int timeout_ms);

  PgOptions options_;
  std::function<void(std::int64_t)> on_commit_;
  int stop_fd_ = -1;  // an eventfd the destructor writes
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace archway::store::postgres
