#pragma once
// RuntimeSnapshot: everything the gateway needs to serve requests, immutable once built — routes,
// endpoints, and the in-memory map used to authorise calls (clients, applications, subscriptions,
// revoked tokens, trusted keys). A change makes a new one that replaces the old atomically;
// requests in flight keep the one they began with. Snapshots made one after another share all
// that a change did not touch (see SnapshotBuilder): compiled APIs, route buckets, map shards.
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
#include "gateway/gateway_metrics.h"
#include "gateway/mediation.h"
#include "gateway/router.h"
#include "gateway/sharded_map.h"
#include "openapi/operation_validator.h"
#include "traffic/policy_set.h"

struct x509_store_st;

namespace archway::gateway {

using common::StringHash;
using common::StringMap;
using common::StringSet;

struct EndpointGroup;
class Filter;
class GatewayMetrics;

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
  // The filters a request to this operation runs through, in order (filter.h, compose_chain).
  std::vector<std::shared_ptr<const Filter>> filters;
  // Its hold on its counters in GatewayMetrics (gateway_metrics.h), carried over between snapshots
  // and freed with the last snapshot holding the operation; index 0 when built without metrics.
  MetricsSlot metrics_slot;
  std::string metrics_api;  // the API label: "name:version"
  // In an API product: the bundled API the operation comes from (analytics names it, and the
  // product beside it); empty in a plain API.
  std::string source_api_id;
  std::string source_api_name;
  std::string source_api_version;
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

// Interned: one copy of each distinct status and tier name, shared by every entry (never freed).
struct SubscriptionRuntime {
  std::string_view status;
  std::string_view tier;
  const traffic::Policy* policy = nullptr;  // none when Unlimited or unknown
};

struct ApiRuntime {
  std::string id;
  std::uint32_t handle = 0;  // the API's number in this process: the key of its subscriptions
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
  bool is_product = false;  // an API product: its operations come from the APIs it bundles
  bool oauth2 = true;    // securityScheme allows Bearer access tokens
  bool api_key = false;  // securityScheme allows API keys (apikey header)
  bool backend_jwt = false;
  bool basic_auth = false;  // securityScheme allows HTTP Basic with the users of the control plane
  // Mutual SSL (securityScheme mutualssl): a caller presenting one of the API's client certificates
  // over TLS is let in with the certificate's key type and tier. With mutualssl_mandatory such a
  // certificate is required; with oauth_basic_auth_api_key_mandatory the other schemes are too.
  // Otherwise either suffices.
  bool mutual_tls = false;
  bool mutual_tls_mandatory = false;
  bool app_auth_mandatory = false;
  std::string authorization_header;  // the header carrying the credential; empty: Authorization
  StringMap<std::vector<std::string>> scope_roles;  // API scope -> roles bound to it
  std::string versioned_context;  // context + "/" + version, as deny policies name it
  bool is_default_version = false;  // also routed at the context without the version
  const traffic::Policy* advanced = nullptr;  // API-level advanced policy (overrides resource ones)
  std::int64_t max_tps_production = 0;        // backend limits (maxTps); 0 = none
  std::int64_t max_tps_sandbox = 0;
  CompiledCors cors;  // corsConfiguration: preflight answered by the gateway
  // The API's lifecycle state: BLOCKED answers 503 (code 700700) to every call; PROTOTYPED
  // needs no subscription (a valid credential of any application will do).
  bool blocked = false;
  bool prototyped = false;
  // audiences: an access token's aud claim must hold one of them (empty: not checked).
  std::vector<std::string> audiences;
};

struct ApplicationRuntime {
  std::string id;
  std::string name;
  std::string owner;
  std::string tier;
  const traffic::Policy* policy = nullptr;  // none when Unlimited or unknown
};

struct ClientRuntime {
  std::uint32_t application = 0;  // the application's handle: RuntimeSnapshot::application()
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
  // The trust store of HTTPS backends (`gateway.trust_store`; empty: the system's). Endpoint
  // certificates are trusted in addition to it, for their endpoint.
  std::string trust_store;
  // Where operations get their metrics slots (shared with the GatewayServer); null: no slots.
  GatewayMetrics* metrics = nullptr;
};

// A client certificate of an API, as the mutual TLS filter finds it.
struct ClientCertRuntime {
  std::string api_id;
  std::string alias;
  bool sandbox = false;
  std::string_view tier;                    // interned
  const traffic::Policy* policy = nullptr;  // none when Unlimited or unknown
};

struct X509StoreFree {
  void operator()(x509_store_st* s) const;
};

// The certificates of a snapshot, compiled: client certificates by SHA-256 fingerprint (32 raw
// bytes), and per backend origin ("https://host:port") the trust store its endpoint certificates
// make (the base trust store and them).
struct CertificateTables {
  StringMap<std::vector<ClientCertRuntime>> clients;
  StringMap<std::shared_ptr<x509_store_st>> backend_trust;
};

class SnapshotBuilder;

class RuntimeSnapshot {
 public:
  // Compiles deployed APIs into routes and the security state into lookup tables. APIs that cannot
  // be served (no production endpoint, a path clash with an API already placed) are skipped and
  // described in `warnings`. (A SnapshotBuilder does the same and then follows changes.)
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
  // The APIs served, in the order they were deployed (a redeployed API keeps its place).
  const std::vector<std::shared_ptr<const ApiRuntime>>& apis() const { return *apis_; }
  const ApplicationRuntime* application(std::uint32_t handle) const { return applications_.find(handle); }
  // The handle of the application with that id (API keys name their application by id).
  const std::uint32_t* application_handle(std::string_view id) const { return application_handles_.find(id); }
  const ClientRuntime* client(std::string_view consumer_key) const { return clients_.find(consumer_key); }
  // A client of an external key manager, by the key manager's name and the token's consumer key.
  const ClientRuntime* external_client(std::string_view key_manager, std::string_view consumer_key) const;
  const ExternalIssuer* issuer(std::string_view iss) const;
  // The application's subscription to the API, if any.
  const SubscriptionRuntime* subscription(const ApiRuntime& api, std::uint32_t application) const {
    return subscriptions_.find(subscription_key(api.handle, application));
  }
  const crypto::VerificationKey* key(std::string_view kid) const;
  bool revoked(std::string_view jti) const { return revoked_.find(jti) != nullptr; }
  // Whether the gateway's environment serves tokens of this key type (a production environment
  // refuses SANDBOX keys, a sandbox one PRODUCTION keys).
  bool serves_key_type(bool sandbox) const { return sandbox ? !production_only_ : !sandbox_only_; }
  const SnapshotSettings& settings() const { return *settings_; }
  // The client certificate of `api_id` with that fingerprint (32 bytes), or null.
  const ClientCertRuntime* client_certificate(std::string_view fingerprint, std::string_view api_id) const;
  // The trust store for an HTTPS backend at `origin` (a pool key) when endpoint certificates apply
  // to it; null: the gateway's client TLS context decides alone.
  x509_store_st* backend_trust(std::string_view origin) const;
  // Throttling and deny policies; never null.
  const traffic::PolicySet& policies() const { return *policies_; }
  // The tier of unauthenticated operations, counted per client IP (none when Unlimited).
  const traffic::Policy* unauthenticated_policy() const { return unauthenticated_; }
  std::uint64_t generation() const { return generation_; }

