// Structural validation of Swagger 2.0 and OpenAPI 3.0 / 3.1 definitions. It collects every
// problem with its location instead of stopping at the first: required fields, types, local
// references (dangling, external, cyclic), operation ids, path templates and their parameters,
// methods, server URLs and security schemes.
#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <set>

#include "openapi/internal/common.h"
#include "openapi/openapi.h"

namespace archway::openapi {

namespace json = boost::json;

namespace {

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int v = 0;
      auto [p, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
      if (ec == std::errc() && p == s.data() + i + 3) {
        out += static_cast<char>(v);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::string_view type_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::object: return "an object";
    case json::kind::array: return "an array";
    case json::kind::string: return "a string";
    case json::kind::bool_: return "a boolean";
    case json::kind::null: return "null";
    default: return "a number";
  }
}

bool is_extension(std::string_view key) { return key.starts_with("x-"); }

class Validator {
 public:
  Validator(const Document& doc, std::vector<Issue>& out)
      : root_(doc.root), v_(doc.version), out_(out) {}

  void run() {
    const json::object& o = root_.get_object();
    check_refs(root_, "");
    check_allof_cycles();
    collect_security_schemes(o);
    info(o);
    if (v_ == SpecVersion::kSwagger20) swagger_root(o);
    else openapi_root(o);
    if (auto* tags = field(o, "", "tags", json::kind::array)) check_tags(*tags);
    if (auto* sec = field(o, "", "security", json::kind::array)) security(*sec, "/security");
    paths(o);
  }

 private:
  void err(std::string loc, std::string msg) { out_.push_back({std::move(loc), std::move(msg)}); }

  // The member `key` of `o` when it has the kind wanted; reports a wrong type; nullptr if absent.
  const json::value* field(const json::object& o, const std::string& loc, std::string_view key, json::kind want,
                           bool required = false) {
    const json::value* v = o.if_contains(key);
    if (!v) {
      if (required) err(loc, fmt::format("'{}' is required", key));
      return nullptr;
    }
    const bool ok = v->kind() == want || (want == json::kind::double_ && (v->is_int64() || v->is_uint64())) ||
                    (want == json::kind::int64 && v->is_uint64());
    if (!ok) {
      json::value probe;
      if (want == json::kind::object) probe = json::object();
      else if (want == json::kind::array) probe = json::array();
      else if (want == json::kind::string) probe = "";
      else if (want == json::kind::bool_) probe = false;
      else probe = 0;
      err(pointer_append(loc, key), fmt::format("'{}' must be {}, got {}", key, type_name(probe), type_name(*v)));
      return nullptr;
    }
    return v;
  }

  const json::object* object_field(const json::object& o, const std::string& loc, std::string_view key,
                                   bool required = false) {
    const json::value* v = field(o, loc, key, json::kind::object, required);
    return v ? &v->get_object() : nullptr;
  }

  void strings(const json::object& o, const std::string& loc, std::initializer_list<std::string_view> keys) {
    for (auto k : keys) field(o, loc, k, json::kind::string);
  }

  // Resolves `v` through local $refs (the reference walk reports broken ones); nullptr if broken.
  const json::value* deref(const json::value& v, std::string& loc) { return follow_refs(root_, v, loc); }

  // ---- references --------------------------------------------------------------------------

  void check_refs(const json::value& v, const std::string& loc) {
    if (v.is_array()) {
      const auto& a = v.get_array();
      for (std::size_t i = 0; i < a.size(); ++i) check_refs(a[i], pointer_append(loc, std::to_string(i)));
      return;
    }
    if (!v.is_object()) return;
    const json::object& o = v.get_object();
    if (const json::value* ref = o.if_contains("$ref")) {
      const std::string at = pointer_append(loc, "$ref");
      if (!ref->is_string()) {
        // a property named "$ref" inside "properties" is a schema, not a reference
        if (!loc.ends_with("/properties")) err(at, "'$ref' must be a string");
      } else {
        check_ref(std::string(ref->get_string()), at);
      }
    }
    if (const json::value* all = o.if_contains("allOf"); all && all->is_array()) {
      const auto& a = all->get_array();
      for (std::size_t i = 0; i < a.size(); ++i) {
        std::string target = pointer_append(pointer_append(loc, "allOf"), std::to_string(i));
        if (deref(a[i], target)) allof_edges_[loc].push_back(target);
      }
    }
    for (const auto& kv : o) check_refs(kv.value(), pointer_append(loc, kv.key()));
  }

