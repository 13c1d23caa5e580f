#pragma once
// Developer Portal REST API v3 (/api/am/devportal/v3), WSO2 API Manager 4.x paths and shapes:
// published APIs (browsable anonymously, see visibility.h), tags, applications, keys and tokens,
// subscriptions, the caller's password.
#include "domain/server_info.h"
#include "http/rest_router.h"
#include "keymanager/key_manager.h"
#include "identity/authenticator.h"
#include "identity/user_service.h"
#include "store/store.h"

namespace archway::devportal {

inline constexpr std::string_view kDevportalBase = "/api/am/devportal/v3";

// `self_signup`: whether POST /me/sign-up creates subscriber accounts.
// `server` names the gateway environments and their URLs (an API's endpointURLs).
void add_devportal_routes(http::RestRouter& router, store::Store& store, keymanager::KeyManager& km,
                          identity::Authenticator& auth, identity::UserService& users, bool self_signup,
                          domain::ServerInfoSource server);

}  // namespace archway::devportal
