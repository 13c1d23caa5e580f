#include "store/postgres/commit_watcher.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace archway::store::postgres {

CommitWatcher::CommitWatcher(PgOptions options, std::function<void(std::int64_t)> on_commit)
    : options_(std::move(options)), on_commit_(std::move(on_commit)) {
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  thread_ = std::thread([this] { run(); });
}

CommitWatcher::~CommitWatcher() {
  stopping_.store(true);
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(stop_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  ::close(stop_fd_);
}

bool CommitWatcher::wait(int fd, int timeout_ms) {
  pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {fd, POLLIN, 0}};
  for (;;) {
    const int r = ::poll(fds, fd >= 0 ? 2 : 1, timeout_ms);
    if (stopping_.load()) return false;
    if (r >= 0 || errno != EINTR) return true;
  }
}

void CommitWatcher::run() {
  bool lost = false;  // said so in the log, until a session listens again
  std::vector<std::string> payloads;
  while (!stopping_.load()) {
    try {
      PgConnection session(options_);
      session.exec(std::string("LISTEN ") + kChangeChannel);
      if (lost) spdlog::info("store: PostgreSQL's change notifications are back");
      lost = false;
      while (wait(session.socket(), -1)) {
        if (!session.take_notifications(payloads))
          throw sql::Error(sql::Error::Kind::kConnectionLost, "the listening session was lost");
        // The newest is enough: a reader reads every event up to it.
        std::int64_t newest = 0;
        for (const auto& p : payloads) {
          std::int64_t r = 0;
          if (std::from_chars(p.data(), p.data() + p.size(), r).ec == std::errc{})
            newest = std::max(newest, r);
        }
        payloads.clear();
        if (newest > 0) on_commit_(newest);
      }
    } catch (const std::exception& e) {
      if (!lost)
        spdlog::warn(
            "store: no change notifications from PostgreSQL ({}); other nodes' changes are read "
            "every cluster.change_poll_ms until they are back",
            e.what());
      lost = true;
      payloads.clear();
      wait(-1, 1000);
    }
  }
}

}  // namespace archway::store::postgres
