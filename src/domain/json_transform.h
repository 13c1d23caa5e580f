#pragma once
// The jsonTransform policy's program: an ordered list of operations on a JSON payload addressed by
// JSON pointers (RFC 6901), parsed and checked when the policy is defined, so the gateway only
// runs it. Parameter shape (docs/mediation.md):
//   [{"op":"pick","paths":["/id","/name"]}, {"op":"rename","from":"/name","to":"/fullName"},
//    {"op":"set","path":"/source","value":"archway"}, {"op":"remove","path":"/internal"}]
#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace archway::domain {

using JsonPointer = std::vector<std::string>;  // unescaped reference tokens; empty = the whole document

struct JsonTransformOp {
  enum class Kind { kPick, kRename, kSet, kRemove };
  Kind kind = Kind::kSet;
  std::vector<JsonPointer> paths;  // pick
  JsonPointer from;                // rename
  JsonPointer path;                // rename (target), set, remove
  boost::json::value value;        // set
};

// Parses RFC 6901 text ("" or "/a/b~1c"); nullopt when it is not a JSON pointer.
std::optional<JsonPointer> parse_json_pointer(std::string_view text);

// Parses the `operations` parameter (a JSON array, as text). Throws ProblemError(400) whose
// description names `field` and, inside it, the operation at fault ("field[2].path").
std::vector<JsonTransformOp> parse_json_transform(std::string_view operations, const std::string& field);

}  // namespace archway::domain
