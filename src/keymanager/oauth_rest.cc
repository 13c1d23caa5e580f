#include "keymanager/oauth_rest.h"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>

#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/problem.h"
#include "common/strings.h"
#include "crypto/base64url.h"
#include "crypto/random.h"

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
  if (e.retry_after_s > 0) r.headers.emplace_back("Retry-After", std::to_string(e.retry_after_s));
  return r;
}

// Form bodies only (RFC 6749 §3.2); a JSON body is a client mistake worth naming.
std::optional<std::map<std::string, std::string>> form_of(const RestRequest& req) {
  const std::string_view ct = req.header("content-type");
  if (!ct.empty() && ct.find("application/x-www-form-urlencoded") == std::string_view::npos) return std::nullopt;
  return http::parse_query(req.body);
}


// The calling client, from Basic credentials or client_id/client_secret form fields (guarded by
// the login throttle); with `allow_public`, a public client by its client_id alone.
KeyManager::ClientAuth calling_client(KeyManager& km, const RestRequest& req,
                                      const std::map<std::string, std::string>& form, bool allow_public = false) {
  const KeyManager::ClientAuth refused{std::nullopt, OAuthError{401, "invalid_client", "Client authentication failed"}};
  auto basic = http::parse_basic_auth(req.header("authorization"));
  if (basic) return km.authenticate_client_throttled("", "", basic, req.remote_address);
  auto id = form.find("client_id");
  auto secret = form.find("client_secret");
  if (id != form.end() && secret == form.end() && allow_public) {
    auto client = km.find_public_client(id->second);
    return client ? KeyManager::ClientAuth{std::move(client), std::nullopt} : refused;
  }
  if (id == form.end() || secret == form.end()) return refused;
  return km.authenticate_client_throttled(id->second, secret->second, std::nullopt, req.remote_address);
}

