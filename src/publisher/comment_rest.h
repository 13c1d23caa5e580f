#pragma once
// Publisher REST API v4: comments on an API (/apis/{apiId}/comments[/{commentId}[/replies]]):
// read with apim:api_view, written with apim:comment_write; only the author edits a comment, the
// author or an admin deletes it.
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "publisher/api_service.h"
#include "publisher/comment_service.h"

namespace archway::publisher {

void add_comment_routes(http::RestRouter& router, ApiService& apis, CommentService& comments,
                        identity::Authenticator& auth);

}  // namespace archway::publisher
