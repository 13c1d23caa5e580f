// The JSON Schema engine: compile() turns a schema into a tree of Nodes once; check() walks a value
// against the tree. Nothing here reads schema JSON at validation time.
#include "openapi/schema_validator.h"

// Bounds the backtracking of a pattern match to about max(pattern states^2 x input length, 10^6)
// steps; beyond it the match throws, and the value is refused (this is the only user of Boost.Regex).
#define BOOST_REGEX_MAX_STATE_COUNT 1000000
#include <boost/regex.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <tuple>
#include <cstdint>
#include <limits>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "common/string_map.h"
#include "openapi/internal/common.h"

namespace archway::openapi {

namespace json = boost::json;

namespace schema_internal {

enum TypeBit : std::uint8_t {
  kNull = 1,
  kBoolean = 2,
  kInteger = 4,
  kNumber = 8,  // includes integers
  kString = 16,
  kArray = 32,
  kObject = 64,
};

enum class Format { kNone, kInt32, kInt64, kFloat, kDouble, kDate, kDateTime, kEmail, kUuid, kIpv4 };

struct Node;

struct Pattern {
  std::string source;
  boost::regex re;
};

struct Node {
  bool never = false;        // the schema `false`
  const Node* ref = nullptr;  // $ref target
  std::uint8_t types = 0;    // TypeBit mask; 0: any
  std::vector<json::value> enum_values;
  bool has_enum = false;
  std::optional<json::value> constant;
  std::optional<double> minimum, maximum, exclusive_minimum, exclusive_maximum, multiple_of;
  bool minimum_exclusive = false;  // 3.0 / Swagger boolean exclusiveMinimum
  bool maximum_exclusive = false;
  std::optional<std::size_t> min_length, max_length, min_items, max_items, min_properties, max_properties;
  bool unique_items = false;
  std::optional<Pattern> pattern;
  Format format = Format::kNone;
  std::string format_name;
  // properties: a few are found faster by a scan than by hashing; many go through `property_index`.
  std::vector<std::pair<std::string, const Node*>> properties;
  common::StringMap<const Node*> property_index;  // filled when there are more than kScanned
  const Node* property(std::string_view name) const {
    if (!property_index.empty()) {
      auto it = property_index.find(name);
      return it == property_index.end() ? nullptr : it->second;
    }
    for (const auto& [key, node] : properties)
      if (key.size() == name.size() && key == name) return node;
    return nullptr;
  }
  std::vector<std::string> required;
  std::vector<std::pair<Pattern, const Node*>> pattern_properties;
  const Node* additional = nullptr;  // additionalProperties schema
  bool additional_forbidden = false;  // additionalProperties: false
  std::vector<const Node*> prefix_items;
  const Node* items = nullptr;
  std::vector<const Node*> all_of, any_of, one_of;
  const Node* negated = nullptr;  // not
};

inline constexpr std::size_t kScanned = 12;

struct Tree {
  std::vector<std::unique_ptr<Node>> nodes;
  const Node* root = nullptr;
};

namespace {

std::string_view type_name(std::uint8_t bit) {
  switch (bit) {
    case kNull: return "null";
    case kBoolean: return "boolean";
    case kInteger: return "integer";
    case kNumber: return "number";
    case kString: return "string";
    case kArray: return "array";
    default: return "object";
  }
}

std::uint8_t type_bit(std::string_view name) {
  if (name == "null") return kNull;
  if (name == "boolean") return kBoolean;
  if (name == "integer") return kInteger;
  if (name == "number") return kNumber;
  if (name == "string") return kString;
  if (name == "array") return kArray;
  if (name == "object") return kObject;
  return 0;
}

std::optional<double> number_of(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  return std::nullopt;
}

struct Compiler {
  const json::value& root;
  SpecVersion version;
  Tree& tree;
  std::vector<Issue>& errors;
  std::unordered_map<std::string, Node*> by_pointer;

