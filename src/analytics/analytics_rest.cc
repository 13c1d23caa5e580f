#include "analytics/analytics_rest.h"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <ctime>

#include "analytics/alerts.h"
#include "common/problem.h"
#include "domain/user.h"
#include "identity/roles.h"

namespace archway::analytics {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

constexpr std::int64_t kMinute = 60000, kHour = 3600000, kDay = 86400000;
constexpr std::int64_t kMaxBuckets = 10000;

std::int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

RestResponse ok(const json::object& body) { return RestResponse::json(200, json::serialize(body)); }

[[noreturn]] void bad(std::string description) { throw ProblemError(Problem::bad_request(std::move(description))); }

bool digits(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return false;
  for (std::size_t i = at; i < at + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

int number(std::string_view s, std::size_t at, std::size_t n) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

// What each base lets its caller see.
enum class Base { kAdmin, kPublisher, kDevPortal };

}  // namespace

std::optional<std::int64_t> parse_time(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s.size() <= 15 && digits(s, 0, s.size())) {
    std::int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
  }
  // YYYY-MM-DDTHH:MM:SS[.fff...]Z
  if (s.size() < 20 || !digits(s, 0, 4) || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' || !digits(s, 8, 2) ||
      (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2) || s[13] != ':' || !digits(s, 14, 2) || s[16] != ':' ||
      !digits(s, 17, 2))
    return std::nullopt;
  std::size_t i = 19;
  std::int64_t millis = 0;
  if (s[i] == '.') {
    ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start || i - start > 9) return std::nullopt;
    for (std::size_t k = 0; k < 3; ++k) millis = millis * 10 + (start + k < i ? s[start + k] - '0' : 0);
  }
  if (i + 1 != s.size() || (s[i] != 'Z' && s[i] != 'z')) return std::nullopt;
  std::tm tm{};
  tm.tm_year = number(s, 0, 4) - 1900;
  tm.tm_mon = number(s, 5, 2) - 1;
  tm.tm_mday = number(s, 8, 2);
  tm.tm_hour = number(s, 11, 2);
  tm.tm_min = number(s, 14, 2);
  tm.tm_sec = number(s, 17, 2);
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60)
    return std::nullopt;
  const std::tm asked = tm;
  const std::time_t t = timegm(&tm);
  if (tm.tm_mday != asked.tm_mday) return std::nullopt;  // February 30th and the like
  return static_cast<std::int64_t>(t) * 1000 + millis;
}

Scope scope_from_query(const RestRequest& req, std::int64_t now_ms) {
  Scope s;
  auto time_param = [&](std::string_view name) -> std::optional<std::int64_t> {
    const std::string* v = req.query_param(name);
    if (!v) return std::nullopt;
    auto t = parse_time(*v);
    if (!t)
      bad(fmt::format("Query parameter '{}' must be an RFC 3339 UTC time (2026-12-06T20:00:00Z) or epoch "
                      "milliseconds, got '{}'",
                      name, *v));
    return t;
  };
  const auto to = time_param("to");
  const auto from = time_param("from");
  s.to_ms = to.value_or(now_ms);
  s.from_ms = from.value_or(s.to_ms - kDay);
  if (s.from_ms >= s.to_ms)
    bad(fmt::format("'from' ({}) must be before 'to' ({})", rfc3339(s.from_ms), rfc3339(s.to_ms)));
  const std::int64_t span = s.to_ms - s.from_ms;
  if (const std::string* g = req.query_param("granularity")) {
    if (*g == "minute")
      s.granularity_ms = kMinute;
    else if (*g == "hour")
      s.granularity_ms = kHour;
    else if (*g == "day")
      s.granularity_ms = kDay;
    else
      bad(fmt::format("Query parameter 'granularity' must be minute, hour or day, got '{}'", *g));
  } else {
    s.granularity_ms = span <= 2 * kHour ? kMinute : span <= 7 * kDay ? kHour : kDay;
  }
  const std::int64_t first = s.from_ms - ((s.from_ms % s.granularity_ms) + s.granularity_ms) % s.granularity_ms;
  const std::int64_t count = (s.to_ms - first + s.granularity_ms - 1) / s.granularity_ms;
  if (count > kMaxBuckets)
    bad(fmt::format("The range from {} to {} by {} makes {} buckets; at most {} are allowed (choose a coarser "
                    "granularity or a shorter range)",
                    rfc3339(s.from_ms), rfc3339(s.to_ms),
                    s.granularity_ms == kMinute ? "minute" : s.granularity_ms == kHour ? "hour" : "day", count,
                    kMaxBuckets));
  if (const std::string* a = req.query_param("apiId")) s.api_id = *a;
  if (const std::string* a = req.query_param("applicationId")) s.application_id = *a;
  return s;
}

