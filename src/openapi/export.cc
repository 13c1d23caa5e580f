// Exporting an API as a definition: the stored document rewritten to what the API is now
// (operations, security, tiers, endpoints, gateway URLs), and the YAML rendering.
#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "openapi/internal/common.h"
#include "openapi/openapi.h"

namespace archway::openapi {

namespace json = boost::json;

namespace {

constexpr std::string_view kOAuthScheme = "default";
constexpr std::string_view kApiKeyScheme = "api_key";
constexpr std::string_view kBasicScheme = "basic_auth";

bool has(const std::vector<std::string>& v, std::string_view s) { return std::find(v.begin(), v.end(), s) != v.end(); }

json::object& object_at(json::object& o, std::string_view key) {
  json::value& v = o[key];
  if (!v.is_object()) v = json::object();
  return v.get_object();
}

// Names of the path parameters a path item and an operation declare (references followed).
std::set<std::string> declared_path_params(const json::value& root, const json::object& item, const json::object& op) {
  std::set<std::string> out;
  for (const json::object* holder : {&item, &op}) {
    const json::value* ps = holder->if_contains("parameters");
    if (!ps || !ps->is_array()) continue;
    for (const auto& p : ps->get_array()) {
      std::string loc;
      const json::value* r = follow_refs(root, p, loc);
      if (!r || !r->is_object()) continue;
      const json::value* in = r->get_object().if_contains("in");
      const json::value* name = r->get_object().if_contains("name");
      if (in && name && in->is_string() && name->is_string() && in->get_string() == "path")
        out.insert(std::string(name->get_string()));
    }
  }
  return out;
}

json::array endpoint_urls(const std::optional<domain::Endpoint>& first, const std::vector<domain::Endpoint>& group) {
  json::array urls;
  if (!group.empty())
    for (const auto& e : group) urls.emplace_back(e.url);
  else if (first)
    urls.emplace_back(first->url);
  return urls;
}

}  // namespace

json::object export_definition(const domain::Api& api, const ExportOptions& options) {
  json::value original;
  if (!api.openapi_definition.empty()) {
    boost::system::error_code ec;
    json::parse_options opt;
    opt.max_depth = 256;
    original = json::parse(api.openapi_definition, ec, json::storage_ptr(), opt);
    if (ec || !original.is_object()) original = nullptr;
  }
  json::object doc;
  if (original.is_object()) doc = original.get_object();
  else doc = json::object{{"openapi", "3.0.1"}, {"info", json::object()}, {"paths", json::object()}};
  const bool swagger = doc.contains("swagger");
  const json::value& lookup_root = original.is_object() ? original : json::value(doc);

  json::object& info = object_at(doc, "info");
  info["title"] = api.name;
  info["version"] = api.version;
  if (!api.description.empty()) info["description"] = api.description;

  // Security schemes: an OAuth2 scheme holding the API's scopes, plus API key and basic when the
  // API accepts them.
  json::object scope_map;
  for (const auto& sc : api.scopes) scope_map[sc.name] = sc.description.empty() ? sc.name : sc.description;
  const bool api_key = has(api.security_scheme, "api_key");
  const bool basic = has(api.security_scheme, "basic_auth");
  if (swagger) {
    json::object& defs = object_at(doc, "securityDefinitions");
    defs[kOAuthScheme] = json::object{{"type", "oauth2"},
                                      {"flow", "application"},
                                      {"tokenUrl", options.token_url},
                                      {"scopes", scope_map}};
    if (api_key) defs[kApiKeyScheme] = json::object{{"type", "apiKey"}, {"name", "apikey"}, {"in", "header"}};
    if (basic) defs[kBasicScheme] = json::object{{"type", "basic"}};
  } else {
    json::object& schemes = object_at(object_at(doc, "components"), "securitySchemes");
    schemes[kOAuthScheme] = json::object{
        {"type", "oauth2"},
        {"flows", json::object{{"clientCredentials",
                                json::object{{"tokenUrl", options.token_url}, {"scopes", scope_map}}}}}};
    if (api_key) schemes[kApiKeyScheme] = json::object{{"type", "apiKey"}, {"name", "apikey"}, {"in", "header"}};
    if (basic) schemes[kBasicScheme] = json::object{{"type", "http"}, {"scheme", "basic"}};
  }
  doc["security"] = json::array{json::object{{kOAuthScheme, json::array()}}};

  // Paths: the API's operations, each keeping what the stored definition said about it.
  json::object old_paths;
  if (const json::value* p = doc.if_contains("paths"); p && p->is_object()) old_paths = p->get_object();
  json::object paths;
  for (const auto& op : api.operations) {
    std::string method = op.verb;
    std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::tolower(c); });
    const json::object* old_item = nullptr;
    if (const json::value* it = old_paths.if_contains(op.target); it && it->is_object()) old_item = &it->get_object();
    if (!paths.contains(op.target)) {
      json::object item;
      if (old_item)
        for (const auto& kv : *old_item)
          if (std::find(std::begin(kMethods), std::end(kMethods), kv.key()) == std::end(kMethods))
            item.emplace(kv.key(), kv.value());
      paths.emplace(op.target, std::move(item));
    }
    json::object& item = paths[op.target].get_object();
    json::object o;
    if (old_item)
      if (const json::value* old_op = old_item->if_contains(method); old_op && old_op->is_object())
        o = old_op->get_object();
    if (!o.contains("responses")) o["responses"] = json::object{{"default", json::object{{"description", "Default response"}}}};
    std::vector<std::string> names;
    template_params(op.target, names);
    const std::set<std::string> declared = declared_path_params(lookup_root, item, o);
    for (const auto& n : names) {
      if (declared.count(n)) continue;
      json::value& params = o["parameters"];
      if (!params.is_array()) params = json::array();
      json::object p{{"name", n}, {"in", "path"}, {"required", true}};
      if (swagger) p["type"] = "string";
      else p["schema"] = json::object{{"type", "string"}};
      params.get_array().push_back(std::move(p));
    }
    json::array security;
    if (op.auth_type != "None") {
      json::array scopes;
      for (const auto& s : op.scopes) scopes.emplace_back(s);
      security.push_back(json::object{{kOAuthScheme, std::move(scopes)}});
      if (api_key) security.push_back(json::object{{kApiKeyScheme, json::array()}});
      if (basic) security.push_back(json::object{{kBasicScheme, json::array()}});
    }
    o["security"] = std::move(security);
    o["x-auth-type"] = op.auth_type;
    o["x-throttling-tier"] = op.throttling_policy.empty() ? std::string("Unlimited") : op.throttling_policy;
    if (!op.scopes.empty()) o["x-scope"] = op.scopes.front();
    else o.erase("x-scope");
    o.erase("x-scopes");
    item[method] = std::move(o);
  }
  doc["paths"] = std::move(paths);

  // Where the API is called: the gateways' URLs with the API's context and version.
  const std::string base_path = api.context + "/" + api.version;
  if (swagger) {
    doc.erase("host");
    doc.erase("schemes");
    doc["basePath"] = base_path;
    const std::string* chosen = nullptr;
    for (const auto& u : options.gateway_urls)
      if (!chosen || (u.starts_with("https://") && !chosen->starts_with("https://"))) chosen = &u;
    if (chosen)
      if (auto parsed = boost::urls::parse_uri(*chosen); parsed && parsed->has_authority()) {
        doc["host"] = std::string(parsed->encoded_authority());
        doc["schemes"] = json::array{json::string(parsed->scheme())};
      }
  } else {
    json::array servers;
    for (const auto& u : options.gateway_urls) {
      std::string base = u;
      while (!base.empty() && base.back() == '/') base.pop_back();
      servers.push_back(json::object{{"url", base + base_path}});
    }
    if (servers.empty()) servers.push_back(json::object{{"url", base_path}});
    doc["servers"] = std::move(servers);
  }

  // WSO2 extensions: base path, endpoints, transports, API tier and scope bindings.
  doc["x-wso2-basePath"] = base_path;
  doc["x-wso2-auth-header"] = "Authorization";
  json::array transports;
  for (const auto& t : api.transport) transports.emplace_back(t);
  doc["x-wso2-transports"] = std::move(transports);
  const auto& ec = api.endpoint_config;
  doc.erase("x-wso2-production-endpoints");
  doc.erase("x-wso2-sandbox-endpoints");
  if (ec.production)
    doc["x-wso2-production-endpoints"] =
        json::object{{"urls", endpoint_urls(ec.production, ec.production_group)}, {"type", ec.endpoint_type}};
  if (ec.sandbox)
    doc["x-wso2-sandbox-endpoints"] =
        json::object{{"urls", endpoint_urls(ec.sandbox, ec.sandbox_group)}, {"type", ec.endpoint_type}};
  if (!api.api_throttling_policy.empty()) doc["x-throttling-tier"] = api.api_throttling_policy;
  else doc.erase("x-throttling-tier");
  json::array wso2_scopes;
  for (const auto& sc : api.scopes) {
    std::string roles;
    for (const auto& r : sc.bindings) roles += (roles.empty() ? "" : ",") + r;
    wso2_scopes.push_back(json::object{{"name", sc.display_name.empty() ? sc.name : sc.display_name},
                                       {"description", sc.description},
                                       {"key", sc.name},
                                       {"roles", roles}});
  }
  doc["x-wso2-security"] = json::object{{"apim", json::object{{"x-wso2-scopes", std::move(wso2_scopes)}}}};
  return doc;
}

