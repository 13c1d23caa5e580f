#include "admin/admin_rest.h"

#include <boost/json.hpp>

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

std::string path(std::string_view suffix) { return std::string(kAdminBase) + std::string(suffix); }

json::object user_json(const domain::User& u) {
  return json::object{{"userId", u.id},
                      {"username", u.username},
                      {"roles", json::array(u.roles.begin(), u.roles.end())},
                      {"createdTime", common::iso8601_utc(u.created_time)}};
}

std::vector<std::string> roles_of(const json::object& o) {
  std::vector<std::string> out;
  if (const json::array* a = common::opt_array(o, "roles", "roles"))
    for (const auto& v : *a) {
      if (!v.is_string()) throw ProblemError(Problem::bad_request("'roles' must hold role names"));
      out.emplace_back(v.get_string());
    }
  return out;
}

}  // namespace

void add_admin_routes(http::RestRouter& r, identity::UserService& users, identity::Authenticator& auth,
                      keymanager::KeyManager& km, store::Store& store) {
  auto admin = [&auth](const RestRequest& req) {
    auth.authorize(req, {domain::kRoleAdmin}, identity::kScopeAdmin);
  };

  r.add("GET", path("/users"), [&, admin](RestRequest& req) {
    admin(req);
    json::array items;
    for (const auto& u : users.list()) items.push_back(user_json(u));
    const std::size_t n = items.size();
    return RestResponse::json(200, json::serialize(json::object{{"count", n}, {"list", std::move(items)}}));
  });

  r.add("POST", path("/users"), [&, admin](RestRequest& req) {
    admin(req);
    const json::value v = common::parse_json_body(req.body);
    const auto& o = common::as_object(v, "");
    const auto u = users.create(common::opt_string(o, "username", "username").value_or(""),
                                common::opt_string(o, "password", "password").value_or(""), roles_of(o));
    RestResponse res = RestResponse::json(201, json::serialize(user_json(u)));
    res.headers.emplace_back("Location", path("/users/" + u.username));
    return res;
  });

  r.add("GET", path("/users/{username}"), [&, admin](RestRequest& req) {
    admin(req);
    return RestResponse::json(200, json::serialize(user_json(users.get(req.path_params["username"]))));
  });

  r.add("PUT", path("/users/{username}"), [&, admin](RestRequest& req) {
    admin(req);
    const json::value v = common::parse_json_body(req.body);
    const auto& o = common::as_object(v, "");
    const auto u = users.update(req.path_params["username"], common::opt_string(o, "password", "password").value_or(""),
                                roles_of(o));
    return RestResponse::json(200, json::serialize(user_json(u)));
  });

  r.add("DELETE", path("/users/{username}"), [&, admin](RestRequest& req) {
    admin(req);
    users.remove(req.path_params["username"]);
    return RestResponse::empty(200);
  });

  r.add("GET", path("/signing-keys"), [&, admin](RestRequest& req) {
    admin(req);
    json::array items;
    for (const auto& k : store.list_signing_keys())
      items.push_back(json::object{{"kid", k.kid},
                                   {"alg", k.alg},
                                   {"createdTime", common::iso8601_utc(k.created_time)},
                                   {"active", k.retired_time == 0}});
    const std::size_t n = items.size();
    return RestResponse::json(200, json::serialize(json::object{{"count", n}, {"list", std::move(items)}}));
  });

  r.add("POST", path("/signing-keys/rotate"), [&, admin](RestRequest& req) {
    admin(req);
    const std::string kid = km.rotate_signing_key();
    return RestResponse::json(201, json::serialize(json::object{{"kid", kid}, {"active", true}}));
  });
}

}  // namespace archway::admin
