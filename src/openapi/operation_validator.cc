// Operations' parameters, request bodies and responses compiled from a definition (Swagger 2.0:
// non-body parameters are schemas themselves, "in: body" carries the body's schema, consumes names
// its media types; OpenAPI 3.x: parameter "schema" or "content", requestBody.content).
#include "openapi/operation_validator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "openapi/internal/common.h"

namespace archway::openapi {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxBodyDepth = 64;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y)); });
}

bool is_json_media(std::string_view mt) { return mt == "application/json" || mt.ends_with("+json"); }

// "/orders/{id}/items" -> "/orders/{}/items": operations match whatever their parameters are called.
std::string route_key(std::string_view verb, std::string_view target) {
  std::string key;
  key.reserve(verb.size() + target.size() + 1);
  for (char c : verb) key.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  key.push_back(' ');
  bool in_param = false;
  for (char c : target) {
    if (c == '{') {
      in_param = true;
      key.append("{}");
    } else if (c == '}') {
      in_param = false;
    } else if (!in_param) {
      key.push_back(c);
    }
  }
  return key;
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      auto hex = [](char h) { return h <= '9' ? h - '0' : (std::tolower(static_cast<unsigned char>(h)) - 'a' + 10); };
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::vector<std::string> query_values(std::string_view query, std::string_view name) {
  std::vector<std::string> out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    const std::string_view raw_name = pair.substr(0, eq);
    if (percent_decode(raw_name, true) != name) continue;
    out.push_back(eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1), true));
  }
  return out;
}

// A string as the declared type wants it; left a string when it does not read as one, so that the
// schema says "expected integer, found string".
json::value coerce(const std::string& s, std::string_view type) {
  if (type == "integer") {
    std::int64_t i = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
    if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) return i;
  }
  if (type == "integer" || type == "number") {
    double d = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) return d;
  }
  if (type == "boolean") {
    if (s == "true") return true;
    if (s == "false") return false;
  }
  if (type == "null" && s.empty()) return nullptr;
  return json::string(s);
}

// Parses a value (at most kMaxBodyDepth levels) into `sp`; nullopt with `error` when it is not JSON.
std::optional<json::value> parse_json(std::string_view text, std::string& error,
                                      json::storage_ptr sp = json::storage_ptr()) {
  json::parse_options opts;
  opts.max_depth = kMaxBodyDepth;  // objects and arrays: a body of exactly kMaxBodyDepth levels parses
  boost::system::error_code ec;
  json::value v = json::parse(text, ec, std::move(sp), opts);
  if (ec) {
    error = ec == json::error::too_deep ? fmt::format("is not valid JSON: it nests deeper than {} levels", kMaxBodyDepth)
                                        : "is not valid JSON: " + ec.message();
    return std::nullopt;
  }
  return v;
}

// The type a schema declares (following references, and allOf when it has none of its own).
std::string declared_type(const json::value& root, const json::value* schema, int depth = 0) {
  if (!schema || depth > 16) return {};
  std::string loc;
  const json::value* s = follow_refs(root, *schema, loc);
  if (!s || !s->is_object()) return {};
  const json::object& o = s->get_object();
  if (const json::value* t = o.if_contains("type")) {
    if (t->is_string()) return std::string(t->get_string());
    if (t->is_array())
      for (const auto& x : t->get_array())
        if (x.is_string() && x.get_string() != "null") return std::string(x.get_string());
  }
  if (const json::value* all = o.if_contains("allOf"); all && all->is_array())
    for (const auto& part : all->get_array())
      if (std::string t = declared_type(root, &part, depth + 1); !t.empty()) return t;
  return {};
}

const json::value* items_of(const json::value& root, const json::value* schema) {
  if (!schema) return nullptr;
  std::string loc;
  const json::value* s = follow_refs(root, *schema, loc);
  return s && s->is_object() ? s->get_object().if_contains("items") : nullptr;
}

bool matches(std::string_view declared, std::string_view actual) {
  if (declared == actual || declared == "*/*") return true;
  if (declared.ends_with("/*")) return actual.starts_with(declared.substr(0, declared.size() - 1));
  return false;
}

const OperationValidator::Media* find_media(const std::vector<OperationValidator::Media>& media, std::string_view mt) {
  for (const auto& m : media)
    if (m.type == mt) return &m;
  for (const auto& m : media)
    if (matches(m.type, mt)) return &m;
  return nullptr;
}

struct Builder {
  const Document& doc;
  ApiValidators& out;

  void take_errors(const CompiledSchema& s) { out.errors.insert(out.errors.end(), s.errors().begin(), s.errors().end()); }

  CompiledSchema schema_at(const std::string& pointer) {
    CompiledSchema s = compile_schema(doc.root, pointer, doc.version);
    take_errors(s);
    return s;
  }

