#pragma once
// RuntimeSnapshot: everything the gateway needs to serve requests, immutable once built — routes,
// endpoints, and the in-memory map used to authorise calls (clients, applications, subscriptions,
// revoked tokens, trusted keys). A change builds a new one that replaces the old atomically;
// requests in flight keep the one they began with.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/string_map.h"
#include "crypto/jwk.h"
#include "domain/api.h"
#include "domain/application.h"
#include "domain/url.h"
#include "gateway/endpoint_health.h"
#include "gateway/mediation.h"
#include "gateway/router.h"
#include "openapi/operation_validator.h"
#include "traffic/policy_set.h"

namespace archway::gateway {

using common::StringHash;
using common::StringMap;
using common::StringSet;

struct EndpointGroup;

struct OperationRuntime {
  std::string verb;
  std::string target;
  std::string auth_type;
  std::string throttling_policy;
  bool secured = true;  // authType other than "None"
  std::vector<std::string> scopes;  // a token needs one of them (empty: none needed)
  const traffic::Policy* advanced = nullptr;  // resource-level advanced policy (none when Unlimited)
  std::string resource;                       // "GET /items/{id}": the key of resource limits
  CompiledFlow request;   // the API's request policies, then the operation's
  CompiledFlow response;  // the API's response policies, then the operation's
  CompiledFlow fault;     // the API's fault policies, then the operation's: on errors the gateway answers
  std::int64_t cache_ttl_ms = 0;  // response caching (the operation's setting, else the API's): 0 = off
  // Where the operation is sent: its API's endpoints, or in an API product the endpoints of the API
  // the operation comes from. Owned by the ApiRuntime; production is never null once built.
  const EndpointGroup* production = nullptr;
  const EndpointGroup* sandbox = nullptr;
  // Schema validation (enableSchemaValidation), compiled from the API's definition: null when off or
  // when the definition does not describe the operation.
  std::shared_ptr<const openapi::OperationValidator> validator;
  bool validate_response = false;  // enableResponseSchemaValidation
};

struct EndpointRuntime;

// OAUTH endpoint security: the token request, precomputed. Each worker keeps the token it got
// (keyed by `key`) until shortly before it expires.
struct BackendOAuth {
  std::shared_ptr<const EndpointRuntime> token_endpoint;
  std::string target;       // the token URL's path
  std::string client_auth;  // "Basic base64(urlencode(client_id):urlencode(client_secret))"
  std::string form;         // "grant_type=client_credentials&..." (application/x-www-form-urlencoded)
  std::string token_url;    // for messages
  std::string key;          // identity of the credentials: token URL, client, form
};

// DIGEST endpoint security (RFC 7616): each worker answers the backend's challenge, remembered per
// endpoint (keyed by `key` and the endpoint's pool key), on every request after the first.
struct BackendDigest {
  std::string username;
  std::string password;
  std::string key;
};

// Credentials added to every request toward the backend (endpoint_security), precomputed.
struct BackendCredentials {
  std::string header_name;   // Authorization, or the API key header; empty: none
  std::string header_value;
  std::string query_param;   // "name=value", percent-encoded; empty: none
  std::shared_ptr<const BackendOAuth> oauth;  // set: "Authorization: Bearer <token from oauth>"
  std::shared_ptr<const BackendDigest> digest;  // set: "Authorization: Digest ..." once challenged
};

struct EndpointRuntime {
  domain::BackendUrl url;
  std::string pool_key;   // upstream pool key: scheme://host:port
  std::string authority;  // Host header toward the backend
  std::int64_t timeout_ms = 0;          // read timeout; 0: the gateway's default upstream timeout
  std::int64_t connect_timeout_ms = 0;  // 0: the gateway's default connect timeout
  std::uint32_t retry_count = 0;        // extra attempts of an idempotent request
  std::int64_t retry_delay_ms = 0;
  FailurePolicy failures;
  std::shared_ptr<EndpointHealth> health;  // never null; outlives snapshots (per process)
};

// The endpoints of one key type. A request tries first() and, when connecting fails before anything
// was sent, the members after it in turn (each at most once).
struct EndpointGroup {
  enum class Mode { kSingle, kLoadBalance, kFailover };
  Mode mode = Mode::kSingle;
  std::vector<EndpointRuntime> members;  // failover: the primary first, then the failovers in order
  // load_balance: member indices in smooth weighted round-robin order (weights 3:1 -> 0 0 1 0)
  std::vector<std::uint32_t> schedule;

  // The member a new request starts with: load_balance takes the schedule's next, others the first.
  std::size_t first() const {
    if (schedule.empty()) return 0;
    // Relaxed: only the rotation matters, not ordering with other memory.
    return schedule[turn_.fetch_add(1, std::memory_order_relaxed) % schedule.size()];
  }
  std::size_t after(std::size_t i) const { return (i + 1) % members.size(); }
  const EndpointRuntime& primary() const { return members.front(); }

