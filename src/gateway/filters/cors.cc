// CORS on responses (corsConfiguration, or the gateway's default): a request from an allowed Origin
// gets Access-Control-Allow-Origin (the origin itself with Vary: Origin when origins are listed or
// credentials allowed) and Access-Control-Allow-Credentials. Preflights are answered before routing
// reaches an operation (the session), cached answers where they are written.
#include "gateway/filters/cors.h"

#include "gateway/filters/filters.h"

namespace archway::gateway::filters {

namespace {

using http::h1::FieldId;

class Cors final : public Filter {
 public:
  std::string_view name() const override { return "cors"; }
  Flow on_request(Call& call) const override {
    if (auto allowed = call.api.cors.allow_origin(call.request[FieldId::kOrigin])) call.cors_origin.assign(*allowed);
    return Flow::kNext;
  }
  void on_response(Call& call, ResponseHeader& response) const override {
    if (call.cors_origin.empty()) return;
    response.fields.set("Access-Control-Allow-Origin", call.cors_origin);
    if (call.api.cors.credentials) response.fields.set("Access-Control-Allow-Credentials", "true");
    if (call.cors_origin != "*") response.fields.set(http::h1::FieldId::kVary, "Origin");
  }
};

}  // namespace

bool preflight_answer(const RuntimeSnapshot& snapshot, const RequestHeader& request, std::string_view path,
                      http::h1::Fields& answer) {
  if (request.method() != http::h1::Method::kOptions) return false;
  const std::string_view requested = request[std::string_view("Access-Control-Request-Method")];
  const std::string_view origin = request[FieldId::kOrigin];
  if (requested.empty() || origin.empty()) return false;
  const RouteMatch m = snapshot.router().match(requested, path);
  if (m.status != MatchStatus::kFound || !m.api->cors.enabled) return false;
  const CompiledCors& cors = m.api->cors;
  answer.clear();
  if (auto allowed = cors.allow_origin(origin)) {
    answer.set("Access-Control-Allow-Origin", *allowed);
    answer.set("Access-Control-Allow-Methods", cors.methods);
    answer.set("Access-Control-Allow-Headers", cors.headers);
    if (cors.credentials) answer.set("Access-Control-Allow-Credentials", "true");
    if (*allowed != "*") answer.set(FieldId::kVary, "Origin");
  }
  return true;
}

const Filter& cors() {
  static const Cors instance;
  return instance;
}

}  // namespace archway::gateway::filters
