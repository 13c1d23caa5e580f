#pragma once
// CORS preflights, answered before routing reaches an operation (the preflight names the method of
// the request to come, not its own).
#include <string_view>

#include "gateway/filter.h"

namespace archway::gateway::filters {

// For an OPTIONS request with Origin and Access-Control-Request-Method naming an operation of an
// API whose CORS is on: true, and `answer` holds the fields of the 204 to send (the
// Access-Control-Allow-* headers when the origin is allowed; keep-alive left to the caller).
// Otherwise false: route it as usual.
bool preflight_answer(const RuntimeSnapshot& snapshot, const RequestHeader& request, std::string_view path,
                      http::h1::Fields& answer);

}  // namespace archway::gateway::filters