  void fail(const std::string& location, std::string message) { errors.push_back({location, std::move(message), 0, 0}); }

  std::optional<std::size_t> count(const json::object& o, std::string_view key, const std::string& loc) {
    const json::value* v = o.if_contains(key);
    if (!v) return std::nullopt;
    if (v->is_int64() && v->get_int64() >= 0) return static_cast<std::size_t>(v->get_int64());
    if (v->is_uint64()) return static_cast<std::size_t>(v->get_uint64());
    if (v->is_double() && v->get_double() >= 0 && std::trunc(v->get_double()) == v->get_double())
      return v->get_double() >= 1.8e19 ? std::numeric_limits<std::size_t>::max()  // beyond size_t: no limit
                                       : static_cast<std::size_t>(v->get_double());
    fail(pointer_append(loc, key), "must be a non-negative integer");
    return std::nullopt;
  }

  std::optional<double> number(const json::object& o, std::string_view key, const std::string& loc) {
    const json::value* v = o.if_contains(key);
    if (!v) return std::nullopt;
    if (auto d = number_of(*v)) return d;
    fail(pointer_append(loc, key), "must be a number");
    return std::nullopt;
  }

  std::optional<Pattern> pattern(const json::value& v, const std::string& loc) {
    if (!v.is_string()) {
      fail(loc, "must be a regular expression string");
      return std::nullopt;
    }
    try {
      return Pattern{std::string(v.get_string()), boost::regex(v.get_string().c_str(), boost::regex::perl)};
    } catch (const std::exception& e) {
      fail(loc, fmt::format("is not a valid regular expression: {}", e.what()));
      return std::nullopt;
    }
  }

  const Node* sub(const json::object& o, std::string_view key, const std::string& loc) {
    const json::value* v = o.if_contains(key);
    return v ? compile(*v, pointer_append(loc, key)) : nullptr;
  }

  std::vector<const Node*> list(const json::object& o, std::string_view key, const std::string& loc) {
    std::vector<const Node*> out;
    const json::value* v = o.if_contains(key);
    if (!v) return out;
    const std::string at = pointer_append(loc, key);
    if (!v->is_array() || v->get_array().empty()) {
      fail(at, "must be a non-empty array of schemas");
      return out;
    }
    for (std::size_t i = 0; i < v->get_array().size(); ++i)
      out.push_back(compile(v->get_array()[i], pointer_append(at, std::to_string(i))));
    return out;
  }

