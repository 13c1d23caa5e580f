#pragma once
// The in-process change feed (DESIGN.md §6) for `archway serve`: follows the store's change log in
// revision order and hands each batch of changes to the subscriber as ConfigChanges (the new state
// of each entity an event names, read from the store), so the gateway updates only what changed.
// Each event is applied exactly once, in order; a gap is impossible because events are read by
// revision from the log, not from the notification. At start, and whenever the subscriber cannot
// apply a batch alone (throttling policies changed), it hands over the full state instead.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "domain/api.h"
#include "domain/application.h"
#include "domain/config_change.h"
#include "store/store.h"

namespace archway::sync {

// Turns change-log events into ConfigChanges for one gateway environment. Keeps the deployed copy
// of every API (as the log describes it) to answer lifecycle and default-version events.
class ChangeReader {
 public:
  ChangeReader(store::Store& store, std::string environment);

  // Loads the deployed APIs; returns the change-log revision they reflect.
  std::int64_t load_deployed();
  const std::map<std::string, domain::DeployedApi>& deployed() const { return apis_; }
  std::vector<domain::DeployedApi> deployed_list() const;
  // The type of the environment (hybrid when it is the built-in one or not defined).
  std::string environment_type();

  // The gateway policies deployed to this environment, custom policies expanded.
  domain::PolicyFlows gateway_policies();

  // The changes that `events` (in revision order) make. An entity named twice is read once.
  std::vector<domain::ConfigChange> changes(const std::vector<store::ChangeEvent>& events, std::int64_t now_s);

  static constexpr std::int64_t kRetiredKeyGraceS = 24 * 3600;  // matches the Key Manager's

 private:
  std::optional<domain::ConfigChange> api_change(const store::ChangeEvent& e);
  // Replaces an API's uses of custom operation policies by the built-in uses they stand for, so
  // the gateway compiles only built-in policies (an unknown one is left out, with a warning).
  void expand_custom_policies(domain::Api& api, const std::string& api_id,
                              const std::vector<domain::OperationPolicy>& common);

  store::Store& store_;
  std::string environment_;
  std::map<std::string, domain::DeployedApi> apis_;  // by API id
};

// Fills `chunk` with the next subscriptions of a full load; false when there are no more.
using SubscriptionChunks = std::function<bool(std::vector<domain::Subscription>& chunk)>;
// Takes a full load: the security state without its subscriptions, which `subscriptions` then
// hands over in chunks as a second thread reads them (so building and reading overlap).
using FullLoad = std::function<void(const std::vector<domain::DeployedApi>& apis, const domain::SecurityState& security,
                                    const SubscriptionChunks& subscriptions, std::int64_t revision)>;

// Reads everything a gateway of the reader's environment serves (the reader's deployed APIs, as of
// `revision`, and the security state as it is now) and hands it to `load`. The in-process feed and
// the control plane's snapshots (sync/feed_server.h) both load through it.
void load_full_state(store::Store& store, ChangeReader& reader, std::int64_t revision, const FullLoad& load);

// Whether a subscriber must load afresh rather than apply `changes` alone: throttling policies
// or the environment's gateway policies changed (every compiled API refers to them).
bool needs_full_load(const std::vector<domain::ConfigChange>& changes);

class DeploymentFeed {
 public:
  using SubscriptionChunks = sync::SubscriptionChunks;

  struct Subscriber {
    // Everything, to load afresh (at start, and when `apply` could not take a batch).
    FullLoad load;
    // A batch of changes in order; false: it cannot be applied alone (load() follows).
    std::function<bool(const std::vector<domain::ConfigChange>& changes, std::int64_t revision)> apply;
    // Called about once a minute on the feed's thread, for what time changes (expired revocations).
    std::function<void(std::int64_t now_s)> tick;
  };

  // `environment`: the gateway environment this node serves ("Default").
  DeploymentFeed(store::Store& store, std::string environment, Subscriber subscriber);
  ~DeploymentFeed();

  // How often the feed reads the log when no commit of this process woke it (other processes'
  // commits on the same database); before start(). Default 1 s.
  void set_poll_interval(std::chrono::milliseconds interval) { poll_ = interval; }
  // Loads the full state, delivers it, then follows the log on a background thread.
  void start();
  void stop();
  std::int64_t revision() const;

  // Waits until every change committed before the call has been handed to the subscriber (the
  // local gateway serves it), for at most `timeout`; false on timeout. The management API calls it
  // after each successful write, so a client that has its answer can use what it wrote at once.
  bool wait_delivered(std::chrono::milliseconds timeout);

 private:
  void run();
  void load_all();

  std::chrono::milliseconds poll_{1000};

  store::Store& store_;
  ChangeReader reader_;
  Subscriber subscriber_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable delivered_cv_;
  std::int64_t applied_ = 0;
  std::int64_t notified_ = 0;
  std::int64_t delivered_ = 0;  // the newest revision the subscriber has been given
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace archway::sync
