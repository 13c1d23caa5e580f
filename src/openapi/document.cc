// Loading a definition: JSON or YAML text into boost::json, version detection, and the YAML
// marks that give structural errors a line and column.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <limits>

#include "openapi/internal/common.h"
#include "openapi/openapi.h"

namespace archway::openapi {

namespace json = boost::json;

namespace {

constexpr int kMaxDepth = 200;
// Aliases may share nodes, but without them a document has fewer nodes than bytes: a YAML
// document may expand to its size in nodes plus this many (an alias bomb cannot).
constexpr std::size_t kAliasAllowance = 100'000;

// 1-based line and column of byte `offset` in `text`.
std::pair<int, int> line_column(std::string_view text, std::size_t offset) {
  int line = 1, col = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

bool parse_json_text(std::string_view text, json::value& out, std::vector<Issue>& errors) {
  json::parse_options opt;
  opt.max_depth = kMaxDepth;
  json::stream_parser p(json::storage_ptr(), opt);
  boost::system::error_code ec;
  const std::size_t n = p.write_some(text.data(), text.size(), ec);
  if (!ec && n < text.size()) {
    // write_some stops after a complete value: anything but whitespace after it is an error
    std::size_t i = n;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) ++i;
    if (i < text.size()) {
      auto [l, c] = line_column(text, i);
      errors.push_back({"", fmt::format("JSON syntax error at line {}, column {}: unexpected text after the document", l, c), l, c});
      return false;
    }
  }
  if (!ec) p.finish(ec);
  if (ec) {
    auto [l, c] = line_column(text, n);
    errors.push_back({"", fmt::format("JSON syntax error at line {}, column {}: {}", l, c, ec.message()), l, c});
    return false;
  }
  out = p.release();
  return true;
}

bool is_null_scalar(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// A plain (unquoted, untagged) scalar typed by the YAML 1.2 core schema.
json::value plain_scalar(const std::string& s) {
  if (is_null_scalar(s)) return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  const char* digits = (*b == '-' || *b == '+') ? b + 1 : b;
  if (digits < e && std::all_of(digits, e, [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(*b == '+' ? b + 1 : b, e, v);
    if (ec == std::errc() && p == e) return v;
    double d = 0;
    auto [p2, ec2] = std::from_chars(*b == '+' ? b + 1 : b, e, d);
    if (ec2 == std::errc() && p2 == e) return d;
  }
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(b + 2, e, v, s[1] == 'x' ? 16 : 8);
    if (ec == std::errc() && p == e) return v;
  }
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf") return std::numeric_limits<double>::infinity();
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") return -std::numeric_limits<double>::infinity();
  // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
  {
    std::size_t i = (*b == '-' || *b == '+') ? 1 : 0;
    std::size_t int_digits = 0, frac_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++int_digits;
    bool ok = true;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++frac_digits;
    }
    if (int_digits + frac_digits == 0) ok = false;
    if (ok && i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
      std::size_t exp_digits = 0;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp_digits;
      if (exp_digits == 0) ok = false;
    }
    if (ok && i == s.size()) {
      double d = 0;
      auto [p, ec] = std::from_chars(*b == '+' ? b + 1 : b, e, d);
      if (ec == std::errc() && p == e) return d;
    }
  }
  return json::string(s);
}

struct YamlConverter {
  std::vector<Issue>& errors;
  std::size_t max_nodes = 0;
  std::size_t nodes = 0;
  bool failed = false;

  void fail(const YAML::Mark& m, std::string msg, const std::string& loc) {
    errors.push_back({loc, std::move(msg), m.line + 1, m.column + 1});
    failed = true;
  }

  json::value convert(const YAML::Node& n, int depth, const std::string& loc) {
    if (failed) return nullptr;
    if (++nodes > max_nodes) {
      fail(n.Mark(), fmt::format("the YAML document expands to more than {} nodes through its aliases", max_nodes),
           loc);
      return nullptr;
    }
    if (depth > kMaxDepth) {
      fail(n.Mark(), fmt::format("the document nests deeper than {} levels", kMaxDepth), loc);
      return nullptr;
    }
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return nullptr;
      case YAML::NodeType::Scalar: {
        const std::string& tag = n.Tag();
        if (tag == "?") return plain_scalar(n.Scalar());
        if (tag == "!" || tag == "tag:yaml.org,2002:str") return json::string(n.Scalar());
        if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
            tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null")
          return plain_scalar(n.Scalar());
        return json::string(n.Scalar());
      }
      case YAML::NodeType::Sequence: {
        json::array a;
        a.reserve(n.size());
        std::size_t i = 0;
        for (const auto& item : n) a.push_back(convert(item, depth + 1, pointer_append(loc, std::to_string(i++))));
        return a;
      }
      case YAML::NodeType::Map: {
        json::object o;
        o.reserve(n.size());
        for (const auto& kv : n) {
          if (!kv.first.IsScalar()) {
            fail(kv.first.Mark(), "mapping keys must be scalars", loc);
            return nullptr;
          }
          const std::string& key = kv.first.Scalar();
          const std::string child = pointer_append(loc, key);
          if (o.contains(key)) {
            const YAML::Mark m = kv.first.Mark();
            errors.push_back({child,
                              fmt::format("YAML error at line {}, column {}: duplicate key '{}'", m.line + 1,
                                          m.column + 1, key),
                              m.line + 1, m.column + 1});
            failed = true;
            return nullptr;
          }
          o.emplace(key, convert(kv.second, depth + 1, child));
        }
        return o;
      }
    }
    return nullptr;
  }
};

// The YAML node at a JSON pointer, for its mark; an undefined node when the path leaves the tree.
YAML::Node yaml_at(const YAML::Node& root, std::string_view pointer) {
  YAML::Node cur;
  cur.reset(root);
  for (const std::string& tok : pointer_tokens(pointer)) {
    if (cur.IsMap()) {
      YAML::Node next;
      bool found = false;
      for (const auto& kv : cur)
        if (kv.first.IsScalar() && kv.first.Scalar() == tok) {
          next.reset(kv.second);
          found = true;
          break;
        }
      if (!found) return cur;  // the nearest node: a missing field is reported at its parent
      cur.reset(next);  // rebinds; operator= would write into the tree
    } else if (cur.IsSequence()) {
      std::size_t i = 0;
      auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), i);
      if (ec != std::errc() || p != tok.data() + tok.size() || i >= cur.size()) return cur;
      YAML::Node item = cur[i];
      cur.reset(item);
    } else {
      return cur;
    }
  }
  return cur;
}

