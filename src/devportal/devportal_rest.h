#pragma once
// Developer Portal REST API v3 (/api/am/devportal/v3), WSO2 API Manager 4.x paths and shapes:
// published APIs, applications, keys and tokens, subscriptions.
#include "http/rest_router.h"
#include "keymanager/key_manager.h"
#include "publisher/auth.h"
#include "store/store.h"

namespace archway::devportal {

inline constexpr std::string_view kDevportalBase = "/api/am/devportal/v3";

void add_devportal_routes(http::RestRouter& router, store::Store& store, keymanager::KeyManager& km,
                          publisher::Authenticator& auth);

}  // namespace archway::devportal
