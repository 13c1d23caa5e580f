#pragma once
// Publisher REST API v4 (/api/am/publisher/v4), WSO2 API Manager 4.x paths and JSON shapes.
#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "http/rest_router.h"
#include "publisher/api_service.h"
#include "identity/authenticator.h"
#include "workflow/approvals.h"

namespace archway::publisher {

inline constexpr std::string_view kPublisherBase = "/api/am/publisher/v4";

// kPublisherBase + `suffix` ("/apis/{apiId}").
inline std::string publisher_path(std::string_view suffix) {
  return std::string(kPublisherBase) + std::string(suffix);
}

// The product's APIRevisionDeployment.
boost::json::object deployment_json(const domain::Deployment& d);

// `apis` serves /apis, `products` (ApiKind::kProduct) /api-products. Lifecycle changes and
// revision deployments wait for approval when `approvals` says so.
void add_publisher_routes(http::RestRouter& router, ApiService& apis, ApiService& products,
                          identity::Authenticator& auth, workflow::Approvals& approvals);

// What approving the Publisher's tasks does: the lifecycle change or the deployment is applied
// as its requester asked (rejecting drops it).
void add_approval_completions(workflow::Approvals& approvals, ApiService& apis, ApiService& products);

}  // namespace archway::publisher
