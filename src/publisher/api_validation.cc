#include "publisher/api_validation.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/problem.h"
#include "identity/roles.h"

namespace archway::publisher {

using common::Problem;
using common::ProblemError;

namespace {

[[noreturn]] void bad(std::string d) { throw ProblemError(Problem::bad_request(std::move(d))); }

std::string trim(std::string s) {
  auto ws = [](unsigned char c) { return std::isspace(c) != 0; };
  s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), ws));
  s.erase(std::find_if_not(s.rbegin(), s.rend(), ws).base(), s.end());
  return s;
}

bool path_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
}

void validate_endpoint(const std::optional<domain::Endpoint>& e, std::string_view key) {
  if (!e) return;
  std::string why;
  if (!domain::valid_endpoint_url(e->url, &why))
    bad(fmt::format("'endpointConfig.{}.url' {}: '{}'", key, why, e->url));
  if (e->timeout_ms && (*e->timeout_ms <= 0 || *e->timeout_ms > 3600000))
    bad(fmt::format("'endpointConfig.{}.config.actionDuration' must be between 1 and 3600000 ms", key));
}

void normalise_verb(std::string& verb) {
  std::transform(verb.begin(), verb.end(), verb.begin(), [](unsigned char c) { return std::toupper(c); });
}

// The shape of a product's `apis`: at least one operation, each naming an API and a target and
// verb, none twice. Whether the API has that operation is the service's check (it needs the Store).
void validate_product_operations(domain::Api& product) {
  std::size_t total = 0;
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < product.product_apis.size(); ++i) {
    auto& pa = product.product_apis[i];
    if (pa.api_id.empty()) bad(fmt::format("'apis[{}].apiId' is required", i));
    for (std::size_t k = 0; k < pa.operations.size(); ++k) {
      auto& op = pa.operations[k];
      const std::string p = fmt::format("apis[{}].operations[{}]", i, k);
      normalise_verb(op.verb);
      if (op.verb.empty()) bad(fmt::format("'{}.verb' is required", p));
      if (!domain::is_http_verb(op.verb)) bad(fmt::format("'{}.verb' '{}' is not an HTTP method", p, op.verb));
      if (op.target.empty()) bad(fmt::format("'{}.target' is required", p));
      if (!seen.emplace(op.verb, op.target).second)
        bad(fmt::format("'{}' duplicates {} {}: a product serves each resource once", p, op.verb, op.target));
      ++total;
    }
  }
  if (total == 0) bad("'apis' must bundle at least one operation of an API");
  product.operations.clear();
  product.endpoint_config = {};  // each operation goes to its own API's endpoints
}

// An address of the form local@domain.tld: no spaces or control characters, one '@', a dot in
// the domain, at most 254 bytes (RFC 5321's path limit).
bool is_email(std::string_view s) {
  if (s.size() > 254) return false;
  const std::size_t at = s.find('@');
  if (at == 0 || at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view domain = s.substr(at + 1);
  const std::size_t dot = domain.find('.');
  if (dot == 0 || dot == std::string_view::npos || domain.back() == '.' || domain.find("..") != std::string_view::npos)
    return false;
  return std::none_of(s.begin(), s.end(), [](unsigned char c) {
    return c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ';' ||
           c == ':' || c == '\\' || c == '"' || c == '[' || c == ']';
  });
}

void validate_business_information(domain::BusinessInformation& b) {
  const std::pair<std::string*, std::string_view> owners[] = {{&b.business_owner, "businessOwner"},
                                                              {&b.technical_owner, "technicalOwner"}};
  for (const auto& [value, key] : owners) {
    *value = trim(*value);
    if (value->size() > 120) bad(fmt::format("'businessInformation.{}' must be at most 120 characters", key));
  }
  const std::pair<std::string*, std::string_view> emails[] = {{&b.business_owner_email, "businessOwnerEmail"},
                                                              {&b.technical_owner_email, "technicalOwnerEmail"}};
  for (const auto& [value, key] : emails) {
    *value = trim(*value);
    if (!value->empty() && !is_email(*value))
      bad(fmt::format("'businessInformation.{}' is not an email address: '{}'", key, *value));
  }
}

}  // namespace

