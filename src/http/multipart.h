#pragma once
// multipart/form-data (RFC 7578) request bodies: the Publisher's file uploads (OpenAPI import,
// documents, thumbnails, project archives) and the Service Catalog's service registration.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace archway::http {

struct RestRequest;

struct FormPart {
  std::string name;          // form field name (Content-Disposition name=)
  std::string filename;      // empty when the part is not a file
  std::string content_type;  // the part's Content-Type, "text/plain" when absent
  std::string_view body;     // view into the request body
};

// Parses `body` with the boundary from `content_type` ("multipart/form-data; boundary=...").
// Throws common::ProblemError (400) describing what is malformed. Views point into `body`.
std::vector<FormPart> parse_multipart(std::string_view content_type, std::string_view body);

// The request's form parts; throws 415 when the request is not multipart/form-data.
std::vector<FormPart> form_parts(const RestRequest& req);

// The first part named `name`, or nullptr.
const FormPart* find_part(const std::vector<FormPart>& parts, std::string_view name);

// Extracts a parameter ("boundary", "charset") from a header value such as a Content-Type.
std::optional<std::string> header_param(std::string_view header_value, std::string_view param);

}  // namespace archway::http
