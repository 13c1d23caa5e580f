#pragma once
// CORS preflights, answered before routing reaches an operation (the preflight names the method of
// the request to come, not its own).
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <optional>
#include <string_view>

#include "gateway/filter.h"

namespace archway::gateway::filters {

// For an OPTIONS request with Origin and Access-Control-Request-Method naming an operation of an
// API whose CORS is on: the 204 answer (with the Access-Control-Allow-* headers when the origin is
// allowed; keep-alive and framing left to the caller). Otherwise nullopt: route it as usual.
std::optional<boost::beast::http::response<boost::beast::http::empty_body>> preflight_answer(
    const RuntimeSnapshot& snapshot, const ClientRequest& request, std::string_view path);

}  // namespace archway::gateway::filters