  void check_ref(const std::string& ref, const std::string& at) {
    std::string ptr;
    if (!local_ref_pointer(ref, ptr)) {
      err(at, fmt::format("'{}' cannot be resolved: only local references ('#/...') are supported; "
                          "bundle external files into the definition",
                          ref));
      return;
    }
    std::set<std::string> seen{ptr};
    std::vector<std::string> chain{ref};
    const json::value* target = resolve_pointer(root_, ptr);
    while (true) {
      if (!target) {
        err(at, chain.size() == 1 ? fmt::format("'{}' does not resolve: nothing at that location", ref)
                                  : fmt::format("'{}' does not resolve: {} leads nowhere", ref,
                                                fmt::join(chain, " -> ")));
        return;
      }
      const json::object* to = target->if_object();
      const json::value* next = to ? to->if_contains("$ref") : nullptr;
      if (!next || !next->is_string()) return;
      std::string next_ptr;
      if (!local_ref_pointer(next->get_string(), next_ptr)) return;  // reported where it stands
      chain.emplace_back(next->get_string());
      if (!seen.insert(next_ptr).second) {
        err(at, fmt::format("'{}' is a cycle of references that never reaches a definition: {}", ref,
                            fmt::join(chain, " -> ")));
        return;
      }
      target = resolve_pointer(root_, next_ptr);
    }
  }

  // A schema that is (through allOf) part of itself has no finite expansion.
  void check_allof_cycles() {
    std::map<std::string, int> state;  // 1 visiting, 2 done
    std::vector<std::string> stack;
    std::set<std::string> reported;
    std::function<void(const std::string&)> visit = [&](const std::string& n) {
      state[n] = 1;
      stack.push_back(n);
      auto it = allof_edges_.find(n);
      if (it != allof_edges_.end())
        for (const auto& m : it->second) {
          if (state[m] == 1) {
            auto from = std::find(stack.begin(), stack.end(), m);
            std::vector<std::string> cycle(from, stack.end());
            cycle.push_back(m);
            if (reported.insert(m).second)
              err(pointer_append(n, "allOf"),
                  fmt::format("'allOf' cycle: the schema includes itself ({})", fmt::join(cycle, " -> ")));
          } else if (state[m] == 0) {
            visit(m);
          }
        }
      stack.pop_back();
      state[n] = 2;
    };
    for (const auto& kv : allof_edges_)
      if (state[kv.first] == 0) visit(kv.first);
  }

  // ---- root sections -------------------------------------------------------------------------

  void info(const json::object& o) {
    const json::object* info = object_field(o, "", "info", true);
    if (!info) return;
    field(*info, "/info", "title", json::kind::string, true);
    if (const json::value* ver = info->if_contains("version"); ver && (ver->is_double() || ver->is_int64()))
      err("/info/version", fmt::format("'version' must be a string, got the number {} (quote it in YAML)",
                                       json::serialize(*ver)));
    else
      field(*info, "/info", "version", json::kind::string, true);
    strings(*info, "/info", {"description", "termsOfService", "summary"});
    if (const json::object* c = object_field(*info, "/info", "contact")) strings(*c, "/info/contact", {"name", "url", "email"});
    if (const json::object* l = object_field(*info, "/info", "license")) {
      field(*l, "/info/license", "name", json::kind::string, true);
      strings(*l, "/info/license", {"url", "identifier"});
    }
  }