// ---- YAML rendering --------------------------------------------------------------------------

namespace {

bool plain_safe(std::string_view s) {
  if (s.empty()) return false;
  static const std::set<std::string_view> kReserved = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"};
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (kReserved.count(lower)) return false;
  const char f = s.front();
  if (!(std::isalpha(static_cast<unsigned char>(f)) || f == '/' || f == '_')) return false;
  if (s.back() == ' ' || s.back() == ':') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '_' || c == '-' || c == '.' ||
                    c == '/' || c == '(' || c == ')' || c == '{' || c == '}' || c == '$' || c == '+' || c == '=';
    if (!ok) return false;
    if (c == ' ' && i + 1 < s.size() && s[i + 1] == '#') return false;
  }
  // a plain scalar starting with '/' may not contain "{" as flow indicators only matter at the start
  return true;
}

void scalar(std::string& out, std::string_view s) {
  if (plain_safe(s)) out += s;
  else out += json::serialize(json::string(s));  // a JSON string is a valid YAML double-quoted scalar
}

void emit(std::string& out, const json::value& v, int indent);

void emit_block_child(std::string& out, const json::value& v, int indent) {
  if (v.is_object() && !v.get_object().empty()) {
    out += '\n';
    emit(out, v, indent);
  } else if (v.is_array() && !v.get_array().empty()) {
    out += '\n';
    emit(out, v, indent);
  } else {
    out += ' ';
    emit(out, v, indent);
    out += '\n';
  }
}

