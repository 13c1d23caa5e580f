// Payload policies (jsonToXml, xmlToJson, jsonTransform, ...) of the request flow on the request's
// body and of the response flow on the backend's, each read whole (gateway.max_transform_bytes).
// A request body they cannot transform is the client's mistake (400); a response body, the
// backend's (502). Both go through the operation's fault flow.
#include "gateway/filters/filters.h"
#include "gateway/payload.h"

namespace archway::gateway::filters {

namespace {

class PayloadMediation final : public Filter {
 public:
  std::string_view name() const override { return "payload_mediation"; }

  Flow on_request(Call& call) const override {
    // The response policies need a body they can read: no compressed answers from the backend.
    if (!call.op.response.body.empty()) call.request.erase(http::h1::FieldId::kAcceptEncoding);
    return Flow::kNext;
  }

  bool reads_request_body(const Call& call) const override { return !call.op.request.body.empty() && !call.body_done; }

  Flow on_request_body(Call& call, std::string& body, std::string& content_type) const override {
    if (call.op.request.body.empty()) return Flow::kNext;
    PayloadResult r = run_body_steps(call.op.request.body, body, content_type);
    if (!r.ok()) return fault(call, {400, 101410, "Invalid request payload", r.error});
    body = std::move(r.body);
    return Flow::kNext;
  }

  // A response already complete (no body: 204, 304, Content-Length 0) goes through untouched.
  bool reads_response_body(const Call& call, const ResponseHeader&, bool complete) const override {
    return !call.op.response.body.empty() && !call.head && !complete;
  }

  Flow on_response_body(Call& call, ResponseHeader&, std::string& body, std::string& content_type) const override {
    if (call.op.response.body.empty() || body.empty()) return Flow::kNext;
    PayloadResult r = run_body_steps(call.op.response.body, body, content_type);
    if (!r.ok()) return fault(call, {502, 101505, "Invalid response from the back end", r.error});
    body = std::move(r.body);
    return Flow::kNext;
  }
};

}  // namespace

const Filter& payload_mediation() {
  static const PayloadMediation instance;
  return instance;
}

}  // namespace archway::gateway::filters