  std::vector<OperationValidator::Media> content(const json::value* c, const std::string& loc) {
    std::vector<OperationValidator::Media> media;
    if (!c || !c->is_object()) return media;
    for (const auto& [type, entry] : c->get_object()) {
      OperationValidator::Media m;
      m.type = media_type_of(type);
      const std::string at = pointer_append(loc, type);
      if (entry.is_object() && entry.get_object().contains("schema")) m.schema = schema_at(at + "/schema");
      m.json = is_json_media(m.type) || m.type.ends_with("/*");
      media.push_back(std::move(m));
    }
    return media;
  }

  void parameter(OperationValidator& v, const json::value& p, std::string loc, const std::vector<std::string>& consumes) {
    const json::value* r = follow_refs(doc.root, p, loc);
    if (!r || !r->is_object()) {
      out.errors.push_back({loc, "the parameter does not resolve to an object", 0, 0});
      return;
    }
    const json::object& o = r->get_object();
    const json::value* in = o.if_contains("in");
    const json::value* name = o.if_contains("name");
    if (!in || !name || !in->is_string() || !name->is_string()) return;
    const std::string_view where = in->get_string();
    const json::value* req = o.if_contains("required");
    const bool required = req && req->is_bool() && req->get_bool();
    if (where == "body") {  // Swagger 2.0
      v.has_body = true;
      v.body_required = required;
      for (const auto& type : consumes) {
        OperationValidator::Media m;
        m.type = type;
        m.json = is_json_media(type) || type.ends_with("/*");
        if (o.contains("schema")) m.schema = schema_at(loc + "/schema");
        v.body.push_back(std::move(m));
      }
      return;
    }
    OperationValidator::Parameter param;
    param.name = std::string(name->get_string());
    param.required = required || where == "path";
    if (where == "path") param.in = OperationValidator::Parameter::In::kPath;
    else if (where == "query") param.in = OperationValidator::Parameter::In::kQuery;
    else if (where == "header") param.in = OperationValidator::Parameter::In::kHeader;
    else return;  // cookie, formData: not checked
    if (param.in == OperationValidator::Parameter::In::kHeader &&
        (iequal(param.name, "Accept") || iequal(param.name, "Content-Type") || iequal(param.name, "Authorization")))
      return;  // OpenAPI: such header parameters are ignored
    const bool query = param.in == OperationValidator::Parameter::In::kQuery;
    if (doc.version == SpecVersion::kSwagger20) {
      // The parameter object is the schema: copy its schema keywords to compile them alone.
      json::object schema;
      for (const auto& [k, val] : o)
        if (k != "name" && k != "in" && k != "required" && k != "description" && k != "collectionFormat" &&
            k != "allowEmptyValue" && !k.starts_with("x-"))
          schema[k] = val;
      const json::value root(std::move(schema));
      param.type = declared_type(root, &root);
      param.item_type = declared_type(root, items_of(root, &root));
      param.schema = compile_schema(root, "", doc.version);
      for (auto e : param.schema.errors()) {
        e.location = loc + e.location;
        out.errors.push_back(std::move(e));
      }
      const json::value* cf = o.if_contains("collectionFormat");
      const std::string_view format =
          cf && cf->is_string() ? std::string_view(cf->get_string()) : std::string_view("csv");
      param.explode = format == "multi";
      param.separator = format == "pipes" ? '|' : format == "ssv" ? ' ' : format == "tsv" ? '\t' : ',';
    } else if (const json::value* s = o.if_contains("schema")) {
      param.type = declared_type(doc.root, s);
      param.item_type = declared_type(doc.root, items_of(doc.root, s));
      param.schema = schema_at(loc + "/schema");
      const json::value* style = o.if_contains("style");
      // Both arms as string_view: a json::string arm would make the literal a temporary json::string.
      const std::string_view st = style && style->is_string() ? std::string_view(style->get_string())
                                  : query                     ? std::string_view("form")
                                                              : std::string_view("simple");
      const json::value* ex = o.if_contains("explode");
      param.explode = ex && ex->is_bool() ? ex->get_bool() : st == "form";
      param.separator = st == "pipeDelimited" ? '|' : st == "spaceDelimited" ? ' ' : ',';
      if (!query) param.explode = false;
    } else if (const json::value* c = o.if_contains("content"); c && c->is_object() && !c->get_object().empty()) {
      const auto& first = *c->get_object().begin();
      param.json_content = is_json_media(media_type_of(first.key()));
      if (param.json_content && first.value().is_object() && first.value().get_object().contains("schema"))
        param.schema = schema_at(pointer_append(loc + "/content", first.key()) + "/schema");
    }
    // An operation's parameter replaces the path item's of the same name and location.
    auto same = std::find_if(v.parameters.begin(), v.parameters.end(),
                             [&](const auto& q) { return q.in == param.in && q.name == param.name; });
    if (same != v.parameters.end()) *same = std::move(param);
    else v.parameters.push_back(std::move(param));
  }

