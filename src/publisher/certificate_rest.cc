#include "publisher/certificate_rest.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <cstdint>

#include "common/json.h"
#include "common/problem.h"
#include "crypto/x509_certificate.h"
#include "domain/url.h"
#include "http/file_response.h"
#include "http/multipart.h"
#include "identity/roles.h"
#include "publisher/publisher_rest.h"

namespace archway::publisher {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

[[noreturn]] void bad(std::string d) { throw ProblemError(Problem::bad_request(std::move(d))); }
[[noreturn]] void not_found(std::string d) { throw ProblemError(Problem::not_found(std::move(d))); }

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

RestResponse ok(const json::value& v) { return RestResponse::json(200, json::serialize(v)); }

// The uploaded certificate, parsed: one PEM certificate, not expired.
crypto::CertificateFacts certificate_of(const http::FormPart* part) {
  if (!part || part->body.empty())
    bad("'certificate' is required: send the PEM certificate in a multipart part");
  std::string error;
  auto facts = crypto::read_pem_certificate(part->body, error);
  if (!facts) bad("Invalid certificate: " + error);
  if (facts->not_after_s < now_s())
    bad(fmt::format("The certificate expired on {}", crypto::iso8601_utc(facts->not_after_s)));
  return std::move(*facts);
}

std::string field(const std::vector<http::FormPart>& parts, std::string_view name) {
  const http::FormPart* p = http::find_part(parts, name);
  return p ? std::string(p->body) : std::string();
}

void check_alias(const std::string& alias) {
  if (alias.empty()) bad("'alias' is required");
  if (alias.size() > 255) bad("'alias' must be at most 255 characters");
}

// The product's CertificateInfo: status, validity, version, subject.
json::object info_json(const std::string& pem) {
  std::string error;
  auto facts = crypto::read_pem_certificate(pem, error);
  if (!facts)
    throw ProblemError(
        Problem{500, 500, "Internal Server Error", "The stored certificate is unreadable"});
  const std::int64_t now = now_s();
  return json::object{{"status", now > facts->not_after_s    ? "Expired"
                                 : now < facts->not_before_s ? "Not yet valid"
                                                             : "Active"},
                      {"validity", json::object{{"from", crypto::iso8601_utc(facts->not_before_s)},
                                                {"to", crypto::iso8601_utc(facts->not_after_s)}}},
                      {"version", std::to_string(facts->version)},
                      {"subject", facts->subject}};
}

RestResponse pem_file(const std::string& pem, const std::string& alias) {
  return http::file_response(pem, "application/octet-stream", alias + ".crt");
}

// A page of `items` (already filtered) in the product's list shape under `key`.
json::object page_json(std::string_view key, json::array items, const RestRequest& req,
                       std::string_view collection) {
  const std::int64_t limit = http::query_int(req, "limit", 25, 1, 1000);
  const std::int64_t offset = http::query_int(req, "offset", 0, 0, INT64_MAX);
  const auto total = static_cast<std::int64_t>(items.size());
  json::array page;
  for (std::int64_t i = offset; i < total && i < offset + limit; ++i)
    page.push_back(std::move(items[static_cast<std::size_t>(i)]));
  json::object o;
  o["count"] = page.size();
  o[key] = std::move(page);
  o["pagination"] = common::pagination_json(collection, limit, offset, total);
  return o;
}

// Endpoints are the same backend when scheme, host and port are.
bool same_origin(std::string_view a, std::string_view b) {
  auto x = domain::parse_backend_url(a);
  auto y = domain::parse_backend_url(b);
  if (!x || !y) return false;
  std::string hx = x->host, hy = y->host;
  std::transform(hx.begin(), hx.end(), hx.begin(), [](unsigned char c) { return std::tolower(c); });
  std::transform(hy.begin(), hy.end(), hy.begin(), [](unsigned char c) { return std::tolower(c); });
  return x->tls == y->tls && x->port == y->port && hx == hy;
}

bool api_uses(const domain::Api& api, std::string_view endpoint) {
  const domain::EndpointConfig& ec = api.endpoint_config;
  auto uses = [&](const std::optional<domain::Endpoint>& e) {
    return e && same_origin(e->url, endpoint);
  };
  auto any = [&](const std::vector<domain::Endpoint>& list) {
    return std::any_of(list.begin(), list.end(),
                       [&](const domain::Endpoint& e) { return same_origin(e.url, endpoint); });
  };
  return uses(ec.production) || uses(ec.sandbox) || any(ec.production_group) ||
         any(ec.sandbox_group);
}

std::string key_type_of(const std::string& path_value) {
  std::string k = path_value;
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::toupper(c); });
  if (k != domain::kKeyTypeProduction && k != domain::kKeyTypeSandbox)
    bad(fmt::format("Invalid keyType '{}': PRODUCTION or SANDBOX", path_value));
  return k;
}

