#pragma once
// A Service Catalog entry: a backend service registered with its definition, from which APIs are
// created (`POST /apis/import-service`). The key ("<name>-<version>") names it across the catalog.
#include <cstdint>
#include <string>
#include <string_view>

namespace archway::domain {

inline constexpr std::string_view kServiceDefinitionTypes[] = {"OAS2", "OAS3", "WSDL1", "WSDL2",
                                                               "GRAPHQL_SDL", "ASYNC_API"};
inline constexpr std::string_view kServiceSecurityTypes[] = {"BASIC", "DIGEST", "OAUTH2", "X509", "API_KEY",
                                                             "NONE"};

struct CatalogService {
  std::string id;
  std::string name;
  std::string display_name;
  std::string description;
  std::string version;
  std::string key;  // name-version, unique
  std::string service_url;
  std::string definition_type = "OAS3";
  std::string security_type = "NONE";
  bool mutual_ssl_enabled = false;
  std::string definition;      // the definition file as uploaded
  std::string definition_url;  // where the definition came from, when given
  std::string md5;             // digest of metadata and definition: changes when either does
  std::int64_t created_time = 0;  // epoch millis
  std::int64_t last_updated_time = 0;
};

}  // namespace archway::domain
