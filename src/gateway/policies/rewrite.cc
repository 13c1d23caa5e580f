// rewriteMethod (only from currentMethod when given) and rewritePath (a template filled from the
// operation's {param} segments; includeQueryParams keeps the query).
#include "gateway/policies/policies.h"

namespace archway::gateway::policies {

void rewrite_method(const domain::PolicyRef& use, CompiledFlow& flow) {
  flow.method = param(use, "updatedMethod");
  flow.current_method = param(use, "currentMethod");
}

void rewrite_path(const domain::PolicyRef& use, CompiledFlow& flow) {
  flow.path = param(use, "resourcePath");
  flow.keep_query = param(use, "includeQueryParams", "true") == "true";
}

}  // namespace archway::gateway::policies
