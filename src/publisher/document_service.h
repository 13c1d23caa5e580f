#pragma once
// The Publisher's documents and thumbnails of an API or an API product over the Store. Throws
// common::ProblemError with the status the REST API answers (400 naming the field, 404, 409).
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/document.h"
#include "domain/user.h"
#include "http/multipart.h"
#include "publisher/api_service.h"
#include "store/store.h"

namespace archway::publisher {

class DocumentService {
 public:
  // Serves the records of one kind: an id of the other kind is 404, as one that does not exist.
  explicit DocumentService(store::Store& store, ApiKind kind = ApiKind::kApi) : store_(store), kind_(kind) {}

  std::vector<domain::Document> list(const std::string& api_id);
  // A Document body; INLINE and MARKDOWN documents may carry their text in `inlineContent`.
  domain::Document create(const std::string& api_id, const boost::json::object& body, const domain::User& caller);
  domain::Document get(const std::string& api_id, const std::string& document_id);
  domain::Document update(const std::string& api_id, const std::string& document_id,
                          const boost::json::object& body, const domain::User& caller);
  void remove(const std::string& api_id, const std::string& document_id);

  // The product's content upload: form field `inlineContent` for INLINE and MARKDOWN documents,
  // a `file` part for FILE documents (URL documents have their sourceUrl instead).
  domain::Document set_content(const std::string& api_id, const std::string& document_id,
                               const std::vector<http::FormPart>& parts, const domain::User& caller);

  // What GET .../content answers: the stored bytes, or for a URL document the address to go to.
  struct Content {
    std::optional<std::string> redirect;
    domain::StoredFile file;
  };
  Content content(const std::string& api_id, const std::string& document_id);

  // Stores the `file` part as the API's thumbnail when it is a PNG, JPEG, GIF, WebP or SVG image
  // of at most kMaxThumbnailBytes (judged by its bytes); returns its media type.
  std::string set_thumbnail(const std::string& api_id, const std::vector<http::FormPart>& parts);
  domain::StoredFile thumbnail(const std::string& api_id);

  // 404 unless the API (or, for kProduct, the API product) exists.
  void require_api(const std::string& api_id);

 private:
  // "API" or "API Product", for messages.
  const char* noun() const { return kind_ == ApiKind::kProduct ? "API Product" : "API"; }

  store::Store& store_;
  ApiKind kind_;
};

// The inline text of a document as stored: text/plain for INLINE, text/markdown for MARKDOWN.
domain::StoredFile inline_text(const std::string& source_type, std::string text);

}  // namespace archway::publisher
