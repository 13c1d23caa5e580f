#pragma once
// Developer Portal REST API v3, what a portal needs before anyone signs in: GET /settings (grant
// types, scopes, the gateway's URLs, password rules, which features this server has),
// GET /settings/application-attributes and GET /key-managers (the resident Key Manager and the
// enabled external ones). Anonymous callers may read them; sent credentials must be right.
#include "domain/server_info.h"
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "store/store.h"

namespace archway::devportal {

// `self_signup`: whether POST /me/sign-up creates accounts (announced as selfSignUpEnabled).
void add_settings_routes(http::RestRouter& router, store::Store& store, identity::Authenticator& auth,
                         domain::ServerInfoSource server, bool self_signup);

}  // namespace archway::devportal
