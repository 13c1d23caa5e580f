#include "devportal/devportal_rest.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/problem.h"
#include "common/strings.h"
#include "domain/api_json.h"
#include "domain/policy_json.h"
#include "identity/roles.h"

namespace archway::devportal {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

const std::vector<std::string> kGrantTypes = {"client_credentials", "password", "refresh_token",
                                              "authorization_code", "urn:ietf:params:oauth:grant-type:jwt-bearer"};

std::string path(std::string_view suffix) { return std::string(kDevportalBase) + std::string(suffix); }
RestResponse ok(int status, const json::value& v) { return RestResponse::json(status, json::serialize(v)); }
[[noreturn]] void bad(std::string d) { throw ProblemError(Problem::bad_request(std::move(d))); }

bool visible(const domain::Api& a) { return domain::shown_in_devportal(a.lifecycle_status); }

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
  return o;
}

json::object app_json(const domain::Application& a, std::size_t subscriptions) {
  return json::object{{"applicationId", a.id},
                      {"name", a.name},
                      {"throttlingPolicy", a.throttling_policy},
                      {"description", a.description},
                      {"tokenType", a.token_type},
                      {"status", a.status},
                      {"groups", json::array()},
                      {"subscriptionCount", subscriptions},
                      {"attributes", json::object()},
                      {"owner", a.owner},
                      {"createdTime", common::iso8601_utc(a.created_time)},
                      {"updatedTime", common::iso8601_utc(a.updated_time)}};
}

json::object key_json(const domain::KeyMapping& k, const std::string& secret) {
  json::object o{{"keyMappingId", k.id},
                 {"keyManager", k.key_manager},
                 {"consumerKey", k.consumer_key},
                 {"supportedGrantTypes", json::array(k.grant_types.begin(), k.grant_types.end())},
                 {"callbackUrl", k.callback_url},
                 {"keyState", "COMPLETED"},
                 {"keyType", k.key_type},
                 {"mode", "CREATED"},
                 {"additionalProperties", json::object{{"application_access_token_expiry_time", k.validity_seconds}}}};
  // The secret is stored hashed: it is shown once, when it is created or regenerated.
  o["consumerSecret"] = secret.empty() ? json::value(nullptr) : json::value(secret);
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
                 {"status", s.status}};
  if (api) o["apiInfo"] = api_info(*api);
  if (app) o["applicationInfo"] = app_json(*app, 0);
  return o;
}

// The product's lists here also carry pagination; ours are never paged yet.
json::object list_of(json::array items) {
  json::object o = common::list_body(std::move(items));
  const auto n = o["count"];
  o["pagination"] = json::object{{"offset", 0}, {"limit", n}, {"total", n}, {"next", ""}, {"previous", ""}};
  return o;
}

const json::object& body_object(const RestRequest& req, json::value& holder) {
  holder = common::parse_json_body(req.body);
  return common::as_object(holder, "");
}

std::string key_type_of(const std::string& s, std::string_view field) {
  if (s == domain::kKeyTypeProduction || s == domain::kKeyTypeSandbox) return s;
  bad(fmt::format("'{}' must be PRODUCTION or SANDBOX, got '{}'", field, s));
}

}  // namespace

