#include "traffic/traffic_manager.h"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <random>
#include <stdexcept>

namespace archway::traffic {

namespace {

// Adds what a gateway admitted to the shared window, opening it (expiry = period) when new,
// and answers the shared total and how long the window still runs.
constexpr const char* kIncrementScript =
    "local v = redis.call('INCRBY', KEYS[1], ARGV[1]) "
    "local ttl = redis.call('PTTL', KEYS[1]) "
    "if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) ttl = tonumber(ARGV[2]) end "
    "return {v, ttl}";

constexpr std::int64_t kGatewayTtlMs = 3000;  // a gateway silent this long no longer shares limits
constexpr std::int64_t kReconnectMs = 1000;

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

Reply get_reply(redisContext* c) {
  void* r = nullptr;
  if (redisGetReply(c, &r) != REDIS_OK) return nullptr;
  return Reply(static_cast<redisReply*>(r));
}

}  // namespace

RedisEndpoint parse_redis_url(const std::string& url) {
  RedisEndpoint ep;
  constexpr std::string_view scheme = "redis://";
  std::string_view rest(url);
  if (rest.substr(0, scheme.size()) != scheme)
    throw std::invalid_argument("'traffic.redis' must look like redis://host:port, got '" + url + "'");
  rest.remove_prefix(scheme.size());
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view auth = rest.substr(0, at);
    if (auto colon = auth.find(':'); colon != std::string_view::npos) auth.remove_prefix(colon + 1);
    ep.password = std::string(auth);
    rest.remove_prefix(at + 1);
  }
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!db.empty()) {
      auto [p, ec] = std::from_chars(db.data(), db.data() + db.size(), ep.db);
      if (ec != std::errc() || p != db.data() + db.size() || ep.db < 0)
        throw std::invalid_argument("'traffic.redis': the database must be a number, got '" + std::string(db) + "'");
    }
  }
  if (auto colon = rest.rfind(':'); colon != std::string_view::npos && rest.find(']') == std::string_view::npos) {
    std::string_view port = rest.substr(colon + 1);
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), ep.port);
    if (ec != std::errc() || p != port.data() + port.size() || ep.port <= 0 || ep.port > 65535)
      throw std::invalid_argument("'traffic.redis': bad port '" + std::string(port) + "'");
    rest = rest.substr(0, colon);
  }
  if (!rest.empty()) ep.host = std::string(rest);
  return ep;
}

struct TrafficManager::Redis {
  RedisEndpoint endpoint;
  redisContext* ctx = nullptr;
  std::string script_sha;
  std::int64_t next_attempt = 0;
  std::int64_t next_heartbeat = 0;
  bool lost_logged = false;
  bool ever_connected = false;

  ~Redis() { close(); }
  void close() {
    if (ctx) redisFree(ctx);
    ctx = nullptr;
  }
  // Connects, authenticates, selects the database and loads the script; false with `why`.
  bool connect(std::string& why) {
    close();
    timeval tv{1, 0};
    ctx = redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, tv);
    if (!ctx || ctx->err) {
      why = ctx ? ctx->errstr : "cannot allocate a Redis context";
      close();
      return false;
    }
    redisSetTimeout(ctx, tv);
    auto command = [&](Reply r) {
      if (!r || r->type == REDIS_REPLY_ERROR) {
        why = r ? std::string(r->str, r->len) : std::string(ctx->errstr);
        return false;
      }
      return true;
    };
    if (!endpoint.password.empty() &&
        !command(Reply(static_cast<redisReply*>(redisCommand(ctx, "AUTH %s", endpoint.password.c_str())))))
      return close(), false;
    if (endpoint.db != 0 && !command(Reply(static_cast<redisReply*>(redisCommand(ctx, "SELECT %d", endpoint.db)))))
      return close(), false;
    Reply sha(static_cast<redisReply*>(redisCommand(ctx, "SCRIPT LOAD %s", kIncrementScript)));
    if (!sha || sha->type != REDIS_REPLY_STRING) {
      why = sha && sha->type == REDIS_REPLY_ERROR ? std::string(sha->str, sha->len) : std::string(ctx->errstr);
      return close(), false;
    }
    script_sha.assign(sha->str, sha->len);
    return true;
  }
};

TrafficManager::TrafficManager(TrafficOptions options) : options_(std::move(options)) {
  counters_.set_max_keys(options_.max_counters);
  std::random_device rd;
  node_id_ = std::to_string(rd()) + "-" + std::to_string(rd());
}

TrafficManager::~TrafficManager() { stop(); }

void TrafficManager::start() {
  if (!options_.redis_url.empty()) parse_redis_url(options_.redis_url);  // fail fast on a bad URL
  thread_ = std::thread([this] { run(); });
}

void TrafficManager::stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TrafficManager::reset_application(std::string_view application_id, std::string_view user) {
  const std::string key = Throttler::application_key(application_id, user);
  const std::string burst = Throttler::application_key(application_id, user, true);
  counters_.reset(key);
  counters_.reset(burst);
  if (options_.redis_url.empty()) return;
  std::lock_guard lock(mu_);
  resets_.push_back(key);
  resets_.push_back(burst);
}

