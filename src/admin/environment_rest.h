#pragma once
// Admin REST API v4: gateway environments (/environments, with the gateway nodes serving each)
// and labels (/labels, attached to APIs by the Publisher).
#include "domain/server_info.h"
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "store/store.h"

namespace archway::admin {

// `server` supplies the built-in environment (its ports are known once the gateway listens).
void add_environment_routes(http::RestRouter& router, identity::Authenticator& auth, store::Store& store,
                            domain::ServerInfoSource server);

}  // namespace archway::admin
