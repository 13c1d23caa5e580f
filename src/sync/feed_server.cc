#include "sync/feed_server.h"

#include <boost/json.hpp>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <future>
#include <set>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/problem.h"
#include "crypto/random.h"
#include "domain/environment.h"
#include "http/peer_certificate.h"
#include "sync/change_feed.h"
#include "sync/feed_codec.h"

namespace archway::sync {

using common::Problem;
using common::ProblemError;
namespace json = boost::json;

class FeedStream;

// One encoded batch (or a resnapshot marker) covering the revisions after `from` up to `revision`.
struct RingEntry {
  std::int64_t from = 0;
  std::int64_t revision = 0;
  std::shared_ptr<const std::string> line;
  bool resnapshot = false;
};

// Follows the change log for one environment on its own thread.
struct FeedServer::Follower {
  Follower(store::Store& s, std::string env, const Options& o)
      : store(s), environment(std::move(env)), reader(s, environment), options(o) {}

  store::Store& store;
  const std::string environment;
  ChangeReader reader;  // the follower thread's only
  const Options options;
  std::thread thread;

  mutable std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  bool started = false;          // the reader has loaded the deployed APIs
  std::int64_t applied = 0;      // the last revision in the ring
  std::int64_t oldest = 0;       // the ring covers the revisions after this one
  std::int64_t notified = 0;
  std::deque<RingEntry> ring;
  // Revisions past `applied` that gateways stream from (they followed another control plane, which
  // read the log in batches of its own): the next batches end at them, so those gateways go on
  // from here without a new snapshot.
  std::set<std::int64_t> boundaries;
  std::vector<std::weak_ptr<FeedStream>> streams;
  std::vector<std::promise<std::shared_ptr<const std::string>>> snapshot_requests;
  std::shared_ptr<const std::string> cached_snapshot;
  std::int64_t cached_revision = -1;

  void run();
  void follow_log();
  std::shared_ptr<const std::string> build_snapshot();
  void wake_streams();
};

// The event stream of one gateway: what the ring holds after its cursor, heartbeats in between.
class FeedStream : public http::ResponseStream {
 public:
  FeedStream(std::shared_ptr<FeedServer::Follower> f, std::int64_t after, std::chrono::milliseconds heartbeat)
      : follower_(std::move(f)),
        cursor_(after),
        heartbeat_(heartbeat),
        last_sent_(std::chrono::steady_clock::now() - std::chrono::hours(1)) {}

  bool pull(std::string& out) override {
    auto& f = *follower_;
    std::lock_guard lock(f.mu);
    if (f.stop) {
      out += encode_heartbeat(cursor_);  // the client reconnects (to another node, if this one is going)
      return false;
    }
    if (f.started && cursor_ < f.oldest) {
      out += encode_resnapshot(f.oldest, "the revision asked for is older than this control plane keeps");
      return false;
    }
    // The first entry ending after the cursor (entries are in revision order).
    auto it = std::upper_bound(f.ring.begin(), f.ring.end(), cursor_,
                               [](std::int64_t rev, const RingEntry& e) { return rev < e.revision; });
    constexpr std::size_t kMaxPull = 1 << 20;
    for (; it != f.ring.end() && out.size() < kMaxPull; ++it) {
      if (it->from != cursor_) {  // the cursor falls inside a batch: it cannot be sent in part
        out += encode_resnapshot(it->revision, "the revision asked for is inside a batch");
        return false;
      }
      out += *it->line;
      cursor_ = it->revision;
      if (it->resnapshot) return false;
    }
    const auto now = std::chrono::steady_clock::now();
    if (out.empty() && now - last_sent_ >= heartbeat_) out += encode_heartbeat(cursor_);
    if (!out.empty()) last_sent_ = now;
    return true;
  }

  void set_wake(std::function<void()> wake) override {
    std::lock_guard lock(wake_mu_);
    wake_ = std::move(wake);
  }
  void wake() {
    std::lock_guard lock(wake_mu_);
    if (wake_) wake_();
  }

