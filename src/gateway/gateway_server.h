#pragma once
// The gateway listener (data plane): one worker thread per core, each with its own io_context,
// SO_REUSEPORT acceptors and upstream keep-alive pools. Serves the RuntimeSnapshot handed to
// update(); no lock is taken per request.
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>
#include <memory>
#include <string>
#include <utility>

#include "gateway/client_address.h"
#include "gateway/gateway_metrics.h"
#include "gateway/runtime_snapshot.h"
#include "traffic/throttler.h"

namespace archway::analytics {
class Recorder;
}
namespace archway::observability {
class AccessLog;
class SpanExporter;
}  // namespace archway::observability

namespace archway::gateway {

struct GatewayOptions {
  std::string host = "0.0.0.0";
  int http_port = 8280;   // 0 picks a free port, -1 disables
  int https_port = 8243;  // 0 picks a free port, -1 disables
  int workers = 0;        // 0: one per core
  std::size_t max_header_bytes = 32 * 1024;
  std::uint64_t max_body_bytes = 10 * 1024 * 1024;
  // Largest body a payload policy (jsonToXML, xmlToJson, jsonTransform) reads whole: 413 above for
  // requests, 502 for responses.
  std::size_t max_transform_bytes = 4 * 1024 * 1024;
  // Memory for cached responses of this gateway process (LRU beyond it); 0 turns caching off.
  std::size_t response_cache_max_bytes = 64 * 1024 * 1024;
  std::int64_t connect_timeout_ms = 5000;
  std::int64_t upstream_timeout_ms = 60000;
  std::int64_t client_idle_timeout_ms = 60000;
  std::size_t max_idle_upstream = 64;
  // Paths with %2F or %5C: refused with 400 (false), or routed and forwarded still encoded (true).
  bool allow_encoded_slashes = false;
  // Peers whose X-Forwarded-For / Forwarded name the client (client_address.h); empty: none.
  std::vector<IpNetwork> trusted_proxies;
  std::shared_ptr<boost::asio::ssl::context> server_tls;  // required when https_port >= 0
  std::shared_ptr<boost::asio::ssl::context> client_tls;  // for https backends; system trust by default
  // Told when a token of a known external issuer carries an unknown kid (see token_authenticator.h).
  std::function<void(std::string_view issuer)> on_unknown_key;
  // Checks Basic credentials for APIs with the basic_auth scheme: the user's roles, or nullopt.
  // It may be slow (a password hash); the gateway calls it off its event loops and caches results.
  std::function<std::optional<std::vector<std::string>>(const std::string& user, const std::string& password)>
      basic_auth_verifier;
  // The Traffic Manager's decision (blocking and rate limits), shared by every worker; null: none.
  const traffic::Throttler* throttler = nullptr;
  // Where each worker records one analytics event per request (a ring of its own); null: off.
  analytics::Recorder* analytics = nullptr;

  // Observability (docs/observability.md). The request counters; null: the server keeps its own
  // (then snapshots get no slots and every request counts as _unmatched_).
  GatewayMetrics* metrics = nullptr;
  // Set: GET `metrics_path` answers this text when no API operation matches that path.
  std::function<std::string()> metrics_text;
  std::string metrics_path = "/metrics";
  // Set: GET (or HEAD) /ready answers the status and JSON body it returns (200 when the gateway
  // serves a loaded snapshot, 503 with a problem body otherwise), before any API routing.
  std::function<std::pair<int, std::string>()> readiness;
  observability::AccessLog* access_log = nullptr;  // set: one line per request
  bool trace_propagation = true;  // traceparent accepted, or made, and sent to backends
  observability::SpanExporter* span_exporter = nullptr;  // set: sampled requests' spans exported
};

class GatewayServer {
 public:
  explicit GatewayServer(GatewayOptions options);
  ~GatewayServer();
  GatewayServer(const GatewayServer&) = delete;
  GatewayServer& operator=(const GatewayServer&) = delete;

  void start();  // binds (throws on failure) and starts the workers
  // Swaps in a new snapshot; new requests see it at once, requests in flight keep theirs.
  void update(std::shared_ptr<const RuntimeSnapshot> snapshot);
  int http_port() const;
  int https_port() const;
  // The workers `options` make: options.workers, or one per core.
  static int worker_count(const GatewayOptions& options);
  // The gateway's families for /metrics: requests, latency, rate limits, token cache, upstream
  // health and connections, client connections, snapshot generation and age.
  void write_metrics(std::string& out) const;
  // Stops accepting, closes idle connections, lets requests in flight finish within grace_ms.
  void stop(std::int64_t grace_ms);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace archway::gateway
