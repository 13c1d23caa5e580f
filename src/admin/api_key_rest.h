#pragma once
// Admin GET /api-keys and POST /api-keys/revoke: the API keys issued (Developer Portal application
// keys and Publisher test keys) with whom they were issued to, and their revocation, which
// gateways apply through the change feed (token.revoked).
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "keymanager/key_manager.h"
#include "store/store.h"

namespace archway::admin {

void add_api_key_routes(http::RestRouter& router, identity::Authenticator& auth,
                        keymanager::KeyManager& km, store::Store& store);

}  // namespace archway::admin
