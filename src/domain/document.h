#pragma once
// An API's documents (the product's Document: how-tos, samples, forums, ...) and the stored files
// behind documents and thumbnails. Plain data plus the JSON codec in the Publisher v4 shape.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace archway::domain {

inline constexpr std::string_view kDocumentTypes[] = {
    "HOWTO", "SAMPLES", "PUBLIC_FORUM", "SUPPORT_FORUM", "API_MESSAGE_FORMAT", "SWAGGER_DOC", "OTHER"};
inline constexpr std::string_view kDocumentSourceTypes[] = {"INLINE", "MARKDOWN", "URL", "FILE"};
// OWNER_ONLY and PRIVATE documents stay in the Publisher; API_LEVEL ones show in the DevPortal.
inline constexpr std::string_view kDocumentVisibilities[] = {"OWNER_ONLY", "PRIVATE", "API_LEVEL"};

inline constexpr std::size_t kMaxDocumentNameLength = 255;
inline constexpr std::size_t kMaxDocumentSummaryLength = 1024;
inline constexpr std::size_t kMaxDocumentUrlLength = 2048;
inline constexpr std::size_t kMaxInlineContentBytes = 2 * 1024 * 1024;
inline constexpr std::size_t kMaxDocumentFileBytes = 8 * 1024 * 1024;
inline constexpr std::size_t kMaxThumbnailBytes = 1024 * 1024;

struct Document {
  std::string id;
  std::string api_id;
  std::string name;
  std::string type = "HOWTO";
  std::string other_type_name;  // type OTHER only
  std::string summary;
  std::string visibility = "API_LEVEL";
  std::string source_type = "INLINE";
  std::string source_url;  // source type URL only
  std::string file_name;   // source type FILE, once a file was uploaded
  bool has_content = false;  // inline text or a file was stored
  std::string created_by;
  std::int64_t created_time = 0;
  std::string updated_by;
  std::int64_t updated_time = 0;
};

// Bytes stored with a media type: a document's content (inline text or an uploaded file) or an
// API's thumbnail.
struct StoredFile {
  std::string media_type;
  std::string file_name;  // empty for inline text and thumbnails
  std::string data;
};

// Reads a Document body: checks types, enums, lengths and the fields each source type needs,
// throwing ProblemError(400) naming the field. `inlineContent` is returned apart (it is content,
// not metadata).
Document document_from_json(const boost::json::object& o, std::optional<std::string>* inline_content);
boost::json::object document_to_json(const Document& d);

// Checks a file name given with an upload (no path, no control characters, at most 255 bytes);
// throws ProblemError(400) naming `field`. Returns the name without any directory part.
std::string checked_file_name(std::string_view name, std::string_view field);

}  // namespace archway::domain
