#include "publisher/operation_policy_rest.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "common/ids.h"
#include "common/json.h"
#include "common/problem.h"
#include "common/strings.h"
#include "domain/environment.h"
#include "domain/mediation_json.h"
#include "http/file_response.h"
#include "http/multipart.h"
#include "identity/roles.h"
#include "publisher/operation_policies.h"
#include "publisher/publisher_rest.h"

namespace archway::publisher {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

RestResponse ok(int status, const json::value& v) {
  return RestResponse::json(status, json::serialize(v));
}
[[noreturn]] void bad(std::string d) { throw ProblemError(Problem::bad_request(std::move(d))); }

// The upload's files: the specification, and Archway's definition in the gateway definition slot
// the product's Publisher sends (synapsePolicyDefinitionFile) or under policyDefinitionFile.
domain::OperationPolicy policy_from_form(const RestRequest& req) {
  const auto parts = http::form_parts(req);
  const http::FormPart* spec = http::find_part(parts, "policySpecFile");
  if (!spec) bad("the form must carry the policy specification as 'policySpecFile'");
  const http::FormPart* definition = http::find_part(parts, "synapsePolicyDefinitionFile");
  if (!definition) definition = http::find_part(parts, "policyDefinitionFile");
  if (!definition)
    bad(http::find_part(parts, "ccPolicyDefinitionFile")
            ? "Archway's gateway runs the definition given as 'synapsePolicyDefinitionFile' (a "
              "composition of "
              "built-in policies); a Choreo Connect definition alone cannot run"
            : "the form must carry the policy definition (its steps) as "
              "'synapsePolicyDefinitionFile'");
  return OperationPolicyService::parse(spec->body, definition->body);
}

RestResponse zip_of(const domain::OperationPolicy& p, bool as_json) {
  return http::file_response(OperationPolicyService::export_zip(p, as_json), "application/zip",
                             p.spec.name + "_" + p.version + ".zip");
}

// The product's search on /operation-policies: "name:addHeader version:v1" (all must hold).
bool matches(const RestRequest& req, const std::string& name, const std::string& version) {
  const std::string* q = req.query_param("query");
  if (!q) return true;
  std::string terms = *q;
  std::replace(terms.begin(), terms.end(), '&', ' ');  // the product's examples join terms with '&'
  for (const auto& term : common::split_words(terms)) {
    if (term.starts_with("name:") && term.substr(5) != name) return false;
    if (term.starts_with("version:") && term.substr(8) != version) return false;
  }
  return true;
}

json::object list_page(const RestRequest& req, std::string_view collection, json::array all) {
  const std::int64_t limit = http::query_int(req, "limit", 25, 1, 1000);
  const std::int64_t offset = http::query_int(req, "offset", 0, 0, 1000000);
  const auto total = static_cast<std::int64_t>(all.size());
  json::array page;
  for (std::int64_t i = offset; i < total && i < offset + limit; ++i)
    page.push_back(std::move(all[static_cast<std::size_t>(i)]));
  json::object body = common::list_body(std::move(page));
  body["pagination"] = common::pagination_json(collection, limit, offset, total);
  return body;
}

json::array labels_json(const std::vector<std::string>& labels) {
  json::array a;
  for (const auto& l : labels) a.emplace_back(l);
  return a;
}

json::object mapping_json(const domain::GatewayPolicyMapping& m) {
  return json::object{{"id", m.id},
                      {"policyMapping", domain::policy_flows_to_json(m.flows)},
                      {"description", m.description},
                      {"displayName", m.display_name},
                      {"appliedGatewayLabels", labels_json(m.labels)}};
}

// GatewayPolicyMappings: {displayName, description, policyMapping: {request, response, fault}}.
domain::GatewayPolicyMapping mapping_from(const RestRequest& req,
                                          OperationPolicyService& policies) {
  const json::value v = common::parse_json_body(req.body);
  const json::object& o = common::as_object(v, "");
  domain::GatewayPolicyMapping m;
  m.display_name = common::opt_string(o, "displayName", "displayName").value_or("");
  if (m.display_name.empty()) bad("'displayName' is required");
  if (m.display_name.size() > 255) bad("'displayName' must be at most 255 characters");
  m.description = common::opt_string(o, "description", "description").value_or("");
  const json::value* flows = o.if_contains("policyMapping");
  if (!flows || flows->is_null())
    bad("'policyMapping' is required: the request, response and fault policies");
  m.flows = domain::policy_flows_from_json(*flows, "policyMapping");
  if (m.flows.empty()) bad("'policyMapping' must name at least one policy");
  policies.check_flows(m.flows, "", "policyMapping");  // common custom policies only
  return m;
}

}  // namespace

