#include "gateway/gateway_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <iterator>
#include <map>
#include <utility>

#include "analytics/recorder.h"
#include "gateway/internal/worker.h"
#include "http/listener.h"
#include "observability/prometheus.h"

namespace archway::gateway {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using internal::Worker;

namespace internal {

std::size_t Worker::next_local_slot() {
  static std::atomic<std::size_t> next{0};
  return next.fetch_add(1, std::memory_order_relaxed);
}

Worker::Worker(const GatewayOptions& o, SnapshotSource& source)
    : opts(o), pool(o.max_idle_upstream, std::chrono::seconds(30)), source_(source) {}

std::shared_ptr<const RuntimeSnapshot> Worker::snapshot() {
  const auto gen = source_.generation.load(std::memory_order_acquire);
  if (gen != seen_generation_) {
    std::shared_ptr<const RuntimeSnapshot> latest;
    {
      std::lock_guard lock(source_.mu);
      latest = source_.current;
    }
    pin_ = std::make_shared<const std::shared_ptr<const RuntimeSnapshot>>(std::move(latest));
    seen_generation_ = gen;
  }
  if (!pin_ || !*pin_) return nullptr;
  return std::shared_ptr<const RuntimeSnapshot>(pin_, pin_->get());  // aliases the worker's pin
}

asio::awaitable<void> Worker::accept_loop(tcp::acceptor& acc, bool tls) {
  for (;;) {
    auto [ec, sock] = co_await acc.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (stopping || !acc.is_open()) co_return;
      spdlog::warn("gateway accept failed: {}", ec.message());
      if (ec == asio::error::no_descriptors) {  // back off instead of spinning on EMFILE
        asio::steady_timer t(io, std::chrono::milliseconds(50));
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
      }
      continue;
    }
    asio::co_spawn(io, serve_client(*this, std::move(sock), tls), asio::detached);
  }
}

void Worker::start_accepting() {
  if (http_acceptor) asio::co_spawn(io, accept_loop(*http_acceptor, false), asio::detached);
  if (https_acceptor) asio::co_spawn(io, accept_loop(*https_acceptor, true), asio::detached);
}

void Worker::begin_stop() {
  stopping = true;
  boost::system::error_code ec;
  if (http_acceptor) http_acceptor->close(ec);
  if (https_acceptor) https_acceptor->close(ec);
  for (auto& c : connections)
    if (!c.busy) c.close();
  pool.clear();
}

}  // namespace internal

struct GatewayServer::Impl {
  GatewayOptions opts;
  BackendJwtSigner backend_jwt;
  asio::thread_pool verify_pool{1};
  std::unique_ptr<ResponseCache> cache;
  internal::SnapshotSource source;
  // Snapshots replaced while workers may still hold them: freed here, never on a request thread
  // (a worker dropping the last reference would pay for freeing a whole snapshot mid-request).
  std::mutex retired_mu;
  std::condition_variable retired_cv;
  std::vector<std::shared_ptr<const RuntimeSnapshot>> retired;
  bool retiring_stopped = false;
  std::thread janitor;
  std::vector<std::unique_ptr<Worker>> workers;
  std::unique_ptr<GatewayMetrics> own_metrics;  // when the options bring none
  GatewayMetrics* metrics = nullptr;
  std::atomic<std::int64_t> updated_unix_ms{0};  // when the snapshot served last changed

  // Frees the retired snapshots nobody else holds any more.
  void free_unused_retired() {
    std::vector<std::shared_ptr<const RuntimeSnapshot>> unused;
    {
      std::lock_guard lock(retired_mu);
      auto keep = std::partition(retired.begin(), retired.end(), [](const auto& p) { return p.use_count() > 1; });
      std::move(keep, retired.end(), std::back_inserter(unused));
      retired.erase(keep, retired.end());
    }
    unused.clear();  // outside the lock: freeing a large snapshot takes a while
  }
  int http_port = -1;
  int https_port = -1;
  bool running = false;
};

