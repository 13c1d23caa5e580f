#include "publisher/openapi_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "common/problem.h"
#include "domain/api_json.h"
#include "domain/url.h"
#include "http/client.h"
#include "http/h1/writer.h"
#include "http/tls_context.h"

namespace archway::publisher {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;

std::string OpenApiService::fetch(const std::string& url) const {
  if (!url.starts_with("http://") && !url.starts_with("https://"))
    throw ProblemError(Problem::bad_request(fmt::format("'url' must be an http or https URL, got '{}'", url)));
  auto tls = settings_.client_tls ? settings_.client_tls : http::make_client_tls();
  const http::FetchResult r = http::fetch(url, *tls, settings_.fetch_timeout, settings_.max_definition_bytes);
  if (r.status == 0) {
    std::string why = r.error;  // without Boost's source location suffix
    if (auto at = why.find(" [system:"); at != std::string::npos) why.resize(at);
    throw ProblemError(Problem::bad_request(fmt::format("Could not fetch the definition from '{}': {}", url, why)));
  }
  if (r.status != 200)
    throw ProblemError(Problem::bad_request(
        fmt::format("Could not fetch the definition from '{}': it answered HTTP {}", url, r.status)));
  return r.body;
}

OpenApiService::EndpointProbe OpenApiService::probe_endpoint(const std::string& url) const {
  std::string why;
  if (!domain::parse_backend_url(url, &why))
    throw ProblemError(Problem::bad_request(fmt::format("'endpointUrl' {}: '{}'", why, url)));
  auto tls = settings_.client_tls ? settings_.client_tls : http::make_client_tls();
  const http::FetchResult r = http::fetch(url, *tls, settings_.fetch_timeout, settings_.max_definition_bytes);
  EndpointProbe p;
  p.status = r.status;
  if (r.status == 0) {
    p.error = r.error;  // without Boost's source location suffix
    if (auto at = p.error.find(" [system:"); at != std::string::npos) p.error.resize(at);
    p.message = "Could not reach the endpoint";
  } else {
    p.message = std::string(http::h1::reason_phrase(r.status));
  }
  return p;
}

openapi::LoadResult OpenApiService::validate(std::string_view text) const {
  if (text.size() > settings_.max_definition_bytes) {
    openapi::LoadResult r;
    r.errors.push_back({"", fmt::format("the definition is larger than {} bytes", settings_.max_definition_bytes)});
    return r;
  }
  return openapi::load(text);
}

openapi::Extracted OpenApiService::checked(std::string_view text) const {
  openapi::LoadResult r = validate(text);
  if (!r.ok()) throw ProblemError(Problem::bad_request(openapi::describe(r.errors)));
  openapi::Extracted x = openapi::extract(*r.document);
  if (!x.errors.empty()) throw ProblemError(Problem::bad_request(openapi::describe(x.errors)));
  return x;
}

domain::Api OpenApiService::import_definition(std::string_view text, const json::object& additional,
                                              const domain::User& caller, const domain::ServiceInfo& service) {
  openapi::Extracted x = checked(text);
  // additionalProperties override the definition field by field; operations stay the definition's,
  // scopes merge by name (so additionalProperties can bind roles).
  json::object merged = domain::api_to_json(x.api);
  for (const auto& kv : additional) {
    if (kv.key() == "operations" || kv.key() == "id") continue;
    if (kv.key() == "scopes" && kv.value().is_array()) {
      json::array& scopes = merged["scopes"].as_array();
      for (const auto& s : kv.value().get_array()) {
        const json::value* inner = s.is_object() ? s.get_object().if_contains("scope") : nullptr;
        const json::value* name = inner && inner->is_object() ? inner->get_object().if_contains("name") : nullptr;
        auto same = std::find_if(scopes.begin(), scopes.end(), [&](const json::value& have) {
          return name && have.at("scope").at("name") == *name;
        });
        if (same != scopes.end()) *same = s;
        else scopes.push_back(s);
      }
      continue;
    }
    merged[kv.key()] = kv.value();
  }
  // No endpoint from the definition's extensions nor from additionalProperties: the definition's
  // first absolute server URL becomes the production endpoint (relative or templated ones cannot).
  const json::value* given = merged.if_contains("endpointConfig");
  const bool has_endpoint = given && given->is_object() && !given->get_object().empty();
  if (!has_endpoint)
    for (const std::string& url : x.endpoints)
      if (url.find('{') == std::string::npos && domain::parse_backend_url(url)) {
        merged["endpointConfig"] =
            json::object{{"endpoint_type", "http"}, {"production_endpoints", json::object{{"url", url}}}};
        break;
      }
  domain::Api api = domain::api_from_json(merged);
  api.openapi_definition = std::move(x.api.openapi_definition);
  api.service_info = service;  // never taken from additionalProperties
  return apis_.create(std::move(api), caller);
}

json::object OpenApiService::export_definition(const std::string& api_id) {
  return export_definition(apis_.get(api_id));
}

json::object OpenApiService::export_product_definition(const std::string& product_id) {
  if (!products_) throw ProblemError(Problem::not_found(fmt::format("API Product '{}' not found", product_id)));
  return export_definition(products_->get(product_id));
}

namespace {

// A product as the exporter takes it: the bundled APIs' operations as its own, each tagged with
// the name of the API it comes from.
domain::Api flattened_product(const domain::Api& product) {
  domain::Api flat = product;
  flat.operations.clear();
  json::object paths;
  json::array tags;
  for (const auto& pa : product.product_apis) {
    tags.push_back(json::object{{"name", pa.name}, {"description", fmt::format("API {} {}", pa.name, pa.version)}});
    for (const auto& op : pa.operations) {
      std::string method = op.verb;
      std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::tolower(c); });
      json::value& item = paths[op.target];
      if (!item.is_object()) item = json::object();
      item.as_object()[method] = json::object{{"tags", json::array{json::string(pa.name)}}};
      flat.operations.push_back(op);
    }
  }
  flat.openapi_definition = json::serialize(json::object{
      {"openapi", "3.0.1"}, {"info", json::object()}, {"tags", std::move(tags)}, {"paths", std::move(paths)}});
  return flat;
}

}  // namespace

