#include "publisher/publisher_rest.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <charconv>

#include "common/clock.h"
#include "common/json.h"
#include "common/problem.h"
#include "common/strings.h"
#include "domain/api_json.h"
#include "domain/mediation_json.h"
#include "domain/policy_json.h"
#include "identity/roles.h"
#include "publisher/access_control.h"

namespace archway::publisher {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

RestResponse ok_json(int status, const json::value& v) { return RestResponse::json(status, json::serialize(v)); }

json::object api_info(const domain::Api& a) {
  json::object o;
  o["id"] = a.id;
  o["name"] = a.name;
  o["description"] = a.description;
  o["context"] = a.context;
  o["version"] = a.version;
  o["provider"] = a.provider;
  o["type"] = a.type;
  o["lifeCycleStatus"] = a.lifecycle_status;
  o["isDefaultVersion"] = a.is_default_version;
  json::array tags;
  for (const auto& t : a.tags) tags.emplace_back(t);
  o["tags"] = std::move(tags);
  o["hasThumbnail"] = a.has_thumbnail;
  o["createdTime"] = common::iso8601_utc(a.created_time);
  o["updatedTime"] = common::iso8601_utc(a.last_updated_time);
  return o;
}


json::object revision_json(const domain::Revision& r, const std::vector<domain::Deployment>& deployments) {
  json::object o;
  o["displayName"] = fmt::format("Revision {}", r.number);
  o["id"] = r.id;
  o["description"] = r.description;
  o["createdTime"] = common::iso8601_utc(r.created_time);
  o["apiInfo"] = json::object{{"id", r.api_id}};
  json::array deps;
  for (const auto& d : deployments)
    if (d.revision_id == r.id) deps.push_back(deployment_json(d));
  o["deploymentInfo"] = std::move(deps);
  return o;
}

// The product's LifecycleState: the state, its check-list items and the transitions out of it.
json::object lifecycle_state_json(std::string_view state) {
  json::array transitions;
  for (const auto& t : domain::lifecycle_transitions(state))
    transitions.push_back(json::object{{"event", t.event}, {"targetState", t.target}});
  json::array items;
  if (state == domain::kLifecycleCreated || state == domain::kLifecyclePrototyped)
    for (auto name : {domain::kCheckDeprecateOldVersions, domain::kCheckRequireResubscription})
      items.push_back(
          json::object{{"name", name}, {"value", false}, {"requiredStates", json::array()}});
  return json::object{{"state", state},
                      {"checkItems", std::move(items)},
                      {"availableTransitions", std::move(transitions)}};
}

json::object history_json(const domain::LifecycleHistoryEntry& e) {
  json::object o;
  o["previousState"] =
      e.previous_state.empty() ? json::value(nullptr) : json::value(e.previous_state);
  o["postState"] = e.post_state;
  o["user"] = e.user;
  o["updatedTime"] = common::iso8601_utc(e.updated_time);
  return o;
}

std::string page_link(std::string_view collection, std::int64_t limit, std::int64_t offset,
                      const std::string& query) {
  return fmt::format("{}?limit={}&offset={}&query={}", collection, limit, offset, query);
}

domain::Api api_from_body(const RestRequest& req) {
  domain::Api api = domain::api_from_json(common::as_object(common::parse_json_body(req.body), ""));
  api.service_info = {};  // read-only: set by import-service
  return api;
}

// Reads the deployment targets body: [{"name":"Default","vhost":"localhost","displayOnDevportal":true}].
std::vector<domain::Deployment> deployments_from_body(const RestRequest& req, bool allow_empty) {
  std::vector<domain::Deployment> out;
  if (req.body.empty() && allow_empty) return out;
  const json::value v = common::parse_json_body(req.body);
  if (!v.is_array()) throw ProblemError(Problem::bad_request("The body must be a JSON array of deployments"));
  const auto& arr = v.get_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const std::string p = fmt::format("[{}]", i);
    const json::object& o = common::as_object(arr[i], p);
    domain::Deployment d;
    auto name = common::opt_string(o, "name", p + ".name");
    if (!name || name->empty()) throw ProblemError(Problem::bad_request(fmt::format("'{}.name' is required", p)));
    d.name = *name;
    d.vhost = common::opt_string(o, "vhost", p + ".vhost").value_or("");  // "": the environment's first
    d.display_on_devportal = common::opt_bool(o, "displayOnDevportal", p + ".displayOnDevportal").value_or(true);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

void add_publisher_routes(http::RestRouter& r, ApiService& apis, ApiService& products,
                          identity::Authenticator& auth, workflow::Approvals& approvals) {
  using identity::kScopeApiCreate;
  using identity::kScopeApiPublish;
  using identity::kScopeApiView;
  auto reader = [&auth](const RestRequest& req) {
    return auth.authorize(req, {domain::kRoleCreator, domain::kRolePublisher}, kScopeApiView).user;
  };
  auto creator = [&auth](const RestRequest& req) {
    return auth.authorize(req, {domain::kRoleCreator}, kScopeApiCreate).user;
  };
  auto publisher = [&auth](const RestRequest& req) {
    return auth.authorize(req, {domain::kRolePublisher}, kScopeApiPublish).user;
  };

  r.add("POST", publisher_path("/apis"), [&, creator](RestRequest& req) {
    const auto user = creator(req);
    domain::Api body = api_from_body(req);
    check_own_access(body, user);
    domain::Api created = apis.create(std::move(body), user);
    RestResponse res = ok_json(201, domain::api_to_public_json(created));
    res.headers.emplace_back("Location", publisher_path("/apis/" + created.id));
    return res;
  });

  // A new version of an API (the product's copy-api); defaultVersion makes it the default one.
  r.add("POST", publisher_path("/apis/copy-api"), [&, creator](RestRequest& req) {
    const auto user = creator(req);
    const std::string& id = http::required_query(req, "apiId");
    const std::string& version = http::required_query(req, "newVersion");
    const bool default_version = http::query_bool(req, "defaultVersion", false);
    domain::Api created = apis.copy(id, version, default_version, user);
    RestResponse res = ok_json(201, domain::api_to_public_json(created));
    res.headers.emplace_back("Location", publisher_path("/apis/" + created.id));
    return res;
  });

  // A new version of an API product (createNewAPIProductVersion): its APIs, documents and
  // thumbnail copied, in CREATED, not deployed.
  r.add("POST", publisher_path("/api-products/copy-api-products"), [&, creator](RestRequest& req) {
    const auto user = creator(req);
    const std::string& id = http::required_query(req, "apiProductId");
    const std::string& version = http::required_query(req, "newVersion");
    const bool default_version = http::query_bool(req, "defaultVersion", false);
    domain::Api created = products.copy(id, version, default_version, user);
    RestResponse res = ok_json(201, domain::product_to_json(created));
    res.headers.emplace_back("Location", publisher_path("/api-products/" + created.id));
    return res;
  });

  // GET /apis and GET /search take the product's search syntax (name:, tag:, context:,
  // provider:, version:, status: prefixes and free text); /search answers in its result shape.
  // GET /api-products lists the API products alike; /search finds both kinds.
  auto search = [&, reader](RestRequest& req, std::string_view kind, bool results) {
    const domain::User user = reader(req);
    const std::string query = req.query_param("query") ? *req.query_param("query") : "";
    store::ApiQuery q = store::parse_api_query(query);
    q.kind = std::string(kind);
    q.limit = http::query_int(req, "limit", 25, 1, 1000);
    q.offset = http::query_int(req, "offset", 0, 0, INT64_MAX / 2);
    q.publisher_roles = listing_roles(user);
    const store::ApiPage page = apis.list(q);
    json::array items;
    for (const auto& a : page.list) {
      json::object info = api_info(a);
      if (a.is_product()) info["state"] = a.lifecycle_status;
      if (results) {
        info["type"] = a.is_product() ? "APIPRODUCT" : "API";
        info["transportType"] = a.type;
        info["status"] = a.lifecycle_status;
      }
      items.push_back(std::move(info));
    }
    json::object body = common::list_body(std::move(items));
    json::object pagination;
    pagination["offset"] = q.offset;
    pagination["limit"] = q.limit;
    pagination["total"] = page.total;
    const std::string_view collection = kind == domain::kApiTypeProduct ? "/api-products" : "/apis";
    pagination["next"] =
        q.offset + q.limit < page.total ? page_link(collection, q.limit, q.offset + q.limit, query) : "";
    pagination["previous"] =
        q.offset > 0 ? page_link(collection, q.limit, std::max<std::int64_t>(0, q.offset - q.limit), query) : "";
    body["pagination"] = std::move(pagination);
    return ok_json(200, body);
  };
  r.add("GET", publisher_path("/apis"), [search](RestRequest& req) { return search(req, "API", false); });
  r.add("GET", publisher_path("/api-products"),
        [search](RestRequest& req) { return search(req, domain::kApiTypeProduct, false); });
  r.add("GET", publisher_path("/search"), [search](RestRequest& req) { return search(req, "", true); });

  // Whether an API with this name or context exists (200) or not (404), in the product's query
  // syntax: "name:..", "context:..", "version:.." terms (a bare word is a name), all of which one
  // API must match, ignoring case.
  r.add("POST", publisher_path("/apis/validate"), [&, creator](RestRequest& req) {
    creator(req);
    std::string name, context, version;
    for (const std::string& term : common::split_words(http::required_query(req, "query"))) {
      const auto colon = term.find(':');
      const std::string key = colon == std::string::npos ? "name" : common::to_lower(term.substr(0, colon));
      const std::string value = colon == std::string::npos ? term : term.substr(colon + 1);
      std::string* slot = key == "name" ? &name : key == "context" ? &context : key == "version" ? &version : nullptr;
      if (!slot)
        throw ProblemError(Problem::bad_request(
            fmt::format("'query': unknown attribute '{}' (name, context or version)", key)));
      if (value.empty()) throw ProblemError(Problem::bad_request(fmt::format("'query': '{}:' needs a value", key)));
      *slot = value;
    }
    if (name.empty() && context.empty())
      throw ProblemError(Problem::bad_request("'query' must give a name or a context"));
    if (!context.empty() && context.front() != '/') context.insert(0, "/");
    if (!apis.exists(name, context, version))
      throw ProblemError(Problem::not_found(fmt::format("No API matches '{}'", *req.query_param("query"))));
    return RestResponse::empty(200);
  });

  // The operations of an API as the product's ResourcePathList, a page of them in their order.
  r.add("GET", publisher_path("/apis/{apiId}/resource-paths"), [&, reader](RestRequest& req) {
    reader(req);
    const domain::Api api = apis.get(req.path_params["apiId"]);
    const std::int64_t limit = http::query_int(req, "limit", 25, 1, 1000);
    const std::int64_t offset = http::query_int(req, "offset", 0, 0, INT64_MAX / 2);
    const auto total = static_cast<std::int64_t>(api.operations.size());
    json::array items;
    for (std::int64_t i = offset; i < total && i < offset + limit; ++i) {
      const auto& op = api.operations[static_cast<std::size_t>(i)];
      items.push_back(json::object{{"id", i}, {"resourcePath", op.target}, {"httpVerb", op.verb}});
    }
    json::object body = common::list_body(std::move(items));
    body["pagination"] =
        common::pagination_json(publisher_path("/apis/" + api.id + "/resource-paths"), limit, offset, total);
    return ok_json(200, body);
  });

  r.add("GET", publisher_path("/apis/{apiId}"), [&, reader](RestRequest& req) {
    reader(req);
    const std::string& id = req.path_params["apiId"];
    // As in the product, a revision's id reads the API as that revision froze it.
    if (!apis.owns(id))
      if (auto rev = apis.find_revision(id)) {
        json::object out = domain::api_to_public_json(rev->api);
        out["id"] = rev->id;
        out["isRevision"] = true;
        out["revisionedApiId"] = rev->api_id;
        out["revisionId"] = rev->number;
        return ok_json(200, out);
      }
    const domain::Api api = apis.get(id);
    json::object out = domain::api_to_public_json(api);
    if (json::value* info = out.if_contains("serviceInfo"); info && info->is_object())
      info->as_object()["outdated"] = apis.service_outdated(api);
    for (const auto& t : approvals.pending(api.id))
      if (t.type == domain::kWorkflowApiState) out["workflowStatus"] = "CREATED";  // a state change waits
    return ok_json(200, out);
  });

  r.add("PUT", publisher_path("/apis/{apiId}"), [&, creator](RestRequest& req) {
    const auto user = creator(req);
    domain::Api body = api_from_body(req);
    check_own_access(body, user);
    return ok_json(200, domain::api_to_public_json(apis.update(req.path_params["apiId"], std::move(body))));
  });

  r.add("DELETE", publisher_path("/apis/{apiId}"), [&, creator](RestRequest& req) {
    creator(req);
    apis.remove(req.path_params["apiId"]);
    return RestResponse::empty(200);
  });

  // API products: operations of several APIs under one context, tiers and lifecycle.
  r.add("POST", publisher_path("/api-products"), [&, creator](RestRequest& req) {
    const auto user = creator(req);
    domain::Api body = api_from_body(req);
    check_own_access(body, user);
    domain::Api created = products.create(std::move(body), user);
    RestResponse res = ok_json(201, domain::product_to_json(created));
    res.headers.emplace_back("Location", publisher_path("/api-products/" + created.id));
    return res;
  });

  r.add("GET", publisher_path("/api-products/{apiProductId}"), [&, reader](RestRequest& req) {
    reader(req);
    return ok_json(200, domain::product_to_json(products.get(req.path_params["apiProductId"])));
  });

  r.add("GET", publisher_path("/api-products/{apiProductId}/is-outdated"), [&, reader](RestRequest& req) {
    reader(req);
    const domain::Api product = products.get(req.path_params["apiProductId"]);
    return ok_json(200, json::object{{"isOutdated", products.product_outdated(product)}});
  });

  r.add("PUT", publisher_path("/api-products/{apiProductId}"), [&, creator](RestRequest& req) {
    const auto user = creator(req);
    domain::Api body = api_from_body(req);
    check_own_access(body, user);
    return ok_json(200, domain::product_to_json(products.update(req.path_params["apiProductId"], std::move(body))));
  });

  r.add("DELETE", publisher_path("/api-products/{apiProductId}"), [&, creator](RestRequest& req) {
    creator(req);
    products.remove(req.path_params["apiProductId"]);
    return RestResponse::empty(200);
  });

  // Lifecycle, revisions and deployments, alike for APIs (/apis/{apiId}, change-lifecycle?apiId=)
  // and API products (/api-products/{apiProductId}, change-lifecycle?apiProductId=).
  auto governance = [&](ApiService& svc, const std::string& collection, const std::string& id_param) {
    const std::string item = collection + "/{" + id_param + "}";
    r.add("POST", publisher_path(collection + "/change-lifecycle"), [=, &svc, &approvals](RestRequest& req) {
      const auto user = publisher(req);
      const std::string& id = http::required_query(req, id_param);
      const std::string& action = http::required_query(req, "action");
      const std::string* checklist = req.query_param("lifecycleChecklist");
      const std::string_view type =
          svc.kind() == ApiKind::kProduct ? domain::kWorkflowApiProductState : domain::kWorkflowApiState;
      if (approvals.required(type)) {
        // Checked now, applied when approved: the API stays in its state meanwhile.
        const domain::Api api = svc.get(id);
        const std::string target = svc.lifecycle_target(api, action);
        approvals.add(workflow::Approvals::task(
            type, api.id,
            {{"apiName", api.name},
             {"apiVersion", api.version},
             {"apiProvider", api.provider},
             {"currentState", api.lifecycle_status},
             {"targetState", target},
             {"action", action},
             {"lifecycleChecklist", checklist ? *checklist : std::string()}},
            fmt::format("Approve the lifecycle change of {} [{} - {}] from {} to {} ({})",
                        svc.kind() == ApiKind::kProduct ? "API product" : "API", api.name, api.version,
                        api.lifecycle_status, target, action),
            user.username));
        json::object body;
        body["workflowStatus"] = "CREATED";
        body["jsonPayload"] = nullptr;
        body["lifecycleState"] = lifecycle_state_json(api.lifecycle_status);
        return ok_json(200, body);
      }
      const std::string state =
          svc.change_lifecycle(id, action, checklist ? *checklist : std::string(), user);
      json::object body;
      body["workflowStatus"] = "APPROVED";
      body["jsonPayload"] = nullptr;
      body["lifecycleState"] = lifecycle_state_json(state);
      return ok_json(200, body);
    });

    r.add("GET", publisher_path(item + "/lifecycle-state"), [=, &svc](RestRequest& req) {
      reader(req);
      return ok_json(200, lifecycle_state_json(svc.get(req.path_params[id_param]).lifecycle_status));
    });

    // Drops the API's pending lifecycle change (its approval task).
    r.add("DELETE", publisher_path(item + "/lifecycle-state/pending-tasks"), [=, &svc, &approvals](RestRequest& req) {
      publisher(req);
      const domain::Api api = svc.get(req.path_params[id_param]);
      approvals.cancel(svc.kind() == ApiKind::kProduct ? domain::kWorkflowApiProductState : domain::kWorkflowApiState,
                       api.id);
      return RestResponse::empty(200);
    });

    r.add("GET", publisher_path(item + "/lifecycle-history"), [=, &svc](RestRequest& req) {
      reader(req);
      json::array items;
      for (const auto& e : svc.lifecycle_history(req.path_params[id_param]))
        items.push_back(history_json(e));
      return ok_json(200, common::list_body(std::move(items)));
    });

    r.add("POST", publisher_path(item + "/revisions"), [=, &svc](RestRequest& req) {
      creator(req);
      std::string description;
      if (!req.body.empty()) {
        const json::value v = common::parse_json_body(req.body);
        description = common::opt_string(common::as_object(v, ""), "description", "description").value_or("");
      }
      const domain::Revision rev = svc.create_revision(req.path_params[id_param], description);
      return ok_json(201, revision_json(rev, {}));
    });

    r.add("GET", publisher_path(item + "/revisions"), [=, &svc](RestRequest& req) {
      reader(req);
      const std::string& id = req.path_params[id_param];
      const auto deployments = svc.deployments(id);
      const std::string* query = req.query_param("query");
      const bool only_deployed = query && *query == "deployed:true";
      if (query && !query->empty() && !only_deployed && *query != "deployed:false")
        throw ProblemError(Problem::bad_request("Query parameter 'query' must be 'deployed:true' or 'deployed:false'"));
      json::array items;
      for (const auto& rev : svc.revisions(id)) {
        const bool deployed = std::any_of(deployments.begin(), deployments.end(),
                                          [&](const auto& d) { return d.revision_id == rev.id; });
        if (query && !query->empty() && deployed != only_deployed) continue;
        items.push_back(revision_json(rev, deployments));
      }
      return ok_json(200, common::list_body(std::move(items)));
    });

    r.add("GET", publisher_path(item + "/revisions/{revisionId}"), [=, &svc](RestRequest& req) {
      reader(req);
      const std::string& id = req.path_params[id_param];
      return ok_json(200, revision_json(svc.revision(id, req.path_params["revisionId"]), svc.deployments(id)));
    });

    r.add("DELETE", publisher_path(item + "/revisions/{revisionId}"), [=, &svc](RestRequest& req) {
      creator(req);
      const std::string& id = req.path_params[id_param];
      svc.delete_revision(id, req.path_params["revisionId"]);
      json::array items;
      const auto deployments = svc.deployments(id);
      for (const auto& rev : svc.revisions(id)) items.push_back(revision_json(rev, deployments));
      return ok_json(200, common::list_body(std::move(items)));
    });

    r.add("POST", publisher_path(item + "/restore-revision"), [=, &svc](RestRequest& req) {
      creator(req);
      const domain::Api a = svc.restore_revision(req.path_params[id_param], http::required_query(req, "revisionId"));
      return ok_json(201, (svc.kind() == ApiKind::kProduct ? domain::product_to_json(a) : domain::api_to_public_json(a)));
    });

    r.add("POST", publisher_path(item + "/deploy-revision"), [=, &svc, &approvals](RestRequest& req) {
      const auto user = publisher(req);
      const std::string& api_id = req.path_params[id_param];
      const std::string& revision_id = http::required_query(req, "revisionId");
      if (approvals.required(domain::kWorkflowRevisionDeployment)) {
        // One task per environment, deployed when approved; gateways see nothing before.
        const domain::Api api = svc.get(api_id);
        const auto targets = svc.checked_deployments(api_id, revision_id, deployments_from_body(req, false));
        const auto pending = approvals.pending(api.id);
        for (const auto& d : targets)
          for (const auto& t : pending)
            if (t.type == domain::kWorkflowRevisionDeployment && t.environment == d.name)
              throw ProblemError(Problem::conflict(fmt::format(
                    "A deployment of API '{}' to '{}' is already waiting for approval (cancel it with "
                    "cancel-revision-workflow)",
                    api.name, d.name)));
        json::array items;
        for (const auto& d : targets) {
          approvals.add(workflow::Approvals::task(
              domain::kWorkflowRevisionDeployment, api.id,
              {{"apiName", api.name},
               {"apiVersion", api.version},
               {"revisionId", revision_id},
               {"environment", d.name},
               {"vhost", d.vhost},
               {"displayOnDevportal", d.display_on_devportal}},
              fmt::format("Approve the deployment of a revision of API [{} - {}] to gateway environment {}", api.name,
                          api.version, d.name),
              user.username, d.name));
          json::object o = deployment_json(d);
          o["status"] = "CREATED";
          o["deployedTime"] = nullptr;
          o["successDeployedTime"] = nullptr;
          items.push_back(std::move(o));
        }
        return ok_json(201, items);
      }
      const auto done = svc.deploy(api_id, revision_id, deployments_from_body(req, false));
      json::array items;
      for (const auto& d : done) items.push_back(deployment_json(d));
      return ok_json(201, items);
    });

    // Drops a revision deployment that waits for approval.
    r.add("DELETE", publisher_path(item + "/cancel-revision-workflow/{revisionId}/{envName}"),
          [=, &svc, &approvals](RestRequest& req) {
            publisher(req);
            const domain::Api api = svc.get(req.path_params[id_param]);
            const std::string& revision_id = req.path_params["revisionId"];
            const std::string& env = req.path_params["envName"];
            for (const auto& t : approvals.pending(api.id)) {
              if (t.type != domain::kWorkflowRevisionDeployment || t.environment != env) continue;
              if (workflow::Approvals::property(t, "revisionId") != revision_id) continue;
              approvals.cancel(domain::kWorkflowRevisionDeployment, api.id, env);
              return RestResponse::empty(200);
            }
            throw ProblemError(Problem::not_found(fmt::format(
                "No deployment of revision '{}' to '{}' is waiting for approval", revision_id, env)));
          });

    r.add("POST", publisher_path(item + "/undeploy-revision"), [=, &svc](RestRequest& req) {
      publisher(req);
      std::vector<std::string> envs;
      const std::string* all = req.query_param("allEnvironments");
      if (all && *all == "true") {
        envs = svc.environments();
      } else {
        for (const auto& d : deployments_from_body(req, true)) envs.push_back(d.name);
        if (const std::string* e = req.query_param("environments"); e && !e->empty()) envs.push_back(*e);
      }
      if (envs.empty())
        throw ProblemError(Problem::bad_request(
            "Name the environments to undeploy from in the body, or set allEnvironments=true"));
      const auto removed = svc.undeploy(req.path_params[id_param], http::required_query(req, "revisionId"), envs);
      json::array items;
      for (const auto& d : removed) items.push_back(deployment_json(d));
      return ok_json(201, items);
    });

    auto list_deployments = [=, &svc, &approvals](RestRequest& req) {
      reader(req);
      json::array items;
      const std::string& api_id = req.path_params[id_param];
      for (const auto& d : svc.deployments(api_id)) items.push_back(deployment_json(d));
      for (const auto& t : approvals.pending(api_id)) {  // deployments waiting for approval
        if (t.type != domain::kWorkflowRevisionDeployment) continue;
        const json::object props = workflow::Approvals::properties(t);
        auto prop = [&props](std::string_view key, json::value otherwise) {
          const json::value* v = props.if_contains(key);
          return v ? *v : otherwise;
        };
        json::object o{{"revisionUuid", prop("revisionId", nullptr)},
                       {"name", t.environment},
                       {"vhost", prop("vhost", nullptr)},
                       {"displayOnDevportal", prop("displayOnDevportal", true)},
                       {"deployedTime", nullptr},
                       {"successDeployedTime", nullptr},
                       {"status", "CREATED"}};
        items.push_back(std::move(o));
      }
      return ok_json(200, common::list_body(std::move(items)));
    };
    r.add("GET", publisher_path(item + "/deployments"), list_deployments);
    r.add("GET", publisher_path(item + "/deploy-revision"), list_deployments);
  };
  governance(apis, "/apis", "apiId");
  governance(products, "/api-products", "apiProductId");

  r.add("POST", publisher_path("/subscriptions/block-subscription"), [&, publisher](RestRequest& req) {
    publisher(req);
    const std::string& state = http::required_query(req, "blockState");
    if (state != domain::kSubscriptionBlocked && state != domain::kSubscriptionProdOnlyBlocked)
      throw ProblemError(Problem::bad_request("'blockState' must be BLOCKED or PROD_ONLY_BLOCKED, got '" + state + "'"));
    apis.set_subscription_status(http::required_query(req, "subscriptionId"), state);
    return RestResponse::empty(200);
  });

  r.add("POST", publisher_path("/subscriptions/unblock-subscription"), [&, publisher](RestRequest& req) {
    publisher(req);
    apis.set_subscription_status(http::required_query(req, "subscriptionId"), std::string(domain::kSubscriptionUnblocked));
    return RestResponse::empty(200);
  });

  r.add("GET", publisher_path("/subscriptions"), [&, reader](RestRequest& req) {
    reader(req);
    const std::string& api_id = http::required_query(req, "apiId");
    const std::int64_t limit = http::query_int(req, "limit", 25, 1, 1000);
    const std::int64_t offset = http::query_int(req, "offset", 0, 0, INT64_MAX / 2);
    ApiService& owner = products.owns(api_id) ? products : apis;
    const store::SubscriptionPage page = owner.subscriptions_of(api_id, limit, offset);
    json::array items;
    for (const auto& s : page.list)
      items.push_back(json::object{{"subscriptionId", s.id},
                                   {"applicationInfo", json::object{{"applicationId", s.application_id}}},
                                   {"throttlingPolicy", s.throttling_policy},
                                   {"subscriptionStatus", s.status}});
    json::object body = common::list_body(std::move(items));
    auto link = [&](std::int64_t at) {
      return fmt::format("/subscriptions?apiId={}&limit={}&offset={}", api_id, limit, at);
    };
    body["pagination"] = json::object{{"offset", offset},
                                      {"limit", limit},
                                      {"total", page.total},
                                      {"next", offset + limit < page.total ? link(offset + limit) : ""},
                                      {"previous", offset > 0 ? link(std::max<std::int64_t>(0, offset - limit)) : ""}};
    return ok_json(200, body);
  });

  // SubscriberInfo: the owner of the subscription's application, with the claims the user store
  // holds (the username and the roles).
  r.add("GET", publisher_path("/subscriptions/{subscriptionId}/subscriber-info"), [&, reader](RestRequest& req) {
    reader(req);
    const domain::User u = apis.subscriber_of(req.path_params["subscriptionId"]);
    std::string roles;
    for (const auto& role : u.roles) roles += (roles.empty() ? "" : ",") + role;
    json::array claims{
        json::object{{"name", "Username"}, {"URI", "http://wso2.org/claims/username"}, {"value", u.username}},
        json::object{{"name", "Role"}, {"URI", "http://wso2.org/claims/role"}, {"value", roles}}};
    return ok_json(200, json::object{{"name", u.username}, {"claims", std::move(claims)}});
  });

  r.add("GET", publisher_path("/throttling-policies/{policyLevel}"), [&, reader](RestRequest& req) {
    reader(req);
    return ok_json(200, apis.policy_list(req.path_params["policyLevel"]));
  });

  r.add("GET", publisher_path("/throttling-policies/{policyLevel}/{policyName}"), [&, reader](RestRequest& req) {
    reader(req);
    return ok_json(200, domain::policy_summary_json(apis.policy(req.path_params["policyLevel"], req.path_params["policyName"])));
  });

  // The subscription tiers an API offers, as full policies; a plain array, as the product answers.
  r.add("GET", publisher_path("/apis/{apiId}/subscription-policies"), [&, reader](RestRequest& req) {
    reader(req);
    json::array items;
    for (const auto& p : apis.subscription_policies(req.path_params["apiId"]))
      items.push_back(domain::policy_summary_json(p));
    return ok_json(200, items);
  });

  // /operation-policies (built-in and custom) and /gateway-policies: operation_policy_rest.cc.

}

json::object deployment_json(const domain::Deployment& d) {
  json::object o;
  o["revisionUuid"] = d.revision_id;
  o["name"] = d.name;
  o["vhost"] = d.vhost;
  o["displayOnDevportal"] = d.display_on_devportal;
  o["deployedTime"] = common::iso8601_utc(d.deployed_time);
  o["successDeployedTime"] = common::iso8601_utc(d.deployed_time);
  o["status"] = "APPROVED";
  return o;
}

void add_approval_completions(workflow::Approvals& approvals, ApiService& apis, ApiService& products) {
  using workflow::Approvals;
  auto lifecycle = [](ApiService& svc) {
    return [&svc](const domain::Workflow& t, bool approved) {
      if (!approved) return;
      domain::User requester;
      requester.username = t.created_by;
      svc.change_lifecycle(t.subject_id, Approvals::property(t, "action"), Approvals::property(t, "lifecycleChecklist"),
                           requester);
    };
  };
  approvals.on_complete(domain::kWorkflowApiState, lifecycle(apis));
  approvals.on_complete(domain::kWorkflowApiProductState, lifecycle(products));
  approvals.on_complete(domain::kWorkflowRevisionDeployment, [&apis, &products](const domain::Workflow& t,
                                                                                           bool approved) {
    if (!approved) return;
    domain::Deployment d;
    d.name = t.environment;
    d.vhost = Approvals::property(t, "vhost");
    const json::object props = Approvals::properties(t);
    if (const auto* shown = props.if_contains("displayOnDevportal"); shown && shown->is_bool())
      d.display_on_devportal = shown->as_bool();
    ApiService& svc = products.owns(t.subject_id) ? products : apis;
    svc.deploy(t.subject_id, Approvals::property(t, "revisionId"), {d});
  });
}

}  // namespace archway::publisher
