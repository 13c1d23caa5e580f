#pragma once
// Router: segment tries over invocation paths (/{context}/{version}/{resource}). Literal segments
// win over {params}, which win over a trailing /* wildcard. Matching allocates nothing.
//
// The routes are kept in buckets, one trie per first path segment (the first segment of the
// contexts of the APIs in it), so a deployment rebuilds only the trie of its API's bucket and a
// snapshot shares every other bucket with the one before it.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/string_map.h"
#include "gateway/sharded_map.h"

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

inline constexpr int kRouteVerbs = 7;  // GET POST PUT DELETE PATCH HEAD OPTIONS

// The routes of one bucket. It keeps alive what its routes point to (`keep`).
class RouteTrie {
 public:
  static constexpr int kVerbs = kRouteVerbs;

  // Adds `prefix` (context [+ version]) + `target` for `verb`. Returns false when that exact route
  // already belongs to another operation.
  bool add(std::string_view prefix, std::string_view target, std::string_view verb,
           const ApiRuntime* api, const OperationRuntime* op);
  void keep(std::shared_ptr<const void> owner) { owners_.push_back(std::move(owner)); }

  // Matches from the root; `verb` is verb_index(method).
  void match(std::string_view path, int verb, RouteMatch& best, bool& method_mismatch) const;

  std::size_t node_count() const { return nodes_.size(); }
  // One line per route: "route <verb> <path> -> <API id> <operation target>".
  void describe(std::vector<std::string>& out) const;

 private:
  struct Leaf {
    const ApiRuntime* api = nullptr;
    const OperationRuntime* op = nullptr;
    std::uint16_t prefix_segments = 0;
  };
  using MethodTable = std::array<Leaf, kVerbs>;
  static constexpr std::uint32_t kNone = UINT32_MAX;
  struct Node {
    std::vector<std::pair<std::string, std::uint32_t>> literals;  // sorted by segment
    std::uint32_t param = kNone;
    std::uint32_t exact = kNone;     // index into tables_: operations ending here
    std::uint32_t wildcard = kNone;  // index into tables_: /* operations rooted here
  };

  std::uint32_t child(std::uint32_t node, std::string_view segment);
  static std::uint32_t literal(const Node& node, std::string_view segment);  // kNone: no such child
  void match_from(std::uint32_t node, std::string_view path, std::size_t pos, int verb,
                  RouteMatch& best, bool& method_mismatch) const;
  bool pick(const MethodTable& t, int verb, std::string_view path, RouteMatch& out) const;
  void describe_from(std::uint32_t node, const std::string& path, std::vector<std::string>& out) const;

  std::vector<Node> nodes_{Node{}};
  std::vector<MethodTable> tables_;
  std::vector<std::shared_ptr<const void>> owners_;
};

class Router {
 public:
  static constexpr int kVerbs = kRouteVerbs;

  // The bucket of a context or path: its first segment ("" when it has none).
  static std::string_view bucket_of(std::string_view path);

  // Adds a route to the bucket of `prefix` (copying the bucket's trie first when a published
  // router still shares it). Returns false when that exact route belongs to another operation.
  bool add(std::string_view prefix, std::string_view target, std::string_view verb,
           const ApiRuntime* api, const OperationRuntime* op);
  // Replaces a bucket's routes (null: the bucket is emptied).
  void set_bucket(std::string_view bucket, std::shared_ptr<const RouteTrie> trie);

  RouteMatch match(std::string_view method, std::string_view path) const;

  std::size_t bucket_count() const { return buckets_.size(); }
  void describe(std::vector<std::string>& out) const;

 private:
  ShardedMap<std::string, std::shared_ptr<const RouteTrie>, common::StringHash, std::equal_to<>> buckets_;
};

}  // namespace archway::gateway