void add_devportal_routes(http::RestRouter& r, store::Store& store, keymanager::KeyManager& km,
                          identity::Authenticator& auth, identity::UserService& users, bool self_signup) {
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

  auto check_app_tier = [&store](const std::string& tier) {
    if (!store.find_policy(domain::kPolicyLevelApplication, tier))
      bad(fmt::format("'throttlingPolicy' '{}' is not an application tier (see /throttling-policies/application)", tier));
  };

  r.add("GET", path("/throttling-policies/{policyLevel}"), [&, user_of](RestRequest& req) {
    user_of(req);
    const std::string& level = req.path_params["policyLevel"];
    if (level != domain::kPolicyLevelSubscription && level != domain::kPolicyLevelApplication)
      bad("Policy level must be subscription or application, got '" + level + "'");
    json::array items;
    for (const auto& p : store.list_policies(level)) items.push_back(domain::policy_summary_json(p));
    return ok(200, list_of(std::move(items)));
  });

  // GET /apis and GET /search take the product's search syntax (name:, tag:, context:,
  // provider:, version:, status: and free text) over the APIs the portal shows.
  auto search = [&, user_of](RestRequest& req, bool results) {
    user_of(req);
    json::array items;
    store::ApiQuery q = store::parse_api_query(req.query_param("query") ? *req.query_param("query") : "");
    q.limit = 1000;
    for (const auto& a : store.list_apis(q).list) {
      if (!visible(a)) continue;
      json::object info = api_info(a);
      if (results) {
        info["type"] = a.is_product() ? "APIPRODUCT" : "API";
        info["transportType"] = a.type;
      }
      items.push_back(std::move(info));
    }
    return ok(200, list_of(std::move(items)));
  };
  r.add("GET", path("/apis"), [search](RestRequest& req) { return search(req, false); });
  r.add("GET", path("/search"), [search](RestRequest& req) { return search(req, true); });

  r.add("GET", path("/apis/{apiId}"), [&, user_of](RestRequest& req) {
    user_of(req);
    auto a = store.get_api(req.path_params["apiId"]);
    if (!a || !visible(*a)) throw ProblemError(Problem::not_found("API '" + req.path_params["apiId"] + "' not found"));
    json::object o = api_info(*a);
    o["operations"] = domain::api_to_json(*a)["operations"];
    if (a->is_product()) {  // the bundled APIs and their operations, in the product's shape
      o["apis"] = domain::product_to_json(*a)["apis"];
      json::array ops;
      for (const auto& entry : o["apis"].as_array())
        for (const auto& op : entry.as_object().at("operations").as_array()) ops.push_back(op);
      o["operations"] = std::move(ops);
    }
    return ok(200, o);
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
    app.created_time = app.updated_time = common::now_millis();
    store.create_application(app);
    RestResponse res = ok(201, app_json(app, 0));
    res.headers.emplace_back("Location", path("/applications/" + app.id));
    return res;
  });

  r.add("GET", path("/applications"), [&, user_of](RestRequest& req) {
    const auto u = user_of(req);
    json::array items;
    for (const auto& a : store.list_applications(u.username))
      items.push_back(app_json(a, store.list_subscriptions(a.id, "").size()));
    return ok(200, list_of(std::move(items)));
  });

  r.add("GET", path("/applications/{applicationId}"), [&, user_of, own_app](RestRequest& req) {
    const auto app = own_app(user_of(req), req.path_params["applicationId"]);
    return ok(200, app_json(app, store.list_subscriptions(app.id, "").size()));
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
    app.updated_time = common::now_millis();
    store.update_application(app);
    return ok(200, app_json(app, store.list_subscriptions(app.id, "").size()));
  });

  r.add("DELETE", path("/applications/{applicationId}"), [&, user_of, own_app](RestRequest& req) {
    const auto app = own_app(user_of(req), req.path_params["applicationId"]);
    store.delete_application(app.id);
    return RestResponse::empty(200);
  });

  r.add("POST", path("/applications/{applicationId}/generate-keys"), [&, user_of, own_app](RestRequest& req) {
    const auto app = own_app(user_of(req), req.path_params["applicationId"]);
    json::value holder;
    const auto& o = body_object(req, holder);
    const std::string key_type = key_type_of(common::opt_string(o, "keyType", "keyType").value_or(""), "keyType");
    std::vector<std::string> grants{"client_credentials"};
    if (const json::array* g = common::opt_array(o, "grantTypesToBeSupported", "grantTypesToBeSupported")) {
      grants.clear();
      for (const auto& v : *g) {
        if (!v.is_string()) bad("'grantTypesToBeSupported' must hold grant type names");
        const std::string name(v.get_string());
        if (std::find(kGrantTypes.begin(), kGrantTypes.end(), name) == kGrantTypes.end())
          bad(fmt::format("'grantTypesToBeSupported': unknown grant type '{}'", name));
        grants.push_back(name);
      }
    }
    const std::string callback = common::opt_string(o, "callbackUrl", "callbackUrl").value_or("");
    const std::int64_t validity = common::opt_int(o, "validityTime", "validityTime").value_or(3600);
    if (validity <= 0 || validity > 365LL * 24 * 3600) bad("'validityTime' must be between 1 and 31536000 seconds");
    auto client = km.create_client(app, key_type, grants, callback, validity);
    json::object out = key_json(client.mapping, client.consumer_secret);
    out["token"] = token_json(km.issue(client.mapping, app, app.owner, "default", validity));
    return ok(200, out);
  });

  // Maps a client of an external key manager to the application, so its tokens call APIs as it.
  r.add("POST", path("/applications/{applicationId}/map-keys"), [&, user_of, own_app](RestRequest& req) {
    const auto app = own_app(user_of(req), req.path_params["applicationId"]);
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

  auto find_mapping = [&store](const domain::Application& app, const std::string& id) {
    for (auto& k : store.list_key_mappings(app.id))
      if (k.id == id) return k;
    throw ProblemError(Problem::not_found(fmt::format("Key mapping '{}' not found", id)));
  };

  r.add("POST", path("/applications/{applicationId}/oauth-keys/{keyMappingId}/generate-token"),
        [&, user_of, own_app, find_mapping](RestRequest& req) {
          const auto app = own_app(user_of(req), req.path_params["applicationId"]);
          const auto mapping = find_mapping(app, req.path_params["keyMappingId"]);
          json::value holder;
          const auto& o = body_object(req, holder);
          const std::string secret = common::opt_string(o, "consumerSecret", "consumerSecret").value_or("");
          if (secret.empty()) bad("'consumerSecret' is required");
          if (!km.authenticate_client(mapping.consumer_key, secret))
            throw ProblemError(Problem::unauthorized("'consumerSecret' does not match this application's keys"));
          const std::int64_t validity =
              common::opt_int(o, "validityPeriod", "validityPeriod").value_or(mapping.validity_seconds);
          if (validity <= 0 || validity > 365LL * 24 * 3600)
            bad("'validityPeriod' must be between 1 and 31536000 seconds");
          return ok(200, token_json(km.issue(mapping, app, app.owner, "default", validity)));
        });

  r.add("POST", path("/applications/{applicationId}/oauth-keys/{keyMappingId}/regenerate-secret"),
        [&, user_of, own_app, find_mapping](RestRequest& req) {
          const auto app = own_app(user_of(req), req.path_params["applicationId"]);
          const auto mapping = find_mapping(app, req.path_params["keyMappingId"]);
          const std::string secret = km.regenerate_secret(mapping);
          return ok(200, json::object{{"consumerKey", mapping.consumer_key}, {"consumerSecret", secret}});
        });

  r.add("POST", path("/applications/{applicationId}/api-keys/{keyType}/generate"), [&, user_of, own_app](RestRequest& req) {
    const auto app = own_app(user_of(req), req.path_params["applicationId"]);
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

  r.add("POST", path("/subscriptions"), [&, user_of, own_app](RestRequest& req) {
    const auto u = user_of(req);
    json::value holder;
    const auto& o = body_object(req, holder);
    const std::string app_id = common::opt_string(o, "applicationId", "applicationId").value_or("");
    const std::string api_id = common::opt_string(o, "apiId", "apiId").value_or("");
    if (app_id.empty()) bad("'applicationId' is required");
    if (api_id.empty()) bad("'apiId' is required");
    const auto app = own_app(u, app_id);
    auto api = store.get_api(api_id);
    if (!api || !visible(*api)) throw ProblemError(Problem::not_found(fmt::format("API '{}' not found", api_id)));
    if (api->lifecycle_status != domain::kLifecyclePublished)
      bad(fmt::format("API '{}' is {} and accepts no new subscriptions{}", api->name,
                      api->lifecycle_status,
                      api->lifecycle_status == domain::kLifecyclePrototyped
                          ? " (a prototype is called without one)"
                          : ""));
    const std::string tier = common::opt_string(o, "throttlingPolicy", "throttlingPolicy").value_or("");
    if (tier.empty()) bad("'throttlingPolicy' is required");
    if (std::find(api->policies.begin(), api->policies.end(), tier) == api->policies.end())
      bad(fmt::format("'throttlingPolicy' '{}' is not offered by API '{}' (offered: {})", tier, api->name,
                      api->policies.empty() ? std::string("none") : fmt::format("{}", fmt::join(api->policies, ", "))));
    domain::Subscription s;
    s.id = common::new_uuid();
    s.application_id = app.id;
    s.api_id = api->id;
    s.throttling_policy = tier;
    s.created_time = common::now_millis();
    store.create_subscription(s);
    RestResponse res = ok(201, sub_json(s, api, app));
    res.headers.emplace_back("Location", path("/subscriptions/" + s.id));
    return res;
  });

  r.add("GET", path("/subscriptions"), [&, user_of, own_app](RestRequest& req) {
    const auto u = user_of(req);
    const std::string* app_id = req.query_param("applicationId");
    const std::string* api_id = req.query_param("apiId");
    if (!app_id && !api_id) bad("Query parameter 'applicationId' or 'apiId' is required");
    std::vector<domain::Subscription> subs;
    if (app_id) {
      own_app(u, *app_id);
      subs = store.list_subscriptions(*app_id, api_id ? *api_id : "");
    } else {
      for (const auto& a : store.list_applications(u.username))
        for (auto& s : store.list_subscriptions(a.id, *api_id)) subs.push_back(std::move(s));
    }
    json::array items;
    for (const auto& s : subs) items.push_back(sub_json(s, store.get_api(s.api_id), std::nullopt));
    return ok(200, list_of(std::move(items)));
  });

  r.add("GET", path("/subscriptions/{subscriptionId}"), [&, user_of, own_app](RestRequest& req) {
    const auto u = user_of(req);
    auto s = store.get_subscription(req.path_params["subscriptionId"]);
    if (!s) throw ProblemError(Problem::not_found("Subscription not found"));
    own_app(u, s->application_id);
    return ok(200, sub_json(*s, store.get_api(s->api_id), std::nullopt));
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

}  // namespace archway::devportal
