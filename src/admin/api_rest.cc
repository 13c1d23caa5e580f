#include "admin/api_rest.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cctype>

#include "admin/admin_rest.h"
#include "common/json.h"
#include "common/problem.h"
#include "identity/roles.h"

namespace archway::admin {

namespace json = boost::json;
using http::RestRequest;
using http::RestResponse;

namespace {


// A query value as it goes into a link (RFC 3986 unreserved characters stay).
std::string query_component(std::string_view v) {
  std::string out;
  for (const unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

}  // namespace

void add_api_routes(http::RestRouter& r, identity::Authenticator& auth, store::Store& store) {
  auto admin = [&auth](const RestRequest& req) {
    return auth.authorize(req, {domain::kRoleAdmin}, identity::kScopeAdmin).user;
  };

  // APIs only (not API products), oldest first; `query` takes the Publisher's search syntax.
  r.add("GET", admin_path("/apis"), [&, admin](RestRequest& req) {
    admin(req);
    const std::string* text = req.query_param("query");
    store::ApiQuery q = store::parse_api_query(text ? *text : "");
    q.kind = "API";
    q.limit = http::query_int(req, "limit", 25, 1, 1000);
    q.offset = http::query_int(req, "offset", 0, 0, INT64_MAX / 2);
    const store::ApiPage page = store.list_apis(q);
    json::array items;
    for (const auto& a : page.list)
      items.push_back(json::object{
          {"provider", a.provider}, {"name", a.name}, {"version", a.version}, {"id", a.id}});
    json::object o{{"count", items.size()}, {"apis", std::move(items)}};
    const std::string collection =
        admin_path("/apis") + (text && !text->empty() ? "?query=" + query_component(*text) : "");
    o["pagination"] = common::pagination_json(collection, q.limit, q.offset, page.total);
    return RestResponse::json(200, json::serialize(o));
  });

  r.add("POST", admin_path("/apis/{apiId}/change-provider"), [&, admin](RestRequest& req) {
    admin(req);
    const std::string& provider = http::required_query(req, "provider");
    store.change_api_provider(req.path_params["apiId"], provider);
    return RestResponse::empty(200);
  });
}

}  // namespace archway::admin
