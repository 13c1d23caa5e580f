#pragma once
// What the community of an API leaves on it: comments (the product's Comment, with one level of
// replies) from the Publisher or the Developer Portal, and each user's rating (1 to 5).
#include <cstdint>
#include <string>
#include <string_view>

namespace archway::domain {

inline constexpr std::size_t kMaxCommentLength = 512;  // characters, as the product's maxLength
inline constexpr std::size_t kMaxCommentCategoryLength = 100;
inline constexpr std::string_view kDefaultCommentCategory = "general";
// entryPoint: where a comment was written.
inline constexpr std::string_view kEntryPointPublisher = "publisher";
inline constexpr std::string_view kEntryPointDevPortal = "devPortal";
inline constexpr int kMinRating = 1;
inline constexpr int kMaxRating = 5;

struct Comment {
  std::string id;
  std::string api_id;
  std::string parent_id;  // empty for a top-level comment; a reply's parent is always top-level
  std::string content;
  std::string category{kDefaultCommentCategory};
  std::string entry_point;
  std::string created_by;
  std::int64_t created_time = 0;
  std::int64_t updated_time = 0;
};

// One user's rating of one API (a user has at most one per API).
struct Rating {
  std::string id;
  std::string api_id;
  std::string rated_by;
  int rating = 0;
  std::int64_t created_time = 0;
  std::int64_t updated_time = 0;
};

}  // namespace archway::domain
