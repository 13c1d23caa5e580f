#pragma once
// Serialises a request line or status line and its fields into a caller-owned std::string that is
// reused across messages (its capacity is kept, so steady state does not allocate). The gateway
// then sends head and body with one gathered write: asio::async_write(socket, std::array{
// asio::buffer(head), asio::buffer(body)}).
#include <span>
#include <string>
#include <string_view>

#include "http/h1/parser.h"

namespace archway::http::h1 {

// `out` is overwritten with "METHOD SP target SP HTTP/1.x CRLF", a line per field and the blank
// line. false, and `out` empty, when the method is not a token or the target holds a space or a
// control character (a rewritten path must not split the head). Fields are written as they are:
// they come from the parser or from Fields, both of which refuse CR and LF in names and values.
bool write_request_head(std::string& out, std::string_view method, std::string_view target,
                        int version, std::span<const Field> fields);

// `out` is overwritten with "HTTP/1.x SP status SP reason CRLF", the fields and the blank line; an
// empty `reason` writes the standard one for the status. false, and `out` empty, when the status is
// not three digits from 100 or the reason holds a control character other than HTAB.
bool write_response_head(std::string& out, int version, int status, std::string_view reason,
                         std::span<const Field> fields);

// The standard reason phrase of a status ("Not Found"), or "" for an unknown one.
std::string_view reason_phrase(int status) noexcept;

}  // namespace archway::http::h1
