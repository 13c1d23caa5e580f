#include "openapi/mock_payload.h"

#include <algorithm>
#include <charconv>

namespace archway::openapi {

namespace json = boost::json;

namespace {

constexpr int kMaxDepth = 12;  // schemas nest (or recurse through $ref) no deeper than this
constexpr std::string_view kMethods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

// The target of a local reference ("#/components/schemas/Pet"), or nullptr.
const json::value* resolve(const json::object& doc, std::string_view ref) {
  if (ref.size() < 2 || ref.substr(0, 2) != "#/") return nullptr;
  const json::value* cur = nullptr;
  const json::object* obj = &doc;
  std::size_t pos = 2;
  while (pos <= ref.size()) {
    const std::size_t end = std::min(ref.find('/', pos), ref.size());
    std::string token(ref.substr(pos, end - pos));
    for (std::size_t i = 0; (i = token.find('~', i)) != std::string::npos; ++i)
      if (i + 1 < token.size()) token.replace(i, 2, token[i + 1] == '1' ? "/" : "~");
    if (!obj) return nullptr;
    cur = obj->if_contains(token);
    if (!cur) return nullptr;
    obj = cur->is_object() ? &cur->get_object() : nullptr;
    pos = end + 1;
  }
  return cur;
}

// `v` with its $ref followed (a few hops at most).
const json::value* deref(const json::object& doc, const json::value* v) {
  for (int hop = 0; v && v->is_object() && hop < 8; ++hop) {
    const json::value* ref = v->get_object().if_contains("$ref");
    if (!ref || !ref->is_string()) return v;
    v = resolve(doc, ref->get_string());
  }
  return v;
}

json::value example_of(const json::object& doc, const json::value* schema_v, int depth) {
  schema_v = deref(doc, schema_v);
  if (!schema_v || !schema_v->is_object() || depth > kMaxDepth) return nullptr;
  const json::object& s = schema_v->get_object();
  if (const json::value* e = s.if_contains("example")) return *e;
  if (const json::value* e = s.if_contains("examples"); e && e->is_array() && !e->get_array().empty())
    return e->get_array().front();  // 3.1 schemas
  if (const json::value* d = s.if_contains("default")) return *d;
  if (const json::value* e = s.if_contains("enum"); e && e->is_array() && !e->get_array().empty())
    return e->get_array().front();
  if (const json::value* all = s.if_contains("allOf"); all && all->is_array()) {
    json::object merged;
    for (const auto& part : all->get_array()) {
      json::value x = example_of(doc, &part, depth + 1);
      if (x.is_object())
        for (const auto& [k, v] : x.get_object()) merged[k] = v;
    }
    return merged;
  }
  for (std::string_view key : {"oneOf", "anyOf"})
    if (const json::value* any = s.if_contains(key); any && any->is_array() && !any->get_array().empty())
      return example_of(doc, &any->get_array().front(), depth + 1);
  std::string type;
  if (const json::value* t = s.if_contains("type")) {
    if (t->is_string()) type = std::string(t->get_string());
    else if (t->is_array())  // 3.1: the first type that is not null
      for (const auto& x : t->get_array())
        if (x.is_string() && x.get_string() != "null") {
          type = std::string(x.get_string());
          break;
        }
  }
  if (type.empty()) type = s.contains("properties") ? "object" : s.contains("items") ? "array" : "";
  if (type == "object") {
    json::object out;
    if (const json::value* props = s.if_contains("properties"); props && props->is_object())
      for (const auto& [name, prop] : props->get_object()) out[name] = example_of(doc, &prop, depth + 1);
    return out;
  }
  if (type == "array") {
    json::array out;
    if (const json::value* items = s.if_contains("items")) out.push_back(example_of(doc, items, depth + 1));
    return out;
  }
  if (type == "integer") return 0;
  if (type == "number") return 0.0;
  if (type == "boolean") return true;
  if (type == "string") {
    const json::value* f = s.if_contains("format");
    const std::string_view format = f && f->is_string() ? std::string_view(f->get_string()) : "";
    if (format == "date-time") return "2024-01-01T00:00:00Z";
    if (format == "date") return "2024-01-01";
    if (format == "email") return "user@example.com";
    if (format == "uuid") return "00000000-0000-0000-0000-000000000000";
    if (format == "uri" || format == "url") return "https://example.com";
    return "string";
  }
  return nullptr;
}

std::string text_of(const json::value& v) { return v.is_string() ? std::string(v.get_string()) : json::serialize(v); }

// The response to mock: the first 2xx in the order given, else default, else the first.
std::optional<std::pair<int, const json::value*>> chosen_response(const json::object& responses) {
  std::optional<std::pair<int, const json::value*>> first, fallback;
  for (const auto& [code, r] : responses) {
    int status = 0;
    const auto [_, ec] = std::from_chars(code.data(), code.data() + code.size(), status);
    if (ec != std::errc() || status < 100 || status > 599) {
      if (code == "default" && !fallback) fallback = std::pair{200, &r};
      continue;
    }
    if (status >= 200 && status < 300) return std::pair{status, &r};
    if (!first) first = std::pair{status, &r};
  }
  return fallback ? fallback : first;
}

}  // namespace

std::optional<MockPayload> mock_of_operation(const json::object& doc, const json::object& operation) {
  const json::value* responses = operation.if_contains("responses");
  if (!responses || !responses->is_object()) return std::nullopt;
  const auto chosen = chosen_response(responses->get_object());
  if (!chosen) return std::nullopt;
  MockPayload m;
  m.status = chosen->first;
  const json::value* r = deref(doc, chosen->second);
  if (!r || !r->is_object()) return m;
  const json::object& resp = r->get_object();
  if (const json::value* content = resp.if_contains("content"); content && content->is_object()) {  // 3.x
    const json::object& media = content->get_object();
    if (media.empty()) return m;
    auto it = media.find("application/json");
    if (it == media.end()) it = media.begin();
    m.content_type = std::string(it->key());
    if (!it->value().is_object()) return m;
    const json::object& mt = it->value().get_object();
    if (const json::value* e = mt.if_contains("example")) {
      m.payload = text_of(*e);
    } else if (const json::value* ex = mt.if_contains("examples"); ex && ex->is_object() && !ex->get_object().empty()) {
      const json::value* first = deref(doc, &ex->get_object().begin()->value());
      const json::value* value = first && first->is_object() ? first->get_object().if_contains("value") : nullptr;
      if (value) m.payload = text_of(*value);
    } else if (const json::value* schema = mt.if_contains("schema")) {
      const json::value v = example_of(doc, schema, 0);
      if (!v.is_null()) m.payload = text_of(v);
    }
    return m;
  }
  // 2.0: examples by media type, else the schema.
  if (const json::value* ex = resp.if_contains("examples"); ex && ex->is_object() && !ex->get_object().empty()) {
    const json::object& by_type = ex->get_object();
    auto it = by_type.find("application/json");
    if (it == by_type.end()) it = by_type.begin();
    m.content_type = std::string(it->key());
    m.payload = text_of(it->value());
    return m;
  }
  if (const json::value* schema = resp.if_contains("schema")) {
    const json::value v = example_of(doc, schema, 0);
    if (!v.is_null()) m.payload = text_of(v);
    return m;
  }
  return m;
}

std::string mock_script(const MockPayload& mock) {
  return json::serialize(
      json::object{{"statusCode", mock.status}, {"contentType", mock.content_type}, {"payload", mock.payload}});
}

std::optional<MockPayload> parse_mock_script(std::string_view text) {
  json::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.get_object();
  const json::value* status = o.if_contains("statusCode");
  const json::value* type = o.if_contains("contentType");
  const json::value* payload = o.if_contains("payload");
  if (!status || !status->is_int64() || status->get_int64() < 100 || status->get_int64() > 599) return std::nullopt;
  if ((type && !type->is_string()) || (payload && !payload->is_string())) return std::nullopt;
  MockPayload m;
  m.status = static_cast<int>(status->get_int64());
  m.content_type = type ? std::string(type->get_string()) : std::string();
  m.payload = payload ? std::string(payload->get_string()) : std::string();
  return m;
}

int add_mock_scripts(json::object& doc) {
  const json::object snapshot = doc;  // references resolve against the document as it was
  json::value* paths = doc.if_contains("paths");
  if (!paths || !paths->is_object()) return 0;
  int n = 0;
  for (auto& [path, item] : paths->get_object()) {
    (void)path;
    if (!item.is_object()) continue;
    for (std::string_view method : kMethods) {
      json::value* op = item.get_object().if_contains(method);
      if (!op || !op->is_object()) continue;
      if (const auto mock = mock_of_operation(snapshot, op->get_object())) {
        op->get_object()[kMockScriptExtension] = mock_script(*mock);
        ++n;
      }
    }
  }
  return n;
}

}  // namespace archway::openapi
