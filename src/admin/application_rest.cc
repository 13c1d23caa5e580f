#include "admin/application_rest.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "admin/admin_rest.h"
#include "common/clock.h"
#include "common/json.h"
#include "common/problem.h"
#include "domain/application_json.h"
#include "identity/roles.h"

namespace archway::admin {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

// A query parameter's value as it goes into a pagination link (RFC 3986: unreserved characters stay).
std::string query_component(std::string_view v) {
  std::string out;
  for (const unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

// One of `allowed` (case-insensitive), or `def` when the parameter is absent; 400 otherwise.
std::string query_choice(const RestRequest& req, std::string_view name, std::initializer_list<std::string_view> allowed,
                         std::string_view def) {
  const std::string* v = req.query_param(name);
  if (!v) return std::string(def);
  std::string lower = *v;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (auto a : allowed)
    if (lower == a) return lower;
  bad(fmt::format("'{}' must be one of {}, got '{}'", name, fmt::join(allowed, ", "), *v));
}

}  // namespace

void add_application_routes(http::RestRouter& r, identity::Authenticator& auth, store::Store& store) {
  auto admin = [&auth](const RestRequest& req) { auth.authorize(req, {domain::kRoleAdmin}, identity::kScopeAdmin); };
  auto app_of = [&store](const std::string& id) {
    auto app = store.get_application(id);
    if (!app) throw ProblemError(Problem::not_found(fmt::format("Application '{}' not found", id)));
    return *app;
  };
  // The new owner of an application: an existing user (400 otherwise, naming `field`).
  auto new_owner = [&store](const std::string& owner, std::string_view field) {
    if (owner.empty()) bad(fmt::format("'{}' is required", field));
    if (!store.find_user(owner)) bad(fmt::format("'{}': user '{}' does not exist", field, owner));
    return owner;
  };

  // Every owner's applications (or one owner's with `user`), paged and sorted in SQL.
  r.add("GET", admin_path("/applications"), [&, admin](RestRequest& req) {
    admin(req);
    store::ApplicationQuery q;
    if (const std::string* u = req.query_param("user")) q.owner = *u;
    if (const std::string* n = req.query_param("name")) q.name = *n;
    if (q.name.size() > 255) bad("'name' must be at most 255 characters");
    const std::string sort_by = query_choice(req, "sortBy", {"name", "owner"}, "name");
    const std::string sort_order = query_choice(req, "sortOrder", {"asc", "desc"}, "asc");
    q.by_owner = sort_by == "owner";
    q.descending = sort_order == "desc";
    q.limit = http::query_int(req, "limit", 25, 1, 1000);
    q.offset = http::query_int(req, "offset", 0, 0, INT64_MAX / 2);
    const store::ApplicationPage page = store.search_applications(q);
    json::array items;
    for (const auto& e : page.list) items.push_back(domain::application_to_json(e.application, e.subscription_count));
    json::object body = common::list_body(std::move(items));
    std::string filters;
    if (!q.owner.empty()) filters += "&user=" + query_component(q.owner);
    if (!q.name.empty()) filters += "&name=" + query_component(q.name);
    auto link = [&](std::int64_t at) {
      return fmt::format("/applications?limit={}&offset={}{}&sortBy={}&sortOrder={}", q.limit, at, filters, sort_by,
                         sort_order);
    };
    body["pagination"] = json::object{{"offset", q.offset},
                                      {"limit", q.limit},
                                      {"total", page.total},
                                      {"next", q.offset + q.limit < page.total ? link(q.offset + q.limit) : ""},
                                      {"previous", q.offset > 0 ? link(std::max<std::int64_t>(0, q.offset - q.limit)) : ""}};
    return ok(200, body);
  });

  r.add("GET", admin_path("/applications/{applicationId}"), [&, admin, app_of](RestRequest& req) {
    admin(req);
    const auto app = app_of(req.path_params["applicationId"]);
    return ok(200, domain::application_to_json(app, store.count_subscriptions(app.id)));
  });

  // Removes the application with its keys and subscriptions; the gateway stops accepting its
  // tokens before the answer (the change feed has delivered the removal).
  r.add("DELETE", admin_path("/applications/{applicationId}"), [&, admin, app_of](RestRequest& req) {
    admin(req);
    const auto app = app_of(req.path_params["applicationId"]);
    if (!store.delete_application(app.id))
      throw ProblemError(Problem::not_found(fmt::format("Application '{}' not found", app.id)));
    return RestResponse::empty(200);
  });

  // The product's older owner change (deprecated there for change-settings): ?owner= an existing
  // user; 409 when that user has an application of the same name.
  r.add("POST", admin_path("/applications/{applicationId}/change-owner"), [&, admin, app_of, new_owner](RestRequest& req) {
    admin(req);
    auto app = app_of(req.path_params["applicationId"]);
    const std::string* owner = req.query_param("owner");
    app.owner = new_owner(owner ? *owner : "", "owner");
    app.updated_time = common::now_millis();
    store.update_application(app);
    return RestResponse::empty(200);
  });

  // ApplicationUpdateRequest: the settings given change (owner: an existing user; tokenType: JWT,
  // the only kind Archway issues); answers the application.
  r.add("POST", admin_path("/applications/{applicationId}/change-settings"), [&, admin, app_of, new_owner](RestRequest& req) {
    admin(req);
    auto app = app_of(req.path_params["applicationId"]);
    const json::value v = common::parse_json_body(req.body);
    const json::object& o = common::as_object(v, "");
    const auto owner = common::opt_string(o, "owner", "owner");
    const auto token_type = common::opt_string(o, "tokenType", "tokenType");
    if (!owner && !token_type) bad("Give at least one setting to change: 'owner' or 'tokenType'");
    if (owner) app.owner = new_owner(*owner, "owner");
    if (token_type) {
      if (*token_type != "JWT") bad(fmt::format("'tokenType' must be JWT, got '{}'", *token_type));
      app.token_type = *token_type;
    }
    app.updated_time = common::now_millis();
    store.update_application(app);
    return ok(200, domain::application_to_json(app, store.count_subscriptions(app.id)));
  });
}

}  // namespace archway::admin
