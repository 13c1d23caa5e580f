#pragma once
// Publisher REST API v4: shared scopes (/scopes) — list, create, read, update, delete (409 while an
// API uses one), HEAD /scopes/{base64url name} for whether a scope name exists, and
// /scopes/{scopeId}/usage (the APIs and operations that use one) — and the role checks the
// Publisher's UI makes: HEAD /roles/{roleId} and HEAD /me/roles/{roleId}.
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "identity/system_scopes.h"
#include "store/store.h"

namespace archway::publisher {

void add_scope_routes(http::RestRouter& router, store::Store& store, identity::Authenticator& auth,
                      identity::SystemScopes& system_scopes);

}  // namespace archway::publisher
