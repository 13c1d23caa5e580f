#include "sync/change_feed.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "common/clock.h"
#include "domain/api_json.h"

namespace archway::sync {

namespace json = boost::json;

namespace {
constexpr std::int64_t kRetiredKeyGraceS = 24 * 3600;  // matches the Key Manager's
}

DeploymentFeed::DeploymentFeed(store::Store& store, std::string environment, Subscriber subscriber)
    : store_(store), environment_(std::move(environment)), subscriber_(std::move(subscriber)) {}

DeploymentFeed::~DeploymentFeed() { stop(); }

void DeploymentFeed::start() {
  store::DeployedState st = store_.deployed_state(environment_);
  for (auto& d : st.apis) apis_[d.api_id] = std::move(d);
  applied_ = st.revision;
  security_ = store_.security_state(common::now_millis() / 1000, kRetiredKeyGraceS);
  subscriber_(current(), security_, applied_);
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
  for (;;) {
    {
      std::unique_lock lock(mu_);
      // Wake on a commit, and every second regardless, so a missed notification cannot stall us.
      cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_ || notified_ > applied_; });
      if (stop_) return;
    }
    try {
      bool changed = false;
      for (;;) {
        auto events = store_.events_after(revision(), 500);
        if (events.empty()) break;
        for (const auto& e : events) {
          apply(e);
          std::lock_guard lock(mu_);
          applied_ = e.revision;
        }
        changed = true;
      }
      if (security_dirty_) {
        security_ = store_.security_state(common::now_millis() / 1000, kRetiredKeyGraceS);
        security_dirty_ = false;
      }
      if (changed) {
        const std::int64_t rev = revision();
        subscriber_(current(), security_, rev);
        {
          std::lock_guard lock(mu_);
          delivered_ = rev;
        }
        delivered_cv_.notify_all();
      }
    } catch (const std::exception& e) {
      spdlog::error("change feed: {}", e.what());
    }
  }
}

void DeploymentFeed::apply(const store::ChangeEvent& e) {
  if (e.type == "api.lifecycle") {
    // The state belongs to the API, whatever revision each environment serves.
    const json::object p = json::parse(e.payload).as_object();
    if (auto it = apis_.find(e.entity_id); it != apis_.end())
      it->second.api.lifecycle_status = std::string(p.at("state").as_string());
    return;
  }
  if (e.type == "api.default_version") {
    const json::object p = json::parse(e.payload).as_object();
    if (auto it = apis_.find(e.entity_id); it != apis_.end())
      it->second.api.is_default_version = p.at("isDefaultVersion").as_bool();
    return;
  }
  if (e.type != "api.deployed" && e.type != "api.undeployed") {
    security_dirty_ = true;
    return;
  }
  const json::object p = json::parse(e.payload).as_object();
  if (p.contains("environment") && p.at("environment").as_string() != environment_) return;
  if (e.type == "api.undeployed") {
    apis_.erase(e.entity_id);
    return;
  }
  domain::DeployedApi d;
  d.api_id = std::string(p.at("apiId").as_string());
  d.revision_id = std::string(p.at("revisionId").as_string());
  d.deployment = static_cast<std::uint64_t>(e.revision);
  d.api = domain::api_from_json(p.at("api").as_object());
  if (const json::value* def = p.if_contains("openapiDefinition"); def && def->is_string())
    d.api.openapi_definition = std::string(def->get_string());
  apis_[d.api_id] = std::move(d);
}

std::vector<domain::DeployedApi> DeploymentFeed::current() const {
  std::vector<domain::DeployedApi> out;
  out.reserve(apis_.size());
  for (const auto& [id, d] : apis_) out.push_back(d);
  return out;
}

}  // namespace archway::sync
