#include "publisher/comment_rest.h"

#include <boost/json.hpp>
#include <cstdint>

#include "identity/roles.h"
#include "publisher/publisher_rest.h"

namespace archway::publisher {

namespace json = boost::json;
using http::RestRequest;
using http::RestResponse;

namespace {
RestResponse ok_json(int status, const json::value& v) {
  return RestResponse::json(status, json::serialize(v));
}
}  // namespace

void add_comment_routes(http::RestRouter& r, ApiService& apis, CommentService& comments,
                        identity::Authenticator& auth) {
  auto reader = [&auth](const RestRequest& req) {
    return auth.authorize(req, {domain::kRoleCreator, domain::kRolePublisher},
                          identity::kScopeApiView);
  };
  auto writer = [&auth](const RestRequest& req) {
    return auth.authorize(req, {domain::kRoleCreator, domain::kRolePublisher},
                          identity::kScopeCommentWrite);
  };
  // The API's id once it is known to be an API (404 otherwise, API products included).
  auto api_of = [&apis](RestRequest& req) { return apis.get(req.path_params["apiId"]).id; };
  auto view_of = [](const RestRequest& req, const std::string& api_id) {
    return CommentService::View{http::query_bool(req, "includeCommenterInfo", false),
                                publisher_path("/apis/" + api_id + "/comments")};
  };
  auto limit_of = [](const RestRequest& req, std::string_view name) {
    return http::query_int(req, name, 25, 1, 1000);
  };
  auto offset_of = [](const RestRequest& req, std::string_view name) {
    return http::query_int(req, name, 0, 0, INT64_MAX / 2);
  };

  r.add("GET", publisher_path("/apis/{apiId}/comments"), [=, &comments](RestRequest& req) {
    reader(req);
    const std::string api_id = api_of(req);
    return ok_json(200, comments.list_json(api_id, "", limit_of(req, "limit"),
                                           offset_of(req, "offset"), view_of(req, api_id)));
  });

  r.add("POST", publisher_path("/apis/{apiId}/comments"), [=, &comments](RestRequest& req) {
    const auto caller = writer(req);
    const std::string api_id = api_of(req);
    const std::string* reply_to = req.query_param("replyTo");
    const domain::Comment c = comments.create(api_id, req.body, reply_to ? *reply_to : "",
                                              caller.user, domain::kEntryPointPublisher);
    RestResponse res = ok_json(201, comments.comment_json(c, view_of(req, api_id), 25, 0));
    res.headers.emplace_back("Location", publisher_path("/apis/" + api_id + "/comments/" + c.id));
    return res;
  });

  r.add("GET", publisher_path("/apis/{apiId}/comments/{commentId}"),
        [=, &comments](RestRequest& req) {
          reader(req);
          const std::string api_id = api_of(req);
          const domain::Comment c = comments.get(api_id, req.path_params["commentId"]);
          return ok_json(200,
                         comments.comment_json(c, view_of(req, api_id), limit_of(req, "replyLimit"),
                                               offset_of(req, "replyOffset")));
        });

  r.add("PATCH", publisher_path("/apis/{apiId}/comments/{commentId}"),
        [=, &comments](RestRequest& req) {
          const auto caller = writer(req);
          const std::string api_id = api_of(req);
          const domain::Comment c =
              comments.edit(api_id, req.path_params["commentId"], req.body, caller.user);
          return ok_json(200, comments.comment_json(c, view_of(req, api_id), 25, 0));
        });

  // An admin moderates: deletes anyone's comment (with a token, one carrying apim:admin).
  r.add("DELETE", publisher_path("/apis/{apiId}/comments/{commentId}"),
        [=, &comments](RestRequest& req) {
          const auto caller = writer(req);
          const std::string api_id = api_of(req);
          comments.remove(api_id, req.path_params["commentId"], caller.user,
                          moderates_comments(caller));
          return RestResponse::empty(200);
        });

  r.add("GET", publisher_path("/apis/{apiId}/comments/{commentId}/replies"),
        [=, &comments](RestRequest& req) {
          reader(req);
          const std::string api_id = api_of(req);
          return ok_json(
              200, comments.list_json(api_id, req.path_params["commentId"], limit_of(req, "limit"),
                                      offset_of(req, "offset"), view_of(req, api_id)));
        });
}

}  // namespace archway::publisher