json::object OpenApiService::export_definition(const domain::Api& given) {
  const bool product = given.is_product();
  if (product && !products_)
    throw ProblemError(Problem::not_found(fmt::format("API Product '{}' not found", given.id)));
  const domain::Api flat = product ? flattened_product(given) : domain::Api();
  const domain::Api& api = product ? flat : given;
  ApiService& owner = product ? *products_ : apis_;
  openapi::ExportOptions opt;
  opt.token_url = settings_.token_url;
  std::vector<std::string> hosts;
  if (!api.id.empty())
    for (const auto& d : owner.deployments(api.id))
      if (std::find(hosts.begin(), hosts.end(), d.vhost) == hosts.end()) hosts.push_back(d.vhost);
  if (hosts.empty()) hosts.emplace_back("localhost");
  if (settings_.gateway_listeners)
    for (const auto& [scheme, port] : settings_.gateway_listeners()) {
      if (port <= 0) continue;
      if (std::find(api.transport.begin(), api.transport.end(), scheme) == api.transport.end()) continue;
      for (const auto& h : hosts) opt.gateway_urls.push_back(fmt::format("{}://{}:{}", scheme, h, port));
    }
  return openapi::export_definition(api, opt);
}

domain::Api OpenApiService::with_definition(domain::Api api, std::string_view text) const {
  openapi::Extracted x = checked(text);
  for (auto& op : api.operations)
    std::transform(op.verb.begin(), op.verb.end(), op.verb.begin(), [](unsigned char c) { return std::toupper(c); });
  for (std::size_t i = 0; i < api.operations.size(); ++i) {
    const domain::Operation& given = api.operations[i];
    if (std::none_of(x.api.operations.begin(), x.api.operations.end(), [&](const domain::Operation& d) {
          return d.verb == given.verb && d.target == given.target;
        }))
      throw ProblemError(Problem::bad_request(fmt::format(
          "'operations[{}]' {} {} is not in the definition", i, given.verb, given.target)));
  }
  for (auto& op : x.api.operations)  // api's own operations keep their order; the definition's others follow
    if (std::none_of(api.operations.begin(), api.operations.end(), [&](const domain::Operation& g) {
          return g.verb == op.verb && g.target == op.target;
        }))
      api.operations.push_back(std::move(op));
  for (auto& s : x.api.scopes)
    if (std::none_of(api.scopes.begin(), api.scopes.end(), [&](const domain::ApiScope& c) { return c.name == s.name; }))
      api.scopes.push_back(std::move(s));
  api.openapi_definition = std::move(x.api.openapi_definition);
  return api;
}

json::object OpenApiService::replace_definition(const std::string& api_id, std::string_view text,
                                                const domain::ServiceInfo* service) {
  domain::Api current = apis_.get(api_id);
  openapi::Extracted x = checked(text);
  domain::Api changes = current;
  changes.operations.clear();
  for (auto& op : x.api.operations) {
    auto same = std::find_if(current.operations.begin(), current.operations.end(), [&](const domain::Operation& c) {
      return c.verb == op.verb && c.target == op.target;
    });
    if (same != current.operations.end()) {
      op.id = same->id;
      op.policies = same->policies;
    }
    changes.operations.push_back(std::move(op));
  }
  std::vector<domain::ApiScope> scopes = x.api.scopes;
  for (auto& s : scopes) {
    auto have = std::find_if(current.scopes.begin(), current.scopes.end(),
                             [&](const domain::ApiScope& c) { return c.name == s.name; });
    if (have != current.scopes.end() && s.bindings.empty()) s.bindings = have->bindings;
  }
  for (const auto& c : current.scopes)
    if (std::none_of(scopes.begin(), scopes.end(), [&](const domain::ApiScope& s) { return s.name == c.name; }))
      scopes.push_back(c);
  changes.scopes = std::move(scopes);
  if (x.api.endpoint_config.production || x.api.endpoint_config.sandbox)
    changes.endpoint_config = x.api.endpoint_config;
  changes.openapi_definition = std::move(x.api.openapi_definition);
  if (service) changes.service_info = *service;
  return export_definition(apis_.update(api_id, std::move(changes), true));
}

}  // namespace archway::publisher
