// The Traffic Manager at the gateway: deny policies, custom rules, then the API or resource advanced limit, the
// subscription tier, the application tier and the backend's maxTps (traffic/throttler.h). Callers
// without an application are counted by the Unauthenticated tier per client IP; Basic users count
// against API, backend and blocking limits only. The bytes the request moves are added to its
// bandwidth limits when it ends.
#include <boost/json.hpp>

#include <chrono>

#include "common/clock.h"
#include "gateway/filters/filters.h"
#include "gateway/internal/worker.h"
#include "gateway/mediation.h"

namespace archway::gateway::filters {

namespace {

// What conditional groups of advanced policies look at: headers, query parameters, JWT claims.
// Only policies with conditions call into it, so the common path parses nothing.
class RequestFacts final : public traffic::RequestAttributes {
 public:
  RequestFacts(const RequestHeader& req, std::string_view query, const TokenCacheEntry* token)
      : req_(req), query_(query), token_(token) {}

  std::optional<std::string_view> header(std::string_view name) const override {
    const http::h1::Field* f = req_.find(name);
    if (!f) return std::nullopt;
    return f->value;
  }
  std::optional<std::string_view> query(std::string_view name) const override { return query_value(query_, name); }
  std::optional<std::string> claim(std::string_view name) const override {
    if (!token_ || token_->claims.empty()) return std::nullopt;
    boost::system::error_code ec;
    auto v = boost::json::parse(token_->claims, ec);
    if (ec || !v.is_object()) return std::nullopt;
    auto* c = v.as_object().if_contains(name);
    if (!c) return std::nullopt;
    if (c->is_string()) return std::string(c->as_string());
    return boost::json::serialize(*c);
  }

 private:
  const RequestHeader& req_;
  std::string_view query_;
  const TokenCacheEntry* token_;
};

class Throttle final : public Filter {
 public:
  std::string_view name() const override { return "throttle"; }

  Flow on_request(Call& call) const override {
    const traffic::Throttler* throttler = call.worker.opts.throttler;
    if (!throttler) return Flow::kNext;
    const AuthDecision& d = call.auth;
    const ApiRuntime& api = call.api;
    RequestFacts facts(call.request, call.query, d.token);
    traffic::Request tr;
    tr.api_id = api.id;
    tr.api_context = api.versioned_context;
    tr.api_context_unversioned = api.context;
    tr.api_version = api.version;
    tr.api_name = api.name;
    tr.resource = call.op.resource;
    tr.api_policy = api.advanced;
    tr.resource_policy = call.op.advanced;
    tr.ip = &call.remote_address;
    tr.ip_text = call.remote_ip;
    tr.attributes = &facts;
    if (d.application) {
      tr.authenticated = true;
      tr.subscription_policy = d.subscription ? d.subscription->policy : nullptr;
      tr.application_policy = d.application->policy;
      tr.application_id = d.application->id;
      tr.application_owner = d.application->owner;
      tr.application_name = d.application->name;
      tr.user = d.token ? std::string_view(d.token->subject) : std::string_view();
      tr.sandbox = d.sandbox;
    } else if (call.client_cert) {  // mutual SSL: the certificate's tier and key type
      tr.authenticated = true;
      tr.subscription_policy = call.client_cert->policy;
      tr.user = call.client_cert->alias;
      tr.sandbox = call.client_cert->sandbox;
    } else if (call.by_basic) {
      tr.authenticated = true;
      tr.user = call.basic_user;
    } else {
      tr.subscription_policy = call.snapshot.unauthenticated_policy();
      if (d.token) tr.user = d.token->subject;  // a Publisher test key: counted as anonymous, per IP
    }
    tr.backend_tps = tr.sandbox ? api.max_tps_sandbox : api.max_tps_production;
    // The coarse clock (a tick behind at most): the request may have waited in a filter that
    // suspended (Basic authentication), so its start time can be long past.
    const std::int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(common::steady_coarse_now().time_since_epoch()).count();
    call.throttle = throttler->admit(call.snapshot.policies(), tr, now_ms);
    const traffic::Decision& t = call.throttle;
    WorkerCounters& counters = call.worker.metrics->worker(call.worker.index);
    const auto outcome = t.allowed() ? RateLimitOutcome::kAllowed
                         : t.kind == traffic::Decision::Kind::kBlocked ? RateLimitOutcome::kBlocked
                                                                       : RateLimitOutcome::kThrottled;
    bump(counters.rate_limit[static_cast<int>(outcome)][static_cast<int>(rate_limit_level(t.code))]);
    if (t.allowed()) return Flow::kNext;
    answer(call, {t.kind == traffic::Decision::Kind::kBlocked ? 403 : 429, t.code, t.message, t.description});
    call.answer.throttled = true;
    return Flow::kAnswer;
  }

  // Bandwidth limits count the body bytes a forwarded request moved, both ways.
  void on_complete(Call& call) const override {
    if (!call.forwarded || call.throttle.meters.empty() || call.bytes == 0) return;
    const std::int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(common::steady_coarse_now().time_since_epoch()).count();
    call.worker.opts.throttler->record_bytes(call.throttle, call.bytes, now_ms);
  }
};

}  // namespace

const Filter& throttle() {
  static const Throttle instance;
  return instance;
}

}  // namespace archway::gateway::filters
