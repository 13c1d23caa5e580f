// Header policies (addHeader, setHeader, removeHeader, in their order) of the request flow on the
// request and of the response flow on the backend's response header, and rewriteMethod (only from
// currentMethod when given). Path and query rewrites are applied where the upstream target is built.
#include "gateway/filters/filters.h"
#include "gateway/mediation.h"

namespace archway::gateway::filters {

namespace {

class HeaderMediation final : public Filter {
 public:
  std::string_view name() const override { return "header_mediation"; }
  Flow on_request(Call& call) const override {
    const CompiledFlow& flow = call.op.request;
    apply_header_ops(flow.headers, call.request.fields);
    if (!flow.method.empty() && (flow.current_method.empty() || flow.current_method == call.request.method_string()))
      call.request.method(flow.method);
    return Flow::kNext;
  }
  void on_response(Call& call, ResponseHeader& response) const override {
    apply_header_ops(call.op.response.headers, response.fields);
  }
};

}  // namespace

const Filter& header_mediation() {
  static const HeaderMediation instance;
  return instance;
}

}  // namespace archway::gateway::filters
