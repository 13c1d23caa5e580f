#pragma once
// A gateway worker: one thread, one io_context, its own acceptors, upstream pool and connection
// registry. Everything here is touched only from the worker's own thread, except `live` and the
// snapshot source.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "common/problem.h"
#include "analytics/event_ring.h"
#include "gateway/gateway_server.h"
#include "gateway/backend_jwt.h"
#include "gateway/response_cache.h"
#include "gateway/token_authenticator.h"
#include "gateway/upstream_pool.h"

namespace archway::gateway::internal {

// The latest snapshot, shared by all workers; read under the mutex only when `generation` moved.
struct SnapshotSource {
  std::mutex mu;
  std::shared_ptr<const RuntimeSnapshot> current;
  std::atomic<std::uint64_t> generation{0};
};

struct ClientConnection {
  std::function<void()> close;
  bool busy = false;
};

class Worker {
 public:
  Worker(const GatewayOptions& opts, SnapshotSource& source);

  // Run by the worker's thread alone, and its sockets are touched by no other thread, so the
  // reactor takes no lock per socket operation (the scheduler keeps its lock: other threads post
  // to it, the verify pool's answers and stop()).
  boost::asio::io_context io{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  const GatewayOptions& opts;
  int index = 0;                     // among the server's workers: its metrics cells
  GatewayMetrics* metrics = nullptr;  // never null once started
  UpstreamPool pool;
  boost::asio::thread_pool* verify_pool = nullptr;  // slow credential checks run here
  const BackendJwtSigner* backend_jwt_signer = nullptr;
  ResponseCache* cache = nullptr;  // shared by the workers of this process; null: caching off
  analytics::EventRing* events = nullptr;  // this worker's analytics buffer; null: analytics off
  std::optional<boost::asio::ip::tcp::acceptor> http_acceptor;
  std::optional<boost::asio::ip::tcp::acceptor> https_acceptor;
  std::list<ClientConnection> connections;
  std::atomic<int> live{0};
  bool stopping = false;
  std::thread thread;

  // What a filter keeps per worker (its caches), made on first use. Only this worker's thread
  // touches it, so filters need no lock.
  template <class T>
  T& local() {
    static const std::size_t slot = next_local_slot();
    if (slot >= locals_.size()) locals_.resize(slot + 1);
    if (!locals_[slot]) locals_[slot] = std::make_shared<T>();
    return *static_cast<T*>(locals_[slot].get());
  }

  // A reference to the current snapshot that keeps it alive; the copy touches a control block
  // that only this worker uses, so requests on different workers share no cache line.
  std::shared_ptr<const RuntimeSnapshot> snapshot();

  void start_accepting();
  void begin_stop();  // runs on the worker thread

 private:
  static std::size_t next_local_slot();
  boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acc, bool tls);

  SnapshotSource& source_;
  std::uint64_t seen_generation_ = UINT64_MAX;
  std::shared_ptr<const std::shared_ptr<const RuntimeSnapshot>> pin_;
  std::vector<std::shared_ptr<void>> locals_;
};

// Serves one client connection until it closes (proxy_session.cc).
boost::asio::awaitable<void> serve_client(Worker& w, boost::asio::ip::tcp::socket socket, bool tls);

}  // namespace archway::gateway::internal
