#pragma once
// Developer Portal REST API v3: comments on the APIs the portal shows the caller
// (/apis/{apiId}/comments[/{commentId}[/replies]]) and users' ratings of them
// (/apis/{apiId}/ratings, /apis/{apiId}/user-rating). Anonymous callers read the comments and
// ratings of the APIs they see; commenting and rating need apim:subscribe. An API the caller does
// not see is a 404.
#include <optional>
#include <string>

#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "publisher/comment_service.h"
#include "store/store.h"

namespace archway::devportal {

void add_comment_routes(http::RestRouter& router, store::Store& store,
                        publisher::CommentService& comments, identity::Authenticator& auth);

// The product's avgRating of an API: the mean of its ratings with one decimal ("0.0": none).
std::string average_rating(std::int64_t count, std::int64_t sum);

}  // namespace archway::devportal