void emit(std::string& out, const json::value& v, int indent) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  switch (v.kind()) {
    case json::kind::object: {
      const auto& o = v.get_object();
      if (o.empty()) {
        out += "{}";
        return;
      }
      for (const auto& kv : o) {
        std::string key;
        scalar(key, kv.key());
        out += pad;
        if (key.size() > 1024) {
          // An implicit key is at most 1024 characters (YAML 1.2, 7.4.2): a longer one is written
          // as an explicit key ("? key" then ": value").
          out += "? " + key + '\n' + pad;
        } else {
          out += key;
        }
        out += ':';
        emit_block_child(out, kv.value(), indent + 2);
      }
      return;
    }
    case json::kind::array: {
      const auto& a = v.get_array();
      if (a.empty()) {
        out += "[]";
        return;
      }
      for (const auto& item : a) {
        out += pad;
        out += "-";
        if (item.is_object() && !item.get_object().empty()) {
          // first key on the dash line, the rest aligned under it
          std::string nested;
          emit(nested, item, indent + 2);
          out += ' ';
          out += nested.substr(static_cast<std::size_t>(indent + 2));
        } else if (item.is_array() && !item.get_array().empty()) {
          out += '\n';
          emit(out, item, indent + 2);
        } else {
          out += ' ';
          emit(out, item, indent + 2);
          out += '\n';
        }
      }
      return;
    }
    case json::kind::string:
      scalar(out, v.get_string());
      return;
    case json::kind::double_: {
      const double d = v.get_double();
      if (std::isinf(d)) out += d > 0 ? ".inf" : "-.inf";
      else if (std::isnan(d)) out += ".nan";
      else out += json::serialize(v);
      return;
    }
    default:
      out += json::serialize(v);
      return;
  }
}

}  // namespace

std::string to_yaml(const json::value& v) {
  std::string out;
  if ((v.is_object() && v.get_object().empty()) || (v.is_array() && v.get_array().empty()) ||
      !(v.is_object() || v.is_array())) {
    emit(out, v, 0);
    out += '\n';
    return out;
  }
  emit(out, v, 0);
  return out;
}

}  // namespace archway::openapi