  Node* compile(const json::value& v, const std::string& loc) {
    if (auto it = by_pointer.find(loc); it != by_pointer.end()) return it->second;
    tree.nodes.push_back(std::make_unique<Node>());
    Node* n = tree.nodes.back().get();
    by_pointer.emplace(loc, n);
    if (v.is_bool()) {
      n->never = !v.get_bool();
      return n;
    }
    if (!v.is_object()) {
      fail(loc, "a schema must be an object");
      return n;
    }
    const json::object& o = v.get_object();
    if (const json::value* r = o.if_contains("$ref")) {
      std::string target;
      if (!r->is_string() || !local_ref_pointer(r->get_string(), target)) {
        fail(pointer_append(loc, "$ref"), "only local references (#/...) can be validated");
      } else if (const json::value* t = resolve_pointer(root, target)) {
        n->ref = compile(*t, target);
      } else {
        fail(pointer_append(loc, "$ref"), fmt::format("'{}' does not resolve in the definition", r->get_string()));
      }
      // Before 3.1 a reference replaces its siblings.
      if (version != SpecVersion::kOpenApi31) return n;
    }
    if (const json::value* t = o.if_contains("type")) {
      auto add = [&](const json::value& name, const std::string& at) {
        const std::uint8_t bit = name.is_string() ? type_bit(name.get_string()) : 0;
        if (!bit) fail(at, "is not a JSON Schema type");
        n->types |= bit;
      };
      if (t->is_array()) {
        for (std::size_t i = 0; i < t->get_array().size(); ++i)
          add(t->get_array()[i], pointer_append(pointer_append(loc, "type"), std::to_string(i)));
      } else {
        add(*t, pointer_append(loc, "type"));
      }
      const json::value* nullable = o.if_contains(version == SpecVersion::kSwagger20 ? "x-nullable" : "nullable");
      if (nullable && nullable->is_bool() && nullable->get_bool()) n->types |= kNull;
    }
    if (const json::value* e = o.if_contains("enum")) {
      if (!e->is_array()) {
        fail(pointer_append(loc, "enum"), "must be an array");
      } else {
        n->has_enum = true;
        n->enum_values.assign(e->get_array().begin(), e->get_array().end());
        // 3.0: a nullable schema's enum admits null although it does not list it.
        if ((n->types & kNull) && version != SpecVersion::kOpenApi31) n->enum_values.emplace_back(nullptr);
      }
    }
    if (const json::value* c = o.if_contains("const")) n->constant = *c;
    n->minimum = number(o, "minimum", loc);
    n->maximum = number(o, "maximum", loc);
    n->multiple_of = number(o, "multipleOf", loc);
    if (n->multiple_of && *n->multiple_of <= 0) fail(pointer_append(loc, "multipleOf"), "must be greater than 0");
    for (auto [key, flag, bound] : {std::tuple{"exclusiveMinimum", &n->minimum_exclusive, &n->exclusive_minimum},
                                    std::tuple{"exclusiveMaximum", &n->maximum_exclusive, &n->exclusive_maximum}}) {
      const json::value* x = o.if_contains(key);
      if (!x) continue;
      if (x->is_bool()) *flag = x->get_bool();  // 3.0 and Swagger: modifies minimum / maximum
      else if (auto d = number_of(*x)) *bound = *d;  // 3.1: a bound of its own
      else fail(pointer_append(loc, key), "must be a boolean or a number");
    }
    n->min_length = count(o, "minLength", loc);
    n->max_length = count(o, "maxLength", loc);
    n->min_items = count(o, "minItems", loc);
    n->max_items = count(o, "maxItems", loc);
    n->min_properties = count(o, "minProperties", loc);
    n->max_properties = count(o, "maxProperties", loc);
    if (const json::value* u = o.if_contains("uniqueItems"); u && u->is_bool()) n->unique_items = u->get_bool();
    if (const json::value* p = o.if_contains("pattern")) n->pattern = pattern(*p, pointer_append(loc, "pattern"));
    if (const json::value* f = o.if_contains("format"); f && f->is_string()) {
      const std::string_view name = f->get_string();
      n->format_name = name;
      if (name == "int32") n->format = Format::kInt32;
      else if (name == "int64") n->format = Format::kInt64;
      else if (name == "float") n->format = Format::kFloat;
      else if (name == "double") n->format = Format::kDouble;
      else if (name == "date") n->format = Format::kDate;
      else if (name == "date-time") n->format = Format::kDateTime;
      else if (name == "email") n->format = Format::kEmail;
      else if (name == "uuid") n->format = Format::kUuid;
      else if (name == "ipv4") n->format = Format::kIpv4;
    }
    if (const json::value* ps = o.if_contains("properties")) {
      const std::string at = pointer_append(loc, "properties");
      if (!ps->is_object()) fail(at, "must be an object");
      else
        for (const auto& [name, schema] : ps->get_object())
          n->properties.emplace_back(std::string(name), compile(schema, pointer_append(at, name)));
      if (n->properties.size() > kScanned)
        for (const auto& [name, node] : n->properties) n->property_index.emplace(name, node);
    }
    if (const json::value* pp = o.if_contains("patternProperties")) {
      const std::string at = pointer_append(loc, "patternProperties");
      if (!pp->is_object()) fail(at, "must be an object");
      else
        for (const auto& [re, schema] : pp->get_object())
          if (auto p = pattern(json::value(re), pointer_append(at, re)))
            n->pattern_properties.emplace_back(std::move(*p), compile(schema, pointer_append(at, re)));
    }
    if (const json::value* a = o.if_contains("additionalProperties")) {
      if (a->is_bool()) n->additional_forbidden = !a->get_bool();
      else n->additional = compile(*a, pointer_append(loc, "additionalProperties"));
    }
    if (const json::value* r = o.if_contains("required")) {
      if (!r->is_array()) fail(pointer_append(loc, "required"), "must be an array of property names");
      else
        for (const auto& name : r->get_array())
          if (name.is_string()) n->required.emplace_back(name.get_string());
    }
    if (const json::value* it = o.if_contains("items")) {
      const std::string at = pointer_append(loc, "items");
      if (it->is_array()) {  // the tuple form of older drafts
        for (std::size_t i = 0; i < it->get_array().size(); ++i)
          n->prefix_items.push_back(compile(it->get_array()[i], pointer_append(at, std::to_string(i))));
      } else {
        n->items = compile(*it, at);
      }
    }
    if (version == SpecVersion::kOpenApi31) {
      if (const json::value* pi = o.if_contains("prefixItems"); pi && pi->is_array())
        for (std::size_t i = 0; i < pi->get_array().size(); ++i)
          n->prefix_items.push_back(
              compile(pi->get_array()[i], pointer_append(pointer_append(loc, "prefixItems"), std::to_string(i))));
    }
    n->all_of = list(o, "allOf", loc);
    n->any_of = list(o, "anyOf", loc);
    n->one_of = list(o, "oneOf", loc);
    n->negated = sub(o, "not", loc);
    return n;
  }
};

// ---- validation ----

std::string show(double d) {
  if (std::trunc(d) == d && std::fabs(d) < 1e15) return fmt::format("{}", static_cast<std::int64_t>(d));
  return fmt::format("{}", d);
}

std::string show(const json::value& v) {
  std::string s = json::serialize(v);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

std::uint8_t kind_of(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return kNull;
    case json::kind::bool_: return kBoolean;
    case json::kind::int64:
    case json::kind::uint64: return kInteger;
    case json::kind::double_: {
      const double d = v.get_double();
      return std::isfinite(d) && std::trunc(d) == d ? kInteger : kNumber;
    }
    case json::kind::string: return kString;
    case json::kind::array: return kArray;
    default: return kObject;
  }
}

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

bool valid_date(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, m) || s[7] != '-' || !digits(s, 8, 2, d))
    return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

// RFC 3339 date-time: 2024-05-01T10:20:30(.123)?(Z|+02:00)
bool valid_date_time(std::string_view s) {
  if (s.size() < 20 || !valid_date(s.substr(0, 10)) || (s[10] != 'T' && s[10] != 't')) return false;
  int h = 0, mi = 0, se = 0;
  if (!digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se)) return false;
  if (h > 23 || mi > 59 || se > 60) return false;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    const std::size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) return i + 1 == s.size();
  int oh = 0, om = 0;
  return i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && digits(s, i + 1, 2, oh) && s[i + 3] == ':' &&
         digits(s, i + 4, 2, om) && oh <= 23 && om <= 59;
}

