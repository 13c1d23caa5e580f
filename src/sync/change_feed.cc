#include "sync/change_feed.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <deque>
#include <exception>
#include <set>

#include "common/clock.h"
#include "domain/api_json.h"
#include "domain/environment.h"

namespace archway::sync {

namespace json = boost::json;

ChangeReader::ChangeReader(store::Store& store, std::string environment)
    : store_(store), environment_(std::move(environment)) {}

namespace {

// The custom policy a use names among `own` (the API's) then `common`: by policyId when it names
// one, else by name and version.
const domain::OperationPolicy* resolve(const domain::PolicyRef& use, const std::vector<domain::OperationPolicy>& own,
                                       const std::vector<domain::OperationPolicy>& common) {
  for (const auto* list : {&own, &common}) {
    for (const auto& p : *list)
      if (!use.id.empty() && p.id == use.id) return &p;
    for (const auto& p : *list)
      if (p.spec.name == use.name && p.version == use.version) return &p;
  }
  return nullptr;
}

}  // namespace

void ChangeReader::expand_custom_policies(domain::Api& api, const std::string& api_id,
                                          const std::vector<domain::OperationPolicy>& common) {
  bool any = domain::has_custom_policies(api.api_policies);
  for (const auto& op : api.operations) any = any || domain::has_custom_policies(op.policies);
  for (const auto& pa : api.product_apis) {
    any = any || domain::has_custom_policies(pa.api_policies);
    for (const auto& op : pa.operations) any = any || domain::has_custom_policies(op.policies);
  }
  if (!any) return;
  std::map<std::string, std::vector<domain::OperationPolicy>> own_by_api;  // each API's own, read once
  auto expand = [&](domain::PolicyFlows& flows, const std::string& owner) {
    auto it = own_by_api.find(owner);
    if (it == own_by_api.end()) it = own_by_api.emplace(owner, store_.list_operation_policies(owner)).first;
    const std::vector<domain::OperationPolicy>& own = it->second;
    domain::expand_custom_policies(
        flows, [&](const domain::PolicyRef& use) { return resolve(use, own, common); },
        [&](const domain::PolicyRef& use) {
          spdlog::warn("change feed: API {} {} uses operation policy '{}' {}, which does not exist; left out",
                       api.name, api.version, use.name, use.version);
        });
  };
  expand(api.api_policies, api_id);
  for (auto& op : api.operations) expand(op.policies, api_id);
  for (auto& pa : api.product_apis) {
    expand(pa.api_policies, pa.api_id);
    for (auto& op : pa.operations) expand(op.policies, pa.api_id);
  }
}

domain::PolicyFlows ChangeReader::gateway_policies() {
  domain::PolicyFlows flows = store_.gateway_policies_of(environment_);
  if (!domain::has_custom_policies(flows)) return flows;
  const std::vector<domain::OperationPolicy> common = store_.list_operation_policies("");
  domain::expand_custom_policies(
      flows, [&](const domain::PolicyRef& use) { return resolve(use, {}, common); },
      [&](const domain::PolicyRef& use) {
        spdlog::warn("change feed: gateway policies of '{}' use operation policy '{}' {}, which does not exist; left out",
                     environment_, use.name, use.version);
      });
  return flows;
}

std::int64_t ChangeReader::load_deployed() {
  store::DeployedState st = store_.deployed_state(environment_);
  const auto properties = store_.environment_properties_of(environment_);
  const std::vector<domain::OperationPolicy> common = store_.list_operation_policies("");
  apis_.clear();
  for (auto& d : st.apis) {
    expand_custom_policies(d.api, d.api_id, common);
    if (auto p = properties.find(d.api_id); p != properties.end()) domain::apply_environment_properties(d.api, p->second);
    apis_[d.api_id] = std::move(d);
  }
  return st.revision;
}

std::string ChangeReader::environment_type() {
  if (environment_ == domain::kDefaultEnvironment) return "hybrid";
  auto env = store_.find_environment(environment_);
  return env ? env->type : "hybrid";
}

std::vector<domain::DeployedApi> ChangeReader::deployed_list() const {
  std::vector<domain::DeployedApi> out;
  out.reserve(apis_.size());
  for (const auto& [id, d] : apis_) out.push_back(d);
  return out;
}

// Deployment events carry what they change; the deployed copy they leave is the change.
std::optional<domain::ConfigChange> ChangeReader::api_change(const store::ChangeEvent& e) {
  auto current = [&]() -> domain::ConfigChange {
    auto it = apis_.find(e.entity_id);
    return domain::ApiChange{e.entity_id, it == apis_.end() ? std::nullopt : std::optional(it->second), false};
  };
  if (e.type == "api.deleted") {
    apis_.erase(e.entity_id);
    return domain::ApiChange{e.entity_id, std::nullopt, true};
  }
  const json::object p = json::parse(e.payload).as_object();
  if (e.type == "api.lifecycle") {
    // The state belongs to the API, whatever revision each environment serves.
    auto it = apis_.find(e.entity_id);
    if (it == apis_.end()) return std::nullopt;
    it->second.api.lifecycle_status = std::string(p.at("state").as_string());
    return current();
  }
  if (e.type == "api.default_version") {
    auto it = apis_.find(e.entity_id);
    if (it == apis_.end()) return std::nullopt;
    it->second.api.is_default_version = p.at("isDefaultVersion").as_bool();
    return current();
  }
  if (p.contains("environment") && p.at("environment").as_string() != environment_) return std::nullopt;
  if (e.type == "api.undeployed") {
    apis_.erase(e.entity_id);
    return current();
  }
  domain::DeployedApi d;
  d.api_id = std::string(p.at("apiId").as_string());
  d.revision_id = std::string(p.at("revisionId").as_string());
  d.deployment = static_cast<std::uint64_t>(e.revision);
  d.api = domain::api_from_json(p.at("api").as_object());
  if (const json::value* def = p.if_contains("openapiDefinition"); def && def->is_string())
    d.api.openapi_definition = std::string(def->get_string());
  domain::apply_environment_properties(d.api, store_.environment_properties(d.api_id, environment_));
  expand_custom_policies(d.api, d.api_id, store_.list_operation_policies(""));
  apis_[d.api_id] = std::move(d);
  return current();
}

namespace {

// The application and API of a removed subscription, from the removal's event in `events`.
void removed_pair(const std::vector<store::ChangeEvent>& events, std::string_view id, std::string& application_id,
                  std::string& api_id) {
  for (const auto& e : events) {
    if (e.type != "subscription.changed" || e.entity_id != id) continue;
    boost::system::error_code ec;
    const json::value p = json::parse(e.payload, ec);
    if (ec || !p.is_object()) continue;
    const auto* app = p.as_object().if_contains("applicationId");
    const auto* api = p.as_object().if_contains("apiId");
    if (app && app->is_string() && api && api->is_string()) {
      application_id = std::string(app->get_string());
      api_id = std::string(api->get_string());
    }
  }
}

}  // namespace

std::vector<domain::ConfigChange> ChangeReader::changes(const std::vector<store::ChangeEvent>& events,
                                                        std::int64_t now_s) {
  std::vector<domain::ConfigChange> out;
  // Entities are read as they are now, so one read serves every event naming the same entity.
  std::set<std::pair<std::string_view, std::string_view>> read;
  bool settings_read = false;
  bool gateway_policies_read = false;
  bool certificates_read = false;
  auto first_time = [&](const store::ChangeEvent& e) { return read.emplace(e.type, e.entity_id).second; };
  for (const auto& e : events) {
    if (e.type.starts_with("api.")) {
      if (auto c = api_change(e)) out.push_back(std::move(*c));
    } else if (e.type == "application.changed") {
      if (first_time(e)) out.push_back(domain::ApplicationChange{e.entity_id, store_.get_application(e.entity_id)});
    } else if (e.type == "keys.changed") {
      if (!first_time(e)) continue;
      auto keys = store_.list_key_mappings(e.entity_id);
      for (auto& k : keys) k.consumer_secret_hash.clear();  // secrets never leave the control plane
      out.push_back(domain::KeysChange{e.entity_id, std::move(keys)});
    } else if (e.type == "subscription.changed") {
      if (!first_time(e)) continue;
      domain::SubscriptionChange c{e.entity_id, store_.get_subscription(e.entity_id), {}, {}};
      if (!c.subscription) removed_pair(events, e.entity_id, c.application_id, c.api_id);
      out.push_back(std::move(c));
    } else if (e.type == "token.revoked") {
      std::int64_t expires_at = 0;
      boost::system::error_code ec;
      const json::value p = json::parse(e.payload, ec);
      if (!ec && p.is_object())
        if (const json::value* x = p.as_object().if_contains("expiresAt"); x && x->is_int64()) expires_at = x->get_int64();
      if (expires_at == 0) expires_at = now_s + 365LL * 24 * 3600;  // logged before expiries were: keep it
      out.push_back(domain::TokenRevoked{{e.entity_id, expires_at}});
    } else if (e.type == "throttle.reset") {
      boost::system::error_code ec;
      const json::value p = json::parse(e.payload, ec);
      const json::value* user = !ec && p.is_object() ? p.as_object().if_contains("userName") : nullptr;
      if (user && user->is_string()) out.push_back(domain::ThrottleReset{e.entity_id, std::string(user->get_string())});
    } else if (e.type == "policy.changed" || e.type == "blocking.changed" || e.type == "keymanager.changed" ||
               e.type == "signing_key.changed") {
      if (settings_read) continue;
      settings_read = true;  // small sets, read whole, once per batch
      domain::SecurityState s = store_.security_settings(now_s, kRetiredKeyGraceS);
      out.push_back(domain::PoliciesChange{std::move(s.policies), std::move(s.block_conditions)});
      out.push_back(domain::SigningKeysChange{std::move(s.public_jwks)});
      out.push_back(domain::KeyManagersChange{std::move(s.external_key_managers)});
    } else if (e.type == "gateway_policy.changed") {
      if (!gateway_policies_read) out.push_back(domain::GatewayPoliciesChange{gateway_policies()});
      gateway_policies_read = true;  // the environment's whole set, once per batch
    } else if (e.type == "certificate.changed") {
      if (certificates_read) continue;
      certificates_read = true;  // a small set, read whole, once per batch
      domain::SecurityState s = store_.security_settings(now_s, kRetiredKeyGraceS);
      out.push_back(domain::CertificatesChange{std::move(s.endpoint_certificates), std::move(s.client_certificates)});
    } else if (e.type == "environment.changed") {
      // Of an environment's record, its type reaches gateways: which key types they serve.
      if (first_time(e)) out.push_back(domain::EnvironmentChange{environment_type()});
    } else {
      spdlog::warn("change feed: event type '{}' (revision {}) is unknown; ignored", e.type, e.revision);
    }
  }
  return out;
}

DeploymentFeed::DeploymentFeed(store::Store& store, std::string environment, Subscriber subscriber)
    : store_(store), reader_(store, std::move(environment)), subscriber_(std::move(subscriber)) {}

DeploymentFeed::~DeploymentFeed() { stop(); }

namespace {

// Subscriptions read by one thread and built by another, in chunks.
class ChunkQueue {
 public:
  void push(std::vector<domain::Subscription>&& chunk) {
    {
      std::lock_guard lock(mu_);
      chunks_.push_back(std::move(chunk));
    }
    cv_.notify_one();
  }
  void close(std::exception_ptr error = nullptr) {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
      error_ = error;
    }
    cv_.notify_one();
  }
  // The next chunk; false once the reader is done and every chunk was taken. Rethrows its error.
  bool pop(std::vector<domain::Subscription>& out) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !chunks_.empty() || closed_; });
    if (error_) std::rethrow_exception(error_);
    if (chunks_.empty()) return false;
    out = std::move(chunks_.front());
    chunks_.pop_front();
    return true;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<domain::Subscription>> chunks_;
  bool closed_ = false;
  std::exception_ptr error_;
};

}  // namespace

