// Response caching (the operation's or the API's responseCaching): GET and HEAD are looked up here,
// before the backend; a fresh entry answers with X-Cache: HIT. Cache-Control: no-cache from the
// client skips the lookup, no-store the cache altogether. Keys: method, the API's deployment, the
// target as routed, and the API's key headers. (Responses are stored where they come back.)
#include <chrono>

#include "gateway/filters/filters.h"
#include "gateway/internal/worker.h"
#include "gateway/response_cache.h"

namespace archway::gateway::filters {

namespace {

namespace bhttp = boost::beast::http;

std::string cache_key(const Call& call) {
  const ApiRuntime& api = call.api;
  std::string key;
  key.reserve(call.target.size() + api.id.size() + 48);
  key.append(call.request.method_string()).push_back(' ');
  key.append(api.id).push_back('@');
  key.append(std::to_string(api.deployment)).push_back(' ');
  key.append(call.target);
  for (const auto& h : api.cache_key_headers) {
    key.push_back('\n');
    key.append(h).push_back(':');
    for (const auto& f : call.request)
      if (boost::beast::iequals(f.name_string(), h)) key.append(f.value()).push_back(',');
  }
  return key;
}

class ResponseCacheLookup final : public Filter {
 public:
  std::string_view name() const override { return "response_cache"; }
  Flow on_request(Call& call) const override {
    ResponseCache* cache = call.worker.cache;
    const bhttp::verb method = call.request.method();
    if (!cache || (method != bhttp::verb::get && method != bhttp::verb::head)) return Flow::kNext;
    const CacheDirectives asked =
        parse_cache_control(call.request[bhttp::field::cache_control], call.request[bhttp::field::pragma]);
    if (asked.no_store) return Flow::kNext;
    call.cache_key = cache_key(call);
    if (asked.no_cache) return Flow::kNext;
    const std::int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    auto hit = cache->find(call.cache_key, now_ms);
    if (!hit) return Flow::kNext;
    call.answer.kind = Answer::Kind::kCached;
    call.answer.cached = std::move(hit);
    return Flow::kAnswer;
  }
};

}  // namespace

const Filter& response_cache() {
  static const ResponseCacheLookup instance;
  return instance;
}

}  // namespace archway::gateway::filters
