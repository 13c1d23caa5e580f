#include "admin/policy_transfer_rest.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>

#include "admin/admin_rest.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/problem.h"
#include "common/strings.h"
#include "domain/policy_json.h"
#include "http/multipart.h"
#include "identity/roles.h"
#include "openapi/openapi.h"

namespace archway::admin {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

// A level as the product names it in searches ("sub"), exported files ("subscription policy") and
// import messages ("Subscription").
struct Level {
  std::string_view level;  // ours
  std::string_view short_name;
  std::string_view subtype;
  std::string_view title;
};
// Custom rules are the product's "global" policies.
constexpr std::array<Level, 4> kLevels = {{
    {domain::kPolicyLevelSubscription, "sub", "subscription policy", "Subscription"},
    {domain::kPolicyLevelApplication, "app", "application policy", "Application"},
    {domain::kPolicyLevelAdvanced, "api", "advanced policy", "Advanced"},
    {domain::kPolicyLevelCustom, "global", "custom rule", "Custom"},
}};

// "sub"/"subscription", "app"/"application", "api"/"advanced", "global"/"custom": the levels a
// type names (all of them for an empty type).
std::vector<Level> levels_named(std::string_view type) {
  if (type.empty()) return {kLevels.begin(), kLevels.end()};
  const std::string t = common::to_lower(std::string(type));
  for (const auto& l : kLevels)
    if (t == l.short_name || t == l.level) return {l};
  bad(fmt::format("unknown policy type '{}': use sub, app, api or global (custom rules)", type));
}

}  // namespace

void add_policy_transfer_routes(http::RestRouter& r, identity::Authenticator& auth,
                                store::Store& store) {
  auto admin = [&auth](const RestRequest& req) {
    auth.authorize(req, {domain::kRoleAdmin}, identity::kScopeAdmin);
  };
  const std::string base = admin_path("/throttling/policies");

  // ?query=type:app name:Gold (words without a prefix match names too, case-insensitively).
  r.add("GET", base + "/search", [&store, admin](RestRequest& req) {
    admin(req);
    std::string type;
    std::vector<std::string> names;
    if (const std::string* q = req.query_param("query"))
      for (const auto& word : common::split_words(*q)) {
        if (word.starts_with("type:"))
          type = word.substr(5);
        else if (word.starts_with("name:"))
          names.push_back(common::to_lower(word.substr(5)));
        else
          names.push_back(common::to_lower(word));
      }
    json::array items;
    for (const auto& l : levels_named(type))
      for (const auto& p : store.list_policies(l.level)) {
        const std::string lower = common::to_lower(p.name);
        if (!std::all_of(names.begin(), names.end(),
                         [&](const auto& n) { return lower.find(n) != std::string::npos; }))
          continue;
        items.push_back(json::object{{"policyId", p.id},
                                     {"uuid", p.id},
                                     {"policyName", p.name},
                                     {"displayName", p.display_name},
                                     {"description", p.description},
                                     {"isDeployed", true},
                                     {"type", l.short_name}});
      }
    return RestResponse::json(200, json::serialize(common::list_body(std::move(items))));
  });

  // ?policyId= or ?name=[&type=]; format JSON (default) or YAML.
  r.add("GET", base + "/export", [&store, admin](RestRequest& req) {
    admin(req);
    const std::string* id = req.query_param("policyId");
    const std::string* name = req.query_param("name");
    const std::string* type = req.query_param("type");
    const std::string* format = req.query_param("format");
    const std::string fmt_name = format ? common::to_lower(*format) : "json";
    if (fmt_name != "json" && fmt_name != "yaml") bad("'format' must be JSON or YAML");
    if ((!id || id->empty()) && (!name || name->empty()))
      bad("give the policy's 'policyId' or its 'name'");
    std::optional<domain::ThrottlePolicy> found;
    const Level* level = nullptr;
    for (const auto& l : levels_named(type ? *type : "")) {
      found =
          id && !id->empty() ? store.get_policy(l.level, *id) : store.find_policy(l.level, *name);
      if (found) {
        level = std::find_if(kLevels.begin(), kLevels.end(),
                             [&](const Level& k) { return k.level == l.level; });
        break;
      }
    }
    if (!found)
      throw ProblemError(Problem::not_found(
          fmt::format("Throttling policy '{}' not found", id && !id->empty() ? *id : *name)));
    const json::object file{{"type", "throttling policy"},
                            {"subtype", level->subtype},
                            {"version", "v4.5.0"},
                            {"data", domain::policy_to_json(*found)}};
    if (fmt_name == "json") return RestResponse::json(200, json::serialize(file));
    RestResponse res;
    res.body = openapi::to_yaml(file);
    res.content_type = "application/yaml";
    return res;
  });

  // multipart `file`: an exported policy (JSON or YAML); ?overwrite=true replaces a policy of the
  // same level and name, otherwise it is a 409.
  r.add("POST", base + "/import", [&store, admin](RestRequest& req) {
    admin(req);
    const auto parts = http::form_parts(req);
    const http::FormPart* file = http::find_part(parts, "file");
    if (!file) bad("the form must carry the exported policy as 'file'");
    const bool overwrite = http::query_bool(req, "overwrite", false);
    std::vector<openapi::Issue> errors;
    const auto doc = openapi::parse_text(file->body, errors);
    if (!doc || !doc->is_object())
      bad(fmt::format("'file' is not a JSON or YAML exported throttling policy{}",
                      errors.empty() ? "" : ": " + errors.front().message));
    const json::object& o = doc->as_object();
    if (common::opt_string(o, "type", "type").value_or("") != "throttling policy")
      bad("'type' must be \"throttling policy\"");
    const std::string subtype = common::opt_string(o, "subtype", "subtype").value_or("");
    const auto level = std::find_if(kLevels.begin(), kLevels.end(),
                                    [&](const Level& l) { return l.subtype == subtype; });
    if (level == kLevels.end())
      bad(
          fmt::format("'subtype' '{}' is not one Archway imports (subscription policy, application "
                      "policy, advanced policy, custom rule)",
                      subtype));
    const json::object* data = common::opt_object(o, "data", "data");
    if (!data) bad("'data' (the policy) is required");
    domain::ThrottlePolicy p = domain::policy_from_json(*data, level->level);
    const auto existing = store.find_policy(level->level, p.name);
    if (existing && !overwrite)
      throw ProblemError(Problem::conflict(fmt::format(
          "{} Policy with name {} already exists (import with overwrite=true to replace it)",
          level->title, p.name)));
    if (existing) {
      if (existing->unlimited) bad(fmt::format("The built-in tier '{}' cannot be changed", p.name));
      p.id = existing->id;
      store.update_policy(p);
    } else {
      p.id = common::new_uuid();
      store.create_policy(p);
    }
    RestResponse res;
    res.body = fmt::format("Successfully imported {} Throttling Policy : {}", level->title, p.name);
    res.content_type = "text/plain";
    return res;
  });
}

}  // namespace archway::admin
