#pragma once
// Reads and writes on the gateway's plain TCP streams with fewer system calls
// (docs/architecture.md, "Reads and writes"):
//
// - Draining reads: Asio tries a recv before it waits for the reactor, and in a proxy that attempt
//   fails with EAGAIN on nearly every read that follows a write (the request was just written, the
//   backend has not answered; the response was just written, the client has not sent its next
//   request). A read into a DrainingBuffer is a recvmsg that asks the kernel (TCP_INQ, enabled per
//   socket by enable_read_hints) how many bytes remain: when none remain and no FIN came, it reports
//   "done and exhausted", and Asio's epoll reactor then lets the next read on the socket wait for the
//   readiness event without the failed attempt. The kernel counts a received FIN as a byte left, so
//   a peer that closed right after its data is seen by the next read at once. The report is made
//   under the descriptor's lock in the same step as the recv, and anything arriving later raises a
//   new edge-triggered event that re-enables the attempt. A reset that came with the data is not
//   counted: so draining reads are used only where a write on the socket comes before the next
//   read (a write on a reset connection fails at once), and reads within a message try a recv in
//   place first (ReadStart::kInPlace).
// - write_now: a write the socket takes at once (the usual case: the send buffer has room) is made
//   in place, without a reactor operation, a posted completion and a coroutine resumption.
//
// Both apply to TimedSocket only; a TLS stream reads and writes its own way. The read step below
// replaces one of Asio 1.26's (Boost 1.81) internal classes: the static assertions keep it from
// silently applying to another version or reactor.
#include <boost/asio.hpp>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <span>

#include "gateway/timed_socket.h"

namespace archway::gateway::internal::io {

// A read target whose short read marks the socket drained (see above).
struct DrainingBuffer : boost::asio::mutable_buffer {
  explicit DrainingBuffer(boost::asio::mutable_buffer b) noexcept : boost::asio::mutable_buffer(b) {}
};

// Asks the kernel to report, with each recvmsg, how many bytes remain to be read (TCP_INQ): what
// lets a DrainingBuffer read tell a drained socket. Once per connection; without it draining reads
// behave as Asio's own.
inline void enable_read_hints(boost::asio::ip::tcp::socket& s) noexcept {
  const int on = 1;
  (void)::setsockopt(s.native_handle(), IPPROTO_TCP, TCP_INQ, &on, sizeof on);
}

// How a read starts (see above).
enum class ReadStart {
  kAttempt,  // a recv at once, then the reactor's event (Asio's way)
  kInPlace,  // within a message: a recv in place, then a draining read
};

// Puts `s` in non-blocking mode for the in-place reads and writes below, once per socket
// (asynchronous operations are unaffected): false, with `ec` set, when that fails.
inline bool ensure_non_blocking(TimedSocket& s, boost::system::error_code& ec) {
  if (!s.non_blocking()) s.non_blocking(true, ec);
  return !ec;
}

// Reads what `s` has now into `space` without waiting: the bytes read (0 and no error: nothing there).
inline std::size_t read_now(TimedSocket& s, boost::asio::mutable_buffer space, boost::system::error_code& ec) {
  if (!ensure_non_blocking(s, ec)) return 0;
  const std::size_t n = s.read_some(space, ec);
  if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) ec = {};
  return n;
}

// Writes what `s` takes of `bufs` now, without waiting: returns the buffers still to write (empty
// when all went out), with the first of them advanced past the bytes written. `ec` is set on a
// failure other than a full send buffer. A stream other than TimedSocket writes nothing here.
inline std::span<boost::asio::const_buffer> write_now(TimedSocket& s, std::span<boost::asio::const_buffer> bufs,
                                                      boost::system::error_code& ec) {
  if (!ensure_non_blocking(s, ec)) return bufs;
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

// The read operation's first step for a DrainingBuffer: a recvmsg whose TCP_INQ hint (see above)
// decides between "done" and "done and exhausted". Everything else of the operation (handler,
// cancellation, completion) is Asio's reactive_socket_recv_op, which derives from this.
#if BOOST_ASIO_VERSION != 102600
#error "socket_io.h replaces a step of Asio 1.26's reactive socket read: check it against this Asio version"
#endif
#if defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT) || !defined(BOOST_ASIO_HAS_EPOLL)
#error "socket_io.h expects Asio's epoll reactor"
#endif
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
    if ((o->state_ & socket_ops::stream_oriented) == 0 || o->flags_ != 0)
      return socket_ops::non_blocking_recv1(o->socket_, o->buffer_.data(), o->buffer_.size(), o->flags_,
                                            (o->state_ & socket_ops::stream_oriented) != 0, o->ec_,
                                            o->bytes_transferred_)
                 ? done
                 : not_done;
    iovec iov{o->buffer_.data(), o->buffer_.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    for (;;) {
      msghdr msg{};
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      const ssize_t n = ::recvmsg(o->socket_, &msg, 0);  // the descriptor is non-blocking (start_op)
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return not_done;
        o->ec_ = boost::system::error_code(errno, boost::asio::error::get_system_category());
        o->bytes_transferred_ = 0;
        return done;
      }
      o->bytes_transferred_ = static_cast<std::size_t>(n);
      if (n == 0) {
        o->ec_ = boost::asio::error::eof;
        return done_and_exhausted;
      }
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_TCP && c->cmsg_type == TCP_CM_INQ) {
          int left = 0;
          std::memcpy(&left, CMSG_DATA(c), sizeof left);
          return left == 0 ? done_and_exhausted : done;
        }
      return done;  // no hint (TCP_INQ off): the next read tries first, as Asio's own
    }
  }

 private:
  socket_type socket_;
  socket_ops::state_type state_;
  boost::asio::mutable_buffer buffer_;
  socket_base::message_flags flags_;
};

}  // namespace boost::asio::detail
