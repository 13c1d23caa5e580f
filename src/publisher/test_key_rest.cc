#include "publisher/test_key_rest.h"

#include <boost/json.hpp>

#include "identity/roles.h"
#include "publisher/publisher_rest.h"

namespace archway::publisher {

namespace json = boost::json;
using http::RestRequest;
using http::RestResponse;

void add_test_key_routes(http::RestRouter& r, ApiService& apis, keymanager::KeyManager& km,
                         identity::Authenticator& auth) {
  // The key is sent in the apikey header; the gateway admits it on this API only, without an
  // application or subscription, whatever the API's security scheme.
  r.add("POST", publisher_path("/apis/{apiId}/generate-key"),
        [&apis, &km, &auth](RestRequest& req) {
          const auto caller = auth.authorize(req, {domain::kRoleCreator, domain::kRolePublisher},
                                             identity::kScopeApiCreate)
                                  .user;
          const domain::Api api = apis.get(req.path_params["apiId"]);  // 404 for an unknown API
          const auto key = km.issue_test_key(api, caller.username, kTestKeyValidityS);
          return RestResponse::json(
              200, json::serialize(
                       json::object{{"apikey", key.api_key}, {"validityTime", key.validity_s}}));
        });
}

}  // namespace archway::publisher