void add_analytics_routes(http::RestRouter& r, AnalyticsStore& analytics, store::Store& store,
                          identity::Authenticator& auth, AlertEngine* alerts) {
  // The scope a caller of `base` may query: its visibility rule applied to the parameters.
  auto scope_of = [&auth, &store](const RestRequest& req, Base base) {
    switch (base) {
      case Base::kAdmin: {
        auth.authorize(req, {domain::kRoleAdmin}, identity::kScopeAdmin);
        return scope_from_query(req, now_millis());
      }
      case Base::kPublisher: {
        const domain::User u =
            auth.authorize(req, {domain::kRoleCreator, domain::kRolePublisher}, identity::kScopeApiView).user;
        Scope s = scope_from_query(req, now_millis());
        // An id the Publisher does not know is 404; one its access control hides from the caller
        // is refused before this (publisher::add_access_control), and the traffic of every API it
        // hides is left out of the rest.
        if (!s.api_id.empty() && !store.get_api(s.api_id))
          throw ProblemError(Problem::not_found(fmt::format("API '{}' not found", s.api_id)));
        if (!u.has_role(domain::kRoleAdmin)) s.hidden_apis = store.apis_hidden_from(u.roles);
        s.api_traffic_only = true;
        return s;
      }
      case Base::kDevPortal: {
        const domain::User u =
            auth.authorize(req, {domain::kRoleSubscriber}, identity::kScopeSubscribe).user;
        Scope s = scope_from_query(req, now_millis());
        // As the DevPortal's /applications/{applicationId}: another user's application does not exist.
        if (!s.application_id.empty()) {
          const auto app = store.get_application(s.application_id);
          if (!app || (app->owner != u.username && !u.has_role(domain::kRoleAdmin)))
            throw ProblemError(
                Problem::not_found(fmt::format("Application '{}' not found", s.application_id)));
        } else {
          std::vector<std::string> ids;
          for (const auto& a : store.list_applications(u.username)) ids.push_back(a.id);
          s.applications = std::move(ids);
        }
        return s;
      }
    }
    throw ProblemError(Problem::internal("unknown analytics base"));
  };
  auto top_limit = [](const RestRequest& req) { return http::query_int(req, "limit", 10, 1, 100); };

  const std::pair<Base, std::string_view> bases[] = {{Base::kAdmin, "/api/am/admin/v4/analytics"},
                                                     {Base::kPublisher, "/api/am/publisher/v4/analytics"},
                                                     {Base::kDevPortal, "/api/am/devportal/v3/analytics"}};
  for (const auto& [base, prefix] : bases) {
    const std::string p(prefix);
    const Base b = base;
    r.add("GET", p + "/summary", [&, b, scope_of](RestRequest& req) { return ok(analytics.summary(scope_of(req, b))); });
    r.add("GET", p + "/traffic", [&, b, scope_of](RestRequest& req) { return ok(analytics.traffic(scope_of(req, b))); });
    r.add("GET", p + "/latency", [&, b, scope_of](RestRequest& req) { return ok(analytics.latency(scope_of(req, b))); });
    r.add("GET", p + "/errors", [&, b, scope_of](RestRequest& req) { return ok(analytics.errors(scope_of(req, b))); });
    r.add("GET", p + "/top-apis", [&, b, scope_of, top_limit](RestRequest& req) {
      const Scope s = scope_of(req, b);
      return ok(analytics.top_apis(s, top_limit(req)));
    });
    r.add("GET", p + "/top-applications", [&, b, scope_of, top_limit](RestRequest& req) {
      const Scope s = scope_of(req, b);
      return ok(analytics.top_applications(s, top_limit(req)));
    });
    r.add("GET", p + "/top-users", [&, b, scope_of, top_limit](RestRequest& req) {
      const Scope s = scope_of(req, b);
      return ok(analytics.top_users(s, top_limit(req)));
    });
    r.add("GET", p + "/throttling",
          [&, b, scope_of](RestRequest& req) { return ok(analytics.throttling(scope_of(req, b))); });
    r.add("GET", p + "/events", [&, b, scope_of](RestRequest& req) {
      const Scope s = scope_of(req, b);
      const std::int64_t limit = http::query_int(req, "limit", 25, 1, 500);
      const std::int64_t offset = http::query_int(req, "offset", 0, 0, 100000);
      return ok(analytics.events(s, limit, offset));
    });
  }
  if (!alerts) return;

  // Alert rules and alerts: the Admin's alone.
  const std::string admin_base = "/api/am/admin/v4/analytics";
  auto admin = [&auth](const RestRequest& req) { auth.authorize(req, {domain::kRoleAdmin}, identity::kScopeAdmin); };
  auto found = [alerts](const std::string& id) {
    auto rule = alerts->rule(id);
    if (!rule) throw ProblemError(Problem::not_found(fmt::format("Alert rule '{}' not found", id)));
    return *rule;
  };
  r.add("GET", admin_base + "/alert-rules", [alerts, admin](RestRequest& req) {
    admin(req);
    json::array list;
    for (const auto& rule : alerts->rules()) list.push_back(rule_json(rule));
    const auto n = static_cast<std::int64_t>(list.size());
    return ok(json::object{{"count", n}, {"list", std::move(list)}});
  });
  r.add("POST", admin_base + "/alert-rules", [alerts, admin, admin_base](RestRequest& req) {
    admin(req);
    const AlertRule created = alerts->create(rule_from_json(req.body));
    RestResponse res = RestResponse::json(201, json::serialize(rule_json(created)));
    res.headers.emplace_back("Location", admin_base + "/alert-rules/" + created.id);
    return res;
  });
  r.add("GET", admin_base + "/alert-rules/{ruleId}", [admin, found](RestRequest& req) {
    admin(req);
    return ok(rule_json(found(req.path_params["ruleId"])));
  });
  r.add("PUT", admin_base + "/alert-rules/{ruleId}", [alerts, admin, found](RestRequest& req) {
    admin(req);
    const std::string& id = req.path_params["ruleId"];
    found(id);
    AlertRule rule = rule_from_json(req.body);
    rule.id = id;
    if (!alerts->update(rule)) throw ProblemError(Problem::not_found(fmt::format("Alert rule '{}' not found", id)));
    return ok(rule_json(rule));
  });
  r.add("DELETE", admin_base + "/alert-rules/{ruleId}", [alerts, admin](RestRequest& req) {
    admin(req);
    const std::string& id = req.path_params["ruleId"];
    if (!alerts->remove(id)) throw ProblemError(Problem::not_found(fmt::format("Alert rule '{}' not found", id)));
    return RestResponse::empty(200);
  });
  r.add("GET", admin_base + "/alerts", [alerts, admin](RestRequest& req) {
    admin(req);
    return ok(alerts->alerts());
  });
}

}  // namespace archway::analytics
