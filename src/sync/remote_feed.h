#pragma once
// The gateway role's feed (docs/deployment.md): drives the same Subscriber as the in-process
// DeploymentFeed, from a control plane over HTTP. It takes a snapshot, then streams the batches
// after its revision; it skips a batch it already has (revision <= applied) and takes a new
// snapshot on a gap, on the control plane's "resnapshot", or when the subscriber cannot apply a
// batch alone. It reconnects with its last revision, with back-off, trying each control-plane URL
// in turn. After each applied batch (at most every `persist_interval`) it writes the snapshot plus
// the batches since (the wire form) to `<state_dir>/gateway-snapshot.jsonl` (temporary file +
// rename); at start it loads that file, so it serves traffic while no control plane answers.
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sync/change_feed.h"

namespace archway::sync {

class RemoteFeed {
 public:
  struct Options {
    std::vector<std::string> control_planes;  // base URLs: http(s)://host:port
    // cluster.gateway_token; empty: none is sent (the client certificate in `tls` is the credential)
    std::string token;
    std::string environment = "Default";
    std::string state_dir;                    // the gateway's data directory
    std::string gateway_id;                   // host:port, for the control plane's heartbeat list
    std::chrono::milliseconds heartbeat{5000};
    std::chrono::milliseconds reconnect_max{5000};
    std::chrono::milliseconds persist_interval{1000};
    std::shared_ptr<boost::asio::ssl::context> tls;  // for https control planes
  };

  // What /ready reports.
  struct Status {
    bool loaded = false;              // a snapshot (from a control plane or the disk) is served
    bool from_disk = false;           // what is served came from the persisted snapshot and no
                                      // control plane has streamed to it since
    bool connected = false;           // streaming from a control plane now
    std::string control_plane;        // the one last answered
    std::int64_t revision = 0;        // the change-log revision served
    std::int64_t snapshot_revision = 0;  // of the last snapshot loaded
    // Revisions applied by batches since that snapshot: revision == snapshot_revision + this
    // when no event was skipped or applied twice.
    std::int64_t revisions_applied = 0;
    std::uint64_t batches_applied = 0;
    std::uint64_t duplicates_skipped = 0;  // batches at or below the applied revision, not applied
    std::uint64_t snapshots_loaded = 0;
  };

  RemoteFeed(Options options, DeploymentFeed::Subscriber subscriber);
  ~RemoteFeed();
  RemoteFeed(const RemoteFeed&) = delete;
  RemoteFeed& operator=(const RemoteFeed&) = delete;

  // Loads the persisted snapshot when there is one, then follows the control planes on a thread.
  void start();
  void stop();
  Status status() const;

  // Splits "URL[,URL...]" into base URLs (trailing slashes removed); throws std::invalid_argument.
  static std::vector<std::string> parse_urls(const std::string& list);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace archway::sync
