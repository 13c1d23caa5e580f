#pragma once
// ConfigChange: one change to what a gateway serves, as the change feed hands it on. Each names one
// entity and carries its state after the change (absent: it is gone), so applying a change twice or
// late does no harm, and a sequence of them can be sent to a remote gateway as it is. A gateway that
// applies every change in order holds the same state as one that loads everything afresh.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/api.h"
#include "domain/application.h"
#include "domain/policy.h"

namespace archway::domain {

// The deployed copy of an API in the gateway's environment; none: not deployed there (any more).
// `deleted`: the API itself is gone, and with it every subscription to it.
struct ApiChange {
  std::string api_id;
  std::optional<DeployedApi> deployed;
  bool deleted = false;
};

// An application's own fields; none: deleted, with its keys and subscriptions.
struct ApplicationChange {
  std::string id;
  std::optional<Application> application;
};

// Every key mapping (OAuth2 client) of one application, resident and external (secrets cleared).
struct KeysChange {
  std::string application_id;
  std::vector<KeyMapping> keys;
};

// A subscription as it is now; none: removed, and then `application_id` and `api_id` say which
// (empty when the change log did not say: a subscription made and removed between two reads).
struct SubscriptionChange {
  std::string id;
  std::optional<Subscription> subscription;
  std::string application_id;
  std::string api_id;
};

struct TokenRevoked {
  RevokedToken token;
};

// The application-tier counters of one user on one application start afresh (the DevPortal's
// reset-throttle-policy). Not state of the snapshot: the gateway's Traffic Manager applies it.
struct ThrottleReset {
  std::string application_id;
  std::string user;
};

// The small sets that change rarely, each carried whole.
struct PoliciesChange {
  std::vector<ThrottlePolicy> policies;          // every level
  std::vector<BlockCondition> block_conditions;  // enabled ones
};
struct SigningKeysChange {
  std::vector<std::string> public_jwks;  // current and retired-but-trusted
};
struct KeyManagersChange {
  std::vector<ExternalKeyManager> key_managers;  // enabled ones
};

// The type of the gateway's environment changed: which key types it serves.
struct EnvironmentChange {
  std::string type;  // hybrid, production or sandbox
};

// The gateway policies of the gateway's environment changed (deployed, undeployed or edited):
// every API runs them first, so every API is compiled again.
struct GatewayPoliciesChange {
  PolicyFlows flows;  // custom policies expanded
};

// Endpoint and client certificates, carried whole (a small set that changes rarely).
struct CertificatesChange {
  std::vector<EndpointCertificate> endpoint_certificates;
  std::vector<ClientCertificate> client_certificates;
};

using ConfigChange = std::variant<ApiChange, ApplicationChange, KeysChange, SubscriptionChange, TokenRevoked,
                                  PoliciesChange, SigningKeysChange, KeyManagersChange, EnvironmentChange,
                                  ThrottleReset, GatewayPoliciesChange, CertificatesChange>;

}  // namespace archway::domain
