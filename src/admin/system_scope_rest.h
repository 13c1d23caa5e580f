#pragma once
// Admin REST API v4: the management (system) scopes with the roles that hold each
// (/system-scopes: GET, PUT; /system-scopes/{scopeName}?username= for whether a user holds one),
// role aliases (/system-scopes/role-aliases), and HEAD /roles/{roleId}. A PUT changes who may call
// which management route and which scopes the token endpoint grants, from the next call on.
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "identity/system_scopes.h"
#include "store/store.h"

namespace archway::admin {

void add_system_scope_routes(http::RestRouter& router, identity::Authenticator& auth, store::Store& store,
                             identity::SystemScopes& system_scopes);

}  // namespace archway::admin
