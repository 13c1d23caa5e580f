#include "domain/json_transform.h"

#include <fmt/format.h>

#include "common/problem.h"

namespace archway::domain {

namespace json = boost::json;

namespace {

[[noreturn]] void bad(std::string d) { throw common::ProblemError(common::Problem::bad_request(std::move(d))); }

JsonPointer pointer(const json::object& o, std::string_view key, const std::string& at, bool allow_root) {
  const json::value* v = o.if_contains(key);
  if (!v) bad(fmt::format("'{}.{}' is required", at, key));
  if (!v->is_string()) bad(fmt::format("'{}.{}' must be a JSON pointer string such as \"/a/b\"", at, key));
  auto p = parse_json_pointer(v->get_string());
  if (!p)
    bad(fmt::format("'{}.{}': '{}' is not a JSON pointer (RFC 6901: empty, or '/'-separated tokens with ~0 and ~1 "
                    "escapes)",
                    at, key, std::string_view(v->get_string())));
  if (p->empty() && !allow_root) bad(fmt::format("'{}.{}' cannot be the whole document (\"\")", at, key));
  return std::move(*p);
}

void only(const json::object& o, std::initializer_list<std::string_view> allowed, const std::string& at,
          std::string_view op) {
  for (const auto& [k, v] : o) {
    bool known = false;
    for (auto a : allowed) known = known || a == std::string_view(k);
    if (!known) bad(fmt::format("'{}.{}': operation '{}' has no such field", at, std::string_view(k), op));
  }
}

}  // namespace

std::optional<JsonPointer> parse_json_pointer(std::string_view text) {
  JsonPointer out;
  if (text.empty()) return out;
  if (text.front() != '/') return std::nullopt;
  std::size_t i = 1;
  while (true) {
    const std::size_t slash = text.find('/', i);
    const std::string_view raw = text.substr(i, slash == std::string_view::npos ? std::string_view::npos : slash - i);
    std::string token;
    for (std::size_t k = 0; k < raw.size(); ++k) {
      if (raw[k] != '~') {
        token.push_back(raw[k]);
        continue;
      }
      if (k + 1 >= raw.size() || (raw[k + 1] != '0' && raw[k + 1] != '1')) return std::nullopt;
      token.push_back(raw[k + 1] == '0' ? '~' : '/');
      ++k;
    }
    out.push_back(std::move(token));
    if (slash == std::string_view::npos) break;
    i = slash + 1;
  }
  return out;
}

std::vector<JsonTransformOp> parse_json_transform(std::string_view operations, const std::string& field) {
  boost::system::error_code ec;
  json::value v = json::parse(operations, ec);
  if (ec) bad(fmt::format("'{}' must be a JSON array of operations: {}", field, ec.message()));
  if (!v.is_array()) bad(fmt::format("'{}' must be a JSON array of operations", field));
  const json::array& a = v.get_array();
  if (a.empty()) bad(fmt::format("'{}' needs at least one operation", field));
  if (a.size() > 256) bad(fmt::format("'{}' has {} operations; at most 256 are allowed", field, a.size()));
  std::vector<JsonTransformOp> out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string at = fmt::format("{}[{}]", field, i);
    if (!a[i].is_object()) bad(fmt::format("'{}' must be an object with an \"op\"", at));
    const json::object& o = a[i].get_object();
    const json::value* op = o.if_contains("op");
    if (!op || !op->is_string()) bad(fmt::format("'{}.op' is required: pick, rename, set or remove", at));
    const std::string_view name = op->get_string();
    JsonTransformOp t;
    if (name == "pick") {
      only(o, {"op", "paths"}, at, name);
      t.kind = JsonTransformOp::Kind::kPick;
      const json::value* paths = o.if_contains("paths");
      if (!paths || !paths->is_array() || paths->get_array().empty())
        bad(fmt::format("'{}.paths' must be a non-empty array of JSON pointers", at));
      for (std::size_t k = 0; k < paths->get_array().size(); ++k) {
        json::object one{{"p", paths->get_array()[k]}};
        t.paths.push_back(pointer(one, "p", fmt::format("{}.paths[{}]", at, k), false));
      }
    } else if (name == "rename") {
      only(o, {"op", "from", "to"}, at, name);
      t.kind = JsonTransformOp::Kind::kRename;
      t.from = pointer(o, "from", at, false);
      t.path = pointer(o, "to", at, false);
      if (t.path.size() > t.from.size() && std::equal(t.from.begin(), t.from.end(), t.path.begin()))
        bad(fmt::format("'{}.to' cannot lie inside '{}.from'", at, at));
    } else if (name == "set") {
      only(o, {"op", "path", "value"}, at, name);
      t.kind = JsonTransformOp::Kind::kSet;
      t.path = pointer(o, "path", at, true);
      const json::value* value = o.if_contains("value");
      if (!value) bad(fmt::format("'{}.value' is required (any JSON value)", at));
      t.value = *value;
    } else if (name == "remove") {
      only(o, {"op", "path"}, at, name);
      t.kind = JsonTransformOp::Kind::kRemove;
      t.path = pointer(o, "path", at, false);
    } else {
      bad(fmt::format("'{}.op': '{}' is not one of pick, rename, set, remove", at, name));
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace archway::domain
