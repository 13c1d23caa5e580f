// CORS on responses (corsConfiguration, or the gateway's default): a request from an allowed Origin
// gets Access-Control-Allow-Origin (the origin itself with Vary: Origin when origins are listed or
// credentials allowed) and Access-Control-Allow-Credentials. Preflights are answered before routing
// reaches an operation (the session), cached answers where they are written.
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
    response.set(bhttp::field::access_control_allow_origin, call.cors_origin);
    if (call.api.cors.credentials) response.set(bhttp::field::access_control_allow_credentials, "true");
    if (call.cors_origin != "*") response.set(bhttp::field::vary, "Origin");
  }
};

}  // namespace

const Filter& cors() {
  static const Cors instance;
  return instance;
}

}  // namespace archway::gateway::filters
