#include "devportal/comment_rest.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cstdint>

#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/problem.h"
#include "devportal/devportal_rest.h"
#include "devportal/visibility.h"
#include "identity/roles.h"

namespace archway::devportal {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

std::string path(std::string_view suffix) {
  return std::string(kDevportalBase) + std::string(suffix);
}
RestResponse ok(int status, const json::value& v) {
  return RestResponse::json(status, json::serialize(v));
}

json::object rating_json(const domain::Rating& r) {
  return json::object{
      {"ratingId", r.id}, {"apiId", r.api_id}, {"ratedBy", r.rated_by}, {"rating", r.rating}};
}

}  // namespace

std::string average_rating(std::int64_t count, std::int64_t sum) {
  if (count <= 0) return "0.0";
  return fmt::format("{:.1f}", static_cast<double>(sum) / static_cast<double>(count));
}

void add_comment_routes(http::RestRouter& r, store::Store& store,
                        publisher::CommentService& comments, identity::Authenticator& auth) {
  // The API's id when the portal shows it to `reader` (anonymous or signed in); 404 otherwise, as
  // for an API that does not exist.
  auto shown_api = [&store](const RestRequest& req, const std::optional<domain::User>& reader) {
    const std::string& id = req.path_params.at("apiId");
    auto a = store.get_api(id);
    if (!a || !shown_to(*a, reader))
      throw ProblemError(Problem::not_found(fmt::format("API '{}' not found", id)));
    return a->id;
  };
  auto subscriber = [&auth](const RestRequest& req) {
    return auth.authorize(req, {domain::kRoleSubscriber}, identity::kScopeSubscribe);
  };
  auto view_of = [](const RestRequest& req, const std::string& api_id) {
    return publisher::CommentService::View{http::query_bool(req, "includeCommenterInfo", false),
                                           path("/apis/" + api_id + "/comments")};
  };
  auto limit_of = [](const RestRequest& req, std::string_view name) {
    return http::query_int(req, name, 25, 1, 1000);
  };
  auto offset_of = [](const RestRequest& req, std::string_view name) {
    return http::query_int(req, name, 0, 0, INT64_MAX / 2);
  };

  r.add("GET", path("/apis/{apiId}/comments"), [=, &auth, &comments](RestRequest& req) {
    const std::string api_id = shown_api(req, reader_of(auth, req));
    return ok(200, comments.list_json(api_id, "", limit_of(req, "limit"), offset_of(req, "offset"),
                                      view_of(req, api_id)));
  });

  r.add("POST", path("/apis/{apiId}/comments"), [=, &comments](RestRequest& req) {
    const auto caller = subscriber(req);
    const std::string api_id = shown_api(req, caller.user);
    const std::string* reply_to = req.query_param("replyTo");
    const domain::Comment c = comments.create(api_id, req.body, reply_to ? *reply_to : "",
                                              caller.user, domain::kEntryPointDevPortal);
    RestResponse res = ok(201, comments.comment_json(c, view_of(req, api_id), 25, 0));
    res.headers.emplace_back("Location", path("/apis/" + api_id + "/comments/" + c.id));
    return res;
  });

  r.add("GET", path("/apis/{apiId}/comments/{commentId}"), [=, &auth, &comments](RestRequest& req) {
    const std::string api_id = shown_api(req, reader_of(auth, req));
    const domain::Comment c = comments.get(api_id, req.path_params["commentId"]);
    return ok(200, comments.comment_json(c, view_of(req, api_id), limit_of(req, "replyLimit"),
                                         offset_of(req, "replyOffset")));
  });

  r.add("PATCH", path("/apis/{apiId}/comments/{commentId}"), [=, &comments](RestRequest& req) {
    const auto caller = subscriber(req);
    const std::string api_id = shown_api(req, caller.user);
    const domain::Comment c =
        comments.edit(api_id, req.path_params["commentId"], req.body, caller.user);
    return ok(200, comments.comment_json(c, view_of(req, api_id), 25, 0));
  });

  r.add("DELETE", path("/apis/{apiId}/comments/{commentId}"), [=, &comments](RestRequest& req) {
    const auto caller = subscriber(req);
    const std::string api_id = shown_api(req, caller.user);
    comments.remove(api_id, req.path_params["commentId"], caller.user,
                    publisher::moderates_comments(caller));
    return RestResponse::empty(200);
  });

  r.add("GET", path("/apis/{apiId}/comments/{commentId}/replies"),
        [=, &auth, &comments](RestRequest& req) {
          const std::string api_id = shown_api(req, reader_of(auth, req));
          return ok(200,
                    comments.list_json(api_id, req.path_params["commentId"], limit_of(req, "limit"),
                                       offset_of(req, "offset"), view_of(req, api_id)));
        });

  // Ratings: the list is public like the API; userRating is the signed-in caller's own (0: none).
  r.add("GET", path("/apis/{apiId}/ratings"), [=, &auth, &store](RestRequest& req) {
    const auto reader = reader_of(auth, req);
    const std::string api_id = shown_api(req, reader);
    const std::int64_t limit = limit_of(req, "limit");
    const std::int64_t offset = offset_of(req, "offset");
    const store::RatingPage page = store.list_ratings(api_id, limit, offset);
    json::array items;
    for (const auto& rating : page.list) items.push_back(rating_json(rating));
    json::object o = common::list_body(std::move(items));
    o["avgRating"] = average_rating(page.total, page.sum);
    int own = 0;
    if (reader)
      if (auto mine = store.get_rating(api_id, reader->username)) own = mine->rating;
    o["userRating"] = own;
    o["pagination"] =
        common::pagination_json(path("/apis/" + api_id + "/ratings"), limit, offset, page.total);
    return ok(200, o);
  });

  r.add("GET", path("/apis/{apiId}/user-rating"), [=, &store](RestRequest& req) {
    const auto caller = subscriber(req);
    const std::string api_id = shown_api(req, caller.user);
    auto mine = store.get_rating(api_id, caller.user.username);
    if (!mine)
      throw ProblemError(Problem::not_found(
          fmt::format("User '{}' has not rated API '{}'", caller.user.username, api_id)));
    return ok(200, rating_json(*mine));
  });

  r.add("PUT", path("/apis/{apiId}/user-rating"), [=, &store](RestRequest& req) {
    const auto caller = subscriber(req);
    const std::string api_id = shown_api(req, caller.user);
    const json::value v = common::parse_json_body(req.body);
    const json::object& o = common::as_object(v, "body");
    const auto value = common::opt_int(o, "rating", "rating");
    if (!value) throw ProblemError(Problem::bad_request("'rating' is required"));
    if (*value < domain::kMinRating || *value > domain::kMaxRating)
      throw ProblemError(Problem::bad_request(fmt::format(
          "'rating' must be {} to {}, got {}", domain::kMinRating, domain::kMaxRating, *value)));
    domain::Rating rating;
    rating.id = common::new_uuid();
    rating.api_id = api_id;
    rating.rated_by = caller.user.username;
    rating.rating = static_cast<int>(*value);
    rating.created_time = rating.updated_time = common::now_millis();
    return ok(200, rating_json(store.set_rating(rating)));
  });

  // Removing a rating the user never gave succeeds too, as in the product.
  r.add("DELETE", path("/apis/{apiId}/user-rating"), [=, &store](RestRequest& req) {
    const auto caller = subscriber(req);
    const std::string api_id = shown_api(req, caller.user);
    store.delete_rating(api_id, caller.user.username);
    return RestResponse::empty(200);
  });
}

}  // namespace archway::devportal