// Finds the version field and names the spec; nullopt (with an error) when neither is usable.
std::optional<Document> detect(json::value root, std::vector<Issue>& errors) {
  if (!root.is_object()) {
    errors.push_back({"", "the definition must be an object (a JSON object or a YAML mapping)"});
    return std::nullopt;
  }
  const json::object& o = root.get_object();
  Document doc;
  if (const json::value* sw = o.if_contains("swagger")) {
    if (!sw->is_string() || sw->get_string() != "2.0") {
      errors.push_back({"/swagger", fmt::format("'swagger' must be the string \"2.0\", got {}", json::serialize(*sw))});
      return std::nullopt;
    }
    doc.version = SpecVersion::kSwagger20;
    doc.version_text = "2.0";
  } else if (const json::value* oa = o.if_contains("openapi")) {
    if (!oa->is_string()) {
      errors.push_back({"/openapi", fmt::format("'openapi' must be a string such as \"3.0.3\" (quote it in YAML), got {}",
                                                json::serialize(*oa))});
      return std::nullopt;
    }
    const std::string v(oa->get_string());
    auto patch_ok = [&](std::size_t from) {
      return v.size() > from && std::all_of(v.begin() + static_cast<long>(from), v.end(), [](char c) {
               return std::isdigit(static_cast<unsigned char>(c));
             });
    };
    const bool rc = v.find("-rc") != std::string::npos;
    if (v.starts_with("3.0.") && (patch_ok(4) || rc)) {
      doc.version = SpecVersion::kOpenApi30;
    } else if (v.starts_with("3.1.") && (patch_ok(4) || rc)) {
      doc.version = SpecVersion::kOpenApi31;
    } else {
      errors.push_back({"/openapi", fmt::format("unsupported OpenAPI version '{}' (supported: 3.0.x, 3.1.x; and swagger 2.0)", v)});
      return std::nullopt;
    }
    doc.version_text = v;
  } else {
    errors.push_back({"", "not an OpenAPI definition: neither 'openapi' (3.0.x, 3.1.x) nor 'swagger' (2.0) is present"});
    return std::nullopt;
  }
  doc.root = std::move(root);
  return doc;
}

}  // namespace

