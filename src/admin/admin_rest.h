#pragma once
// Admin REST API v4 (/api/am/admin/v4): users and roles, external key managers, throttling
// policies (subscription, application, advanced), deny policies, and the resident Key Manager's
// signing keys.
// Users are an Archway extension (the product manages them through its identity server).
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "identity/user_service.h"
#include "keymanager/jwks_fetcher.h"
#include "keymanager/key_manager.h"

namespace archway::admin {

inline constexpr std::string_view kAdminBase = "/api/am/admin/v4";

void add_admin_routes(http::RestRouter& router, identity::UserService& users, identity::Authenticator& auth,
                      keymanager::KeyManager& km, keymanager::JwksFetcher& jwks, store::Store& store);

}  // namespace archway::admin