  void swagger_root(const json::object& o) {
    if (const json::value* host = field(o, "", "host", json::kind::string)) {
      const std::string_view h = host->get_string();
      const bool bad = h.empty() || h.find_first_of("/{} \\?#") != std::string_view::npos ||
                       h.find("://") != std::string_view::npos;
      if (bad)
        err("/host", fmt::format("'host' must be a host name with an optional port (no scheme, no path), got '{}'", h));
    }
    if (const json::value* bp = field(o, "", "basePath", json::kind::string))
      if (!bp->get_string().starts_with("/"))
        err("/basePath", fmt::format("'basePath' must start with '/', got '{}'", bp->get_string()));
    if (const json::value* sch = field(o, "", "schemes", json::kind::array)) {
      const auto& a = sch->get_array();
      for (std::size_t i = 0; i < a.size(); ++i)
        if (!a[i].is_string() || (a[i] != "http" && a[i] != "https" && a[i] != "ws" && a[i] != "wss"))
          err(fmt::format("/schemes/{}", i), fmt::format("scheme must be http, https, ws or wss, got {}",
                                                         json::serialize(a[i])));
    }
    for (auto k : {"consumes", "produces"}) string_array(o, "", k);
    if (const json::object* defs = object_field(o, "", "definitions"))
      for (const auto& kv : *defs)
        if (!kv.value().is_object())
          err(pointer_append("/definitions", kv.key()), "a schema must be an object");
    if (const json::object* params = object_field(o, "", "parameters"))
      for (const auto& kv : *params) parameter(kv.value(), pointer_append("/parameters", kv.key()));
    if (const json::object* resp = object_field(o, "", "responses"))
      for (const auto& kv : *resp) response(kv.value(), pointer_append("/responses", kv.key()));
    if (const json::object* sd = object_field(o, "", "securityDefinitions"))
      for (const auto& kv : *sd) swagger_security_scheme(kv.value(), pointer_append("/securityDefinitions", kv.key()));
  }

  void openapi_root(const json::object& o) {
    if (const json::value* s = field(o, "", "servers", json::kind::array)) servers(*s, "/servers");
    if (const json::object* c = object_field(o, "", "components")) {
      static const std::set<std::string_view> kSections = {
          "schemas",       "responses", "parameters", "examples",  "requestBodies",
          "headers",       "securitySchemes", "links", "callbacks", "pathItems"};
      for (const auto& kv : *c) {
        const std::string loc = pointer_append("/components", kv.key());
        if (is_extension(kv.key())) continue;
        if (!kSections.count(kv.key()) || (kv.key() == "pathItems" && v_ != SpecVersion::kOpenApi31)) {
          err(loc, fmt::format("unknown components section '{}'", kv.key()));
          continue;
        }
        if (!kv.value().is_object()) {
          err(loc, fmt::format("'{}' must be an object", kv.key()));
          continue;
        }
        for (const auto& entry : kv.value().get_object()) {
          const std::string eloc = pointer_append(loc, entry.key());
          const std::string_view name = entry.key();
          if (name.empty() || !std::all_of(name.begin(), name.end(), [](char ch) {
                return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == '_';
              }))
            err(eloc, fmt::format("component name '{}' may hold only letters, digits, '.', '-' and '_'", name));
          if (kv.key() == "parameters") parameter(entry.value(), eloc);
          else if (kv.key() == "responses") response(entry.value(), eloc);
          else if (kv.key() == "securitySchemes") security_scheme(entry.value(), eloc);
          else if (kv.key() == "schemas" && !entry.value().is_object() &&
                   !(v_ == SpecVersion::kOpenApi31 && entry.value().is_bool()))
            err(eloc, "a schema must be an object");
        }
      }
    }
    if (v_ == SpecVersion::kOpenApi31) {
      if (!o.contains("paths") && !o.contains("components") && !o.contains("webhooks"))
        err("", "an OpenAPI 3.1 definition needs at least one of 'paths', 'components' or 'webhooks'");
      if (const json::value* w = o.if_contains("webhooks"); w && !w->is_object())
        err("/webhooks", "'webhooks' must be an object");
    }
  }

  void string_array(const json::object& o, const std::string& loc, std::string_view key) {
    const json::value* v = field(o, loc, key, json::kind::array);
    if (!v) return;
    const auto& a = v->get_array();
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!a[i].is_string())
        err(pointer_append(pointer_append(loc, key), std::to_string(i)),
            fmt::format("must be a string, got {}", type_name(a[i])));
  }

  void check_tags(const json::value& tags) {
    std::set<std::string> names;
    const auto& a = tags.get_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string loc = fmt::format("/tags/{}", i);
      if (!a[i].is_object()) {
        err(loc, "a tag must be an object with a 'name'");
        continue;
      }
      if (const json::value* n = field(a[i].get_object(), loc, "name", json::kind::string, true))
        if (!names.insert(std::string(n->get_string())).second)
          err(loc + "/name", fmt::format("tag '{}' is declared twice", n->get_string()));
    }
  }

