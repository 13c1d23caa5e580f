#pragma once
// The Publisher's OpenAPI operations: import a definition as a new API, validate one, export an
// API's definition (what GET /apis/{apiId}/swagger answers) and replace it (PUT), fetching by URL
// when asked. Other features (the project archive export/import) build on `export_definition`
// and `import_definition`. Throws common::ProblemError with the status the REST API answers.
#include <boost/asio/ssl/context.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "domain/api.h"
#include "domain/user.h"
#include "openapi/openapi.h"
#include "publisher/api_service.h"

namespace archway::publisher {

struct OpenApiSettings {
  // The gateway's listeners as (scheme, port), e.g. {"http", 8280}, {"https", 8243}; asked at
  // export time (ports are known once the gateway listens).
  std::function<std::vector<std::pair<std::string, int>>()> gateway_listeners;
  std::string token_url = "https://localhost:9443/oauth2/token";
  std::shared_ptr<boost::asio::ssl::context> client_tls;  // for definitions fetched by URL
  std::chrono::milliseconds fetch_timeout{10000};
  std::size_t max_definition_bytes = 10 * 1024 * 1024;
};

class OpenApiService {
 public:
  // `products` (ApiKind::kProduct) exports API products; without it only APIs are exported.
  OpenApiService(ApiService& apis, OpenApiSettings settings, ApiService* products = nullptr)
      : apis_(apis), products_(products), settings_(std::move(settings)) {}

  // GETs a definition by URL (http or https, bounded in size and time); 400 when the URL is not
  // http(s), unreachable, slow, too large or answers other than 200.
  std::string fetch(const std::string& url) const;

  // Calls an endpoint once (GET, bounded like fetch) to tell whether it answers: its status and
  // reason, or why it could not be reached (status 0). 400 when `url` is not an http(s) URL.
  struct EndpointProbe {
    int status = 0;
    std::string message;
    std::string error;
  };
  EndpointProbe probe_endpoint(const std::string& url) const;

  // Parses and validates; the result lists every problem with its location.
  openapi::LoadResult validate(std::string_view text) const;

  // Creates an API from a definition. `additional` (the product's additionalProperties: name,
  // version, context, endpointConfig, policies, ...) overrides what the definition says; the
  // operations come from the definition. 400 listing every problem (with locations) when the
  // definition is invalid; nothing is stored then.
  // `service` links the API to the Service Catalog entry it comes from (import-service).
  domain::Api import_definition(std::string_view text, const boost::json::object& additional,
                                const domain::User& caller, const domain::ServiceInfo& service = {});

  // The API's definition, reflecting its current state, with the gateway URLs of its deployments.
  boost::json::object export_definition(const std::string& api_id);
  // An API product's: each bundled operation under its own path (tagged with its API's name),
  // with the product's context, security, tiers and gateway URLs.
  boost::json::object export_definition(const domain::Api& api);
  // What GET /api-products/{apiProductId}/swagger answers; 404 for an unknown product.
  boost::json::object export_product_definition(const std::string& product_id);

  // `api` with `text` as its definition (for an API about to be stored, e.g. from a project
  // archive): the operations become the definition's, each keeping what api.operations says of
  // the same verb and target (id, auth type, tier, scopes, policies, caching); scopes the
  // definition defines that api.scopes lacks are added. 400 listing the definition's problems,
  // or naming an operation of `api` the definition does not have.
  domain::Api with_definition(domain::Api api, std::string_view text) const;

  // Replaces the API's definition and its operations with the definition's (operation policies of
  // operations that stay are kept; scopes merged, keeping role bindings). Returns the export.
  // With `service`, the API records that service digest (reimport-service).
  boost::json::object replace_definition(const std::string& api_id, std::string_view text,
                                         const domain::ServiceInfo* service = nullptr);

 private:
  // Loads and extracts; throws 400 listing every problem.
  openapi::Extracted checked(std::string_view text) const;

  ApiService& apis_;
  ApiService* products_;
  OpenApiSettings settings_;
};


}  // namespace archway::publisher
