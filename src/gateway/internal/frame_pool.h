#pragma once
// Coroutine frames of the gateway's request path come from a per-thread pool of recycled blocks,
// so a request in steady state allocates none. Asio's own recycling keeps two blocks per thread
// and none above 1020 bytes, while a request nests four or five frames of 1-2 KiB (the session's
// serve, forward and exchange, the body relay).
//
// A coroutine opts in through its promise type, PooledFrame<T> (Asio's frame with this pool's
// operator new and delete), chosen by the std::coroutine_traits specialisations below for every
// asio::awaitable whose first parameter is a gateway stream (a TimedSocket, or TLS over one; the
// answers and relays of http_io.h) and, in internal/session.h, for the session's member coroutines.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <coroutine>
#include <cstddef>

#include "gateway/timed_socket.h"

namespace archway::gateway::internal {

// Blocks in size classes 256 bytes apart up to 8 KiB, in per-thread LIFO lists of at most 1024
// blocks each; larger frames and the overflow go to the global allocator. A frame freed on another
// thread than it was made on joins that thread's lists (each list is touched by its thread only).
void* allocate_frame(std::size_t n);
void free_frame(void* p, std::size_t n) noexcept;

template <class T>
class PooledFrame : public boost::asio::detail::awaitable_frame<T, boost::asio::any_io_executor> {
  using Base = boost::asio::detail::awaitable_frame<T, boost::asio::any_io_executor>;

 public:
  static void* operator new(std::size_t n) { return allocate_frame(n); }
  static void operator delete(void* p, std::size_t n) noexcept { free_frame(p, n); }

  // An awaitable resumes its caller through a handle of Asio's frame type; this frame is one (the
  // same object at the same place, only allocated elsewhere), so its handle is passed as such.
  template <class U>
  struct Awaiting {
    boost::asio::awaitable<U, boost::asio::any_io_executor> inner;
    bool await_ready() const noexcept { return inner.await_ready(); }
    void await_suspend(std::coroutine_handle<PooledFrame> h) {
      inner.await_suspend(std::coroutine_handle<Base>::from_address(h.address()));
    }
    U await_resume() { return inner.await_resume(); }
  };
  using Base::await_transform;
  template <class U>
  Awaiting<U> await_transform(boost::asio::awaitable<U, boost::asio::any_io_executor> a) const {
    return Awaiting<U>{Base::await_transform(std::move(a))};
  }
};

// Awaiting relies on it: the promise sits where Asio's would.
static_assert(sizeof(PooledFrame<bool>) == sizeof(boost::asio::detail::awaitable_frame<bool, boost::asio::any_io_executor>) &&
              alignof(PooledFrame<bool>) == alignof(boost::asio::detail::awaitable_frame<bool, boost::asio::any_io_executor>));
static_assert(sizeof(PooledFrame<void>) == sizeof(boost::asio::detail::awaitable_frame<void, boost::asio::any_io_executor>) &&
              alignof(PooledFrame<void>) == alignof(boost::asio::detail::awaitable_frame<void, boost::asio::any_io_executor>));

}  // namespace archway::gateway::internal

template <class T, class... Args>
struct std::coroutine_traits<boost::asio::awaitable<T, boost::asio::any_io_executor>, archway::gateway::TimedSocket&,
                             Args...> {
  using promise_type = archway::gateway::internal::PooledFrame<T>;
};

template <class T, class... Args>
struct std::coroutine_traits<boost::asio::awaitable<T, boost::asio::any_io_executor>,
                             boost::asio::ssl::stream<archway::gateway::TimedSocket&>&, Args...> {
  using promise_type = archway::gateway::internal::PooledFrame<T>;
};
