#include "gateway/mediation.h"

#include <algorithm>

namespace archway::gateway {

namespace {

// Walks "k=v&k2=v2": the next non-empty pair, advancing `rest`; empty when there is none.
std::string_view next_pair(std::string_view& rest) {
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (!pair.empty()) return pair;
  }
  return {};
}

}  // namespace

void apply_header_ops(const std::vector<CompiledFlow::HeaderOp>& ops, http::h1::Fields& fields) {
  for (const auto& h : ops) {
    switch (h.kind) {
      case CompiledFlow::HeaderOp::Kind::kAdd: fields.add(h.name, h.value); break;
      case CompiledFlow::HeaderOp::Kind::kSet: fields.set(h.name, h.value); break;
      case CompiledFlow::HeaderOp::Kind::kRemove: fields.erase(h.name); break;
    }
  }
}

std::optional<std::string_view> query_value(std::string_view query, std::string_view name) {
  for (std::string_view pair = next_pair(query); !pair.empty(); pair = next_pair(query)) {
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
  }
  return std::nullopt;
}

std::string rewrite_query(std::string_view query, const CompiledFlow& flow) {
  std::string out;
  out.reserve(query.size() + 32);
  std::string_view rest = query;
  for (std::string_view pair = next_pair(rest); !pair.empty(); pair = next_pair(rest)) {
    const std::string_view key = pair.substr(0, pair.find('='));
    if (std::find(flow.remove_query.begin(), flow.remove_query.end(), key) != flow.remove_query.end()) continue;
    if (!out.empty()) out.push_back('&');
    out.append(pair);
  }
  for (const auto& [k, v] : flow.add_query) {
    if (!out.empty()) out.push_back('&');
    out.append(k).push_back('=');
    out.append(v);
  }
  return out;
}

std::vector<std::pair<std::string_view, std::string_view>> template_params(std::string_view target,
                                                                          std::string_view resource) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  auto next = [](std::string_view& s) {
    while (!s.empty() && s.front() == '/') s.remove_prefix(1);
    const std::size_t slash = s.find('/');
    std::string_view seg = s.substr(0, slash);
    s = slash == std::string_view::npos ? std::string_view() : s.substr(slash);
    return seg;
  };
  while (!target.empty() && !resource.empty()) {
    const std::string_view t = next(target);
    const std::string_view r = next(resource);
    if (t.size() > 2 && t.front() == '{' && t.back() == '}') out.emplace_back(t.substr(1, t.size() - 2), r);
  }
  return out;
}

std::string expand_path(std::string_view path,
                        const std::vector<std::pair<std::string_view, std::string_view>>& params) {
  std::string out;
  out.reserve(path.size() + 16);
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '{') {
      const std::size_t close = path.find('}', i);
      if (close != std::string_view::npos) {
        const std::string_view name = path.substr(i + 1, close - i - 1);
        auto it = std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.first == name; });
        if (it != params.end()) {
          out.append(it->second);
          i = close + 1;
          continue;
        }
      }
    }
    out.push_back(path[i++]);
  }
  return out;
}

std::optional<std::string_view> CompiledCors::allow_origin(std::string_view origin) const {
  if (!enabled || origin.empty()) return std::nullopt;
  // With credentials a wildcard cannot be sent (Fetch standard): echo the origin instead.
  if (any_origin) return credentials ? origin : std::string_view("*");
  for (const auto& o : origins)
    if (o == origin) return origin;
  return std::nullopt;
}

CompiledCors compile_cors(const domain::CorsConfiguration& c) {
  CompiledCors out;
  out.enabled = c.enabled;
  out.credentials = c.allow_credentials;
  for (const auto& o : c.allow_origins) {
    if (o == "*") out.any_origin = true;
    else out.origins.push_back(o);
  }
  for (const auto& m : c.allow_methods) out.methods += (out.methods.empty() ? "" : ",") + m;
  for (const auto& h : c.allow_headers) out.headers += (out.headers.empty() ? "" : ",") + h;
  return out;
}

}  // namespace archway::gateway
