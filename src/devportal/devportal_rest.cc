#include "devportal/devportal_rest.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <cctype>
#include <charconv>
#include <functional>
#include <map>

#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/problem.h"
#include "common/strings.h"
#include "domain/api_json.h"
#include "domain/application_json.h"
#include "domain/policy_json.h"
#include "devportal/comment_rest.h"
#include "devportal/visibility.h"
#include "identity/roles.h"
#include "workflow/approvals.h"

namespace archway::devportal {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

std::string path(std::string_view suffix) { return std::string(kDevportalBase) + std::string(suffix); }
RestResponse ok(int status, const json::value& v) { return RestResponse::json(status, json::serialize(v)); }
[[noreturn]] void bad(std::string d) { throw ProblemError(Problem::bad_request(std::move(d))); }

json::object api_info(const domain::Api& a) {
  json::object o{{"id", a.id},           {"name", a.name},       {"description", a.description},
                 {"context", a.context}, {"version", a.version}, {"provider", a.provider},
                 {"type", a.type},       {"lifeCycleStatus", a.lifecycle_status}};
  json::array tiers;
  for (const auto& p : a.policies) tiers.push_back(json::object{{"tierName", p}, {"tierPlan", "FREE"}});
  o["throttlingPolicies"] = json::array(a.policies.begin(), a.policies.end());
  o["tiers"] = std::move(tiers);
  o["isDefaultVersion"] = a.is_default_version;
  o["hasThumbnail"] = a.has_thumbnail;
  const json::object full = domain::api_to_json(a);
  o["categories"] = full.at("categories");
  o["businessInformation"] = full.at("businessInformation");
  o["tags"] = full.at("tags");
  return o;
}

// The body's application attributes, when given: an object of string values, at most 50, names of
// 1 to 255 characters, values of at most 1024; 400 naming the attribute otherwise.
std::optional<std::vector<std::pair<std::string, std::string>>> attributes_from(const json::object& o) {
  const json::object* a = common::opt_object(o, "attributes", "attributes");
  if (!a) return std::nullopt;
  if (a->size() > 50) bad("'attributes' may hold at most 50 attributes");
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, value] : *a) {
    const std::string key(name);
    if (key.empty() || key.size() > 255) bad("'attributes' names must be 1 to 255 characters");
    if (!value.is_string()) bad(fmt::format("'attributes.{}' must be a string", key));
    if (value.get_string().size() > 1024) bad(fmt::format("'attributes.{}' must be at most 1024 characters", key));
    out.emplace_back(key, std::string(value.get_string()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Whether a subscription tier's permissions admit the reader (anonymous readers hold no role).
bool tier_open_to(const domain::ThrottlePolicy& p, const std::optional<domain::User>& reader) {
  static const std::vector<std::string> kNoRoles;
  return domain::tier_permits(p.permission, reader ? reader->roles : kNoRoles);
}

// The product's endpointURLs: for each deployment the Developer Portal shows, the URLs of the API on
// that environment's virtual host (the deployment's), and the versionless ones of a default version.
json::array endpoint_urls(const domain::Api& a, const std::vector<domain::Deployment>& deployments,
                          const domain::ServerInfo& info) {
  json::array out;
  for (const auto& d : deployments) {
    if (!d.display_on_devportal) continue;
    const auto env = std::find_if(info.environments.begin(), info.environments.end(),
                                  [&](const domain::Environment& e) { return e.name == d.name; });
    if (env == info.environments.end() || env->vhosts.empty()) continue;
    auto vhost = std::find_if(env->vhosts.begin(), env->vhosts.end(),
                              [&](const domain::VirtualHost& v) { return v.host == d.vhost; });
    if (vhost == env->vhosts.end()) vhost = env->vhosts.begin();  // the built-in one answers on any host name
    json::object urls{{"http", nullptr}, {"https", nullptr}, {"ws", nullptr}, {"wss", nullptr}};
    json::object defaults = urls;
    for (const auto& base : domain::gateway_urls(*vhost)) {
      const std::string scheme = base.substr(0, base.find(':'));
      urls[scheme] = base + a.context + "/" + a.version;
      if (a.is_default_version) defaults[scheme] = base + a.context;
    }
    out.push_back(json::object{{"environmentName", env->name},
                               {"environmentDisplayName", env->display_name},
                               {"environmentType", env->type},
                               {"URLs", std::move(urls)},
                               {"defaultVersionURLs", std::move(defaults)}});
  }
  return out;
}

// The product's ScopeInfo of an API's scope.
json::object scope_info_json(const domain::ApiScope& sc) {
  return json::object{{"key", sc.name},
                      {"name", sc.display_name},
                      {"roles", json::array(sc.bindings.begin(), sc.bindings.end())},
                      {"description", sc.description}};
}

json::object app_json(const domain::Application& a, std::int64_t subscriptions) {
  return domain::application_to_json(a, subscriptions);
}

json::object key_json(const domain::KeyMapping& k, const std::string& secret) {
  json::object o{{"keyMappingId", k.id},
                 {"keyManager", k.key_manager},
                 {"consumerKey", k.consumer_key},
                 {"supportedGrantTypes", json::array(k.grant_types.begin(), k.grant_types.end())},
                 {"callbackUrl", k.callback_url},
                 {"keyState", "COMPLETED"},
                 {"keyType", k.key_type},
                 {"mode", k.key_manager == domain::kResidentKeyManager ? "CREATED" : "MAPPED"},
                 {"groupId", nullptr},
                 {"additionalProperties", json::object{{domain::kTokenExpiryProperty, k.validity_seconds}}}};
  // The secret is stored hashed: it is shown once, when it is created or regenerated.
  o["consumerSecret"] = secret.empty() ? json::value(nullptr) : json::value(secret);
  o["token"] = nullptr;  // tokens are not kept: only generate-keys answers one
  return o;
}

json::object token_json(const keymanager::IssuedToken& t) {
  json::array scopes;
  for (const auto& sc : common::split_words(t.scope)) scopes.emplace_back(sc);
  return json::object{{"accessToken", t.access_token}, {"tokenScopes", std::move(scopes)}, {"validityTime", t.expires_in}};
}

json::object sub_json(const domain::Subscription& s, const std::optional<domain::Api>& api,
                      const std::optional<domain::Application>& app) {
  json::object o{{"subscriptionId", s.id},
                 {"applicationId", s.application_id},
                 {"apiId", s.api_id},
                 {"throttlingPolicy", s.throttling_policy},
                 {"requestedThrottlingPolicy", s.throttling_policy},
                 {"status", s.status},
                 {"redirectionParams", ""}};
  if (api) o["apiInfo"] = api_info(*api);
  if (app) o["applicationInfo"] = app_json(*app, 0);
  return o;
}

// The product's lists here also carry pagination; these are never paged.
json::object list_of(json::array items) {
  json::object o = common::list_body(std::move(items));
  const auto n = o["count"];
  o["pagination"] = json::object{{"offset", 0}, {"limit", n}, {"total", n}, {"next", ""}, {"previous", ""}};
  return o;
}

// The page the query parameters limit (default 25) and offset ask for.
struct PageRequest {
  std::int64_t limit;
  std::int64_t offset;
};
PageRequest page_request(const RestRequest& req) {
  return {http::query_int(req, "limit", 25, 1, 1000), http::query_int(req, "offset", 0, 0, INT64_MAX / 2)};
}

// One page of a list of `total` entries, with the product's pagination links to the neighbouring
// pages of `collection` (which may carry a query already).
json::object paged(const PageRequest& p, json::array items, std::int64_t total, const std::string& collection) {
  json::object o = common::list_body(std::move(items));
  const char sep = collection.find('?') == std::string::npos ? '?' : '&';
  auto link = [&](std::int64_t at) { return fmt::format("{}{}limit={}&offset={}", collection, sep, p.limit, at); };
  o["pagination"] = json::object{{"offset", p.offset},
                                 {"limit", p.limit},
                                 {"total", total},
                                 {"next", p.offset + p.limit < total ? link(p.offset + p.limit) : ""},
                                 {"previous", p.offset > 0 ? link(std::max<std::int64_t>(0, p.offset - p.limit)) : ""}};
  return o;
}

// One page of `all` (a list built whole).
json::object page_of(const RestRequest& req, json::array all, const std::string& collection) {
  const PageRequest p = page_request(req);
  const auto total = static_cast<std::int64_t>(all.size());
  json::array items;
  for (std::int64_t i = p.offset; i < total && i < p.offset + p.limit; ++i) items.push_back(std::move(all[i]));
  return paged(p, std::move(items), total, collection);
}

// A query parameter's value as it goes into a link (RFC 3986: unreserved characters stay).
std::string query_component(std::string_view v) {
  std::string out;
  for (const unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

store::PortalReader portal_reader(const std::optional<domain::User>& reader) {
  if (!reader) return {};
  return {true, reader->has_role(domain::kRoleAdmin), reader->roles};
}

const json::object& body_object(const RestRequest& req, json::value& holder) {
  holder = common::parse_json_body(req.body);
  return common::as_object(holder, "");
}

std::string key_type_of(const std::string& s, std::string_view field) {
  if (s == domain::kKeyTypeProduction || s == domain::kKeyTypeSandbox) return s;
  bad(fmt::format("'{}' must be PRODUCTION or SANDBOX, got '{}'", field, s));
}

// Grant type names the resident Key Manager supports, from the array at `field`.
std::vector<std::string> grant_types_of(const json::array& a, std::string_view field) {
  std::vector<std::string> grants;
  for (const auto& v : a) {
    if (!v.is_string()) bad(fmt::format("'{}' must hold grant type names", field));
    const std::string name(v.get_string());
    if (std::find(std::begin(domain::kSupportedGrantTypes), std::end(domain::kSupportedGrantTypes), name) ==
        std::end(domain::kSupportedGrantTypes))
      bad(fmt::format("'{}': unknown grant type '{}'", field, name));
    if (std::find(grants.begin(), grants.end(), name) == grants.end()) grants.push_back(name);
  }
  return grants;
}

std::int64_t validity_of(std::int64_t seconds, std::string_view field) {
  if (seconds <= 0 || seconds > domain::kMaxTokenValiditySeconds)
    bad(fmt::format("'{}' must be between 1 and {} seconds", field, domain::kMaxTokenValiditySeconds));
  return seconds;
}

// The authorization code grant redirects to the client's callback URL, so it needs one.
void check_callback_for_grants(const std::vector<std::string>& grants, const std::string& callback) {
  if (callback.empty() && std::find(grants.begin(), grants.end(), "authorization_code") != grants.end())
    bad("'callbackUrl' is required with the authorization_code grant type");
}

// The changes an ApplicationKey body (PUT oauth-keys/{keyMappingId}) makes to `k`: supportedGrantTypes,
// callbackUrl and additionalProperties.application_access_token_expiry_time (a number or a string of
// digits, as the product's portal sends it). Read-only fields of the shape are ignored.
domain::KeyMapping key_changes(const json::object& o, domain::KeyMapping k) {
  if (const json::array* g = common::opt_array(o, "supportedGrantTypes", "supportedGrantTypes")) {
    k.grant_types = grant_types_of(*g, "supportedGrantTypes");
    if (k.grant_types.empty()) bad("'supportedGrantTypes' must name at least one grant type");
  }
  if (auto cb = common::opt_string(o, "callbackUrl", "callbackUrl")) {
    if (cb->size() > 2048) bad("'callbackUrl' must be at most 2048 characters");
    if (std::any_of(cb->begin(), cb->end(), [](unsigned char c) { return std::isspace(c) || std::iscntrl(c); }))
      bad("'callbackUrl' must not contain spaces or control characters");
    k.callback_url = *cb;
  }
  check_callback_for_grants(k.grant_types, k.callback_url);
  if (const json::object* props = common::opt_object(o, "additionalProperties", "additionalProperties")) {
    for (const auto& [key, v] : *props) {
      const std::string name(key.data(), key.size());
      const std::string path = "additionalProperties." + name;
      if (name != domain::kTokenExpiryProperty)
        bad(fmt::format("'{}' is not a setting of this key manager (known: {})", path, domain::kTokenExpiryProperty));
      std::int64_t seconds = 0;
      if (v.is_int64()) {
        seconds = v.get_int64();
      } else if (v.is_string()) {
        const std::string text(v.get_string());
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
        if (ec != std::errc() || end != text.data() + text.size() || text.empty())
          bad(fmt::format("'{}' must be a number of seconds, got '{}'", path, text));
      } else {
        bad(fmt::format("'{}' must be a number of seconds", path));
      }
      k.validity_seconds = validity_of(seconds, path);
    }
  }
  return k;
}

}  // namespace

void add_devportal_routes(http::RestRouter& r, store::Store& store, keymanager::KeyManager& km,
                          workflow::Approvals& approvals,
                          identity::Authenticator& auth, identity::UserService& users, bool self_signup,
                          domain::ServerInfoSource server, DefinitionSource definition) {
  r.add("POST", path("/me/sign-up"), [&users, self_signup](RestRequest& req) {
    if (!self_signup)
      throw ProblemError(Problem::forbidden("Self sign-up is disabled on this server (devportal.self_signup)"));
    json::value holder;
    const auto& o = body_object(req, holder);
    const auto u = users.create(common::opt_string(o, "username", "username").value_or(""),
                                common::opt_string(o, "password", "password").value_or(""),
                                {std::string(domain::kRoleSubscriber)});
    return ok(201, json::object{{"username", u.username}, {"roles", json::array{"subscriber"}}});
  });

  auto user_of = [&auth](const RestRequest& req) {
    return auth.authorize(req, {domain::kRoleSubscriber}, identity::kScopeSubscribe).user;
  };
  // The caller's application, or 404: another user's application does not exist for the caller.
  auto own_app = [&store](const domain::User& u, const std::string& id) {
    auto app = store.get_application(id);
    if (!app || (app->owner != u.username && !u.has_role(domain::kRoleAdmin)))
      throw ProblemError(Problem::not_found(fmt::format("Application '{}' not found", id)));
    return *app;
  };
  // Keys and subscriptions wait for an application's approval (409 while it is pending or after a rejection).
  auto approved_app = [own_app](const domain::User& u, const std::string& id) {
    auto app = own_app(u, id);
    if (app.status != domain::kApplicationApproved)
      throw ProblemError(Problem::conflict(fmt::format(
          "Application '{}' is {}: keys and subscriptions wait for an administrator to approve it", app.name,
          app.status == domain::kApplicationCreated ? std::string("waiting for approval") : app.status)));
    return app;
  };

  r.add("POST", path("/me/change-password"), [&, user_of](RestRequest& req) {
    const auto u = user_of(req);
    json::value holder;
    const auto& o = body_object(req, holder);
    users.change_password(u.username, common::opt_string(o, "currentPassword", "currentPassword").value_or(""),
                          common::opt_string(o, "newPassword", "newPassword").value_or(""));
    return RestResponse::empty(200);
  });

  auto check_app_tier = [&store](const std::string& tier) {
    if (!store.find_policy(domain::kPolicyLevelApplication, tier))
      bad(fmt::format("'throttlingPolicy' '{}' is not an application tier (see /throttling-policies/application)", tier));
  };

  auto policy_level = [](const RestRequest& req) {
    const std::string& level = req.path_params.at("policyLevel");
    if (level != domain::kPolicyLevelSubscription && level != domain::kPolicyLevelApplication)
      bad("Policy level must be subscription or application, got '" + level + "'");
    return level;
  };
  // Subscription tiers whose permissions keep the caller out are not listed.
  r.add("GET", path("/throttling-policies/{policyLevel}"), [&, policy_level](RestRequest& req) {
    const auto reader = reader_of(auth, req);
    json::array items;
    for (const auto& p : store.list_policies(policy_level(req)))
      if (tier_open_to(p, reader)) items.push_back(domain::policy_summary_json(p));
    return ok(200, list_of(std::move(items)));
  });
  // {policyId} is the tier's name, as in the product.
  r.add("GET", path("/throttling-policies/{policyLevel}/{policyId}"), [&, policy_level](RestRequest& req) {
    const auto reader = reader_of(auth, req);
    const std::string& name = req.path_params["policyId"];
    auto p = store.find_policy(policy_level(req), name);
    if (!p || !tier_open_to(*p, reader)) throw ProblemError(Problem::not_found(fmt::format("Throttling policy '{}' not found", name)));
    return ok(200, domain::policy_summary_json(*p));
  });

  // A page of the APIs the portal shows the caller (anonymous callers: PUBLIC ones) that match the
  // product's search syntax (name:, tag:, context:, provider:, version:, status: and free text),
  // matched, counted and paged by the store in SQL.
  auto shown_page = [&](const RestRequest& req) {
    const auto reader = reader_of(auth, req);  // 401 for wrong credentials before anything else
    store::ApiQuery q = store::parse_api_query(req.query_param("query") ? *req.query_param("query") : "");
    const PageRequest p = page_request(req);
    q.limit = p.limit;
    q.offset = p.offset;
    return std::pair{p, store.search_portal_apis(portal_reader(reader), q)};
  };
  // The product's avgRating of each API of a page (an index lookup each).
  auto average_ratings = [&store](const std::vector<domain::Api>& apis) {
    std::vector<std::string> ids;
    for (const auto& a : apis) ids.push_back(a.id);
    std::map<std::string, std::string> out;
    for (const auto& [id, t] : store.rating_totals(ids)) out[id] = average_rating(t.count, t.sum);
    return out;
  };
  auto search = [shown_page, average_ratings](RestRequest& req, bool results) {
    const auto [p, page] = shown_page(req);
    const auto ratings = average_ratings(page.list);
    json::array items;
    for (const auto& a : page.list) {
      json::object info = api_info(a);
      const auto rated = ratings.find(a.id);
      info["avgRating"] = rated == ratings.end() ? average_rating(0, 0) : rated->second;
      if (results) {
        info["type"] = a.is_product() ? "APIPRODUCT" : "API";
        info["transportType"] = a.type;
      }
      items.push_back(std::move(info));
    }
    const std::string* query = req.query_param("query");
    const std::string collection = path(results ? "/search" : "/apis") +
                                   (query && !query->empty() ? "?query=" + query_component(*query) : "");
    return ok(200, paged(p, std::move(items), page.total, collection));
  };
  r.add("GET", path("/apis"), [search](RestRequest& req) { return search(req, false); });
  r.add("GET", path("/search"), [search](RestRequest& req) { return search(req, true); });

  // The tags of the APIs the caller sees, with how many of them carry each.
  r.add("GET", path("/tags"), [&](RestRequest& req) {
    const auto reader = reader_of(auth, req);
    json::array items;
    for (const auto& [tag, n] : store.tag_counts(portal_reader(reader)))
      items.push_back(json::object{{"value", tag}, {"count", n}});
    return ok(200, page_of(req, std::move(items), path("/tags")));
  });

  r.add("GET", path("/apis/{apiId}"), [&, average_ratings, server, definition](RestRequest& req) {
    const auto reader = reader_of(auth, req);
    auto a = store.get_api(req.path_params["apiId"]);
    if (!a || !shown_to(*a, reader)) throw ProblemError(Problem::not_found("API '" + req.path_params["apiId"] + "' not found"));
    json::object o = api_info(*a);
    const auto ratings = average_ratings({*a});
    o["avgRating"] = ratings.empty() ? average_rating(0, 0) : ratings.begin()->second;
    o["operations"] = domain::api_to_json(*a)["operations"];
    json::array tiers;  // the tiers the reader may subscribe with, and each one's plan
    for (const auto& name : a->policies)
      if (auto p = store.find_policy(domain::kPolicyLevelSubscription, name); p && tier_open_to(*p, reader))
        tiers.push_back(json::object{{"tierName", p->name}, {"tierPlan", p->billing_plan}});
    o["tiers"] = std::move(tiers);
    const auto deployments = store.list_deployments(a->id);
    o["endpointURLs"] = endpoint_urls(*a, deployments, server());
    json::array environments;
    for (const auto& e : o["endpointURLs"].as_array()) environments.push_back(e.at("environmentName"));
    o["environmentList"] = std::move(environments);
    o["transport"] = json::array(a->transport.begin(), a->transport.end());
    o["securityScheme"] = json::array(a->security_scheme.begin(), a->security_scheme.end());
    o["authorizationHeader"] = a->authorization_header.empty() ? std::string("Authorization") : a->authorization_header;
    json::array scopes;  // the product's ScopeInfo
    for (const auto& sc : a->scopes)
      scopes.push_back(scope_info_json(sc));
    o["scopes"] = std::move(scopes);
    o["additionalProperties"] = domain::displayed_properties_json(*a);
    o["isSubscriptionAvailable"] = a->lifecycle_status == domain::kLifecyclePublished && !a->policies.empty();
    o["keyManagers"] = json::array{"all"};
    o["createdTime"] = a->created_time ? json::value(common::iso8601_utc(a->created_time)) : nullptr;
    o["lastUpdatedTime"] = a->last_updated_time ? json::value(common::iso8601_utc(a->last_updated_time)) : nullptr;
    o["wsdlUri"] = nullptr;
    o["monetization"] = json::object{{"enabled", false}};
    o["advertiseInfo"] = json::object{{"advertised", false}};
    o["gatewayVendor"] = "wso2";
    o["asyncTransportProtocols"] = json::array();
    o["apiDefinition"] = definition ? json::value(definition(*a)) : json::value(nullptr);
    if (a->is_product()) {  // the bundled APIs and their operations, in the product's shape
      o["apis"] = domain::product_to_json(*a)["apis"];
      json::array ops;
      for (const auto& entry : o["apis"].as_array())
        for (const auto& op : entry.as_object().at("operations").as_array()) ops.push_back(op);
      o["operations"] = std::move(ops);
    }
    return ok(200, o);
  });

  // The subscription tiers an API shown here offers (its `policies`), as the Publisher lists them.
  r.add("GET", path("/apis/{apiId}/subscription-policies"), [&](RestRequest& req) {
    const auto reader = reader_of(auth, req);
    auto a = store.get_api(req.path_params["apiId"]);
    if (!a || !shown_to(*a, reader)) throw ProblemError(Problem::not_found("API '" + req.path_params["apiId"] + "' not found"));
    json::array items;
    for (const auto& name : a->policies)
      if (auto p = store.find_policy(domain::kPolicyLevelSubscription, name); p && tier_open_to(*p, reader))
        items.push_back(domain::policy_summary_json(*p));
    return ok(200, items);
  });

  r.add("POST", path("/applications"), [&, user_of, check_app_tier](RestRequest& req) {
    const auto u = user_of(req);
    json::value holder;
    const auto& o = body_object(req, holder);
    domain::Application app;
    app.id = common::new_uuid();
    app.owner = u.username;
    app.name = common::opt_string(o, "name", "name").value_or("");
    if (app.name.empty()) bad("'name' is required");
    if (app.name.size() > 70) bad("'name' must be at most 70 characters");
    app.throttling_policy = common::opt_string(o, "throttlingPolicy", "throttlingPolicy").value_or("Unlimited");
    check_app_tier(app.throttling_policy);
    app.description = common::opt_string(o, "description", "description").value_or("");
    app.token_type = common::opt_string(o, "tokenType", "tokenType").value_or("JWT");
    if (app.token_type != "JWT") bad("'tokenType' must be JWT");
    if (auto attributes = attributes_from(o)) app.attributes = std::move(*attributes);
    app.created_time = app.updated_time = common::now_millis();
    if (approvals.required(domain::kWorkflowApplicationCreation)) {
      app.status = std::string(domain::kApplicationCreated);
      store.create_application(
          app, workflow::Approvals::task(domain::kWorkflowApplicationCreation, app.id,
                                         {{"applicationName", app.name},
                                          {"applicationTier", app.throttling_policy},
                                          {"applicationDescription", app.description},
                                          {"userName", app.owner}},
                                         fmt::format("Approve application [{}] creation request from application creator "
                                                     "- {} with throttling tier - {}",
                                                     app.name, app.owner, app.throttling_policy),
                                         u.username));
    } else {
      store.create_application(app);
    }
    RestResponse res = ok(201, app_json(app, 0));
    res.headers.emplace_back("Location", path("/applications/" + app.id));
    return res;
  });

  r.add("GET", path("/applications"), [&, user_of](RestRequest& req) {
    const auto u = user_of(req);
    const PageRequest p = page_request(req);
    const store::ApplicationPage page = store.list_applications_page(u.username, p.limit, p.offset);
    json::array items;
    for (const auto& e : page.list) items.push_back(app_json(e.application, e.subscription_count));
    return ok(200, paged(p, std::move(items), page.total, path("/applications")));
  });

  r.add("GET", path("/applications/{applicationId}"), [&, user_of, own_app](RestRequest& req) {
    const auto app = own_app(user_of(req), req.path_params["applicationId"]);
    json::object o = app_json(app, store.count_subscriptions(app.id));
    json::array keys;
    for (const auto& k : store.list_key_mappings(app.id)) keys.push_back(key_json(k, ""));
    o["keys"] = std::move(keys);
    json::array scopes;  // the scopes of the APIs it subscribes to (the product's subscriptionScopes)
    std::set<std::string> seen;
    for (const auto& s : store.list_subscriptions(app.id, ""))
      if (const auto api = store.get_api(s.api_id))
        for (const auto& sc : api->scopes)
          if (seen.insert(sc.name).second)
            scopes.push_back(scope_info_json(sc));
    o["subscriptionScopes"] = std::move(scopes);
    o["hashEnabled"] = true;  // client secrets are stored hashed and shown once
    return ok(200, o);
  });

  r.add("PUT", path("/applications/{applicationId}"), [&, user_of, own_app, check_app_tier](RestRequest& req) {
    auto app = own_app(user_of(req), req.path_params["applicationId"]);
    json::value holder;
    const auto& o = body_object(req, holder);
    if (auto n = common::opt_string(o, "name", "name")) {
      if (n->empty() || n->size() > 70) bad("'name' must be 1 to 70 characters");
      app.name = *n;
    }
    if (auto t = common::opt_string(o, "throttlingPolicy", "throttlingPolicy")) {
      check_app_tier(*t);
      app.throttling_policy = *t;
    }
    if (auto d = common::opt_string(o, "description", "description")) app.description = *d;
    if (auto attributes = attributes_from(o)) app.attributes = std::move(*attributes);
    app.updated_time = common::now_millis();
    store.update_application(app);
    return ok(200, app_json(app, store.count_subscriptions(app.id)));
  });

  r.add("DELETE", path("/applications/{applicationId}"), [&, user_of, own_app](RestRequest& req) {
    const auto app = own_app(user_of(req), req.path_params["applicationId"]);
    store.delete_application(app.id);
    return RestResponse::empty(200);
  });

  // Resets the application-tier counters of one user of the application (the product's
  // ApplicationThrottleReset body); every gateway applies it from the change feed before the
  // answer, so a user the tier throttled may call again at once.
  r.add("POST", path("/applications/{applicationId}/reset-throttle-policy"), [&, user_of, own_app](RestRequest& req) {
    const auto app = own_app(user_of(req), req.path_params["applicationId"]);
    json::value holder;
    const auto& o = body_object(req, holder);
    const std::string user = common::opt_string(o, "userName", "userName").value_or("");
    if (user.empty() || user.size() > 255) bad("'userName' is required (1 to 255 characters)");
    if (std::any_of(user.begin(), user.end(), [](unsigned char c) { return std::iscntrl(c); }))
      bad("'userName' must not contain control characters");
    store.reset_application_throttle(app.id, user);
    return RestResponse::empty(200);
  });

  r.add("POST", path("/applications/{applicationId}/generate-keys"), [&, user_of, approved_app](RestRequest& req) {
    const auto app = approved_app(user_of(req), req.path_params["applicationId"]);
    json::value holder;
    const auto& o = body_object(req, holder);
    const std::string key_type = key_type_of(common::opt_string(o, "keyType", "keyType").value_or(""), "keyType");
    std::vector<std::string> grants{"client_credentials"};
    if (const json::array* g = common::opt_array(o, "grantTypesToBeSupported", "grantTypesToBeSupported"))
      grants = grant_types_of(*g, "grantTypesToBeSupported");
    const std::string callback = common::opt_string(o, "callbackUrl", "callbackUrl").value_or("");
    check_callback_for_grants(grants, callback);
    const std::int64_t validity =
        validity_of(common::opt_int(o, "validityTime", "validityTime").value_or(3600), "validityTime");
    auto client = km.create_client(app, key_type, grants, callback, validity);
    json::object out = key_json(client.mapping, client.consumer_secret);
    out["token"] = token_json(km.issue(client.mapping, app, app.owner, "default", validity));
    return ok(200, out);
  });

  // Maps a client of an external key manager to the application, so its tokens call APIs as it.
  r.add("POST", path("/applications/{applicationId}/map-keys"), [&, user_of, approved_app](RestRequest& req) {
    const auto app = approved_app(user_of(req), req.path_params["applicationId"]);
    json::value holder;
    const auto& o = body_object(req, holder);
    const std::string key_type = key_type_of(common::opt_string(o, "keyType", "keyType").value_or(""), "keyType");
    const std::string consumer_key = common::opt_string(o, "consumerKey", "consumerKey").value_or("");
    const std::string manager = common::opt_string(o, "keyManager", "keyManager").value_or("");
    if (consumer_key.empty() || consumer_key.size() > 256) bad("'consumerKey' is required (at most 256 characters)");
    std::optional<domain::ExternalKeyManager> ext;
    for (auto& k : store.list_key_managers())
      if (k.name == manager || k.id == manager) ext = k;
    if (!ext) bad("'keyManager' must name an external key manager registered by an admin");
    domain::KeyMapping km_row;
    km_row.id = common::new_uuid();
    km_row.application_id = app.id;
    km_row.key_type = key_type;
    km_row.consumer_key = consumer_key;
    km_row.key_manager = ext->name;
    km_row.created_time = common::now_millis();
    store.create_key_mapping(km_row);
    json::object out = key_json(km_row, "");
    out["keyManager"] = ext->name;
    return ok(200, out);
  });

  r.add("GET", path("/applications/{applicationId}/oauth-keys"), [&, user_of, own_app](RestRequest& req) {
    const auto app = own_app(user_of(req), req.path_params["applicationId"]);
    json::array items;
    for (const auto& k : store.list_key_mappings(app.id)) items.push_back(key_json(k, ""));
    return ok(200, list_of(std::move(items)));
  });

  // The routes of one key mapping under `base`, found in the caller's application by `mapping_of`:
  // the oauth-keys routes find it by its id, the older keys routes by its key type.
  using MappingOf = std::function<domain::KeyMapping(const domain::Application&, const RestRequest&)>;
  auto add_mapping_routes = [&, user_of, own_app](const std::string& base, const MappingOf& mapping_of) {
    auto app_and_mapping = [user_of, own_app, mapping_of](const RestRequest& req) {
      auto app = own_app(user_of(req), req.path_params.at("applicationId"));
      auto mapping = mapping_of(app, req);
      return std::pair{std::move(app), std::move(mapping)};
    };

    r.add("POST", base + "/generate-token", [&, app_and_mapping](RestRequest& req) {
      const auto [app, mapping] = app_and_mapping(req);
      json::value holder;
      const auto& o = body_object(req, holder);
      const std::string secret = common::opt_string(o, "consumerSecret", "consumerSecret").value_or("");
      if (secret.empty()) bad("'consumerSecret' is required");
      if (!km.authenticate_client(mapping.consumer_key, secret))
        throw ProblemError(Problem::unauthorized("'consumerSecret' does not match this application's keys"));
      const std::int64_t validity = validity_of(
          common::opt_int(o, "validityPeriod", "validityPeriod").value_or(mapping.validity_seconds), "validityPeriod");
      return ok(200, token_json(km.issue(mapping, app, app.owner, "default", validity)));
    });

    r.add("POST", base + "/regenerate-secret", [&, app_and_mapping](RestRequest& req) {
      const auto [app, mapping] = app_and_mapping(req);
      const std::string secret = km.regenerate_secret(mapping);
      return ok(200, json::object{{"consumerKey", mapping.consumer_key}, {"consumerSecret", secret}});
    });

    r.add("GET", base, [app_and_mapping](RestRequest& req) { return ok(200, key_json(app_and_mapping(req).second, "")); });

    // Changes the client's grant types, callback URL and token lifetime; the token endpoint and
    // the gateway follow at once (they read the stored mapping).
    r.add("PUT", base, [&, app_and_mapping](RestRequest& req) {
      const auto [app, mapping] = app_and_mapping(req);
      json::value holder;
      const auto& o = body_object(req, holder);
      if (mapping.key_manager != domain::kResidentKeyManager)
        bad(fmt::format("The keys of '{}' are managed by that key manager; map other keys instead", mapping.key_manager));
      if (auto t = common::opt_string(o, "keyType", "keyType"); t && *t != mapping.key_type)
        bad(fmt::format("'keyType' cannot change (this mapping holds {} keys)", mapping.key_type));
      const domain::KeyMapping changed = key_changes(o, mapping);
      store.update_key_mapping(changed);
      return ok(200, key_json(changed, ""));
    });

    // The product's clean-up after a failed key generation: removes the mapping and its client.
    r.add("POST", base + "/clean-up", [&, app_and_mapping](RestRequest& req) {
      const auto [app, mapping] = app_and_mapping(req);
      if (!store.delete_key_mapping(mapping.id))
        throw ProblemError(Problem::not_found(fmt::format("Key mapping '{}' not found", mapping.id)));
      return RestResponse::empty(200);
    });
  };

  add_mapping_routes(path("/applications/{applicationId}/oauth-keys/{keyMappingId}"),
                     [&store](const domain::Application& app, const RestRequest& req) {
                       const std::string& id = req.path_params.at("keyMappingId");
                       for (auto& k : store.list_key_mappings(app.id))
                         if (k.id == id) return k;
                       throw ProblemError(Problem::not_found(fmt::format("Key mapping '{}' not found", id)));
                     });

  // The older (deprecated in the product, still called by scripts) keys routes: views over the
  // same key mappings, by key type, of the resident Key Manager unless `keyManager` (an Archway
  // addition: an external key manager's name or id) names another.
  auto key_manager_of = [&store](const RestRequest& req) -> std::string {
    const std::string* name = req.query_param("keyManager");
    if (!name || name->empty() || *name == domain::kResidentKeyManager || *name == "resident")
      return std::string(domain::kResidentKeyManager);
    for (auto& k : store.list_key_managers())
      if (k.name == *name || k.id == *name) return k.name;
    bad(fmt::format("'keyManager' '{}' is not a key manager of this server (see /key-managers)", *name));
  };

  r.add("GET", path("/applications/{applicationId}/keys"), [&, user_of, own_app, key_manager_of](RestRequest& req) {
    const auto app = own_app(user_of(req), req.path_params["applicationId"]);
    const std::string manager = key_manager_of(req);
    json::array items;
    for (const auto& k : store.list_key_mappings(app.id))
      if (k.key_manager == manager) items.push_back(key_json(k, ""));
    return ok(200, list_of(std::move(items)));
  });

  add_mapping_routes(path("/applications/{applicationId}/keys/{keyType}"),
                     [&store, key_manager_of](const domain::Application& app, const RestRequest& req) {
                       const std::string key_type = key_type_of(req.path_params.at("keyType"), "keyType");
                       const std::string manager = key_manager_of(req);
                       for (auto& k : store.list_key_mappings(app.id))
                         if (k.key_type == key_type && k.key_manager == manager) return k;
                       throw ProblemError(Problem::not_found(
                           fmt::format("Application '{}' has no {} keys of '{}'", app.name, key_type, manager)));
                     });

  r.add("POST", path("/applications/{applicationId}/api-keys/{keyType}/generate"), [&, user_of, approved_app](RestRequest& req) {
    const auto app = approved_app(user_of(req), req.path_params["applicationId"]);
    const std::string key_type = key_type_of(req.path_params["keyType"], "keyType");
    std::int64_t validity = -1;
    if (!req.body.empty()) {
      json::value holder;
      const auto& o = body_object(req, holder);
      validity = common::opt_int(o, "validityPeriod", "validityPeriod").value_or(-1);
      if (validity == 0 || validity < -1 || validity > 10LL * 365 * 24 * 3600)
        bad("'validityPeriod' must be -1 (no expiry) or between 1 and 315360000 seconds");
    }
    const auto key = km.issue_api_key(app, key_type, validity);
    return ok(200, json::object{{"keyName", app.name + "_" + key_type}, {"apikey", key.api_key}, {"validityTime", key.validity_s}});
  });

  r.add("POST", path("/applications/{applicationId}/api-keys/{keyType}/revoke"), [&, user_of, own_app](RestRequest& req) {
    const auto app = own_app(user_of(req), req.path_params["applicationId"]);
    key_type_of(req.path_params["keyType"], "keyType");
    json::value holder;
    const auto& o = body_object(req, holder);
    const std::string key = common::opt_string(o, "apikey", "apikey").value_or("");
    if (key.empty()) bad("'apikey' is required");
    if (!km.revoke_api_key(app, key)) bad("'apikey' is not an API key of this application");
    return RestResponse::empty(200);
  });

  // The body's throttlingPolicy: required, one of the tiers `api` offers, and (unless it is the
  // subscription's `current` tier) one whose permissions admit the user: 403 otherwise.
  auto offered_tier = [&store](const json::object& o, const domain::Api& api, const domain::User& u,
                               std::string_view current = {}) {
    const std::string tier = common::opt_string(o, "throttlingPolicy", "throttlingPolicy").value_or("");
    if (tier.empty()) bad("'throttlingPolicy' is required");
    if (std::find(api.policies.begin(), api.policies.end(), tier) == api.policies.end())
      bad(fmt::format("'throttlingPolicy' '{}' is not offered by API '{}' (offered: {})", tier, api.name,
                      api.policies.empty() ? std::string("none") : fmt::format("{}", fmt::join(api.policies, ", "))));
    if (tier != current)
      if (auto p = store.find_policy(domain::kPolicyLevelSubscription, tier); p && !tier_open_to(*p, u))
        throw ProblemError(Problem::forbidden(
            fmt::format("The subscription tier '{}' is not available to user '{}'", tier, u.username)));
    return tier;
  };

  // A new subscription as a Subscription body `o` asks for it (not stored yet): the caller's
  // application, a PUBLISHED API shown to the caller, one of its tiers.
  struct NewSubscription {
    domain::Subscription subscription;
    domain::Api api;
    domain::Application application;
  };
  auto new_subscription = [&, approved_app, offered_tier](const domain::User& u, const json::object& o) {
    const std::string app_id = common::opt_string(o, "applicationId", "applicationId").value_or("");
    const std::string api_id = common::opt_string(o, "apiId", "apiId").value_or("");
    if (app_id.empty()) bad("'applicationId' is required");
    if (api_id.empty()) bad("'apiId' is required");
    const auto app = approved_app(u, app_id);
    auto api = store.get_api(api_id);
    if (!api || !shown_to(*api, u)) throw ProblemError(Problem::not_found(fmt::format("API '{}' not found", api_id)));
    if (api->lifecycle_status != domain::kLifecyclePublished)
      bad(fmt::format("API '{}' is {} and accepts no new subscriptions{}", api->name,
                      api->lifecycle_status,
                      api->lifecycle_status == domain::kLifecyclePrototyped
                          ? " (a prototype is called without one)"
                          : ""));
    domain::Subscription s;
    s.id = common::new_uuid();
    s.application_id = app.id;
    s.api_id = api->id;
    s.throttling_policy = offered_tier(o, *api, u);
    s.created_time = common::now_millis();
    return NewSubscription{std::move(s), std::move(*api), app};
  };
  // The task of a new subscription when subscriptions wait for approval (it is then ON_HOLD).
  auto subscription_task = [&approvals](const domain::User& u, NewSubscription& n) -> std::optional<domain::Workflow> {
    if (!approvals.required(domain::kWorkflowSubscriptionCreation)) return std::nullopt;
    n.subscription.status = std::string(domain::kSubscriptionOnHold);
    return workflow::Approvals::task(
        domain::kWorkflowSubscriptionCreation, n.subscription.id,
        {{"apiName", n.api.name},
         {"apiVersion", n.api.version},
         {"apiContext", n.api.context},
         {"apiProvider", n.api.provider},
         {"applicationName", n.application.name},
         {"applicationId", n.application.id},
         {"subscriber", n.application.owner},
         {"throttlingPolicy", n.subscription.throttling_policy}},
        fmt::format("Approve subscription of application [{}] to API [{} - {}] with tier {}", n.application.name,
                    n.api.name, n.api.version, n.subscription.throttling_policy),
        u.username);
  };

  r.add("POST", path("/subscriptions"), [&, user_of, new_subscription, subscription_task](RestRequest& req) {
    const auto u = user_of(req);
    json::value holder;
    auto n = new_subscription(u, body_object(req, holder));
    if (auto task = subscription_task(u, n)) store.create_subscription(n.subscription, *task);
    else store.create_subscription(n.subscription);
    RestResponse res = ok(201, sub_json(n.subscription, n.api, n.application));
    res.headers.emplace_back("Location", path("/subscriptions/" + n.subscription.id));
    return res;
  });

  // Several subscriptions at once, all or none: the first item that cannot be subscribed fails
  // the call with its own status and its position in the description, and nothing is stored.
  r.add("POST", path("/subscriptions/multiple"), [&, user_of, new_subscription, subscription_task](RestRequest& req) {
    const auto u = user_of(req);
    json::value holder = common::parse_json_body(req.body);
    if (!holder.is_array()) bad("The body must be an array of subscriptions");
    const json::array& items = holder.as_array();
    if (items.empty()) bad("The body must name at least one subscription");
    if (items.size() > 100) bad("At most 100 subscriptions at once");
    std::vector<NewSubscription> made;
    std::vector<domain::Subscription> subs;
    std::vector<domain::Workflow> tasks;
    for (std::size_t i = 0; i < items.size(); ++i) {
      try {
        if (!items[i].is_object()) bad("must be a Subscription object");
        made.push_back(new_subscription(u, items[i].as_object()));
      } catch (const ProblemError& e) {
        Problem p = e.problem();
        p.description = fmt::format("[{}]: {}; nothing was subscribed", i, p.description);
        throw ProblemError(std::move(p));
      }
      if (auto task = subscription_task(u, made.back())) tasks.push_back(std::move(*task));
      subs.push_back(made.back().subscription);
    }
    store.create_subscriptions(subs, tasks);
    json::array out;
    for (const auto& n : made) out.push_back(sub_json(n.subscription, n.api, n.application));
    return ok(200, out);
  });

  // The product's additional subscription information (Solace event brokers) for the caller's
  // subscriptions to an API: Archway has no such brokers, so each entry says isSolaceAPI false.
  r.add("GET", path("/subscriptions/{apiId}/additionalInfo"), [&, user_of](RestRequest& req) {
    const auto u = user_of(req);
    const std::string& api_id = req.path_params["apiId"];
    auto api = store.get_api(api_id);
    if (!api || !shown_to(*api, u)) throw ProblemError(Problem::not_found(fmt::format("API '{}' not found", api_id)));
    const PageRequest p = page_request(req);
    store::SubscriptionQuery q;
    q.api_id = api->id;
    q.owner = u.username;
    q.limit = p.limit;
    q.offset = p.offset;
    const store::SubscriptionPage page = store.list_subscriptions_page(q);
    json::array items;
    for (const auto& s : page.list) {
      const auto app = store.get_application(s.application_id);
      items.push_back(json::object{{"subscriptionId", s.id},
                                   {"applicationId", s.application_id},
                                   {"applicationName", app ? app->name : ""},
                                   {"apiId", s.api_id},
                                   {"isSolaceAPI", false},
                                   {"solaceOrganization", ""},
                                   {"solaceDeployedEnvironments", json::array()}});
    }
    return ok(200, paged(p, std::move(items), page.total, path("/subscriptions/" + api->id + "/additionalInfo")));
  });

  r.add("GET", path("/subscriptions"), [&, user_of, own_app](RestRequest& req) {
    const auto u = user_of(req);
    std::string collection = path("/subscriptions");
    const std::string* app_id = req.query_param("applicationId");
    const std::string* api_id = req.query_param("apiId");
    if (!app_id && !api_id) bad("Query parameter 'applicationId' or 'apiId' is required");
    if (app_id) collection += "?applicationId=" + *app_id;
    if (api_id) collection += std::string(app_id ? "&" : "?") + "apiId=" + *api_id;
    const PageRequest p = page_request(req);
    store::SubscriptionQuery q;
    q.limit = p.limit;
    q.offset = p.offset;
    if (api_id) q.api_id = *api_id;
    if (app_id) {
      own_app(u, *app_id);
      q.application_id = *app_id;
    } else {
      q.owner = u.username;  // the caller's applications' subscriptions to the API
    }
    const store::SubscriptionPage page = store.list_subscriptions_page(q);
    json::array items;
    for (const auto& s : page.list)
      items.push_back(sub_json(s, store.get_api(s.api_id), store.get_application(s.application_id)));
    return ok(200, paged(p, std::move(items), page.total, collection));
  });

  r.add("GET", path("/subscriptions/{subscriptionId}"), [&, user_of, own_app](RestRequest& req) {
    const auto u = user_of(req);
    auto s = store.get_subscription(req.path_params["subscriptionId"]);
    if (!s) throw ProblemError(Problem::not_found("Subscription not found"));
    own_app(u, s->application_id);
    json::object out = sub_json(*s, store.get_api(s->api_id), store.get_application(s->application_id));
    if (s->status == domain::kSubscriptionTierUpdatePending)
      if (auto task = store.find_pending_workflow(domain::kWorkflowSubscriptionUpdate, s->id, ""))
        out["requestedThrottlingPolicy"] = workflow::Approvals::property(*task, "throttlingPolicy");
    return ok(200, out);
  });

  // Moves the subscription to another of the API's tiers; the gateway throttles by it at once.
  r.add("PUT", path("/subscriptions/{subscriptionId}"), [&, user_of, own_app, offered_tier](RestRequest& req) {
    const auto u = user_of(req);
    auto s = store.get_subscription(req.path_params["subscriptionId"]);
    if (!s) throw ProblemError(Problem::not_found("Subscription not found"));
    const auto app = own_app(u, s->application_id);
    json::value holder;
    const auto& o = body_object(req, holder);
    if (auto a = common::opt_string(o, "applicationId", "applicationId"); a && *a != s->application_id)
      bad("'applicationId' cannot change: subscribe the other application instead");
    if (auto a = common::opt_string(o, "apiId", "apiId"); a && *a != s->api_id)
      bad("'apiId' cannot change: subscribe to the other API instead");
    auto api = store.get_api(s->api_id);
    if (!api) throw ProblemError(Problem::not_found("Subscription not found"));
    const std::string tier = offered_tier(o, *api, u, s->throttling_policy);
    if (tier != s->throttling_policy && approvals.required(domain::kWorkflowSubscriptionUpdate)) {
      // The tier changes once approved; the subscription keeps working on its current tier meanwhile.
      if (s->status != domain::kSubscriptionUnblocked)
        throw ProblemError(Problem::conflict(fmt::format(
            "The subscription is {}: its tier can change only while it is UNBLOCKED", s->status)));
      store.request_subscription_tier(
          s->id, workflow::Approvals::task(
                     domain::kWorkflowSubscriptionUpdate, s->id,
                     {{"apiName", api->name},
                      {"apiVersion", api->version},
                      {"applicationName", app.name},
                      {"applicationId", app.id},
                      {"subscriber", app.owner},
                      {"currentThrottlingPolicy", s->throttling_policy},
                      {"throttlingPolicy", tier}},
                     fmt::format("Approve the change of application [{}]'s subscription to API [{} - {}] from tier {} "
                                 "to {}",
                                 app.name, api->name, api->version, s->throttling_policy, tier),
                     u.username));
      s->status = std::string(domain::kSubscriptionTierUpdatePending);
      json::object out = sub_json(*s, api, app);
      out["requestedThrottlingPolicy"] = tier;
      return ok(200, out);
    }
    s->throttling_policy = tier;
    store.update_subscription_tier(s->id, s->throttling_policy);
    return ok(200, sub_json(*s, api, app));
  });

  r.add("DELETE", path("/subscriptions/{subscriptionId}"), [&, user_of, own_app](RestRequest& req) {
    const auto u = user_of(req);
    auto s = store.get_subscription(req.path_params["subscriptionId"]);
    if (!s) throw ProblemError(Problem::not_found("Subscription not found"));
    own_app(u, s->application_id);
    store.delete_subscription(s->id);
    return RestResponse::empty(200);
  });
}

void add_approval_completions(workflow::Approvals& approvals, store::Store& store) {
  approvals.on_complete(domain::kWorkflowApplicationCreation, [&store](const domain::Workflow& t, bool approved) {
    store.set_application_status(t.subject_id, approved ? domain::kApplicationApproved : domain::kApplicationRejected);
  });
  approvals.on_complete(domain::kWorkflowSubscriptionCreation, [&store](const domain::Workflow& t, bool approved) {
    store.update_subscription_status(t.subject_id,
                                     approved ? domain::kSubscriptionUnblocked : domain::kSubscriptionRejected);
  });
  approvals.on_complete(domain::kWorkflowSubscriptionUpdate, [&store](const domain::Workflow& t, bool approved) {
    if (approved) store.update_subscription_tier(t.subject_id, workflow::Approvals::property(t, "throttlingPolicy"));
    store.update_subscription_status(t.subject_id, domain::kSubscriptionUnblocked);
  });
}

}  // namespace archway::devportal