 private:
  std::shared_ptr<FeedServer::Follower> follower_;
  std::int64_t cursor_;
  std::chrono::milliseconds heartbeat_;
  std::chrono::steady_clock::time_point last_sent_;
  std::mutex wake_mu_;
  std::function<void()> wake_;
};

void FeedServer::Follower::wake_streams() {
  std::vector<std::shared_ptr<FeedStream>> live;
  {
    std::lock_guard lock(mu);
    std::erase_if(streams, [&](const std::weak_ptr<FeedStream>& w) {
      auto s = w.lock();
      if (!s) return true;  // its connection has ended
      live.push_back(std::move(s));
      return false;
    });
  }
  for (auto& s : live) s->wake();
}

void FeedServer::Follower::follow_log() {
  for (;;) {
    std::int64_t after;
    {
      std::lock_guard lock(mu);
      after = applied;
    }
    auto events = store.events_after(after, 500);
    if (events.empty()) return;
    {
      std::lock_guard lock(mu);
      auto w = boundaries.upper_bound(after);
      if (w != boundaries.end() && *w < events.back().revision) {
        auto cut = std::upper_bound(events.begin(), events.end(), *w,
                                    [](std::int64_t rev, const store::ChangeEvent& e) { return rev < e.revision; });
        if (cut != events.begin()) events.erase(cut, events.end());
      }
    }
    const std::vector<domain::ConfigChange> changes = reader.changes(events, common::now_millis() / 1000);
    RingEntry e;
    e.from = after;
    e.revision = events.back().revision;
    // What the in-process subscriber cannot apply alone, a remote gateway takes as a new snapshot.
    e.resnapshot = needs_full_load(changes);
    e.line = std::make_shared<const std::string>(
        e.resnapshot ? encode_resnapshot(e.revision, "throttling or gateway policies changed")
                     : encode_batch(e.from, e.revision, changes));
    {
      std::lock_guard lock(mu);
      ring.push_back(std::move(e));
      applied = ring.back().revision;
      boundaries.erase(boundaries.begin(), boundaries.upper_bound(applied));
      while (ring.size() > options.ring_batches) {
        oldest = ring.front().revision;
        ring.pop_front();
      }
    }
    wake_streams();
  }
}

std::shared_ptr<const std::string> FeedServer::Follower::build_snapshot() {
  std::int64_t revision;
  {
    std::lock_guard lock(mu);
    revision = applied;
    if (cached_snapshot && cached_revision == revision) return cached_snapshot;
  }
  auto body = std::make_shared<std::string>();
  // The reader's deployed APIs are those of `revision` (this thread moves it on); the security
  // state is read now, at least as new: the batches after `revision` carry states as new or newer.
  load_full_state(store, reader, revision,
                  [&](const std::vector<domain::DeployedApi>& apis, const domain::SecurityState& security,
                      const SubscriptionChunks& subscriptions, std::int64_t rev) {
                    SnapshotHead head;
                    head.revision = rev;
                    head.environment = environment;
                    head.apis = apis;
                    head.security = security;
                    *body += encode_snapshot_head(head);
                    std::uint64_t count = 0;
                    for (std::vector<domain::Subscription> chunk; subscriptions(chunk); count += chunk.size())
                      *body += encode_subscriptions(chunk);
                    *body += encode_snapshot_end(count);
                  });
  std::lock_guard lock(mu);
  cached_snapshot = body;
  cached_revision = revision;
  return body;
}

void FeedServer::Follower::run() {
  // While the store is down every poll fails: say so when it starts, once a minute, and when it ends.
  bool failing = false;
  auto last_logged = std::chrono::steady_clock::time_point();
  for (;;) {
    try {
      if (!started) {
        const std::int64_t rev = reader.load_deployed();
        std::lock_guard lock(mu);
        applied = oldest = rev;
        started = true;
      }
      follow_log();
      std::vector<std::promise<std::shared_ptr<const std::string>>> waiting;
      {
        std::lock_guard lock(mu);
        waiting.swap(snapshot_requests);
      }
      if (!waiting.empty()) {
        std::shared_ptr<const std::string> snapshot;
        try {
          snapshot = build_snapshot();
        } catch (...) {
          for (auto& p : waiting) p.set_exception(std::current_exception());
          waiting.clear();
        }
        for (auto& p : waiting) p.set_value(snapshot);
      }
      if (failing) {
        failing = false;
        spdlog::info("gateway feed ({}): reads the change log again, at revision {}", environment, applied);
      }
    } catch (const std::exception& e) {
      const auto now = std::chrono::steady_clock::now();
      if (!failing || now - last_logged >= std::chrono::minutes(1)) {
        spdlog::error("gateway feed ({}): {} (retried every {} ms; said again once a minute until it recovers)",
                      environment, e.what(), options.change_poll.count());
        last_logged = now;
      }
      failing = true;
    }
    std::unique_lock lock(mu);
    // Wake on a commit or a snapshot request, and every change_poll regardless (other processes'
    // commits, which no listener of this process hears).
    cv.wait_for(lock, options.change_poll,
                [&] { return stop || notified > applied || !snapshot_requests.empty(); });
    if (stop) {
      for (auto& p : snapshot_requests)
        p.set_exception(std::make_exception_ptr(std::runtime_error("the control plane is stopping")));
      snapshot_requests.clear();
      return;
    }
  }
}

namespace {

// A header value a remote gateway must send, 1..`max` bytes (`name` as messages show it).
std::string_view required_header(const http::RestRequest& req, std::string_view name, std::size_t max) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const std::string_view v = req.header(lower);
  if (v.empty() || v.size() > max)
    throw ProblemError(Problem::bad_request(fmt::format("The header {} is required (1 to {} bytes)", name, max)));
  return v;
}

}  // namespace

