#include "admin/system_scope_rest.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "admin/admin_rest.h"
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


RestResponse ok(const json::value& v) { return RestResponse::json(200, json::serialize(v)); }

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

// {"count", "list": [{<key>: ..., <values>: [...]}]}: the product's ScopeList and RoleAliasList.
json::object role_map_json(const store::Store::RoleMap& m, const char* key, const char* values) {
  json::array list;
  for (const auto& [k, v] : m) list.push_back(json::object{{key, k}, {values, strings(v)}});
  return json::object{{"count", list.size()}, {"list", std::move(list)}};
}

store::Store::RoleMap role_map_from_body(const std::string& body, const char* key, const char* values) {
  const json::value v = common::parse_json_body(body);
  const json::object& o = common::as_object(v, "body");
  const json::array* list = common::opt_array(o, "list", "list");
  if (!list) throw ProblemError(Problem::bad_request("'list' is required"));
  store::Store::RoleMap out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string p = fmt::format("list[{}]", i);
    const json::object& e = common::as_object((*list)[i], p);
    auto name = common::opt_string(e, key, p + "." + key);
    if (!name || name->empty()) throw ProblemError(Problem::bad_request(fmt::format("'{}.{}' is required", p, key)));
    std::vector<std::string> items;
    if (const json::array* a = common::opt_array(e, values, p + "." + values))
      for (std::size_t k = 0; k < a->size(); ++k) {
        if (!(*a)[k].is_string())
          throw ProblemError(Problem::bad_request(fmt::format("'{}.{}[{}]' must be a string", p, values, k)));
        std::string item((*a)[k].get_string());
        // Roles may be given as the product spells them ("Internal/creator").
        if (auto role = identity::known_role_named(item)) item = *role;
        items.push_back(std::move(item));
      }
    std::string first = *name;
    if (std::string_view(key) == "role")
      if (auto role = identity::known_role_named(first)) first = *role;
    out.emplace_back(std::move(first), std::move(items));
  }
  return out;
}

}  // namespace

void add_system_scope_routes(http::RestRouter& r, identity::Authenticator& auth, store::Store& store,
                             identity::SystemScopes& system_scopes) {
  auto admin = [&auth](const RestRequest& req) { auth.authorize(req, {domain::kRoleAdmin}, identity::kScopeAdmin); };

  r.add("GET", admin_path("/system-scopes"), [&, admin](RestRequest& req) {
    admin(req);
    return ok(role_map_json(system_scopes.scopes(), "name", "roles"));
  });
  r.add("PUT", admin_path("/system-scopes"), [&, admin](RestRequest& req) {
    admin(req);
    system_scopes.set_scopes(role_map_from_body(req.body, "name", "roles"));
    return ok(role_map_json(system_scopes.scopes(), "name", "roles"));
  });

  // Whether a scope (its name base64url-encoded) exists, or with `username`, whether that user holds it.
  r.add("GET", admin_path("/system-scopes/{scopeName}"), [&, admin](RestRequest& req) {
    admin(req);
    const auto name = identity::decode_name_id(req.path_params["scopeName"]);
    bool known = false;
    if (name)
      for (const auto& [scope, roles] : system_scopes.scopes()) known = known || scope == *name;
    if (!known) throw ProblemError(Problem::not_found("No system scope of that name exists"));
    if (const std::string* username = req.query_param("username")) {
      auto user = store.find_user(*username);
      if (!user) throw ProblemError(Problem::not_found(fmt::format("User '{}' not found", *username)));
      if (!system_scopes.allows(user->roles, *name))
        throw ProblemError(Problem::not_found(fmt::format("User '{}' does not hold scope '{}'", *username, *name)));
    }
    return ok(json::object{{"name", *name}});
  });

  r.add("GET", admin_path("/system-scopes/role-aliases"), [&, admin](RestRequest& req) {
    admin(req);
    return ok(role_map_json(system_scopes.aliases(), "role", "aliases"));
  });
  r.add("PUT", admin_path("/system-scopes/role-aliases"), [&, admin](RestRequest& req) {
    admin(req);
    system_scopes.set_aliases(role_map_from_body(req.body, "role", "aliases"));
    return ok(role_map_json(system_scopes.aliases(), "role", "aliases"));
  });

  r.add("HEAD", admin_path("/roles/{roleId}"), [&, admin](RestRequest& req) {
    admin(req);
    const auto name = identity::decode_name_id(req.path_params["roleId"]);
    return RestResponse::empty(name && identity::known_role_named(*name) ? 200 : 404);
  });
}

}  // namespace archway::admin
