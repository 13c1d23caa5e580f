#pragma once
// Responses that carry stored bytes (document files, thumbnails) back to a browser safely.
#include <string>
#include <string_view>

#include "http/rest_router.h"

namespace archway::http {

// `body` with its media type and X-Content-Type-Options: nosniff. A non-empty `file_name` adds
// Content-Disposition: attachment with that name (RFC 6266, with filename* for non-ASCII names).
// SVG images get a Content-Security-Policy that keeps any script in them from running.
RestResponse file_response(std::string body, std::string_view media_type, std::string_view file_name);

// A media type as a client sent it ("Image/PNG; charset=x"), reduced to a lower-case
// "type/subtype"; "application/octet-stream" when it is not one.
std::string clean_media_type(std::string_view value);

}  // namespace archway::http
