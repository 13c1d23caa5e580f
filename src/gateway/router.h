#pragma once
// Router: a segment trie over invocation paths (/{context}/{version}/{resource}) built once per
// snapshot. Literal segments win over {params}, which win over a trailing /* wildcard.
// Matching allocates nothing.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace archway::gateway {

struct ApiRuntime;
struct OperationRuntime;

enum class MatchStatus { kFound, kNotFound, kMethodNotAllowed };

struct RouteMatch {
  MatchStatus status = MatchStatus::kNotFound;
  const ApiRuntime* api = nullptr;
  const OperationRuntime* op = nullptr;
  std::size_t resource_offset = 0;  // index in the path where the resource part begins
};

// Verb index used by the router, or -1 for a method no operation can declare.
int verb_index(std::string_view method);

class Router {
 public:
  static constexpr int kVerbs = 7;  // GET POST PUT DELETE PATCH HEAD OPTIONS

  // Adds `prefix` (context [+ version]) + `target` for `verb`. Returns false when that exact route
  // already belongs to another operation.
  bool add(std::string_view prefix, std::string_view target, std::string_view verb,
           const ApiRuntime* api, const OperationRuntime* op);

  RouteMatch match(std::string_view method, std::string_view path) const;

  std::size_t node_count() const { return nodes_.size(); }

 private:
  struct Leaf {
    const ApiRuntime* api = nullptr;
    const OperationRuntime* op = nullptr;
    std::uint16_t prefix_segments = 0;
  };
  using MethodTable = std::array<Leaf, kVerbs>;
  static constexpr std::uint32_t kNone = UINT32_MAX;
  struct Node {
    std::vector<std::pair<std::string, std::uint32_t>> literals;
    std::uint32_t param = kNone;
    std::uint32_t exact = kNone;     // index into tables_: operations ending here
    std::uint32_t wildcard = kNone;  // index into tables_: /* operations rooted here
  };

  std::uint32_t child(std::uint32_t node, std::string_view segment);
  void match_from(std::uint32_t node, std::string_view path, std::size_t pos, int verb,
                  RouteMatch& best, bool& method_mismatch) const;
  bool pick(const MethodTable& t, int verb, std::string_view path, RouteMatch& out) const;

  std::vector<Node> nodes_{Node{}};
  std::vector<MethodTable> tables_;
};

}  // namespace archway::gateway
