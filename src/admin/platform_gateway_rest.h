#pragma once
// Admin REST API v4: platform gateways (/gateways), the product's registered remote gateways.
// Registering one issues a registration token, shown once, that the gateway presents to the
// control plane's gateway feed (Authorization: Bearer <token>) as it would cluster.gateway_token;
// regenerating it or deleting the gateway shuts the old token out.
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "store/store.h"

namespace archway::admin {

void add_platform_gateway_routes(http::RestRouter& router, identity::Authenticator& auth, store::Store& store);

}  // namespace archway::admin
