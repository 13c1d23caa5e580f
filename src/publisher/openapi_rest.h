#pragma once
// Publisher REST v4 OpenAPI resources: POST /apis/import-openapi, POST /apis/validate-openapi,
// GET and PUT /apis/{apiId}/swagger (JSON, or YAML for Accept: application/yaml).
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "publisher/openapi_service.h"

namespace archway::publisher {

void add_openapi_routes(http::RestRouter& router, OpenApiService& openapi, identity::Authenticator& auth);

}  // namespace archway::publisher
