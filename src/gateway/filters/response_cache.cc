// Response caching (the operation's or the API's responseCaching): GET and HEAD are looked up here,
// before the backend; a fresh entry answers with X-Cache: HIT. Cache-Control: no-cache from the
// client skips the lookup, no-store the cache altogether. Keys: method, the API's deployment, the
// target as routed, and the API's key headers. A 200 that may be stored (RFC 9111 section 3) is
// kept by the store filter, last in the chain, as the client gets it.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <optional>

#include "gateway/filters/filters.h"
#include "gateway/internal/worker.h"
#include "gateway/response_cache.h"

namespace archway::gateway::filters {

namespace {

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
    for (const http::h1::Field& f : call.request)
      if (http::h1::iequals(f.name, h)) key.append(f.value).push_back(',');
  }
  return key;
}

class ResponseCacheLookup final : public Filter {
 public:
  std::string_view name() const override { return "response_cache"; }
  Flow on_request(Call& call) const override {
    ResponseCache* cache = call.worker.cache;
    const http::h1::Method method = call.request.method();
    if (!cache || (method != http::h1::Method::kGet && method != http::h1::Method::kHead)) return Flow::kNext;
    const CacheDirectives asked = parse_cache_control(call.request[http::h1::FieldId::kCacheControl],
                                                      call.request[http::h1::FieldId::kPragma]);
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

  void on_response(Call& call, ResponseHeader& response) const override {
    if (!call.cache_key.empty()) response.fields.set("X-Cache", "MISS");
  }
};

std::optional<std::uint64_t> content_length(const ResponseHeader& response) {
  const http::h1::Field* f = response.fields.find(http::h1::FieldId::kContentLength);
  if (!f) return std::nullopt;
  std::uint64_t n = 0;
  const std::string_view v = f->value;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return n;
}

// How long the response may be kept: nullopt when it says it may not be stored, else the
// operation's TTL capped by its max-age.
std::optional<std::int64_t> cacheable_for(const ResponseHeader& res, std::int64_t ttl_ms) {
  using http::h1::FieldId;
  const CacheDirectives d = parse_cache_control(res[FieldId::kCacheControl], res[FieldId::kPragma]);
  if (d.no_store || d.no_cache || d.is_private || d.max_age_s == 0) return std::nullopt;
  if (res.fields.find(FieldId::kSetCookie) || res[FieldId::kVary] == "*") return std::nullopt;
  return d.max_age_s > 0 ? std::min<std::int64_t>(ttl_ms, d.max_age_s * 1000) : ttl_ms;
}

class ResponseCacheStore final : public Filter {
 public:
  std::string_view name() const override { return "response_cache_store"; }

  // Only what fits an entry is read whole for the cache; a larger or open-ended body streams by.
  bool reads_response_body(const Call& call, const ResponseHeader& response, bool complete) const override {
    if (call.cache_key.empty() || !call.worker.cache || call.status != 200) return false;
    if (call.head || complete || !call.op.response.body.empty()) return true;
    const auto length = content_length(response);
    return length && *length <= call.worker.cache->max_entry_bytes();
  }

  Flow on_response_body(Call& call, ResponseHeader& response, std::string& body,
                        std::string& content_type) const override {
    ResponseCache* cache = call.worker.cache;
    if (call.cache_key.empty() || !cache || call.status != 200) return Flow::kNext;
    const auto ttl = cacheable_for(response, call.op.cache_ttl_ms);
    if (!ttl) return Flow::kNext;
    // The headers without framing, CORS (set per request) and X-Cache.
    auto entry = std::make_shared<CachedResponse>();
    entry->status = 200;
    bool typed = false;
    using http::h1::FieldId;
    using http::h1::iequals;
    for (const http::h1::Field& f : response.fields) {
      switch (f.id) {
        case FieldId::kContentLength:
        case FieldId::kTransferEncoding:
        case FieldId::kConnection:
        case FieldId::kKeepAlive:
          continue;
        case FieldId::kContentType:
          typed = true;
          entry->headers.emplace_back(f.name, content_type);
          continue;
        case FieldId::kVary:
          if (iequals(f.value, "Origin")) continue;
          break;
        default:
          if (iequals(f.name, "X-Cache") || iequals(f.name, "Access-Control-Allow-Origin") ||
              iequals(f.name, "Access-Control-Allow-Credentials"))
            continue;
      }
      entry->headers.emplace_back(f.name, f.value);
    }
    if (!typed && !content_type.empty()) entry->headers.emplace_back("Content-Type", content_type);
    entry->body = body;
    entry->content_length = call.head ? content_length(response).value_or(0) : body.size();
    entry->expires_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now().time_since_epoch()).count() + *ttl;
    cache->insert(call.cache_key, std::move(entry));
    return Flow::kNext;
  }
};

}  // namespace

const Filter& response_cache() {
  static const ResponseCacheLookup instance;
  return instance;
}

const Filter& response_cache_store() {
  static const ResponseCacheStore instance;
  return instance;
}

}  // namespace archway::gateway::filters
