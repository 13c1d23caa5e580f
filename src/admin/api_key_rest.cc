#include "admin/api_key_rest.h"

#include <boost/json.hpp>

#include "admin/admin_rest.h"
#include "common/clock.h"
#include "common/json.h"
#include "common/problem.h"
#include "identity/roles.h"

namespace archway::admin {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

json::value text_or_null(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

// The product's APIKey, with Archway's applicationId, apiId, status and expiresOn.
json::object api_key_json(const domain::ApiKeyRecord& k, std::int64_t now_s) {
  const char* status = k.revoked_time != 0                         ? "REVOKED"
                       : k.expires_at != 0 && k.expires_at < now_s ? "EXPIRED"
                                                                   : "ACTIVE";
  return json::object{
      {"keyUUID", k.id},
      {"keyName", k.name},
      {"apiName", text_or_null(k.api_name)},
      {"applicationName", text_or_null(k.application_name)},
      {"keyType", k.key_type},
      {"user", k.owner},
      {"issuedOn", k.issued_time},
      {"validityPeriod", k.validity_s},
      {"lastUsed", nullptr},
      {"applicationId", text_or_null(k.application_id)},
      {"apiId", text_or_null(k.api_id)},
      {"status", status},
      {"expiresOn", k.expires_at != 0 ? json::value(k.expires_at * 1000) : json::value(nullptr)}};
}

}  // namespace

void add_api_key_routes(http::RestRouter& r, identity::Authenticator& auth,
                        keymanager::KeyManager& km, store::Store& store) {
  auto admin = [&auth](const RestRequest& req) {
    auth.authorize(req, {domain::kRoleAdmin}, identity::kScopeAdmin);
  };

  // Newest first; ?limit= (default 1000) and ?offset= page through them.
  r.add("GET", admin_path("/api-keys"), [&store, admin](RestRequest& req) {
    admin(req);
    const std::int64_t limit = http::query_int(req, "limit", 1000, 1, 1000);
    const std::int64_t offset = http::query_int(req, "offset", 0, 0, INT64_MAX / 2);
    const std::int64_t now_s = common::now_millis() / 1000;
    json::array items;
    for (const auto& k : store.list_api_keys(limit, offset))
      items.push_back(api_key_json(k, now_s));
    json::object body = common::list_body(std::move(items));
    body["pagination"] =
        common::pagination_json(admin_path("/api-keys"), limit, offset, store.count_api_keys());
    return RestResponse::json(200, json::serialize(body));
  });

  // {"keyUUID": "..."} (the product's APIKeyRevokeRequest), or Archway's {"apikey": "<the key>"}.
  r.add("POST", admin_path("/api-keys/revoke"), [&store, &km, admin](RestRequest& req) {
    admin(req);
    const json::value v = common::parse_json_body(req.body);
    const json::object& o = common::as_object(v, "");
    std::string id = common::opt_string(o, "keyUUID", "keyUUID").value_or("");
    const std::string key = common::opt_string(o, "apikey", "apikey").value_or("");
    if (id.empty() && key.empty())
      throw ProblemError(Problem::bad_request("'keyUUID' (the API key's id) is required"));
    if (id.empty()) {
      auto from_key = km.api_key_id(key);
      if (!from_key)
        throw ProblemError(
            Problem::bad_request("'apikey' is not an API key this Key Manager issued"));
      id = *from_key;
    }
    const auto k = store.get_api_key(id);
    if (!k) throw ProblemError(Problem::not_found("API key '" + id + "' not found"));
    // Keys without an expiry keep their revocation mark for a century.
    const std::int64_t expires_at =
        k->expires_at != 0 ? k->expires_at : common::now_millis() / 1000 + 100LL * 365 * 24 * 3600;
    store.revoke_token({k->id, expires_at});
    return RestResponse::empty(200);
  });
}

}  // namespace archway::admin