void load_full_state(store::Store& store, ChangeReader& reader, std::int64_t revision, const FullLoad& load) {
  const auto began = std::chrono::steady_clock::now();
  domain::SecurityState security =
      store.security_state_except_subscriptions(common::now_millis() / 1000, ChangeReader::kRetiredKeyGraceS);
  security.environment_type = reader.environment_type();
  security.gateway_policies = reader.gateway_policies();
  ChunkQueue queue;
  std::thread subscriptions_reader([&] {
    try {
      constexpr std::size_t kChunk = 16384;
      std::vector<domain::Subscription> chunk;
      chunk.reserve(kChunk);
      store.for_each_subscription([&](domain::Subscription&& s) {
        chunk.push_back(std::move(s));
        if (chunk.size() == kChunk) {
          queue.push(std::move(chunk));
          chunk = {};
          chunk.reserve(kChunk);
        }
      });
      if (!chunk.empty()) queue.push(std::move(chunk));
      queue.close();
    } catch (...) {
      queue.close(std::current_exception());
    }
  });
  std::size_t subscriptions = 0;
  try {
    load(reader.deployed_list(), security,
         [&](std::vector<domain::Subscription>& chunk) {
           if (!queue.pop(chunk)) return false;
           subscriptions += chunk.size();
           return true;
         },
         revision);
  } catch (...) {
    while (true) {  // let the reader finish before its queue goes
      std::vector<domain::Subscription> rest;
      try {
        if (!queue.pop(rest)) break;
      } catch (...) {
        break;
      }
    }
    subscriptions_reader.join();
    throw;
  }
  subscriptions_reader.join();
  spdlog::info("change feed: loaded {} application(s) and {} subscription(s) in {} ms", security.applications.size(),
               subscriptions,
               std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began).count());
}