  std::vector<std::string> consumes_of(const json::object& op) {
    const json::value* c = op.if_contains("consumes");
    if (!c) c = doc.root.is_object() ? doc.root.get_object().if_contains("consumes") : nullptr;
    std::vector<std::string> out;
    if (c && c->is_array())
      for (const auto& t : c->get_array())
        if (t.is_string()) out.push_back(media_type_of(t.get_string()));
    if (out.empty()) out.emplace_back("application/json");
    return out;
  }

  void operation(const json::object& item, const std::string& ploc, const std::string& path, const std::string& method,
                 const json::object& op) {
    auto v = std::make_shared<OperationValidator>();
    const std::string oloc = pointer_append(ploc, method);
    const std::vector<std::string> consumes =
        doc.version == SpecVersion::kSwagger20 ? consumes_of(op) : std::vector<std::string>{};
    for (const auto& [holder, at] : {std::pair{&item, ploc}, std::pair{&op, oloc}}) {
      const json::value* ps = holder->if_contains("parameters");
      if (!ps || !ps->is_array()) continue;
      for (std::size_t i = 0; i < ps->get_array().size(); ++i)
        parameter(*v, ps->get_array()[i], pointer_append(at + "/parameters", std::to_string(i)), consumes);
    }
    if (const json::value* rb = op.if_contains("requestBody")) {
      std::string loc = oloc + "/requestBody";
      const json::value* r = follow_refs(doc.root, *rb, loc);
      if (r && r->is_object()) {
        v->has_body = true;
        const json::value* req = r->get_object().if_contains("required");
        v->body_required = req && req->is_bool() && req->get_bool();
        v->body = content(r->get_object().if_contains("content"), loc + "/content");
      } else {
        out.errors.push_back({loc, "the requestBody does not resolve to an object", 0, 0});
      }
    }
    if (const json::value* rs = op.if_contains("responses"); rs && rs->is_object()) {
      for (const auto& [status, entry] : rs->get_object()) {
        std::string loc = pointer_append(oloc + "/responses", status);
        const json::value* r = follow_refs(doc.root, entry, loc);
        if (!r || !r->is_object()) continue;
        OperationValidator::Response response;
        response.status = lower(status);
        if (doc.version == SpecVersion::kSwagger20) {
          if (r->get_object().contains("schema"))
            response.media.push_back({"*/*", schema_at(loc + "/schema"), true});
        } else {
          response.media = content(r->get_object().if_contains("content"), loc + "/content");
        }
        v->responses.push_back(std::move(response));
      }
    }
    std::string verb = method;
    out.operations[route_key(verb, path)] = std::move(v);
  }

  void run() {
    const json::value* paths = doc.root.is_object() ? doc.root.get_object().if_contains("paths") : nullptr;
    if (!paths || !paths->is_object()) return;
    for (const auto& [path, item] : paths->get_object()) {
      if (!item.is_object()) continue;
      const std::string ploc = pointer_append("/paths", path);
      for (const auto& [method, op] : item.get_object()) {
        if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods) || !op.is_object())
          continue;
        operation(item.get_object(), ploc, std::string(path), std::string(method), op.get_object());
      }
    }
  }
};

}  // namespace

std::string media_type_of(std::string_view content_type) {
  std::string_view t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  return lower(t);
}

ApiValidators compile_validators(const Document& doc) {
  ApiValidators out;
  Builder{doc, out}.run();
  return out;
}

ApiValidators compile_validators(const domain::Api& api) {
  if (api.openapi_definition.empty()) {
    Document doc;
    doc.root = export_definition(api, {});
    return compile_validators(doc);
  }
  LoadResult loaded = load(api.openapi_definition);
  if (!loaded.document) {
    ApiValidators out;
    out.errors = std::move(loaded.errors);
    if (out.errors.empty()) out.errors.push_back({"", "the stored definition cannot be read", 0, 0});
    return out;
  }
  return compile_validators(*loaded.document);
}

std::shared_ptr<const OperationValidator> ApiValidators::find(std::string_view verb, std::string_view target) const {
  auto it = operations.find(route_key(verb, target));
  return it == operations.end() ? nullptr : it->second;
}

