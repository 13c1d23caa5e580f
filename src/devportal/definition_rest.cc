#include "devportal/definition_rest.h"

#include <fmt/format.h>

#include "common/problem.h"
#include "devportal/devportal_rest.h"
#include "devportal/visibility.h"
#include "publisher/openapi_rest.h"

namespace archway::devportal {

using common::Problem;
using common::ProblemError;
using http::RestRequest;

void add_definition_routes(http::RestRouter& r, store::Store& store, publisher::OpenApiService& openapi,
                           identity::Authenticator& auth) {
  r.add("GET", std::string(kDevportalBase) + "/apis/{apiId}/swagger", [&](RestRequest& req) {
    const auto reader = reader_of(auth, req);
    const std::string& id = req.path_params["apiId"];
    auto api = store.get_api(id);
    if (!api || !shown_to(*api, reader))
      throw ProblemError(Problem::not_found(fmt::format("API '{}' not found", id)));
    return publisher::definition_response(req, 200, portal_definition(openapi, *api));
  });
}

boost::json::object portal_definition(publisher::OpenApiService& openapi, const domain::Api& api) {
  boost::json::object doc = openapi.export_definition(api);
  // Where the gateway sends requests is the publisher's business, not the developer's.
  doc.erase("x-wso2-production-endpoints");
  doc.erase("x-wso2-sandbox-endpoints");
  return doc;
}

}  // namespace archway::devportal
