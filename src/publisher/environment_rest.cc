#include "publisher/environment_rest.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "common/json.h"
#include "common/problem.h"
#include "identity/roles.h"
#include "publisher/publisher_rest.h"

namespace archway::publisher {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

RestResponse ok(const json::value& v) { return RestResponse::json(200, json::serialize(v)); }
[[noreturn]] void bad(std::string d) { throw ProblemError(Problem::bad_request(std::move(d))); }

json::object labels_json(const std::vector<domain::Label>& labels) {
  json::array items;
  for (const auto& l : labels)
    items.push_back(json::object{{"id", l.id}, {"name", l.name}, {"description", l.description}});
  return common::list_body(std::move(items));
}

// {"labels": ["<label id>", ...]}
std::vector<std::string> label_ids_from(const RestRequest& req) {
  const json::value v = common::parse_json_body(req.body);
  const json::array* labels = common::opt_array(common::as_object(v, ""), "labels", "labels");
  if (!labels || labels->empty()) bad("'labels' must list at least one label id");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < labels->size(); ++i) {
    if (!(*labels)[i].is_string() || (*labels)[i].get_string().empty())
      bad(fmt::format("'labels[{}]' must be a label id", i));
    out.emplace_back((*labels)[i].get_string());
  }
  return out;
}

// A flat object of strings: {"productionEndpoint": "https://...", "region": "eu"}.
domain::EnvironmentProperties properties_from(const RestRequest& req) {
  const json::value v = common::parse_json_body(req.body);
  domain::EnvironmentProperties out;
  for (const auto& [key, value] : common::as_object(v, "")) {
    if (key.empty() || key.size() > 255) bad("property names must be 1-255 characters");
    if (value.is_null()) continue;  // as the product does: empty entries are dropped
    if (!value.is_string()) bad(fmt::format("'{}' must be a string", std::string_view(key)));
    if (value.get_string().size() > 4096)
      bad(fmt::format("'{}' must be at most 4096 characters", std::string_view(key)));
    out[std::string(key)] = std::string(value.get_string());
  }
  return out;
}

json::object properties_json(const domain::EnvironmentProperties& p) {
  json::object o;
  for (const auto& [k, v] : p) o[k] = v;
  return o;
}

}  // namespace

void add_environment_routes(http::RestRouter& r, ApiService& apis, ApiService& products,
                            identity::Authenticator& auth) {
  auto reader = [&auth](const RestRequest& req) {
    auth.authorize(req, {domain::kRoleCreator, domain::kRolePublisher}, identity::kScopeApiView);
  };
  auto creator = [&auth](const RestRequest& req) {
    auth.authorize(req, {domain::kRoleCreator}, identity::kScopeApiCreate);
  };
  auto publisher = [&auth](const RestRequest& req) {
    auth.authorize(req, {domain::kRolePublisher}, identity::kScopeApiPublish);
  };

  // PUT .../deployments/{deploymentId}: the deployment's Developer Portal visibility. The id is the
  // environment's name in base64url, as the product has it.
  for (auto [svc, item, id_param] :
       {std::tuple{&apis, "/apis/{apiId}", "apiId"},
        std::tuple{&products, "/api-products/{apiProductId}", "apiProductId"}}) {
    r.add(
        "PUT", publisher_path(std::string(item) + "/deployments/{deploymentId}"),
        [svc, id_param, publisher](RestRequest& req) {
          publisher(req);
          const std::string& id = req.path_params[id_param];
          const std::string& deployment_id = req.path_params["deploymentId"];
          const auto environment = identity::decode_name_id(deployment_id);
          if (!environment)
            throw ProblemError(Problem::not_found(fmt::format(
                "Deployment '{}' not found: a deployment id is its environment's name in base64url",
                deployment_id)));
          const json::value v = common::parse_json_body(req.body);
          const json::object& o = common::as_object(v, "");
          const auto display = common::opt_bool(o, "displayOnDevportal", "displayOnDevportal");
          if (!display) bad("'displayOnDevportal' is required: it is what this call changes");
          if (auto name = common::opt_string(o, "name", "name"); name && *name != *environment)
            bad(fmt::format("'name' must be the deployment's environment '{}'", *environment));
          return ok(deployment_json(svc->set_deployment_visibility(id, *environment, *display)));
        });
  }

  r.add("GET", publisher_path("/apis/{apiId}/environments/{envId}/keys"),
        [&apis, creator](RestRequest& req) {
          creator(req);
          return ok(properties_json(
              apis.environment_properties(req.path_params["apiId"], req.path_params["envId"])));
        });

  r.add("PUT", publisher_path("/apis/{apiId}/environments/{envId}/keys"),
        [&apis, creator](RestRequest& req) {
          creator(req);
          return ok(properties_json(apis.set_environment_properties(
              req.path_params["apiId"], req.path_params["envId"], properties_from(req))));
        });

  r.add("GET", publisher_path("/apis/{apiId}/labels"), [&apis, reader](RestRequest& req) {
    reader(req);
    return ok(labels_json(apis.labels(req.path_params["apiId"])));
  });

  for (auto [suffix, attach] :
       {std::pair{"/attach-labels", true}, std::pair{"/detach-labels", false}}) {
    r.add("POST", publisher_path(std::string("/apis/{apiId}") + suffix),
          [&apis, creator, attach](RestRequest& req) {
            creator(req);
            return ok(labels_json(
                apis.change_labels(req.path_params["apiId"], label_ids_from(req), attach)));
          });
  }
}

}  // namespace archway::publisher
