#pragma once
// Key Manager HTTP endpoints: /oauth2/token (RFC 6749), /oauth2/revoke (RFC 7009),
// /oauth2/introspect (RFC 7662), /oauth2/jwks (RFC 7517), OpenID discovery documents and dynamic
// client registration in the product's shape (RFC 7591 field names are accepted and returned too).
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "keymanager/key_manager.h"

namespace archway::keymanager {

// Also dynamic client registration (/client-registration/v0.17/register), for signed-in users.
void add_oauth_routes(http::RestRouter& router, KeyManager& km, store::Store& store, identity::Authenticator& auth);

}  // namespace archway::keymanager