json::object client_meta_json(const domain::ClientCertificate& c) {
  return json::object{{"alias", c.alias}, {"apiId", c.api_id}, {"tier", c.tier}};
}

}  // namespace

void add_certificate_routes(http::RestRouter& r, store::Store& store, ApiService& apis,
                            identity::Authenticator& auth) {
  auto reader = [&auth](const RestRequest& req) {
    auth.authorize(req, {domain::kRoleCreator, domain::kRolePublisher}, identity::kScopeApiView);
  };
  auto writer = [&auth](const RestRequest& req) {
    auth.authorize(req, {domain::kRoleCreator}, identity::kScopeApiCreate);
  };

  // Endpoint certificates.
  const std::string base = publisher_path("/endpoint-certificates");
  r.add("GET", base, [&store, reader, base](RestRequest& req) {
    reader(req);
    const std::string* alias = req.query_param("alias");
    const std::string* endpoint = req.query_param("endpoint");
    json::array items;
    for (const auto& c : store.list_endpoint_certificates()) {
      if (alias && !alias->empty() && c.alias != *alias) continue;
      if (endpoint && !endpoint->empty() && c.endpoint != *endpoint &&
          !same_origin(c.endpoint, *endpoint))
        continue;
      items.push_back(json::object{{"alias", c.alias}, {"endpoint", c.endpoint}});
    }
    return ok(page_json("certificates", std::move(items), req, base));
  });

  r.add("POST", base, [&store, writer, base](RestRequest& req) {
    writer(req);
    const auto parts = http::form_parts(req);
    domain::EndpointCertificate c;
    c.alias = field(parts, "alias");
    c.endpoint = field(parts, "endpoint");
    check_alias(c.alias);
    std::string error;
    if (c.endpoint.empty())
      bad("'endpoint' is required: the backend URL the certificate is trusted for");
    if (!domain::parse_backend_url(c.endpoint, &error))
      bad(fmt::format("'endpoint' is not an http(s) URL: {}", error));
    c.pem = certificate_of(http::find_part(parts, "certificate")).pem;
    c.created_time = now_s() * 1000;
    store.add_endpoint_certificate(c);
    RestResponse res = ok(json::object{{"alias", c.alias}, {"endpoint", c.endpoint}});
    res.headers.emplace_back("Location", base + "/" + c.alias);
    return res;
  });

  auto endpoint_cert = [&store](const RestRequest& req) {
    const std::string& alias = req.path_params.at("alias");
    auto c = store.get_endpoint_certificate(alias);
    if (!c) not_found(fmt::format("Certificate with alias '{}' not found", alias));
    return *c;
  };

  r.add("GET", base + "/{alias}", [reader, endpoint_cert](RestRequest& req) {
    reader(req);
    return ok(info_json(endpoint_cert(req).pem));
  });

  r.add("GET", base + "/{alias}/content", [reader, endpoint_cert](RestRequest& req) {
    reader(req);
    const auto c = endpoint_cert(req);
    return pem_file(c.pem, c.alias);
  });

  r.add("PUT", base + "/{alias}", [&store, writer, endpoint_cert](RestRequest& req) {
    writer(req);
    auto c = endpoint_cert(req);
    const auto parts = http::form_parts(req);
    c.pem = certificate_of(http::find_part(parts, "certificate")).pem;
    if (!store.update_endpoint_certificate(c.alias, c.pem))
      not_found(fmt::format("Certificate with alias '{}' not found", c.alias));
    return ok(json::object{{"alias", c.alias}, {"endpoint", c.endpoint}});
  });

  r.add("DELETE", base + "/{alias}", [&store, writer](RestRequest& req) {
    writer(req);
    const std::string& alias = req.path_params.at("alias");
    if (!store.delete_endpoint_certificate(alias))
      not_found(fmt::format("Certificate with alias '{}' not found", alias));
    return RestResponse::empty(200);
  });

  r.add("GET", base + "/{alias}/usage", [&store, reader, endpoint_cert, base](RestRequest& req) {
    reader(req);
    const auto c = endpoint_cert(req);
    json::array items;
    store::ApiQuery q;
    q.kind = "API";
    q.limit = 500;
    for (q.offset = 0;; q.offset += q.limit) {
      const store::ApiPage page = store.list_apis(q);
      for (const auto& api : page.list)
        if (api_uses(api, c.endpoint))
          items.push_back(json::object{{"id", api.id},
                                       {"name", api.name},
                                       {"context", api.context},
                                       {"version", api.version},
                                       {"provider", api.provider}});
      if (page.list.size() < static_cast<std::size_t>(q.limit)) break;
    }
    return ok(page_json("list", std::move(items), req, base + "/" + c.alias + "/usage"));
  });

  // Client certificates of an API, per key type; the older routes are PRODUCTION's.
  struct ClientRoutes {
    std::string path;  // after /apis/{apiId}
    bool with_key_type;
  };
  for (const ClientRoutes& cr : {ClientRoutes{"/client-certs/{keyType}", true},
                                 ClientRoutes{"/client-certificates", false}}) {
    const std::string collection = "/apis/{apiId}" + cr.path;
    const bool with_key_type = cr.with_key_type;
    auto key_type = [with_key_type](const RestRequest& req) {
      return with_key_type ? key_type_of(req.path_params.at("keyType"))
                           : std::string(domain::kKeyTypeProduction);
    };
    auto client_cert = [&store, &apis, key_type](const RestRequest& req) {
      const std::string& api_id = req.path_params.at("apiId");
      apis.get(api_id);  // 404 for an unknown API
      const std::string& alias = req.path_params.at("alias");
      auto c = store.get_client_certificate(api_id, key_type(req), alias);
      if (!c)
        not_found(fmt::format("Client certificate with alias '{}' not found for API '{}'", alias,
                              api_id));
      return *c;
    };

    r.add("GET", publisher_path(collection),
          [&store, &apis, reader, key_type, collection](RestRequest& req) {
            reader(req);
            const std::string& api_id = req.path_params.at("apiId");
            apis.get(api_id);
            const std::string* alias = req.query_param("alias");
            json::array items;
            for (const auto& c : store.list_client_certificates(api_id, key_type(req)))
              if (!alias || alias->empty() || c.alias == *alias)
                items.push_back(client_meta_json(c));
            std::string path = collection;
            path.replace(path.find("{apiId}"), 7, api_id);
            if (const auto k = path.find("{keyType}"); k != std::string::npos)
              path.replace(k, 9, key_type(req));
            return ok(page_json("certificates", std::move(items), req, publisher_path(path)));
          });

    r.add("POST", publisher_path(collection), [&store, &apis, writer, key_type](RestRequest& req) {
      writer(req);
      const std::string& api_id = req.path_params.at("apiId");
      apis.get(api_id);
      const auto parts = http::form_parts(req);
      domain::ClientCertificate c;
      c.api_id = api_id;
      c.key_type = key_type(req);
      c.alias = field(parts, "alias");
      c.tier = field(parts, "tier");
      check_alias(c.alias);
      if (c.tier.empty())
        bad("'tier' is required: the subscription policy the certificate's callers are throttled "
            "by");
      if (!store.find_policy(domain::kPolicyLevelSubscription, c.tier))
        bad(fmt::format("'tier': no subscription policy named '{}'", c.tier));
      const auto facts = certificate_of(http::find_part(parts, "certificate"));
      c.pem = facts.pem;
      // The same certificate twice for one API would make its key type and tier ambiguous.
      for (const auto& other : store.list_client_certificates(api_id, "")) {
        std::string ignored;
        const auto known = crypto::read_pem_certificate(other.pem, ignored);
        if (known && known->fingerprint == facts.fingerprint)
          throw ProblemError(Problem::conflict(
              fmt::format("This certificate is already uploaded for the API as '{}' ({})",
                          other.alias, other.key_type)));
      }
      c.created_time = now_s() * 1000;
      store.add_client_certificate(c);
      RestResponse res = ok(client_meta_json(c));
      res.headers.emplace_back("Location", req.path + "/" + c.alias);
      return res;
    });

    r.add("GET", publisher_path(collection + "/{alias}"), [reader, client_cert](RestRequest& req) {
      reader(req);
      return ok(info_json(client_cert(req).pem));
    });

    r.add("GET", publisher_path(collection + "/{alias}/content"),
          [reader, client_cert](RestRequest& req) {
            reader(req);
            const auto c = client_cert(req);
            return pem_file(c.pem, c.alias);
          });

    r.add("PUT", publisher_path(collection + "/{alias}"),
          [&store, writer, client_cert](RestRequest& req) {
            writer(req);
            auto c = client_cert(req);
            const auto parts = http::form_parts(req);
            const std::string tier = field(parts, "tier");
            if (!tier.empty() && !store.find_policy(domain::kPolicyLevelSubscription, tier))
              bad(fmt::format("'tier': no subscription policy named '{}'", tier));
            const http::FormPart* cert = http::find_part(parts, "certificate");
            if (!cert && tier.empty()) bad("Send a new 'certificate', a new 'tier', or both");
            domain::ClientCertificate change = c;
            change.tier = tier;
            change.pem = cert ? certificate_of(cert).pem : std::string();
            if (!store.update_client_certificate(change))
              not_found(fmt::format("Client certificate with alias '{}' not found", c.alias));
            if (!tier.empty()) c.tier = tier;
            return ok(client_meta_json(c));
          });

    r.add("DELETE", publisher_path(collection + "/{alias}"),
          [&store, writer, client_cert](RestRequest& req) {
            writer(req);
            const auto c = client_cert(req);
            if (!store.delete_client_certificate(c.api_id, c.key_type, c.alias))
              not_found(fmt::format("Client certificate with alias '{}' not found", c.alias));
            return RestResponse::empty(200);
          });
  }
}

}  // namespace archway::publisher