bool OperationValidator::check_parameters(const RequestView& r, std::vector<SchemaError>& out) const {
  const std::size_t before = out.size();
  std::size_t path_index = 0;
  for (const Parameter& p : parameters) {
    if (out.size() - before >= kMaxSchemaErrors) break;
    std::string loc;
    std::vector<std::string> values;
    switch (p.in) {
      case Parameter::In::kPath: {
        loc = "path." + p.name;
        auto it = std::find_if(r.path_params.begin(), r.path_params.end(), [&](const auto& kv) { return kv.first == p.name; });
        if (it != r.path_params.end()) values.push_back(percent_decode(it->second, false));
        else if (path_index < r.path_params.size()) values.push_back(percent_decode(r.path_params[path_index].second, false));
        ++path_index;
        break;
      }
      case Parameter::In::kQuery:
        loc = "query." + p.name;
        values = query_values(r.query, p.name);
        break;
      case Parameter::In::kHeader:
        loc = "header." + p.name;
        if (r.headers)
          if (auto h = r.headers->header(p.name)) values.emplace_back(*h);
        break;
    }
    if (values.empty()) {
      if (p.required) out.push_back({loc, "is required"});
      continue;
    }
    json::value value;
    if (p.json_content) {
      std::string error;
      auto parsed = parse_json(values.front(), error);
      if (!parsed) {
        out.push_back({loc, error});
        continue;
      }
      value = std::move(*parsed);
    } else if (p.type == "array") {
      json::array items;
      auto add = [&](const std::string& s) { items.push_back(coerce(s, p.item_type)); };
      if (p.in == Parameter::In::kQuery && p.explode) {
        for (const auto& s : values) add(s);
      } else {
        std::string_view rest = values.front();
        while (true) {
          const std::size_t sep = rest.find(p.separator);
          add(std::string(rest.substr(0, sep)));
          if (sep == std::string_view::npos) break;
          rest.remove_prefix(sep + 1);
        }
      }
      value = std::move(items);
    } else {
      value = coerce(values.front(), p.type);
    }
    p.schema.validate(value, loc, out);
  }
  return out.size() == before;
}

BodyVerdict OperationValidator::check_body(std::string_view content_type, std::string_view text,
                                           std::vector<SchemaError>& out) const {
  if (!has_body) return BodyVerdict::kValid;
  if (text.empty()) {
    if (!body_required) return BodyVerdict::kValid;
    out.push_back({"/body", "is required"});
    return BodyVerdict::kInvalid;
  }
  if (body.empty()) return BodyVerdict::kValid;  // a body without declared media types
  const std::string mt = media_type_of(content_type);
  const Media* m = find_media(body, mt);
  if (!m) {
    out.push_back({"header.Content-Type",
                   fmt::format("'{}' is not a media type this operation accepts ({})", mt, body_media_types())});
    return BodyVerdict::kUnsupportedMediaType;
  }
  if (m->schema.empty() || !is_json_media(mt)) return BodyVerdict::kValid;
  std::string error;
  // The document lives only while it is checked: one arena, freed at once.
  unsigned char first_block[4096];
  json::monotonic_resource arena(first_block, sizeof first_block);
  auto parsed = parse_json(text, error, &arena);
  if (!parsed) {
    out.push_back({"/body", error});
    return BodyVerdict::kInvalid;
  }
  return m->schema.validate(*parsed, "/body", out) ? BodyVerdict::kValid : BodyVerdict::kInvalid;
}

std::string OperationValidator::body_media_types() const {
  std::string s;
  for (const auto& m : body) s.append(s.empty() ? "" : ", ").append(m.type);
  return s;
}

const CompiledSchema* OperationValidator::response_schema(unsigned status, std::string_view content_type) const {
  if (responses.empty()) return nullptr;
  const std::string mt = media_type_of(content_type);
  if (!is_json_media(mt)) return nullptr;
  const std::string exact = std::to_string(status);
  const std::string range = fmt::format("{}xx", status / 100);
  const Response* found = nullptr;
  for (const std::string_view key : {std::string_view(exact), std::string_view(range), std::string_view("default")}) {
    for (const auto& r : responses)
      if (r.status == key) {
        found = &r;
        break;
      }
    if (found) break;
  }
  if (!found) return nullptr;
  const Media* m = find_media(found->media, mt);
  return m && !m->schema.empty() ? &m->schema : nullptr;
}

bool OperationValidator::check_response(unsigned status, std::string_view content_type, std::string_view body,
                                        std::vector<SchemaError>& out) const {
  const CompiledSchema* s = response_schema(status, content_type);
  if (!s) return true;
  std::string error;
  unsigned char first_block[4096];
  json::monotonic_resource arena(first_block, sizeof first_block);
  auto parsed = parse_json(body, error, &arena);
  if (!parsed) {
    out.push_back({"/body", error});
    return false;
  }
  return s->validate(*parsed, "/body", out);
}

}  // namespace archway::openapi
