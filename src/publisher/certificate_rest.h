#pragma once
// Publisher REST API v4: endpoint certificates (/endpoint-certificates: trusted when the gateway
// calls an HTTPS backend at their endpoint) and the client certificates of an API per key type
// (/apis/{apiId}/client-certs/{keyType}, and the older /apis/{apiId}/client-certificates for
// PRODUCTION), which callers of a mutualssl API present. Read with apim:api_view, written with
// apim:api_create.
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "publisher/api_service.h"
#include "store/store.h"

namespace archway::publisher {

void add_certificate_routes(http::RestRouter& router, store::Store& store, ApiService& apis,
                            identity::Authenticator& auth);

}  // namespace archway::publisher