  // ---- servers --------------------------------------------------------------------------------

  void servers(const json::value& v, const std::string& loc) {
    const auto& a = v.get_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string sloc = pointer_append(loc, std::to_string(i));
      if (!a[i].is_object()) {
        err(sloc, "a server must be an object with a 'url'");
        continue;
      }
      const json::object& s = a[i].get_object();
      const json::value* url = field(s, sloc, "url", json::kind::string, true);
      const json::object* vars = object_field(s, sloc, "variables");
      std::map<std::string, std::string> defaults;
      if (vars)
        for (const auto& kv : *vars) {
          const std::string vloc = pointer_append(sloc + "/variables", kv.key());
          if (!kv.value().is_object()) {
            err(vloc, "a server variable must be an object with a 'default'");
            continue;
          }
          const json::object& var = kv.value().get_object();
          if (const json::value* d = field(var, vloc, "default", json::kind::string, true))
            defaults[kv.key()] = std::string(d->get_string());
          if (const json::value* en = field(var, vloc, "enum", json::kind::array)) {
            if (en->get_array().empty()) err(vloc + "/enum", "'enum' must not be empty");
            else if (auto dd = defaults.find(kv.key()); dd != defaults.end() &&
                     std::find(en->get_array().begin(), en->get_array().end(), json::value(dd->second)) ==
                         en->get_array().end())
              err(vloc + "/default", fmt::format("default '{}' is not one of the variable's 'enum'", dd->second));
          }
        }
      if (!url) continue;
      server_url(std::string(url->get_string()), defaults, sloc + "/url");
    }
  }

  void server_url(const std::string& url, const std::map<std::string, std::string>& defaults, const std::string& loc) {
    std::string expanded;
    for (std::size_t i = 0; i < url.size(); ++i) {
      if (url[i] == '{') {
        const std::size_t close = url.find('}', i);
        if (close == std::string::npos) {
          err(loc, fmt::format("server URL '{}' has an unclosed '{{'", url));
          return;
        }
        const std::string name = url.substr(i + 1, close - i - 1);
        auto it = defaults.find(name);
        if (it == defaults.end()) {
          err(loc, fmt::format("server URL '{}' uses variable '{}' which 'variables' does not define", url, name));
          return;
        }
        expanded += it->second;
        i = close;
      } else {
        expanded += url[i];
      }
    }
    if (expanded.empty()) {
      err(loc, "server URL must not be empty");
      return;
    }
    auto parsed = boost::urls::parse_uri_reference(expanded);
    if (!parsed || expanded.find(' ') != std::string::npos) {
      err(loc, fmt::format("'{}' is not a valid URL", url));
      return;
    }
    if (parsed->has_scheme()) {
      const auto scheme = parsed->scheme();
      if (scheme != "http" && scheme != "https" && scheme != "ws" && scheme != "wss")
        err(loc, fmt::format("server URL '{}' must use http or https (got scheme '{}')", url, scheme));
      else if (!parsed->has_authority() || parsed->host().empty())
        err(loc, fmt::format("server URL '{}' has no host", url));
    }
  }

  // ---- security ------------------------------------------------------------------------------

  void collect_security_schemes(const json::object& o) {
    const json::object* holder = nullptr;
    if (v_ == SpecVersion::kSwagger20) {
      if (auto* sd = o.if_contains("securityDefinitions"); sd && sd->is_object()) holder = &sd->get_object();
    } else if (auto* c = o.if_contains("components"); c && c->is_object()) {
      if (auto* ss = c->get_object().if_contains("securitySchemes"); ss && ss->is_object()) holder = &ss->get_object();
    }
    if (holder)
      for (const auto& kv : *holder) schemes_.insert(std::string(kv.key()));
  }

  void security(const json::value& v, const std::string& loc) {
    const auto& a = v.get_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string rloc = pointer_append(loc, std::to_string(i));
      if (!a[i].is_object()) {
        err(rloc, "a security requirement must be an object of scheme name to scope list");
        continue;
      }
      for (const auto& kv : a[i].get_object()) {
        const std::string kloc = pointer_append(rloc, kv.key());
        if (!schemes_.count(std::string(kv.key())))
          err(kloc, fmt::format("security scheme '{}' is not defined in '{}'", kv.key(),
                                v_ == SpecVersion::kSwagger20 ? "securityDefinitions" : "components.securitySchemes"));
        if (!kv.value().is_array()) {
          err(kloc, "the scopes of a security requirement must be an array of strings");
          continue;
        }
        const auto& sc = kv.value().get_array();
        for (std::size_t k = 0; k < sc.size(); ++k)
          if (!sc[k].is_string()) err(pointer_append(kloc, std::to_string(k)), "a scope must be a string");
      }
    }
  }

  void scopes_object(const json::object& flow, const std::string& loc) {
    if (const json::object* sc = object_field(flow, loc, "scopes", true))
      for (const auto& kv : *sc)
        if (!kv.value().is_string())
          err(pointer_append(loc + "/scopes", kv.key()), "a scope's description must be a string");
  }

  void security_scheme(const json::value& v, const std::string& loc) {
    std::string at = loc;
    const json::value* r = deref(v, at);
    if (!r) return;
    if (!r->is_object()) {
      err(at, "a security scheme must be an object");
      return;
    }
    const json::object& s = r->get_object();
    const json::value* type = field(s, at, "type", json::kind::string, true);
    if (!type) return;
    const std::string_view t = type->get_string();
    if (t == "apiKey") {
      field(s, at, "name", json::kind::string, true);
      if (const json::value* in = field(s, at, "in", json::kind::string, true))
        if (in->get_string() != "query" && in->get_string() != "header" && in->get_string() != "cookie")
          err(at + "/in", fmt::format("'in' must be query, header or cookie, got '{}'", in->get_string()));
    } else if (t == "http") {
      field(s, at, "scheme", json::kind::string, true);
    } else if (t == "openIdConnect") {
      field(s, at, "openIdConnectUrl", json::kind::string, true);
    } else if (t == "oauth2") {
      const json::object* flows = object_field(s, at, "flows", true);
      if (!flows) return;
      for (const auto& kv : *flows) {
        const std::string floc = pointer_append(at + "/flows", kv.key());
        if (is_extension(kv.key())) continue;
        const std::string_view f = kv.key();
        if (f != "implicit" && f != "password" && f != "clientCredentials" && f != "authorizationCode") {
          err(floc, fmt::format("unknown OAuth2 flow '{}' (implicit, password, clientCredentials, authorizationCode)", f));
          continue;
        }
        if (!kv.value().is_object()) {
          err(floc, "an OAuth2 flow must be an object");
          continue;
        }
        const json::object& flow = kv.value().get_object();
        if (f == "implicit" || f == "authorizationCode") field(flow, floc, "authorizationUrl", json::kind::string, true);
        if (f != "implicit") field(flow, floc, "tokenUrl", json::kind::string, true);
        scopes_object(flow, floc);
      }
    } else if (!(t == "mutualTLS" && v_ == SpecVersion::kOpenApi31)) {
      err(at + "/type", fmt::format("unknown security scheme type '{}' (apiKey, http, oauth2, openIdConnect{})", t,
                                    v_ == SpecVersion::kOpenApi31 ? ", mutualTLS" : ""));
    }
  }

  void swagger_security_scheme(const json::value& v, const std::string& loc) {
    if (!v.is_object()) {
      err(loc, "a security definition must be an object");
      return;
    }
    const json::object& s = v.get_object();
    const json::value* type = field(s, loc, "type", json::kind::string, true);
    if (!type) return;
    const std::string_view t = type->get_string();
    if (t == "basic") return;
    if (t == "apiKey") {
      field(s, loc, "name", json::kind::string, true);
      if (const json::value* in = field(s, loc, "in", json::kind::string, true))
        if (in->get_string() != "query" && in->get_string() != "header")
          err(loc + "/in", fmt::format("'in' must be query or header, got '{}'", in->get_string()));
    } else if (t == "oauth2") {
      const json::value* flow = field(s, loc, "flow", json::kind::string, true);
      if (flow) {
        const std::string_view f = flow->get_string();
        if (f != "implicit" && f != "password" && f != "application" && f != "accessCode")
          err(loc + "/flow", fmt::format("'flow' must be implicit, password, application or accessCode, got '{}'", f));
        if (f == "implicit" || f == "accessCode") field(s, loc, "authorizationUrl", json::kind::string, true);
        if (f != "implicit") field(s, loc, "tokenUrl", json::kind::string, true);
      }
      scopes_object(s, loc);
    } else {
      err(loc + "/type", fmt::format("unknown security definition type '{}' (basic, apiKey, oauth2)", t));
    }
  }

  // ---- parameters and responses -----------------------------------------------------------------

  struct ParamKey {
    std::string name, in;
    std::string loc;
    bool operator<(const ParamKey& o) const { return std::tie(name, in) < std::tie(o.name, o.in); }
  };

  // Validates one parameter; returns its (name, in) when readable.
  std::optional<ParamKey> parameter(const json::value& v, const std::string& loc) {
    std::string at = loc;
    const json::value* r = deref(v, at);
    if (!r) return std::nullopt;
    if (!r->is_object()) {
      err(at, "a parameter must be an object");
      return std::nullopt;
    }
    const json::object& p = r->get_object();
    const json::value* name = field(p, at, "name", json::kind::string, true);
    const json::value* in = field(p, at, "in", json::kind::string, true);
    field(p, at, "required", json::kind::bool_);
    field(p, at, "description", json::kind::string);
    if (!name || !in) return std::nullopt;
    const std::string_view where = in->get_string();
    const bool swagger = v_ == SpecVersion::kSwagger20;
    const bool known = where == "query" || where == "header" || where == "path" ||
                       (swagger ? (where == "formData" || where == "body") : where == "cookie");
    if (!known) {
      err(at + "/in", fmt::format("'in' must be {}, got '{}'",
                                  swagger ? "query, header, path, formData or body" : "query, header, path or cookie",
                                  where));
      return std::nullopt;
    }
    if (where == "path") {
      const json::value* req = p.if_contains("required");
      if (!req || !req->is_bool() || !req->get_bool())
        err(at, fmt::format("path parameter '{}' must have 'required: true'", name->get_string()));
    }
    if (swagger) {
      if (where == "body") {
        object_field(p, at, "schema", true);
      } else if (const json::value* t = field(p, at, "type", json::kind::string, true)) {
        static const std::set<std::string_view> kTypes = {"string", "number", "integer", "boolean", "array", "file"};
        if (!kTypes.count(t->get_string()))
          err(at + "/type", fmt::format("'type' must be string, number, integer, boolean, array or file, got '{}'",
                                        t->get_string()));
        else if (t->get_string() == "array")
          object_field(p, at, "items", true);
        else if (t->get_string() == "file" && where != "formData")
          err(at + "/type", "type 'file' is allowed only for formData parameters");
      }
    } else {
      const bool has_schema = p.contains("schema");
      const bool has_content = p.contains("content");
      if (has_schema == has_content)
        err(at, fmt::format("parameter '{}' must have exactly one of 'schema' or 'content'", name->get_string()));
    }
    return ParamKey{std::string(name->get_string()), std::string(where), at};
  }

  // Validates a parameter list; returns the readable ones (reporting duplicates).
  std::vector<ParamKey> parameter_list(const json::object& holder, const std::string& loc) {
    std::vector<ParamKey> out;
    const json::value* v = field(holder, loc, "parameters", json::kind::array);
    if (!v) return out;
    const auto& a = v->get_array();
    std::set<ParamKey> seen;
    for (std::size_t i = 0; i < a.size(); ++i) {
      auto k = parameter(a[i], fmt::format("{}/parameters/{}", loc, i));
      if (!k) continue;
      if (!seen.insert(*k).second) {
        err(fmt::format("{}/parameters/{}", loc, i),
            fmt::format("parameter '{}' in {} is declared twice", k->name, k->in));
        continue;
      }
      out.push_back(*k);
    }
    return out;
  }

  void response(const json::value& v, const std::string& loc) {
    std::string at = loc;
    const json::value* r = deref(v, at);
    if (!r) return;
    if (!r->is_object()) {
      err(at, "a response must be an object");
      return;
    }
    field(r->get_object(), at, "description", json::kind::string, true);
    if (v_ != SpecVersion::kSwagger20) object_field(r->get_object(), at, "content");
  }

  // ---- paths and operations ------------------------------------------------------------------

  void paths(const json::object& o) {
    const bool required = v_ != SpecVersion::kOpenApi31;
    const json::object* ps = object_field(o, "", "paths", required);
    if (!ps) return;
    std::map<std::string, std::string> shapes;  // "/pets/{}" -> first path with that shape
    for (const auto& kv : *ps) {
      const std::string path(kv.key());
      const std::string loc = pointer_append("/paths", path);
      if (is_extension(path)) continue;
      if (!path.starts_with("/")) {
        err(loc, fmt::format("path '{}' must start with '/'", path));
        continue;
      }
      std::vector<std::string> names;
      if (!template_params(path, names)) {
        err(loc, fmt::format("path '{}' has malformed template braces", path));
        continue;
      }
      std::set<std::string> unique(names.begin(), names.end());
      if (unique.size() != names.size())
        err(loc, fmt::format("path '{}' uses the same template parameter twice", path));
      std::string shape;
      for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '{') {
          shape += "{}";
          i = path.find('}', i);
        } else {
          shape += path[i];
        }
      }
      if (auto [it, fresh] = shapes.emplace(shape, path); !fresh)
        err(loc, fmt::format("path '{}' is identical to '{}' but for its parameter names", path, it->second));
      if (!kv.value().is_object()) {
        err(loc, "a path item must be an object");
        continue;
      }
      path_item(kv.value().get_object(), path, names, loc);
    }
  }

  void path_item(const json::object& item, const std::string& path, const std::vector<std::string>& names,
                 const std::string& loc) {
    const bool swagger = v_ == SpecVersion::kSwagger20;
    if (item.contains("$ref")) return;  // a reference to a path item elsewhere: checked there
    const std::vector<ParamKey> common_params = parameter_list(item, loc);
    if (!swagger) {
      strings(item, loc, {"summary", "description"});
      if (const json::value* s = field(item, loc, "servers", json::kind::array)) servers(*s, loc + "/servers");
    }
    for (const auto& kv : item) {
      const std::string_view key = kv.key();
      if (is_extension(key) || key == "parameters" || key == "$ref") continue;
      if (!swagger && (key == "summary" || key == "description" || key == "servers")) continue;
      const bool method = std::find(std::begin(kMethods), std::end(kMethods), key) != std::end(kMethods) &&
                          !(swagger && key == "trace");
      const std::string oloc = pointer_append(loc, key);
      if (!method) {
        std::string lower(key);
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        const bool known_upper = lower != key && std::find(std::begin(kMethods), std::end(kMethods), lower) != std::end(kMethods);
        err(oloc, known_upper ? fmt::format("'{}' is not a valid method key: methods are lower case ('{}')", key, lower)
                              : fmt::format("'{}' is not an HTTP method (get, put, post, delete, options, head, patch{})",
                                            key, swagger ? "" : ", trace"));
        continue;
      }
      if (!kv.value().is_object()) {
        err(oloc, "an operation must be an object");
        continue;
      }
      operation(kv.value().get_object(), path, names, common_params, oloc);
    }
  }

  void operation(const json::object& op, const std::string& path, const std::vector<std::string>& names,
                 const std::vector<ParamKey>& common_params, const std::string& loc) {
    const bool swagger = v_ == SpecVersion::kSwagger20;
    strings(op, loc, {"summary", "description"});
    field(op, loc, "deprecated", json::kind::bool_);
    string_array(op, loc, "tags");
    if (const json::value* id = field(op, loc, "operationId", json::kind::string)) {
      auto [it, fresh] = op_ids_.emplace(std::string(id->get_string()), loc);
      if (!fresh)
        err(loc + "/operationId",
            fmt::format("operationId '{}' is already used by {}", id->get_string(), it->second));
    }
    std::vector<ParamKey> params = parameter_list(op, loc);
    for (const auto& c : common_params)
      if (std::none_of(params.begin(), params.end(), [&](const ParamKey& p) { return p.name == c.name && p.in == c.in; }))
        params.push_back(c);
    for (const auto& n : names)
      if (std::none_of(params.begin(), params.end(), [&](const ParamKey& p) { return p.in == "path" && p.name == n; }))
        err(loc + "/parameters",
            fmt::format("path parameter '{}' of '{}' is not declared (declare it with in: path, required: true)", n, path));
    for (const auto& p : params)
      if (p.in == "path" && std::find(names.begin(), names.end(), p.name) == names.end())
        err(p.loc, fmt::format("path parameter '{}' does not appear in the path '{}'", p.name, path));
    if (swagger) {
      const auto bodies = std::count_if(params.begin(), params.end(), [](const ParamKey& p) { return p.in == "body"; });
      const bool form = std::any_of(params.begin(), params.end(), [](const ParamKey& p) { return p.in == "formData"; });
      if (bodies > 1) err(loc + "/parameters", "an operation may have at most one body parameter");
      if (bodies > 0 && form) err(loc + "/parameters", "body and formData parameters cannot be used together");
      for (auto k : {"consumes", "produces", "schemes"}) string_array(op, loc, k);
    } else {
      if (const json::value* rb = op.if_contains("requestBody")) {
        std::string at = loc + "/requestBody";
        if (const json::value* r = deref(*rb, at)) {
          if (!r->is_object()) err(at, "'requestBody' must be an object");
          else object_field(r->get_object(), at, "content", true);
        }
      }
      if (const json::value* s = field(op, loc, "servers", json::kind::array)) servers(*s, loc + "/servers");
    }
    const json::object* responses = object_field(op, loc, "responses", v_ != SpecVersion::kOpenApi31);
    if (responses) {
      std::size_t count = 0;
      for (const auto& kv : *responses) {
        const std::string_view code = kv.key();
        if (is_extension(code)) continue;
        ++count;
        const std::string rloc = pointer_append(loc + "/responses", code);
        const bool digits = code.size() == 3 && code[0] >= '1' && code[0] <= '5' &&
                            ((std::isdigit(static_cast<unsigned char>(code[1])) &&
                              std::isdigit(static_cast<unsigned char>(code[2]))) ||
                             (!swagger && code.substr(1) == "XX"));
        if (code != "default" && !digits) {
          err(rloc, fmt::format("response key '{}' must be 'default' or an HTTP status code (100-599{})", code,
                                swagger ? "" : " or 1XX-5XX"));
          continue;
        }
        response(kv.value(), rloc);
      }
      if (count == 0) err(loc + "/responses", "'responses' must hold at least one response");
    }
    if (const json::value* sec = field(op, loc, "security", json::kind::array)) security(*sec, loc + "/security");
  }

  const json::value& root_;
  SpecVersion v_;
  std::vector<Issue>& out_;
  std::map<std::string, std::string> op_ids_;
  std::set<std::string> schemes_;
  std::map<std::string, std::vector<std::string>> allof_edges_;
};

}  // namespace

