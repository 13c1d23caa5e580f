#pragma once
// The analytics REST API (docs/rest-api.md, "Analytics"): the same routes under the Admin
// (everything), the Publisher (traffic of the APIs the Publisher shows) and the DevPortal (the
// caller's own applications' traffic), plus the Admin's alert rules and alerts.
#include <cstdint>
#include <functional>
#include <string>

#include "analytics/analytics_store.h"
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "store/store.h"

namespace archway::analytics {

class AlertEngine;

// The query's time range and granularity from `from`, `to` and `granularity` (400 on bad values);
// `now_ms` is the default `to`.
Scope scope_from_query(const http::RestRequest& req, std::int64_t now_ms);

// Parses an RFC 3339 UTC timestamp ("2026-12-06T20:00:00Z", fractional seconds allowed) or epoch
// milliseconds (digits only); nullopt when it is neither.
std::optional<std::int64_t> parse_time(std::string_view text);

void add_analytics_routes(http::RestRouter& r, AnalyticsStore& analytics, store::Store& store,
                          identity::Authenticator& auth, AlertEngine* alerts = nullptr);

}  // namespace archway::analytics
