#pragma once
// The header fields an HTTP/1.1 proxy acts on, as small ids, so a head's field table can be
// searched by id (one integer compare per field) instead of by case-insensitive name.
#include <cstdint>
#include <string_view>

namespace archway::http::h1 {

enum class FieldId : std::uint8_t {
  kOther = 0,  // a field this module does not name
  kHost,
  kContentLength,
  kTransferEncoding,
  kConnection,
  kKeepAlive,
  kProxyConnection,
  kTe,
  kTrailer,
  kUpgrade,
  kExpect,
  kProxyAuthorization,
  kProxyAuthenticate,
  kAuthorization,
  kContentType,
  kContentEncoding,
  kAcceptEncoding,
  kOrigin,
  kXForwardedFor,
  kXForwardedProto,
  kXForwardedHost,
  kForwarded,
  kVia,
  kCacheControl,
  kPragma,
  kSetCookie,
  kCookie,
  kVary,
  kWwwAuthenticate,
  kDate,
  kServer,
  kLocation,
  kRetryAfter,
  kApikey,
  kTraceparent,
  kTracestate,
  kUserAgent,
  kCount,
};

// The id of a field name (case-insensitive); kOther when it is not one of the above.
FieldId field_id(std::string_view name) noexcept;

// The canonical spelling of a known field ("Content-Length"); empty for kOther.
std::string_view field_name(FieldId id) noexcept;

// ASCII case-insensitive equality, as field names and tokens compare.
bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace archway::http::h1
