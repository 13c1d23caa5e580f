#pragma once
// Publisher REST API v4: operation policies (the built-in ones, custom common ones at
// /operation-policies, an API's own at /apis/{apiId}/operation-policies; upload, content, export,
// import) and gateway policy mappings (/gateway-policies and their deployment to gateway
// environments).
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "publisher/api_service.h"
#include "store/store.h"

namespace archway::publisher {

void add_operation_policy_routes(http::RestRouter& router, ApiService& apis, store::Store& store,
                                 identity::Authenticator& auth);

}  // namespace archway::publisher
