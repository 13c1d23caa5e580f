#pragma once
// Small helpers over Boost.JSON for reading request bodies with clear, field-naming errors.
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace archway::common {

// Parses a request body as JSON; throws ProblemError(400) naming the position on failure.
boost::json::value parse_json_body(std::string_view body);

// Field readers: absent or null give nullopt; a value of the wrong type throws ProblemError(400)
// whose description names `path` (e.g. "endpointConfig.production_endpoints.url").
std::optional<std::string> opt_string(const boost::json::object& o, std::string_view key,
                                      std::string_view path);
std::optional<bool> opt_bool(const boost::json::object& o, std::string_view key,
                             std::string_view path);
std::optional<std::int64_t> opt_int(const boost::json::object& o, std::string_view key,
                                    std::string_view path);
const boost::json::object* opt_object(const boost::json::object& o, std::string_view key,
                                      std::string_view path);
const boost::json::array* opt_array(const boost::json::object& o, std::string_view key,
                                    std::string_view path);
const boost::json::object& as_object(const boost::json::value& v, std::string_view path);

// The list shape of the REST APIs: {"count": n, "list": [...]}.
boost::json::object list_body(boost::json::array items);

// The product's Pagination object of one page of `total` entries of `collection` (a path, with a
// query or not): {offset, limit, total, next, previous}, the links "" where there is no such page.
boost::json::object pagination_json(std::string_view collection, std::int64_t limit, std::int64_t offset,
                                    std::int64_t total);

}  // namespace archway::common