bool valid_email(std::string_view s) {
  const std::size_t at = s.find('@');
  if (at == 0 || at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) return false;
  for (char c : s.substr(0, at))
    if (static_cast<unsigned char>(c) <= ' ' || c == '(' || c == ')' || c == ',' || c == ':' || c == ';' || c == '<' ||
        c == '>' || c == '[' || c == ']' || c == '\\' || c == '"')
      return false;
  const std::string_view domain = s.substr(at + 1);
  if (domain.empty() || domain.front() == '.' || domain.back() == '.' || domain.find('.') == std::string_view::npos ||
      domain.find("..") != std::string_view::npos)
    return false;
  for (char c : domain)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && static_cast<unsigned char>(c) < 0x80)
      return false;
  return true;
}

bool valid_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

bool valid_ipv4(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (parts < 4) {
    std::size_t start = i;
    int value = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) value = value * 10 + (s[i++] - '0');
    if (i == start || value > 255 || (i - start > 1 && s[start] == '0')) return false;
    ++parts;
    if (parts < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  return i == s.size();
}

// Appends "/" and `token` escaped as a JSON pointer token (RFC 6901) without a temporary.
void append_token(std::string& loc, std::string_view token) {
  loc.push_back('/');
  for (char c : token) {
    if (c == '~') loc.append("~0");
    else if (c == '/') loc.append("~1");
    else loc.push_back(c);
  }
}

void append_index(std::string& loc, std::size_t i) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, i);
  loc.push_back('/');
  loc.append(digits, end);
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

