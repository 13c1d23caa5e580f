#include "admin/platform_gateway_rest.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "admin/admin_rest.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/problem.h"
#include "crypto/base64url.h"
#include "crypto/random.h"
#include "domain/url.h"
#include "identity/roles.h"

namespace archway::admin {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

[[noreturn]] void refuse(std::string d) { throw ProblemError(Problem::bad_request(std::move(d))); }

bool is_gateway_name(std::string_view s) {
  return s.size() >= 3 && s.size() <= 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

json::object gateway_json(const domain::PlatformGateway& g) {
  json::value properties = json::parse(g.properties);
  return json::object{
      {"id", g.id},
      {"name", g.name},
      {"displayName", g.display_name},
      {"description", g.description},
      {"properties", std::move(properties)},
      {"vhost", g.vhost},
      {"isActive", g.last_active_time > 0 && common::now_millis() - g.last_active_time < kGatewayActiveWithinMs},
      {"permissions", json::object{{"permissionType", g.permission_type},
                                   {"roles", json::array(g.roles.begin(), g.roles.end())}}},
      {"createdAt", common::iso8601_utc(g.created_time)},
      {"updatedAt", common::iso8601_utc(g.updated_time)}};
}

// A new registration token: 256 random bits, base64url; only its SHA-256 is stored.
std::string new_token(domain::PlatformGateway& g) {
  const std::string token = crypto::base64url_encode(crypto::random_bytes(32));
  g.token_hash = crypto::sha256_hex(token);
  return token;
}

// The fields every body (create and the full representation of PUT) carries.
void read_common(const json::object& o, domain::PlatformGateway& g) {
  g.display_name = common::opt_string(o, "displayName", "displayName").value_or("");
  if (g.display_name.empty() || g.display_name.size() > 128) refuse("'displayName' is required (1 to 128 characters)");
  g.description = common::opt_string(o, "description", "description").value_or("");
  if (g.description.size() > 1023) refuse("'description' must be at most 1023 characters");
  json::object props;
  if (const json::object* p = common::opt_object(o, "properties", "properties")) props = *p;
  g.properties = json::serialize(props);
  if (g.properties.size() > 64 * 1024) refuse("'properties' must be at most 64 KiB");
  g.permission_type = "PUBLIC";
  g.roles.clear();
  if (const json::object* perm = common::opt_object(o, "permissions", "permissions")) {
    g.permission_type = common::opt_string(*perm, "permissionType", "permissions.permissionType").value_or("PUBLIC");
    if (g.permission_type != "PUBLIC" && g.permission_type != "ALLOW" && g.permission_type != "DENY")
      refuse(fmt::format("'permissions.permissionType' must be PUBLIC, ALLOW or DENY, got '{}'", g.permission_type));
    if (const json::array* roles = common::opt_array(*perm, "roles", "permissions.roles"))
      for (std::size_t i = 0; i < roles->size(); ++i) {
        const json::value& r = (*roles)[i];
        if (!r.is_string() || r.get_string().empty() || r.get_string().size() > 255)
          refuse(fmt::format("'permissions.roles[{}]' must be a role name", i));
        g.roles.emplace_back(r.get_string());
      }
    if (g.permission_type != "PUBLIC" && g.roles.empty())
      refuse("'permissions.roles' must name at least one role for ALLOW or DENY");
  }
}

std::string vhost_of(const json::object& o) {
  const std::string vhost = common::opt_string(o, "vhost", "vhost").value_or("");
  std::string why;
  if (vhost.empty() || !domain::valid_endpoint_url(vhost, &why))
    refuse(fmt::format("'vhost' must be the gateway's http(s) URL{}", why.empty() ? "" : ": " + why));
  return vhost;
}

domain::PlatformGateway existing(store::Store& store, const std::string& id) {
  auto g = store.get_platform_gateway(id);
  if (!g) throw ProblemError(Problem::not_found(fmt::format("Gateway '{}' not found", id)));
  return *g;
}

}  // namespace

void add_platform_gateway_routes(http::RestRouter& r, identity::Authenticator& auth, store::Store& store) {
  auto admin = [&auth](const RestRequest& req) { auth.authorize(req, {domain::kRoleAdmin}, identity::kScopeAdmin); };

  r.add("GET", admin_path("/gateways"), [&, admin](RestRequest& req) {
    admin(req);
    json::array items;
    for (const auto& g : store.list_platform_gateways()) items.push_back(gateway_json(g));
    return RestResponse::json(200, json::serialize(common::list_body(std::move(items))));
  });

  r.add("POST", admin_path("/gateways"), [&, admin](RestRequest& req) {
    admin(req);
    const json::value v = common::parse_json_body(req.body);
    const json::object& o = common::as_object(v, "");
    domain::PlatformGateway g;
    g.id = common::new_uuid();
    g.name = common::opt_string(o, "name", "name").value_or("");
    if (!is_gateway_name(g.name)) refuse("'name' is required: 3 to 64 lower-case letters, digits and '-'");
    read_common(o, g);
    g.vhost = vhost_of(o);
    g.created_time = g.updated_time = common::now_millis();
    const std::string token = new_token(g);
    store.create_platform_gateway(g);  // 409 when the name is taken
    json::object out = gateway_json(g);
    out["registrationToken"] = token;
    RestResponse res = RestResponse::json(201, json::serialize(out));
    res.headers.emplace_back("Location", admin_path("/gateways/" + g.id));
    return res;
  });

  r.add("PUT", admin_path("/gateways/{gatewayId}"), [&, admin](RestRequest& req) {
    admin(req);
    domain::PlatformGateway g = existing(store, req.path_params["gatewayId"]);
    const json::value v = common::parse_json_body(req.body);
    const json::object& o = common::as_object(v, "");
    if (common::opt_string(o, "name", "name").value_or("") != g.name)
      refuse(fmt::format("'name' cannot change: it is '{}'", g.name));
    if (vhost_of(o) != g.vhost) refuse(fmt::format("'vhost' cannot change: it is '{}'", g.vhost));
    read_common(o, g);
    g.updated_time = common::now_millis();
    store.update_platform_gateway(g);
    return RestResponse::json(200, json::serialize(gateway_json(g)));
  });

  r.add("POST", admin_path("/gateways/{gatewayId}/regenerate-token"), [&, admin](RestRequest& req) {
    admin(req);
    domain::PlatformGateway g = existing(store, req.path_params["gatewayId"]);
    const std::string token = new_token(g);
    g.updated_time = common::now_millis();
    store.update_platform_gateway(g);  // the old token stops working here
    json::object out = gateway_json(g);
    out["registrationToken"] = token;
    return RestResponse::json(200, json::serialize(out));
  });

  r.add("DELETE", admin_path("/gateways/{gatewayId}"), [&, admin](RestRequest& req) {
    admin(req);
    const std::string& id = req.path_params["gatewayId"];
    if (!store.delete_platform_gateway(id)) throw ProblemError(Problem::not_found(fmt::format("Gateway '{}' not found", id)));
    return RestResponse::empty(200);
  });
}

}  // namespace archway::admin