GatewayServer::GatewayServer(GatewayOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->opts = std::move(options);
  Impl* i = impl_.get();
  i->janitor = std::thread([i] {
    std::unique_lock lock(i->retired_mu);
    while (!i->retiring_stopped) {
      i->retired_cv.wait_for(lock, std::chrono::milliseconds(500));
      lock.unlock();
      i->free_unused_retired();
      lock.lock();
    }
  });
}

GatewayServer::~GatewayServer() {
  if (impl_->running) stop(0);
  {
    std::lock_guard lock(impl_->retired_mu);
    impl_->retiring_stopped = true;
  }
  impl_->retired_cv.notify_all();
  impl_->janitor.join();
}

int GatewayServer::worker_count(const GatewayOptions& options) {
  const int n = options.workers > 0 ? options.workers : static_cast<int>(std::thread::hardware_concurrency());
  return n > 0 ? n : 1;
}

void GatewayServer::start() {
  auto& i = *impl_;
  const int n = worker_count(i.opts);
  i.metrics = i.opts.metrics;
  if (!i.metrics || i.metrics->workers() < n) {
    if (i.metrics) spdlog::warn("gateway metrics were made for fewer workers than {}; counting apart", n);
    i.own_metrics = std::make_unique<GatewayMetrics>(n);
    i.metrics = i.own_metrics.get();
  }
  int http_port = i.opts.http_port;
  int https_port = i.opts.https_port;
  {
    // SO_REUSEPORT would let us share a port another process holds; a plain bind first makes a
    // port in use an error instead.
    asio::io_context probe_io;
    for (int p : {http_port, https_port})
      if (p > 0) http::make_acceptor(probe_io, i.opts.host, p, false).close();
  }
  if (i.opts.response_cache_max_bytes > 0 && !i.cache)
    i.cache = std::make_unique<ResponseCache>(i.opts.response_cache_max_bytes);
  for (int k = 0; k < n; ++k) {
    auto w = std::make_unique<Worker>(i.opts, i.source);
    w->backend_jwt_signer = &i.backend_jwt;
    w->verify_pool = &i.verify_pool;
    w->cache = i.cache.get();
    if (i.opts.analytics) w->events = &i.opts.analytics->open_ring();
    w->index = k;
    w->metrics = i.metrics;
    if (http_port >= 0) {
      w->http_acceptor.emplace(http::make_acceptor(w->io, i.opts.host, http_port, true));
      http_port = w->http_acceptor->local_endpoint().port();  // later workers share the chosen port
    }
    if (https_port >= 0) {
      w->https_acceptor.emplace(http::make_acceptor(w->io, i.opts.host, https_port, true));
      https_port = w->https_acceptor->local_endpoint().port();
    }
    i.workers.push_back(std::move(w));
  }
  i.http_port = http_port;
  i.https_port = https_port;
  for (auto& w : i.workers) {
    w->start_accepting();
    Worker* wp = w.get();
    w->thread = std::thread([wp] {
      for (;;) {
        try {
          wp->io.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("gateway worker: {}", e.what());
        }
      }
    });
  }
  i.running = true;
}

void GatewayServer::update(std::shared_ptr<const RuntimeSnapshot> snapshot) {
  auto& s = impl_->source;
  std::shared_ptr<const RuntimeSnapshot> previous;
  {
    std::lock_guard lock(s.mu);
    previous = std::exchange(s.current, std::move(snapshot));
  }
  s.generation.fetch_add(1, std::memory_order_acq_rel);
  impl_->updated_unix_ms.store(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count(),
      std::memory_order_relaxed);
  if (previous) {
    std::lock_guard lock(impl_->retired_mu);
    impl_->retired.push_back(std::move(previous));
  }
  impl_->free_unused_retired();  // those already let go of, on the caller's thread
}

