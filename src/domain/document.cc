#include "domain/document.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/clock.h"
#include "common/json.h"
#include "common/problem.h"
#include "domain/url.h"

namespace archway::domain {

namespace {

[[noreturn]] void bad(std::string d) { throw common::ProblemError(common::Problem::bad_request(std::move(d))); }

template <std::size_t N>
std::string one_of(const boost::json::object& o, std::string_view key, const std::string_view (&allowed)[N],
                   std::string_view def) {
  const std::string v = common::opt_string(o, key, key).value_or(std::string(def));
  if (std::find(std::begin(allowed), std::end(allowed), v) == std::end(allowed))
    bad(fmt::format("'{}' must be one of {}, got '{}'", key, fmt::join(allowed, ", "), v));
  return v;
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

}  // namespace

Document document_from_json(const boost::json::object& o, std::optional<std::string>* inline_content) {
  Document d;
  d.name = common::opt_string(o, "name", "name").value_or("");
  if (d.name.empty()) bad("'name' is required");
  if (d.name.size() > kMaxDocumentNameLength)
    bad(fmt::format("'name' must be at most {} characters", kMaxDocumentNameLength));
  if (has_control(d.name) || d.name.find('/') != std::string::npos || d.name.find('\\') != std::string::npos)
    bad("'name' must not contain slashes or control characters");
  d.type = one_of(o, "type", kDocumentTypes, "");
  d.other_type_name = common::opt_string(o, "otherTypeName", "otherTypeName").value_or("");
  if (d.type == "OTHER" && d.other_type_name.empty()) bad("'otherTypeName' is required when 'type' is OTHER");
  if (d.type != "OTHER") d.other_type_name.clear();
  if (d.other_type_name.size() > kMaxDocumentNameLength)
    bad(fmt::format("'otherTypeName' must be at most {} characters", kMaxDocumentNameLength));
  d.summary = common::opt_string(o, "summary", "summary").value_or("");
  if (d.summary.size() > kMaxDocumentSummaryLength)
    bad(fmt::format("'summary' must be at most {} characters", kMaxDocumentSummaryLength));
  d.visibility = one_of(o, "visibility", kDocumentVisibilities, "API_LEVEL");
  d.source_type = one_of(o, "sourceType", kDocumentSourceTypes, "");
  d.source_url = common::opt_string(o, "sourceUrl", "sourceUrl").value_or("");
  if (d.source_type == "URL") {
    if (d.source_url.empty()) bad("'sourceUrl' is required when 'sourceType' is URL");
    if (d.source_url.size() > kMaxDocumentUrlLength)
      bad(fmt::format("'sourceUrl' must be at most {} characters", kMaxDocumentUrlLength));
    std::string why;
    if (has_control(d.source_url) || !parse_backend_url(d.source_url, &why))
      bad(fmt::format("'sourceUrl' must be an http or https URL, got '{}'", d.source_url));
  } else {
    d.source_url.clear();
  }
  std::optional<std::string> content = common::opt_string(o, "inlineContent", "inlineContent");
  if (content) {
    if (d.source_type != "INLINE" && d.source_type != "MARKDOWN")
      bad(fmt::format("'inlineContent' applies to INLINE and MARKDOWN documents, not {}", d.source_type));
    if (content->size() > kMaxInlineContentBytes)
      bad(fmt::format("'inlineContent' must be at most {} bytes", kMaxInlineContentBytes));
  }
  if (inline_content) *inline_content = std::move(content);
  return d;
}

boost::json::object document_to_json(const Document& d) {
  boost::json::object o;
  o["documentId"] = d.id;
  o["name"] = d.name;
  o["type"] = d.type;
  o["summary"] = d.summary;
  o["sourceType"] = d.source_type;
  o["sourceUrl"] = d.source_type == "URL" ? boost::json::value(d.source_url) : boost::json::value(nullptr);
  o["fileName"] = d.file_name.empty() ? boost::json::value(nullptr) : boost::json::value(d.file_name);
  o["otherTypeName"] = d.type == "OTHER" ? boost::json::value(d.other_type_name) : boost::json::value(nullptr);
  o["visibility"] = d.visibility;
  o["hasContent"] = d.source_type == "URL" || d.has_content;
  o["createdBy"] = d.created_by;
  o["createdTime"] = common::iso8601_utc(d.created_time);
  o["lastUpdatedBy"] = d.updated_by;
  o["lastUpdatedTime"] = common::iso8601_utc(d.updated_time);
  return o;
}

std::string checked_file_name(std::string_view name, std::string_view field) {
  const std::size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  if (name.empty() || name == "." || name == "..") bad(fmt::format("'{}' needs a file name", field));
  if (name.size() > 255) bad(fmt::format("'{}': the file name must be at most 255 bytes", field));
  if (has_control(name) || name.find('"') != std::string_view::npos)
    bad(fmt::format("'{}': the file name must not contain quotes or control characters", field));
  return std::string(name);
}

}  // namespace archway::domain
