#pragma once
// The control plane's side of the gateway feed (docs/deployment.md): remote gateways take a
// snapshot of their environment, then stream the change batches after its revision over one
// long-lived response. Per environment, one follower thread reads the change log through a
// ChangeReader exactly as the in-process feed does, encodes each batch once (sync/feed_codec.h) and
// keeps the last `ring_batches` of them for every gateway that follows.
//
// Routes (under kBase, each needing the gateway credential: `Authorization: Bearer
// <cluster.gateway_token>` or a platform gateway's token, or a TLS client certificate that verified
// against cluster.gateway_client_ca):
//   GET  snapshot?environment=NAME          the full state as of a revision (JSON lines)
//   GET  events?environment=NAME&after=REV  batches after REV, heartbeats, then "resnapshot" when
//                                           REV is older than the ring or a batch needs a full load
//   POST heartbeat {"gatewayId","environment"}  records a remote gateway (Admin /environments/{id}/gateways)
//   POST analytics (a segment, sync/analytics_uplink.h)  stores a remote gateway's analytics events
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "http/rest_router.h"
#include "store/store.h"

namespace archway::sync {

class FeedServer {
 public:
  static constexpr std::string_view kBase = "/internal/gateway/v1";

  struct Options {
    std::string token;  // cluster.gateway_token; empty: no token but a platform gateway's opens the feed
    // The listener asks for client certificates (cluster.gateway_client_ca); one that verified
    // opens the feed when it names one of `client_names` (http::name_allowed), or any when empty.
    bool client_certificates = false;
    std::vector<std::string> client_names;
    std::size_t ring_batches = 1024;
    std::chrono::milliseconds heartbeat{5000};
    // Stores a remote gateway's analytics segment: (bytes, gateway id, process run, number in the
    // run) -> false when it was stored before; throws std::invalid_argument on bytes that are not a
    // segment. Unset: analytics is off here and the route answers 404.
    std::function<bool(std::string_view, std::string_view, std::string_view, std::int64_t)> analytics;
    // How often each follower reads the change log when no commit of this process woke it: the
    // wait for another node's commits (cluster.change_poll_ms).
    std::chrono::milliseconds change_poll{100};
  };

  FeedServer(store::Store& store, Options options);
  ~FeedServer();
  FeedServer(const FeedServer&) = delete;
  FeedServer& operator=(const FeedServer&) = delete;

  // Follows the store's commits (its commit listener) and adds the routes.
  void start(http::RestRouter& router);
  void stop();
  // The change-log revision each followed environment's reader has reached (what /ready reports).
  std::map<std::string, std::int64_t> revisions();

  struct Follower;

 private:
  std::shared_ptr<Follower> follower(const std::string& environment);
  void authorize(const http::RestRequest& req) const;

  store::Store& store_;
  Options options_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Follower>> followers_;
  bool stopped_ = false;
};

}  // namespace archway::sync
