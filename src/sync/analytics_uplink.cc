#include "sync/analytics_uplink.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "http/client.h"

namespace archway::sync {

namespace {

std::string random_boot_id() {
  std::random_device rd;
  const std::uint64_t v = (std::uint64_t{rd()} << 32) ^ rd();
  return fmt::format("{:016x}", v);
}

}  // namespace

AnalyticsUplink::AnalyticsUplink(Options options) : options_(std::move(options)), boot_(random_boot_id()) {}

AnalyticsUplink::~AnalyticsUplink() { stop(std::chrono::milliseconds(0)); }

void AnalyticsUplink::enqueue(std::span<const analytics::Event* const> events) {
  if (events.empty()) return;
  for (const analytics::Event* e : events) encoder_.add(*e, options_.environment);
  Segment s{std::string(encoder_.finish()), next_seq_++, events.size()};
  {
    std::lock_guard lock(mu_);
    if (queued_bytes_ + s.bytes.size() > options_.max_queued_bytes) {
      dropped_.fetch_add(s.events, std::memory_order_relaxed);
      return;
    }
    queued_bytes_ += s.bytes.size();
    queue_.push_back(std::move(s));
  }
  wake_.notify_one();
}

std::size_t AnalyticsUplink::queued_bytes() const {
  std::lock_guard lock(mu_);
  return queued_bytes_;
}

void AnalyticsUplink::start() {
  if (thread_.joinable() || options_.control_planes.empty()) return;
  thread_ = std::thread([this] { run(); });
}

void AnalyticsUplink::stop(std::chrono::milliseconds grace) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) stop_by_ = std::chrono::steady_clock::now() + grace;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  for (const Segment& s : queue_) dropped_.fetch_add(s.events, std::memory_order_relaxed);
  queue_.clear();
  queued_bytes_ = 0;
}

AnalyticsUplink::Sent AnalyticsUplink::send(const Segment& s) {
  const std::string& base = options_.control_planes[current_ % options_.control_planes.size()];
  http::PostBody body{"application/vnd.archway.analytics-segment",
                      s.bytes,
                      {{"X-Archway-Gateway", options_.gateway_id},
                       {"X-Archway-Boot", boot_},
                       {"X-Archway-Sequence", std::to_string(s.seq)}}};
  // Without a token the gateway's credential is its client certificate (options_.tls).
  if (!options_.token.empty()) body.headers.emplace_back("Authorization", "Bearer " + options_.token);
  const http::FetchResult r = http::post(base + "/internal/gateway/v1/analytics", body, *options_.tls, options_.timeout);
  if (r.status == 204 || r.status == 200) return Sent::kDelivered;
  const auto now = std::chrono::steady_clock::now();
  const bool warn = now - last_warning_ >= std::chrono::seconds(60);
  if (r.status == 400 || r.status == 404 || r.status == 413) {
    // Refused for what it is (or analytics is off there): sending it again changes nothing.
    dropped_.fetch_add(s.events, std::memory_order_relaxed);
    spdlog::warn("analytics: {} refused a segment of {} events ({}): {}", base, s.events, r.status, r.body);
    return Sent::kRefused;
  }
  if (warn) {
    last_warning_ = now;
    spdlog::warn("analytics: cannot send events to {} ({}); {} bytes queued, retrying", base,
                 r.status ? fmt::format("status {}: {}", r.status, r.body) : r.error, queued_bytes());
  }
  ++current_;  // the next control plane, next time
  return Sent::kFailed;
}

void AnalyticsUplink::run() {
  std::chrono::milliseconds backoff(100);
  for (;;) {
    const Segment* front = nullptr;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() || (stopping_ && std::chrono::steady_clock::now() >= stop_by_)) return;
      front = &queue_.front();  // only this thread pops; a deque's front stays put while others push
    }
    if (const Sent sent = send(*front); sent != Sent::kFailed) {
      std::lock_guard lock(mu_);
      if (sent == Sent::kDelivered) sent_.fetch_add(front->events, std::memory_order_relaxed);
      queued_bytes_ -= front->bytes.size();
      queue_.pop_front();
      backoff = std::chrono::milliseconds(100);
      continue;
    }
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, backoff, [this] { return stopping_ && std::chrono::steady_clock::now() >= stop_by_; });
    backoff = std::min(backoff * 2, options_.retry_max);
  }
}

}  // namespace archway::sync
