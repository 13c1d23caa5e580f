#include "http/rest_router.h"

#include <boost/beast/core/detail/base64.hpp>
#include <fmt/format.h>

#include <charconv>
#include <cstdint>

#include "common/problem.h"

namespace archway::http {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string_view RestRequest::header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return v;
  return {};
}

std::int64_t query_int(const RestRequest& req, std::string_view name, std::int64_t def, std::int64_t min,
                       std::int64_t max) {
  const std::string* s = req.query_param(name);
  if (!s) return def;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc() || p != s->data() + s->size() || v < min || v > max)
    throw common::ProblemError(common::Problem::bad_request(
        fmt::format("Query parameter '{}' must be an integer between {} and {}, got '{}'", name, min, max, *s)));
  return v;
}

bool query_bool(const RestRequest& req, std::string_view name, bool def) {
  const std::string* s = req.query_param(name);
  if (!s) return def;
  if (*s != "true" && *s != "false")
    throw common::ProblemError(common::Problem::bad_request(
        fmt::format("Query parameter '{}' must be true or false, got '{}'", name, *s)));
  return *s == "true";
}

const std::string& required_query(const RestRequest& req, std::string_view name) {
  const std::string* s = req.query_param(name);
  if (!s || s->empty())
    throw common::ProblemError(common::Problem::bad_request(fmt::format("Query parameter '{}' is required", name)));
  return *s;
}

const std::string* RestRequest::query_param(std::string_view name) const {
  auto it = query.find(std::string(name));
  return it == query.end() ? nullptr : &it->second;
}

RestResponse RestResponse::json(int status, std::string body) {
  RestResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

RestResponse RestResponse::empty(int status) {
  RestResponse r;
  r.status = status;
  r.content_type.clear();
  return r;
}

void RestRouter::add(std::string_view method, std::string_view pattern, RestHandler handler) {
  Route r;
  r.method = std::string(method);
  for (auto seg : split_path(pattern)) r.segments.emplace_back(seg);
  r.handler = std::move(handler);
  routes_.push_back(std::move(r));
}

void RestRouter::wrap(const std::function<bool(const RouteInfo&)>& applies,
                      const std::function<RestHandler(RestHandler)>& wrapper) {
  for (auto& r : routes_) {
    RouteInfo info{r.method, {}};
    for (const auto& seg : r.segments) info.pattern += "/" + seg;
    if (applies(info)) r.handler = wrapper(std::move(r.handler));
  }
}

std::vector<RestRouter::RouteInfo> RestRouter::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) {
    std::string pattern;
    for (const auto& seg : r.segments) pattern += "/" + seg;
    out.push_back({r.method, pattern.empty() ? "/" : pattern});
  }
  return out;
}

const RestHandler* RestRouter::match(RestRequest& req, bool& path_known) const {
  path_known = false;
  const auto segs = split_path(req.raw_path.empty() ? req.path : req.raw_path);
  // The most specific route wins whatever the order routes were added in: a literal segment beats
  // a parameter at the first place they differ (GET /apis/export before GET /apis/{apiId}).
  const Route* best = nullptr;
  std::uint64_t best_score = 0;
  for (const auto& r : routes_) {
    const bool rest = r.takes_rest();
    const std::size_t fixed = rest ? r.segments.size() - 1 : r.segments.size();
    if (rest ? segs.size() < fixed : segs.size() != fixed) continue;
    bool ok = true;
    std::uint64_t score = rest ? 0 : 1;  // at equal literals, an exact length beats a "{rest...}" route
    for (std::size_t i = 0; i < fixed && ok; ++i) {
      const auto& p = r.segments[i];
      const bool param = p.size() > 2 && p.front() == '{' && p.back() == '}';
      if (!param) ok = p == segs[i];
      if (!param && i < 63) score |= std::uint64_t{1} << (63 - i);
    }
    if (!ok) continue;
    path_known = true;
    if (r.method != req.method) continue;
    if (!best || score > best_score) {
      best = &r;
      best_score = score;
    }
  }
  if (!best) return nullptr;
  std::map<std::string, std::string> params;
  const bool rest = best->takes_rest();
  const std::size_t fixed = rest ? best->segments.size() - 1 : best->segments.size();
  for (std::size_t i = 0; i < fixed; ++i) {
    const auto& p = best->segments[i];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') params[p.substr(1, p.size() - 2)] = percent_decode(segs[i]);
  }
  if (rest) {
    std::string tail;
    for (std::size_t i = fixed; i < segs.size(); ++i) tail += (i == fixed ? "" : "/") + percent_decode(segs[i]);
    const auto& p = best->segments.back();
    params[p.substr(1, p.size() - 5)] = std::move(tail);
  }
  req.path_params = std::move(params);
  return &best->handler;
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::optional<std::pair<std::string, std::string>> parse_basic_auth(std::string_view h) {
  namespace b64 = boost::beast::detail::base64;
  if (h.size() < 7 || !(h.substr(0, 6) == "Basic " || h.substr(0, 6) == "basic ")) return std::nullopt;
  std::string_view in = h.substr(6);
  while (!in.empty() && in.front() == ' ') in.remove_prefix(1);
  // decoded_size() rounds down; decode() writes up to 3 bytes for each started group of 4.
  std::string out((in.size() + 3) / 4 * 3, '\0');
  auto [written, read] = b64::decode(out.data(), in.data(), in.size());
  // decode() stops at the first character outside the alphabet; only '=' padding may follow.
  if (in.empty() || in.find_first_not_of('=', read) != std::string_view::npos || in.size() - read > 2)
    return std::nullopt;
  out.resize(written);
  const auto colon = out.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::make_pair(out.substr(0, colon), out.substr(colon + 1));
}

std::map<std::string, std::string> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  std::size_t i = 0;
  while (i <= q.size()) {
    std::size_t amp = q.find('&', i);
    if (amp == std::string_view::npos) amp = q.size();
    auto part = q.substr(i, amp - i);
    if (!part.empty()) {
      auto eq = part.find('=');
      if (eq == std::string_view::npos) out[percent_decode(part, true)] = "";
      else out[percent_decode(part.substr(0, eq), true)] = percent_decode(part.substr(eq + 1), true);
    }
    i = amp + 1;
  }
  return out;
}

}  // namespace archway::http
