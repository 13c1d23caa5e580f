// Reading the domain API out of a definition: identity, context, operations and their security,
// scopes and endpoints, including WSO2's x-wso2-* and x-* extensions.
#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "openapi/internal/common.h"
#include "openapi/openapi.h"

namespace archway::openapi {

namespace json = boost::json;

namespace {

std::string str_or(const json::object& o, std::string_view key, std::string def = "") {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : def;
}

// The API name the Publisher accepts, from a title: illegal characters dropped, spaces collapsed.
std::string api_name_from_title(std::string_view title) {
  static constexpr std::string_view kIllegal = "~!@#;:%^*()+={}|\\<>\"',&$[]/";
  std::string out;
  for (char c : title) {
    if (kIllegal.find(c) != std::string_view::npos) c = ' ';
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > 60) out.resize(60);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.empty() ? "API" : out;
}

std::string slug(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "api" : out;
}

std::string trim_slashes(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

// The path of a server URL (variables replaced by their defaults); "" when it has none.
std::string server_path(const json::object& server) {
  std::string url = str_or(server, "url");
  const json::value* vars = server.if_contains("variables");
  std::string expanded;
  for (std::size_t i = 0; i < url.size(); ++i) {
    if (url[i] == '{') {
      const std::size_t close = url.find('}', i);
      if (close == std::string::npos) break;
      const std::string name = url.substr(i + 1, close - i - 1);
      if (vars && vars->is_object())
        if (const json::value* var = vars->get_object().if_contains(name); var && var->is_object())
          expanded += str_or(var->get_object(), "default");
      i = close;
    } else {
      expanded += url[i];
    }
  }
  auto parsed = boost::urls::parse_uri_reference(expanded);
  if (!parsed) return "";
  return std::string(parsed->encoded_path());
}

bool valid_scope_name(std::string_view s) {
  return !s.empty() && s.size() <= 100 && !s.starts_with("apim:") && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '_' || c == '.' || c == '-';
  });
}

struct ScopeInfo {
  std::string display;
  std::string description;
  std::vector<std::string> roles;
  std::string location;
};

std::optional<domain::Endpoint> first_endpoint(const std::vector<domain::Endpoint>& group) {
  if (group.empty()) return std::nullopt;
  return group.front();
}

// x-wso2-production-endpoints: {urls: [...], type: http | load_balance | failover}
void read_endpoints(const json::object& root, const std::string& key, std::vector<domain::Endpoint>& group,
                    std::string& type, std::vector<Issue>& errors) {
  const json::value* v = root.if_contains(key);
  if (!v) return;
  const std::string loc = pointer_append("", key);
  if (!v->is_object()) {
    errors.push_back({loc, fmt::format("'{}' must be an object with 'urls'", key)});
    return;
  }
  const json::value* urls = v->get_object().if_contains("urls");
  if (!urls || !urls->is_array()) {
    errors.push_back({loc + "/urls", "'urls' must be an array of backend URLs"});
    return;
  }
  for (std::size_t i = 0; i < urls->get_array().size(); ++i) {
    const json::value& u = urls->get_array()[i];
    if (!u.is_string()) {
      errors.push_back({fmt::format("{}/urls/{}", loc, i), "a backend URL must be a string"});
      continue;
    }
    group.push_back({std::string(u.get_string()), std::nullopt, 1});
  }
  const std::string t = str_or(v->get_object(), "type", "http");
  if (t == "http" || t == "load_balance" || t == "failover") {
    if (type == "http" || t != "http") type = t;
  } else {
    errors.push_back({loc + "/type", fmt::format("endpoint type '{}' is not supported (http, load_balance, failover)", t)});
  }
}

}  // namespace