bool needs_full_load(const std::vector<domain::ConfigChange>& changes) {
  for (const auto& c : changes)
    if (std::holds_alternative<domain::PoliciesChange>(c) || std::holds_alternative<domain::GatewayPoliciesChange>(c))
      return true;
  return false;
}

void DeploymentFeed::load_all() { load_full_state(store_, reader_, revision(), subscriber_.load); }

void DeploymentFeed::start() {
  const auto began = std::chrono::steady_clock::now();
  const std::int64_t rev = reader_.load_deployed();
  spdlog::info("change feed: read {} deployed API(s) in {} ms", reader_.deployed().size(),
               std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began).count());
  {
    std::lock_guard lock(mu_);
    applied_ = rev;
  }
  load_all();
  {
    std::lock_guard lock(mu_);
    delivered_ = applied_;
  }
  store_.set_commit_listener([this](std::int64_t rev) {
    {
      std::lock_guard lock(mu_);
      notified_ = std::max(notified_, rev);
    }
    cv_.notify_one();
  });
  thread_ = std::thread([this] { run(); });
}

void DeploymentFeed::stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  store_.set_commit_listener(nullptr);
  cv_.notify_one();
  delivered_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::int64_t DeploymentFeed::revision() const {
  std::lock_guard lock(mu_);
  return applied_;
}

