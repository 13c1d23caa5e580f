#include "domain/image.h"

#include <algorithm>
#include <cctype>

namespace archway::domain {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Skips whitespace, an XML declaration, comments and a DOCTYPE; true when an <svg element opens.
bool is_svg(std::string_view s) {
  if (starts_with(s, "\xEF\xBB\xBF")) s.remove_prefix(3);
  for (int guard = 0; guard < 64; ++guard) {
    const auto first = std::find_if_not(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
    s.remove_prefix(static_cast<std::size_t>(first - s.begin()));
    std::string_view close;
    if (starts_with(s, "<?xml")) close = "?>";
    else if (starts_with(s, "<!--")) close = "-->";
    else if (starts_with(s, "<!DOCTYPE") || starts_with(s, "<!doctype")) close = ">";
    else break;
    const std::size_t end = s.find(close);
    if (end == std::string_view::npos) return false;
    s.remove_prefix(end + close.size());
  }
  if (!starts_with(s, "<svg")) return false;
  return s.size() > 4 && (std::isspace(static_cast<unsigned char>(s[4])) || s[4] == '>' || s[4] == '/');
}

}  // namespace

std::optional<std::string_view> image_media_type(std::string_view b) {
  if (starts_with(b, "\x89PNG\r\n\x1a\n")) return "image/png";
  if (starts_with(b, "\xFF\xD8\xFF")) return "image/jpeg";
  if (starts_with(b, "GIF87a") || starts_with(b, "GIF89a")) return "image/gif";
  if (b.size() >= 12 && starts_with(b, "RIFF") && b.substr(8, 4) == "WEBP") return "image/webp";
  if (is_svg(b)) return "image/svg+xml";
  return std::nullopt;
}

}  // namespace archway::domain