FeedServer::FeedServer(store::Store& store, Options options) : store_(store), options_(std::move(options)) {}

FeedServer::~FeedServer() { stop(); }

void FeedServer::authorize(const http::RestRequest& req) const {
  // Mutual TLS: a certificate that chained to cluster.gateway_client_ca at the handshake (and names
  // an allowed gateway, when the list is set) is the credential.
  std::string cert_refusal;
  if (const http::PeerCertificate* cert = req.peer_certificate.get()) {
    if (!cert->verified) {
      cert_refusal = fmt::format("The client certificate ({}) is not trusted by this control plane "
                                 "(cluster.gateway_client_ca): {}", cert->subject, cert->verify_error);
      req.principal = "untrusted certificate " + cert->subject;
    } else if (!options_.client_names.empty() &&
               std::none_of(cert->names.begin(), cert->names.end(), [this](const std::string& n) {
                 return http::name_allowed(n, options_.client_names);
               })) {
      cert_refusal = fmt::format("The client certificate ({}) names no gateway that cluster.gateway_client_names "
                                 "allows", cert->subject);
      req.principal = "unlisted certificate " + cert->subject;
    } else {
      req.principal = "gateway certificate " + cert->subject;
      return;
    }
  }
  std::string_view auth = req.header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  const bool bearer = auth.size() > kBearer.size() && auth.substr(0, kBearer.size()) == kBearer;
  const std::string_view given = bearer ? auth.substr(kBearer.size()) : std::string_view();
  const std::string& want = options_.token;
  bool ok = !want.empty() && given.size() == want.size() &&
            CRYPTO_memcmp(given.data(), want.data(), want.size()) == 0;
  // A platform gateway's registration token (Admin /gateways), looked up by its hash.
  if (!ok && !given.empty() && given.size() <= 256)
    ok = store_.use_platform_gateway_token(crypto::sha256_hex(given), common::now_millis()).has_value();
  if (ok) {
    req.principal.clear();  // the token let it in, whatever certificate came along
    return;
  }
  std::string why;
  if (!given.empty()) why = "The gateway credential is not valid";
  if (!cert_refusal.empty()) why = why.empty() ? cert_refusal : why + "; " + cert_refusal;
  if (why.empty())
    why = options_.client_certificates
              ? "The gateway feed needs the gateway credential: a client certificate issued by the CA of "
                "cluster.gateway_client_ca (over https), or Authorization: Bearer <cluster.gateway_token>"
              : "The gateway feed needs the gateway credential: Authorization: Bearer <cluster.gateway_token>";
  throw ProblemError(Problem::unauthorized(std::move(why)));
}

std::shared_ptr<FeedServer::Follower> FeedServer::follower(const std::string& environment) {
  if (environment.empty()) throw ProblemError(Problem::bad_request("The query parameter 'environment' is required"));
  {
    std::lock_guard lock(mu_);
    if (stopped_) throw ProblemError(Problem{503, 503, "Service Unavailable", "The control plane is stopping"});
    if (auto it = followers_.find(environment); it != followers_.end()) return it->second;
  }
  if (environment != domain::kDefaultEnvironment && !store_.find_environment(environment))
    throw ProblemError(Problem::not_found("No gateway environment named '" + environment + "'"));
  std::lock_guard lock(mu_);
  auto& f = followers_[environment];
  if (!f) {
    f = std::make_shared<Follower>(store_, environment, options_);
    f->thread = std::thread([p = f.get()] { p->run(); });
  }
  return f;
}