std::string pointer_escape(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string pointer_append(std::string_view base, std::string_view token) {
  std::string out(base);
  out += '/';
  out += pointer_escape(token);
  return out;
}

std::vector<std::string> pointer_tokens(std::string_view pointer) {
  std::vector<std::string> out;
  if (pointer.empty()) return out;
  std::size_t i = pointer.front() == '/' ? 1 : 0;
  while (true) {
    const std::size_t slash = pointer.find('/', i);
    std::string_view raw = pointer.substr(i, slash == std::string_view::npos ? std::string_view::npos : slash - i);
    std::string tok;
    for (std::size_t k = 0; k < raw.size(); ++k) {
      if (raw[k] == '~' && k + 1 < raw.size() && raw[k + 1] == '1') {
        tok += '/';
        ++k;
      } else if (raw[k] == '~' && k + 1 < raw.size() && raw[k + 1] == '0') {
        tok += '~';
        ++k;
      } else {
        tok += raw[k];
      }
    }
    out.push_back(std::move(tok));
    if (slash == std::string_view::npos) break;
    i = slash + 1;
  }
  return out;
}

const json::value* resolve_pointer(const json::value& root, std::string_view pointer) {
  const json::value* cur = &root;
  for (const std::string& tok : pointer_tokens(pointer)) {
    if (cur->is_object()) {
      cur = cur->get_object().if_contains(tok);
      if (!cur) return nullptr;
    } else if (cur->is_array()) {
      std::size_t i = 0;
      auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), i);
      if (ec != std::errc() || p != tok.data() + tok.size() || i >= cur->get_array().size()) return nullptr;
      cur = &cur->get_array()[i];
    } else {
      return nullptr;
    }
  }
  return cur;
}

std::string_view spec_version_name(SpecVersion v) {
  switch (v) {
    case SpecVersion::kSwagger20: return "2.0";
    case SpecVersion::kOpenApi30: return "3.0";
    case SpecVersion::kOpenApi31: return "3.1";
  }
  return "3.0";
}

std::string describe(const std::vector<Issue>& issues) {
  constexpr std::size_t kShown = 25;
  std::string out = "Invalid OpenAPI definition: ";
  for (std::size_t i = 0; i < issues.size() && i < kShown; ++i) {
    const auto& e = issues[i];
    if (i) out += "; ";
    out += e.location.empty() ? std::string("(root)") : e.location;
    if (e.line) out += fmt::format(" (line {})", e.line);
    out += ": " + e.message;
  }
  if (issues.size() > kShown) out += fmt::format("; and {} more", issues.size() - kShown);
  return out;
}

namespace {
// JSON or YAML text into JSON (bounded as `load` promises); `yaml` keeps the YAML tree for marks.
std::optional<json::value> parse_root(std::string_view text, std::vector<Issue>& errors,
                                      std::optional<YAML::Node>& yaml, std::string_view what) {
  std::size_t first = 0;
  while (first < text.size() && std::isspace(static_cast<unsigned char>(text[first]))) ++first;
  if (first == text.size()) {
    errors.push_back({"", fmt::format("the {} is empty", what)});
    return std::nullopt;
  }
  json::value root;
  if (text[first] == '{' || text[first] == '[') {
    if (!parse_json_text(text, root, errors)) return std::nullopt;
    return root;
  }
  try {
    yaml = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    errors.push_back({"", fmt::format("YAML syntax error at line {}, column {}: {}", e.mark.line + 1,
                                      e.mark.column + 1, e.msg),
                      e.mark.line + 1, e.mark.column + 1});
    return std::nullopt;
  }
  YamlConverter conv{errors, text.size() + kAliasAllowance};
  root = conv.convert(*yaml, 0, "");
  if (conv.failed) return std::nullopt;
  return root;
}
}  // namespace

std::optional<json::value> parse_text(std::string_view text, std::vector<Issue>& errors) {
  std::optional<YAML::Node> yaml;
  return parse_root(text, errors, yaml, "document");
}

LoadResult load(std::string_view text) {
  LoadResult r;
  std::optional<YAML::Node> yaml;
  std::optional<json::value> root = parse_root(text, r.errors, yaml, "definition");
  if (!root) return r;
  r.document = detect(std::move(*root), r.errors);
  if (!r.document) return r;
  r.errors = validate(*r.document);
  if (yaml)
    for (Issue& e : r.errors) {
      if (e.line) continue;
      const YAML::Mark m = yaml_at(*yaml, e.location).Mark();
      if (m.is_null()) continue;
      e.line = m.line + 1;
      e.column = m.column + 1;
    }
  return r;
}

}  // namespace archway::openapi
