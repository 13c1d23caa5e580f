#include "publisher/document_rest.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/json.h"
#include "common/problem.h"
#include "http/file_response.h"
#include "identity/roles.h"
#include "publisher/publisher_rest.h"

namespace archway::publisher {

namespace json = boost::json;
using http::RestRequest;
using http::RestResponse;

namespace {

RestResponse ok_json(int status, const json::value& v) { return RestResponse::json(status, json::serialize(v)); }

json::object document_list(const std::vector<domain::Document>& docs) {
  json::array items;
  for (const auto& d : docs) items.push_back(domain::document_to_json(d));
  json::object body = common::list_body(std::move(items));
  const auto n = static_cast<std::int64_t>(docs.size());
  body["pagination"] = json::object{{"offset", 0}, {"limit", n}, {"total", n}, {"next", ""}, {"previous", ""}};
  return body;
}

}  // namespace

json::object category_json(const domain::ApiCategory& c) {
  return json::object{{"id", c.id}, {"name", c.name}, {"description", c.description}, {"numberOfAPIs", c.api_count}};
}

RestResponse document_content_response(const DocumentService::Content& content) {
  if (content.redirect) {
    RestResponse r = RestResponse::empty(303);
    r.headers.emplace_back("Location", *content.redirect);
    return r;
  }
  return http::file_response(content.file.data, content.file.media_type, content.file.file_name);
}

void add_document_routes(http::RestRouter& r, DocumentService& api_docs, DocumentService& product_docs,
                         store::Store& store, identity::Authenticator& auth) {
  auto reader = [&auth](const RestRequest& req) {
    return auth.authorize(req, {domain::kRoleCreator, domain::kRolePublisher}, identity::kScopeApiView).user;
  };
  auto creator = [&auth](const RestRequest& req) {
    return auth.authorize(req, {domain::kRoleCreator}, identity::kScopeApiCreate).user;
  };
  auto body_of = [](const RestRequest& req, json::value& holder) -> const json::object& {
    holder = common::parse_json_body(req.body);
    return common::as_object(holder, "");
  };

  // Documents and thumbnail, alike for APIs (/apis/{apiId}) and API products
  // (/api-products/{apiProductId}); each collection's service answers 404 for the other kind.
  auto owned = [&](DocumentService& docs, const std::string& collection, const std::string& id_param) {
    const std::string item = collection + "/{" + id_param + "}";
    r.add("GET", publisher_path(item + "/documents"), [=, &docs](RestRequest& req) {
      reader(req);
      return ok_json(200, document_list(docs.list(req.path_params[id_param])));
    });

    r.add("POST", publisher_path(item + "/documents"), [=, &docs](RestRequest& req) {
      const auto user = creator(req);
      json::value holder;
      const std::string& api_id = req.path_params[id_param];
      const domain::Document d = docs.create(api_id, body_of(req, holder), user);
      RestResponse res = ok_json(201, domain::document_to_json(d));
      res.headers.emplace_back("Location", publisher_path(collection + "/" + api_id + "/documents/" + d.id));
      return res;
    });

    r.add("GET", publisher_path(item + "/documents/{documentId}"), [=, &docs](RestRequest& req) {
      reader(req);
      return ok_json(200,
                     domain::document_to_json(docs.get(req.path_params[id_param], req.path_params["documentId"])));
    });

    r.add("PUT", publisher_path(item + "/documents/{documentId}"), [=, &docs](RestRequest& req) {
      const auto user = creator(req);
      json::value holder;
      return ok_json(200, domain::document_to_json(docs.update(req.path_params[id_param],
                                                               req.path_params["documentId"], body_of(req, holder),
                                                               user)));
    });

    r.add("DELETE", publisher_path(item + "/documents/{documentId}"), [=, &docs](RestRequest& req) {
      creator(req);
      docs.remove(req.path_params[id_param], req.path_params["documentId"]);
      return RestResponse::empty(200);
    });

    r.add("POST", publisher_path(item + "/documents/{documentId}/content"), [=, &docs](RestRequest& req) {
      const auto user = creator(req);
      const std::string& api_id = req.path_params[id_param];
      const std::string& doc_id = req.path_params["documentId"];
      docs.get(api_id, doc_id);  // 404 before a body is looked at
      const domain::Document d = docs.set_content(api_id, doc_id, http::form_parts(req), user);
      return ok_json(201, domain::document_to_json(d));
    });

    r.add("GET", publisher_path(item + "/documents/{documentId}/content"), [=, &docs](RestRequest& req) {
      reader(req);
      return document_content_response(docs.content(req.path_params[id_param], req.path_params["documentId"]));
    });

    r.add("PUT", publisher_path(item + "/thumbnail"), [=, &docs](RestRequest& req) {
      creator(req);
      const std::string& api_id = req.path_params[id_param];
      docs.require_api(api_id);  // 404 before a body is looked at
      const std::string type = docs.set_thumbnail(api_id, http::form_parts(req));
      return ok_json(200, json::object{{"relativePath", publisher_path(collection + "/" + api_id + "/thumbnail")},
                                       {"mediaType", type}});
    });

    r.add("GET", publisher_path(item + "/thumbnail"), [=, &docs](RestRequest& req) {
      reader(req);
      domain::StoredFile t = docs.thumbnail(req.path_params[id_param]);
      return http::file_response(std::move(t.data), t.media_type, "");
    });
  };
  owned(api_docs, "/apis", "apiId");
  owned(product_docs, "/api-products", "apiProductId");

  // Whether the API has a document of this name: 200, or 404 (also for an unknown API).
  r.add("POST", publisher_path("/apis/{apiId}/documents/validate"), [&, creator](RestRequest& req) {
    creator(req);
    const std::string& name = http::required_query(req, "name");
    const std::string& api_id = req.path_params["apiId"];
    for (const auto& d : api_docs.list(api_id))
      if (d.name == name) return RestResponse::empty(200);
    throw common::ProblemError(
        common::Problem::not_found(fmt::format("API '{}' has no document named '{}'", api_id, name)));
  });

  r.add("GET", publisher_path("/api-categories"), [&, reader](RestRequest& req) {
    reader(req);
    json::array items;
    for (const auto& c : store.list_categories()) items.push_back(category_json(c));
    return ok_json(200, common::list_body(std::move(items)));
  });
}

}  // namespace archway::publisher