  mutable std::atomic<std::uint64_t> turn_{0};
  BackendCredentials credentials;  // the key type's endpoint_security (empty: none)
};

// Smooth weighted round robin (as nginx): spreads heavy members instead of bunching them.
std::vector<std::uint32_t> weighted_schedule(const std::vector<std::int64_t>& weights);

struct SubscriptionRuntime {
  std::string status;
  std::string tier;
  const traffic::Policy* policy = nullptr;  // none when Unlimited or unknown
};

struct ApiRuntime {
  std::string id;
  std::string revision_id;
  std::uint64_t deployment = 0;  // differs on every (re)deployment: part of response cache keys
  std::vector<std::string> cache_key_headers;  // request headers that are part of response cache keys
  std::string name;
  std::string context;
  std::string version;
  std::optional<EndpointGroup> production;
  std::optional<EndpointGroup> sandbox;
  // An API product's operations go to their own APIs' endpoints, kept here (production, sandbox).
  std::vector<std::unique_ptr<EndpointGroup>> product_endpoints;
  std::vector<OperationRuntime> operations;
  std::unordered_map<std::uint32_t, SubscriptionRuntime> subscriptions;  // by application index
  bool oauth2 = true;    // securityScheme allows Bearer access tokens
  bool api_key = false;  // securityScheme allows API keys (apikey header)
  bool backend_jwt = false;
  bool basic_auth = false;  // securityScheme allows HTTP Basic with the users of the control plane
  std::string authorization_header;  // the header carrying the credential; empty: Authorization
  StringMap<std::vector<std::string>> scope_roles;  // API scope -> roles bound to it
  std::string versioned_context;  // context + "/" + version, as deny policies name it
  const traffic::Policy* advanced = nullptr;  // API-level advanced policy (overrides resource ones)
  std::int64_t max_tps_production = 0;        // backend limits (maxTps); 0 = none
  std::int64_t max_tps_sandbox = 0;
  CompiledCors cors;  // corsConfiguration: preflight answered by the gateway
  // The API's lifecycle state: BLOCKED answers 503 (code 700700) to every call; PROTOTYPED
  // needs no subscription (a valid credential of any application will do).
  bool blocked = false;
  bool prototyped = false;
};

struct ApplicationRuntime {
  std::string id;
  std::string name;
  std::string owner;
  std::string tier;
  const traffic::Policy* policy = nullptr;  // none when Unlimited or unknown
};

struct ClientRuntime {
  std::uint32_t application = 0;  // index into applications()
  bool sandbox = false;
};


// An external key manager whose tokens the gateway accepts.
struct ExternalIssuer {
  std::string name;
  std::string consumer_key_claim;
  std::string scopes_claim;
  StringMap<crypto::VerificationKey> keys;  // by kid
};

struct SnapshotSettings {
  std::string issuer;  // tokens of the resident Key Manager carry this iss
  std::int64_t leeway_s = 30;
  // Opens a secret sealed at rest (endpoint_security); unset or nullopt: the endpoint is left
  // without credentials and a warning says why.
  std::function<std::optional<std::string>(std::string_view)> open_secret;
  // CORS for APIs that have none of their own (`gateway.cors_*`): lets the Developer Portal's
  // try-it and other browser clients call APIs, as the product's global CORS setting does.
  domain::CorsConfiguration default_cors;
};

class RuntimeSnapshot {
 public:
  // Compiles deployed APIs into routes and the security state into lookup tables. APIs that cannot
  // be served (no production endpoint, a path clash with an API already placed) are skipped and
  // described in `warnings`.
  static std::shared_ptr<const RuntimeSnapshot> build(const std::vector<domain::DeployedApi>& apis,
                                                      const domain::SecurityState& security,
                                                      const SnapshotSettings& settings, std::uint64_t generation,
                                                      std::vector<std::string>* warnings = nullptr);
  static std::shared_ptr<const RuntimeSnapshot> build(const std::vector<domain::DeployedApi>& apis,
                                                      std::uint64_t generation,
                                                      std::vector<std::string>* warnings = nullptr) {
    return build(apis, {}, {}, generation, warnings);
  }

  const Router& router() const { return router_; }
  const std::vector<std::unique_ptr<ApiRuntime>>& apis() const { return apis_; }
  const std::vector<ApplicationRuntime>& applications() const { return applications_; }
  const ClientRuntime* client(std::string_view consumer_key) const;
  // A client of an external key manager, by the key manager's name and the token's consumer key.
  const ClientRuntime* external_client(std::string_view key_manager, std::string_view consumer_key) const;
  const ExternalIssuer* issuer(std::string_view iss) const;
  // Index into applications() of the application with that id, or -1.
  std::int64_t application_index(std::string_view id) const;
  const crypto::VerificationKey* key(std::string_view kid) const;
  bool revoked(std::string_view jti) const { return revoked_.find(jti) != revoked_.end(); }
  const SnapshotSettings& settings() const { return settings_; }
  // Throttling and deny policies; never null.
  const traffic::PolicySet& policies() const { return *policies_; }
  // The tier of unauthenticated operations, counted per client IP (none when Unlimited).
  const traffic::Policy* unauthenticated_policy() const { return unauthenticated_; }
  std::uint64_t generation() const { return generation_; }

 private:
  std::vector<std::unique_ptr<ApiRuntime>> apis_;
  Router router_;
  std::vector<ApplicationRuntime> applications_;
  StringMap<ClientRuntime> clients_;
  StringMap<std::uint32_t> application_ids_;
  StringMap<ClientRuntime> external_clients_;  // "<key manager>\n<consumer key>"
  StringMap<ExternalIssuer> issuers_;
  StringMap<crypto::VerificationKey> keys_;
  StringSet revoked_;
  SnapshotSettings settings_;
  std::shared_ptr<const traffic::PolicySet> policies_;
  const traffic::Policy* unauthenticated_ = nullptr;
  std::uint64_t generation_ = 0;
};

}  // namespace archway::gateway
