#include "common/json.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/problem.h"

namespace archway::common {

namespace {
[[noreturn]] void wrong_type(std::string_view path, std::string_view want) {
  throw ProblemError(Problem::bad_request(fmt::format("'{}' must be {}", path, want)));
}
}  // namespace

boost::json::value parse_json_body(std::string_view body) {
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 64;
  boost::json::value v = boost::json::parse(body, ec, {}, opts);
  if (ec) {
    throw ProblemError(Problem::bad_request(fmt::format("Request body is not valid JSON: {}", ec.message())));
  }
  return v;
}

std::optional<std::string> opt_string(const boost::json::object& o, std::string_view key,
                                      std::string_view path) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_string()) wrong_type(path, "a string");
  return std::string(it->value().get_string());
}

std::optional<bool> opt_bool(const boost::json::object& o, std::string_view key,
                             std::string_view path) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_bool()) wrong_type(path, "a boolean");
  return it->value().get_bool();
}

std::optional<std::int64_t> opt_int(const boost::json::object& o, std::string_view key,
                                    std::string_view path) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  const auto& v = it->value();
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v.get_uint64());
  if (v.is_string()) {  // the product often sends numbers as strings ("actionDuration": "30000")
    try {
      std::size_t used = 0;
      const std::string s(v.get_string());
      long long n = std::stoll(s, &used);
      if (used == s.size()) return n;
    } catch (const std::exception&) {
    }
  }
  wrong_type(path, "an integer");
}

const boost::json::object* opt_object(const boost::json::object& o, std::string_view key,
                                      std::string_view path) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return nullptr;
  if (!it->value().is_object()) wrong_type(path, "an object");
  return &it->value().get_object();
}

const boost::json::array* opt_array(const boost::json::object& o, std::string_view key,
                                    std::string_view path) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return nullptr;
  if (!it->value().is_array()) wrong_type(path, "an array");
  return &it->value().get_array();
}

const boost::json::object& as_object(const boost::json::value& v, std::string_view path) {
  if (!v.is_object()) wrong_type(path.empty() ? "request body" : path, "a JSON object");
  return v.get_object();
}

boost::json::object list_body(boost::json::array items) {
  const std::size_t n = items.size();
  return boost::json::object{{"count", n}, {"list", std::move(items)}};
}

boost::json::object pagination_json(std::string_view collection, std::int64_t limit, std::int64_t offset,
                                    std::int64_t total) {
  const char sep = collection.find('?') == std::string_view::npos ? '?' : '&';
  auto link = [&](std::int64_t at) { return fmt::format("{}{}limit={}&offset={}", collection, sep, limit, at); };
  return boost::json::object{{"offset", offset},
                             {"limit", limit},
                             {"total", total},
                             {"next", offset + limit < total ? link(offset + limit) : ""},
                             {"previous", offset > 0 ? link(std::max<std::int64_t>(0, offset - limit)) : ""}};
}

}  // namespace archway::common
