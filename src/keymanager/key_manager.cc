#include "keymanager/key_manager.h"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "common/clock.h"
#include "common/ids.h"
#include "common/problem.h"
#include "common/strings.h"
#include "crypto/base64url.h"
#include "crypto/jwt.h"
#include "crypto/password_hash.h"
#include "crypto/random.h"
#include "http/rest_router.h"
#include "identity/roles.h"

namespace archway::keymanager {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;

namespace {

constexpr std::int64_t kRetiredKeyGraceS = 24 * 3600;  // longer than any token we issue
constexpr std::string_view kJwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

bool same_secret(std::string_view stored_hash, std::string_view secret) {
  const std::string h = crypto::sha256_hex(secret);
  return h.size() == stored_hash.size() && CRYPTO_memcmp(h.data(), stored_hash.data(), h.size()) == 0;
}

std::string new_consumer_key() { return crypto::base64url_encode(crypto::random_bytes(18)); }
std::string new_consumer_secret() { return crypto::base64url_encode(crypto::random_bytes(32)); }

OAuthError oauth(int status, std::string error, std::string description) {
  return {status, std::move(error), std::move(description)};
}

// RFC 6749 defines no error for "too many attempts"; slow_down (RFC 8628 §3.5, registered for the
// token endpoint) says what the client should do, with 429 and Retry-After saying for how long.
OAuthError slow_down(std::chrono::milliseconds wait) {
  OAuthError e{429, "slow_down", "Too many failed authentications for this client, user or address; retry later"};
  e.retry_after_s = identity::LoginThrottle::retry_after_s(wait);
  return e;
}

bool has_grant(const domain::KeyMapping& km, std::string_view grant) {
  for (const auto& g : km.grant_types)
    if (g == grant) return true;
  return false;
}

}  // namespace

KeyManager::KeyManager(store::Store& store, crypto::SecretBox box, KeyManagerOptions options,
                       identity::LoginThrottle* throttle)
    : store_(store), box_(std::move(box)), opts_(std::move(options)), throttle_(throttle) {}

void KeyManager::init() {
  if (store_.list_signing_keys().empty()) store_new_key();
  load_keys();
}

std::string KeyManager::store_new_key() {
  crypto::SigningKey k = crypto::SigningKey::generate(opts_.alg);
  domain::SigningKeyRecord rec;
  rec.kid = k.kid();
  rec.alg = std::string(crypto::alg_name(k.alg()));
  rec.sealed_private_pem = box_.seal(k.private_pem());
  rec.public_jwk = json::serialize(k.public_jwk());
  rec.created_time = common::now_millis();
  store_.add_signing_key(rec);
  return rec.kid;
}

void KeyManager::load_keys() {
  const std::int64_t now_ms = common::now_millis();
  std::optional<crypto::SigningKey> signer;
  std::vector<crypto::VerificationKey> verifiers;
  for (const auto& rec : store_.list_signing_keys()) {
    if (rec.retired_time != 0 && rec.retired_time < now_ms - kRetiredKeyGraceS * 1000) continue;
    auto alg = crypto::parse_alg(rec.alg);
    auto pem = box_.open(rec.sealed_private_pem);
    if (!alg || !pem)
      throw std::runtime_error("signing key '" + rec.kid + "' cannot be opened (wrong master.key?)");
    crypto::SigningKey k = crypto::SigningKey::from_pem(*pem, rec.kid, *alg);
    verifiers.push_back(k.verification_key());
    if (rec.retired_time == 0 && !signer) signer = std::move(k);
  }
  if (!signer) throw std::runtime_error("no active signing key");
  auto next = std::make_shared<ActiveKeys>(ActiveKeys{std::move(*signer), std::move(verifiers)});
  std::lock_guard lock(mu_);
  keys_ = std::move(next);
}

bool KeyManager::signed_by_us(const crypto::Jwt& jwt) const {
  const auto k = keys();
  for (const auto& v : k->verifiers)
    if (v.kid() == jwt.kid) return crypto::verify_jwt_signature(jwt, v);
  return false;
}

std::shared_ptr<const KeyManager::ActiveKeys> KeyManager::keys() const {
  std::lock_guard lock(mu_);
  return keys_;
}

json::object KeyManager::jwks() const {
  json::array keys;
  const std::int64_t now_ms = common::now_millis();
  for (const auto& rec : store_.list_signing_keys()) {
    if (rec.retired_time != 0 && rec.retired_time < now_ms - kRetiredKeyGraceS * 1000) continue;
    keys.push_back(json::parse(rec.public_jwk));
  }
  return json::object{{"keys", std::move(keys)}};
}

std::string KeyManager::rotate_signing_key() {
  const std::string kid = store_new_key();
  store_.retire_signing_keys_except(kid, common::now_millis());
  load_keys();
  return kid;
}

NewClient KeyManager::create_client(const domain::Application& app, std::string key_type,
                                    std::vector<std::string> grant_types, std::string callback_url,
                                    std::int64_t validity_s) {
  NewClient c;
  c.consumer_secret = new_consumer_secret();
  c.mapping.id = common::new_uuid();
  c.mapping.application_id = app.id;
  c.mapping.key_type = std::move(key_type);
  c.mapping.consumer_key = new_consumer_key();
  c.mapping.consumer_secret_hash = crypto::sha256_hex(c.consumer_secret);
  c.mapping.grant_types = std::move(grant_types);
  c.mapping.callback_url = std::move(callback_url);
  c.mapping.validity_seconds = validity_s > 0 ? validity_s : opts_.default_validity_s;
  c.mapping.created_time = common::now_millis();
  store_.create_key_mapping(c.mapping);
  return c;
}

std::string KeyManager::regenerate_secret(const domain::KeyMapping& km) {
  const std::string secret = new_consumer_secret();
  store_.update_consumer_secret(km.id, crypto::sha256_hex(secret));
  return secret;
}

void KeyManager::ensure_public_client(const std::string& client_id, const std::string& name,
                                      const std::string& callback_path) {
  if (store_.find_key_mapping(client_id)) return;
  // '$' is not allowed in user names, so no user ever sees or owns these applications.
  const std::string owner = "$archway";
  std::optional<domain::Application> app = store_.find_application(owner, name);
  if (!app) {
    domain::Application a;
    a.id = common::new_uuid();
    a.name = name;
    a.owner = owner;
    a.description = "The server's own web portal";
    a.created_time = a.updated_time = common::now_millis();
    store_.create_application(a);
    app = a;
  }
  domain::KeyMapping m;
  m.id = common::new_uuid();
  m.application_id = app->id;
  m.key_type = std::string(domain::kKeyTypeProduction);
  m.consumer_key = client_id;
  m.grant_types = {"authorization_code", "refresh_token"};
  m.callback_url = callback_path;
  m.validity_seconds = opts_.default_validity_s;
  m.created_time = common::now_millis();
  store_.create_key_mapping(m);
}

std::optional<domain::KeyMapping> KeyManager::find_public_client(std::string_view client_id) {
  if (client_id.empty() || client_id.size() > 256) return std::nullopt;
  auto km = store_.find_key_mapping(client_id);
  if (!km || !is_public(*km)) return std::nullopt;
  return km;
}

std::optional<domain::KeyMapping> KeyManager::authenticate_client(std::string_view id, std::string_view secret) {
  if (id.empty() || id.size() > 256) return std::nullopt;
  auto km = store_.find_key_mapping(id);
  if (!km || !same_secret(km->consumer_secret_hash, secret)) return std::nullopt;
  return km;
}

std::optional<domain::KeyMapping> KeyManager::authenticate_basic_client(
    const std::pair<std::string, std::string>& basic) {
  const std::string id = http::percent_decode(basic.first, true);
  const std::string secret = http::percent_decode(basic.second, true);
  if (auto client = authenticate_client(id, secret)) return client;
  if (id == basic.first && secret == basic.second) return std::nullopt;
  return authenticate_client(basic.first, basic.second);
}

bool KeyManager::is_confidential_client(std::string_view client_id) {
  if (client_id.empty() || client_id.size() > 256) return false;
  auto km = store_.find_key_mapping(client_id);
  return km && !is_public(*km);
}

KeyManager::ClientAuth KeyManager::authenticate_client_throttled(
    std::string_view client_id, std::string_view secret, const std::optional<std::pair<std::string, std::string>>& basic,
    std::string_view remote_address) {
  using identity::LoginKeyKind;
  const std::string client_key = basic ? http::percent_decode(basic->first, true) : std::string(client_id);
  const std::string address_key = identity::LoginThrottle::address_key(remote_address);
  const std::initializer_list<identity::LoginKey> keys = {{LoginKeyKind::kClient, client_key},
                                                          {LoginKeyKind::kAddress, address_key}};
  if (throttle_)
    if (const auto wait = throttle_->locked_for(keys); wait.count() > 0) return {std::nullopt, slow_down(wait)};
  auto client = basic ? authenticate_basic_client(*basic) : authenticate_client(client_id, secret);
  if (!client) {
    if (throttle_) throttle_->failed(keys);
    return {std::nullopt, oauth(401, "invalid_client", "Client authentication failed")};
  }
  if (throttle_) throttle_->succeeded(keys);
  return {std::move(client), std::nullopt};
}

std::optional<domain::User> KeyManager::authenticate_user(std::string_view username, std::string_view password,
                                                          std::string_view remote_address,
                                                          std::chrono::milliseconds& locked_for) {
  using identity::LoginKeyKind;
  locked_for = std::chrono::milliseconds(0);
  const std::string user_key = identity::LoginThrottle::user_key(username);
  const std::string address_key = identity::LoginThrottle::address_key(remote_address);
  const std::initializer_list<identity::LoginKey> keys = {{LoginKeyKind::kUser, user_key},
                                                          {LoginKeyKind::kAddress, address_key}};
  if (throttle_) {
    locked_for = throttle_->locked_for(keys);
    if (locked_for.count() > 0) return std::nullopt;
  }
  auto user = store_.find_user(username);
  if (!user || !crypto::verify_password(user->password_hash, password)) {
    if (throttle_) throttle_->failed(keys);
    return std::nullopt;
  }
  if (throttle_) throttle_->succeeded(keys);
  return user;
}

IssuedToken KeyManager::issue(const domain::KeyMapping& km, const domain::Application& app,
                              const std::string& subject, const std::string& scope, std::int64_t validity_s) {
  const auto k = keys();
  const std::int64_t now = common::now_millis() / 1000;
  IssuedToken t;
  t.jti = common::new_uuid();
  t.expires_in = validity_s > 0 ? validity_s : km.validity_seconds;
  t.scope = scope.empty() ? "default" : scope;
  json::object claims;
  claims["iss"] = opts_.issuer;
  claims["sub"] = subject;
  claims["aud"] = km.consumer_key;
  claims["azp"] = km.consumer_key;
  claims["client_id"] = km.consumer_key;
  claims["scope"] = t.scope;
  claims["iat"] = now;
  claims["nbf"] = now;
  t.expires_at = now + t.expires_in;
  claims["exp"] = t.expires_at;
  claims["jti"] = t.jti;
  claims["keytype"] = km.key_type;
  claims["application"] = json::object{{"id", app.id},
                                       {"uuid", app.id},
                                       {"name", app.name},
                                       {"owner", app.owner},
                                       {"tier", app.throttling_policy}};
  t.access_token = crypto::sign_jwt(k->signer, claims);
  return t;
}

std::vector<std::string> KeyManager::api_scopes_for(const std::vector<std::string>& roles,
                                                    std::string_view requested) {
  std::vector<std::string> out;
  // Only when an API scope is asked for; then each scope asked for is one index lookup.
  const auto words = common::split_words(requested);
  const bool wants_api_scope = std::any_of(words.begin(), words.end(), [](const std::string& w) {
    return w != "default" && !w.starts_with("apim:");
  });
  if (!wants_api_scope) return out;
  auto holds = [&](const std::string& role) { return std::find(roles.begin(), roles.end(), role) != roles.end(); };
  const bool admin = holds("admin");
  for (const auto& w : words) {
    if (std::find(out.begin(), out.end(), w) != out.end()) continue;
    const store::ScopeBindings b = store_.api_scope_bindings(w);
    if (b.declared && (admin || b.open || std::any_of(b.roles.begin(), b.roles.end(), holds))) out.push_back(w);
  }
  return out;
}

std::string KeyManager::granted_scope(std::string_view requested, const std::vector<std::string>& roles) {
  std::vector<std::string> api = api_scopes_for(roles, requested);
  if (!system_scopes_) return identity::grant_scopes(requested, roles, api);
  std::vector<std::string> allowed = system_scopes_->scopes_for_roles(roles);
  allowed.insert(allowed.end(), api.begin(), api.end());
  return identity::grant_scopes(requested, {}, allowed);
}

KeyManager::TokenResult KeyManager::token(const TokenRequest& req) {
  auto field = [&](const char* k) -> std::string {
    auto it = req.form.find(k);
    return it == req.form.end() ? std::string() : it->second;
  };
  const std::string grant = field("grant_type");
  if (grant.empty()) return {std::nullopt, oauth(400, "invalid_request", "grant_type is required")};

  std::string client_id = req.basic ? req.basic->first : field("client_id");
  std::string secret = req.basic ? req.basic->second : field("client_secret");
  if (req.basic && !field("client_secret").empty())
    return {std::nullopt, oauth(400, "invalid_request", "use one client authentication method, not two")};
  std::optional<domain::KeyMapping> client;
  if (grant == "authorization_code" && !req.basic && secret.empty()) {
    // Only a public client exchanges a code without its secret (PKCE stands in for it); a
    // confidential one authenticates (RFC 6749 section 4.1.3).
    client = store_.find_key_mapping(client_id);
    if (client && (!has_grant(*client, "authorization_code") || !is_public(*client))) client.reset();
  } else if (grant == "refresh_token" && !req.basic && secret.empty()) {
    client = store_.find_key_mapping(client_id);  // only a client without a secret refreshes without one
    if (client && !is_public(*client)) client.reset();
  } else {
    ClientAuth auth = authenticate_client_throttled(client_id, secret, req.basic, req.remote_address);
    if (auth.error) return {std::nullopt, std::move(auth.error)};
    client = std::move(auth.client);
  }
  if (!client) return {std::nullopt, oauth(401, "invalid_client", "Client authentication failed")};
  auto app = store_.get_application(client->application_id);
  if (!app) return {std::nullopt, oauth(401, "invalid_client", "The client's application no longer exists")};

  std::int64_t validity = client->validity_seconds;
  if (const std::string v = field("validity_period"); !v.empty()) {
    try {
      validity = std::stoll(v);
    } catch (const std::exception&) {
      return {std::nullopt, oauth(400, "invalid_request", "validity_period must be a number of seconds")};
    }
    if (validity <= 0 || validity > 365LL * 24 * 3600)
      return {std::nullopt, oauth(400, "invalid_request", "validity_period is out of range")};
  }
  // Scopes: what was asked for and what the subject's roles allow (RFC 6749 §3.3 lets us grant less).
  auto scope_for = [&](const std::string& username) {
    auto user = store_.find_user(username);
    const std::vector<std::string> roles = user ? user->roles : std::vector<std::string>{};
    return granted_scope(field("scope"), roles);
  };

  if (grant == "client_credentials") {
    if (!has_grant(*client, "client_credentials"))
      return {std::nullopt, oauth(400, "unauthorized_client", "client_credentials is not enabled for this client")};
    return {issue(*client, *app, app->owner, scope_for(app->owner), validity), std::nullopt};
  }
  if (grant == "password") {
    if (!has_grant(*client, "password"))
      return {std::nullopt, oauth(400, "unauthorized_client", "password is not enabled for this client")};
    const std::string username = field("username");
    const std::string password = field("password");
    if (username.empty() || password.empty())
      return {std::nullopt, oauth(400, "invalid_request", "username and password are required")};
    std::chrono::milliseconds locked{0};
    auto user = authenticate_user(username, password, req.remote_address, locked);
    if (locked.count() > 0) return {std::nullopt, slow_down(locked)};
    if (!user) return {std::nullopt, oauth(400, "invalid_grant", "Invalid resource owner credentials")};
    IssuedToken t = issue(*client, *app, user->username, scope_for(user->username), validity);
    // A refresh token starts a family: its reuse revokes every token issued down its chain.
    domain::FamilyIssue issued = family_issue(t, *client, user->username, common::new_uuid());
    if (issued.refresh) store_.record_family_issue(issued);
    return {std::move(t), std::nullopt};
  }
  if (grant == "authorization_code") {
    if (!has_grant(*client, "authorization_code"))
      return {std::nullopt, oauth(400, "unauthorized_client", "authorization_code is not enabled for this client")};
    const std::string code = field("code");
    const std::string verifier = field("code_verifier");
    if (code.empty()) return {std::nullopt, oauth(400, "invalid_request", "code is required")};
    if (verifier.size() < 43 || verifier.size() > 128 ||
        verifier.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") !=
            std::string::npos)
      return {std::nullopt, oauth(400, "invalid_request", "code_verifier must be 43 to 128 unreserved characters")};
    const std::string hash = crypto::sha256_hex(code);
    auto ac = store_.find_authorization_code(hash);
    if (!ac || ac->consumer_key != client->consumer_key)
      return {std::nullopt, oauth(400, "invalid_grant", "The code is unknown or belongs to another client")};
    // RFC 6749 §4.1.2: a code used twice revokes the tokens issued for it (and refreshed from them).
    if (ac->used) return reused(ac->family_id, "The code was already used; the tokens issued for it are revoked");
    if (ac->expires_at < common::now_millis() / 1000) return {std::nullopt, oauth(400, "invalid_grant", "The code has expired")};
    if (field("redirect_uri") != ac->redirect_uri)
      return {std::nullopt, oauth(400, "invalid_grant", "redirect_uri does not match the authorization request")};
    // A wrong verifier uses the code up: whoever holds a stolen code gets one guess, not many.
    if (crypto::base64url_encode(crypto::sha256(verifier)) != ac->code_challenge) {
      store_.consume_authorization_code(hash);
      return {std::nullopt, oauth(400, "invalid_grant", "code_verifier does not match the code_challenge")};
    }
    if (!store_.find_user(ac->subject)) return {std::nullopt, oauth(400, "invalid_grant", "The user no longer exists")};
    IssuedToken t = issue(*client, *app, ac->subject, ac->scope, validity);
    const std::string family = ac->family_id.empty() ? common::new_uuid() : ac->family_id;
    if (!store_.redeem_authorization_code(hash, family_issue(t, *client, ac->subject, family)))
      return reused(ac->family_id, "The code was already used; the tokens issued for it are revoked");
    return {std::move(t), std::nullopt};
  }
  if (grant == kJwtBearerGrant) {
    if (!has_grant(*client, kJwtBearerGrant))
      return {std::nullopt, oauth(400, "unauthorized_client", "the JWT bearer grant is not enabled for this client")};
    const std::string assertion = field("assertion");
    if (assertion.empty()) return {std::nullopt, oauth(400, "invalid_request", "assertion is required")};
    std::string why;
    auto subject = verify_assertion(assertion, why);
    if (!subject) return {std::nullopt, oauth(400, "invalid_grant", why)};
    auto user = store_.find_user(*subject);  // a local account of that name brings its roles' scopes
    const std::vector<std::string> roles = user ? user->roles : std::vector<std::string>{};
    return {issue(*client, *app, *subject,
                  granted_scope(field("scope"), roles), validity),
            std::nullopt};
  }
  if (grant == "refresh_token") {
    if (!has_grant(*client, "refresh_token"))
      return {std::nullopt, oauth(400, "unauthorized_client", "refresh_token is not enabled for this client")};
    const std::string presented = field("refresh_token");
    if (presented.empty()) return {std::nullopt, oauth(400, "invalid_request", "refresh_token is required")};
    const std::string hash = crypto::sha256_hex(presented);
    auto rt = store_.find_refresh_token(hash);
    if (!rt || rt->consumer_key != client->consumer_key)
      return {std::nullopt, oauth(400, "invalid_grant", "The refresh token is unknown or belongs to another client")};
    // RFC 9700 §4.14.2: a rotated refresh token presented again means one of its holders is not
    // its client; the whole family is revoked, the legitimate client signs in again.
    if (rt->used)
      return reused(rt->family_id, "The refresh token was already used; the tokens of its grant are revoked");
    if (rt->expires_at < common::now_millis() / 1000)
      return {std::nullopt, oauth(400, "invalid_grant", "The refresh token has expired")};
    auto user = store_.find_user(rt->subject);
    if (!user) return {std::nullopt, oauth(400, "invalid_grant", "The refresh token's user no longer exists")};
    // A refresh may narrow the scope, never widen it (RFC 6749 §6).
    std::string scope = rt->scope;
    if (const std::string asked = field("scope"); !asked.empty()) {
      scope = granted_scope(asked, user->roles);
      const auto original = common::split_words(rt->scope);
      for (const auto& one : common::split_words(scope))
        if (std::find(original.begin(), original.end(), one) == original.end())
          return {std::nullopt, oauth(400, "invalid_scope", "scope '" + one + "' was not granted originally")};
    }
    IssuedToken t = issue(*client, *app, user->username, scope, validity);
    const std::string family = rt->family_id.empty() ? common::new_uuid() : rt->family_id;
    if (!store_.redeem_refresh_token(hash, family_issue(t, *client, user->username, family)))
      return reused(rt->family_id, "The refresh token was already used; the tokens of its grant are revoked");
    return {std::move(t), std::nullopt};
  }
  return {std::nullopt, oauth(400, "unsupported_grant_type", fmt::format("grant_type '{}' is not supported", grant))};
}

KeyManager::IssuedApiKey KeyManager::issue_api_key(const domain::Application& app, const std::string& key_type,
                                                  std::int64_t validity_s) {
  const auto k = keys();
  const std::int64_t now = common::now_millis() / 1000;
  json::object claims;
  claims["iss"] = opts_.issuer;
  claims["sub"] = app.owner;
  claims["iat"] = now;
  claims["jti"] = common::new_uuid();
  claims["keytype"] = key_type;
  claims["token_type"] = "apiKey";
  claims["application"] = json::object{{"id", app.id}, {"uuid", app.id}, {"name", app.name},
                                       {"owner", app.owner}, {"tier", app.throttling_policy}};
  if (validity_s > 0) claims["exp"] = now + validity_s;
  IssuedApiKey out{crypto::sign_jwt(k->signer, claims), validity_s > 0 ? validity_s : -1};
  store_.record_api_key({std::string(claims["jti"].as_string()), app.name + "_" + key_type, app.id, app.name, "", "",
                         key_type, app.owner, now * 1000, out.validity_s, validity_s > 0 ? now + validity_s : 0, 0});
  return out;
}

KeyManager::IssuedApiKey KeyManager::issue_test_key(const domain::Api& api, const std::string& owner,
                                                   std::int64_t validity_s) {
  const auto k = keys();
  const std::int64_t now = common::now_millis() / 1000;
  const std::string jti = common::new_uuid();
  json::object claims;
  claims["iss"] = opts_.issuer;
  claims["sub"] = owner;
  claims["iat"] = now;
  claims["exp"] = now + validity_s;
  claims["jti"] = jti;
  claims["keytype"] = "PRODUCTION";
  claims["token_type"] = "apiKey";
  claims["api"] = json::object{{"id", api.id}, {"name", api.name}, {"context", api.context}, {"version", api.version}};
  IssuedApiKey out{crypto::sign_jwt(k->signer, claims), validity_s};
  store_.record_api_key({jti, api.name + "_test", "", "", api.id, api.name, "PRODUCTION", owner, now * 1000, validity_s,
                         now + validity_s, 0});
  return out;
}

std::optional<std::string> KeyManager::api_key_id(std::string_view api_key) const {
  auto jwt = crypto::parse_jwt(api_key, nullptr);
  if (!jwt || !signed_by_us(*jwt)) return std::nullopt;
  auto* type = jwt->claims.if_contains("token_type");
  auto* jti = jwt->claims.if_contains("jti");
  if (!type || !type->is_string() || type->get_string() != "apiKey" || !jti || !jti->is_string()) return std::nullopt;
  return std::string(jti->get_string());
}

bool KeyManager::revoke_api_key(const domain::Application& app, std::string_view api_key) {
  auto jwt = crypto::parse_jwt(api_key, nullptr);
  if (!jwt) return false;
  if (!signed_by_us(*jwt)) return false;
  auto* type = jwt->claims.if_contains("token_type");
  auto* application = jwt->claims.if_contains("application");
  auto* jti = jwt->claims.if_contains("jti");
  if (!type || !type->is_string() || type->get_string() != "apiKey" || !application || !application->is_object() ||
      !jti || !jti->is_string())
    return false;
  auto* id = application->get_object().if_contains("id");
  if (!id || !id->is_string() || id->get_string() != app.id) return false;
  std::int64_t exp = common::now_millis() / 1000 + 100LL * 365 * 24 * 3600;  // keys without exp: keep the mark
  if (auto* e = jwt->claims.if_contains("exp"); e && e->is_int64()) exp = e->get_int64();
  store_.revoke_token({std::string(jti->get_string()), exp});
  return true;
}

std::optional<std::string> KeyManager::verify_assertion(std::string_view assertion, std::string& why) {
  crypto::JwtError err;
  auto jwt = crypto::parse_jwt(assertion, &err);
  if (!jwt) {
    why = std::string("assertion: ") + std::string(crypto::describe(err));
    return std::nullopt;
  }
  auto* iss = jwt->claims.if_contains("iss");
  if (!iss || !iss->is_string()) {
    why = "assertion: no iss";
    return std::nullopt;
  }
  std::optional<domain::ExternalKeyManager> idp;
  for (auto& k : store_.list_key_managers())
    if (k.enabled && k.issuer == iss->get_string()) idp = std::move(k);
  if (!idp) {
    why = "assertion: the issuer is not a trusted key manager";
    return std::nullopt;
  }
  std::optional<crypto::VerificationKey> key;
  boost::system::error_code ec;
  auto set = json::parse(idp->jwks, ec);
  if (!ec && set.is_object() && set.as_object().contains("keys") && set.as_object().at("keys").is_array())
    for (const auto& j : set.as_object().at("keys").as_array())
      if (j.is_object())
        if (auto vk = crypto::VerificationKey::from_jwk(j.as_object()); vk && vk->kid() == jwt->kid) key = std::move(vk);
  if (!key || !crypto::verify_jwt_signature(*jwt, *key)) {
    why = "assertion: the signature does not verify with the issuer's keys";
    return std::nullopt;
  }
  err = crypto::check_claims(jwt->claims, common::now_millis() / 1000, opts_.leeway_s, idp->issuer);
  if (err != crypto::JwtError::kNone) {
    why = std::string("assertion: ") + std::string(crypto::describe(err));
    return std::nullopt;
  }
  // RFC 7523 §3: the audience must name this authorization server.
  const std::string base = opts_.issuer;
  bool for_us = false;
  if (auto* aud = jwt->claims.if_contains("aud")) {
    if (aud->is_string()) for_us = aud->get_string() == base;
    if (aud->is_array())
      for (const auto& a : aud->get_array()) for_us = for_us || (a.is_string() && a.get_string() == base);
  }
  if (!for_us) {
    why = "assertion: aud must name " + base;
    return std::nullopt;
  }
  auto* sub = jwt->claims.if_contains("sub");
  if (!sub || !sub->is_string() || sub->get_string().empty()) {
    why = "assertion: no sub";
    return std::nullopt;
  }
  return std::string(sub->get_string());
}

std::optional<OAuthError> KeyManager::check_authorize(const AuthorizeRequest& req, bool& redirectable) {
  redirectable = false;
  auto client = store_.find_key_mapping(req.client_id);
  if (!client) return oauth(400, "invalid_client", "Unknown client_id");
  // A callback registered as a path ("/publisher/callback") is on the origin the browser came from.
  const std::string expected =
      client->callback_url.starts_with("/") && !req.origin.empty() ? req.origin + client->callback_url
                                                                    : client->callback_url;
  if (req.redirect_uri.empty() || req.redirect_uri != expected)
    return oauth(400, "invalid_request", "redirect_uri must equal the client's registered callback URL");
  redirectable = true;
  if (req.response_type != "code") return oauth(400, "unsupported_response_type", "response_type must be code");
  if (!has_grant(*client, "authorization_code"))
    return oauth(400, "unauthorized_client", "authorization_code is not enabled for this client");
  if (req.code_challenge.size() != 43 || req.code_challenge_method != "S256")
    return oauth(400, "invalid_request", "PKCE is required: code_challenge with code_challenge_method=S256");
  return std::nullopt;
}

std::string KeyManager::sign_in_form_token(std::string_view browser_nonce) const {
  return box_.seal(fmt::format("sign-in:{}:{}", common::now_millis() / 1000 + kSignInFormLifetimeS, browser_nonce));
}

bool KeyManager::valid_sign_in_form_token(std::string_view token, std::string_view browser_nonce) const {
  if (token.empty() || browser_nonce.empty() || token.size() > 512) return false;
  const std::optional<std::string> plain = box_.open(token);
  if (!plain || !plain->starts_with("sign-in:")) return false;
  const std::string_view rest = std::string_view(*plain).substr(8);
  const std::size_t colon = rest.find(':');
  if (colon == std::string_view::npos || rest.substr(colon + 1) != browser_nonce) return false;
  std::int64_t expires = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + colon, expires);
  return ec == std::errc() && end == rest.data() + colon && common::now_millis() / 1000 <= expires;
}