struct Checker {
  std::vector<SchemaError>* out;  // null: only the verdict matters (anyOf, oneOf, not)
  std::size_t limit;

  bool full() const { return out && out->size() >= limit; }
  bool fail(const std::string& loc, std::string message) {
    if (out && out->size() < limit) out->push_back({loc, std::move(message)});
    return false;
  }

  bool search(const Pattern& p, std::string_view s, const std::string& loc, bool& ok) {
    try {
      return boost::regex_search(s.begin(), s.end(), p.re);
    } catch (const std::exception&) {  // the matcher's effort bound was reached
      ok = fail(loc, fmt::format("could not be matched against pattern {} within the gateway's bounds", p.source));
      return true;
    }
  }

  bool check(const Node& n, const json::value& v, std::string& loc, std::size_t depth) {
    if (depth > kMaxSchemaDepth) return fail(loc, fmt::format("the schema nests deeper than {} levels", kMaxSchemaDepth));
    if (n.never) return fail(loc, "is not allowed");
    bool ok = true;
    if (n.ref) {
      ok = check(*n.ref, v, loc, depth + 1);
      if (!ok && !out) return false;
    }
    const std::uint8_t kind = kind_of(v);
    if (n.types) {
      const bool fits = (n.types & kind) || (kind == kInteger && (n.types & kNumber));
      if (!fits) {
        std::string expected;
        for (std::uint8_t bit = 1; bit && bit <= kObject; bit = static_cast<std::uint8_t>(bit << 1))
          if (n.types & bit) expected.append(expected.empty() ? "" : " or ").append(type_name(bit));
        return fail(loc, fmt::format("expected {}, found {}", expected, type_name(kind)));
      }
    }
    if (n.has_enum && std::find(n.enum_values.begin(), n.enum_values.end(), v) == n.enum_values.end()) {
      std::string allowed;
      for (const auto& e : n.enum_values) allowed.append(allowed.empty() ? "" : ", ").append(show(e));
      if (allowed.size() > 120) allowed = allowed.substr(0, 117) + "...";
      ok = fail(loc, fmt::format("must be one of [{}]", allowed));
      if (!out) return false;
    }
    if (n.constant && !(*n.constant == v)) {
      ok = fail(loc, fmt::format("must be {}", show(*n.constant)));
      if (!out) return false;
    }
    if (kind == kInteger || kind == kNumber) {
      const double d = *number_of(v);
      if (n.minimum && (n.minimum_exclusive ? d <= *n.minimum : d < *n.minimum))
        ok = fail(loc, fmt::format("must be {} {}", n.minimum_exclusive ? ">" : ">=", show(*n.minimum)));
      if (n.maximum && (n.maximum_exclusive ? d >= *n.maximum : d > *n.maximum))
        ok = fail(loc, fmt::format("must be {} {}", n.maximum_exclusive ? "<" : "<=", show(*n.maximum)));
      if (n.exclusive_minimum && d <= *n.exclusive_minimum) ok = fail(loc, fmt::format("must be > {}", show(*n.exclusive_minimum)));
      if (n.exclusive_maximum && d >= *n.exclusive_maximum) ok = fail(loc, fmt::format("must be < {}", show(*n.exclusive_maximum)));
      if (n.multiple_of) {
        const double q = d / *n.multiple_of;
        if (!std::isfinite(q) || std::fabs(q - std::round(q)) > 1e-9 * std::max(1.0, std::fabs(q)))
          ok = fail(loc, fmt::format("must be a multiple of {}", show(*n.multiple_of)));
      }
      if (n.format == Format::kInt32 || n.format == Format::kInt64) {
        const bool in_range = kind == kInteger &&
                              (n.format == Format::kInt64
                                   ? !(v.is_uint64() && v.get_uint64() > static_cast<std::uint64_t>(INT64_MAX)) &&
                                         !(v.is_double() && std::fabs(d) >= 9223372036854775808.0)
                                   : d >= -2147483648.0 && d <= 2147483647.0);
        if (!in_range) ok = fail(loc, fmt::format("is not a valid {}", n.format_name));
      } else if (n.format == Format::kFloat && std::fabs(d) > std::numeric_limits<float>::max()) {
        ok = fail(loc, "is not a valid float");
      }
      if (!ok && !out) return false;
    } else if (kind == kString) {
      const std::string_view s = v.get_string();
      if (n.min_length || n.max_length) {
        const std::size_t len = code_points(s);
        if (n.min_length && len < *n.min_length)
          ok = fail(loc, fmt::format("must be at least {} characters long", *n.min_length));
        if (n.max_length && len > *n.max_length)
          ok = fail(loc, fmt::format("must be at most {} characters long", *n.max_length));
      }
      if (n.pattern && !search(*n.pattern, s, loc, ok)) ok = fail(loc, fmt::format("must match pattern {}", n.pattern->source));
      bool format_ok = true;
      switch (n.format) {
        case Format::kDate: format_ok = valid_date(s); break;
        case Format::kDateTime: format_ok = valid_date_time(s); break;
        case Format::kEmail: format_ok = valid_email(s); break;
        case Format::kUuid: format_ok = valid_uuid(s); break;
        case Format::kIpv4: format_ok = valid_ipv4(s); break;
        default: break;
      }
      if (!format_ok) ok = fail(loc, fmt::format("is not a valid {}", n.format_name));
      if (!ok && !out) return false;
    } else if (kind == kArray) {
      const json::array& a = v.get_array();
      if (n.min_items && a.size() < *n.min_items) ok = fail(loc, fmt::format("must have at least {} items", *n.min_items));
      if (n.max_items && a.size() > *n.max_items) ok = fail(loc, fmt::format("must have at most {} items", *n.max_items));
      if (n.unique_items && !unique(a, loc)) ok = false;
      if (!ok && !out) return false;
      const std::size_t base = loc.size();
      for (std::size_t i = 0; i < a.size() && !full(); ++i) {
        const Node* item = i < n.prefix_items.size() ? n.prefix_items[i] : n.items;
        if (!item) continue;
        append_index(loc, i);
        const bool good = check(*item, a[i], loc, depth + 1);
        loc.resize(base);
        if (!good) {
          ok = false;
          if (!out) return false;
        }
      }
    } else if (kind == kObject) {
      const json::object& o = v.get_object();
      if (n.min_properties && o.size() < *n.min_properties)
        ok = fail(loc, fmt::format("must have at least {} properties", *n.min_properties));
      if (n.max_properties && o.size() > *n.max_properties)
        ok = fail(loc, fmt::format("must have at most {} properties", *n.max_properties));
      const std::size_t base = loc.size();
      for (const std::string& name : n.required) {
        if (o.contains(name)) continue;
        append_token(loc, name);
        ok = fail(loc, "is required");
        loc.resize(base);
        if (!out) return false;
      }
      const bool walk = !n.properties.empty() || !n.pattern_properties.empty() || n.additional || n.additional_forbidden;
      for (auto it = o.begin(); walk && it != o.end() && !full(); ++it) {
        const std::string_view key = it->key();
        append_token(loc, key);
        bool good = true;
        bool matched = false;
        if (const Node* p = n.property(key)) {
          matched = true;
          good = check(*p, it->value(), loc, depth + 1);
        }
        for (const auto& [pattern, schema] : n.pattern_properties) {
          bool dummy = true;
          if (!search(pattern, key, loc, dummy)) continue;
          matched = true;
          good = check(*schema, it->value(), loc, depth + 1) && good;
        }
        if (!matched) {
          if (n.additional_forbidden) good = fail(loc, "is not allowed (additionalProperties)");
          else if (n.additional) good = check(*n.additional, it->value(), loc, depth + 1);
        }
        loc.resize(base);
        if (!good) {
          ok = false;
          if (!out) return false;
        }
      }
    }
    for (const Node* s : n.all_of) {
      if (full()) break;
      if (!check(*s, v, loc, depth + 1)) {
        ok = false;
        if (!out) return false;
      }
    }
    if (!n.any_of.empty() || !n.one_of.empty() || n.negated) {
      Checker quiet{nullptr, 0};
      if (!n.any_of.empty()) {
        bool any = false;
        for (const Node* s : n.any_of)
          if ((any = quiet.check(*s, v, loc, depth + 1))) break;
        if (!any) ok = fail(loc, "must match at least one schema in anyOf");
      }
      if (!n.one_of.empty()) {
        std::size_t matches = 0;
        for (const Node* s : n.one_of)
          if (quiet.check(*s, v, loc, depth + 1) && ++matches > 1) break;
        if (matches == 0) ok = fail(loc, "must match exactly one schema in oneOf (matches none)");
        else if (matches > 1) ok = fail(loc, "must match exactly one schema in oneOf (matches more than one)");
      }
      if (n.negated && quiet.check(*n.negated, v, loc, depth + 1)) ok = fail(loc, "must not match the schema in not");
    }
    return ok;
  }

