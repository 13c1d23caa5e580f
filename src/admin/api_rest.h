#pragma once
// Admin REST API v4: the administrator's view of every API — GET /apis (search with the
// Publisher's query syntax, a page of {provider, name, version, id}) and
// POST /apis/{apiId}/change-provider?provider= (hand an API to another existing user).
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "store/store.h"

namespace archway::admin {

void add_api_routes(http::RestRouter& router, identity::Authenticator& auth, store::Store& store);

}  // namespace archway::admin
