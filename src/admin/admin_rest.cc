#include "admin/admin_rest.h"

#include <boost/json.hpp>

#include <fmt/format.h>

#include <algorithm>

#include <spdlog/spdlog.h>

#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/problem.h"
#include "domain/policy_json.h"
#include "domain/url.h"
#include "http/multipart.h"
#include "identity/roles.h"

namespace archway::admin {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {


json::object user_json(const domain::User& u) {
  return json::object{{"userId", u.id},
                      {"username", u.username},
                      {"roles", json::array(u.roles.begin(), u.roles.end())},
                      {"createdTime", common::iso8601_utc(u.created_time)}};
}

std::vector<std::string> roles_of(const json::object& o) {
  std::vector<std::string> out;
  if (const json::array* a = common::opt_array(o, "roles", "roles"))
    for (const auto& v : *a) {
      if (!v.is_string()) throw ProblemError(Problem::bad_request("'roles' must hold role names"));
      out.emplace_back(v.get_string());
    }
  return out;
}

json::object km_json(const domain::ExternalKeyManager& k) {
  return json::object{{"id", k.id},
                      {"name", k.name},
                      {"displayName", k.display_name},
                      {"type", k.type},
                      {"description", k.description},
                      {"enabled", k.enabled},
                      {"issuer", k.issuer},
                      {"certificates", json::object{{"type", "JWKS"}, {"value", k.jwks_url}}},
                      {"consumerKeyClaim", k.consumer_key_claim},
                      {"scopesClaim", k.scopes_claim},
                      {"enableSelfValidationJWT", true},
                      {"jwksFetchedTime", k.jwks_fetched_time ? json::value(common::iso8601_utc(k.jwks_fetched_time))
                                                              : json::value(nullptr)}};
}

// Reads a key manager body; `base` supplies unchanged fields on update.
domain::ExternalKeyManager km_from_body(const RestRequest& req, domain::ExternalKeyManager base) {
  const json::value v = common::parse_json_body(req.body);
  const auto& o = common::as_object(v, "");
  if (auto s = common::opt_string(o, "name", "name")) base.name = *s;
  if (auto s = common::opt_string(o, "displayName", "displayName")) base.display_name = *s;
  if (auto s = common::opt_string(o, "type", "type")) base.type = *s;
  if (auto s = common::opt_string(o, "description", "description")) base.description = *s;
  if (auto s = common::opt_string(o, "issuer", "issuer")) base.issuer = *s;
  if (auto s = common::opt_string(o, "consumerKeyClaim", "consumerKeyClaim")) base.consumer_key_claim = *s;
  if (auto s = common::opt_string(o, "scopesClaim", "scopesClaim")) base.scopes_claim = *s;
  if (auto b = common::opt_bool(o, "enabled", "enabled")) base.enabled = *b;
  if (const json::object* c = common::opt_object(o, "certificates", "certificates")) {
    const std::string type = common::opt_string(*c, "type", "certificates.type").value_or("JWKS");
    if (type != "JWKS") bad("'certificates.type' must be JWKS (PEM certificates are not supported yet)");
    base.jwks_url = common::opt_string(*c, "value", "certificates.value").value_or("");
  }
  if (base.name.empty() || base.name.size() > 100) bad("'name' is required (at most 100 characters)");
  if (base.name == domain::kResidentKeyManager) bad("'name' 'Resident Key Manager' is reserved");
  if (base.display_name.empty()) base.display_name = base.name;
  if (base.issuer.empty()) bad("'issuer' is required");
  const bool http_url = base.jwks_url.starts_with("https://") || base.jwks_url.starts_with("http://");
  if (!http_url || base.jwks_url.find(' ') != std::string::npos)
    bad("'certificates.value' must be the JWKS URL (http or https) of the key manager");
  if (base.consumer_key_claim.empty()) bad("'consumerKeyClaim' must not be empty");
  if (base.scopes_claim.empty()) bad("'scopesClaim' must not be empty");
  return base;
}

// Refuses to delete a tier something still names: an application, an API offering it or a
// subscription on it, an API, one of its operations or one of its revisions (which may be
// deployed or restored). One index lookup each.
void check_tier_unused(store::Store& store, const std::string& level, const std::string& tier) {
  const auto use = store.find_policy_use(level, tier);
  if (!use) return;
  const std::string what = "Tier '" + tier + "' ";
  switch (use->by) {
    case store::PolicyUse::By::kApplication:
      throw ProblemError(Problem::conflict(what + "is used by application '" + use->name + "'"));
    case store::PolicyUse::By::kSubscription:
      throw ProblemError(Problem::conflict(what + "is used by a subscription"));
    case store::PolicyUse::By::kRevision:
      throw ProblemError(Problem::conflict(what + "is used by revision " + std::to_string(use->revision_number) +
                                           " of API '" + use->name + "' ('" + use->place + "')"));
    case store::PolicyUse::By::kApi:
      if (level == domain::kPolicyLevelSubscription)
        throw ProblemError(Problem::conflict(what + "is offered by API '" + use->name + "'"));
      throw ProblemError(Problem::conflict(what + "is used by API '" + use->name + "' ('" + use->place + "')"));
  }
}

}  // namespace

// The server setting holding the Publisher's linter custom rules.
constexpr std::string_view kLinterRules = "linter-custom-rules";

void add_admin_routes(http::RestRouter& r, identity::UserService& users, identity::Authenticator& auth,
                      keymanager::KeyManager& km, keymanager::JwksFetcher& jwks, store::Store& store) {
  auto admin = [&auth](const RestRequest& req) {
    auth.authorize(req, {domain::kRoleAdmin}, identity::kScopeAdmin);
  };

  r.add("GET", admin_path("/users"), [&, admin](RestRequest& req) {
    admin(req);
    json::array items;
    for (const auto& u : users.list()) items.push_back(user_json(u));
    return RestResponse::json(200, json::serialize(common::list_body(std::move(items))));
  });

  r.add("POST", admin_path("/users"), [&, admin](RestRequest& req) {
    admin(req);
    const json::value v = common::parse_json_body(req.body);
    const auto& o = common::as_object(v, "");
    const auto u = users.create(common::opt_string(o, "username", "username").value_or(""),
                                common::opt_string(o, "password", "password").value_or(""), roles_of(o));
    RestResponse res = RestResponse::json(201, json::serialize(user_json(u)));
    res.headers.emplace_back("Location", admin_path("/users/" + u.username));
    return res;
  });

  r.add("GET", admin_path("/users/{username}"), [&, admin](RestRequest& req) {
    admin(req);
    return RestResponse::json(200, json::serialize(user_json(users.get(req.path_params["username"]))));
  });

  r.add("PUT", admin_path("/users/{username}"), [&, admin](RestRequest& req) {
    admin(req);
    const json::value v = common::parse_json_body(req.body);
    const auto& o = common::as_object(v, "");
    const auto u = users.update(req.path_params["username"], common::opt_string(o, "password", "password").value_or(""),
                                roles_of(o));
    return RestResponse::json(200, json::serialize(user_json(u)));
  });

  r.add("DELETE", admin_path("/users/{username}"), [&, admin](RestRequest& req) {
    admin(req);
    users.remove(req.path_params["username"]);
    return RestResponse::empty(200);
  });

  // The Publisher's definition linter rules (what the product keeps as LinterCustomRules in its
  // tenant configuration): a Spectral ruleset, JSON, that the Publisher's GET
  // /linter-custom-rules answers. An Archway addition: the product sets them with tenant-config.
  r.add("GET", admin_path("/settings/linter-custom-rules"), [&, admin](RestRequest& req) {
    admin(req);
    const auto rules = store.server_setting(kLinterRules);
    if (!rules) throw ProblemError(Problem::not_found("No linter custom rules are set"));
    return RestResponse::json(200, *rules);
  });
  r.add("PUT", admin_path("/settings/linter-custom-rules"), [&, admin](RestRequest& req) {
    admin(req);
    if (req.body.size() > 1024 * 1024) throw ProblemError(Problem::bad_request("The ruleset is larger than 1 MiB"));
    const json::value v = common::parse_json_body(req.body);
    const json::object& o = common::as_object(v, "");
    if (const json::value* rules = o.if_contains("rules"); !rules || !rules->is_object())
      throw ProblemError(Problem::bad_request("'rules' is required: an object of Spectral rules by name"));
    if (const json::value* ext = o.if_contains("extends"); ext && !ext->is_string() && !ext->is_array())
      throw ProblemError(Problem::bad_request("'extends' must be a ruleset name or a list of them"));
    const std::string text = json::serialize(v);
    store.set_server_setting(kLinterRules, text);
    return RestResponse::json(200, text);
  });
  r.add("DELETE", admin_path("/settings/linter-custom-rules"), [&, admin](RestRequest& req) {
    admin(req);
    if (!store.server_setting(kLinterRules))
      throw ProblemError(Problem::not_found("No linter custom rules are set"));
    store.set_server_setting(kLinterRules, std::nullopt);
    return RestResponse::empty(200);
  });

  // What the Admin portal needs to offer: its scopes and the key manager types it can register.
  r.add("GET", admin_path("/settings"), [admin](RestRequest& req) {
    admin(req);
    json::object custom{{"type", "custom"},
                        {"displayName", "JWT issuer (validated by its JWKS)"},
                        {"defaultConsumerKeyClaim", "azp"},
                        {"defaultScopesClaim", "scope"},
                        {"configurations", json::array()},
                        {"endpointConfigurations", json::array()}};
    json::object o{{"scopes", json::array{identity::kScopeAdmin}},
                   {"gatewayTypes", json::array{"Regular"}},
                   {"keyManagerConfiguration", json::array{std::move(custom)}},
                   {"analyticsEnabled", false},
                   {"transactionCounterEnable", false}};
    return RestResponse::json(200, json::serialize(o));
  });

  r.add("GET", admin_path("/key-managers"), [&, admin](RestRequest& req) {
    admin(req);
    json::array items;
    items.push_back(json::object{{"id", "resident"},
                                 {"name", domain::kResidentKeyManager},
                                 {"displayName", domain::kResidentKeyManager},
                                 {"type", "default"},
                                 {"enabled", true},
                                 {"issuer", km.options().issuer}});
    for (const auto& k : store.list_key_managers()) items.push_back(km_json(k));
    return RestResponse::json(200, json::serialize(common::list_body(std::move(items))));
  });

  r.add("POST", admin_path("/key-managers"), [&, admin](RestRequest& req) {
    admin(req);
    domain::ExternalKeyManager k = km_from_body(req, {});
    if (k.issuer == km.options().issuer) throw ProblemError(Problem::conflict("'issuer' is the resident Key Manager's"));
    k.id = common::new_uuid();
    k.created_time = common::now_millis();
    store.create_key_manager(k);
    if (const std::string err = jwks.refresh(k.id); !err.empty())  // a bad URL shows at once, not on the first call
      spdlog::warn("key manager '{}': {}", k.name, err);
    RestResponse res = RestResponse::json(201, json::serialize(km_json(*store.get_key_manager(k.id))));
    res.headers.emplace_back("Location", admin_path("/key-managers/" + k.id));
    return res;
  });

  auto existing = [&store](const std::string& id) {
    auto k = store.get_key_manager(id);
    if (!k) throw ProblemError(Problem::not_found("Key manager '" + id + "' not found"));
    return *k;
  };

  // The product's discovery: reads an identity provider's OpenID configuration (multipart `url`, the
  // .well-known document, and `type`) into a key manager body to review and POST. 200 with
  // valid false (and why) when the document cannot be read or is not one.
  r.add("POST", admin_path("/key-managers/discover"), [&, admin](RestRequest& req) {
    admin(req);
    const auto parts = http::form_parts(req);
    const http::FormPart* url_part = http::find_part(parts, "url");
    if (!url_part || url_part->body.empty()) bad("'url' is required: the identity provider's .well-known/openid-configuration");
    const std::string url(url_part->body);
    std::string why;
    if (!domain::parse_backend_url(url, &why)) bad(fmt::format("'url' must be an absolute http or https URL: {}", why));
    const http::FormPart* type_part = http::find_part(parts, "type");
    const std::string type = type_part && !type_part->body.empty() ? std::string(type_part->body) : "custom";
    auto invalid = [](std::string reason) {
      return ok(200, json::object{{"valid", false}, {"value", nullptr}, {"error", std::move(reason)}});
    };
    const http::FetchResult got = jwks.fetch_document(url);
    if (got.status == 0) return invalid("the document could not be fetched: " + got.error);
    if (got.status != 200) return invalid(fmt::format("the document answered HTTP {}", got.status));
    boost::system::error_code ec;
    const json::value doc = json::parse(got.body, ec);
    if (ec || !doc.is_object()) return invalid("the document is not a JSON object");
    const json::object& d = doc.as_object();
    auto text = [&d](std::string_view key) -> json::value {
      const json::value* v = d.if_contains(key);
      return v && v->is_string() ? *v : json::value(nullptr);
    };
    if (text("issuer").is_null() || text("jwks_uri").is_null())
      return invalid("the document names no 'issuer' or no 'jwks_uri'");
    json::array grants;
    if (const json::value* g = d.if_contains("grant_types_supported"); g && g->is_array()) grants = g->as_array();
    json::object value{{"type", type},
                       {"issuer", text("issuer")},
                       {"certificates", json::object{{"type", "JWKS"}, {"value", text("jwks_uri")}}},
                       {"wellKnownEndpoint", url},
                       {"tokenEndpoint", text("token_endpoint")},
                       {"authorizeEndpoint", text("authorization_endpoint")},
                       {"revokeEndpoint", text("revocation_endpoint")},
                       {"introspectionEndpoint", text("introspection_endpoint")},
                       {"userInfoEndpoint", text("userinfo_endpoint")},
                       {"availableGrantTypes", std::move(grants)},
                       {"consumerKeyClaim", "azp"},
                       {"scopesClaim", "scope"},
                       {"enableSelfValidationJWT", true}};
    return ok(200, json::object{{"valid", true}, {"value", std::move(value)}});
  });

  r.add("GET", admin_path("/key-managers/{keyManagerId}"), [&, admin, existing](RestRequest& req) {
    admin(req);
    return RestResponse::json(200, json::serialize(km_json(existing(req.path_params["keyManagerId"]))));
  });

  // What uses a key manager ("resident" is the resident one): the applications with keys of it, and
  // the APIs that accept its tokens (every API accepts every registered key manager's).
  auto key_manager_name = [existing](const std::string& id) {
    return id == "resident" ? std::string(domain::kResidentKeyManager) : existing(id).name;
  };
  r.add("GET", admin_path("/key-managers/{keyManagerId}/app-usages"),
        [&, admin, key_manager_name](RestRequest& req) {
          admin(req);
          store::ApplicationQuery q;
          q.key_manager = key_manager_name(req.path_params["keyManagerId"]);
          q.limit = http::query_int(req, "limit", 25, 1, 1000);
          q.offset = http::query_int(req, "offset", 0, 0, INT64_MAX / 2);
          const auto page = store.search_applications(q);
          json::array apps;
          for (const auto& e : page.list)
            apps.push_back(json::object{{"name", e.application.name},
                                        {"uuid", e.application.id},
                                        {"owner", e.application.owner},
                                        {"organizationId", nullptr},
                                        {"organization", nullptr}});
          return RestResponse::json(
              200, json::serialize(json::object{{"applicationCount", page.total}, {"applications", std::move(apps)}}));
        });
  r.add("GET", admin_path("/key-managers/{keyManagerId}/api-usages"),
        [&, admin, key_manager_name](RestRequest& req) {
          admin(req);
          const std::string name = key_manager_name(req.path_params["keyManagerId"]);
          store::ApiQuery q;
          q.kind = "API";
          q.limit = http::query_int(req, "limit", 25, 1, 1000);
          q.offset = http::query_int(req, "offset", 0, 0, INT64_MAX / 2);
          const auto page = store.list_apis(q);
          json::array apis;
          for (const auto& a : page.list)
            apis.push_back(json::object{{"id", a.id},
                                        {"type", a.type},
                                        {"name", a.name},
                                        {"transportType", "HTTP"},
                                        {"description", a.description},
                                        {"context", a.context},
                                        {"version", a.version},
                                        {"provider", a.provider},
                                        {"status", a.lifecycle_status},
                                        {"thumbnailUri", nullptr},
                                        {"advertiseOnly", false},
                                        {"keyManagerEntry", name}});
          return RestResponse::json(200,
                                    json::serialize(json::object{{"apiCount", page.total}, {"apis", std::move(apis)}}));
        });

  r.add("PUT", admin_path("/key-managers/{keyManagerId}"), [&, admin, existing](RestRequest& req) {
    admin(req);
    domain::ExternalKeyManager k = km_from_body(req, existing(req.path_params["keyManagerId"]));
    store.update_key_manager(k);
    jwks.refresh(k.id);
    return RestResponse::json(200, json::serialize(km_json(*store.get_key_manager(k.id))));
  });

  r.add("DELETE", admin_path("/key-managers/{keyManagerId}"), [&, admin](RestRequest& req) {
    admin(req);
    if (!store.delete_key_manager(req.path_params["keyManagerId"]))
      throw ProblemError(Problem::not_found("Key manager '" + req.path_params["keyManagerId"] + "' not found"));
    return RestResponse::empty(200);
  });

  // Throttling policies: /throttling/policies/{subscription|application|advanced}[/{policyId}], and
  // custom rules under /throttling/policies/custom[/{ruleId}] (stored as policies of level "custom").
  for (std::string_view level_name : {domain::kPolicyLevelSubscription, domain::kPolicyLevelApplication,
                                      domain::kPolicyLevelAdvanced, domain::kPolicyLevelCustom}) {
    const std::string level(level_name);
    const bool custom = level_name == domain::kPolicyLevelCustom;
    const std::string base = admin_path("/throttling/policies/" + level);
    const std::string id_param = custom ? "ruleId" : "policyId";
    const std::string what = custom ? "Custom rule" : "Policy";
    auto existing_policy = [&store, level, what](const std::string& id) {
      auto p = store.get_policy(level, id);
      if (!p) throw ProblemError(Problem::not_found(what + " '" + id + "' not found"));
      return *p;
    };
    r.add("GET", base, [&, admin, level](RestRequest& req) {
      admin(req);
      json::array items;
      for (const auto& p : store.list_policies(level)) items.push_back(domain::policy_to_json(p));
      return RestResponse::json(200, json::serialize(common::list_body(std::move(items))));
    });
    r.add("POST", base, [&, admin, level, base](RestRequest& req) {
      admin(req);
      const json::value v = common::parse_json_body(req.body);
      domain::ThrottlePolicy p = domain::policy_from_json(common::as_object(v, ""), level);
      p.id = common::new_uuid();
      store.create_policy(p);
      RestResponse res = RestResponse::json(201, json::serialize(domain::policy_to_json(p)));
      res.headers.emplace_back("Location", base + "/" + p.id);
      return res;
    });
    r.add("GET", base + "/{" + id_param + "}", [&, admin, existing_policy, id_param](RestRequest& req) {
      admin(req);
      return RestResponse::json(200, json::serialize(domain::policy_to_json(existing_policy(req.path_params[id_param]))));
    });
    r.add("PUT", base + "/{" + id_param + "}", [&, admin, existing_policy, level, id_param](RestRequest& req) {
      admin(req);
      const auto current = existing_policy(req.path_params[id_param]);
      if (current.unlimited) throw ProblemError(Problem::bad_request("The Unlimited tier cannot be changed"));
      const json::value v = common::parse_json_body(req.body);
      domain::ThrottlePolicy p = domain::policy_from_json(common::as_object(v, ""), level);
      if (p.name != current.name)
        throw ProblemError(Problem::bad_request("'policyName' cannot be changed (is '" + current.name + "')"));
      p.id = current.id;
      store.update_policy(p);
      return RestResponse::json(200, json::serialize(domain::policy_to_json(p)));
    });
    r.add("DELETE", base + "/{" + id_param + "}", [&, admin, existing_policy, level, id_param](RestRequest& req) {
      admin(req);
      const auto p = existing_policy(req.path_params[id_param]);
      if (p.unlimited || (level == domain::kPolicyLevelSubscription && p.name == "Unauthenticated"))
        throw ProblemError(Problem::bad_request("The built-in tier '" + p.name + "' cannot be deleted"));
      check_tier_unused(store, level, p.name);
      store.delete_policy(level, p.id);
      return RestResponse::empty(200);
    });
  }

  // Deny policies (blocking conditions): the product lists and creates them under
  // /throttling/deny-policies and addresses one under /throttling/deny-policy/{conditionId}.
  auto existing_condition = [&store](const std::string& id) {
    auto c = store.get_block_condition(id);
    if (!c) throw ProblemError(Problem::not_found("Deny policy '" + id + "' not found"));
    return *c;
  };
  r.add("GET", admin_path("/throttling/deny-policies"), [&, admin](RestRequest& req) {
    admin(req);
    json::array items;
    for (const auto& c : store.list_block_conditions()) items.push_back(domain::block_condition_to_json(c));
    return RestResponse::json(200, json::serialize(common::list_body(std::move(items))));
  });
  r.add("POST", admin_path("/throttling/deny-policies"), [&, admin](RestRequest& req) {
    admin(req);
    const json::value v = common::parse_json_body(req.body);
    domain::BlockCondition c = domain::block_condition_from_json(common::as_object(v, ""));
    c.id = common::new_uuid();
    c.created_time = common::now_millis();
    store.create_block_condition(c);
    RestResponse res = RestResponse::json(201, json::serialize(domain::block_condition_to_json(c)));
    res.headers.emplace_back("Location", admin_path("/throttling/deny-policy/" + c.id));
    return res;
  });
  r.add("GET", admin_path("/throttling/deny-policy/{conditionId}"), [&, admin, existing_condition](RestRequest& req) {
    admin(req);
    return RestResponse::json(
        200, json::serialize(domain::block_condition_to_json(existing_condition(req.path_params["conditionId"]))));
  });
  r.add("PATCH", admin_path("/throttling/deny-policy/{conditionId}"), [&, admin, existing_condition](RestRequest& req) {
    admin(req);
    const std::string& id = req.path_params["conditionId"];
    existing_condition(id);
    const json::value v = common::parse_json_body(req.body);
    const auto status = common::opt_bool(common::as_object(v, ""), "conditionStatus", "conditionStatus");
    if (!status) throw ProblemError(Problem::bad_request("'conditionStatus' (true or false) is required"));
    if (!store.set_block_condition_status(id, *status))  // deleted meanwhile
      throw ProblemError(Problem::not_found("Deny policy '" + id + "' not found"));
    return RestResponse::json(200, json::serialize(domain::block_condition_to_json(existing_condition(id))));
  });
  r.add("DELETE", admin_path("/throttling/deny-policy/{conditionId}"), [&, admin](RestRequest& req) {
    admin(req);
    if (!store.delete_block_condition(req.path_params["conditionId"]))
      throw ProblemError(Problem::not_found("Deny policy '" + req.path_params["conditionId"] + "' not found"));
    return RestResponse::empty(200);
  });

  r.add("GET", admin_path("/signing-keys"), [&, admin](RestRequest& req) {
    admin(req);
    json::array items;
    for (const auto& k : store.list_signing_keys())
      items.push_back(json::object{{"kid", k.kid},
                                   {"alg", k.alg},
                                   {"createdTime", common::iso8601_utc(k.created_time)},
                                   {"active", k.retired_time == 0}});
    return RestResponse::json(200, json::serialize(common::list_body(std::move(items))));
  });

  r.add("POST", admin_path("/signing-keys/rotate"), [&, admin](RestRequest& req) {
    admin(req);
    const std::string kid = km.rotate_signing_key();
    return RestResponse::json(201, json::serialize(json::object{{"kid", kid}, {"active", true}}));
  });
}

}  // namespace archway::admin
