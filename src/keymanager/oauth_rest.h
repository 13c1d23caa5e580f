#pragma once
// Key Manager HTTP endpoints: /oauth2/token (RFC 6749), /oauth2/revoke (RFC 7009),
// /oauth2/introspect (RFC 7662), /oauth2/jwks (RFC 7517), OpenID discovery documents and dynamic
// client registration in the product's shape (RFC 7591 field names are accepted and returned too).
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "keymanager/key_manager.h"

namespace archway::keymanager {

// Where the Key Manager's endpoints live: the issuer without its "/oauth2/token" suffix
// (https://localhost:9443 for the default issuer); its token endpoint is this + "/oauth2/token".
std::string endpoint_base(const std::string& issuer);

// Also dynamic client registration (/client-registration/v0.17/register), for signed-in users.
void add_oauth_routes(http::RestRouter& router, KeyManager& km, store::Store& store, identity::Authenticator& auth);

}  // namespace archway::keymanager