std::string KeyManager::create_code(const AuthorizeRequest& req, const domain::User& user) {
  const std::string code = crypto::base64url_encode(crypto::random_bytes(32));
  domain::AuthorizationCode ac;
  ac.code_hash = crypto::sha256_hex(code);
  ac.consumer_key = req.client_id;
  ac.redirect_uri = req.redirect_uri;
  ac.subject = user.username;
  ac.scope = granted_scope(req.scope, user.roles);
  ac.code_challenge = req.code_challenge;
  ac.expires_at = common::now_millis() / 1000 + 60;
  ac.family_id = common::new_uuid();
  store_.save_authorization_code(ac);
  return code;
}

domain::FamilyIssue KeyManager::family_issue(IssuedToken& t, const domain::KeyMapping& km, const std::string& subject,
                                             const std::string& family_id) {
  domain::FamilyIssue f;
  f.family_id = family_id;
  f.access_jti = t.jti;
  f.access_expires_at = t.expires_at;
  if (!has_grant(km, "refresh_token")) return f;
  t.refresh_token = crypto::base64url_encode(crypto::random_bytes(32));
  domain::RefreshToken rt;
  rt.token_hash = crypto::sha256_hex(t.refresh_token);
  rt.consumer_key = km.consumer_key;
  rt.subject = subject;
  rt.scope = t.scope;
  rt.expires_at = common::now_millis() / 1000 + opts_.refresh_validity_s;
  rt.family_id = family_id;
  f.refresh = std::move(rt);
  return f;
}