int GatewayServer::http_port() const { return impl_->http_port; }

void GatewayServer::write_metrics(std::string& out) const {
  namespace obs = observability;
  auto& i = *impl_;
  if (i.metrics) i.metrics->write(out);
  std::int64_t live = 0, idle = 0;
  for (const auto& w : i.workers) {
    live += w->live.load(std::memory_order_relaxed);
    idle += w->pool.idle_count();
  }
  obs::write_family(out, "archway_gateway_client_connections", "Client connections open on the gateway", "gauge");
  obs::write_sample(out, "archway_gateway_client_connections", {}, static_cast<double>(live));
  obs::write_family(out, "archway_gateway_upstream_idle_connections",
                    "Keep-alive connections to backends waiting in the workers' pools", "gauge");
  obs::write_sample(out, "archway_gateway_upstream_idle_connections", {}, static_cast<double>(idle));

  std::shared_ptr<const RuntimeSnapshot> snap;
  {
    std::lock_guard lock(i.source.mu);
    snap = i.source.current;
  }
  obs::write_family(out, "archway_gateway_snapshot_generation",
                    "Number of the runtime snapshot the gateway serves (one more per applied change batch)", "gauge");
  obs::write_sample(out, "archway_gateway_snapshot_generation", {},
                    static_cast<double>(snap ? snap->generation() : 0));
  const std::int64_t updated = i.updated_unix_ms.load(std::memory_order_relaxed);
  if (updated > 0) {
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    obs::write_family(out, "archway_gateway_snapshot_age_seconds",
                      "Seconds since the gateway last swapped in a new runtime snapshot", "gauge");
    obs::write_sample(out, "archway_gateway_snapshot_age_seconds", {}, static_cast<double>(now - updated) / 1000.0);
    obs::write_family(out, "archway_gateway_snapshot_updated_timestamp_seconds",
                      "When the gateway last swapped in a new runtime snapshot (Unix time)", "gauge");
    obs::write_sample(out, "archway_gateway_snapshot_updated_timestamp_seconds", {},
                      static_cast<double>(updated) / 1000.0);
  }
  // Passive health per backend origin (endpoint labels come from configuration, not requests): up
  // unless one of its endpoints is suspended.
  std::map<std::string, bool, std::less<>> up;
  if (snap) {
    auto add_group = [&up](const EndpointGroup* g) {
      if (!g) return;
      for (const EndpointRuntime& ep : g->members) {
        auto [it, fresh] = up.emplace(ep.pool_key, true);
        it->second = it->second && ep.health->in_service();
      }
    };
    for (const auto& api : snap->apis()) {
      add_group(api->production ? &*api->production : nullptr);
      add_group(api->sandbox ? &*api->sandbox : nullptr);
      for (const auto& g : api->product_endpoints) add_group(g.get());
    }
  }
  obs::write_family(out, "archway_gateway_upstream_up",
                    "1 when a backend origin is in service, 0 while passive health suspends an endpoint of it", "gauge");
  for (const auto& [origin, in_service] : up)
    obs::write_sample(out, "archway_gateway_upstream_up", {{"endpoint", origin}}, in_service ? 1.0 : 0.0);
}
int GatewayServer::https_port() const { return impl_->https_port; }

void GatewayServer::stop(std::int64_t grace_ms) {
  auto& i = *impl_;
  if (!i.running) return;
  for (auto& w : i.workers) {
    Worker* wp = w.get();
    asio::post(wp->io, [wp] { wp->begin_stop(); });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  for (;;) {
    int live = 0;
    for (auto& w : i.workers) live += w->live.load(std::memory_order_relaxed);
    if (live == 0 || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (auto& w : i.workers) w->io.stop();
  for (auto& w : i.workers)
    if (w->thread.joinable()) w->thread.join();
  i.verify_pool.stop();
  i.verify_pool.join();
  i.running = false;
}

}  // namespace archway::gateway
