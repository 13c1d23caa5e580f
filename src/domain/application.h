#pragma once
// Applications, their OAuth2 key mappings and their subscriptions to APIs: the consumer side.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/certificate.h"
#include "domain/mediation.h"
#include "domain/policy.h"

namespace archway::domain {

inline constexpr std::string_view kKeyTypeProduction = "PRODUCTION";
inline constexpr std::string_view kKeyTypeSandbox = "SANDBOX";
inline constexpr std::string_view kSubscriptionUnblocked = "UNBLOCKED";
inline constexpr std::string_view kSubscriptionBlocked = "BLOCKED";
inline constexpr std::string_view kSubscriptionProdOnlyBlocked = "PROD_ONLY_BLOCKED";

struct Application {
  std::string id;
  std::string name;
  std::string owner;  // username
  std::string throttling_policy = "Unlimited";
  std::string description;
  std::string token_type = "JWT";
  std::string status = "APPROVED";
  std::int64_t created_time = 0;
  std::int64_t updated_time = 0;
  // The product's application attributes (name -> value, e.g. "External Reference Id"), in name order.
  std::vector<std::pair<std::string, std::string>> attributes;
};

// The OAuth2 client of an application for one key type (PRODUCTION or SANDBOX).
inline constexpr std::string_view kResidentKeyManager = "Resident Key Manager";

// The grant types the resident Key Manager's clients may be given (RFC 6749, RFC 7523).
inline constexpr std::string_view kSupportedGrantTypes[] = {
    "client_credentials", "password", "refresh_token", "authorization_code",
    "urn:ietf:params:oauth:grant-type:jwt-bearer"};
// The key mapping's additionalProperties entry that sets the lifetime of its tokens (seconds).
inline constexpr std::string_view kTokenExpiryProperty = "application_access_token_expiry_time";
inline constexpr std::int64_t kMaxTokenValiditySeconds = 365LL * 24 * 3600;

struct KeyMapping {
  std::string id;  // keyMappingId
  std::string application_id;
  std::string key_type;
  std::string consumer_key;          // the OAuth2 client_id
  std::string consumer_secret_hash;  // SHA-256 of a 256-bit random secret
  std::vector<std::string> grant_types;
  std::string callback_url;
  std::int64_t validity_seconds = 3600;  // lifetime of tokens issued to this client
  std::int64_t created_time = 0;
  std::string key_manager = std::string(kResidentKeyManager);  // or an external key manager's name
};

// An external identity provider whose JWTs the gateway accepts (Admin: /key-managers).
struct ExternalKeyManager {
  std::string id;
  std::string name;
  std::string display_name;
  std::string type = "custom";
  std::string description;
  std::string issuer;
  std::string jwks_url;
  std::string consumer_key_claim = "azp";
  std::string scopes_claim = "scope";
  bool enabled = true;
  std::string jwks;  // the last JWKS fetched (JSON), empty until the first fetch
  std::int64_t jwks_fetched_time = 0;
  std::int64_t created_time = 0;
};

struct Subscription {
  std::string id;
  std::string application_id;
  std::string api_id;
  std::string throttling_policy;
  std::string status = std::string(kSubscriptionUnblocked);
  std::int64_t created_time = 0;
};

// A token signing key of the resident Key Manager. The private key is sealed at rest.
struct SigningKeyRecord {
  std::string kid;
  std::string alg;
  std::string sealed_private_pem;
  std::string public_jwk;  // JSON
  std::int64_t created_time = 0;
  std::int64_t retired_time = 0;  // 0 while it signs new tokens
};

struct RevokedToken {
  std::string jti;
  std::int64_t expires_at = 0;  // epoch seconds; kept until then
};

// What is kept of an issued API key (the key itself, a self-contained JWT, is not): its jti as
// id, for whom and what it was issued, and whether it was revoked. An application's key names
// the application; a Publisher test key (POST /apis/{apiId}/generate-key) names the API instead.
struct ApiKeyRecord {
  std::string id;  // the JWT's jti (the product's keyUUID)
  std::string name;
  std::string application_id;  // empty for a test key
  std::string application_name;
  std::string api_id;  // test keys only
  std::string api_name;
  std::string key_type = "PRODUCTION";
  std::string owner;  // the application's owner, or the Publisher user of a test key
  std::int64_t issued_time = 0;    // epoch milliseconds
  std::int64_t validity_s = -1;    // -1: does not expire
  std::int64_t expires_at = 0;     // epoch seconds; 0: does not expire
  std::int64_t revoked_time = 0;   // epoch milliseconds; 0: not revoked
};

// A refresh token (RFC 6749 §6), stored by its SHA-256; each one can be used once (rotation).
struct RefreshToken {
  std::string token_hash;
  std::string consumer_key;
  std::string subject;
  std::string scope;
  std::int64_t expires_at = 0;  // epoch seconds
  bool used = false;
  std::string family_id;  // its token family; empty for tokens issued before families existed
};

// An authorization code (RFC 6749 §4.1) bound to its client, redirect URI and PKCE challenge
// (RFC 7636, S256); stored by its SHA-256, usable once, for a minute.
struct AuthorizationCode {
  std::string code_hash;
  std::string consumer_key;
  std::string redirect_uri;
  std::string subject;
  std::string scope;
  std::string code_challenge;
  std::int64_t expires_at = 0;  // epoch seconds
  bool used = false;
  std::string family_id;  // the token family the tokens issued for it join
};

// What one token response adds to a token family (RFC 9700 §4.14, RFC 6749 §4.1.2): an
// authorization code or a password grant, the tokens issued for it and every token issued by
// refreshing down that chain share one family id. A used code or refresh token presented again
// revokes the whole family, so the access tokens are kept (jti, expiry) until they expire.
struct FamilyIssue {
  std::string family_id;
  std::string access_jti;
  std::int64_t access_expires_at = 0;   // epoch seconds
  std::optional<RefreshToken> refresh;  // with family_id set
};

// What a gateway needs to authorise calls, read in one transaction.
struct SecurityState {
  std::vector<Application> applications;
  std::vector<KeyMapping> key_mappings;  // secrets never leave the control plane: hashes cleared
  std::vector<Subscription> subscriptions;
  std::vector<RevokedToken> revoked_tokens;
  std::vector<std::string> public_jwks;  // JSON, current and retired-but-trusted keys
  std::vector<ExternalKeyManager> external_key_managers;  // enabled ones
  std::vector<ThrottlePolicy> policies;          // every level (subscription, application, advanced)
  std::vector<BlockCondition> block_conditions;  // enabled ones only
  std::string environment_type = "hybrid";       // of the gateway's environment: hybrid, production, sandbox
  PolicyFlows gateway_policies;  // of the gateway's environment (/gateway-policies), custom policies expanded
  std::vector<EndpointCertificate> endpoint_certificates;
  std::vector<ClientCertificate> client_certificates;
};

}  // namespace archway::domain
