#include "admin/environment_rest.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "admin/admin_rest.h"
#include "common/clock.h"
#include "common/ids.h"
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

bool is_name(std::string_view s) {
  return !s.empty() && s.size() <= 255 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-';
  });
}

bool is_host_name(std::string_view s) {
  if (s.empty() || s.size() > 255) return false;
  for (std::size_t start = 0; start <= s.size();) {
    std::size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) dot = s.size();
    const std::string_view label = s.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    if (!std::all_of(label.begin(), label.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-'; }))
      return false;
    start = dot + 1;
  }
  return true;
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

json::object environment_json(const domain::Environment& env) {
  json::array vhosts;
  json::array uris;
  for (const auto& v : env.vhosts) {
    json::object o{{"host", v.host}, {"httpContext", v.http_context}};
    if (v.http_port >= 0) o["httpPort"] = v.http_port;
    if (v.https_port >= 0) o["httpsPort"] = v.https_port;
    if (v.ws_port >= 0) o["wsPort"] = v.ws_port;
    if (!v.ws_host.empty()) o["wsHost"] = v.ws_host;
    if (v.wss_port >= 0) o["wssPort"] = v.wss_port;
    if (!v.wss_host.empty()) o["wssHost"] = v.wss_host;
    vhosts.push_back(std::move(o));
    for (const auto& url : domain::gateway_urls(v))
      uris.push_back(
          json::object{{"protocol", url.substr(0, url.find(':'))}, {"endpointURI", url}});
  }
  json::array props;
  for (const auto& [k, v] : env.additional_properties)
    props.push_back(json::object{{"key", k}, {"value", v}});
  json::array roles;
  for (const auto& r : env.permission_roles) roles.emplace_back(r);
  return json::object{{"id", env.id},
                      {"name", env.name},
                      {"displayName", env.display_name},
                      {"provider", env.provider},
                      {"type", env.type},
                      {"gatewayType", env.gateway_type},
                      {"description", env.description},
                      {"isReadOnly", env.read_only},
                      {"mode", "WRITE_ONLY"},
                      {"vhosts", std::move(vhosts)},
                      {"endpointURIs", std::move(uris)},
                      {"additionalProperties", std::move(props)},
                      {"permissions", json::object{{"permissionType", env.permission_type},
                                                   {"roles", std::move(roles)}}}};
}

int port_field(const json::object& o, std::string_view key, const std::string& at, int fallback) {
  const auto v = common::opt_int(o, key, at + "." + std::string(key));
  if (!v) return fallback;
  if (*v < 1 || *v > 65535) bad(fmt::format("'{}.{}' must be a port between 1 and 65535", at, key));
  return static_cast<int>(*v);
}

// Reads the product's Environment body. `name` is required and matches [a-zA-Z0-9_-]{1,255}; at
// least one virtual host, each with a host name unique in the environment.
domain::Environment environment_from(const RestRequest& req) {
  const json::value v = common::parse_json_body(req.body);
  const json::object& o = common::as_object(v, "");
  domain::Environment env;
  env.name = common::opt_string(o, "name", "name").value_or("");
  if (env.name.empty()) bad("'name' is required");
  if (!is_name(env.name)) bad("'name' must be 1-255 letters, digits, '_' or '-'");
  env.display_name = common::opt_string(o, "displayName", "displayName").value_or(env.name);
  if (env.display_name.empty() || env.display_name.size() > 255 || has_control(env.display_name))
    bad("'displayName' must be 1-255 characters without control characters");
  env.description = common::opt_string(o, "description", "description").value_or("");
  if (env.description.size() > 1023) bad("'description' must be at most 1023 characters");
  env.provider = common::opt_string(o, "provider", "provider").value_or("wso2");
  if (env.provider.empty() || env.provider.size() > 255) bad("'provider' must be 1-255 characters");
  env.type = common::opt_string(o, "type", "type").value_or("hybrid");
  if (env.type != "hybrid" && env.type != "production" && env.type != "sandbox")
    bad(fmt::format("'type' must be hybrid, production or sandbox, not '{}'", env.type));
  env.gateway_type = common::opt_string(o, "gatewayType", "gatewayType").value_or("Regular");
  if (env.gateway_type != "Regular")
    bad(fmt::format("'gatewayType': '{}' is not a gateway type of this server (Regular)",
                    env.gateway_type));
  const json::array* vhosts = common::opt_array(o, "vhosts", "vhosts");
  if (!vhosts || vhosts->empty()) bad("'vhosts' must list at least one virtual host");
  for (std::size_t i = 0; i < vhosts->size(); ++i) {
    const std::string at = fmt::format("vhosts[{}]", i);
    const json::object& vo = common::as_object((*vhosts)[i], at);
    domain::VirtualHost h;
    h.host = common::opt_string(vo, "host", at + ".host").value_or("");
    if (!is_host_name(h.host))
      bad(fmt::format("'{}.host' must be a host name (letters, digits, '-' and dots)", at));
    for (const auto& other : env.vhosts)
      if (other.host == h.host) bad(fmt::format("'{}.host': '{}' is listed twice", at, h.host));
    h.http_context = common::opt_string(vo, "httpContext", at + ".httpContext").value_or("");
    if (!h.http_context.empty() && h.http_context.front() != '/') h.http_context.insert(0, "/");
    if (h.http_context.size() > 255 || h.http_context.find("//") != std::string::npos ||
        !std::all_of(h.http_context.begin(), h.http_context.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '/'; }) ||
        (h.http_context.size() > 1 && h.http_context.back() == '/'))
      bad(fmt::format("'{}.httpContext' must be a path segment of letters, digits and '-'", at));
    if (h.http_context == "/") h.http_context.clear();
    h.http_port = port_field(vo, "httpPort", at, 80);
    h.https_port = port_field(vo, "httpsPort", at, 443);
    h.ws_port = port_field(vo, "wsPort", at, 9099);
    h.wss_port = port_field(vo, "wssPort", at, 8099);
    h.ws_host = common::opt_string(vo, "wsHost", at + ".wsHost").value_or("");
    h.wss_host = common::opt_string(vo, "wssHost", at + ".wssHost").value_or("");
    if (!h.ws_host.empty() && !is_host_name(h.ws_host))
      bad(fmt::format("'{}.wsHost' must be a host name", at));
    if (!h.wss_host.empty() && !is_host_name(h.wss_host))
      bad(fmt::format("'{}.wssHost' must be a host name", at));
    env.vhosts.push_back(std::move(h));
  }
  if (const json::array* props =
          common::opt_array(o, "additionalProperties", "additionalProperties")) {
    for (std::size_t i = 0; i < props->size(); ++i) {
      const std::string at = fmt::format("additionalProperties[{}]", i);
      const json::object& po = common::as_object((*props)[i], at);
      std::string key = common::opt_string(po, "key", at + ".key").value_or("");
      if (key.empty()) bad(fmt::format("'{}.key' is required", at));
      env.additional_properties.emplace_back(
          std::move(key), common::opt_string(po, "value", at + ".value").value_or(""));
    }
  }
  if (const json::object* perm = common::opt_object(o, "permissions", "permissions")) {
    env.permission_type = common::opt_string(*perm, "permissionType", "permissions.permissionType")
                              .value_or("PUBLIC");
    if (env.permission_type != "PUBLIC" && env.permission_type != "ALLOW" &&
        env.permission_type != "DENY")
      bad("'permissions.permissionType' must be PUBLIC, ALLOW or DENY");
    if (const json::array* roles = common::opt_array(*perm, "roles", "permissions.roles")) {
      for (std::size_t i = 0; i < roles->size(); ++i) {
        const std::string at = fmt::format("permissions.roles[{}]", i);
        if (!(*roles)[i].is_string()) bad(fmt::format("'{}' must be a string", at));
        const std::string name((*roles)[i].get_string());
        auto role = identity::known_role_named(name);
        if (!role) bad(fmt::format("'{}': role '{}' does not exist", at, name));
        env.permission_roles.push_back(*role);
      }
    }
    if (env.permission_type != "PUBLIC" && env.permission_roles.empty())
      bad("'permissions.roles' must name at least one role when permissionType is ALLOW or DENY");
  }
  return env;
}

json::object label_json(const domain::Label& l) {
  return json::object{{"id", l.id}, {"name", l.name}, {"description", l.description}};
}

domain::Label label_from(const RestRequest& req) {
  auto [name, description] = name_and_description(req);
  return domain::Label{"", std::move(name), std::move(description)};
}

}  // namespace

