#include "http/h1/field_id.h"

#include <array>
#include <cstdint>
#include <cstring>

#include "common/word_compare.h"

namespace archway::http::h1 {

namespace {

constexpr std::array<std::string_view, static_cast<std::size_t>(FieldId::kCount)> kNames = {
    "",
    "Host",
    "Content-Length",
    "Transfer-Encoding",
    "Connection",
    "Keep-Alive",
    "Proxy-Connection",
    "TE",
    "Trailer",
    "Upgrade",
    "Expect",
    "Proxy-Authorization",
    "Proxy-Authenticate",
    "Authorization",
    "Content-Type",
    "Content-Encoding",
    "Accept-Encoding",
    "Origin",
    "X-Forwarded-For",
    "X-Forwarded-Proto",
    "X-Forwarded-Host",
    "Forwarded",
    "Via",
    "Cache-Control",
    "Pragma",
    "Set-Cookie",
    "Cookie",
    "Vary",
    "WWW-Authenticate",
    "Date",
    "Server",
    "Location",
    "Retry-After",
    "apikey",
    "traceparent",
    "tracestate",
    "User-Agent",
};

// The same names in lower case, as field_id compares with them.
constexpr std::array<std::string_view, static_cast<std::size_t>(FieldId::kCount)> kLowerNames = {
    "",
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
    "expect",
    "proxy-authorization",
    "proxy-authenticate",
    "authorization",
    "content-type",
    "content-encoding",
    "accept-encoding",
    "origin",
    "x-forwarded-for",
    "x-forwarded-proto",
    "x-forwarded-host",
    "forwarded",
    "via",
    "cache-control",
    "pragma",
    "set-cookie",
    "cookie",
    "vary",
    "www-authenticate",
    "date",
    "server",
    "location",
    "retry-after",
    "apikey",
    "traceparent",
    "tracestate",
    "user-agent",
};

constexpr unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

// matches_known relies on it: every name in lower case is made of letters and '-' only.
static_assert(
    [] {
      for (std::size_t i = 0; i < kNames.size(); ++i) {
        if (kNames[i].size() != kLowerNames[i].size()) return false;
        for (std::size_t j = 0; j < kNames[i].size(); ++j) {
          const char c = kLowerNames[i][j];
          if (!((c >= 'a' && c <= 'z') || c == '-')) return false;
          if (lower(static_cast<unsigned char>(kNames[i][j])) != static_cast<unsigned char>(c))
            return false;
        }
      }
      return true;
    }(),
    "kLowerNames must be kNames in lower case, letters and '-' only");

// Whether bytes `x` of a name equal bytes `k` of a known lower-case name (letters and '-') but for
// the case of letters: they may differ only in bit 5 (0x20), and only where `k` holds a letter (the
// bytes with bit 6 set; '-' has it clear), so "CONTENT-TYPE" matches and "content\rtype" does not.
template <class Word>
bool same_but_case(Word x, Word k) {
  constexpr Word kCaseBits = static_cast<Word>(0x2020202020202020ull);
  return ((x ^ k) & ~((k >> 1) & kCaseBits)) == 0;
}

// `name` against a known lower-case name of the same size (the caller checks), a word at a time
// (the last word overlapping the one before it), the compare in line.
inline bool matches_known(std::string_view name, std::string_view known) {
  return common::words_match(name.data(), known.data(), name.size(),
                             [](auto x, auto k) { return same_but_case(x, k); });
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  // Names mostly arrive in the case they are compared with: one memcmp settles those.
  if (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0) return true;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i]) continue;
    if (lower(static_cast<unsigned char>(a[i])) != lower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

FieldId field_id(std::string_view name) noexcept {
  // Names are short; a switch on the length and first letter leaves one or two compares.
  if (name.empty()) return FieldId::kOther;
  const auto candidate = [&](FieldId id) {
    const std::string_view known = kLowerNames[static_cast<std::size_t>(id)];
    return name.size() == known.size() && matches_known(name, known);  // most differ in length
  };
  switch (lower(static_cast<unsigned char>(name[0]))) {
    case 'a':
      if (candidate(FieldId::kAuthorization)) return FieldId::kAuthorization;
      if (candidate(FieldId::kAcceptEncoding)) return FieldId::kAcceptEncoding;
      if (candidate(FieldId::kApikey)) return FieldId::kApikey;
      break;
    case 'c':
      if (candidate(FieldId::kContentLength)) return FieldId::kContentLength;
      if (candidate(FieldId::kContentType)) return FieldId::kContentType;
      if (candidate(FieldId::kConnection)) return FieldId::kConnection;
      if (candidate(FieldId::kCookie)) return FieldId::kCookie;
      if (candidate(FieldId::kCacheControl)) return FieldId::kCacheControl;
      if (candidate(FieldId::kContentEncoding)) return FieldId::kContentEncoding;
      break;
    case 'd':
      if (candidate(FieldId::kDate)) return FieldId::kDate;
      break;
    case 'e':
      if (candidate(FieldId::kExpect)) return FieldId::kExpect;
      break;
    case 'f':
      if (candidate(FieldId::kForwarded)) return FieldId::kForwarded;
      break;
    case 'h':
      if (candidate(FieldId::kHost)) return FieldId::kHost;
      break;
    case 'k':
      if (candidate(FieldId::kKeepAlive)) return FieldId::kKeepAlive;
      break;
    case 'l':
      if (candidate(FieldId::kLocation)) return FieldId::kLocation;
      break;
    case 'o':
      if (candidate(FieldId::kOrigin)) return FieldId::kOrigin;
      break;
    case 'p':
      if (candidate(FieldId::kProxyConnection)) return FieldId::kProxyConnection;
      if (candidate(FieldId::kProxyAuthorization)) return FieldId::kProxyAuthorization;
      if (candidate(FieldId::kProxyAuthenticate)) return FieldId::kProxyAuthenticate;
      if (candidate(FieldId::kPragma)) return FieldId::kPragma;
      break;
    case 'r':
      if (candidate(FieldId::kRetryAfter)) return FieldId::kRetryAfter;
      break;
    case 's':
      if (candidate(FieldId::kSetCookie)) return FieldId::kSetCookie;
      if (candidate(FieldId::kServer)) return FieldId::kServer;
      break;
    case 't':
      if (candidate(FieldId::kTransferEncoding)) return FieldId::kTransferEncoding;
      if (candidate(FieldId::kTe)) return FieldId::kTe;
      if (candidate(FieldId::kTrailer)) return FieldId::kTrailer;
      if (candidate(FieldId::kTraceparent)) return FieldId::kTraceparent;
      if (candidate(FieldId::kTracestate)) return FieldId::kTracestate;
      break;
    case 'u':
      if (candidate(FieldId::kUpgrade)) return FieldId::kUpgrade;
      if (candidate(FieldId::kUserAgent)) return FieldId::kUserAgent;
      break;
    case 'v':
      if (candidate(FieldId::kVary)) return FieldId::kVary;
      if (candidate(FieldId::kVia)) return FieldId::kVia;
      break;
    case 'w':
      if (candidate(FieldId::kWwwAuthenticate)) return FieldId::kWwwAuthenticate;
      break;
    case 'x':
      if (candidate(FieldId::kXForwardedFor)) return FieldId::kXForwardedFor;
      if (candidate(FieldId::kXForwardedProto)) return FieldId::kXForwardedProto;
      if (candidate(FieldId::kXForwardedHost)) return FieldId::kXForwardedHost;
      break;
    default:
      break;
  }
  return FieldId::kOther;
}

std::string_view field_name(FieldId id) noexcept {
  const auto i = static_cast<std::size_t>(id);
  return i < kNames.size() ? kNames[i] : std::string_view();
}

}  // namespace archway::http::h1
