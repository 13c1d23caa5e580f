#include "publisher/scope_rest.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "common/ids.h"
#include "common/json.h"
#include "common/problem.h"
#include "identity/roles.h"
#include "publisher/publisher_rest.h"

namespace archway::publisher {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

RestResponse ok(int status, const json::value& v) { return RestResponse::json(status, json::serialize(v)); }

json::object scope_json(const domain::SharedScope& s) {
  json::array bindings;
  for (const auto& b : s.bindings) bindings.emplace_back(b);
  return json::object{{"id", s.id},
                      {"name", s.name},
                      {"displayName", s.display_name},
                      {"description", s.description},
                      {"bindings", std::move(bindings)},
                      {"usageCount", s.usage_count}};
}

// The product's Scope body; `id` and `usageCount` are read-only and ignored.
domain::SharedScope scope_from_body(const std::string& body) {
  const json::value v = common::parse_json_body(body);
  const json::object& o = common::as_object(v, "body");
  domain::SharedScope s;
  s.name = common::opt_string(o, "name", "name").value_or("");
  if (s.name.empty()) throw ProblemError(Problem::bad_request("'name' is required"));
  if (s.name.size() > 100 || !std::all_of(s.name.begin(), s.name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '_' || c == '.' || c == '-';
      }))
    throw ProblemError(Problem::bad_request("'name' may hold only letters, digits and : _ . - (at most 100)"));
  if (s.name.starts_with("apim:") || s.name.starts_with("service_catalog:"))
    throw ProblemError(Problem::bad_request(fmt::format("'name': the prefix of '{}' is reserved for management scopes", s.name)));
  s.display_name = common::opt_string(o, "displayName", "displayName").value_or(s.name);
  if (s.display_name.empty()) s.display_name = s.name;
  s.description = common::opt_string(o, "description", "description").value_or("");
  if (const json::array* b = common::opt_array(o, "bindings", "bindings"))
    for (std::size_t i = 0; i < b->size(); ++i) {
      if (!(*b)[i].is_string())
        throw ProblemError(Problem::bad_request(fmt::format("'bindings[{}]' must be a role name", i)));
      auto role = identity::known_role_named((*b)[i].get_string());
      if (!role)
        throw ProblemError(Problem::bad_request(fmt::format("'bindings[{}]': unknown role '{}'", i,
                                                            std::string((*b)[i].get_string()))));
      if (std::find(s.bindings.begin(), s.bindings.end(), *role) == s.bindings.end()) s.bindings.push_back(*role);
    }
  return s;
}

domain::SharedScope existing(store::Store& store, const std::string& id) {
  auto s = store.get_shared_scope(id);
  if (!s) throw ProblemError(Problem::not_found(fmt::format("Shared scope '{}' not found", id)));
  return *s;
}

}  // namespace

