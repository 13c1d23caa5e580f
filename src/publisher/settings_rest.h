#pragma once
// Publisher REST API v4: GET /settings (gateway environments with their URLs, scopes, default
// tiers, which features this server has), GET /key-managers (the resident Key Manager and the
// enabled external ones) and GET /tags (every tag of the APIs and API products, with counts).
#include "domain/server_info.h"
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "publisher/api_service.h"
#include "store/store.h"

namespace archway::publisher {

void add_settings_routes(http::RestRouter& router, ApiService& apis, store::Store& store,
                         identity::Authenticator& auth, domain::ServerInfoSource server);

}  // namespace archway::publisher
