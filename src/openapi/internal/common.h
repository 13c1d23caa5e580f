#pragma once
// Helpers shared by the openapi module's files (not part of its contract).
#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace archway::openapi {

// Unescaped reference tokens of a JSON pointer ("/paths/~1pets" -> {"paths", "/pets"}).
std::vector<std::string> pointer_tokens(std::string_view pointer);

// The value at `pointer` ("" = root), or nullptr.
const boost::json::value* resolve_pointer(const boost::json::value& root, std::string_view pointer);

// The names of the "{param}" segments of a path template, in order; false when the template's
// braces are malformed (unbalanced, nested or empty).
bool template_params(std::string_view path, std::vector<std::string>& names);

// Follows a chain of local "$ref" objects from `v` (at `location`) to what it names; updates
// `location`. nullptr when a reference is external, dangling or cyclic.
const boost::json::value* follow_refs(const boost::json::value& root, const boost::json::value& v,
                                      std::string& location);

// The JSON pointer a local "$ref" ("#/components/schemas/Pet") names, percent-decoded; false
// when the reference is not local.
bool local_ref_pointer(std::string_view ref, std::string& pointer);

inline constexpr std::string_view kMethods[] = {"get",  "put",   "post",  "delete",
                                                "options", "head", "patch", "trace"};

}  // namespace archway::openapi