Extracted extract(const Document& doc) {
  Extracted x;
  domain::Api& api = x.api;
  const json::object& root = doc.root.get_object();
  const bool swagger = doc.version == SpecVersion::kSwagger20;
  api.openapi_definition = json::serialize(doc.root);

  json::object empty;
  const json::object* info = &empty;
  if (const json::value* i = root.if_contains("info"); i && i->is_object()) info = &i->get_object();
  api.name = api_name_from_title(str_or(*info, "title"));
  api.version = str_or(*info, "version");
  api.description = str_or(*info, "description");

  // Context: x-wso2-basePath (which carries the version), then servers / basePath, then the name.
  std::string context;
  if (const std::string bp = str_or(root, "x-wso2-basePath"); !bp.empty()) {
    context = trim_slashes(bp);
    const std::string suffix = "/" + api.version;
    if (!api.version.empty() && context.size() > suffix.size() && context.ends_with(suffix))
      context.resize(context.size() - suffix.size());
    x.context_source = "x-wso2-basePath";
  } else if (!swagger) {
    if (const json::value* s = root.if_contains("servers"); s && s->is_array() && !s->get_array().empty() &&
                                                            s->get_array()[0].is_object()) {
      context = trim_slashes(server_path(s->get_array()[0].get_object()));
      x.context_source = "servers";
    }
  } else {
    context = trim_slashes(str_or(root, "basePath"));
    x.context_source = "basePath";
  }
  if (context.empty() || context == "/") {
    context = "/" + slug(api.name);
    x.context_source = "title";
  }
  api.context = context;

  // Server URLs, for the validation answer's info.endpoints.
  if (swagger) {
    const std::string host = str_or(root, "host");
    if (!host.empty()) {
      std::string scheme = "https";
      if (const json::value* s = root.if_contains("schemes"); s && s->is_array() && !s->get_array().empty() &&
                                                              s->get_array()[0].is_string())
        scheme = std::string(s->get_array()[0].get_string());
      x.endpoints.push_back(scheme + "://" + host + str_or(root, "basePath"));
    }
  } else if (const json::value* s = root.if_contains("servers"); s && s->is_array()) {
    for (const auto& sv : s->get_array())
      if (sv.is_object()) x.endpoints.push_back(str_or(sv.get_object(), "url"));
  }

  // Endpoints from the WSO2 extensions.
  {
    auto& ec = api.endpoint_config;
    std::string type = "http";
    read_endpoints(root, "x-wso2-production-endpoints", ec.production_group, type, x.errors);
    read_endpoints(root, "x-wso2-sandbox-endpoints", ec.sandbox_group, type, x.errors);
    if (!ec.production_group.empty() || !ec.sandbox_group.empty()) {
      ec.endpoint_type = type;
      ec.production = first_endpoint(ec.production_group);
      ec.sandbox = first_endpoint(ec.sandbox_group);
      json::object raw{{"endpoint_type", type}};
      auto group_json = [&](const std::vector<domain::Endpoint>& g) -> json::value {
        if (type == "http") return json::object{{"url", g.front().url}};
        json::array a;
        for (const auto& e : g) a.push_back(json::object{{"url", e.url}});
        return a;
      };
      if (type == "failover") {
        if (!ec.production_group.empty()) {
          raw["production_endpoints"] = json::object{{"url", ec.production_group.front().url}};
          json::array fo;
          for (std::size_t i = 1; i < ec.production_group.size(); ++i)
            fo.push_back(json::object{{"url", ec.production_group[i].url}});
          raw["production_failovers"] = std::move(fo);
        }
        if (!ec.sandbox_group.empty()) {
          raw["sandbox_endpoints"] = json::object{{"url", ec.sandbox_group.front().url}};
          json::array fo;
          for (std::size_t i = 1; i < ec.sandbox_group.size(); ++i)
            fo.push_back(json::object{{"url", ec.sandbox_group[i].url}});
          raw["sandbox_failovers"] = std::move(fo);
        }
      } else {
        if (!ec.production_group.empty()) raw["production_endpoints"] = group_json(ec.production_group);
        if (!ec.sandbox_group.empty()) raw["sandbox_endpoints"] = group_json(ec.sandbox_group);
      }
      if (type == "load_balance") raw["algoClassName"] = domain::kRoundRobin;
      ec.raw = std::move(raw);
      if (type == "http") {
        ec.production_group.clear();
        ec.sandbox_group.clear();
      }
    }
  }

  // Scopes: OAuth2 schemes' flows, then x-wso2-security (which adds role bindings).
  std::map<std::string, ScopeInfo> scopes;
  std::vector<std::string> scope_order;
  std::set<std::string> oauth_schemes;
  auto add_scope = [&](const std::string& name, const std::string& description, const std::string& loc) {
    if (!scopes.count(name)) {
      scopes[name] = ScopeInfo{name, description, {}, loc};
      scope_order.push_back(name);
    } else if (scopes[name].description.empty()) {
      scopes[name].description = description;
    }
  };
  auto scopes_of = [&](const json::object& holder, const std::string& loc) {
    const json::value* sc = holder.if_contains("scopes");
    if (!sc || !sc->is_object()) return;
    for (const auto& kv : sc->get_object())
      add_scope(std::string(kv.key()), kv.value().is_string() ? std::string(kv.value().get_string()) : "",
                pointer_append(loc + "/scopes", kv.key()));
  };
  {
    const json::object* schemes = nullptr;
    std::string base;
    if (swagger) {
      if (auto* sd = root.if_contains("securityDefinitions"); sd && sd->is_object()) schemes = &sd->get_object();
      base = "/securityDefinitions";
    } else if (auto* c = root.if_contains("components"); c && c->is_object()) {
      if (auto* ss = c->get_object().if_contains("securitySchemes"); ss && ss->is_object()) schemes = &ss->get_object();
      base = "/components/securitySchemes";
    }
    if (schemes)
      for (const auto& kv : *schemes) {
        std::string loc = pointer_append(base, kv.key());
        const json::value* s = follow_refs(doc.root, kv.value(), loc);
        if (!s || !s->is_object()) continue;
        const std::string type = str_or(s->get_object(), "type");
        if (type != "oauth2" && type != "openIdConnect") continue;
        oauth_schemes.insert(std::string(kv.key()));
        if (swagger) {
          scopes_of(s->get_object(), loc);
        } else if (auto* flows = s->get_object().if_contains("flows"); flows && flows->is_object()) {
          for (const auto& f : flows->get_object())
            if (f.value().is_object()) scopes_of(f.value().get_object(), pointer_append(loc + "/flows", f.key()));
        }
      }
  }
  if (auto* sec = root.if_contains("x-wso2-security"); sec && sec->is_object()) {
    for (const auto& holder : sec->get_object()) {
      if (!holder.value().is_object()) continue;
      const json::value* list = holder.value().get_object().if_contains("x-wso2-scopes");
      if (!list || !list->is_array()) continue;
      for (std::size_t i = 0; i < list->get_array().size(); ++i) {
        const json::value& e = list->get_array()[i];
        if (!e.is_object()) continue;
        const json::object& so = e.get_object();
        const std::string loc = fmt::format("/x-wso2-security/{}/x-wso2-scopes/{}", pointer_escape(holder.key()), i);
        std::string key = str_or(so, "key", str_or(so, "name"));
        if (key.empty()) continue;
        add_scope(key, str_or(so, "description"), loc);
        ScopeInfo& info = scopes[key];
        if (const std::string display = str_or(so, "name"); !display.empty()) info.display = display;
        std::string roles = str_or(so, "roles");
        std::size_t start = 0;
        while (start <= roles.size() && !roles.empty()) {
          std::size_t comma = roles.find(',', start);
          std::string r = roles.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
          r.erase(0, r.find_first_not_of(' '));
          while (!r.empty() && r.back() == ' ') r.pop_back();
          if (!r.empty() && std::find(info.roles.begin(), info.roles.end(), r) == info.roles.end())
            info.roles.push_back(r);
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
      }
    }
  }

  // The API-level tier.
  api.api_throttling_policy = str_or(root, "x-throttling-tier");
  const json::value* root_security = root.if_contains("security");

  static const std::set<std::string_view> kAuthTypes = {"None", "Application & Application User", "Application",
                                                        "Application User", "Any"};
  if (const json::value* ps = root.if_contains("paths"); ps && ps->is_object()) {
    for (const auto& pk : ps->get_object()) {
      const std::string path(pk.key());
      if (!path.starts_with("/") || !pk.value().is_object()) continue;
      const std::string ploc = pointer_append("/paths", path);
      for (const auto& mk : pk.value().get_object()) {
        const std::string method(mk.key());
        if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods)) continue;
        if (method == "trace" || !mk.value().is_object()) continue;  // the gateway routes the others
        const json::object& o = mk.value().get_object();
        const std::string oloc = pointer_append(ploc, method);
        domain::Operation op;
        op.target = path;
        op.verb = method;
        std::transform(op.verb.begin(), op.verb.end(), op.verb.begin(), [](unsigned char c) { return std::toupper(c); });
        const json::value* security = o.if_contains("security");
        if (!security) security = root_security;
        if (const json::value* at = o.if_contains("x-auth-type")) {
          if (!at->is_string() || !kAuthTypes.count(at->get_string()))
            x.errors.push_back({oloc + "/x-auth-type",
                                fmt::format("'x-auth-type' must be one of None, Application & Application User, "
                                            "Application, Application User, Any; got {}",
                                            json::serialize(*at))});
          else
            op.auth_type = std::string(at->get_string());
        } else if (security && security->is_array() && security->get_array().empty()) {
          op.auth_type = "None";  // an explicit empty requirement: no authentication
        }
        if (const json::value* tier = o.if_contains("x-throttling-tier")) {
          if (tier->is_string()) op.throttling_policy = std::string(tier->get_string());
          else x.errors.push_back({oloc + "/x-throttling-tier", "'x-throttling-tier' must be a string"});
        }
        auto use_scope = [&](const std::string& s, const std::string& loc) {
          if (std::find(op.scopes.begin(), op.scopes.end(), s) != op.scopes.end()) return;
          op.scopes.push_back(s);
          add_scope(s, "", loc);
        };
        if (security && security->is_array()) {
          const auto& reqs = security->get_array();
          for (std::size_t i = 0; i < reqs.size(); ++i) {
            if (!reqs[i].is_object()) continue;
            for (const auto& kv : reqs[i].get_object()) {
              if (!oauth_schemes.count(std::string(kv.key())) || !kv.value().is_array()) continue;
              const std::string base = security == root_security ? std::string("/security")
                                                                 : oloc + "/security";
              for (std::size_t k = 0; k < kv.value().get_array().size(); ++k)
                if (kv.value().get_array()[k].is_string())
                  use_scope(std::string(kv.value().get_array()[k].get_string()),
                            fmt::format("{}/{}/{}/{}", base, i, pointer_escape(kv.key()), k));
            }
          }
        }
        if (const json::value* xs = o.if_contains("x-scope"); xs && xs->is_string())
          use_scope(std::string(xs->get_string()), oloc + "/x-scope");
        if (const json::value* xs = o.if_contains("x-scopes")) {
          if (!xs->is_array()) {
            x.errors.push_back({oloc + "/x-scopes", "'x-scopes' must be an array of scope names"});
          } else {
            for (std::size_t k = 0; k < xs->get_array().size(); ++k) {
              const json::value& s = xs->get_array()[k];
              if (s.is_string()) use_scope(std::string(s.get_string()), fmt::format("{}/x-scopes/{}", oloc, k));
              else x.errors.push_back({fmt::format("{}/x-scopes/{}", oloc, k), "a scope name must be a string"});
            }
          }
        }
        api.operations.push_back(std::move(op));
      }
    }
  }

  for (const auto& name : scope_order) {
    const ScopeInfo& info = scopes[name];
    if (!valid_scope_name(name)) {
      x.errors.push_back({info.location, fmt::format("scope '{}' cannot be an API scope: names hold only letters, "
                                                     "digits and : _ . - (at most 100, no 'apim:' prefix)",
                                                     name)});
      continue;
    }
    api.scopes.push_back({name, info.display, info.description, info.roles});
  }
  return x;
}

}  // namespace archway::openapi
