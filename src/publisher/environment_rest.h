#pragma once
// Publisher REST API v4: what an API has per gateway environment (a deployment's Developer Portal
// visibility, environment-specific properties) and the Admin's labels attached to it.
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "publisher/api_service.h"

namespace archway::publisher {

// `apis` serves /apis, `products` (ApiKind::kProduct) /api-products.
void add_environment_routes(http::RestRouter& router, ApiService& apis, ApiService& products,
                            identity::Authenticator& auth);

}  // namespace archway::publisher
