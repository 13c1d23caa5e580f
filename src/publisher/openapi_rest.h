#pragma once
// Publisher REST v4 OpenAPI resources: POST /apis/import-openapi, POST /apis/validate-openapi,
// GET and PUT /apis/{apiId}/swagger and GET /api-products/{apiProductId}/swagger (JSON, or YAML
// for Accept: application/yaml).
#include <boost/json.hpp>

#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "publisher/openapi_service.h"

namespace archway::publisher {

// A definition as the response body: YAML (application/yaml) when the request's Accept asks for
// application/yaml, application/x-yaml or text/yaml; JSON otherwise.
http::RestResponse definition_response(const http::RestRequest& req, int status, const boost::json::object& doc);

void add_openapi_routes(http::RestRouter& router, OpenApiService& openapi, identity::Authenticator& auth);

}  // namespace archway::publisher
