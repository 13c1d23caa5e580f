// addHeader, setHeader, removeHeader: header operations, applied in order to the request (request
// flow) or the backend's response header (response and fault flows).
#include "gateway/policies/policies.h"

namespace archway::gateway::policies {

using Kind = CompiledFlow::HeaderOp::Kind;

void add_header(const domain::PolicyRef& use, CompiledFlow& flow) {
  flow.headers.push_back({Kind::kAdd, param(use, "headerName"), param(use, "headerValue")});
}

void set_header(const domain::PolicyRef& use, CompiledFlow& flow) {
  flow.headers.push_back({Kind::kSet, param(use, "headerName"), param(use, "headerValue")});
}

void remove_header(const domain::PolicyRef& use, CompiledFlow& flow) {
  flow.headers.push_back({Kind::kRemove, param(use, "headerName"), ""});
}

}  // namespace archway::gateway::policies
