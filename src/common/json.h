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

}  // namespace archway::common