bool local_ref_pointer(std::string_view ref, std::string& pointer) {
  if (!ref.starts_with("#")) return false;
  pointer = percent_decode(ref.substr(1));
  return pointer.empty() || pointer.front() == '/';
}

const json::value* follow_refs(const json::value& root, const json::value& v, std::string& location) {
  const json::value* cur = &v;
  std::set<std::string> seen;
  while (true) {
    const json::object* o = cur->if_object();
    const json::value* ref = o ? o->if_contains("$ref") : nullptr;
    if (!ref || !ref->is_string()) return cur;
    std::string ptr;
    if (!local_ref_pointer(ref->get_string(), ptr)) return nullptr;
    if (!seen.insert(ptr).second) return nullptr;
    cur = resolve_pointer(root, ptr);
    if (!cur) return nullptr;
    location = ptr;
  }
}

bool template_params(std::string_view path, std::vector<std::string>& names) {
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '}') return false;
    if (path[i] != '{') {
      ++i;
      continue;
    }
    const std::size_t close = path.find('}', i);
    if (close == std::string_view::npos) return false;
    const std::string_view name = path.substr(i + 1, close - i - 1);
    if (name.empty() || name.find('{') != std::string_view::npos) return false;
    names.emplace_back(name);
    i = close + 1;
  }
  return true;
}

std::vector<Issue> validate(const Document& doc) {
  std::vector<Issue> out;
  if (!doc.root.is_object()) {
    out.push_back({"", "the definition must be an object"});
    return out;
  }
  Validator(doc, out).run();
  return out;
}

}  // namespace archway::openapi
