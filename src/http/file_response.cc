#include "http/file_response.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace archway::http {

namespace {

bool token_char(unsigned char c) {
  return std::isalnum(c) || c == '!' || c == '#' || c == '$' || c == '&' || c == '^' || c == '_' || c == '.' ||
         c == '+' || c == '-';
}

}  // namespace

std::string clean_media_type(std::string_view value) {
  std::string_view v = value.substr(0, value.find(';'));
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  const std::size_t slash = v.find('/');
  const bool ok = slash != std::string_view::npos && slash > 0 && slash + 1 < v.size() && v.size() <= 127 &&
                  std::all_of(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(slash), token_char) &&
                  std::all_of(v.begin() + static_cast<std::ptrdiff_t>(slash) + 1, v.end(), token_char);
  if (!ok) return "application/octet-stream";
  std::string out(v);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

RestResponse file_response(std::string body, std::string_view media_type, std::string_view file_name) {
  RestResponse r;
  r.status = 200;
  r.body = std::move(body);
  r.content_type = std::string(media_type);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (media_type == "image/svg+xml")
    r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  if (!file_name.empty()) {
    std::string ascii;
    std::string encoded;
    bool plain = true;
    for (unsigned char c : file_name) {
      const bool safe = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%';
      plain = plain && safe;
      ascii.push_back(safe ? static_cast<char>(c) : '_');
      if (std::isalnum(c) || c == '.' || c == '-' || c == '_') encoded.push_back(static_cast<char>(c));
      else encoded += fmt::format("%{:02X}", c);
    }
    std::string disposition = fmt::format("attachment; filename=\"{}\"", ascii);
    if (!plain) disposition += "; filename*=UTF-8''" + encoded;
    r.headers.emplace_back("Content-Disposition", std::move(disposition));
  }
  return r;
}

}  // namespace archway::http
