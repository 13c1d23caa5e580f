#pragma once
// APIs from Service Catalog entries (the product's import-service and reimport-service): the
// API takes the service's OpenAPI operations and its URL as endpoint, and remembers the service's
// digest so the Publisher can tell when the service has moved on.
#include <boost/json/object.hpp>
#include <string>

#include "catalog/service_catalog.h"
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "publisher/api_service.h"
#include "publisher/openapi_service.h"
#include "publisher/publisher_rest.h"

namespace archway::publisher {

class ServiceImport {
 public:
  ServiceImport(ApiService& apis, OpenApiService& openapi, catalog::ServiceCatalog& catalog)
      : apis_(apis), openapi_(openapi), catalog_(catalog) {}

  // A new API from the service with `key`: `api_dto` (the product's APIDTO: name, context,
  // version, policies, ...) overrides the definition; without an endpointConfig the service URL
  // is the production endpoint. 404 for an unknown key, 400 for a service whose definition is not
  // OpenAPI or does not make a valid API.
  domain::Api import(const std::string& key, const boost::json::object& api_dto, const domain::User& caller);
  // Takes the service's current definition again (operations, scopes) and its digest.
  domain::Api reimport(const std::string& api_id);

 private:
  ApiService& apis_;
  OpenApiService& openapi_;
  catalog::ServiceCatalog& catalog_;
};

// POST /apis/import-service?serviceKey=.. and PUT /apis/{apiId}/reimport-service.
void add_service_import_routes(http::RestRouter& router, ServiceImport& import, identity::Authenticator& auth);

}  // namespace archway::publisher