void add_scope_routes(http::RestRouter& r, store::Store& store, identity::Authenticator& auth,
                      identity::SystemScopes& system_scopes) {
  auto reader = [&auth](const RestRequest& req) {
    return auth.authorize(req, {domain::kRoleCreator, domain::kRolePublisher}, identity::kScopeApiView);
  };
  auto manager = [&auth](const RestRequest& req) {
    return auth.authorize(req, {domain::kRoleCreator}, identity::kScopeSharedScopeManage);
  };

  r.add("GET", publisher_path("/scopes"), [&, reader](RestRequest& req) {
    reader(req);
    const std::int64_t limit = http::query_int(req, "limit", 25, 1, 1000);
    const std::int64_t offset = http::query_int(req, "offset", 0, 0, INT32_MAX);
    json::array items;
    for (const auto& s : store.list_shared_scopes(offset, limit)) items.push_back(scope_json(s));
    const std::int64_t total = store.count_shared_scopes();
    auto link = [&](std::int64_t off) { return publisher_path(fmt::format("/scopes?limit={}&offset={}", limit, off)); };
    const auto count = static_cast<std::int64_t>(items.size());
    json::object o{{"count", count}, {"list", std::move(items)}};
    o["pagination"] = json::object{{"offset", offset},
                                   {"limit", limit},
                                   {"total", total},
                                   {"next", offset + limit < total ? link(offset + limit) : ""},
                                   {"previous", offset > 0 ? link(std::max<std::int64_t>(0, offset - limit)) : ""}};
    return ok(200, o);
  });

  r.add("POST", publisher_path("/scopes"), [&, manager](RestRequest& req) {
    manager(req);
    domain::SharedScope s = scope_from_body(req.body);
    s.id = common::new_uuid();
    store.create_shared_scope(s);
    RestResponse res = ok(201, scope_json(s));
    res.headers.emplace_back("Location", publisher_path("/scopes/" + s.id));
    return res;
  });

  r.add("GET", publisher_path("/scopes/{scopeId}"), [&, reader](RestRequest& req) {
    reader(req);
    return ok(200, scope_json(existing(store, req.path_params["scopeId"])));
  });

  r.add("PUT", publisher_path("/scopes/{scopeId}"), [&, manager](RestRequest& req) {
    manager(req);
    const domain::SharedScope current = existing(store, req.path_params["scopeId"]);
    domain::SharedScope s = scope_from_body(req.body);
    if (s.name != current.name)
      throw ProblemError(Problem::bad_request(fmt::format("'name' cannot be changed (is '{}')", current.name)));
    s.id = current.id;
    s.usage_count = current.usage_count;
    store.update_shared_scope(s);
    return ok(200, scope_json(s));
  });

  r.add("DELETE", publisher_path("/scopes/{scopeId}"), [&, manager](RestRequest& req) {
    manager(req);
    const std::string& id = req.path_params["scopeId"];
    if (!store.delete_shared_scope(id)) throw ProblemError(Problem::not_found(fmt::format("Shared scope '{}' not found", id)));
    return RestResponse::empty(200);
  });

  // Whether a scope name (base64url in the path, as in the product) is taken: by a shared scope, a
  // scope an API defines or a management scope.
  r.add("HEAD", publisher_path("/scopes/{scopeId}"), [&, reader](RestRequest& req) {
    reader(req);
    const auto name = identity::decode_name_id(req.path_params["scopeId"]);
    bool exists = false;
    if (name) {
      exists = store.find_shared_scope(*name).has_value() || !store.apis_declaring_scope(*name).empty();
      for (const auto& [scope, roles] : system_scopes.scopes()) exists = exists || scope == *name;
    }
    // A HEAD answer carries no body, an error included.
    return RestResponse::empty(exists ? 200 : 404);
  });

  r.add("GET", publisher_path("/scopes/{scopeId}/usage"), [&, reader](RestRequest& req) {
    reader(req);
    const domain::SharedScope s = existing(store, req.path_params["scopeId"]);
    json::array apis;
    for (const auto& api_id : store.apis_declaring_scope(s.name)) {
      auto api = store.get_api(api_id);
      if (!api) continue;
      json::array resources;
      for (const auto& op : api->operations)
        if (std::find(op.scopes.begin(), op.scopes.end(), s.name) != op.scopes.end())
          resources.push_back(json::object{{"target", op.target}, {"verb", op.verb}});
      apis.push_back(json::object{{"name", api->name},
                                  {"context", api->context},
                                  {"version", api->version},
                                  {"provider", api->provider},
                                  {"usedResourceList", std::move(resources)}});
    }
    return ok(200, json::object{{"id", s.id}, {"name", s.name}, {"usedApiList", std::move(apis)}});
  });

  // Whether a role exists (its name base64url-encoded, as in the product); and whether the caller has it.
  r.add("HEAD", publisher_path("/roles/{roleId}"), [&, reader](RestRequest& req) {
    reader(req);
    const auto name = identity::decode_name_id(req.path_params["roleId"]);
    return RestResponse::empty(name && identity::known_role_named(*name) ? 200 : 404);
  });
  r.add("HEAD", publisher_path("/me/roles/{roleId}"), [&, reader](RestRequest& req) {
    const identity::Caller c = reader(req);
    const auto name = identity::decode_name_id(req.path_params["roleId"]);
    const auto role = name ? identity::known_role_named(*name) : std::nullopt;
    return RestResponse::empty(role && c.user.has_role(*role) ? 200 : 404);
  });
}

}  // namespace archway::publisher
