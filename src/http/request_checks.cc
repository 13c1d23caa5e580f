#include "http/request_checks.h"

#include <boost/beast/core/string.hpp>

#include <vector>

namespace archway::http {

namespace bhttp = boost::beast::http;
using common::Problem;

namespace {

Problem bad_framing(std::string description) {
  return {400, 400, "Bad Request", std::move(description)};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// Whether the path needs the slow path: an escape, or a segment that starts with a dot.
bool needs_work(std::string_view path) {
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%') return true;
    if (path[i] == '.' && i > 0 && path[i - 1] == '/') return true;
  }
  return false;
}

}  // namespace

std::optional<Problem> framing_problem(const bhttp::request_header<>& h) {
  const std::size_t hosts = h.count(bhttp::field::host);
  if (h.version() >= 11 && hosts == 0)
    return bad_framing("An HTTP/1.1 request needs a Host header (RFC 9112 section 3.2)");
  if (hosts > 1) return bad_framing("A request carries one Host header; this one has " + std::to_string(hosts));

  auto [first, last] = h.equal_range(bhttp::field::transfer_encoding);
  if (first == last) return std::nullopt;
  if (h.version() < 11) return bad_framing("Transfer-Encoding is not allowed in an HTTP/1.0 request");
  if (h.count(bhttp::field::content_length) > 0)
    return bad_framing("A request cannot carry both Content-Length and Transfer-Encoding (RFC 9112 section 6.3)");
  std::size_t codings = 0;
  std::size_t chunked = 0;
  std::string_view final_coding;
  for (auto it = first; it != last; ++it) {
    std::string_view list = it->value();
    while (!list.empty()) {
      const std::size_t comma = list.find(',');
      const std::string_view element = trim(list.substr(0, comma));
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
      if (element.empty()) continue;  // empty list elements are allowed and mean nothing
      ++codings;
      final_coding = element;
      if (boost::beast::iequals(element, "chunked")) ++chunked;
    }
  }
  if (codings == 0) return bad_framing("Transfer-Encoding names no transfer coding");
  if (!boost::beast::iequals(final_coding, "chunked"))
    return bad_framing("The final transfer coding must be chunked (RFC 9112 section 6.1); this request's is '" +
                       std::string(final_coding.substr(0, 64)) + "'");
  if (chunked > 1) return bad_framing("Transfer-Encoding names chunked more than once (RFC 9112 section 7.1)");
  if (codings > 1)
    return Problem{501, 501, "Not Implemented", "Transfer codings other than chunked are not supported"};
  return std::nullopt;
}

PathVerdict normalize_path(std::string_view path, bool allow_encoded_slashes, std::string& out) {
  if (path.empty() || path.front() != '/' || !needs_work(path)) return PathVerdict::kSame;
  // Escapes first, so that %2E%2E is a dot segment like "..".
  std::string decoded;
  decoded.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') {
      decoded.push_back(path[i]);
      continue;
    }
    const int hi = i + 2 < path.size() ? hex_value(path[i + 1]) : -1;
    const int lo = hi >= 0 ? hex_value(path[i + 2]) : -1;
    if (lo < 0) return PathVerdict::kMalformed;
    const auto c = static_cast<unsigned char>(hi * 16 + lo);
    i += 2;
    if (c == 0) return PathVerdict::kNul;
    if ((c == '/' || c == '\\') && !allow_encoded_slashes) return PathVerdict::kEncodedSlash;
    if (unreserved(c)) {
      decoded.push_back(static_cast<char>(c));
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      decoded.push_back('%');
      decoded.push_back(kHex[c >> 4]);
      decoded.push_back(kHex[c & 15]);
    }
  }
  // Dot segments (RFC 3986 section 5.2.4) over the segments after the leading slash.
  std::vector<std::string_view> kept;
  std::string_view rest = std::string_view(decoded).substr(1);
  bool trailing_slash = false;
  for (;;) {
    const std::size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    const bool last = slash == std::string_view::npos;
    if (segment == ".") {
      trailing_slash = last;
    } else if (segment == "..") {
      if (kept.empty()) return PathVerdict::kAboveRoot;
      kept.pop_back();
      trailing_slash = last;
    } else {
      kept.push_back(segment);
      trailing_slash = false;
    }
    if (last) break;
    rest.remove_prefix(slash + 1);
  }
  out.clear();
  for (const std::string_view segment : kept) out.append("/").append(segment);
  if (trailing_slash || out.empty()) out.push_back('/');
  return out == path ? PathVerdict::kSame : PathVerdict::kNormalized;
}

Problem path_problem(PathVerdict verdict) {
  switch (verdict) {
    case PathVerdict::kMalformed:
      return {400, 400, "Bad Request", "The request path has a '%' that is not followed by two hex digits"};
    case PathVerdict::kNul:
      return {400, 400, "Bad Request", "The request path contains an encoded NUL (%00)"};
    case PathVerdict::kEncodedSlash:
      return {400, 400, "Bad Request",
              "The request path contains an encoded slash or backslash (%2F, %5C); this gateway refuses them "
              "(gateway.allow_encoded_slashes)"};
    case PathVerdict::kAboveRoot:
      return {400, 400, "Bad Request", "The request path climbs above the root with '..' segments"};
    default:
      return {400, 400, "Bad Request", "The request path is not acceptable"};
  }
}

}  // namespace archway::http
