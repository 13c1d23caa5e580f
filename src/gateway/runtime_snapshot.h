#pragma once
// RuntimeSnapshot: everything the gateway needs to serve requests, immutable once built. A change
// builds a new one that replaces the old atomically; requests in flight keep the one they began with.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/api.h"
#include "domain/url.h"
#include "gateway/router.h"

namespace archway::gateway {

struct OperationRuntime {
  std::string verb;
  std::string target;
  std::string auth_type;
  std::string throttling_policy;
};

struct ApiRuntime {
  std::string id;
  std::string revision_id;
  std::string name;
  std::string context;
  std::string version;
  std::optional<domain::BackendUrl> production;
  std::string production_key;        // upstream pool key: scheme://host:port
  std::string production_authority;  // Host header toward the backend
  std::optional<domain::BackendUrl> sandbox;
  std::int64_t timeout_ms = 0;  // 0: the gateway's default upstream timeout
  std::vector<OperationRuntime> operations;
};

class RuntimeSnapshot {
 public:
  // Compiles deployed APIs into routes. APIs that cannot be served (no production endpoint, a path
  // clash with an API already placed) are skipped and described in `warnings`.
  static std::shared_ptr<const RuntimeSnapshot> build(const std::vector<domain::DeployedApi>& apis,
                                                      std::uint64_t generation,
                                                      std::vector<std::string>* warnings = nullptr);

  const Router& router() const { return router_; }
  const std::vector<std::unique_ptr<ApiRuntime>>& apis() const { return apis_; }
  std::uint64_t generation() const { return generation_; }

 private:
  std::vector<std::unique_ptr<ApiRuntime>> apis_;
  Router router_;
  std::uint64_t generation_ = 0;
};

}  // namespace archway::gateway
