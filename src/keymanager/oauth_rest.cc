#include "keymanager/oauth_rest.h"

#include <boost/json.hpp>

#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/problem.h"
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

void add_oauth_routes(http::RestRouter& r, KeyManager& km, store::Store& store, identity::Authenticator& auth) {
  r.add("POST", "/client-registration/v0.17/register", [&km, &store, &auth](RestRequest& req) {
    const auto caller = auth.authenticate(req);
    const json::value v = common::parse_json_body(req.body);
    const json::object& o = common::as_object(v, "");
    std::string name = common::opt_string(o, "clientName", "clientName").value_or("");
    if (name.empty()) name = common::opt_string(o, "client_name", "client_name").value_or("");
    if (name.empty() || name.size() > 60)
      throw common::ProblemError(common::Problem::bad_request("'clientName' is required (at most 60 characters)"));
    std::string owner = common::opt_string(o, "owner", "owner").value_or(caller.user.username);
    if (owner != caller.user.username && !caller.user.has_role(domain::kRoleAdmin))
      throw common::ProblemError(common::Problem::forbidden("Only an admin may register clients for another owner"));
    if (!store.find_user(owner))
      throw common::ProblemError(common::Problem::bad_request("'owner': no user '" + owner + "'"));
    std::vector<std::string> grants;
    auto add_grants = [&grants](std::string_view text) {
      std::size_t i = 0;
      while (i < text.size()) {
        std::size_t j = text.find(' ', i);
        if (j == std::string_view::npos) j = text.size();
        if (j > i) grants.emplace_back(text.substr(i, j - i));
        i = j + 1;
      }
    };
    add_grants(common::opt_string(o, "grantType", "grantType").value_or(""));
    if (const json::array* g = common::opt_array(o, "grant_types", "grant_types"))
      for (const auto& x : *g)
        if (x.is_string()) grants.emplace_back(x.get_string());
    if (grants.empty()) grants = {"client_credentials"};
    for (const auto& g : grants)
      if (g != "client_credentials" && g != "password" && g != "refresh_token")
        throw common::ProblemError(common::Problem::bad_request("'grantType': unsupported grant type '" + g + "'"));
    std::string callback = common::opt_string(o, "callbackUrl", "callbackUrl").value_or("");
    if (const json::array* u = common::opt_array(o, "redirect_uris", "redirect_uris"); u && !u->empty() && callback.empty())
      if ((*u)[0].is_string()) callback = std::string((*u)[0].get_string());

    // The product names the OAuth application "<owner>_<clientName>" and hands back the same client on
    // a repeated registration; we store secrets hashed, so a repeat issues a new secret for that client.
    const std::string app_name = owner + "_" + name;
    std::optional<domain::Application> app;
    for (auto& a : store.list_applications(owner))
      if (a.name == app_name) app = a;
    std::string client_id, secret;
    if (app) {
      auto keys = store.list_key_mappings(app->id);
      if (keys.empty()) throw common::ProblemError(common::Problem::conflict("Application '" + app_name + "' has no keys"));
      client_id = keys[0].consumer_key;
      secret = km.regenerate_secret(keys[0]);
    } else {
      domain::Application a;
      a.id = common::new_uuid();
      a.name = app_name;
      a.owner = owner;
      a.description = "Registered through dynamic client registration";
      a.created_time = a.updated_time = common::now_millis();
      store.create_application(a);
      auto c = km.create_client(a, std::string(domain::kKeyTypeProduction), grants, callback, 0);
      client_id = c.mapping.consumer_key;
      secret = c.consumer_secret;
    }
    std::string grant_text;
    for (const auto& g : grants) grant_text += (grant_text.empty() ? "" : " ") + g;
    json::object out{{"clientId", client_id},
                     {"clientName", app_name},
                     {"callBackURL", callback},
                     {"clientSecret", secret},
                     {"isSaasApplication", common::opt_bool(o, "saasApp", "saasApp").value_or(false)},
                     {"appOwner", owner},
                     {"jsonString", json::serialize(json::object{{"grant_types", grant_text},
                                                                 {"redirect_uris", callback},
                                                                 {"client_name", app_name}})},
                     {"jsonAppAttribute", "{}"},
                     {"tokenType", nullptr},
                     {"client_id", client_id},
                     {"client_secret", secret},
                     {"client_name", app_name},
                     {"grant_types", json::array(grants.begin(), grants.end())},
                     {"redirect_uris", callback.empty() ? json::array() : json::array{callback}}};
    return RestResponse::json(app ? 200 : 201, json::serialize(out));
  });

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
                   {"registration_endpoint", base + "/client-registration/v0.17/register"},
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
