// mockResponse: the gateway answers itself (request flow), or replaces an error's body (fault flow;
// without statusCode the error keeps its status).
#include <charconv>

#include "gateway/policies/policies.h"

namespace archway::gateway::policies {

void mock_response(const domain::PolicyRef& use, CompiledFlow& flow) {
  CompiledFlow::Mock m;
  const std::string status = param(use, "statusCode", "200");
  std::from_chars(status.data(), status.data() + status.size(), m.status);
  m.status_given = use.parameters.count("statusCode") > 0;
  m.content_type = param(use, "contentType", "application/json");
  m.body = param(use, "body");
  flow.mock = std::move(m);
}

}  // namespace archway::gateway::policies