void normalise_and_validate(domain::Api& api) {
  api.name = trim(api.name);
  if (api.name.empty()) bad("'name' is required");
  if (api.name.size() > 60) bad("'name' must be at most 60 characters");
  static constexpr std::string_view kIllegalName = "~!@#;:%^*()+={}|\\<>\"',&$[]/";
  if (api.name.find_first_of(kIllegalName) != std::string::npos)
    bad(fmt::format("'name' contains an illegal character (none of {} are allowed)", kIllegalName));

  api.version = trim(api.version);
  if (api.version.empty()) bad("'version' is required");
  if (api.version.size() > 30) bad("'version' must be at most 30 characters");
  if (!std::all_of(api.version.begin(), api.version.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
      }))
    bad("'version' may hold only letters, digits, '.', '-' and '_'");

  api.context = trim(api.context);
  if (api.context.empty()) bad("'context' is required");
  if (api.context.front() != '/') bad(fmt::format("'context' must start with '/': '{}'", api.context));
  while (api.context.size() > 1 && api.context.back() == '/') api.context.pop_back();
  if (api.context == "/") bad("'context' must name at least one path segment");
  if (api.context.size() > 200) bad("'context' must be at most 200 characters");
  if (!std::all_of(api.context.begin(), api.context.end(), path_char))
    bad(fmt::format("'context' contains an illegal character: '{}' (allowed: letters, digits, / - _ . ~)",
                    api.context));
  if (api.context.find("//") != std::string::npos) bad("'context' must not contain an empty segment ('//')");
  if (api.context == "/health" || api.context.starts_with("/health/"))
    bad("'context' '/health' is reserved for the gateway's health check");
  if (api.context == "/.well-known" || api.context.starts_with("/.well-known/"))
    bad("'context' '/.well-known' is reserved for the gateway's key set");

  if (api.type != "HTTP" && !api.is_product()) bad(fmt::format("'type' must be HTTP, got '{}'", api.type));
  if (api.transport.empty()) bad("'transport' must name at least one of http, https");
  for (const auto& t : api.transport)
    if (t != "http" && t != "https") bad(fmt::format("'transport' may hold only http and https, got '{}'", t));
  if (api.visibility != "PUBLIC" && api.visibility != "PRIVATE" && api.visibility != "RESTRICTED")
    bad(fmt::format("'visibility' must be PUBLIC, PRIVATE or RESTRICTED, got '{}'", api.visibility));
  if (api.visibility == "RESTRICTED" && api.visible_roles.empty())
    bad("'visibleRoles' must name at least one role when 'visibility' is RESTRICTED");
  for (std::size_t i = 0; i < api.visible_roles.size(); ++i)
    if (!identity::is_known_role(api.visible_roles[i]))
      bad(fmt::format("'visibleRoles[{}]': unknown role '{}' (known: admin, creator, publisher, subscriber)", i,
                      api.visible_roles[i]));
  if (api.visibility != "RESTRICTED") api.visible_roles.clear();
  if (api.access_control != "NONE" && api.access_control != "RESTRICTED")
    bad(fmt::format("'accessControl' must be NONE or RESTRICTED, got '{}'", api.access_control));
  if (api.access_control == "RESTRICTED" && api.access_control_roles.empty())
    bad("'accessControlRoles' must name at least one role when 'accessControl' is RESTRICTED");
  for (std::size_t i = 0; i < api.access_control_roles.size(); ++i)
    if (!identity::is_known_role(api.access_control_roles[i]))
      bad(fmt::format("Invalid user roles found in accessControlRole list: 'accessControlRoles[{}]' is '{}' (known: "
                      "admin, creator, publisher, subscriber)",
                      i, api.access_control_roles[i]));
  if (api.access_control != "RESTRICTED") api.access_control_roles.clear();
  if (api.audiences.size() > 32) bad("'audiences' may hold up to 32 entries");
  for (std::size_t i = 0; i < api.audiences.size(); ++i) {
    const std::string& aud = api.audiences[i];
    if (aud.empty() || aud.size() > 256 || aud.find_first_of(" \t\r\n") != std::string::npos)
      bad(fmt::format("'audiences[{}]' must be 1 to 256 characters without white space", i));
    for (std::size_t j = 0; j < i; ++j)
      if (api.audiences[j] == aud) bad(fmt::format("'audiences[{}]' repeats '{}'", i, aud));
  }

  if (api.security_scheme.empty()) bad("'securityScheme' must name at least one scheme");
  for (const auto& sch : api.security_scheme)
    if (sch != "oauth2" && sch != "api_key" && sch != "basic_auth" && sch != "oauth_basic_auth_api_key_mandatory" &&
        sch != "mutualssl" && sch != "mutualssl_mandatory")
      bad(fmt::format("'securityScheme' '{}' is not supported (supported: oauth2, api_key, basic_auth, mutualssl, "
                      "oauth_basic_auth_api_key_mandatory, mutualssl_mandatory)", sch));
  auto has_scheme = [&](std::string_view s) {
    return std::find(api.security_scheme.begin(), api.security_scheme.end(), s) != api.security_scheme.end();
  };
  if (!has_scheme("oauth2") && !has_scheme("api_key") && !has_scheme("basic_auth") && !has_scheme("mutualssl"))
    bad("'securityScheme' must include oauth2, api_key, basic_auth or mutualssl");

  if (api.authorization_header.size() > 100 ||
      !std::all_of(api.authorization_header.begin(), api.authorization_header.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
      }))
    bad(fmt::format("'authorizationHeader' must be an HTTP header name, got '{}'", api.authorization_header));

  if (api.is_product()) {
    validate_product_operations(api);
    return;
  }

  const auto& ec = api.endpoint_config;
  if (!ec.raw.empty()) {
    if (ec.endpoint_type != "http" && ec.endpoint_type != "load_balance" &&
        ec.endpoint_type != "failover" && ec.endpoint_type != "INLINE")
      bad(fmt::format("'endpointConfig.endpoint_type' '{}' is not supported; use http, "
                      "load_balance, failover or INLINE",
                      ec.endpoint_type));
    if (ec.raw.contains("production_endpoints") && !ec.production)
      bad("'endpointConfig.production_endpoints.url' is required");
    validate_endpoint(ec.production, "production_endpoints");
    validate_endpoint(ec.sandbox, "sandbox_endpoints");
  }

  validate_business_information(api.business_information);
  std::set<std::string> category_names;
  for (std::size_t i = 0; i < api.categories.size(); ++i) {
    api.categories[i] = trim(api.categories[i]);
    if (api.categories[i].empty()) bad(fmt::format("'categories[{}]' must name a category", i));
    std::string lower = api.categories[i];
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!category_names.insert(lower).second)
      bad(fmt::format("'categories[{}]' names '{}' twice", i, api.categories[i]));
  }

  std::set<std::string> scope_names;
  for (std::size_t i = 0; i < api.scopes.size(); ++i) {
    const auto& sc = api.scopes[i];
    if (sc.name.empty()) bad(fmt::format("'scopes[{}].scope.name' is required", i));
    if (sc.name.size() > 100 || !std::all_of(sc.name.begin(), sc.name.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '_' || c == '.' || c == '-';
        }))
      bad(fmt::format("'scopes[{}].scope.name' may hold only letters, digits and : _ . - (at most 100)", i));
    if (sc.name.starts_with("apim:")) bad(fmt::format("'scopes[{}].scope.name': the apim: prefix is reserved", i));
    if (!scope_names.insert(sc.name).second) bad(fmt::format("'scopes[{}]' duplicates scope '{}'", i, sc.name));
    for (const auto& role : sc.bindings)
      if (role != "admin" && role != "creator" && role != "publisher" && role != "subscriber")
        bad(fmt::format("'scopes[{}].scope.bindings': unknown role '{}'", i, role));
  }

  if (api.operations.empty()) {
    for (std::string_view verb : {"GET", "PUT", "POST", "DELETE", "PATCH"}) {
      domain::Operation op;
      op.target = "/*";
      op.verb = std::string(verb);
      api.operations.push_back(std::move(op));
    }
  }
  static const std::set<std::string> kAuthTypes = {"None", "Application & Application User", "Application",
                                                   "Application User", "Any"};
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < api.operations.size(); ++i) {
    auto& op = api.operations[i];
    normalise_verb(op.verb);
    if (op.verb.empty()) bad(fmt::format("'operations[{}].verb' is required", i));
    if (!domain::is_http_verb(op.verb))
      bad(fmt::format("'operations[{}].verb' '{}' is not an HTTP method (GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS)",
                      i, op.verb));
    if (op.target.empty()) bad(fmt::format("'operations[{}].target' is required", i));
    if (op.target.front() != '/') bad(fmt::format("'operations[{}].target' must start with '/': '{}'", i, op.target));
    for (std::size_t k = 0; k < op.target.size(); ++k) {
      const char c = op.target[k];
      const bool ok = path_char(c) || c == '{' || c == '}' || c == '*' || c == '%' || c == ':' || c == '@' ||
                      c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '+' ||
                      c == ',' || c == ';' || c == '=';
      if (!ok) bad(fmt::format("'operations[{}].target' contains an illegal character: '{}'", i, op.target));
    }
    const auto star = op.target.find('*');
    if (star != std::string::npos && !(star == op.target.size() - 1 && op.target[star - 1] == '/'))
      bad(fmt::format("'operations[{}].target' may use '*' only as a final '/*' segment", i));
    if (!kAuthTypes.count(op.auth_type))
      bad(fmt::format("'operations[{}].authType' must be one of None, Application & Application User, "
                      "Application, Application User, Any; got '{}'", i, op.auth_type));
    if (op.throttling_policy.empty()) op.throttling_policy = "Unlimited";
    for (const auto& sc : op.scopes)
      if (!scope_names.count(sc))
        bad(fmt::format("'operations[{}].scopes': scope '{}' is not defined in the API's 'scopes'", i, sc));
    if (!seen.emplace(op.verb, op.target).second)
      bad(fmt::format("'operations[{}]' duplicates {} {}", i, op.verb, op.target));
  }
}

