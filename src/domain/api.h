#pragma once
// The API as the Publisher designs it and a revision freezes it: plain data, no behaviour beyond
// small queries. JSON shapes follow WSO2 API Manager 4.x (see api_json.h).
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/mediation.h"

#include "domain/lifecycle.h"
#include "domain/url.h"

namespace archway::domain {

// Failure kinds an endpoint "config" may name in retryErroCode / suspendErrorCode besides HTTP
// statuses 500-599: the product's transport codes.
inline constexpr int kCodeConnectFailed = 101503;   // refused, unreachable, TLS handshake failed
inline constexpr int kCodeTimedOut = 101504;        // connect or read timeout
inline constexpr int kCodeConnectionClosed = 101505;  // closed before a complete response

struct Endpoint {
  std::string url;
  std::optional<std::int64_t> timeout_ms;  // endpoint "config.actionDuration": read timeout
  std::int64_t weight = 1;                 // load_balance: share of the weighted round robin
  // The rest of the endpoint "config" (product names; connectTimeout and retryCount are ours).
  std::optional<std::int64_t> connect_timeout_ms;  // connectTimeout
  std::int64_t retry_count = 0;      // retryCount: extra attempts of an idempotent request
  std::int64_t retry_delay_ms = 0;   // retryDelay: pause before each retry
  std::vector<int> retry_codes;      // retryErroCode: 5xx statuses that are retried too
  std::vector<int> suspend_codes;    // suspendErrorCode: failures that count (empty: transport ones)
  std::int64_t retries_before_suspension = 0;  // retryTimeOut: failures tolerated in a row
  std::int64_t suspend_duration_ms = 0;        // suspendDuration: first suspension (0: never)
  std::int64_t suspend_max_duration_ms = 0;    // suspendMaxDuration (0: 24 h)
  double factor = 1.0;                         // factor: growth of each further suspension
};

// Secrets of endpoint_security are stored as this prefix + crypto::SecretBox::seal(secret).
inline constexpr std::string_view kSealedSecretPrefix = "sealed:";

// Credentials the gateway sends to the backend (endpointConfig.endpoint_security.production /
// .sandbox). Secrets are sealed (crypto::SecretBox) before they are stored; `sealed` says so.
struct EndpointSecurity {
  bool enabled = false;
  std::string type;  // BASIC, DIGEST, APIKEY or OAUTH
  std::string username;             // BASIC, DIGEST; OAUTH with the PASSWORD grant
  std::string password;             // BASIC, DIGEST; OAUTH with the PASSWORD grant
  std::string api_key_identifier;   // APIKEY: header or query parameter name
  std::string api_key_value;        // APIKEY
  std::string api_key_in = "HEADER";  // apiKeyIdentifierType: HEADER or QUERY_PARAMETER
  // OAUTH: the gateway gets an access token from token_url (RFC 6749 §4.4 client credentials or
  // §4.3 password grant, client authenticated with HTTP Basic), caches it until shortly before it
  // expires, and sends it to the backend as "Authorization: Bearer".
  std::string grant_type;     // CLIENT_CREDENTIALS or PASSWORD
  std::string token_url;      // http(s)
  std::string client_id;
  std::string client_secret;  // sealed
  std::vector<std::pair<std::string, std::string>> custom_parameters;  // added to the token request
};

inline constexpr std::string_view kRoundRobin =
    "org.apache.synapse.endpoints.algorithms.RoundRobin";

// The product's endpointConfig: endpoint_type "http" (one endpoint per key type), "load_balance"
// (production_endpoints / sandbox_endpoints as lists) or "failover" (production_endpoints plus the
// production_failovers list, tried in order).
struct EndpointConfig {
  std::string endpoint_type = "http";
  // http: the endpoint; load_balance: the first of the list; failover: the primary
  std::optional<Endpoint> production;
  std::optional<Endpoint> sandbox;
  // Every endpoint of the key type in order (failover: the primary, then the failovers); empty for
  // http, where `production` / `sandbox` alone serve.
  std::vector<Endpoint> production_group;
  std::vector<Endpoint> sandbox_group;
  std::optional<EndpointSecurity> production_security;  // endpoint_security.production
  std::optional<EndpointSecurity> sandbox_security;     // endpoint_security.sandbox
  boost::json::object raw;  // the document as given, returned as-is so nothing is lost
};

struct Operation {
  std::string id;
  std::string target;  // URL template: /pets/{petId}, /*
  std::string verb;    // GET, POST, ...
  std::string auth_type = "Application & Application User";
  std::string throttling_policy = "Unlimited";
  std::vector<std::string> scopes;
  PolicyFlows policies;  // operationPolicies: run after the API's own
  // Response caching for this operation, overriding the API's (an Archway addition): unset = as the API.
  std::optional<bool> response_caching;
  std::optional<std::int64_t> cache_timeout_s;
};

// An OAuth2 scope an API defines or (shared) references; `bindings` are the roles allowed to obtain
// it (empty: anyone).
struct ApiScope {
  std::string name;
  std::string display_name;
  std::string description;
  std::vector<std::string> bindings;
  bool shared = false;  // a reference to a shared scope (/scopes): its definition is the shared one
};

// The Service Catalog entry an API was created from (empty key: none). `md5` is the service's
// digest when the API last took its definition: a different current digest means out of date.
struct ServiceInfo {
  std::string key;
  std::string name;
  std::string version;
  std::string md5;
};

inline constexpr std::string_view kApiTypeProduct = "APIPRODUCT";

// One API's share of an API product: the operations the product takes from it (named by target
// and verb). Saving the product fills in the rest from the API: the operations' settings, the
// API's endpoints and apiPolicies, so a revision of the product holds what the gateway needs to
// send each operation to its own API's backend.
struct ProductApi {
  std::string api_id;
  std::string name;
  std::string version;
  std::vector<Operation> operations;
  EndpointConfig endpoint_config;  // the API's, when the product was saved
  PolicyFlows api_policies;        // the API's apiPolicies: run before each operation's own
};

// The product's businessInformation: who owns the API on the business and the technical side.
struct BusinessInformation {
  std::string business_owner;
  std::string business_owner_email;
  std::string technical_owner;
  std::string technical_owner_email;
};

// A custom property of an API (the product's additionalProperties); `display` shows it in the
// Developer Portal.
struct AdditionalProperty {
  std::string name;
  std::string value;
  bool display = false;
};

struct Api {
  std::string id;
  std::string name;
  std::string description;
  std::string context;  // leading slash, no trailing slash
  std::string version;
  std::string provider;
  std::string lifecycle_status = std::string(kLifecycleCreated);
  bool is_default_version = false;
  std::string type = "HTTP";
  std::vector<std::string> transport{"http", "https"};
  std::vector<std::string> tags;
  std::vector<std::string> policies;
  std::string api_throttling_policy;  // an advanced tier for the whole API ("" or Unlimited: none)
  // Backend rate limit (the product's maxTps): requests per second toward the production and
  // sandbox endpoints across all callers; 0 = none.
  std::int64_t max_tps_production = 0;
  std::int64_t max_tps_sandbox = 0;
  std::vector<std::string> security_scheme{"oauth2"};
  // Who sees the API in the Developer Portal: PUBLIC (anyone, signed in or not), PRIVATE (signed-in
  // users) or RESTRICTED (signed-in users holding one of visible_roles).
  std::string visibility = "PUBLIC";
  std::vector<std::string> visible_roles;  // visibleRoles: RESTRICTED only
  // Publisher access control: NONE (every Publisher user) or RESTRICTED (admins and the Publisher
  // users holding one of access_control_roles, lower case, may see and change the API).
  std::string access_control = "NONE";
  std::vector<std::string> access_control_roles;  // accessControlRoles: RESTRICTED only
  // audiences: when not empty, the gateway accepts an OAuth2 access token only if its aud claim
  // holds one of them.
  std::vector<std::string> audiences;
  EndpointConfig endpoint_config;
  std::vector<Operation> operations;
  std::vector<ApiScope> scopes;
  bool enable_backend_jwt = false;  // gateway sends the caller's claims as a signed X-JWT-Assertion
  PolicyFlows api_policies;         // apiPolicies: request, response and fault flows of every operation
  CorsConfiguration cors;           // corsConfiguration
  bool response_caching = false;    // responseCachingEnabled: GET/HEAD 200s served from the gateway's cache
  std::int64_t cache_timeout_s = 300;            // cacheTimeout
  std::vector<std::string> cache_key_headers;    // cacheKeyHeaders: request headers in the key (Archway)
  // enableSchemaValidation: the gateway checks requests (parameters, JSON body) against the API's
  // OpenAPI definition and answers 400 where they fail.
  bool enable_schema_validation = false;
  // enableResponseSchemaValidation (Archway): with schema validation on, JSON responses are checked
  // too and a failing one is answered with 500.
  bool enable_response_validation = false;
  ServiceInfo service_info;         // serviceInfo: set by import-service, read-only to clients
  // The OpenAPI / Swagger definition (JSON text) the API was imported from or last given through
  // PUT /swagger; empty for an API designed by hand. Not part of the REST shape: GET /swagger
  // answers it, rewritten to the API's current state (openapi/openapi.h).
  std::string openapi_definition;
  // Name of the header that carries the caller's credential (empty: Authorization).
  std::string authorization_header;
  // An API product (type APIPRODUCT): the APIs whose operations it bundles under its own context,
  // tiers and lifecycle; `operations` stays empty.
  std::vector<ProductApi> product_apis;
  std::vector<std::string> categories;  // names of Admin API categories
  std::vector<AdditionalProperty> additional_properties;
  BusinessInformation business_information;
  bool has_thumbnail = false;  // kept by the store: true once a thumbnail is uploaded
  std::int64_t created_time = 0;    // epoch millis
  std::int64_t last_updated_time = 0;

  bool is_product() const { return type == kApiTypeProduct; }
};

struct Revision {
  std::string id;
  std::string api_id;
  int number = 0;  // "Revision N"
  std::string description;
  std::int64_t created_time = 0;
  Api api;  // the API as it was when the revision was made
};

struct Deployment {
  std::string api_id;
  std::string revision_id;
  std::string name = "Default";  // gateway environment
  std::string vhost = "localhost";
  bool display_on_devportal = true;
  std::int64_t deployed_time = 0;
};

// An API revision that a gateway serves.
struct DeployedApi {
  std::string api_id;
  std::string revision_id;
  Api api;
  std::uint64_t deployment = 0;  // the change-feed revision of the deployment: each redeploy differs
};

inline constexpr std::string_view kHttpVerbs[] = {"GET",  "POST", "PUT",    "DELETE",
                                                  "PATCH", "HEAD", "OPTIONS"};
bool is_http_verb(std::string_view verb);

}  // namespace archway::domain
