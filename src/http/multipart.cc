#include "http/multipart.h"

#include <fmt/format.h>

#include "common/problem.h"
#include "http/rest_router.h"

namespace archway::http {

using common::Problem;
using common::ProblemError;

namespace {

[[noreturn]] void malformed(std::string_view what) {
  throw ProblemError(Problem::bad_request(fmt::format("Malformed multipart/form-data body: {}", what)));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Fills name/filename/content_type from the part's header block.
void read_part_headers(std::string_view block, FormPart& part) {
  bool disposition = false;
  while (!block.empty()) {
    const std::size_t eol = block.find("\r\n");
    const std::string_view line = block.substr(0, eol);
    block = eol == std::string_view::npos ? std::string_view{} : block.substr(eol + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) malformed(fmt::format("part header line '{}' has no ':'", line));
    const std::string_view field = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(field, "content-disposition")) {
      const std::string_view kind = trim(value.substr(0, value.find(';')));
      if (!iequals(kind, "form-data")) malformed(fmt::format("part disposition is '{}', not form-data", kind));
      auto name = header_param(value, "name");
      if (!name || name->empty()) malformed("a part's Content-Disposition has no name");
      part.name = std::move(*name);
      if (auto file = header_param(value, "filename")) part.filename = std::move(*file);
      disposition = true;
    } else if (iequals(field, "content-type")) {
      part.content_type = std::string(value);
    }
  }
  if (!disposition) malformed("a part has no Content-Disposition header");
}

}  // namespace

std::optional<std::string> header_param(std::string_view value, std::string_view param) {
  std::size_t pos = value.find(';');
  while (pos != std::string_view::npos) {
    std::string_view rest = value.substr(pos + 1);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    const std::size_t eq = rest.find('=');
    const std::size_t semi = rest.find(';');
    if (eq == std::string_view::npos) return std::nullopt;
    if (semi != std::string_view::npos && semi < eq) {  // a bare token; skip it
      pos = value.size() - rest.size() + semi;
      continue;
    }
    const std::string_view key = trim(rest.substr(0, eq));
    std::string_view raw = rest.substr(eq + 1);
    std::string out;
    std::size_t consumed = 0;
    if (!raw.empty() && raw.front() == '"') {
      std::size_t i = 1;
      for (; i < raw.size() && raw[i] != '"'; ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size()) ++i;
        out.push_back(raw[i]);
      }
      consumed = i < raw.size() ? i + 1 : i;
    } else {
      consumed = raw.find(';');
      if (consumed == std::string_view::npos) consumed = raw.size();
      out = std::string(trim(raw.substr(0, consumed)));
    }
    if (iequals(key, param)) return out;
    const std::size_t next = raw.find(';', consumed);
    if (next == std::string_view::npos) return std::nullopt;
    pos = value.size() - raw.size() + next;
  }
  return std::nullopt;
}

std::vector<FormPart> parse_multipart(std::string_view content_type, std::string_view body) {
  const auto boundary = header_param(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 70)
    malformed("the Content-Type names no boundary (or one longer than 70 characters)");
  const std::string delimiter = "--" + *boundary;
  const std::string separator = "\r\n" + delimiter;

  // The first delimiter opens the body or follows a preamble line.
  std::size_t pos = 0;
  if (body.substr(0, delimiter.size()) != delimiter) {
    pos = body.find(separator);
    if (pos == std::string_view::npos) malformed(fmt::format("the boundary '{}' does not occur in the body", *boundary));
    pos += 2;
  }
  pos += delimiter.size();

  std::vector<FormPart> parts;
  for (;;) {
    if (body.substr(pos, 2) == "--") return parts;  // the closing delimiter
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") malformed("a boundary line is not followed by CRLF");
    pos += 2;
    const std::size_t end = body.find(separator, pos);
    if (end == std::string_view::npos) malformed("the body ends before the closing boundary");
    const std::string_view whole = body.substr(pos, end - pos);
    FormPart part;
    part.content_type = "text/plain";
    std::size_t blank = whole.substr(0, 2) == "\r\n" ? 0 : whole.find("\r\n\r\n");
    if (blank == std::string_view::npos) malformed("a part's headers are not followed by an empty line");
    read_part_headers(whole.substr(0, blank), part);
    part.body = whole.substr(blank == 0 ? 2 : blank + 4);
    parts.push_back(std::move(part));
    pos = end + separator.size();
  }
}

std::vector<FormPart> form_parts(const RestRequest& req) {
  const std::string_view type = req.header("content-type");
  const std::string_view media = trim(type.substr(0, type.find(';')));
  if (!iequals(media, "multipart/form-data")) {
    Problem p{415, 415, "Unsupported Media Type",
              fmt::format("Expected a multipart/form-data body, got Content-Type '{}'", type)};
    throw ProblemError(std::move(p));
  }
  return parse_multipart(type, req.body);
}

const FormPart* find_part(const std::vector<FormPart>& parts, std::string_view name) {
  for (const auto& p : parts)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace archway::http
