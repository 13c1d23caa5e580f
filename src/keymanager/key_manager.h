#pragma once
// The resident Key Manager: OAuth2 clients of applications, JWT access tokens signed with keys
// kept sealed in the Store, revocation (RFC 7009) and introspection (RFC 7662).
#include <boost/json/object.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "crypto/jwk.h"
#include "crypto/jwt.h"
#include "crypto/secret_box.h"
#include "domain/application.h"
#include "identity/authenticator.h"
#include "identity/login_throttle.h"
#include "store/store.h"

namespace archway::keymanager {

struct KeyManagerOptions {
  std::string issuer = "https://localhost:9443/oauth2/token";
  crypto::JwsAlg alg = crypto::JwsAlg::kRS256;
  std::int64_t default_validity_s = 3600;
  std::int64_t leeway_s = 30;
  std::int64_t refresh_validity_s = 24 * 3600;
};

// An RFC 6749 §5.2 error: {"error": code, "error_description": description} with its status.
struct OAuthError {
  int status;
  std::string error;
  std::string description;
  std::int64_t retry_after_s = 0;  // > 0: sent as Retry-After (429 while a credential is locked)
};

struct IssuedToken {
  std::string access_token;
  std::string refresh_token;  // empty unless the client may use the refresh_token grant
  std::int64_t expires_in = 0;
  std::string scope;
  std::string jti;
  std::int64_t expires_at = 0;  // the access token's exp
};

struct NewClient {
  domain::KeyMapping mapping;
  std::string consumer_secret;  // shown once
};

class KeyManager {
 public:
  // With `throttle`, failed client and resource owner authentications lock their client id,
  // username and source address for a while (429 slow_down while locked).
  KeyManager(store::Store& store, crypto::SecretBox box, KeyManagerOptions options,
             identity::LoginThrottle* throttle = nullptr);

  // Loads the signing keys, creating the first one when there is none.
  void init();
  const KeyManagerOptions& options() const { return opts_; }

  boost::json::object jwks() const;
  // Creates a new signing key; older keys stop signing but stay in the JWKS until their tokens expire.
  std::string rotate_signing_key();

  NewClient create_client(const domain::Application& app, std::string key_type,
                          std::vector<std::string> grant_types, std::string callback_url,
                          std::int64_t validity_s);
  std::string regenerate_secret(const domain::KeyMapping& km);

  // A public client (no secret; PKCE guards its codes) of the server's own: the web portals.
  // Registered on first start under an application no user owns. `callback_path` ("/publisher/
  // callback") is a redirect back to the same origin the browser used to reach the Key Manager.
  void ensure_public_client(const std::string& client_id, const std::string& name, const std::string& callback_path);
  static bool is_public(const domain::KeyMapping& km) { return km.consumer_secret_hash.empty(); }
  // A public client by its id (it authenticates with the id alone, as RFC 7009 §2.1 allows).
  std::optional<domain::KeyMapping> find_public_client(std::string_view client_id);

  // Client authentication: nullopt when the client is unknown or the secret is wrong.
  std::optional<domain::KeyMapping> authenticate_client(std::string_view client_id, std::string_view secret);
  // Client authentication of an OAuth endpoint, guarded by the login throttle: the client, or the
  // error to answer (401 invalid_client; 429 slow_down while the client id or address is locked).
  struct ClientAuth {
    std::optional<domain::KeyMapping> client;
    std::optional<OAuthError> error;
  };
  ClientAuth authenticate_client_throttled(std::string_view client_id, std::string_view secret,
                                           const std::optional<std::pair<std::string, std::string>>& basic,
                                           std::string_view remote_address);
  // A resource owner's password, guarded by the login throttle (username and address): the user,
  // or nullopt with `locked_for` set when a key is locked, or nullopt for wrong credentials.
  std::optional<domain::User> authenticate_user(std::string_view username, std::string_view password,
                                                std::string_view remote_address, std::chrono::milliseconds& locked_for);
  // Whether `client_id` names a client that authenticates with a secret.
  bool is_confidential_client(std::string_view client_id);
  // Client authentication with HTTP Basic (RFC 6749 §2.3.1): the id and secret were form-urlencoded
  // before the Basic encoding, so they are decoded first; clients that skipped that encoding still
  // authenticate with their raw id and secret.
  std::optional<domain::KeyMapping> authenticate_basic_client(const std::pair<std::string, std::string>& basic);

  IssuedToken issue(const domain::KeyMapping& km, const domain::Application& app, const std::string& subject,
                    const std::string& scope, std::int64_t validity_s);

  // The token endpoint's grants; `form` is the decoded body, `basic` the Basic credentials if sent.
  struct TokenRequest {
    std::map<std::string, std::string> form;
    std::optional<std::pair<std::string, std::string>> basic;
    std::string remote_address;  // the peer, for the login throttle
  };
  struct TokenResult {
    std::optional<IssuedToken> token;
    std::optional<OAuthError> error;
  };
  TokenResult token(const TokenRequest& req);

