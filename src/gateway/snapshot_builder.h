#pragma once
// SnapshotBuilder: keeps the gateway's state current by applying configuration changes one by one,
// and makes RuntimeSnapshots of it that share everything a change did not touch. A change costs
// what it names: a deployment compiles that API alone and rebuilds its route bucket; a new
// application, key, subscription or revocation changes one shard of one map.
//
// A full load (reset) happens at start, and when the throttling policies or blocking conditions
// change: every compiled API and entry refers to the compiled policies, so they are compiled again
// (apply() returns false and the caller resets with the full state).
//
// One thread uses a builder; the snapshots it makes are immutable and shared freely.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "domain/config_change.h"
#include "gateway/runtime_snapshot.h"

namespace archway::gateway {

// Compiles one deployed API (endpoints, credentials, policy chains, validators, CORS); null when it
// cannot be served (no usable production endpoint), said through `warn`.
// `gateway_policies` (the environment's /gateway-policies) run before the API's own in every flow.
std::shared_ptr<const ApiRuntime> compile_api(const domain::DeployedApi& d, std::uint32_t handle,
                                              const SnapshotSettings& settings, const traffic::PolicySet& policies,
                                              const std::function<void(std::string)>& warn,
                                              const domain::PolicyFlows& gateway_policies = {});
// The policy of that level and name when it limits anything (Unlimited: none); unknown: warns.
const traffic::Policy* enforced_policy(const traffic::PolicySet& set, std::string_view level, std::string_view name,
                                       const std::function<void(std::string)>& warn);
// One process-wide copy of a short string that many entries share (tier names, statuses).
std::string_view interned(std::string_view s);

class SnapshotBuilder {
 public:
  explicit SnapshotBuilder(SnapshotSettings settings);

  // Replaces the whole state.
  void reset(const std::vector<domain::DeployedApi>& apis, const domain::SecurityState& security);
  // Adds subscriptions after a reset (a full load streams them in chunks).
  void add_subscriptions(const std::vector<domain::Subscription>& subscriptions) {
    for (const auto& s : subscriptions) put_subscription(s);
  }
  // Applies one change; false when it cannot be applied alone (policies changed): reset instead.
  [[nodiscard]] bool apply(const domain::ConfigChange& change);
  // Forgets revocations of tokens that expired before `now_s` (they are refused as expired anyway).
  void prune_revoked(std::int64_t now_s);

  // The current state as a snapshot.
  std::shared_ptr<const RuntimeSnapshot> snapshot(std::uint64_t generation);
  // What could not be served or enforced since the last call (unknown tiers, route clashes, ...).
  std::vector<std::string> take_warnings() { return std::move(warnings_); }

 private:
  struct ClientKey {
    std::string key;  // consumer key, or "<key manager>\n<consumer key>" for external clients
    bool external = false;
  };
  struct AppEntry {
    std::uint32_t handle = 0;
    std::vector<ClientKey> clients;
    // The handles of the APIs it subscribes to (may name APIs deleted since: handles are not reused).
    std::vector<std::uint32_t> subscriptions;
  };
  struct ApiEntry {
    std::uint32_t handle = 0;
    std::shared_ptr<const ApiRuntime> runtime;  // null: not deployed here
    std::string bucket;                          // of the deployed context
    std::size_t position = 0;                    // its place in the API list (order of first deployment)
  };

  void set_policies(const std::vector<domain::ThrottlePolicy>& policies,
                    const std::vector<domain::BlockCondition>& conditions);
  void set_environment_type(const std::string& type);
  void set_signing_keys(const std::vector<std::string>& public_jwks);
  void set_key_managers(const std::vector<domain::ExternalKeyManager>& key_managers);
  void set_certificates(const std::vector<domain::EndpointCertificate>& endpoint_certificates,
                        const std::vector<domain::ClientCertificate>& client_certificates);
  void put_application(const domain::Application& a);
  void remove_application(const std::string& id);
  void set_keys(const std::string& application_id, const std::vector<domain::KeyMapping>& keys);
  void put_subscription(const domain::Subscription& s);
  void remove_subscription(const std::string& application_id, const std::string& api_id);
  void put_api(const domain::DeployedApi& d);
  void remove_api(const std::string& id, bool deleted);
  using ApiMap = StringMap<ApiEntry>;
  ApiMap::iterator api_entry(const std::string& id);
  std::shared_ptr<const ApiRuntime> compile(const domain::DeployedApi& d, std::uint32_t handle);
  void rebuild_bucket(const std::string& bucket);
  const traffic::Policy* enforced(std::string_view level, std::string_view name);

  std::shared_ptr<const SnapshotSettings> settings_;
  // What the next snapshot publishes (its maps share shards with the snapshots made before).
  RuntimeSnapshot next_;
  // What changes need to find their way: by id, the entries that refer to each other.
  StringMap<AppEntry> apps_;
  ApiMap apis_;
  std::map<std::string, std::set<std::string>, std::less<>> buckets_;  // bucket -> deployed API ids
  std::set<std::string> dirty_buckets_;
  std::map<std::size_t, std::shared_ptr<const ApiRuntime>> listed_;  // the deployed APIs by place
  std::size_t api_order_ = 0;  // the next deployed API's place in the API list
  bool api_list_dirty_ = true;
  std::uint32_t next_handle_ = 1;
  std::vector<std::string> warnings_;
  domain::PolicyFlows gateway_policies_;  // the environment's, run first by every API
};

}  // namespace archway::gateway
