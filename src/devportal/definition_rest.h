#pragma once
// Developer Portal REST API v3: GET /apis/{apiId}/swagger, the OpenAPI definition of an API (or
// API product) the portal shows, for developers and the portal's try-it console. It carries the
// gateway URLs and security, never the backend endpoints (x-wso2-*-endpoints are left out).
#include <boost/json/object.hpp>

#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "publisher/openapi_service.h"
#include "store/store.h"

namespace archway::devportal {

void add_definition_routes(http::RestRouter& router, store::Store& store, publisher::OpenApiService& openapi,
                           identity::Authenticator& auth);

// The definition that route answers, as JSON (the DevPortal API object's `apiDefinition`).
boost::json::object portal_definition(publisher::OpenApiService& openapi, const domain::Api& api);

}  // namespace archway::devportal