// What an API must have to be in `state`: PUBLISHED (and BLOCKED and DEPRECATED, which were
// published) an endpoint and a subscription tier, PROTOTYPED an endpoint. `doing` starts the error.
void require_for_state(const domain::Api& api, std::string_view state, const std::string& doing) {
  const bool needs_tier = state == domain::kLifecyclePublished ||
                          state == domain::kLifecycleBlocked ||
                          state == domain::kLifecycleDeprecated;
  const bool needs_endpoint = needs_tier || state == domain::kLifecyclePrototyped;
  std::vector<std::string> missing;
  if (api.is_product()) {
    for (std::size_t i = 0; needs_endpoint && i < api.product_apis.size(); ++i) {
      const auto& ec = api.product_apis[i].endpoint_config;
      if (!ec.production && !ec.sandbox)
        missing.push_back(fmt::format("an endpoint in API '{}' ('apis[{}]')", api.product_apis[i].name, i));
    }
  } else if (needs_endpoint && !api.endpoint_config.production && !api.endpoint_config.sandbox &&
             api.endpoint_config.endpoint_type != "INLINE")  // INLINE: the mocks answer
    missing.emplace_back(
        "an endpoint ('endpointConfig.production_endpoints' or "
        "'endpointConfig.sandbox_endpoints')");
  if (needs_tier && api.policies.empty())
    missing.emplace_back("at least one subscription tier in 'policies'");
  if (!missing.empty())
    throw ProblemError(Problem::bad_request(
        fmt::format("{}: a {} API needs {}", doing, state, fmt::join(missing, " and "))));
}

}  // namespace archway::publisher