KeyManager::TokenResult KeyManager::reused(const std::string& family_id, std::string description) {
  const std::size_t revoked = store_.revoke_token_family(family_id);
  if (!family_id.empty())
    spdlog::warn("key manager: a used code or refresh token was presented again; token family {} revoked "
                 "({} access token(s))", family_id, revoked);
  return {std::nullopt, oauth(400, "invalid_grant", std::move(description))};
}

void KeyManager::revoke(const domain::KeyMapping& client, std::string_view token) {
  auto jwt = crypto::parse_jwt(token, nullptr);
  if (!jwt) {  // a refresh token, or nothing of ours (RFC 7009 §2.2: invalid tokens need no action)
    const std::string hash = crypto::sha256_hex(token);
    if (auto rt = store_.find_refresh_token(hash); rt && rt->consumer_key == client.consumer_key) {
      // RFC 7009 §2.1: the access tokens of the same grant go with it.
      store_.consume_refresh_token(hash);
      store_.revoke_token_family(rt->family_id);
    }
    return;
  }
  if (!signed_by_us(*jwt)) return;
  auto* cid = jwt->claims.if_contains("client_id");
  auto* jti = jwt->claims.if_contains("jti");
  auto* exp = jwt->claims.if_contains("exp");
  if (!cid || !cid->is_string() || cid->get_string() != client.consumer_key) return;  // not this client's
  if (!jti || !jti->is_string() || !exp || !exp->is_int64()) return;
  store_.revoke_token({std::string(jti->get_string()), exp->get_int64()});
}

