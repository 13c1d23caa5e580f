#pragma once
// A TCP socket with one deadline timer for the life of the connection, the gateway's stream on both
// sides (client and backend; under asio::ssl::stream for TLS). Each operation is bracketed:
// `arm(timeout)` before it stores a deadline value (a coarse clock read, no timer call) and `settle(ec)`
// after it. The timer waits for the earliest deadline it was given and, when it fires, compares
// with the current one: passed while an operation is pending, the socket is closed (the operation
// completes and settle() reports asio::error::timed_out); not yet passed, it waits again. So a
// keep-alive connection re-arms its timer about once per timeout, not once per operation.
// Not thread-safe: a connection belongs to one worker thread. Not movable (the timer refers to it).
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <string_view>

#include "common/clock.h"

namespace archway::gateway {

struct CompiledCors;

class TimedSocket : public boost::asio::ip::tcp::socket {
 public:
  using clock = std::chrono::steady_clock;

  explicit TimedSocket(const boost::asio::any_io_executor& ex)
      : boost::asio::ip::tcp::socket(ex), timer_(ex), state_(std::make_shared<State>(this)) {}
  TimedSocket(boost::asio::ip::tcp::socket&& s)  // NOLINT(google-explicit-constructor): adopts an accepted socket
      : boost::asio::ip::tcp::socket(std::move(s)), timer_(get_executor()), state_(std::make_shared<State>(this)) {}
  TimedSocket(const TimedSocket&) = delete;
  TimedSocket& operator=(const TimedSocket&) = delete;
  ~TimedSocket() { state_->owner = nullptr; }  // a wait still queued finds no owner

  // The next operation must complete within `timeout` from now (give or take the coarse clock's
  // tick, a few milliseconds: deadlines are seconds long, and arming happens several times a request).
  void arm(std::chrono::milliseconds timeout) {
    State& s = *state_;
    s.at = common::steady_coarse_now() + timeout;
    s.active = true;
    s.expired = false;
    if (s.at < s.scheduled) schedule(s.at);
  }
  // What the gateway last answered itself on this connection (io::write_response): the request's
  // analytics event reads it; the session clears it before each request.
  struct Answered {
    unsigned status = 0;  // 0: nothing yet
    int code = 0;         // the problem's code, when the answer was one
    std::uint64_t body_bytes = 0;
  };
  Answered answered;
  // The CORS configuration and Origin of the request in progress, set once it reached an API with
  // CORS: the answers the gateway writes itself (401, 403, 429, 502, ...) carry the Access-Control
  // fields too, so a browser application reads them as what they are. Reset with `answered`.
  const CompiledCors* cors = nullptr;
  std::string_view origin;

  // After the operation armed for: an error caused by the deadline becomes asio::error::timed_out.
  void settle(boost::system::error_code& ec) noexcept {
    state_->active = false;
    if (ec && state_->expired) ec = boost::asio::error::timed_out;
  }

 private:
  struct State {
    explicit State(TimedSocket* o) : owner(o) {}
    TimedSocket* owner;
    clock::time_point at = clock::time_point::max();         // the deadline of the current operation
    clock::time_point scheduled = clock::time_point::max();  // when the pending wait ends (max: none)
    bool active = false;                                      // an armed operation is pending
    bool expired = false;                                     // the deadline closed the socket
  };

  void schedule(clock::time_point t) {
    state_->scheduled = t;
    timer_.expires_at(t);  // a wait already pending ends with operation_aborted and is ignored
    timer_.async_wait([s = state_](const boost::system::error_code& ec) {
      if (ec == boost::asio::error::operation_aborted || !s->owner) return;
      s->owner->fired();
    });
  }

  void fired() {
    State& s = *state_;
    s.scheduled = clock::time_point::max();
    if (!s.active) return;  // nothing pending: the next arm() schedules again
    if (clock::now() < s.at) {
      schedule(s.at);
      return;
    }
    s.expired = true;
    boost::system::error_code ignored;
    close(ignored);  // as Beast's tcp_stream did: a timed-out connection is not used again
  }

  boost::asio::steady_timer timer_;
  std::shared_ptr<State> state_;  // shared with the pending wait, which may run after the socket is gone
};

// The TimedSocket under a stream.
inline TimedSocket& timed(TimedSocket& s) noexcept { return s; }
template <class Next>
TimedSocket& timed(boost::asio::ssl::stream<Next>& s) noexcept {
  return timed(s.next_layer());
}

}  // namespace archway::gateway
