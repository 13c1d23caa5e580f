#include "devportal/document_rest.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/json.h"
#include "common/problem.h"
#include "devportal/devportal_rest.h"
#include "domain/lifecycle.h"
#include "http/file_response.h"
#include "identity/roles.h"

namespace archway::devportal {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

std::string path(std::string_view suffix) { return std::string(kDevportalBase) + std::string(suffix); }
RestResponse ok(int status, const json::value& v) { return RestResponse::json(status, json::serialize(v)); }

}  // namespace

void add_document_routes(http::RestRouter& r, store::Store& store, identity::Authenticator& auth) {
  auto user_of = [&auth](const RestRequest& req) {
    return auth.authorize(req, {domain::kRoleSubscriber}, identity::kScopeSubscribe).user;
  };
  // The API when the portal shows it; 404 otherwise, as for an API that does not exist.
  auto shown_api = [&store](const std::string& id) {
    auto a = store.get_api(id);
    if (!a || !domain::shown_in_devportal(a->lifecycle_status))
      throw ProblemError(Problem::not_found(fmt::format("API '{}' not found", id)));
    return *a;
  };
  // A document developers may read: API_LEVEL visibility, of an API the portal shows.
  auto shown_document = [&store, shown_api](const std::string& api_id, const std::string& id) {
    shown_api(api_id);
    auto d = store.get_document(api_id, id);
    if (!d || d->visibility != "API_LEVEL")
      throw ProblemError(Problem::not_found(fmt::format("Document '{}' of API '{}' not found", id, api_id)));
    return *d;
  };

  r.add("GET", path("/apis/{apiId}/documents"), [&, user_of, shown_api](RestRequest& req) {
    user_of(req);
    const std::string& api_id = req.path_params["apiId"];
    shown_api(api_id);
    json::array items;
    for (const auto& d : store.list_documents(api_id))
      if (d.visibility == "API_LEVEL") items.push_back(domain::document_to_json(d));
    json::object body = common::list_body(std::move(items));
    const auto n = body["count"];
    body["pagination"] = json::object{{"offset", 0}, {"limit", n}, {"total", n}, {"next", ""}, {"previous", ""}};
    return ok(200, body);
  });

  r.add("GET", path("/apis/{apiId}/documents/{documentId}"), [&, user_of, shown_document](RestRequest& req) {
    user_of(req);
    return ok(200, domain::document_to_json(shown_document(req.path_params["apiId"], req.path_params["documentId"])));
  });

  r.add("GET", path("/apis/{apiId}/documents/{documentId}/content"), [&, user_of, shown_document](RestRequest& req) {
    user_of(req);
    const std::string& api_id = req.path_params["apiId"];
    const domain::Document d = shown_document(api_id, req.path_params["documentId"]);
    if (d.source_type == "URL") {
      RestResponse res = RestResponse::empty(303);
      res.headers.emplace_back("Location", d.source_url);
      return res;
    }
    auto content = store.document_content(api_id, d.id);
    if (!content) throw ProblemError(Problem::not_found(fmt::format("Document '{}' has no content yet", d.name)));
    return http::file_response(std::move(content->data), content->media_type, content->file_name);
  });

  r.add("GET", path("/apis/{apiId}/thumbnail"), [&, user_of, shown_api](RestRequest& req) {
    user_of(req);
    const std::string& api_id = req.path_params["apiId"];
    shown_api(api_id);
    auto t = store.thumbnail(api_id);
    if (!t) throw ProblemError(Problem::not_found(fmt::format("API '{}' has no thumbnail", api_id)));
    return http::file_response(std::move(t->data), t->media_type, "");
  });

  r.add("GET", path("/api-categories"), [&, user_of](RestRequest& req) {
    user_of(req);
    json::array items;
    for (const auto& c : store.list_categories())
      items.push_back(json::object{{"id", c.id}, {"name", c.name}, {"description", c.description}});
    return ok(200, common::list_body(std::move(items)));
  });
}

}  // namespace archway::devportal
