#include "admin/category_rest.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

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

json::object category_json(const domain::ApiCategory& c) {
  return json::object{{"id", c.id}, {"name", c.name}, {"description", c.description}, {"numberOfAPIs", c.api_count}};
}

domain::ApiCategory category_from(const RestRequest& req) {
  auto [name, description] = name_and_description(req);
  domain::ApiCategory c;
  c.name = std::move(name);
  c.description = std::move(description);
  return c;
}

}  // namespace

NameAndDescription name_and_description(const RestRequest& req) {
  const json::value v = common::parse_json_body(req.body);
  const json::object& o = common::as_object(v, "");
  NameAndDescription c;
  c.name = common::opt_string(o, "name", "name").value_or("");
  const auto space = [](unsigned char ch) { return std::isspace(ch) != 0; };
  c.name.erase(c.name.begin(), std::find_if_not(c.name.begin(), c.name.end(), space));
  c.name.erase(std::find_if_not(c.name.rbegin(), c.name.rend(), space).base(), c.name.end());
  if (c.name.empty()) bad("'name' is required");
  if (c.name.size() > 255) bad("'name' must be at most 255 characters");
  if (std::any_of(c.name.begin(), c.name.end(), [](unsigned char ch) { return ch < 0x20 || ch == 0x7f; }))
    bad("'name' must not contain control characters");
  c.description = common::opt_string(o, "description", "description").value_or("");
  if (c.description.size() > 1024) bad("'description' must be at most 1024 characters");
  return c;
}

void add_category_routes(http::RestRouter& r, identity::Authenticator& auth, store::Store& store) {
  auto admin = [&auth](const RestRequest& req) {
    auth.authorize(req, {domain::kRoleAdmin}, identity::kScopeAdmin);
  };
  auto existing = [&store](const std::string& id) {
    auto c = store.get_category(id);
    if (!c) throw ProblemError(Problem::not_found(fmt::format("API category '{}' not found", id)));
    return *c;
  };

  r.add("GET", admin_path("/api-categories"), [&, admin](RestRequest& req) {
    admin(req);
    json::array items;
    for (const auto& c : store.list_categories()) items.push_back(category_json(c));
    return ok(200, common::list_body(std::move(items)));
  });

  r.add("POST", admin_path("/api-categories"), [&, admin, existing](RestRequest& req) {
    admin(req);
    domain::ApiCategory c = category_from(req);
    c.id = common::new_uuid();
    c.created_time = common::now_millis();
    store.create_category(c);
    RestResponse res = ok(201, category_json(existing(c.id)));
    res.headers.emplace_back("Location", admin_path("/api-categories/" + c.id));
    return res;
  });

  r.add("GET", admin_path("/api-categories/{apiCategoryId}"), [&, admin, existing](RestRequest& req) {
    admin(req);
    return ok(200, category_json(existing(req.path_params["apiCategoryId"])));
  });

  r.add("PUT", admin_path("/api-categories/{apiCategoryId}"), [&, admin, existing](RestRequest& req) {
    admin(req);
    const std::string& id = req.path_params["apiCategoryId"];
    existing(id);
    domain::ApiCategory c = category_from(req);
    c.id = id;
    store.update_category(c);
    return ok(200, category_json(existing(id)));
  });

  r.add("DELETE", admin_path("/api-categories/{apiCategoryId}"), [&, admin](RestRequest& req) {
    admin(req);
    const std::string& id = req.path_params["apiCategoryId"];
    if (!store.delete_category(id))
      throw ProblemError(Problem::not_found(fmt::format("API category '{}' not found", id)));
    return RestResponse::empty(200);
  });
}

}  // namespace archway::admin
