#pragma once
// Comments on APIs, shared by the Publisher and the Developer Portal (each decides first which
// APIs its caller may see): the product's Comment and CommentList shapes, one level of replies,
// edits by the author only, deletion by the author or a moderator (an admin).
#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "domain/comment.h"
#include "domain/user.h"
#include "identity/authenticator.h"
#include "store/store.h"

namespace archway::publisher {

class CommentService {
 public:
  explicit CommentService(store::Store& store) : store_(store) {}

  // A comment from a POST body ({content, category}); a reply to `reply_to` when it is not
  // empty. 400 naming the field for a bad body, 404 for an unknown parent, 400 for a reply's reply.
  domain::Comment create(const std::string& api_id, std::string_view body,
                         const std::string& reply_to, const domain::User& author,
                         std::string_view entry_point);
  // 404 when the API has no such comment.
  domain::Comment get(const std::string& api_id, const std::string& id);
  // A PATCH body's content and/or category; 403 unless `caller` wrote the comment.
  domain::Comment edit(const std::string& api_id, const std::string& id, std::string_view body,
                       const domain::User& caller);
  // Removes the comment with its replies; 403 unless `caller` wrote it or is a `moderator`.
  void remove(const std::string& api_id, const std::string& id, const domain::User& caller,
              bool moderator);

  // How a response shows comments: with commenterInfo or not, and where the API's comments live
  // (".../apis/{apiId}/comments", for the pagination links).
  struct View {
    bool commenter_info = false;
    std::string collection;
  };
  // One comment; a top-level one carries a page of its replies.
  boost::json::object comment_json(const domain::Comment& c, const View& view,
                                   std::int64_t reply_limit, std::int64_t reply_offset);
  // A CommentList page of the API's top-level comments (each with its first replies), or of the
  // replies of `parent_id` (404 when the API has no such comment).
  boost::json::object list_json(const std::string& api_id, const std::string& parent_id,
                                std::int64_t limit, std::int64_t offset, const View& view);

 private:
  boost::json::object replies_json(const domain::Comment& parent, const View& view,
                                   std::int64_t limit, std::int64_t offset);
  store::Store& store_;
};

// Whether the caller moderates comments (deletes anyone's): an admin, whose token (when it comes
// with one) carries apim:admin.
bool moderates_comments(const identity::Caller& caller);

}  // namespace archway::publisher
