#pragma once
// Publisher REST API v4 (/api/am/publisher/v4), WSO2 API Manager 4.x paths and JSON shapes.
#include "http/rest_router.h"
#include "publisher/api_service.h"
#include "identity/authenticator.h"

namespace archway::publisher {

inline constexpr std::string_view kPublisherBase = "/api/am/publisher/v4";

// `apis` serves /apis, `products` (ApiKind::kProduct) /api-products.
void add_publisher_routes(http::RestRouter& router, ApiService& apis, ApiService& products,
                          identity::Authenticator& auth);

}  // namespace archway::publisher
