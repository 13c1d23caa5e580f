#include "keymanager/oauth_rest.h"

#include <boost/json.hpp>

#include "crypto/password_hash.h"

namespace archway::keymanager {

namespace json = boost::json;
using http::RestRequest;
using http::RestResponse;

namespace {

RestResponse oauth_error(const OAuthError& e, bool basic_used) {
  RestResponse r = RestResponse::json(
      e.status, json::serialize(json::object{{"error", e.error}, {"error_description", e.description}}));
  r.headers.emplace_back("Cache-Control", "no-store");
  if (e.status == 401) r.headers.emplace_back("WWW-Authenticate", basic_used ? "Basic realm=\"archway\"" : "Bearer");
  return r;
}

// Form bodies only (RFC 6749 §3.2); a JSON body is a client mistake worth naming.
std::optional<std::map<std::string, std::string>> form_of(const RestRequest& req) {
  const std::string_view ct = req.header("content-type");
  if (!ct.empty() && ct.find("application/x-www-form-urlencoded") == std::string_view::npos) return std::nullopt;
  return http::parse_query(req.body);
}

std::string base_url(const std::string& issuer) {
  const std::string suffix = "/oauth2/token";
  return issuer.ends_with(suffix) ? issuer.substr(0, issuer.size() - suffix.size()) : issuer;
}

// The calling client, from Basic credentials or client_id/client_secret form fields.
std::optional<domain::KeyMapping> calling_client(KeyManager& km, const RestRequest& req,
                                                 const std::map<std::string, std::string>& form) {
  if (auto basic = http::parse_basic_auth(req.header("authorization")))
    return km.authenticate_client(basic->first, basic->second);
  auto id = form.find("client_id");
  auto secret = form.find("client_secret");
  if (id == form.end() || secret == form.end()) return std::nullopt;
  return km.authenticate_client(id->second, secret->second);
}

}  // namespace

void add_oauth_routes(http::RestRouter& r, KeyManager& km, store::Store& store) {
  r.add("POST", "/oauth2/token", [&km](RestRequest& req) {
    auto form = form_of(req);
    const bool basic_sent = !req.header("authorization").empty();
    if (!form)
      return oauth_error({400, "invalid_request", "the body must be application/x-www-form-urlencoded"}, basic_sent);
    KeyManager::TokenRequest tr;
    tr.form = std::move(*form);
    if (basic_sent) {
      tr.basic = http::parse_basic_auth(req.header("authorization"));
      if (!tr.basic) return oauth_error({401, "invalid_client", "malformed Basic client credentials"}, true);
    }
    const auto result = km.token(tr);
    if (result.error) return oauth_error(*result.error, basic_sent);
    const IssuedToken& t = *result.token;
    json::object body{{"access_token", t.access_token},
                      {"token_type", "Bearer"},
                      {"expires_in", t.expires_in},
                      {"scope", t.scope}};
    if (!t.refresh_token.empty()) body["refresh_token"] = t.refresh_token;
    RestResponse res = RestResponse::json(200, json::serialize(body));
    res.headers.emplace_back("Cache-Control", "no-store");
    res.headers.emplace_back("Pragma", "no-cache");
    return res;
  });

  r.add("POST", "/oauth2/revoke", [&km](RestRequest& req) {
    auto form = form_of(req);
    const bool basic_sent = !req.header("authorization").empty();
    if (!form)
      return oauth_error({400, "invalid_request", "the body must be application/x-www-form-urlencoded"}, basic_sent);
    auto client = calling_client(km, req, *form);
    if (!client) return oauth_error({401, "invalid_client", "Client authentication failed"}, basic_sent);
    auto token = form->find("token");
    if (token == form->end() || token->second.empty())
      return oauth_error({400, "invalid_request", "token is required"}, basic_sent);
    km.revoke(*client, token->second);
    return RestResponse::empty(200);
  });

  r.add("POST", "/oauth2/introspect", [&km, &store](RestRequest& req) {
    auto form = form_of(req);
    const bool basic_sent = !req.header("authorization").empty();
    if (!form)
      return oauth_error({400, "invalid_request", "the body must be application/x-www-form-urlencoded"}, basic_sent);
    bool allowed = calling_client(km, req, *form).has_value();
    if (!allowed) {  // or an admin user
      if (auto basic = http::parse_basic_auth(req.header("authorization"))) {
        auto user = store.find_user(basic->first);
        allowed = user && user->has_role(domain::kRoleAdmin) &&
                  crypto::verify_password(user->password_hash, basic->second);
      }
    }
    if (!allowed) return oauth_error({401, "invalid_client", "Authentication required to introspect"}, true);
    auto token = form->find("token");
    if (token == form->end() || token->second.empty())
      return oauth_error({400, "invalid_request", "token is required"}, basic_sent);
    return RestResponse::json(200, json::serialize(km.introspect(token->second)));
  });

  r.add("GET", "/oauth2/jwks", [&km](RestRequest&) {
    RestResponse res = RestResponse::json(200, json::serialize(km.jwks()));
    res.content_type = "application/jwk-set+json";
    return res;
  });

  auto discovery = [&km](RestRequest&) {
    const std::string base = base_url(km.options().issuer);
    json::object o{{"issuer", km.options().issuer},
                   {"token_endpoint", base + "/oauth2/token"},
                   {"jwks_uri", base + "/oauth2/jwks"},
                   {"revocation_endpoint", base + "/oauth2/revoke"},
                   {"introspection_endpoint", base + "/oauth2/introspect"},
                   {"grant_types_supported", json::array{"client_credentials", "password", "refresh_token"}},
                   {"token_endpoint_auth_methods_supported", json::array{"client_secret_basic", "client_secret_post"}},
                   {"response_types_supported", json::array{}},
                   {"subject_types_supported", json::array{"public"}},
                   {"id_token_signing_alg_values_supported", json::array{"RS256", "ES256"}},
                   {"scopes_supported", json::array{"default"}}};
    return RestResponse::json(200, json::serialize(o));
  };
  r.add("GET", "/.well-known/openid-configuration", discovery);
  r.add("GET", "/oauth2/token/.well-known/openid-configuration", discovery);
}

}  // namespace archway::keymanager
