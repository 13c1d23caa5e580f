#pragma once
// Key Manager HTTP endpoints: /oauth2/token (RFC 6749), /oauth2/revoke (RFC 7009),
// /oauth2/introspect (RFC 7662), /oauth2/jwks (RFC 7517) and OpenID discovery documents.
#include "http/rest_router.h"
#include "keymanager/key_manager.h"

namespace archway::keymanager {

void add_oauth_routes(http::RestRouter& router, KeyManager& km, store::Store& store);

}  // namespace archway::keymanager