  // Everything the snapshot holds, one sorted line per fact (routes, applications, clients,
  // subscriptions, revocations, keys, issuers, policies): equal texts, equal behaviour. For tests
  // and diagnostics.
  std::string describe() const;

  static std::uint64_t subscription_key(std::uint32_t api, std::uint32_t application) {
    return (static_cast<std::uint64_t>(api) << 32) | application;
  }

 private:
  friend class SnapshotBuilder;
  using IdMap = ShardedMap<std::string, std::uint32_t, common::FastStringHash, std::equal_to<>>;
  using ClientMap = ShardedMap<std::string, ClientRuntime, common::FastStringHash, std::equal_to<>>;

  std::shared_ptr<const std::vector<std::shared_ptr<const ApiRuntime>>> apis_;
  Router router_;
  ShardedMap<std::uint32_t, ApplicationRuntime> applications_;  // by handle
  IdMap application_handles_;                                   // application id -> handle
  IdMap api_handles_;                                           // API id -> handle
  ClientMap clients_;                                           // consumer key -> client
  ClientMap external_clients_;                                  // "<key manager>\n<consumer key>"
  ShardedMap<std::uint64_t, SubscriptionRuntime, std::hash<std::uint64_t>, std::equal_to<>, 10> subscriptions_;
  ShardedMap<std::string, std::int64_t, common::FastStringHash, std::equal_to<>> revoked_;  // jti -> expires_at
  std::shared_ptr<const StringMap<ExternalIssuer>> issuers_;
  std::shared_ptr<const StringMap<crypto::VerificationKey>> keys_;
  std::shared_ptr<const SnapshotSettings> settings_;
  std::shared_ptr<const traffic::PolicySet> policies_;
  std::shared_ptr<const CertificateTables> certificates_;  // null: none
  const traffic::Policy* unauthenticated_ = nullptr;
  bool production_only_ = false;
  bool sandbox_only_ = false;
  std::uint64_t generation_ = 0;
};

}  // namespace archway::gateway