  bool unique(const json::array& a, const std::string& loc) {
    std::unordered_map<std::string, std::size_t> scalars;  // serialized scalar -> first index
    std::vector<std::size_t> containers;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i].is_object() || a[i].is_array()) {
        for (std::size_t j : containers)
          if (a[j] == a[i]) return fail(loc, fmt::format("items {} and {} are equal (uniqueItems)", j, i));
        containers.push_back(i);
        continue;
      }
      std::string key = json::serialize(a[i]);
      if (auto d = number_of(a[i])) key = show(*d);  // 1 and 1.0 are the same number
      auto [it, fresh] = scalars.emplace(std::move(key), i);
      if (!fresh) return fail(loc, fmt::format("items {} and {} are equal (uniqueItems)", it->second, i));
    }
    return true;
  }
};

}  // namespace
}  // namespace schema_internal

CompiledSchema compile_schema(const json::value& root, std::string_view pointer, SpecVersion version) {
  CompiledSchema out;
  auto tree = std::make_shared<schema_internal::Tree>();
  const json::value* schema = resolve_pointer(root, pointer);
  if (!schema) {
    out.errors_.push_back({std::string(pointer), "no schema at this location", 0, 0});
    return out;
  }
  schema_internal::Compiler c{root, version, *tree, out.errors_, {}};
  tree->root = c.compile(*schema, std::string(pointer));
  if (out.errors_.empty()) out.tree_ = std::move(tree);
  return out;
}

bool CompiledSchema::validate(const json::value& value, std::string_view base, std::vector<SchemaError>& out) const {
  if (!tree_) return true;
  std::string loc(base);
  schema_internal::Checker c{&out, out.size() + kMaxSchemaErrors};
  return c.check(*tree_->root, value, loc, 0);
}

}  // namespace archway::openapi