std::string html_escape(std::string_view in) {
  std::string out;
  for (char c : in) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string url_encode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// The request's parameters (query of GET, form of POST) and the origin the browser reached us on.
KeyManager::AuthorizeRequest authorize_request(const std::map<std::string, std::string>& p, const RestRequest& req) {
  auto get = [&p](const char* k) {
    auto it = p.find(k);
    return it == p.end() ? std::string() : it->second;
  };
  const std::string_view host = req.header("host");
  const bool sane_host = !host.empty() && host.find_first_of("/\\@ ") == std::string_view::npos;
  return {get("response_type"), get("client_id"), get("redirect_uri"), get("scope"), get("state"),
          get("code_challenge"), get("code_challenge_method"),
          sane_host ? (req.secure ? "https://" : "http://") + std::string(host) : std::string()};
}

RestResponse redirect(const std::string& uri, const std::vector<std::pair<std::string, std::string>>& params) {
  std::string location = uri + (uri.find('?') == std::string::npos ? "?" : "&");
  bool first = true;
  for (const auto& [k, v] : params) {
    if (v.empty()) continue;
    location += (first ? "" : "&") + k + "=" + url_encode(v);
    first = false;
  }
  RestResponse r = RestResponse::empty(302);
  r.headers.emplace_back("Location", location);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

RestResponse login_page(const KeyManager::AuthorizeRequest& a, const std::string& error, const std::string& csrf_token,
                        int status) {
  std::string hidden = "<input type=\"hidden\" name=\"csrf_token\" value=\"" + html_escape(csrf_token) + "\">";
  for (const auto& [k, v] : std::vector<std::pair<const char*, const std::string*>>{
           {"response_type", &a.response_type}, {"client_id", &a.client_id}, {"redirect_uri", &a.redirect_uri},
           {"scope", &a.scope}, {"state", &a.state}, {"code_challenge", &a.code_challenge},
           {"code_challenge_method", &a.code_challenge_method}})
    hidden += "<input type=\"hidden\" name=\"" + std::string(k) + "\" value=\"" + html_escape(*v) + "\">";
  // The server's own portals get their names; other clients are named by their client_id.
  std::string client = a.client_id;
  if (a.client_id == "archway-publisher") client = "the Archway Publisher";
  else if (a.client_id == "archway-devportal") client = "the Archway Developer Portal";
  else if (a.client_id == "archway-admin") client = "the Archway Admin portal";
  const std::string sign_up = a.client_id == "archway-devportal"
                                  ? "<p class=\"alt\">New here? <a href=\"/devportal/sign-up\">Create an account</a></p>"
                                  : "";
  RestResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Cache-Control", "no-store");
  r.body = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<meta name=\"color-scheme\" content=\"light dark\"><title>Sign in - Archway</title><style>"
           ":root{color-scheme:light dark;--bg:#f1f3f5;--card:#fff;--fg:#212529;--muted:#5c636a;--line:#ced4da;"
           "--accent:#4263eb;--err:#c92a2a;--errbg:#fff5f5}"
           "@media (prefers-color-scheme:dark){:root{--bg:#1a1b1e;--card:#25262b;--fg:#e9ecef;--muted:#adb5bd;"
           "--line:#495057;--accent:#748ffc;--err:#ffa8a8;--errbg:#3b1f22}}"
           "body{margin:0;min-height:100vh;display:grid;place-items:center;background:var(--bg);color:var(--fg);"
           "font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}"
           "main{background:var(--card);width:min(22rem,calc(100vw - 2rem));padding:2rem;border-radius:12px;"
           "box-shadow:0 2px 12px rgba(0,0,0,.12)}h1{margin:0 0 .25rem;font-size:1.5rem}"
           "p{margin:.25rem 0 1rem;color:var(--muted)}label{display:block;font-weight:600;margin-top:1rem}"
           "input{box-sizing:border-box;width:100%;margin-top:.3rem;padding:.55rem .7rem;border:1px solid var(--line);"
           "border-radius:8px;background:transparent;color:inherit;font:inherit}"
           "input:focus,button:focus{outline:2px solid var(--accent);outline-offset:2px}"
           "button{width:100%;margin-top:1.5rem;padding:.6rem;border:0;border-radius:8px;background:var(--accent);"
           "color:#fff;font:inherit;font-weight:600;cursor:pointer}"
           ".err{color:var(--err);background:var(--errbg);border-radius:8px;padding:.5rem .75rem}"
           ".alt{margin:1rem 0 0;text-align:center}a{color:var(--accent)}</style></head><body><main>"
           "<h1>Sign in</h1><p>to continue to <b>" + html_escape(client) + "</b></p>" +
           (error.empty() ? "" : "<p class=\"err\" role=\"alert\">" + html_escape(error) + "</p>") +
           "<form method=\"post\" action=\"/oauth2/authorize\">" + hidden +
           "<label for=\"username\">Username</label><input id=\"username\" name=\"username\" "
           "autocomplete=\"username\" required autofocus>"
           "<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" "
           "autocomplete=\"current-password\" required>"
           "<button type=\"submit\">Sign in</button></form>" + sign_up + "</main></body></html>";
  return r;
}

// The sign-in form's browser binding (login CSRF): a random value in an HttpOnly, SameSite=Strict
// cookie scoped to /oauth2, and the form's csrf_token sealed over it (KeyManager::sign_in_form_token).
constexpr std::string_view kSignInCookie = "archway_signin";

std::string cookie_value(const RestRequest& req, std::string_view name) {
  std::string_view cookies = req.header("cookie");
  while (!cookies.empty()) {
    const std::size_t semi = cookies.find(';');
    std::string_view pair = cookies.substr(0, semi);
    cookies = semi == std::string_view::npos ? std::string_view() : cookies.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=')
      return std::string(pair.substr(name.size() + 1));
  }
  return {};
}

bool plausible_nonce(std::string_view v) {
  return v.size() == 43 && v.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
                               std::string_view::npos;
}

// The sign-in page for this browser: its cookie's value, or a new one set with the page.
RestResponse sign_in_page(const KeyManager& km, const RestRequest& req, const KeyManager::AuthorizeRequest& a,
                          const std::string& error, int status) {
  std::string nonce = cookie_value(req, kSignInCookie);
  const bool fresh = !plausible_nonce(nonce);
  if (fresh) nonce = crypto::base64url_encode(crypto::random_bytes(32));
  RestResponse page = login_page(a, error, km.sign_in_form_token(nonce), status);
  if (fresh)
    page.headers.emplace_back(
        "Set-Cookie", std::string(kSignInCookie) + "=" + nonce + "; Path=/oauth2; HttpOnly; SameSite=Strict; Max-Age=" +
                          std::to_string(KeyManager::kSignInFormLifetimeS) + (req.secure ? "; Secure" : ""));
  return page;
}

}  // namespace

std::string endpoint_base(const std::string& issuer) {
  const std::string suffix = "/oauth2/token";
  return issuer.ends_with(suffix) ? issuer.substr(0, issuer.size() - suffix.size()) : issuer;
}

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
    std::vector<std::string> grants = common::split_words(common::opt_string(o, "grantType", "grantType").value_or(""));
    if (const json::array* g = common::opt_array(o, "grant_types", "grant_types"))
      for (const auto& x : *g)
        if (x.is_string()) grants.emplace_back(x.get_string());
    if (grants.empty()) grants = {"client_credentials"};
    for (const auto& g : grants)
      if (std::find(std::begin(domain::kSupportedGrantTypes), std::end(domain::kSupportedGrantTypes), g) ==
          std::end(domain::kSupportedGrantTypes))
        throw common::ProblemError(common::Problem::bad_request("'grantType': unsupported grant type '" + g + "'"));
    std::string callback = common::opt_string(o, "callbackUrl", "callbackUrl").value_or("");
    if (const json::array* u = common::opt_array(o, "redirect_uris", "redirect_uris"); u && !u->empty() && callback.empty())
      if ((*u)[0].is_string()) callback = std::string((*u)[0].get_string());

    // The product names the OAuth application "<owner>_<clientName>" and hands back the same client on
    // a repeated registration; we store secrets hashed, so a repeat issues a new secret for that client.
    const std::string app_name = owner + "_" + name;
    std::optional<domain::Application> app = store.find_application(owner, app_name);
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
    tr.remote_address = req.remote_address;
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

  r.add("GET", "/oauth2/authorize", [&km](RestRequest& req) {
    const auto a = authorize_request(req.query, req);
    bool redirectable = false;
    if (auto err = km.check_authorize(a, redirectable)) {
      if (redirectable) return redirect(a.redirect_uri, {{"error", err->error}, {"error_description", err->description}, {"state", a.state}});
      return oauth_error(*err, false);
    }
    return sign_in_page(km, req, a, "", 200);
  });

  r.add("POST", "/oauth2/authorize", [&km](RestRequest& req) {
    auto form = form_of(req);
    if (!form) return oauth_error({400, "invalid_request", "the body must be application/x-www-form-urlencoded"}, false);
    const auto a = authorize_request(*form, req);
    bool redirectable = false;
    if (auto err = km.check_authorize(a, redirectable)) {
      if (redirectable) return redirect(a.redirect_uri, {{"error", err->error}, {"error_description", err->description}, {"state", a.state}});
      return oauth_error(*err, false);
    }
    // Only a form this server gave to this browser signs in (no login CSRF); checked before the password.
    if (!km.valid_sign_in_form_token((*form)["csrf_token"], cookie_value(req, kSignInCookie)))
      return sign_in_page(km, req, a, "This sign-in form has expired or was not issued to this browser. Please sign in again.",
                          403);
    std::chrono::milliseconds locked{0};
    auto user = km.authenticate_user((*form)["username"], (*form)["password"], req.remote_address, locked);
    if (locked.count() > 0) {
      const std::int64_t seconds = identity::LoginThrottle::retry_after_s(locked);
      RestResponse page = sign_in_page(km, req, a, "Too many failed sign-ins; try again in " + std::to_string(seconds) +
                                                       (seconds == 1 ? " second" : " seconds"), 429);
      page.headers.emplace_back("Retry-After", std::to_string(seconds));
      return page;
    }
    if (!user) return sign_in_page(km, req, a, "Invalid username or password", 401);
    return redirect(a.redirect_uri, {{"code", km.create_code(a, *user)}, {"state", a.state}});
  });

  r.add("POST", "/oauth2/revoke", [&km](RestRequest& req) {
    auto form = form_of(req);
    const bool basic_sent = !req.header("authorization").empty();
    if (!form)
      return oauth_error({400, "invalid_request", "the body must be application/x-www-form-urlencoded"}, basic_sent);
    auto auth = calling_client(km, req, *form, true);
    if (auth.error) return oauth_error(*auth.error, basic_sent);
    auto token = form->find("token");
    if (token == form->end() || token->second.empty())
      return oauth_error({400, "invalid_request", "token is required"}, basic_sent);
    km.revoke(*auth.client, token->second);
    return RestResponse::empty(200);
  });

  r.add("POST", "/oauth2/introspect", [&km](RestRequest& req) {
    auto form = form_of(req);
    const bool basic_sent = !req.header("authorization").empty();
    if (!form)
      return oauth_error({400, "invalid_request", "the body must be application/x-www-form-urlencoded"}, basic_sent);
    // A client (its credentials), or an admin user (Basic credentials that are not a client's).
    auto basic = http::parse_basic_auth(req.header("authorization"));
    const bool as_user = basic && !km.is_confidential_client(http::percent_decode(basic->first, true)) &&
                         !km.is_confidential_client(basic->first);
    bool allowed = false;
    if (as_user) {
      std::chrono::milliseconds locked{0};
      auto user = km.authenticate_user(basic->first, basic->second, req.remote_address, locked);
      if (locked.count() > 0)
        return oauth_error({429, "slow_down", "Too many failed authentications; retry later",
                            identity::LoginThrottle::retry_after_s(locked)},
                           true);
      allowed = user && user->has_role(domain::kRoleAdmin);
    } else {
      auto auth = calling_client(km, req, *form);
      if (auth.error && auth.error->status == 429) return oauth_error(*auth.error, basic_sent);
      allowed = auth.client.has_value();
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
    const std::string base = endpoint_base(km.options().issuer);
    json::object o{{"issuer", km.options().issuer},
                   {"token_endpoint", base + "/oauth2/token"},
                   {"jwks_uri", base + "/oauth2/jwks"},
                   {"revocation_endpoint", base + "/oauth2/revoke"},
                   {"registration_endpoint", base + "/client-registration/v0.17/register"},
                   {"introspection_endpoint", base + "/oauth2/introspect"},
                   {"authorization_endpoint", base + "/oauth2/authorize"},
                   {"grant_types_supported", json::array(std::begin(domain::kSupportedGrantTypes),
                                                         std::end(domain::kSupportedGrantTypes))},
                   {"code_challenge_methods_supported", json::array{"S256"}},
                   {"token_endpoint_auth_methods_supported", json::array{"client_secret_basic", "client_secret_post"}},
                   {"response_types_supported", json::array{"code"}},
                   {"subject_types_supported", json::array{"public"}},
                   {"id_token_signing_alg_values_supported", json::array{"RS256", "ES256"}},
                   {"scopes_supported", json::array{"default"}}};
    return RestResponse::json(200, json::serialize(o));
  };
  r.add("GET", "/.well-known/openid-configuration", discovery);
  r.add("GET", "/oauth2/token/.well-known/openid-configuration", discovery);
}

}  // namespace archway::keymanager
