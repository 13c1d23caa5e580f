#include "http/h1/writer.h"

#include <cstring>

#include "http/h1/internal/chars.h"

namespace archway::http::h1 {

namespace {

std::size_t fields_bytes(std::span<const Field> fields) {
  std::size_t n = 2;  // the blank line
  for (const Field& f : fields) n += f.name.size() + 2 + f.value.size() + 2;
  return n;
}

char* put(char* p, std::string_view s) {
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

char* put_fields(char* p, std::span<const Field> fields) {
  for (const Field& f : fields) {
    p = put(p, f.name);
    p = put(p, ": ");
    p = put(p, f.value);
    p = put(p, "\r\n");
  }
  return put(p, "\r\n");
}

std::string_view version_text(int version) { return version == 10 ? "HTTP/1.0" : "HTTP/1.1"; }

}  // namespace

bool write_request_head(std::string& out, std::string_view method, std::string_view target,
                        int version, std::span<const Field> fields) {
  bool ok = internal::is_token(method) && !target.empty();
  for (const char c : target) ok &= internal::is(c, internal::kTargetChar);
  if (!ok) {
    out.clear();
    return false;
  }
  out.resize(method.size() + 1 + target.size() + 1 + 8 + 2 + fields_bytes(fields));
  char* p = out.data();
  p = put(p, method);
  *p++ = ' ';
  p = put(p, target);
  *p++ = ' ';
  p = put(p, version_text(version));
  p = put(p, "\r\n");
  put_fields(p, fields);
  return true;
}

bool write_response_head(std::string& out, int version, int status, std::string_view reason,
                         std::span<const Field> fields) {
  if (status < 100 || status > 999 || !internal::is_field_value(reason)) {
    out.clear();
    return false;
  }
  if (reason.empty()) reason = reason_phrase(status);
  out.resize(8 + 1 + 3 + 1 + reason.size() + 2 + fields_bytes(fields));
  char* p = out.data();
  p = put(p, version_text(version));
  *p++ = ' ';
  *p++ = static_cast<char>('0' + status / 100);
  *p++ = static_cast<char>('0' + status / 10 % 10);
  *p++ = static_cast<char>('0' + status % 10);
  *p++ = ' ';
  p = put(p, reason);
  p = put(p, "\r\n");
  put_fields(p, fields);
  return true;
}

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "";
  }
}

}  // namespace archway::http::h1
