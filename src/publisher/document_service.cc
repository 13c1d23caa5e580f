#include "publisher/document_service.h"

#include <fmt/format.h>

#include "common/clock.h"
#include "common/ids.h"
#include "common/problem.h"
#include "domain/image.h"
#include "http/file_response.h"

namespace archway::publisher {

using common::Problem;
using common::ProblemError;

namespace {
[[noreturn]] void bad(std::string d) { throw ProblemError(Problem::bad_request(std::move(d))); }
}  // namespace

domain::StoredFile inline_text(const std::string& source_type, std::string text) {
  return {source_type == "MARKDOWN" ? "text/markdown; charset=utf-8" : "text/plain; charset=utf-8", "",
          std::move(text)};
}

void DocumentService::require_api(const std::string& api_id) {
  const auto api = store_.get_api(api_id);
  if (!api || api->is_product() != (kind_ == ApiKind::kProduct))
    throw ProblemError(Problem::not_found(fmt::format("{} '{}' not found", noun(), api_id)));
}

std::vector<domain::Document> DocumentService::list(const std::string& api_id) {
  require_api(api_id);
  return store_.list_documents(api_id);
}

domain::Document DocumentService::create(const std::string& api_id, const boost::json::object& body,
                                         const domain::User& caller) {
  require_api(api_id);
  std::optional<std::string> text;
  domain::Document d = domain::document_from_json(body, &text);
  d.id = common::new_uuid();
  d.api_id = api_id;
  d.created_by = d.updated_by = caller.username;
  d.created_time = d.updated_time = common::now_millis();
  std::optional<domain::StoredFile> content;
  if (text) content = inline_text(d.source_type, std::move(*text));
  store_.create_document(d, content);
  return get(api_id, d.id);
}

domain::Document DocumentService::get(const std::string& api_id, const std::string& document_id) {
  require_api(api_id);
  auto d = store_.get_document(api_id, document_id);
  if (!d)
    throw ProblemError(
        Problem::not_found(fmt::format("Document '{}' of {} '{}' not found", document_id, noun(), api_id)));
  return *d;
}

domain::Document DocumentService::update(const std::string& api_id, const std::string& document_id,
                                         const boost::json::object& body, const domain::User& caller) {
  const domain::Document current = get(api_id, document_id);
  std::optional<std::string> text;
  domain::Document d = domain::document_from_json(body, &text);
  d.id = current.id;
  d.api_id = api_id;
  d.created_by = current.created_by;
  d.created_time = current.created_time;
  d.updated_by = caller.username;
  d.updated_time = common::now_millis();
  std::optional<domain::StoredFile> content;
  if (text) content = inline_text(d.source_type, std::move(*text));
  store_.update_document(d, content);
  return get(api_id, d.id);
}

void DocumentService::remove(const std::string& api_id, const std::string& document_id) {
  get(api_id, document_id);
  store_.delete_document(api_id, document_id);
}

domain::Document DocumentService::set_content(const std::string& api_id, const std::string& document_id,
                                              const std::vector<http::FormPart>& parts,
                                              const domain::User& caller) {
  domain::Document d = get(api_id, document_id);
  const http::FormPart* file = http::find_part(parts, "file");
  const http::FormPart* text = http::find_part(parts, "inlineContent");
  if (file && text) bad("Send either 'file' or 'inlineContent', not both");
  domain::StoredFile content;
  if (d.source_type == "URL") {
    bad(fmt::format("Document '{}' has sourceType URL: its content is its 'sourceUrl'; update the document instead",
                    d.name));
  } else if (d.source_type == "FILE") {
    if (!file) bad(fmt::format("'file': document '{}' has sourceType FILE; upload the file in a 'file' part", d.name));
    if (file->body.size() > domain::kMaxDocumentFileBytes)
      bad(fmt::format("'file' must be at most {} bytes, got {}", domain::kMaxDocumentFileBytes, file->body.size()));
    content.file_name = domain::checked_file_name(file->filename, "file");
    content.media_type = http::clean_media_type(file->content_type);
    content.data = std::string(file->body);
  } else {
    if (!text)
      bad(fmt::format("'inlineContent': document '{}' has sourceType {}; send its text in an 'inlineContent' field",
                      d.name, d.source_type));
    if (text->body.size() > domain::kMaxInlineContentBytes)
      bad(fmt::format("'inlineContent' must be at most {} bytes", domain::kMaxInlineContentBytes));
    content = inline_text(d.source_type, std::string(text->body));
  }
  d.updated_by = caller.username;
  d.updated_time = common::now_millis();
  store_.update_document(d, content);
  return get(api_id, document_id);
}

DocumentService::Content DocumentService::content(const std::string& api_id, const std::string& document_id) {
  const domain::Document d = get(api_id, document_id);
  Content c;
  if (d.source_type == "URL") {
    c.redirect = d.source_url;
    return c;
  }
  auto stored = store_.document_content(api_id, document_id);
  if (!stored)
    throw ProblemError(Problem::not_found(fmt::format("Document '{}' has no content yet", d.name)));
  c.file = std::move(*stored);
  return c;
}

std::string DocumentService::set_thumbnail(const std::string& api_id, const std::vector<http::FormPart>& parts) {
  require_api(api_id);
  const http::FormPart* file = http::find_part(parts, "file");
  if (!file) bad("'file' is required: send the image in a multipart 'file' part");
  if (file->body.empty()) bad("'file' is empty");
  if (file->body.size() > domain::kMaxThumbnailBytes)
    bad(fmt::format("'file' must be at most {} bytes, got {}", domain::kMaxThumbnailBytes, file->body.size()));
  const auto type = domain::image_media_type(file->body);
  if (!type) bad("'file' is not a PNG, JPEG, GIF, WebP or SVG image");
  store_.set_thumbnail(api_id, domain::StoredFile{std::string(*type), "", std::string(file->body)});
  return std::string(*type);
}

domain::StoredFile DocumentService::thumbnail(const std::string& api_id) {
  require_api(api_id);
  auto t = store_.thumbnail(api_id);
  if (!t) throw ProblemError(Problem::not_found(fmt::format("{} '{}' has no thumbnail", noun(), api_id)));
  return *t;
}

}  // namespace archway::publisher
