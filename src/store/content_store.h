#pragma once
// What readers add to an API besides its definition: documents, the thumbnail, comments and
// ratings. None of it reaches gateways. One aggregate of the store (see store.h).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/comment.h"
#include "domain/document.h"

namespace archway::store {

struct CommentPage {
  std::vector<domain::Comment> list;
  std::int64_t total = 0;
};

// One page of an API's ratings with what all of them add up to.
struct RatingPage {
  std::vector<domain::Rating> list;
  std::int64_t total = 0;
  std::int64_t sum = 0;  // of every rating of the API, not only the page's
};

class ContentStore {
 public:
  virtual ~ContentStore() = default;

  // Documents of an API: names unique per API (409). The content (inline text or an uploaded
  // file) is stored apart from the metadata; `has_content` and `file_name` are the store's.
  virtual void create_document(const domain::Document& doc, const std::optional<domain::StoredFile>& content) = 0;
  virtual std::vector<domain::Document> list_documents(std::string_view api_id) = 0;
  virtual std::optional<domain::Document> get_document(std::string_view api_id, std::string_view id) = 0;
  // Replaces the metadata; `content` replaces the stored content when given, and a change of
  // source type drops content stored for the old one.
  virtual void update_document(const domain::Document& doc, const std::optional<domain::StoredFile>& content) = 0;
  virtual std::optional<domain::StoredFile> document_content(std::string_view api_id, std::string_view id) = 0;
  virtual bool delete_document(std::string_view api_id, std::string_view id) = 0;

  // An API's thumbnail (one per API); setting one marks the API hasThumbnail.
  virtual void set_thumbnail(std::string_view api_id, const domain::StoredFile& image) = 0;
  virtual std::optional<domain::StoredFile> thumbnail(std::string_view api_id) = 0;

  // Comments on an API or API product; they go with it when it is deleted, and a comment's
  // replies go with the comment. None of this reaches gateways (no change event).
  // Checks in its transaction that the API exists (404) and, for a reply, that the parent is a
  // top-level comment of the same API (404 when there is no such comment, 400 for a reply's reply).
  virtual void create_comment(const domain::Comment& c) = 0;
  virtual std::optional<domain::Comment> get_comment(std::string_view api_id, std::string_view id) = 0;
  // A page of the API's top-level comments (empty `parent_id`), newest first, or of the replies
  // of `parent_id`, oldest first, with the total.
  virtual CommentPage list_comments(std::string_view api_id, std::string_view parent_id, std::int64_t limit,
                                    std::int64_t offset) = 0;
  // Replaces content, category and updated time; false when the comment is gone.
  virtual bool update_comment(const domain::Comment& c) = 0;
  virtual bool delete_comment(std::string_view api_id, std::string_view id) = 0;

  // Ratings: one per user and API. set_rating adds the user's rating or replaces its value (the
  // id and created time stay) and returns it as stored; 404 when the API is gone.
  virtual domain::Rating set_rating(const domain::Rating& r) = 0;
  virtual std::optional<domain::Rating> get_rating(std::string_view api_id, std::string_view user) = 0;
  virtual bool delete_rating(std::string_view api_id, std::string_view user) = 0;
  // A page of the API's ratings, oldest first, with their count and sum.
  virtual RatingPage list_ratings(std::string_view api_id, std::int64_t limit, std::int64_t offset) = 0;
  // The count and sum of the ratings of each of `api_ids` (an index range each; APIs without
  // ratings are left out), for the average a list shows per API.
  struct RatingTotals {
    std::int64_t count = 0;
    std::int64_t sum = 0;
  };
  virtual std::vector<std::pair<std::string, RatingTotals>> rating_totals(const std::vector<std::string>& api_ids) = 0;

  // Server-wide settings the portals read, by name (e.g. "linter-custom-rules": the Publisher's
  // definition linter rules as Spectral ruleset JSON text); nullopt when not set.
  virtual std::optional<std::string> server_setting(std::string_view name) = 0;
  // Sets a server setting, or with nullopt removes it.
  virtual void set_server_setting(std::string_view name, const std::optional<std::string>& value) = 0;
};

}  // namespace archway::store
