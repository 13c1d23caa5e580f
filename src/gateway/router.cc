#include "gateway/router.h"

#include <algorithm>

#include "gateway/runtime_snapshot.h"

namespace archway::gateway {

namespace {

constexpr std::string_view kVerbNames[kRouteVerbs] = {"GET",   "POST", "PUT",    "DELETE",
                                                         "PATCH", "HEAD", "OPTIONS"};
constexpr int kHead = 5;

bool is_param(std::string_view seg) { return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}'; }

// Iterates the non-empty '/'-separated segments of `path`.
template <class F>
void for_each_segment(std::string_view path, F&& f) {
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    f(path.substr(i, j - i));
    i = j;
  }
}

// Skips slashes at `pos`; returns the next segment's [begin, end) or begin == path.size() at the end.
std::pair<std::size_t, std::size_t> next_segment(std::string_view path, std::size_t pos) {
  while (pos < path.size() && path[pos] == '/') ++pos;
  std::size_t end = path.find('/', pos);
  if (end == std::string_view::npos) end = path.size();
  return {pos, end};
}

}  // namespace

int verb_index(std::string_view method) {
  for (int i = 0; i < kRouteVerbs; ++i)
    if (kVerbNames[i] == method) return i;
  return -1;
}

std::uint32_t RouteTrie::child(std::uint32_t node, std::string_view segment) {
  if (is_param(segment)) {
    if (nodes_[node].param == kNone) {
      nodes_.emplace_back();
      nodes_[node].param = static_cast<std::uint32_t>(nodes_.size() - 1);
    }
    return nodes_[node].param;
  }
  auto& literals = nodes_[node].literals;
  auto at = std::lower_bound(literals.begin(), literals.end(), segment,
                             [](const auto& l, std::string_view s) { return std::string_view(l.first) < s; });
  if (at != literals.end() && at->first == segment) return at->second;
  const auto idx = static_cast<std::uint32_t>(nodes_.size());
  literals.emplace(at, std::string(segment), idx);  // kept sorted: found by binary search
  nodes_.emplace_back();
  return idx;
}

bool RouteTrie::add(std::string_view prefix, std::string_view target, std::string_view verb,
                    const ApiRuntime* api, const OperationRuntime* op) {
  const int v = verb_index(verb);
  if (v < 0) return false;
  std::uint32_t node = 0;
  std::uint16_t prefix_segments = 0;
  for_each_segment(prefix, [&](std::string_view seg) {
    node = child(node, seg);
    ++prefix_segments;
  });
  bool wildcard = false;
  std::vector<std::string_view> segs;
  for_each_segment(target, [&](std::string_view seg) { segs.push_back(seg); });
  for (std::size_t i = 0; i < segs.size(); ++i) {
    if (segs[i] == "*" && i + 1 == segs.size()) {
      wildcard = true;
      break;
    }
    node = child(node, segs[i]);
  }
  std::uint32_t& table = wildcard ? nodes_[node].wildcard : nodes_[node].exact;
  if (table == kNone) {
    tables_.emplace_back();
    table = static_cast<std::uint32_t>(tables_.size() - 1);
  }
  Leaf& leaf = tables_[table][v];
  if (leaf.op != nullptr) return false;
  leaf = Leaf{api, op, prefix_segments};
  return true;
}

bool RouteTrie::pick(const MethodTable& t, int verb, std::string_view path, RouteMatch& out) const {
  const Leaf* leaf = verb >= 0 ? &t[verb] : nullptr;
  if ((!leaf || !leaf->op) && verb == kHead) leaf = &t[0];  // HEAD is served by GET
  if (!leaf || !leaf->op) return false;
  out.status = MatchStatus::kFound;
  out.api = leaf->api;
  out.op = leaf->op;
  std::size_t pos = 0;
  for (std::uint16_t i = 0; i < leaf->prefix_segments; ++i) pos = next_segment(path, pos).second;
  out.resource_offset = pos;
  return true;
}

std::uint32_t RouteTrie::literal(const Node& node, std::string_view segment) {
  const auto& literals = node.literals;
  if (literals.size() <= 8) {  // a short scan beats a binary search
    for (const auto& [lit, idx] : literals)
      if (lit == segment) return idx;
    return kNone;
  }
  auto at = std::lower_bound(literals.begin(), literals.end(), segment,
                             [](const auto& l, std::string_view s) { return std::string_view(l.first) < s; });
  return at != literals.end() && at->first == segment ? at->second : kNone;
}