bool DeploymentFeed::wait_delivered(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  const std::int64_t target = notified_;
  return delivered_cv_.wait_for(lock, timeout, [&] { return stop_ || delivered_ >= target; });
}

void DeploymentFeed::run() {
  auto last_tick = std::chrono::steady_clock::now();
  for (;;) {
    {
      std::unique_lock lock(mu_);
      // Wake on a commit of this process, and every poll interval for other processes' commits (and
      // so that a missed notification cannot stall us).
      cv_.wait_for(lock, poll_, [this] { return stop_ || notified_ > applied_; });
      if (stop_) return;
    }
    try {
      bool changed = false;
      for (;;) {
        auto events = store_.events_after(revision(), 500);
        if (events.empty()) break;
        const std::int64_t now_s = common::now_millis() / 1000;
        const std::vector<domain::ConfigChange> changes = reader_.changes(events, now_s);
        {
          std::lock_guard lock(mu_);
          applied_ = events.back().revision;
        }
        bool applied = false;
        try {
          applied = subscriber_.apply(changes, events.back().revision);
        } catch (const std::exception& e) {
          // Half a batch may be in: load everything rather than serve a state no log revision had.
          spdlog::error("change feed: applying changes up to revision {} failed ({}); loading everything",
                        events.back().revision, e.what());
        }
        if (!applied) load_all();
        changed = true;
      }
      if (changed) {
        const std::int64_t rev = revision();
        {
          std::lock_guard lock(mu_);
          delivered_ = rev;
        }
        delivered_cv_.notify_all();
      }
      if (subscriber_.tick && std::chrono::steady_clock::now() - last_tick >= std::chrono::minutes(1)) {
        last_tick = std::chrono::steady_clock::now();
        subscriber_.tick(common::now_millis() / 1000);
      }
    } catch (const std::exception& e) {
      spdlog::error("change feed: {}", e.what());
    }
  }
}

}  // namespace archway::sync
