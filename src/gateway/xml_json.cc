#include "gateway/xml_json.h"

#include <pugixml.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <vector>

namespace archway::gateway {

namespace json = boost::json;

namespace {

constexpr std::string_view kArrayItem = "jsonElement";  // an array's items inside an array or at the root
constexpr std::string_view kText = "#text";

bool name_start(unsigned char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80; }
bool name_char(unsigned char c) {
  return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// An NCName: no colon.
bool is_ncname(std::string_view s) {
  if (s.empty() || !name_start(static_cast<unsigned char>(s.front()))) return false;
  for (char c : s)
    if (!name_char(static_cast<unsigned char>(c))) return false;
  return true;
}

// A prefix ("" when unprefixed) and the local part of a qualified name; false when it is not one.
bool split_qname(std::string_view name, std::string_view& prefix, std::string_view& local) {
  const std::size_t colon = name.find(':');
  if (colon == std::string_view::npos) {
    prefix = {};
    local = name;
    return is_ncname(name);
  }
  prefix = name.substr(0, colon);
  local = name.substr(colon + 1);
  return is_ncname(prefix) && is_ncname(local);
}

std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('\'');
  for (char c : s.substr(0, 64)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
  if (s.size() > 64) out.append("...");
  out.push_back('\'');
  return out;
}

void append_number(std::string& out, const json::value& v) {
  std::array<char, 32> buf{};
  std::to_chars_result r{};
  if (v.is_int64()) r = std::to_chars(buf.data(), buf.data() + buf.size(), v.get_int64());
  else if (v.is_uint64()) r = std::to_chars(buf.data(), buf.data() + buf.size(), v.get_uint64());
  else r = std::to_chars(buf.data(), buf.data() + buf.size(), v.get_double());
  out.append(buf.data(), r.ptr);
}

// Writes elements for JSON values, checking names and namespace prefixes as it goes.
class XmlWriter {
 public:
  explicit XmlWriter(std::string& out) : out_(out) {}

  bool element(std::string_view name, const json::value& v, std::size_t depth) {
    if (depth > kMaxPayloadDepth) return fail("the JSON payload nests deeper than " + std::to_string(kMaxPayloadDepth) + " levels");
    if (v.is_array()) {
      for (const auto& item : v.get_array()) {
        if (item.is_array()) {
          json::object wrapper;
          wrapper[kArrayItem] = item;
          if (!element(name, wrapper, depth + 1)) return false;
        } else if (!element(name, item, depth + 1)) {
          return false;
        }
      }
      return true;
    }
    const std::size_t declared = ns_.size();
    if (v.is_object())
      for (const auto& [k, attr] : v.get_object())
        if (std::string_view key = k; key.starts_with("@xmlns:")) ns_.push_back(key.substr(7));
    const bool ok = open_and_write(name, v, depth);
    ns_.resize(declared);
    return ok;
  }

  std::string error;

 private:
  bool fail(std::string why) {
    error = std::move(why);
    return false;
  }

  bool check_name(std::string_view name, bool attribute) {
    std::string_view prefix, local;
    if (!split_qname(name, prefix, local))
      return fail(std::string(attribute ? "attribute" : "member") + " name " + quoted(name) +
                  " is not a valid XML name");
    if (prefix.empty() || prefix == "xml" || (attribute && prefix == "xmlns")) return true;
    for (auto p : ns_)
      if (p == prefix) return true;
    return fail("namespace prefix " + quoted(prefix) + " of " + quoted(name) + " is not declared (add \"@xmlns:" +
                std::string(prefix) + "\" to this object or one around it)");
  }

  bool text(std::string_view s, bool attribute) {
    std::size_t run = 0;  // start of the characters not yet written
    for (std::size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      const auto u = static_cast<unsigned char>(c);
      // Most bytes need no escape: find the next one that does, then write the run before it.
      if (u >= 0x20 && c != '&' && c != '<' && c != '>' && (!attribute || c != '"')) continue;
      if (!attribute && (c == '\n' || c == '\t')) continue;
      out_.append(s.data() + run, i - run);
      run = i + 1;
      switch (c) {
        case '&': out_.append("&amp;"); break;
        case '<': out_.append("&lt;"); break;
        case '>': out_.append("&gt;"); break;
        case '"': out_.append("&quot;"); break;
        case '\r': out_.append("&#13;"); break;
        case '\n': out_.append("&#10;"); break;
        case '\t': out_.append("&#9;"); break;
        default:
          return fail("the string " + quoted(s) + " holds control character U+00" +
                      std::string(1, "0123456789ABCDEF"[(u >> 4) & 0xF]) + std::string(1, "0123456789ABCDEF"[u & 0xF]) +
                      ", which XML 1.0 cannot carry");
      }
    }
    out_.append(s.data() + run, s.size() - run);
    return true;
  }

  bool scalar(const json::value& v, bool attribute) {
    switch (v.kind()) {
      case json::kind::string: return text(v.get_string(), attribute);
      case json::kind::bool_: out_.append(v.get_bool() ? "true" : "false"); return true;
      case json::kind::null: return true;
      default: append_number(out_, v); return true;
    }
  }

  bool open_and_write(std::string_view name, const json::value& v, std::size_t depth) {
    if (!check_name(name, false)) return false;
    out_.push_back('<');
    out_.append(name);
    if (!v.is_object()) {
      if (v.is_null() || (v.is_string() && v.get_string().empty())) {
        out_.append("/>");
        return true;
      }
      out_.push_back('>');
      if (!scalar(v, false)) return false;
      return close(name);
    }
    const json::object& o = v.get_object();
    bool has_content = false;
    for (const auto& [k, member] : o) {
      const std::string_view key = k;
      if (!key.starts_with('@')) {
        has_content = true;
        continue;
      }
      const std::string_view attr = key.substr(1);
      if (attr != "xmlns" && !check_name(attr, true)) return false;
      if (member.is_object() || member.is_array())
        return fail("attribute " + quoted(key) + " must be a string, a number, a boolean or null");
      out_.push_back(' ');
      out_.append(attr);
      out_.append("=\"");
      if (!scalar(member, true)) return false;
      out_.push_back('"');
    }
    if (!has_content) {
      out_.append("/>");
      return true;
    }
    out_.push_back('>');
    for (const auto& [k, member] : o) {
      const std::string_view key = k;
      if (key.starts_with('@')) continue;
      if (key == kText) {
        if (member.is_object() || member.is_array())
          return fail("\"#text\" must be a string, a number, a boolean or null");
        if (!scalar(member, false)) return false;
        continue;
      }
      if (!element(key, member, depth + 1)) return false;
    }
    return close(name);
  }

  bool close(std::string_view name) {
    out_.append("</");
    out_.append(name);
    out_.push_back('>');
    return true;
  }

  std::string& out_;
  std::vector<std::string_view> ns_;  // prefixes declared by the elements being written
};

// The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629), or npos.
std::size_t invalid_utf8_at(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Continuation bytes after the lead byte, and the range of the first one (no overlong forms,
    // no surrogates, nothing above U+10FFFF).
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + n >= s.size()) return i;  // truncated
    for (std::size_t k = 1; k <= n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return i;
    }
    i += n + 1;
  }
  return std::string_view::npos;
}

// JSON number grammar (RFC 8259), so "007" or "1." stay strings.
bool is_json_number(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') ++i;
  else if (!digits()) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

json::value typed(std::string_view s, json::storage_ptr sp) {
  if (s == "true") return json::value(true, sp);
  if (s == "false") return json::value(false, sp);
  if (is_json_number(s)) {
    boost::system::error_code ec;
    json::value n = json::parse(s, ec, sp);
    if (!ec && (!n.is_double() || std::isfinite(n.get_double()))) return n;  // 1e999 stays text
  }
  return json::value(json::string(s, sp));
}

class JsonBuilder {
 public:
  explicit JsonBuilder(json::storage_ptr sp) : sp_(std::move(sp)) { repeated_.resize(kMaxPayloadDepth); }

  // `el` as a value inside `level` objects and arrays of the output. The limit is on the JSON
  // written: an element with children or attributes is an object, a repeated element's array a
  // level of its own, and nothing deeper than kMaxPayloadDepth is built (nor recursed into).
  bool convert(const pugi::xml_node& el, std::size_t level, json::value& out) {
    std::string text;
    bool has_children = false;
    for (const auto& child : el.children()) {
      const auto type = child.type();
      if (type == pugi::node_pcdata || type == pugi::node_cdata) text.append(child.value());
      else if (type == pugi::node_element) has_children = true;
    }
    if (!has_children && !el.first_attribute()) {
      out = text.empty() ? json::value(nullptr, sp_) : typed(text, sp_);
      return true;
    }
    if (level + 1 > kMaxPayloadDepth) return too_deep();
    json::object o(sp_);
    for (const auto& a : el.attributes()) o[std::string("@") + a.name()] = typed(a.value(), sp_);
    // This level's own list: the children's calls are all at deeper levels.
    std::vector<std::string_view>& repeated = repeated_[level];
    find_repeated(el, repeated);
    if (!repeated.empty() && level + 2 > kMaxPayloadDepth) return too_deep();
    for (const auto& child : el.children()) {
      if (child.type() != pugi::node_element) continue;
      const std::string_view name = child.name();
      const bool many = std::binary_search(repeated.begin(), repeated.end(), name);
      json::value v;
      if (!convert(child, level + (many ? 2 : 1), v)) return false;
      if (!many) {
        o.emplace(name, std::move(v));
      } else if (json::value* existing = o.if_contains(name)) {
        existing->get_array().push_back(std::move(v));
      } else {
        json::array a(sp_);
        a.push_back(std::move(v));
        o.emplace(name, std::move(a));
      }
    }
    if (!text.empty()) o[kText] = typed(text, sp_);
    out = std::move(o);
    return true;
  }

  std::string error;

 private:
  bool too_deep() {
    error = "the XML payload nests deeper than " + std::to_string(kMaxPayloadDepth) +
            " levels as JSON (an element with children or attributes is an object, repeated elements an array)";
    return false;
  }

  // The names of `el`'s child elements that occur more than once (they become arrays), sorted.
  static void find_repeated(const pugi::xml_node& el, std::vector<std::string_view>& names) {
    names.clear();
    for (const auto& child : el.children())
      if (child.type() == pugi::node_element) names.emplace_back(child.name());
    std::sort(names.begin(), names.end());
    std::size_t kept = 0;
    for (std::size_t i = 0; i < names.size();) {
      std::size_t j = i + 1;
      while (j < names.size() && names[j] == names[i]) ++j;
      if (j - i > 1) names[kept++] = names[i];
      i = j;
    }
    names.resize(kept);
  }

  std::vector<std::vector<std::string_view>> repeated_;  // per level, the repeated child names
  json::storage_ptr sp_;
};

}  // namespace

std::optional<json::value> parse_json_payload(std::string_view text, json::storage_ptr sp, std::string& error) {
  json::parse_options opts;
  opts.max_depth = kMaxPayloadDepth;  // objects and arrays, as xml_to_json counts them
  unsigned char temp[4096];  // the parser's own stack, off the heap for most documents
  json::stream_parser p(json::storage_ptr(), opts, temp, sizeof temp);
  p.reset(std::move(sp));
  boost::system::error_code ec;
  const std::size_t used = p.write(text.data(), text.size(), ec);
  if (!ec) p.finish(ec);
  if (ec) {
    if (ec == json::error::too_deep)
      error = "the JSON payload nests deeper than " + std::to_string(kMaxPayloadDepth) + " levels";
    else if (text.empty())
      error = "the payload is empty, not JSON";
    else
      error = "the payload is not valid JSON (at byte " + std::to_string(used) + "): " + ec.message();
    return std::nullopt;
  }
  return p.release();
}

bool is_xml_name(std::string_view name) {
  std::string_view prefix, local;
  return split_qname(name, prefix, local);
}

PayloadResult json_to_xml(std::string_view text, std::string_view root) {
  PayloadResult r;
  unsigned char scratch[32 * 1024];  // a payload of a few KB parses without touching the heap
  json::monotonic_resource mr(scratch, sizeof scratch);
  std::optional<json::value> parsed = parse_json_payload(text, &mr, r.error);
  if (!parsed) return r;
  json::value& v = *parsed;
  r.body.reserve(text.size() + text.size() / 2 + 64);
  XmlWriter w(r.body);
  if (v.is_array()) {
    json::object wrapper(&mr);
    wrapper[kArrayItem] = std::move(v);
    v = std::move(wrapper);
  }
  if (!w.element(root, v, 0)) {
    r.body.clear();
    r.error = "the JSON payload cannot be written as XML: " + w.error;
  }
  return r;
}

PayloadResult xml_to_json(std::string_view text) {
  PayloadResult r;
  if (const std::size_t bad = invalid_utf8_at(text); bad != std::string_view::npos) {
    r.error = "the payload is not valid XML: not UTF-8 at byte " + std::to_string(bad);
    return r;
  }
  pugi::xml_document doc;
  const pugi::xml_parse_result pr =
      doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!pr) {
    r.error = "the payload is not valid XML: " + std::string(pr.description()) + " at byte " +
              std::to_string(pr.offset);
    return r;
  }
  pugi::xml_node root;
  for (const auto& child : doc.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      r.error = "the payload is not valid XML: text outside the root element";
      return r;
    }
    if (child.type() != pugi::node_element) continue;
    if (root) {
      r.error = "the payload is not valid XML: more than one root element";
      return r;
    }
    root = child;
  }
  if (!root) {
    r.error = "the payload is not valid XML: no root element";
    return r;
  }
  unsigned char scratch[4096];
  json::monotonic_resource mr(scratch, sizeof scratch);
  JsonBuilder b(&mr);
  json::value v;
  const bool unwrapped = std::string_view(root.name()) == "jsonObject";
  if (!b.convert(root, unwrapped ? 0 : 1, v)) {
    r.error = b.error;
    return r;
  }
  if (!unwrapped) {
    json::object wrapped(&mr);
    wrapped.emplace(root.name(), std::move(v));
    v = std::move(wrapped);
  }
  r.body = json::serialize(v);
  return r;
}

}  // namespace archway::gateway
