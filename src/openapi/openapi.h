#pragma once
// OpenAPI definitions (Swagger 2.0, OpenAPI 3.0.x and 3.1.x, JSON or YAML): loading, structural
// validation that reports every problem with its location, extraction into the domain API, and
// export of an API as a definition. Depends on domain and common only; no I/O.
//
//   LoadResult r = load(text);              // parse + detect version + validate
//   if (!r.ok()) for (auto& e : r.errors) ... e.location ("/paths/~1pets/get/responses")
//   Extracted x = extract(*r.document);     // name, version, context, operations, scopes
//   boost::json::object doc = export_definition(api, options);   // what GET /swagger answers
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/api.h"

namespace archway::openapi {

enum class SpecVersion { kSwagger20, kOpenApi30, kOpenApi31 };

// One problem in a definition. `location` is a JSON pointer (RFC 6901) into the document
// ("" is the root); line and column (1-based) are known for syntax errors and, for YAML input,
// for most structural ones (0 when unknown).
struct Issue {
  std::string location;
  std::string message;
  int line = 0;
  int column = 0;
};

// A parsed definition whose version was recognised.
struct Document {
  boost::json::value root;
  SpecVersion version = SpecVersion::kOpenApi30;
  std::string version_text;  // the document's own "3.0.1", "2.0", "3.1.0"
};

struct LoadResult {
  std::optional<Document> document;  // present when the text parsed and named a known version
  std::vector<Issue> errors;         // every problem found (syntax, structure, references)
  bool ok() const { return document.has_value() && errors.empty(); }
};

// Parses `text` (JSON when it starts with '{', YAML otherwise), detects the version and validates.
// Bounded: documents nesting deeper than 200 levels, or YAML whose aliases expand it beyond its
// size in bytes plus 100,000 nodes, are refused with an error rather than parsed.
LoadResult load(std::string_view text);

// Parses JSON or YAML text (JSON when it starts with '{' or '[') into JSON with the bounds `load`
// applies, without any OpenAPI check: for other documents such as a project archive's api.yaml.
// nullopt with `errors` filled when the text does not parse.
std::optional<boost::json::value> parse_text(std::string_view text, std::vector<Issue>& errors);

// Validates an already parsed document (the checks `load` runs after parsing).
std::vector<Issue> validate(const Document& doc);

// What a definition says about the API it describes.
struct Extracted {
  domain::Api api;  // name, version, description, context, operations, scopes, endpoints, tiers
  std::string context_source;      // "x-wso2-basePath", "servers", "basePath" or "title"
  std::vector<std::string> endpoints;  // server URLs the definition names (production first)
  std::vector<Issue> errors;           // values the domain model cannot take, with their location
};

// Reads the API out of a valid document: operations (verb, target with {param}), per-operation
// x-auth-type and x-throttling-tier, scopes from OAuth2 security schemes' flows, x-scopes,
// x-scope and x-wso2-security, the context from x-wso2-basePath, servers or basePath, and the
// x-wso2-production-endpoints / x-wso2-sandbox-endpoints. `api.openapi_definition` holds the
// document as JSON text.
Extracted extract(const Document& doc);

struct ExportOptions {
  // Gateway base URLs ("https://localhost:8243"); the API's context and version are appended.
  std::vector<std::string> gateway_urls;
  // Token endpoint advertised by the OAuth2 security scheme.
  std::string token_url = "https://localhost:9443/oauth2/token";
};

// The API as a definition: its stored definition (api.openapi_definition) when it has one,
// rewritten to reflect the API's current operations, scopes, tiers, auth types, endpoints and
// gateway URLs; otherwise a fresh OpenAPI 3.0.1 document. Swagger 2.0 stays 2.0, 3.0 stays 3.0,
// 3.1 stays 3.1; the result is valid for its version.
boost::json::object export_definition(const domain::Api& api, const ExportOptions& options);

// Renders a JSON value as YAML (block style, strings quoted where YAML would retype them).
std::string to_yaml(const boost::json::value& v);

// JSON pointer helpers: "/paths/~1pets" for {"paths", "/pets"}.
std::string pointer_escape(std::string_view token);
std::string pointer_append(std::string_view base, std::string_view token);

std::string_view spec_version_name(SpecVersion v);

// "Invalid OpenAPI definition: <location> (line N): <message>; ..." for the first 25 issues.
std::string describe(const std::vector<Issue>& issues);  // "2.0", "3.0", "3.1"

}  // namespace archway::openapi
