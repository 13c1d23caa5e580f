#pragma once
// Other nodes' commits, as PostgreSQL tells them: a session of its own LISTENs on the channel the
// change log's appends notify (sql::Tx::kChangeChannel: `archway_changes:<schema>`), and each
// notification's revision goes to a callback. A lost session is logged once and reopened every
// second; meanwhile the feeds find other nodes' commits by their poll (cluster.change_poll_ms), as
// without it.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>

#include "store/postgres/pg_connection.h"

namespace archway::store::postgres {

class CommitWatcher {
 public:
  // Listens before it returns (when the server can be reached: else its thread keeps trying), so
  // every commit after it is told; `on_commit` runs on a thread of its own, one call at a time,
  // once per notified revision in commit order.
  CommitWatcher(PgOptions options, std::function<void(std::int64_t)> on_commit);
  // Stops: returns once the thread has ended (no call of `on_commit` is running). While the
  // thread reopens a lost session this waits for that attempt (at most the connect timeout).
  ~CommitWatcher();
  CommitWatcher(const CommitWatcher&) = delete;
  CommitWatcher& operator=(const CommitWatcher&) = delete;

 private:
  // A session that LISTENs, with what the server sent with the LISTEN already told.
  std::unique_ptr<PgConnection> listen();
  void run(std::unique_ptr<PgConnection> session);
  // Tells the revisions of the notifications the session holds; false when it was lost.
  bool tell(PgConnection& session);
  // Until the stop, `timeout_ms` (-1: no limit), or `fd` (when >= 0) can be read; false on stop.
  bool wait(int fd, int timeout_ms);

  PgOptions options_;
  std::function<void(std::int64_t)> on_commit_;
  int stop_fd_ = -1;  // an eventfd the destructor writes
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace archway::store::postgres
