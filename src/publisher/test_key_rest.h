#pragma once
// Publisher POST /apis/{apiId}/generate-key: a short-lived API key to try out one API (the
// product's internal key of the Publisher's "Try out" page).
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "keymanager/key_manager.h"
#include "publisher/api_service.h"

namespace archway::publisher {

// How long a test key is valid, in seconds.
inline constexpr std::int64_t kTestKeyValidityS = 3600;

void add_test_key_routes(http::RestRouter& router, ApiService& apis, keymanager::KeyManager& km,
                         identity::Authenticator& auth);

}  // namespace archway::publisher
