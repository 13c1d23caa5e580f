#pragma once
// The in-process change feed (DESIGN.md §6) for `archway serve`: keeps the set of deployed APIs
// and the security state (applications, keys, subscriptions, revocations, signing keys) current by
// applying the store's change log in revision order, and hands every new state to the subscriber.
// Deployment events (api.deployed, api.undeployed, and api.lifecycle, which sets the lifecycle
// state of the deployed copy in every environment) are applied one by one; any security event
// reloads the security state whole. Each event is applied exactly once, in order; a gap is
// impossible because events are read by revision from the log, not from the notification.
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
#include "store/store.h"

namespace archway::sync {

class DeploymentFeed {
 public:
  using Subscriber = std::function<void(const std::vector<domain::DeployedApi>& apis,
                                        const domain::SecurityState& security, std::int64_t revision)>;

  // `environment`: the gateway environment this node serves ("Default").
  DeploymentFeed(store::Store& store, std::string environment, Subscriber subscriber);
  ~DeploymentFeed();

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
  void apply(const store::ChangeEvent& e);
  std::vector<domain::DeployedApi> current() const;

  store::Store& store_;
  std::string environment_;
  Subscriber subscriber_;
  std::map<std::string, domain::DeployedApi> apis_;  // by API id (feed thread only)
  domain::SecurityState security_;                    // feed thread only
  bool security_dirty_ = false;
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
