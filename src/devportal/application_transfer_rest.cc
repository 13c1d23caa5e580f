#include "devportal/application_transfer_rest.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "archive/zip.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/problem.h"
#include "devportal/devportal_rest.h"
#include "domain/application_json.h"
#include "domain/lifecycle.h"
#include "http/file_response.h"
#include "http/multipart.h"
#include "identity/roles.h"
#include "openapi/openapi.h"

namespace archway::devportal {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

// The version the exported file names; the import reads any.
constexpr std::string_view kExportVersion = "v4.5.0";

[[noreturn]] void bad(std::string d) { throw ProblemError(Problem::bad_request(std::move(d))); }

std::string path(std::string_view suffix) { return std::string(kDevportalBase) + std::string(suffix); }

json::object exported_key(const domain::KeyMapping& k) {
  return json::object{{"keyType", k.key_type},
                      {"keyManager", k.key_manager},
                      {"consumerKey", k.consumer_key},
                      {"supportedGrantTypes", json::array(k.grant_types.begin(), k.grant_types.end())},
                      {"callbackUrl", k.callback_url},
                      {"additionalProperties", json::object{{domain::kTokenExpiryProperty, k.validity_seconds}}}};
}

// The product's exported file: {type: application, version, data: {applicationInfo, subscribedAPIs}}.
json::object exported_application(store::Store& store, const domain::Application& app, bool with_keys) {
  json::object info = domain::application_to_json(app, store.count_subscriptions(app.id));
  json::array keys;
  if (with_keys)
    for (const auto& k : store.list_key_mappings(app.id)) keys.push_back(exported_key(k));
  info["keys"] = std::move(keys);
  json::array subscribed;
  for (const auto& s : store.list_subscriptions(app.id, "")) {
    const auto api = store.get_api(s.api_id);
    if (!api) continue;
    subscribed.push_back(json::object{
        {"apiId", json::object{{"providerName", api->provider}, {"apiName", api->name}, {"version", api->version}}},
        {"subscriber", json::object{{"name", app.owner}}},
        {"throttlingPolicy", s.throttling_policy}});
  }
  return json::object{{"type", "application"},
                      {"version", kExportVersion},
                      {"data", json::object{{"applicationInfo", std::move(info)}, {"subscribedAPIs", std::move(subscribed)}}}};
}

// The application file of an uploaded archive: the one .json/.yaml/.yml file whose type is application.
json::object application_file(std::string_view zip) {
  const archive::ZipReadResult read = archive::read_zip(zip, archive::ZipLimits{200, 8 * 1024 * 1024});
  if (!read.ok()) bad("'file' is not a readable application archive: " + read.error);
  for (const auto& e : read.entries) {
    const std::string_view name = e.name;
    if (!(name.ends_with(".json") || name.ends_with(".yaml") || name.ends_with(".yml"))) continue;
    std::vector<openapi::Issue> issues;
    auto v = openapi::parse_text(e.data, issues);
    if (!v || !v->is_object()) continue;
    const json::value* type = v->as_object().if_contains("type");
    if (type && type->is_string() && type->as_string() == "application") return std::move(v->as_object());
  }
  bad("'file' holds no application file (a .json or .yaml file with \"type\": \"application\")");
}

std::string string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

void add_application_transfer_routes(http::RestRouter& r, identity::Authenticator& auth, store::Store& store) {
  auto admin = [&auth](const RestRequest& req) {
    return auth.authorize(req, {domain::kRoleAdmin}, identity::kScopeAppImportExport).user;
  };

  r.add("GET", path("/applications/export"), [&, admin](RestRequest& req) {
    admin(req);
    const std::string& name = http::required_query(req, "appName");
    const std::string& owner = http::required_query(req, "appOwner");
    const bool with_keys = http::query_bool(req, "withKeys", false);
    std::string format = "YAML";
    if (const std::string* f = req.query_param("format"); f && !f->empty()) {
      format = *f;
      std::transform(format.begin(), format.end(), format.begin(), [](unsigned char c) { return std::toupper(c); });
      if (format != "JSON" && format != "YAML") bad(fmt::format("'format' must be JSON or YAML, got '{}'", *f));
    }
    const auto app = store.find_application(owner, name);
    if (!app) throw ProblemError(Problem::not_found(fmt::format("Application '{}' of '{}' not found", name, owner)));
    const json::object file = exported_application(store, *app, with_keys);
    const std::string dir = owner + "-" + name;
    const std::string text = format == "JSON" ? json::serialize(file) : openapi::to_yaml(file);
    const std::string zip =
        archive::write_zip({{dir + "/" + name + (format == "JSON" ? ".json" : ".yaml"), text}});
    return http::file_response(zip, "application/zip", dir + ".zip");
  });

  // Creates (or with update=true updates) the application of an exported archive, subscribes it to
  // the APIs of this installation with the same provider, name and version, and maps its keys of
  // external key managers. What cannot be carried over is listed, not fatal: subscriptions to APIs
  // that are absent or not PUBLISHED here, or to tiers they do not offer, and the resident Key
  // Manager's keys (their secrets are never exported: generate new ones).
  r.add("POST", path("/applications/import"), [&, admin](RestRequest& req) {
    const domain::User caller = admin(req);
    const bool preserve_owner = http::query_bool(req, "preserveOwner", false);
    const bool skip_subscriptions = http::query_bool(req, "skipSubscriptions", false);
    const bool skip_keys = http::query_bool(req, "skipApplicationKeys", false);
    const bool update = http::query_bool(req, "update", false);
    const auto parts = http::form_parts(req);
    const http::FormPart* upload = http::find_part(parts, "file");
    if (!upload) bad("'file' is required: send the application zip in a multipart 'file' part");
    const json::object file = application_file(upload->body);
    const json::value* data = file.if_contains("data");
    if (!data || !data->is_object()) bad("The application file has no 'data' object");
    const json::value* info_v = data->as_object().if_contains("applicationInfo");
    if (!info_v || !info_v->is_object()) bad("The application file has no 'data.applicationInfo' object");
    const json::object& info = info_v->as_object();

    std::string owner = caller.username;
    if (preserve_owner) owner = string_at(info, "owner");
    else if (const std::string* o = req.query_param("appOwner"); o && !o->empty()) owner = *o;
    if (owner.empty()) bad("'data.applicationInfo.owner' is required with preserveOwner=true");
    if (!store.find_user(owner)) bad(fmt::format("The owner '{}' is not a user of this server", owner));

    domain::Application app;
    app.name = string_at(info, "name");
    if (app.name.empty() || app.name.size() > 70) bad("'data.applicationInfo.name' is required (at most 70 characters)");
    app.throttling_policy = string_at(info, "throttlingPolicy");
    if (app.throttling_policy.empty()) app.throttling_policy = "Unlimited";
    if (!store.find_policy(domain::kPolicyLevelApplication, app.throttling_policy))
      bad(fmt::format("'data.applicationInfo.throttlingPolicy': no application tier '{}' here", app.throttling_policy));
    app.description = string_at(info, "description");
    if (const json::value* attrs = info.if_contains("attributes"); attrs && attrs->is_object())
      for (const auto& [name, value] : attrs->as_object())
        if (value.is_string() && !name.empty()) app.attributes.emplace_back(std::string(name), std::string(value.get_string()));
    std::sort(app.attributes.begin(), app.attributes.end());
    app.owner = owner;

    // Everything is checked before anything is written.
    json::array skipped_subscriptions;
    std::vector<domain::Subscription> subscriptions;
    const auto existing = store.find_application(owner, app.name);
    if (existing && !update)
      throw ProblemError(Problem::conflict(fmt::format(
          "An application named '{}' already exists for '{}' (import with update=true to update it)", app.name, owner)));
    app.id = existing ? existing->id : common::new_uuid();
    app.created_time = existing ? existing->created_time : common::now_millis();
    app.updated_time = common::now_millis();
    app.status = existing ? existing->status : std::string(domain::kApplicationApproved);
    if (!skip_subscriptions)
      if (const json::value* subs = data->as_object().if_contains("subscribedAPIs"); subs && subs->is_array()) {
        for (const auto& s : subs->as_array()) {
          if (!s.is_object()) bad("'data.subscribedAPIs' must hold objects");
          const json::value* id = s.as_object().if_contains("apiId");
          const json::object empty;
          const json::object& api_id = id && id->is_object() ? id->as_object() : empty;
          const std::string name = string_at(api_id, "apiName"), version = string_at(api_id, "version"),
                            provider = string_at(api_id, "providerName");
          const std::string tier = string_at(s.as_object(), "throttlingPolicy");
          auto skip = [&](std::string reason) {
            skipped_subscriptions.push_back(json::object{
                {"apiName", name}, {"version", version}, {"providerName", provider}, {"reason", std::move(reason)}});
          };
          const auto api = store.find_api_by_name_version(name, version);
          if (!api || (!provider.empty() && api->provider != provider)) {
            skip("no such API here");
          } else if (api->lifecycle_status != domain::kLifecyclePublished) {
            skip(fmt::format("the API is {}", api->lifecycle_status));
          } else if (std::find(api->policies.begin(), api->policies.end(), tier) == api->policies.end()) {
            skip(fmt::format("the API does not offer tier '{}'", tier));
          } else if (existing && !store.list_subscriptions(app.id, api->id).empty()) {
            skip("already subscribed");
          } else {
            domain::Subscription sub;
            sub.id = common::new_uuid();
            sub.application_id = app.id;
            sub.api_id = api->id;
            sub.throttling_policy = tier;
            sub.created_time = common::now_millis();
            subscriptions.push_back(std::move(sub));
          }
        }
      }
    json::array skipped_keys;
    std::vector<domain::KeyMapping> keys;
    if (!skip_keys)
      if (const json::value* ks = info.if_contains("keys"); ks && ks->is_array()) {
        const auto current = existing ? store.list_key_mappings(app.id) : std::vector<domain::KeyMapping>{};
        for (const auto& k : ks->as_array()) {
          if (!k.is_object()) bad("'data.applicationInfo.keys' must hold objects");
          const json::object& ko = k.as_object();
          const std::string manager = string_at(ko, "keyManager"), key_type = string_at(ko, "keyType"),
                            consumer_key = string_at(ko, "consumerKey");
          auto skip = [&](std::string reason) {
            skipped_keys.push_back(json::object{{"keyType", key_type}, {"keyManager", manager}, {"reason", std::move(reason)}});
          };
          std::optional<domain::ExternalKeyManager> ext;
          for (auto& m : store.list_key_managers())
            if (m.name == manager) ext = m;
          if (key_type != domain::kKeyTypeProduction && key_type != domain::kKeyTypeSandbox) {
            skip("'keyType' must be PRODUCTION or SANDBOX");
          } else if (manager.empty() || manager == domain::kResidentKeyManager) {
            skip("the resident Key Manager's secrets are not exported: generate new keys");
          } else if (!ext) {
            skip("no such key manager here");
          } else if (consumer_key.empty() || consumer_key.size() > 256) {
            skip("no consumer key");
          } else if (std::any_of(current.begin(), current.end(), [&](const auto& c) {
                       return c.key_type == key_type && c.key_manager == ext->name;
                     })) {
            skip("the application has these keys already");
          } else {
            domain::KeyMapping m;
            m.id = common::new_uuid();
            m.application_id = app.id;
            m.key_type = key_type;
            m.consumer_key = consumer_key;
            m.key_manager = ext->name;
            m.created_time = common::now_millis();
            keys.push_back(std::move(m));
          }
        }
      }

    if (existing) store.update_application(app);
    else store.create_application(app);
    if (!subscriptions.empty()) store.create_subscriptions(subscriptions, {});
    for (const auto& k : keys) store.create_key_mapping(k);

    json::object out = domain::application_to_json(app, store.count_subscriptions(app.id));
    out["skippedSubscriptions"] = std::move(skipped_subscriptions);  // Archway additions
    out["skippedKeys"] = std::move(skipped_keys);
    return RestResponse::json(existing ? 200 : 201, json::serialize(out));
  });
}

}  // namespace archway::devportal
