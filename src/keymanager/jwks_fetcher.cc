#include "keymanager/jwks_fetcher.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "common/clock.h"
#include "http/client.h"

namespace archway::keymanager {

JwksFetcher::JwksFetcher(store::Store& store, std::shared_ptr<boost::asio::ssl::context> tls,
                         std::chrono::seconds refresh_interval, std::chrono::milliseconds min_refetch_interval)
    : store_(store), tls_(std::move(tls)), refresh_interval_(refresh_interval), min_refetch_(min_refetch_interval) {}

JwksFetcher::~JwksFetcher() { stop(); }

void JwksFetcher::start() { thread_ = std::thread([this] { run(); }); }

void JwksFetcher::stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void JwksFetcher::request_refresh(std::string_view issuer) {
  {
    std::lock_guard lock(mu_);
    if (!requested_.emplace(issuer).second) return;
  }
  cv_.notify_all();
}

std::string JwksFetcher::refresh(const std::string& id) {
  auto km = store_.get_key_manager(id);
  if (!km) return "unknown key manager";
  {
    std::lock_guard lock(mu_);
    last_fetch_[id] = std::chrono::steady_clock::now();
  }
  const http::FetchResult r = http::fetch(km->jwks_url, *tls_, std::chrono::seconds(5));
  if (r.status != 200)
    return r.status == 0 ? r.error : "the JWKS endpoint answered " + std::to_string(r.status);
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("keys") || !v.as_object().at("keys").is_array())
    return "the JWKS endpoint did not return a JSON key set";
  store_.set_key_manager_jwks(id, boost::json::serialize(v), common::now_millis());
  return "";
}

void JwksFetcher::run() {
  for (;;) {
    std::set<std::string> requested;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stop_ || !requested_.empty(); });
      if (stop_) return;
      requested.swap(requested_);
    }
    try {
      const auto now = std::chrono::steady_clock::now();
      for (const auto& km : store_.list_key_managers()) {
        if (!km.enabled) continue;
        std::chrono::steady_clock::time_point last{};
        {
          std::lock_guard lock(mu_);
          if (auto it = last_fetch_.find(km.id); it != last_fetch_.end()) last = it->second;
        }
        const bool never = km.jwks.empty() && last == std::chrono::steady_clock::time_point{};
        const bool due = now - last >= refresh_interval_;
        const bool asked = requested.count(km.issuer) && now - last >= min_refetch_;
        const bool retry_empty = km.jwks.empty() && now - last >= min_refetch_;
        if (!(never || due || asked || retry_empty)) continue;
        if (const std::string err = refresh(km.id); !err.empty())
          spdlog::warn("key manager '{}': cannot fetch JWKS from {}: {}", km.name, km.jwks_url, err);
      }
    } catch (const std::exception& e) {
      spdlog::error("JWKS fetcher: {}", e.what());
    }
  }
}

http::FetchResult JwksFetcher::fetch_document(const std::string& url) {
  return http::fetch(url, *tls_, std::chrono::seconds(5), 256 * 1024);
}

}  // namespace archway::keymanager