void add_environment_routes(http::RestRouter& r, identity::Authenticator& auth, store::Store& store,
                            domain::ServerInfoSource server) {
  auto admin = [&auth](const RestRequest& req) {
    auth.authorize(req, {domain::kRoleAdmin}, identity::kScopeAdmin);
  };
  // The built-in environment by its name (its id), or a stored one by id.
  auto environment = [&store, server](const std::string& id) {
    if (id == domain::kDefaultEnvironment) return server().environments.front();
    auto env = store.get_environment(id);
    if (!env)
      throw ProblemError(Problem::not_found(fmt::format("Gateway environment '{}' not found", id)));
    return *env;
  };

  r.add("GET", admin_path("/environments"), [admin, server](RestRequest& req) {
    admin(req);
    json::array items;
    for (const auto& env : server().environments) items.push_back(environment_json(env));
    return ok(200, common::list_body(std::move(items)));
  });

  r.add("POST", admin_path("/environments"), [&store, admin](RestRequest& req) {
    admin(req);
    domain::Environment env = environment_from(req);
    if (env.name == domain::kDefaultEnvironment || store.find_environment(env.name))
      bad(fmt::format("A gateway environment named '{}' already exists", env.name));
    env.id = common::new_uuid();
    env.created_time = env.updated_time = common::now_millis();
    store.create_environment(env);
    RestResponse res = ok(201, environment_json(env));
    res.headers.emplace_back("Location", admin_path("/environments/" + env.id));
    return res;
  });

  r.add("GET", admin_path("/environments/{environmentId}"), [admin, environment](RestRequest& req) {
    admin(req);
    return ok(200, environment_json(environment(req.path_params["environmentId"])));
  });

  r.add(
      "PUT", admin_path("/environments/{environmentId}"),
      [&store, admin, environment](RestRequest& req) {
        admin(req);
        const domain::Environment current = environment(req.path_params["environmentId"]);
        if (current.read_only)
          bad(fmt::format("Gateway environment '{}' is read only: it is this server's own gateway",
                          current.name));
        domain::Environment env = environment_from(req);
        if (env.name != current.name)
          bad(fmt::format("'name' cannot change (it is '{}'): deployments and gateways refer to it",
                          current.name));
        env.id = current.id;
        env.created_time = current.created_time;
        env.updated_time = common::now_millis();
        store.update_environment(env);
        return ok(200, environment_json(env));
      });

  r.add(
      "DELETE", admin_path("/environments/{environmentId}"),
      [&store, admin, environment](RestRequest& req) {
        admin(req);
        const domain::Environment env = environment(req.path_params["environmentId"]);
        if (env.read_only)
          bad(fmt::format("Gateway environment '{}' is read only: it is this server's own gateway",
                          env.name));
        if (!store.delete_environment(env.id))
          throw ProblemError(
              Problem::not_found(fmt::format("Gateway environment '{}' not found", env.id)));
        return RestResponse::empty(200);
      });

  r.add("GET", admin_path("/environments/{environmentId}/gateways"),
        [&store, admin, environment](RestRequest& req) {
          admin(req);
          const domain::Environment env = environment(req.path_params["environmentId"]);
          const std::int64_t now = common::now_millis();
          json::array items;
          for (const auto& g : store.list_gateway_instances(env.name))
            items.push_back(json::object{
                {"gatewayId", g.gateway_id},
                {"lastActive", common::iso8601_utc(g.last_active)},
                {"status", now - g.last_active <= kGatewayActiveWithinMs ? "ACTIVE" : "EXPIRED"}});
          return ok(200, common::list_body(std::move(items)));
        });

  // Labels.
  auto existing_label = [&store](const std::string& id) {
    auto l = store.get_label(id);
    if (!l) throw ProblemError(Problem::not_found(fmt::format("Label '{}' not found", id)));
    return *l;
  };

  r.add("GET", admin_path("/labels"), [&store, admin](RestRequest& req) {
    admin(req);
    json::array items;
    for (const auto& l : store.list_labels()) items.push_back(label_json(l));
    json::object body = common::list_body(std::move(items));
    const auto total = body["count"];
    body["pagination"] = json::object{
        {"offset", 0}, {"limit", total}, {"total", total}, {"next", ""}, {"previous", ""}};
    return ok(200, body);
  });

  r.add("POST", admin_path("/labels"), [&store, admin](RestRequest& req) {
    admin(req);
    domain::Label l = label_from(req);
    l.id = common::new_uuid();
    store.create_label(l);
    RestResponse res = ok(201, label_json(l));
    res.headers.emplace_back("Location", admin_path("/labels/" + l.id));
    return res;
  });

  r.add("PUT", admin_path("/labels/{labelId}"), [&store, admin, existing_label](RestRequest& req) {
    admin(req);
    const std::string& id = req.path_params["labelId"];
    existing_label(id);
    domain::Label l = label_from(req);
    l.id = id;
    store.update_label(l);
    return ok(200, label_json(l));
  });

  r.add("DELETE", admin_path("/labels/{labelId}"), [&store, admin](RestRequest& req) {
    admin(req);
    const std::string& id = req.path_params["labelId"];
    if (!store.delete_label(id))
      throw ProblemError(Problem::not_found(fmt::format("Label '{}' not found", id)));
    return RestResponse::empty(200);
  });

  r.add("GET", admin_path("/labels/{labelId}/usage"),
        [&store, admin, existing_label](RestRequest& req) {
          admin(req);
          existing_label(req.path_params["labelId"]);
          json::array apis;
          for (const auto& api_id : store.label_usage(req.path_params["labelId"]))
            if (auto api = store.get_api(api_id))
              apis.push_back(json::object{{"provider", api->provider},
                                          {"name", api->name},
                                          {"version", api->version},
                                          {"id", api->id}});
          return ok(200, json::object{{"apis", common::list_body(std::move(apis))}});
        });
}

}  // namespace archway::admin
