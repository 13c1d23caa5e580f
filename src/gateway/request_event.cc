// A request's analytics event (internal/session.h): one per request the gateway serves, written in
// place into the worker's ring (analytics/event_ring.h) once the request is over: no lock, no
// allocation; a full ring drops the event and counts it. The gateway's own resources (/health,
// its JWKS) and CORS preflights make none.
#include <chrono>

#include "analytics/event.h"
#include "gateway/internal/request_routing.h"
#include "gateway/internal/session.h"
#include "gateway/internal/worker.h"

namespace archway::gateway::internal {

namespace {

using analytics::ErrorCategory;
using analytics::Event;

std::int64_t micros_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t).count();
}

// The fields every event sets, so a reused slot keeps nothing of the event it held before.
void clear(Event& e) {
  e.total_us = e.backend_us = e.request_bytes = e.response_bytes = 0;
  e.error_code = 0;
  e.status = 0;
  e.category = ErrorCategory::kNone;
  e.key_type = analytics::KeyType::kNone;
  e.throttled = e.forwarded = false;
  e.api_id.clear();
  e.api_name.clear();
  e.api_version.clear();
  e.api_context.clear();
  e.method.clear();
  e.resource.clear();
  e.application_id.clear();
  e.application_name.clear();
  e.application_owner.clear();
  e.subscriber.clear();
  e.auth_type.clear();
  e.client_ip.clear();
  e.user_agent.clear();
  e.throttle_policy.clear();
  e.backend.clear();
  e.product_id.clear();
  e.product_name.clear();
}

// Why the filter that stopped a request stopped it, by what the filter is.
ErrorCategory category_of(const Filter* f) {
  if (!f) return ErrorCategory::kOther;
  const std::string_view n = f->name();
  if (n == "token_auth" || n == "basic_auth" || n == "mutual_tls") return ErrorCategory::kAuth;
  if (n == "throttle") return ErrorCategory::kThrottling;
  if (n == "blocked_api") return ErrorCategory::kOther;
  return ErrorCategory::kMediation;
}

// The gateway's own answer as the client got it; `when_error` is the category of an error status.
void note_answer(Event& e, const TimedSocket::Answered& answered, ErrorCategory when_error) {
  e.status = static_cast<std::uint16_t>(answered.status);
  e.error_code = answered.code;
  e.response_bytes = static_cast<std::int64_t>(answered.body_bytes);
  e.category = analytics::is_error(answered.status) ? when_error : ErrorCategory::kNone;
}

}  // namespace

Event* Session::new_event() {
  Event* e = w_.events ? w_.events->claim() : nullptr;
  if (!e) return nullptr;
  clear(*e);
  e->time_ms = started_ms_;
  e->total_us = micros_since(started_);
  return e;
}

void Session::start_clock() {
  started_ = std::chrono::steady_clock::now();
  started_ms_ =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
}

void Session::record_refused_head(std::string_view remote_ip, const TimedSocket::Answered& answered) {
  if (!w_.events) return;
  Event* e = new_event();
  if (!e) return;
  note_answer(*e, answered, ErrorCategory::kOther);
  e->client_ip.assign(remote_ip);
  w_.events->publish();
}

void Session::record_unrouted(const Routing& r, const RequestHeader& req, std::string_view remote_ip,
                              const TimedSocket::Answered& answered) {
  if (!w_.events) return;
  ErrorCategory category;
  switch (r.outcome) {
    case Routing::Outcome::kNotFound:
    case Routing::Outcome::kMethodNotAllowed:
      category = ErrorCategory::kRouting;
      break;
    case Routing::Outcome::kBadPath:
      category = ErrorCategory::kOther;
      break;
    default:
      return;  // the gateway's own resources and preflights are not API traffic
  }
  Event* e = new_event();
  if (!e) return;
  note_answer(*e, answered, category);
  e->method.assign(req.method_string());
  e->resource.assign(r.path.empty() ? req.target() : r.path);
  e->client_ip.assign(remote_ip);
  e->user_agent.assign(req[http::h1::FieldId::kUserAgent]);
  if (r.outcome == Routing::Outcome::kMethodNotAllowed && r.match.api) {
    const ApiRuntime& api = *r.match.api;
    e->api_id.assign(api.id);
    e->api_name.assign(api.name);
    e->api_version.assign(api.version);
    e->api_context.assign(api.context);
  }
  w_.events->publish();
}