  // API keys: self-signed JWTs naming the application, sent by clients in the `apikey` header.
  // validity_s <= 0 makes a key that does not expire (until revoked).
  struct IssuedApiKey {
    std::string api_key;
    std::int64_t validity_s = -1;
  };
  // Each key issued is recorded (store: api_keys) for the Admin's list and revocation.
  IssuedApiKey issue_api_key(const domain::Application& app, const std::string& key_type, std::int64_t validity_s);
  // A Publisher test key ("Try out"): an API key for `api` only, of no application, issued to the
  // Publisher user `owner`; the gateway admits it on that API without a subscription.
  IssuedApiKey issue_test_key(const domain::Api& api, const std::string& owner, std::int64_t validity_s);
  // The id (jti) of an API key this Key Manager signed; nullopt for anything else.
  std::optional<std::string> api_key_id(std::string_view api_key) const;
  // Revokes an API key of `app`; false when it is not a valid API key of that application.
  bool revoke_api_key(const domain::Application& app, std::string_view api_key);

  // Authorization code flow with PKCE (RFC 6749 §4.1, RFC 7636 S256 only).
  struct AuthorizeRequest {
    std::string response_type;
    std::string client_id;
    std::string redirect_uri;
    std::string scope;
    std::string state;
    std::string code_challenge;
    std::string code_challenge_method;
    std::string origin;  // "https://host:port" as the browser reached us, for same-origin callbacks
  };
  // Checks the request. `redirectable` tells whether an error may be sent to redirect_uri (only
  // once client and redirect URI are known to match).
  std::optional<OAuthError> check_authorize(const AuthorizeRequest& req, bool& redirectable);
  // After the user signed in: a one-time code for the client, valid for 60 s.
  std::string create_code(const AuthorizeRequest& req, const domain::User& user);

  // Login CSRF: the sign-in form carries a token bound to a random value in a cookie of the browser
  // that asked for the form, sealed with the master key (so any control-plane node checks it) and
  // valid for `kSignInFormLifetimeS`. A page elsewhere can neither read the cookie nor make a token.
  static constexpr std::int64_t kSignInFormLifetimeS = 3600;
  std::string sign_in_form_token(std::string_view browser_nonce) const;
  bool valid_sign_in_form_token(std::string_view token, std::string_view browser_nonce) const;

  // RFC 7009: revokes a JWT access token or a refresh token issued to `client` (unknown tokens
  // and other clients' tokens are ignored).
  void revoke(const domain::KeyMapping& client, std::string_view token);
  // RFC 7662 answer for `token`.
  boost::json::object introspect(std::string_view token);
  // For management REST calls made with our access tokens.
  std::optional<identity::BearerIdentity> verify_bearer(std::string_view token);

  // Grants management scopes by the stored mapping (the Admin's /system-scopes) from now on.
  void set_system_scopes(identity::SystemScopes* scopes) { system_scopes_ = scopes; }

 private:
  struct ActiveKeys {
    crypto::SigningKey signer;
    std::vector<crypto::VerificationKey> verifiers;
  };
  std::shared_ptr<const ActiveKeys> keys() const;
  bool signed_by_us(const crypto::Jwt& jwt) const;
  // RFC 7523: the subject of a JWT assertion from a registered external key manager, or nullopt
  // with `why` set.
  std::optional<std::string> verify_assertion(std::string_view assertion, std::string& why);
  // Scopes defined by APIs that `roles` may hold (by the scopes' role bindings).
  std::vector<std::string> api_scopes_for(const std::vector<std::string>& roles, std::string_view requested);
  // The requested scopes `roles` may hold: system scopes by the /system-scopes mapping (or the
  // built-in table without one) and API scopes by their bindings; "default" when none.
  std::string granted_scope(std::string_view requested, const std::vector<std::string>& roles);
  // What `t` adds to the token family `family_id`; gives `t` a refresh token when the client may
  // refresh.
  domain::FamilyIssue family_issue(IssuedToken& t, const domain::KeyMapping& km, const std::string& subject,
                                   const std::string& family_id);
  // The answer to a used code or refresh token presented again: its family is revoked.
  TokenResult reused(const std::string& family_id, std::string description);
  void load_keys();
  std::string store_new_key();

  store::Store& store_;
  identity::SystemScopes* system_scopes_ = nullptr;
  crypto::SecretBox box_;
  KeyManagerOptions opts_;
  identity::LoginThrottle* throttle_;
  mutable std::mutex mu_;
  std::shared_ptr<const ActiveKeys> keys_;
};

}  // namespace archway::keymanager