void FeedServer::start(http::RestRouter& router) {
  store_.set_commit_listener([this](std::int64_t rev) {
    std::lock_guard lock(mu_);
    for (auto& [env, f] : followers_) {
      {
        std::lock_guard flock(f->mu);
        f->notified = std::max(f->notified, rev);
      }
      f->cv.notify_one();
    }
  });
  const std::string base(kBase);
  router.add("GET", base + "/snapshot", [this](http::RestRequest& req) {
    authorize(req);
    auto f = follower(req.query_param("environment") ? *req.query_param("environment") : std::string());
    std::future<std::shared_ptr<const std::string>> done;
    {
      std::lock_guard lock(f->mu);
      f->snapshot_requests.emplace_back();
      done = f->snapshot_requests.back().get_future();
    }
    f->cv.notify_one();
    if (done.wait_for(std::chrono::seconds(60)) != std::future_status::ready)
      throw ProblemError(Problem{503, 503, "Service Unavailable", "The snapshot took too long; try again"});
    std::shared_ptr<const std::string> body;
    try {
      body = done.get();
    } catch (const std::exception& e) {
      spdlog::warn("gateway feed: snapshot of '{}' failed: {}", f->environment, e.what());
      throw ProblemError(Problem{503, 503, "Service Unavailable", "The snapshot could not be read; try again"});
    }
    http::RestResponse r;
    r.content_type = "application/x-ndjson";
    r.body = *body;
    return r;
  });
  router.add("GET", base + "/events", [this](http::RestRequest& req) {
    authorize(req);
    const std::int64_t after = http::query_int(req, "after", -1, 0, INT64_MAX);
    if (after < 0) throw ProblemError(Problem::bad_request("The query parameter 'after' (a revision) is required"));
    auto f = follower(req.query_param("environment") ? *req.query_param("environment") : std::string());
    // The gateway says how often it needs a sign of life (it gives up after three silent intervals).
    const auto wanted = std::chrono::milliseconds(
        http::query_int(req, "heartbeatMs", options_.heartbeat.count(), 100, 60000));
    auto stream = std::make_shared<FeedStream>(f, after, std::min(wanted, options_.heartbeat));
    {
      std::lock_guard lock(f->mu);
      f->streams.push_back(stream);
      constexpr std::size_t kMaxBoundaries = 4096;
      if (f->started && after > f->applied && f->boundaries.size() < kMaxBoundaries) f->boundaries.insert(after);
    }
    http::RestResponse r;
    r.content_type = "application/x-ndjson";
    r.stream = std::move(stream);
    return r;
  });
  router.add("POST", base + "/heartbeat", [this](http::RestRequest& req) {
    authorize(req);
    boost::system::error_code ec;
    const json::value v = json::parse(req.body, ec);
    const json::object* o = !ec && v.is_object() ? &v.as_object() : nullptr;
    const json::value* id = o ? o->if_contains("gatewayId") : nullptr;
    const json::value* env = o ? o->if_contains("environment") : nullptr;
    if (!id || !id->is_string() || id->get_string().empty() || id->get_string().size() > 255 || !env ||
        !env->is_string() || env->get_string().empty() || env->get_string().size() > 255)
      throw ProblemError(Problem::bad_request("Expected {\"gatewayId\": \"host:port\", \"environment\": \"NAME\"}"));
    store_.record_gateway_heartbeat(
        {std::string(id->get_string()), std::string(env->get_string()), common::now_millis()});
    return http::RestResponse::empty(204);
  });
  router.add("POST", base + "/analytics", [this](http::RestRequest& req) {
    authorize(req);
    if (!options_.analytics)
      throw ProblemError(Problem::not_found("Analytics is disabled on this control plane (analytics.enabled)"));
    const std::string_view gateway = required_header(req, "X-Archway-Gateway", 255);
    const std::string_view boot = required_header(req, "X-Archway-Boot", 64);
    const std::string_view seq_text = required_header(req, "X-Archway-Sequence", 19);
    std::int64_t seq = 0;
    const auto [end, ec] = std::from_chars(seq_text.data(), seq_text.data() + seq_text.size(), seq);
    if (ec != std::errc() || end != seq_text.data() + seq_text.size() || seq < 0)
      throw ProblemError(Problem::bad_request("The header X-Archway-Sequence must be a non-negative integer"));
    try {
      options_.analytics(req.body, gateway, boot, seq);
    } catch (const std::invalid_argument& e) {
      throw ProblemError(Problem::bad_request(e.what()));
    }
    return http::RestResponse::empty(204);
  });
}

std::map<std::string, std::int64_t> FeedServer::revisions() {
  std::map<std::string, std::int64_t> out;
  std::lock_guard lock(mu_);
  for (const auto& [env, f] : followers_) {
    std::lock_guard flock(f->mu);
    if (f->started) out[env] = f->applied;
  }
  return out;
}

void FeedServer::stop() {
  std::map<std::string, std::shared_ptr<Follower>> followers;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    followers = followers_;
  }
  store_.set_commit_listener(nullptr);
  for (auto& [env, f] : followers) {
    {
      std::lock_guard lock(f->mu);
      f->stop = true;
    }
    f->cv.notify_one();
    if (f->thread.joinable()) f->thread.join();
    f->wake_streams();
  }
}

}  // namespace archway::sync