void Session::record_call(const Call& call, const ExchangeState& x, const Filter* stopped_by,
                          const TimedSocket::Answered& answered) {
  if (!w_.events) return;
  Event* e = new_event();
  if (!e) return;
  const ApiRuntime& api = call.api;
  if (api.is_product && !call.op.source_api_id.empty()) {
    // Through an API product: the API the operation reached, and the product it came through.
    e->api_id.assign(call.op.source_api_id);
    e->api_name.assign(call.op.source_api_name);
    e->api_version.assign(call.op.source_api_version);
    e->product_id.assign(api.id);
    e->product_name.assign(api.name);
  } else {
    e->api_id.assign(api.id);
    e->api_name.assign(api.name);
    e->api_version.assign(api.version);
  }
  e->api_context.assign(api.context);
  e->method.assign(call.op.verb);
  e->resource.assign(call.op.target);
  e->client_ip.assign(call.remote_ip);
  e->user_agent.assign(call.request[http::h1::FieldId::kUserAgent]);

  const AuthDecision& d = call.auth;
  if (d.application) {
    e->application_id.assign(d.application->id);
    e->application_name.assign(d.application->name);
    e->application_owner.assign(d.application->owner);
    e->key_type = d.sandbox ? analytics::KeyType::kSandbox : analytics::KeyType::kProduction;
  }
  if (d.token) {
    e->subscriber.assign(d.token->subject);
    if (d.application) e->auth_type.assign(d.token->api_key ? "api_key" : "oauth2");
  } else if (call.by_basic) {
    e->subscriber.assign(call.basic_user);
    e->auth_type.assign("basic");
  } else if (call.client_cert) {
    e->subscriber.assign(call.client_cert->alias);
    e->auth_type.assign("mutual_tls");
    e->key_type = call.client_cert->sandbox ? analytics::KeyType::kSandbox : analytics::KeyType::kProduction;
  } else if (!call.op.secured) {
    e->auth_type.assign("none");
  }
  if (call.answer.throttled) {
    e->throttled = true;
    e->throttle_policy.assign(call.throttle.policy);
  }

  // What the client got: the gateway's own answer (a filter's, or one made on the way to or from
  // the backend), else the backend's response as relayed.
  ErrorCategory category = ErrorCategory::kNone;
  if (stopped_by) {
    category = category_of(stopped_by);
  } else if (call.forwarded) {
    e->forwarded = x.backend_us > 0;  // a backend answered, or was waited for
    e->backend_us = x.backend_us;
    if (x.endpoint) e->backend.assign(x.endpoint->pool_key);
    e->request_bytes = x.request_bytes;
    if (answered.status != 0)
      category = x.filter_answered                                    ? ErrorCategory::kMediation
                 : answered.status >= 502 && answered.status <= 504 ? ErrorCategory::kTarget
                                                                      : ErrorCategory::kOther;
    else
      category = ErrorCategory::kBackend;
  } else {
    // Stopped on the way out: a body phase filter, or a body the gateway would not read.
    category = x.filter_answered ? ErrorCategory::kMediation : ErrorCategory::kOther;
  }
  if (answered.status != 0) {
    e->status = static_cast<std::uint16_t>(answered.status);
    e->error_code = answered.code;
    e->response_bytes = static_cast<std::int64_t>(answered.body_bytes);
  } else {
    e->status = static_cast<std::uint16_t>(call.status);
    e->response_bytes = call.bytes - x.request_bytes;
  }
  e->category = analytics::is_error(e->status) ? category : ErrorCategory::kNone;
  w_.events->publish();
}

}  // namespace archway::gateway::internal
