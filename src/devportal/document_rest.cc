#include "devportal/document_rest.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/json.h"
#include "common/problem.h"
#include "devportal/devportal_rest.h"
#include "devportal/visibility.h"
#include "http/file_response.h"

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
  // The API when the portal shows it to the caller (anonymous or signed in); 404 otherwise, as for
  // an API that does not exist.
  auto shown_api = [&store, &auth](const RestRequest& req) {
    const std::string& id = req.path_params.at("apiId");
    const auto reader = reader_of(auth, req);
    auto a = store.get_api(id);
    if (!a || !shown_to(*a, reader)) throw ProblemError(Problem::not_found(fmt::format("API '{}' not found", id)));
    return *a;
  };
  // A document developers may read: API_LEVEL visibility, of an API the portal shows the caller.
  auto shown_document = [&store, shown_api](const RestRequest& req) {
    const std::string& api_id = shown_api(req).id;
    const std::string& id = req.path_params.at("documentId");
    auto d = store.get_document(api_id, id);
    if (!d || d->visibility != "API_LEVEL")
      throw ProblemError(Problem::not_found(fmt::format("Document '{}' of API '{}' not found", id, api_id)));
    return *d;
  };

  r.add("GET", path("/apis/{apiId}/documents"), [&, shown_api](RestRequest& req) {
    const std::string api_id = shown_api(req).id;
    json::array items;
    for (const auto& d : store.list_documents(api_id))
      if (d.visibility == "API_LEVEL") items.push_back(domain::document_to_json(d));
    json::object body = common::list_body(std::move(items));
    const auto n = body["count"];
    body["pagination"] = json::object{{"offset", 0}, {"limit", n}, {"total", n}, {"next", ""}, {"previous", ""}};
    return ok(200, body);
  });

  r.add("GET", path("/apis/{apiId}/documents/{documentId}"), [&, shown_document](RestRequest& req) {
    return ok(200, domain::document_to_json(shown_document(req)));
  });

  r.add("GET", path("/apis/{apiId}/documents/{documentId}/content"), [&, shown_document](RestRequest& req) {
    const std::string& api_id = req.path_params["apiId"];
    const domain::Document d = shown_document(req);
    if (d.source_type == "URL") {
      RestResponse res = RestResponse::empty(303);
      res.headers.emplace_back("Location", d.source_url);
      return res;
    }
    auto content = store.document_content(api_id, d.id);
    if (!content) throw ProblemError(Problem::not_found(fmt::format("Document '{}' has no content yet", d.name)));
    return http::file_response(std::move(content->data), content->media_type, content->file_name);
  });

  r.add("GET", path("/apis/{apiId}/thumbnail"), [&, shown_api](RestRequest& req) {
    const std::string api_id = shown_api(req).id;
    auto t = store.thumbnail(api_id);
    if (!t) throw ProblemError(Problem::not_found(fmt::format("API '{}' has no thumbnail", api_id)));
    return http::file_response(std::move(t->data), t->media_type, "");
  });

  r.add("GET", path("/api-categories"), [&](RestRequest& req) {
    reader_of(auth, req);
    json::array items;
    for (const auto& c : store.list_categories())
      items.push_back(json::object{{"id", c.id}, {"name", c.name}, {"description", c.description}});
    return ok(200, common::list_body(std::move(items)));
  });
}

}  // namespace archway::devportal
