// CORS on responses (corsConfiguration, or the gateway's default): a request from an allowed Origin
// gets Access-Control-Allow-Origin (the origin itself with Vary: Origin when origins are listed or
// credentials allowed) and Access-Control-Allow-Credentials. Preflights are answered before routing
// reaches an operation (the session), cached answers where they are written.
#include "gateway/filters/cors.h"

#include <boost/beast/http/field.hpp>

#include "gateway/filters/filters.h"

namespace archway::gateway::filters {

namespace {

namespace bhttp = boost::beast::http;

class Cors final : public Filter {
 public:
  std::string_view name() const override { return "cors"; }
  Flow on_request(Call& call) const override {
    if (auto allowed = call.api.cors.allow_origin(call.request[bhttp::field::origin])) call.cors_origin.assign(*allowed);
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

std::optional<bhttp::response<bhttp::empty_body>> preflight_answer(const RuntimeSnapshot& snapshot,
                                                                  const ClientRequest& request, std::string_view path) {
  if (request.method() != bhttp::verb::options) return std::nullopt;
  const std::string_view requested = request[bhttp::field::access_control_request_method];
  const std::string_view origin = request[bhttp::field::origin];
  if (requested.empty() || origin.empty()) return std::nullopt;
  const RouteMatch m = snapshot.router().match(requested, path);
  if (m.status != MatchStatus::kFound || !m.api->cors.enabled) return std::nullopt;
  const CompiledCors& cors = m.api->cors;
  bhttp::response<bhttp::empty_body> res{bhttp::status::no_content, request.version()};
  if (auto allowed = cors.allow_origin(origin)) {
    res.set(bhttp::field::access_control_allow_origin, *allowed);
    res.set(bhttp::field::access_control_allow_methods, cors.methods);
    res.set(bhttp::field::access_control_allow_headers, cors.headers);
    if (cors.credentials) res.set(bhttp::field::access_control_allow_credentials, "true");
    if (*allowed != "*") res.set(bhttp::field::vary, "Origin");
  }
  return res;
}

const Filter& cors() {
  static const Cors instance;
  return instance;
}

}  // namespace archway::gateway::filters
