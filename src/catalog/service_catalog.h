#pragma once
// The Service Catalog (/api/am/service-catalog/v1): backend services registered with their
// definitions, from which the Publisher creates APIs. Validates metadata and definitions; throws
// common::ProblemError with the status the REST API answers.
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/api.h"
#include "domain/service.h"
#include "store/store.h"

namespace archway::catalog {

inline constexpr std::size_t kMaxDefinitionBytes = 8 * 1024 * 1024;

class ServiceCatalog {
 public:
  explicit ServiceCatalog(store::Store& store) : store_(store) {}

  // `metadata` is the product's ServiceDTO (name, version, serviceUrl, definitionType, ...);
  // `definition` the definition file's text. 400 naming the field, 409 when the key is taken.
  domain::CatalogService create(const boost::json::object& metadata, std::string definition);
  // Replaces metadata and definition; the key follows name and version.
  domain::CatalogService update(const std::string& id, const boost::json::object& metadata,
                                std::string definition);
  // create()'s checks of a service's metadata and definition, nothing written (400 naming the field).
  void check(const boost::json::object& metadata, const std::string& definition);
  domain::CatalogService get(const std::string& id);
  domain::CatalogService get_by_key(const std::string& key);
  std::optional<domain::CatalogService> find_by_key(const std::string& key) { return store_.find_service_by_key(key); }
  store::ServicePage list(const store::ServiceQuery& q);
  // 409 while an API created from the service exists.
  void remove(const std::string& id);
  std::vector<domain::Api> usage(const std::string& id);

 private:
  store::Store& store_;
};

// The product's ServiceDTO; `shrink` keeps id, name, key, version and md5.
boost::json::object service_to_json(const domain::CatalogService& s, bool shrink = false);
// The digest that changes when the definition or the metadata the gateway uses changes.
std::string service_digest(const domain::CatalogService& s);

}  // namespace archway::catalog