void RouteTrie::match_from(std::uint32_t node_idx, std::string_view path, std::size_t pos, int verb,
                        RouteMatch& best, bool& method_mismatch) const {
  // The path is an API's, not for this method: that API is named in the 405's analytics event.
  const auto mismatch = [&](const MethodTable& t) {
    method_mismatch = true;
    for (const Leaf& l : t)
      if (!best.api && l.op) best.api = l.api;
  };
  const Node& node = nodes_[node_idx];
  auto [b, e] = next_segment(path, pos);
  if (b >= path.size()) {
    if (node.exact != kNone) {
      if (pick(tables_[node.exact], verb, path, best)) return;
      mismatch(tables_[node.exact]);
    }
  } else {
    const std::string_view seg = path.substr(b, e - b);
    if (const std::uint32_t idx = literal(node, seg); idx != kNone) {
      match_from(idx, path, e, verb, best, method_mismatch);
      if (best.status == MatchStatus::kFound) return;
    }
    if (node.param != kNone) {
      match_from(node.param, path, e, verb, best, method_mismatch);
      if (best.status == MatchStatus::kFound) return;
    }
  }
  if (node.wildcard != kNone) {
    if (pick(tables_[node.wildcard], verb, path, best)) return;
    mismatch(tables_[node.wildcard]);
  }
}

void RouteTrie::match(std::string_view path, int verb, RouteMatch& best, bool& method_mismatch) const {
  match_from(0, path, 0, verb, best, method_mismatch);
}

void RouteTrie::describe_from(std::uint32_t node_idx, const std::string& path, std::vector<std::string>& out) const {
  const Node& node = nodes_[node_idx];
  auto leaves = [&](std::uint32_t table, const std::string& at) {
    if (table == kNone) return;
    for (int v = 0; v < kVerbs; ++v)
      if (const Leaf& l = tables_[table][v]; l.op)
        out.push_back("route " + std::string(kVerbNames[v]) + " " + at + " -> " + l.api->id + " " + l.op->target);
  };
  leaves(node.exact, path.empty() ? "/" : path);
  leaves(node.wildcard, path + "/*");
  for (const auto& [lit, idx] : node.literals) describe_from(idx, path + "/" + lit, out);
  if (node.param != kNone) describe_from(node.param, path + "/{}", out);
}

void RouteTrie::describe(std::vector<std::string>& out) const { describe_from(0, "", out); }

void Router::describe(std::vector<std::string>& out) const {
  buckets_.for_each([&](const std::string&, const std::shared_ptr<const RouteTrie>& t) {
    if (t) t->describe(out);
  });
}

std::string_view Router::bucket_of(std::string_view path) {
  auto [b, e] = next_segment(path, 0);
  return path.substr(b, e - b);
}

bool Router::add(std::string_view prefix, std::string_view target, std::string_view verb,
                 const ApiRuntime* api, const OperationRuntime* op) {
  const std::string_view bucket = bucket_of(prefix);
  const auto* current = buckets_.find(bucket);
  auto trie = current && *current ? std::make_shared<RouteTrie>(**current) : std::make_shared<RouteTrie>();
  const bool added = trie->add(prefix, target, verb, api, op);
  buckets_.put(std::string(bucket), std::move(trie));
  return added;
}

void Router::set_bucket(std::string_view bucket, std::shared_ptr<const RouteTrie> trie) {
  if (trie) buckets_.put(std::string(bucket), std::move(trie));
  else buckets_.erase(bucket);
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
  RouteMatch best;
  bool method_mismatch = false;
  const int verb = verb_index(method);
  if (const auto* trie = buckets_.find(bucket_of(path)); trie && *trie)
    (*trie)->match(path, verb, best, method_mismatch);
  // APIs whose context has no segment of its own (bucket "") serve what no other bucket does.
  if (best.status != MatchStatus::kFound && !bucket_of(path).empty())
    if (const auto* root = buckets_.find(std::string_view()); root && *root)
      (*root)->match(path, verb, best, method_mismatch);
  if (best.status != MatchStatus::kFound && method_mismatch) best.status = MatchStatus::kMethodNotAllowed;
  return best;
}

}  // namespace archway::gateway
