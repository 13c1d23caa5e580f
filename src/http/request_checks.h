#pragma once
// Checks every listener makes on a request before it reads the body or routes it: framing that two
// parsers could read differently (request smuggling) and paths that could step out of where they
// point once a backend normalises them.
#include <boost/beast/http/message.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/problem.h"

namespace archway::http {

// Why a request header's framing is refused, or nullopt when it is sound:
// - HTTP/1.1 without Host, or more than one Host (RFC 9112 section 3.2): 400;
// - Transfer-Encoding in an HTTP/1.0 request, or together with Content-Length: 400;
// - a Transfer-Encoding whose final coding is not exactly `chunked`, or that names chunked twice
//   (RFC 9112 section 6.1): 400; other codings before a final chunked (gzip, chunked): 501.
// The caller answers and closes the connection: the bytes after such a header cannot be trusted.
std::optional<common::Problem> framing_problem(const boost::beast::http::request_header<>& header);

enum class PathVerdict {
  kSame,          // the path is already normal: use it as it is
  kNormalized,    // `out` holds the normal form
  kMalformed,     // a '%' not followed by two hex digits
  kNul,           // %00
  kEncodedSlash,  // %2F or %5C while encoded slashes are refused
  kAboveRoot,     // more ".." segments than segments before them
};

// Normalises an origin-form path (RFC 3986 section 6.2.2): escapes of unreserved characters are
// decoded (%2E is a dot, %7e a tilde), other escapes get upper-case hex, and dot segments are
// removed (section 5.2.4), so "/a/./b/../c" and "/a/%2e%2E/c" become "/a/c". An encoded slash or
// backslash stays encoded when allowed. Paths with no '%' and no segment starting with '.' cost one
// scan and come back kSame.
PathVerdict normalize_path(std::string_view path, bool allow_encoded_slashes, std::string& out);

// The 400 for a refused verdict (kMalformed, kNul, kEncodedSlash, kAboveRoot).
common::Problem path_problem(PathVerdict verdict);

}  // namespace archway::http
