#include "catalog/service_catalog.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/problem.h"
#include "crypto/random.h"
#include "domain/url.h"
#include "openapi/openapi.h"

namespace archway::catalog {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;

namespace {

[[noreturn]] void bad(std::string description) { throw ProblemError(Problem::bad_request(std::move(description))); }

template <std::size_t N>
bool one_of(std::string_view value, const std::string_view (&options)[N]) {
  return std::find(std::begin(options), std::end(options), value) != std::end(options);
}

std::string required_text(const json::object& o, std::string_view key, std::size_t max) {
  auto v = common::opt_string(o, key, key);
  if (!v || v->empty()) bad(fmt::format("'{}' is required", key));
  if (v->size() > max) bad(fmt::format("'{}' must be at most {} characters", key, max));
  return *v;
}

// Reads and checks the ServiceDTO fields a client may set.
void read_metadata(const json::object& o, domain::CatalogService& s) {
  s.name = required_text(o, "name", 255);
  if (s.name.find('*') != std::string::npos) bad("'name' must not contain '*'");
  s.version = required_text(o, "version", 30);
  if (s.version.find('*') != std::string::npos) bad("'version' must not contain '*'");
  s.display_name = common::opt_string(o, "displayName", "displayName").value_or("");
  if (s.display_name.empty()) s.display_name = s.name;
  if (s.display_name.size() > 255) bad("'displayName' must be at most 255 characters");
  s.description = common::opt_string(o, "description", "description").value_or("");
  if (s.description.size() > 32768) bad("'description' must be at most 32768 characters");
  s.service_url = required_text(o, "serviceUrl", 2048);
  std::string error;
  if (!domain::parse_backend_url(s.service_url, &error))
    bad(fmt::format("'serviceUrl' must be an absolute http or https URL: {}", error));
  s.definition_type = common::opt_string(o, "definitionType", "definitionType").value_or("OAS3");
  if (!one_of(s.definition_type, domain::kServiceDefinitionTypes))
    bad(fmt::format("'definitionType' must be one of {}, got '{}'", fmt::join(domain::kServiceDefinitionTypes, ", "),
                    s.definition_type));
  s.security_type = common::opt_string(o, "securityType", "securityType").value_or("NONE");
  if (!one_of(s.security_type, domain::kServiceSecurityTypes))
    bad(fmt::format("'securityType' must be one of {}, got '{}'", fmt::join(domain::kServiceSecurityTypes, ", "),
                    s.security_type));
  s.mutual_ssl_enabled = common::opt_bool(o, "mutualSSLEnabled", "mutualSSLEnabled").value_or(false);
  s.definition_url = common::opt_string(o, "definitionUrl", "definitionUrl").value_or("");
  s.key = s.name + "-" + s.version;
}

// The definition must be a document of its declared type: JSON or YAML text for OAS and
// AsyncAPI, XML for WSDL, schema text for GraphQL.
void check_definition(const domain::CatalogService& s) {
  const std::string& d = s.definition;
  if (d.find_first_not_of(" \t\r\n") == std::string::npos) bad("'definitionFile' is required and must not be empty");
  if (d.size() > kMaxDefinitionBytes) bad(fmt::format("'definitionFile' exceeds {} bytes", kMaxDefinitionBytes));
  if (s.definition_type != "OAS2" && s.definition_type != "OAS3") return;
  const openapi::LoadResult r = openapi::load(d);
  if (!r.ok()) bad("'definitionFile': " + openapi::describe(r.errors));
  const bool swagger2 = r.document->version == openapi::SpecVersion::kSwagger20;
  if (swagger2 != (s.definition_type == "OAS2"))
    bad(fmt::format("'definitionType' is {} but 'definitionFile' is {} {}", s.definition_type,
                    swagger2 ? "Swagger" : "OpenAPI", r.document->version_text));
}

}  // namespace

std::string service_digest(const domain::CatalogService& s) {
  json::object o;
  o["serviceUrl"] = s.service_url;
  o["definitionType"] = s.definition_type;
  o["securityType"] = s.security_type;
  o["mutualSSLEnabled"] = s.mutual_ssl_enabled;
  return crypto::sha256_hex(json::serialize(o) + "\n" + s.definition);
}

json::object service_to_json(const domain::CatalogService& s, bool shrink) {
  json::object o;
  o["id"] = s.id;
  o["name"] = s.name;
  o["key"] = s.key;
  o["version"] = s.version;
  o["md5"] = s.md5;
  if (shrink) return o;
  o["serviceKey"] = s.key;
  o["displayName"] = s.display_name;
  o["description"] = s.description;
  o["serviceUrl"] = s.service_url;
  o["definitionType"] = s.definition_type;
  o["securityType"] = s.security_type;
  o["mutualSSLEnabled"] = s.mutual_ssl_enabled;
  o["definitionUrl"] = s.definition_url;
  o["createdTime"] = common::iso8601_utc(s.created_time);
  o["lastUpdatedTime"] = common::iso8601_utc(s.last_updated_time);
  return o;
}

domain::CatalogService ServiceCatalog::create(const json::object& metadata, std::string definition) {
  domain::CatalogService s;
  read_metadata(metadata, s);
  s.definition = std::move(definition);
  check_definition(s);
  s.id = common::new_uuid();
  s.md5 = service_digest(s);
  s.created_time = s.last_updated_time = common::now_millis();
  store_.create_service(s);
  return s;
}

domain::CatalogService ServiceCatalog::update(const std::string& id, const json::object& metadata,
                                              std::string definition) {
  domain::CatalogService current = get(id);
  domain::CatalogService s;
  read_metadata(metadata, s);
  s.definition = std::move(definition);
  check_definition(s);
  if (s.key != current.key && !store_.apis_using_service(current.key).empty())
    throw ProblemError(Problem::conflict(fmt::format(
        "Service '{}' is used by APIs; its name and version cannot change", current.key)));
  s.id = current.id;
  s.md5 = service_digest(s);
  s.created_time = current.created_time;
  s.last_updated_time = common::now_millis();
  store_.update_service(s);
  return s;
}

domain::CatalogService ServiceCatalog::get(const std::string& id) {
  auto s = store_.get_service(id);
  if (!s) throw ProblemError(Problem::not_found(fmt::format("Service '{}' not found", id)));
  return *s;
}

void ServiceCatalog::check(const json::object& metadata, const std::string& definition) {
  domain::CatalogService s;
  read_metadata(metadata, s);
  s.definition = definition;
  check_definition(s);
}

domain::CatalogService ServiceCatalog::get_by_key(const std::string& key) {
  auto s = store_.find_service_by_key(key);
  if (!s) throw ProblemError(Problem::not_found(fmt::format("Service with key '{}' not found", key)));
  return *s;
}

store::ServicePage ServiceCatalog::list(const store::ServiceQuery& q) { return store_.list_services(q); }

void ServiceCatalog::remove(const std::string& id) {
  if (!store_.delete_service(id)) throw ProblemError(Problem::not_found(fmt::format("Service '{}' not found", id)));
}

std::vector<domain::Api> ServiceCatalog::usage(const std::string& id) {
  return store_.apis_using_service(get(id).key);
}

}  // namespace archway::catalog
