#pragma once
// Reads and writes on the gateway's plain TCP streams with fewer system calls
// (docs/architecture.md, "Reads and writes"):
//
// - Reading an upstream answer: Asio tries a recv before it waits for the reactor, and in a proxy
//   that attempt fails with EAGAIN on nearly every read (the request was just written; the backend
//   has not answered yet). A read into a DrainingBuffer reports a short read as "done and
//   exhausted" (Asio's reactor otherwise learns it only from a recv that returned 0 bytes), so the
//   next read on the socket waits for the readiness event without the failed attempt. The report is
//   made under the descriptor's lock in the same step as the recv, and any data arriving later raises
//   a new edge-triggered event that re-enables the attempt. What such a short read cannot tell is
//   whether the peer's FIN came with the data; so only the first read after a request was written
//   skips the attempt (ReadStart::kAwaitAnswer: a FIN that came with the previous answer makes the
//   written request draw a reset, which is an event), reads in the middle of an answer try a recv in
//   place first (kInPlace), and the client's side keeps Asio's way (kAttempt: a client may half-close
//   right after its request).
// - write_now: a write the socket takes at once (the usual case: the send buffer has room) is made
//   in place, without a reactor operation, a posted completion and a coroutine resumption.
//
// Both apply to TimedSocket only; a TLS stream reads and writes its own way.
#include <boost/asio.hpp>

#include <cstddef>
#include <span>

#include "gateway/timed_socket.h"

namespace archway::gateway::internal::io {

// A read target whose short read marks the socket drained (see above).
struct DrainingBuffer : boost::asio::mutable_buffer {
  explicit DrainingBuffer(boost::asio::mutable_buffer b) noexcept : boost::asio::mutable_buffer(b) {}
};

// How a read starts (see above).
enum class ReadStart {
  kAttempt,      // a recv at once, then the reactor's event (Asio's way; the client's side)
  kInPlace,      // upstream, within an answer: a recv in place, then the event without another attempt
  kAwaitAnswer,  // upstream, the first read after a request was written: the event only
};

// Reads what `s` has now into `space` without waiting: the bytes read (0 and no error: nothing there).
inline std::size_t read_now(TimedSocket& s, boost::asio::mutable_buffer space, boost::system::error_code& ec) {
  if (!s.non_blocking()) {
    s.non_blocking(true, ec);  // once per socket: asynchronous operations are unaffected
    if (ec) return 0;
  }
  const std::size_t n = s.read_some(space, ec);
  if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) ec = {};
  return n;
}

// Writes what `s` takes of `bufs` now, without waiting: returns the buffers still to write (empty
// when all went out), with the first of them advanced past the bytes written. `ec` is set on a
// failure other than a full send buffer. A stream other than TimedSocket writes nothing here.
inline std::span<boost::asio::const_buffer> write_now(TimedSocket& s, std::span<boost::asio::const_buffer> bufs,
                                                      boost::system::error_code& ec) {
  if (!s.non_blocking()) {
    s.non_blocking(true, ec);  // once per socket: asynchronous operations are unaffected
    if (ec) return bufs;
  }
  std::size_t n = s.write_some(bufs, ec);
  if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) ec = {};
  if (ec) return bufs;
  while (!bufs.empty() && n >= bufs.front().size()) {
    n -= bufs.front().size();
    bufs = bufs.subspan(1);
  }
  if (!bufs.empty()) bufs.front() += n;
  return bufs;
}
template <class Stream>
std::span<boost::asio::const_buffer> write_now(Stream&, std::span<boost::asio::const_buffer> bufs,
                                               boost::system::error_code&) {
  return bufs;
}

}  // namespace archway::gateway::internal::io

// The read operation's first step for a DrainingBuffer: Asio's own, with a short read reported as
// "done and exhausted" (Asio's epoll reactor then skips the speculative attempt of the next read
// until the descriptor is reported readable again). Everything else of the operation (handler,
// cancellation, completion) is Asio's reactive_socket_recv_op, which derives from this.
namespace boost::asio::detail {

template <>
class reactive_socket_recv_op_base<archway::gateway::internal::io::DrainingBuffer> : public reactor_op {
 public:
  reactive_socket_recv_op_base(const boost::system::error_code& success_ec, socket_type socket,
                               socket_ops::state_type state,
                               const archway::gateway::internal::io::DrainingBuffer& buffer,
                               socket_base::message_flags flags, func_type complete_func)
      : reactor_op(success_ec, &reactive_socket_recv_op_base::do_perform, complete_func),
        socket_(socket),
        state_(state),
        buffer_(buffer),
        flags_(flags) {}

  static status do_perform(reactor_op* base) {
    auto* o = static_cast<reactive_socket_recv_op_base*>(base);
    const bool stream = (o->state_ & socket_ops::stream_oriented) != 0;
    if (!socket_ops::non_blocking_recv1(o->socket_, o->buffer_.data(), o->buffer_.size(), o->flags_, stream,
                                        o->ec_, o->bytes_transferred_))
      return not_done;
    if (stream && (o->ec_ || o->bytes_transferred_ < o->buffer_.size())) return done_and_exhausted;
    return done;
  }

 private:
  socket_type socket_;
  socket_ops::state_type state_;
  boost::asio::mutable_buffer buffer_;
  socket_base::message_flags flags_;
};

}  // namespace boost::asio::detail
