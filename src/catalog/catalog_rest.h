#pragma once
// Service Catalog REST API v1 (/api/am/service-catalog/v1): register, list, search, read, update
// and delete services with their definitions; see which APIs use a service.
#include "catalog/service_catalog.h"
#include "http/rest_router.h"
#include "identity/authenticator.h"

namespace archway::catalog {

inline constexpr std::string_view kCatalogBase = "/api/am/service-catalog/v1";

void add_catalog_routes(http::RestRouter& router, ServiceCatalog& catalog, identity::Authenticator& auth);

}  // namespace archway::catalog
