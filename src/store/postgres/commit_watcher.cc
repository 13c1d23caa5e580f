#include "store/postgres/commit_watcher.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "store/sql/database.h"

namespace archway::store::postgres {

CommitWatcher::CommitWatcher(PgOptions options, std::function<void(std::int64_t)> on_commit)
    : options_(std::move(options)), on_commit_(std::move(on_commit)) {
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  std::unique_ptr<PgConnection> session;
  try {
    session = listen();
  } catch (const std::exception& e) {
    spdlog::warn(
        "store: no change notifications from PostgreSQL yet ({}); other nodes' changes are read "
        "every cluster.change_poll_ms until they come",
        e.what());
  }
  try {
    thread_ = std::thread([this](std::unique_ptr<PgConnection> s) { run(std::move(s)); },
                          std::move(session));
  } catch (...) {
    ::close(stop_fd_);
    throw;
  }
}

CommitWatcher::~CommitWatcher() {
  stopping_.store(true);
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(stop_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  ::close(stop_fd_);
}

std::unique_ptr<PgConnection> CommitWatcher::listen() {
  auto session = std::make_unique<PgConnection>(options_);
  // LISTEN takes an identifier: the server names and quotes the channel (%I) as the appends do.
  session->exec("DO $$BEGIN EXECUTE format('LISTEN %I', " + std::string(sql::Tx::kChangeChannel) +
                "); END$$");
  return session;
}

bool CommitWatcher::wait(int fd, int timeout_ms) {
  pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {fd, POLLIN, 0}};
  for (;;) {
    const int r = ::poll(fds, fd >= 0 ? 2 : 1, timeout_ms);
    if (stopping_.load()) return false;
    if (r >= 0) return true;
    if (errno != EINTR) {  // not expected; no busy loop if it persists
      ::usleep(100'000);
      return true;
    }
  }
}

bool CommitWatcher::tell(PgConnection& session) {
  std::vector<std::string> payloads;
  const bool alive = session.take_notifications(payloads);
  for (const auto& p : payloads) {
    std::int64_t revision = 0;
    if (std::from_chars(p.data(), p.data() + p.size(), revision).ec != std::errc{} || revision <= 0)
      continue;
    try {
      on_commit_(revision);
    } catch (const std::exception& e) {
      spdlog::error("store: a change notification's listener failed: {}", e.what());
    }
  }
  return alive;
}

void CommitWatcher::run(std::unique_ptr<PgConnection> session) {
  bool lost = !session;  // said so in the log, until a session listens again
  while (!stopping_.load()) {
    try {
      if (!session) {
        session = listen();
        spdlog::info("store: PostgreSQL's change notifications are back");
        lost = false;
      }
      // What came with the LISTEN's answer first, then as the socket has more.
      if (!tell(*session))
        throw sql::Error(sql::Error::Kind::kConnectionLost, "the listening session was lost");
      while (wait(session->socket(), -1))
        if (!tell(*session))
          throw sql::Error(sql::Error::Kind::kConnectionLost, "the listening session was lost");
      return;  // stopping
    } catch (const std::exception& e) {
      session.reset();
      if (!lost)
        spdlog::warn(
            "store: no change notifications from PostgreSQL ({}); other nodes' changes are read "
            "every cluster.change_poll_ms until they are back",
            e.what());
      lost = true;
      wait(-1, 1000);
    }
  }
}

}  // namespace archway::store::postgres