void add_operation_policy_routes(http::RestRouter& r, ApiService& apis, store::Store& store,
                                 identity::Authenticator& auth) {
  auto reader = [&auth](const RestRequest& req) {
    auth.authorize(req, {domain::kRoleCreator, domain::kRolePublisher}, identity::kScopeApiView);
  };
  auto creator = [&auth](const RestRequest& req) {
    auth.authorize(req, {domain::kRoleCreator}, identity::kScopeApiCreate);
  };
  // Gateway policies reach every API of a gateway: those who deploy APIs manage them.
  auto deployer = [&auth](const RestRequest& req) {
    auth.authorize(req, {domain::kRolePublisher}, identity::kScopeApiPublish);
  };
  auto policies = std::make_shared<OperationPolicyService>(store);

  // The built-in policies, then the common custom ones.
  r.add("GET", publisher_path("/operation-policies"), [policies, reader](RestRequest& req) {
    reader(req);
    json::array items;
    for (const auto& spec : domain::builtin_policies())
      if (matches(req, spec.name, "v1")) items.push_back(domain::policy_spec_to_json(spec));
    for (const auto& p : policies->list(""))
      if (matches(req, p.spec.name, p.version))
        items.push_back(domain::operation_policy_to_json(p));
    return ok(200, list_page(req, publisher_path("/operation-policies"), std::move(items)));
  });

  r.add("GET", publisher_path("/operation-policies/{operationPolicyId}"),
        [policies, reader](RestRequest& req) {
          reader(req);
          const std::string& id = req.path_params["operationPolicyId"];
          if (const domain::PolicySpec* spec = domain::find_builtin_policy(id))
            return ok(200, domain::policy_spec_to_json(*spec));
          return ok(200, domain::operation_policy_to_json(policies->get("", id)));
        });

  r.add("POST", publisher_path("/operation-policies"), [policies, creator](RestRequest& req) {
    creator(req);
    const domain::OperationPolicy p = policies->add(policy_from_form(req), "");
    RestResponse res = ok(201, domain::operation_policy_to_json(p));
    res.headers.emplace_back("Location", publisher_path("/operation-policies/" + p.id));
    return res;
  });

  r.add("DELETE", publisher_path("/operation-policies/{operationPolicyId}"),
        [policies, creator](RestRequest& req) {
          creator(req);
          const std::string& id = req.path_params["operationPolicyId"];
          if (domain::find_builtin_policy(id))
            throw ProblemError(Problem::forbidden(
                fmt::format("'{}' is a built-in policy; it cannot be deleted", id)));
          policies->remove("", id);
          return RestResponse::empty(200);
        });

  r.add("GET", publisher_path("/operation-policies/{operationPolicyId}/content"),
        [policies, reader](RestRequest& req) {
          reader(req);
          const std::string& id = req.path_params["operationPolicyId"];
          if (domain::find_builtin_policy(id))
            throw ProblemError(Problem::not_found(fmt::format(
                "'{}' is a built-in policy of the gateway: it has no files to download", id)));
          return zip_of(policies->get("", id), false);
        });

  // ?name=&version=[&format=YAML|JSON]: a common custom policy as a zip.
  r.add("GET", publisher_path("/operation-policies/export"), [policies, reader](RestRequest& req) {
    reader(req);
    const std::string& name = http::required_query(req, "name");
    const std::string* version = req.query_param("version");
    const std::string* format = req.query_param("format");
    const std::string f = format ? common::to_lower(*format) : "yaml";
    if (f != "yaml" && f != "json") bad("'format' must be YAML or JSON");
    for (const auto& p : policies->list(""))
      if (p.spec.name == name && (!version || version->empty() || p.version == *version))
        return zip_of(p, f == "json");
    if (domain::find_builtin_policy(name))
      throw ProblemError(Problem::not_found(
          fmt::format("'{}' is a built-in policy: there is nothing to export", name)));
    throw ProblemError(Problem::not_found(fmt::format("Operation policy '{}'{} not found", name,
                                                      version ? " " + *version : std::string())));
  });

  // multipart `file`: an exported policy zip, added as a common policy; 409 when it exists.
  r.add("POST", publisher_path("/operation-policies/import"),
        [policies, creator](RestRequest& req) {
          creator(req);
          const auto parts = http::form_parts(req);
          const http::FormPart* file = http::find_part(parts, "file");
          if (!file) bad("the form must carry the exported policy archive as 'file'");
          const domain::OperationPolicy p =
              policies->add(OperationPolicyService::read_zip(file->body), "");
          return ok(200, domain::operation_policy_to_json(p));
        });

  // An API's own policies.
  const std::string api_base = "/apis/{apiId}/operation-policies";
  r.add("GET", publisher_path(api_base), [policies, reader, &apis](RestRequest& req) {
    reader(req);
    const std::string id = apis.get(req.path_params["apiId"]).id;
    json::array items;
    for (const auto& p : policies->list(id))
      if (matches(req, p.spec.name, p.version))
        items.push_back(domain::operation_policy_to_json(p));
    return ok(200, list_page(req, publisher_path("/apis/" + id + "/operation-policies"),
                             std::move(items)));
  });

  r.add("POST", publisher_path(api_base), [policies, creator, &apis](RestRequest& req) {
    creator(req);
    const std::string id = apis.get(req.path_params["apiId"]).id;
    const domain::OperationPolicy p = policies->add(policy_from_form(req), id);
    RestResponse res = ok(201, domain::operation_policy_to_json(p));
    res.headers.emplace_back("Location",
                             publisher_path("/apis/" + id + "/operation-policies/" + p.id));
    return res;
  });

  r.add("GET", publisher_path(api_base + "/{operationPolicyId}"),
        [policies, reader, &apis](RestRequest& req) {
          reader(req);
          const std::string id = apis.get(req.path_params["apiId"]).id;
          return ok(200, domain::operation_policy_to_json(
                             policies->get(id, req.path_params["operationPolicyId"])));
        });

  r.add("DELETE", publisher_path(api_base + "/{operationPolicyId}"),
        [policies, creator, &apis](RestRequest& req) {
          creator(req);
          policies->remove(apis.get(req.path_params["apiId"]).id,
                           req.path_params["operationPolicyId"]);
          return RestResponse::empty(200);
        });

  r.add("GET", publisher_path(api_base + "/{operationPolicyId}/content"),
        [policies, reader, &apis](RestRequest& req) {
          reader(req);
          const std::string id = apis.get(req.path_params["apiId"]).id;
          return zip_of(policies->get(id, req.path_params["operationPolicyId"]), false);
        });

  // Gateway policy mappings.
  auto mapping = [&store](const std::string& id) {
    auto m = store.get_gateway_policy_mapping(id);
    if (!m)
      throw ProblemError(
          Problem::not_found(fmt::format("Gateway policy mapping '{}' not found", id)));
    return *m;
  };

  r.add("POST", publisher_path("/gateway-policies"),
        [policies, deployer, &store](RestRequest& req) {
          deployer(req);
          domain::GatewayPolicyMapping m = mapping_from(req, *policies);
          m.id = common::new_uuid();
          store.create_gateway_policy_mapping(m);
          RestResponse res = ok(201, json::object{{"id", m.id},
                                                  {"description", m.description},
                                                  {"displayName", m.display_name}});
          res.headers.emplace_back("Location", publisher_path("/gateway-policies/" + m.id));
          return res;
        });

  // ?query=gatewayLabel:<environment>: the mappings deployed there.
  r.add("GET", publisher_path("/gateway-policies"), [reader, &store](RestRequest& req) {
    reader(req);
    std::string label;
    if (const std::string* q = req.query_param("query"))
      for (const auto& word : common::split_words(*q)) {
        if (word.starts_with("gatewayLabel:"))
          label = word.substr(13);
        else
          bad(fmt::format("'query': '{}' is not a search Archway knows (gatewayLabel:<gateway>)",
                          word));
      }
    json::array items;
    for (const auto& m : store.list_gateway_policy_mappings()) {
      if (!label.empty() && std::find(m.labels.begin(), m.labels.end(), label) == m.labels.end())
        continue;
      items.push_back(json::object{{"id", m.id},
                                   {"description", m.description},
                                   {"displayName", m.display_name},
                                   {"appliedGatewayLabels", labels_json(m.labels)}});
    }
    return ok(200, list_page(req, publisher_path("/gateway-policies"), std::move(items)));
  });

  r.add("GET", publisher_path("/gateway-policies/{gatewayPolicyMappingId}"),
        [reader, mapping](RestRequest& req) {
          reader(req);
          return ok(200, mapping_json(mapping(req.path_params["gatewayPolicyMappingId"])));
        });

  r.add("PUT", publisher_path("/gateway-policies/{gatewayPolicyMappingId}"),
        [policies, deployer, mapping, &store](RestRequest& req) {
          deployer(req);
          const std::string& id = req.path_params["gatewayPolicyMappingId"];
          mapping(id);
          domain::GatewayPolicyMapping m = mapping_from(req, *policies);
          m.id = id;
          if (!store.update_gateway_policy_mapping(m))
            throw ProblemError(
                Problem::not_found(fmt::format("Gateway policy mapping '{}' not found", id)));
          return ok(200, mapping_json(mapping(id)));
        });

  r.add("DELETE", publisher_path("/gateway-policies/{gatewayPolicyMappingId}"),
        [deployer, &store](RestRequest& req) {
          deployer(req);
          const std::string& id = req.path_params["gatewayPolicyMappingId"];
          if (!store.delete_gateway_policy_mapping(id))
            throw ProblemError(
                Problem::not_found(fmt::format("Gateway policy mapping '{}' not found", id)));
          return RestResponse::empty(200);
        });

  // [{gatewayLabel, gatewayDeployment}]: deploy to (true) or undeploy from (false) each gateway
  // environment.
  r.add("POST", publisher_path("/gateway-policies/{gatewayPolicyMappingId}/deploy"),
        [deployer, mapping, &store](RestRequest& req) {
          deployer(req);
          const std::string& id = req.path_params["gatewayPolicyMappingId"];
          mapping(id);
          const json::value v = common::parse_json_body(req.body);
          if (!v.is_array() || v.get_array().empty())
            bad("the body must be a list of {\"gatewayLabel\": ..., \"gatewayDeployment\": "
                "true|false}");
          std::vector<std::string> deploy, undeploy;
          json::array out;
          for (std::size_t i = 0; i < v.get_array().size(); ++i) {
            const std::string at = fmt::format("[{}]", i);
            const json::object& o = common::as_object(v.get_array()[i], at);
            const std::string label =
                common::opt_string(o, "gatewayLabel", at + ".gatewayLabel").value_or("");
            if (label.empty()) bad(fmt::format("'{}.gatewayLabel' is required", at));
            const auto deployed =
                common::opt_bool(o, "gatewayDeployment", at + ".gatewayDeployment");
            if (!deployed)
              bad(fmt::format("'{}.gatewayDeployment' is required (true or false)", at));
            if (label != domain::kDefaultEnvironment && !store.find_environment(label))
              bad(fmt::format(
                  "'{}.gatewayLabel': '{}' is not a gateway environment (see the Admin API's "
                  "/environments)",
                  at, label));
            (*deployed ? deploy : undeploy).push_back(label);
            out.push_back(json::object{
                {"gatewayLabel", label}, {"gatewayDeployment", *deployed}, {"mappingUUID", id}});
          }
          store.deploy_gateway_policy_mapping(id, deploy, undeploy);
          return ok(200, out);
        });
}

}  // namespace archway::publisher
