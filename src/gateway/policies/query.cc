// addQueryParam, removeQueryParam: edits of the query string toward the backend.
#include "gateway/policies/policies.h"

namespace archway::gateway::policies {

void add_query_param(const domain::PolicyRef& use, CompiledFlow& flow) {
  flow.add_query.emplace_back(param(use, "paramKey"), param(use, "paramValue"));
}

void remove_query_param(const domain::PolicyRef& use, CompiledFlow& flow) {
  flow.remove_query.push_back(param(use, "paramKey"));
}

}  // namespace archway::gateway::policies