std::optional<identity::BearerIdentity> KeyManager::verify_bearer(std::string_view token) {
  json::object claims = introspect(token);
  if (!claims["active"].as_bool()) return std::nullopt;
  identity::BearerIdentity id;
  if (auto* sub = claims.if_contains("sub"); sub && sub->is_string()) id.subject = std::string(sub->get_string());
  if (auto* scope = claims.if_contains("scope"); scope && scope->is_string())
    id.scopes = common::split_words(scope->get_string());
  if (id.subject.empty()) return std::nullopt;
  return id;
}

json::object KeyManager::introspect(std::string_view token) {
  json::object inactive{{"active", false}};
  crypto::JwtError err;
  auto jwt = crypto::parse_jwt(token, &err);
  if (!jwt) return inactive;
  if (!signed_by_us(*jwt)) return inactive;
  if (crypto::check_claims(jwt->claims, common::now_millis() / 1000, opts_.leeway_s, opts_.issuer) !=
      crypto::JwtError::kNone)
    return inactive;
  auto* jti = jwt->claims.if_contains("jti");
  if (jti && jti->is_string() && store_.is_token_revoked(jti->get_string())) return inactive;
  json::object out = jwt->claims;
  out["active"] = true;
  out["token_type"] = "Bearer";
  if (auto* sub = jwt->claims.if_contains("sub")) out["username"] = *sub;
  return out;
}

}  // namespace archway::keymanager