void TrafficManager::run() {
  std::unique_ptr<Redis> redis;
  if (!options_.redis_url.empty()) {
    redis = std::make_unique<Redis>();
    redis->endpoint = parse_redis_url(options_.redis_url);
  }
  std::int64_t next_sweep = steady_ms() + options_.sweep_interval_ms;
  const auto period = std::chrono::milliseconds(redis ? options_.sync_interval_ms : options_.sweep_interval_ms);
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, period, [this] { return stop_; })) break;
    }
    const std::int64_t now = steady_ms();
    if (redis) {
      if (!redis->ctx && now >= redis->next_attempt) {
        std::string why;
        if (redis->connect(why)) {
          spdlog::info("traffic: {} Redis at {}:{}; rate-limit counters are shared", redis->ever_connected ? "rejoined" : "using",
                       redis->endpoint.host, redis->endpoint.port);
          redis->ever_connected = true;
          redis->lost_logged = false;
          redis->next_heartbeat = 0;
        } else {
          redis->next_attempt = now + kReconnectMs;
          if (!redis->lost_logged)
            spdlog::warn("traffic: Redis at {}:{} is unreachable ({}); counting on this node only until it returns",
                         redis->endpoint.host, redis->endpoint.port, why);
          redis->lost_logged = true;
        }
      }
      if (redis->ctx && !sync(*redis, now)) {
        redis->close();
        redis->next_attempt = now + kReconnectMs;
        connected_.store(false);
        gateways_.store(1);
        counters_.set_cluster(false, 1);
        if (!redis->lost_logged)
          spdlog::warn("traffic: lost Redis at {}:{}; counting on this node only until it returns",
                       redis->endpoint.host, redis->endpoint.port);
        redis->lost_logged = true;
      }
    }
    if (now >= next_sweep) {
      counters_.sweep(now);
      next_sweep = now + options_.sweep_interval_ms;
    }
  }
}

// One synchronisation: heartbeat and gateway count, then every key's delta; all pipelined.
bool TrafficManager::sync(Redis& r, std::int64_t now) {
  redisContext* c = r.ctx;
  const std::string gateways_key = options_.key_prefix + "gateways";
  const bool heartbeat = now >= r.next_heartbeat;
  if (heartbeat) {
    const std::int64_t wall = wall_ms();
    redisAppendCommand(c, "ZADD %s %lld %s", gateways_key.c_str(), static_cast<long long>(wall), node_id_.c_str());
    redisAppendCommand(c, "ZREMRANGEBYSCORE %s -inf %lld", gateways_key.c_str(),
                       static_cast<long long>(wall - kGatewayTtlMs));
    redisAppendCommand(c, "ZCARD %s", gateways_key.c_str());
  }
  std::vector<std::string> resets;
  {
    std::lock_guard lock(mu_);
    resets.swap(resets_);
  }
  std::string key;
  for (const auto& k : resets) {
    key.assign(options_.key_prefix).append("rl:").append(k);
    redisAppendCommand(c, "DEL %b", key.data(), key.size());
  }
  std::vector<CounterTable::Pending> pending = counters_.collect(now);
  for (const auto& p : pending) {
    key.assign(options_.key_prefix).append("rl:").append(p.key);
    redisAppendCommand(c, "EVALSHA %s 1 %b %lld %lld", r.script_sha.c_str(), key.data(), key.size(),
                       static_cast<long long>(p.delta), static_cast<long long>(p.period_ms));
  }
  auto fail = [&](std::size_t from) {
    for (std::size_t i = from; i < pending.size(); ++i) counters_.restore(pending[i]);
    return false;
  };
  auto fail_with_resets = [&](std::size_t from) {  // the resets not acknowledged are retried next time
    std::lock_guard lock(mu_);
    resets_.insert(resets_.end(), resets.begin() + static_cast<std::ptrdiff_t>(from), resets.end());
    return fail(0);
  };
  if (heartbeat) {
    Reply a = get_reply(c), b = get_reply(c), n = get_reply(c);
    if (!a || !b || !n || n->type != REDIS_REPLY_INTEGER) return fail_with_resets(0);
    const int gw = static_cast<int>(std::max<long long>(1, n->integer));
    gateways_.store(gw);
    counters_.set_cluster(true, gw);
    connected_.store(true);
    r.next_heartbeat = now + 500;
  }
  // Replies in the order sent: the heartbeat's, the resets', then the counters'.
  for (std::size_t i = 0; i < resets.size(); ++i)
    if (!get_reply(c)) return fail_with_resets(i);
  const std::int64_t after = steady_ms();
  for (std::size_t i = 0; i < pending.size(); ++i) {
    Reply rep = get_reply(c);
    if (!rep || rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 || rep->element[0]->type != REDIS_REPLY_INTEGER ||
        rep->element[1]->type != REDIS_REPLY_INTEGER) {
      if (rep && rep->type == REDIS_REPLY_ERROR)
        spdlog::warn("traffic: Redis refused a counter update: {}", std::string(rep->str, rep->len));
      return fail(i);
    }
    counters_.apply(pending[i], rep->element[0]->integer, rep->element[1]->integer, after);
  }
  return true;
}

}  // namespace archway::traffic
