#include "publisher/openapi_rest.h"

#include <fmt/format.h>

#include <cctype>

#include "common/json.h"
#include "common/problem.h"
#include "domain/api_json.h"
#include "http/multipart.h"
#include "identity/roles.h"
#include "openapi/mock_payload.h"
#include "publisher/publisher_rest.h"

namespace archway::publisher {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

bool wants_yaml(const RestRequest& req) {
  const std::string_view accept = req.header("accept");
  return accept.find("application/yaml") != std::string_view::npos ||
         accept.find("application/x-yaml") != std::string_view::npos ||
         accept.find("text/yaml") != std::string_view::npos;
}


// The definition text a form carries: one of the named text/file parts, or `url` to fetch.
std::string definition_from_form(const std::vector<http::FormPart>& parts, OpenApiService& openapi,
                                 std::initializer_list<std::string_view> inline_names) {
  const http::FormPart* given = nullptr;
  std::vector<std::string> names;
  for (auto n : inline_names) {
    names.emplace_back(n);
    if (const http::FormPart* p = http::find_part(parts, n)) {
      if (given)
        throw ProblemError(Problem::bad_request(
            fmt::format("Give the definition once: both '{}' and '{}' are present", given->name, p->name)));
      given = p;
    }
  }
  const http::FormPart* url = http::find_part(parts, "url");
  if (given && url)
    throw ProblemError(Problem::bad_request(fmt::format("Give either '{}' or 'url', not both", given->name)));
  if (url) {
    std::string u(url->body);
    while (!u.empty() && std::isspace(static_cast<unsigned char>(u.back()))) u.pop_back();
    if (u.empty()) throw ProblemError(Problem::bad_request("'url' is empty"));
    return openapi.fetch(u);
  }
  if (!given)
    throw ProblemError(Problem::bad_request(
        fmt::format("The form must carry the definition as '{}' or a 'url' to fetch it from", fmt::join(names, "', '"))));
  if (given->body.empty()) throw ProblemError(Problem::bad_request(fmt::format("'{}' is empty", given->name)));
  return std::string(given->body);
}

json::object issue_json(const openapi::Issue& e) {
  json::object o;
  o["code"] = "400";
  o["message"] = e.message;
  o["description"] = (e.location.empty() ? std::string("(root)") : e.location) + ": " + e.message;
  o["location"] = e.location;
  if (e.line) {
    o["line"] = e.line;
    o["column"] = e.column;
  }
  return o;
}

}  // namespace

RestResponse definition_response(const RestRequest& req, int status, const json::object& doc) {
  RestResponse res;
  res.status = status;
  if (wants_yaml(req)) {
    res.body = openapi::to_yaml(doc);
    res.content_type = "application/yaml";
  } else {
    res.body = json::serialize(doc);
  }
  return res;
}

void add_openapi_routes(http::RestRouter& r, OpenApiService& openapi, identity::Authenticator& auth) {
  using identity::kScopeApiCreate;
  using identity::kScopeApiView;
  auto reader = [&auth](const RestRequest& req) {
    return auth.authorize(req, {domain::kRoleCreator, domain::kRolePublisher}, kScopeApiView).user;
  };
  auto creator = [&auth](const RestRequest& req) {
    return auth.authorize(req, {domain::kRoleCreator}, kScopeApiCreate).user;
  };

  r.add("POST", publisher_path("/apis/import-openapi"), [&, creator](RestRequest& req) {
    const auto user = creator(req);
    const auto parts = http::form_parts(req);
    const std::string text = definition_from_form(parts, openapi, {"file", "inlineAPIDefinition"});
    json::object additional;
    if (const http::FormPart* p = http::find_part(parts, "additionalProperties"); p && !p->body.empty()) {
      const json::value v = common::parse_json_body(p->body);
      if (!v.is_object())
        throw ProblemError(Problem::bad_request("'additionalProperties' must be a JSON object"));
      additional = v.get_object();
    }
    const domain::Api created = openapi.import_definition(text, additional, user);
    RestResponse res = RestResponse::json(201, json::serialize(domain::api_to_public_json(created)));
    res.headers.emplace_back("Location", publisher_path("/apis/" + created.id));
    return res;
  });

  // Answers 200 whether or not the definition is valid, as the product does; isValid says which.
  // The product's validate-endpoint: whether a backend answers, as {statusCode, statusMessage, error}
  // (statusCode 0 and the reason in `error` when it cannot be reached).
  r.add("POST", publisher_path("/apis/validate-endpoint"), [&, creator](RestRequest& req) {
    creator(req);
    const auto probe = openapi.probe_endpoint(http::required_query(req, "endpointUrl"));
    json::object body{{"statusCode", probe.status}, {"statusMessage", probe.message}};
    body["error"] = probe.error.empty() ? json::value(nullptr) : json::value(probe.error);
    return RestResponse::json(200, json::serialize(body));
  });

  r.add("POST", publisher_path("/apis/validate-openapi"), [&, creator](RestRequest& req) {
    creator(req);
    const auto parts = http::form_parts(req);
    const std::string text = definition_from_form(parts, openapi, {"file", "inlineAPIDefinition"});
    const openapi::LoadResult result = openapi.validate(text);
    json::object body;
    json::array errors;
    for (const auto& e : result.errors) errors.push_back(issue_json(e));
    std::optional<openapi::Extracted> x;
    if (result.ok()) {
      x = openapi::extract(*result.document);
      for (const auto& e : x->errors) errors.push_back(issue_json(e));
    }
    body["isValid"] = errors.empty();
    if (const std::string* rc = req.query_param("returnContent"); rc && *rc == "true") body["content"] = text;
    if (x) {
      json::array endpoints;
      for (const auto& e : x->endpoints) endpoints.emplace_back(e);
      body["info"] = json::object{{"name", x->api.name},
                                  {"version", x->api.version},
                                  {"context", x->api.context},
                                  {"description", x->api.description},
                                  {"openAPIVersion", result.document->version_text},
                                  {"endpoints", std::move(endpoints)},
                                  {"operationCount", x->api.operations.size()}};
    }
    body["errors"] = std::move(errors);
    return RestResponse::json(200, json::serialize(body));
  });

  r.add("GET", publisher_path("/apis/{apiId}/swagger"), [&, reader](RestRequest& req) {
    reader(req);
    return definition_response(req, 200, openapi.export_definition(req.path_params["apiId"]));
  });

  r.add("GET", publisher_path("/api-products/{apiProductId}/swagger"), [&, reader](RestRequest& req) {
    reader(req);
    return definition_response(req, 200, openapi.export_product_definition(req.path_params["apiProductId"]));
  });

  r.add("PUT", publisher_path("/apis/{apiId}/swagger"), [&, creator](RestRequest& req) {
    creator(req);
    const std::string& id = req.path_params["apiId"];
    const auto parts = http::form_parts(req);
    const std::string text = definition_from_form(parts, openapi, {"apiDefinition", "file"});
    return definition_response(req, 200, openapi.replace_definition(id, text));
  });

  // The product's generate-mock-scripts: every operation of the definition gets its mock response
  // (openapi/mock_payload.h) in x-mediation-script; the gateway answers with it while the API's
  // endpoint type is INLINE. Answers the updated definition.
  r.add("POST", publisher_path("/apis/{apiId}/generate-mock-scripts"), [&, creator](RestRequest& req) {
    creator(req);
    const std::string& id = req.path_params["apiId"];
    json::object doc = openapi.export_definition(id);
    openapi::add_mock_scripts(doc);
    return definition_response(req, 200, openapi.replace_definition(id, json::serialize(doc)));
  });

  // The mock of each operation as generate-mock-scripts (or a definition given through PUT
  // /swagger) left it: the product's MockResponsePayloadList.
  r.add("GET", publisher_path("/apis/{apiId}/generated-mock-scripts"), [&, creator](RestRequest& req) {
    creator(req);
    const json::object doc = openapi.export_definition(req.path_params["apiId"]);
    json::array items;
    if (const json::value* paths = doc.if_contains("paths"); paths && paths->is_object())
      for (const auto& [path, item] : paths->get_object()) {
        if (!item.is_object()) continue;
        for (const auto& [method, op] : item.get_object()) {
          if (!op.is_object()) continue;
          const json::value* script = op.get_object().if_contains(openapi::kMockScriptExtension);
          if (!script || !script->is_string()) continue;
          std::string verb(method);
          for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          items.push_back(json::object{{"path", path}, {"verb", verb}, {"content", *script}});
        }
      }
    return RestResponse::json(200, json::serialize(common::list_body(std::move(items))));
  });
}

}  // namespace archway::publisher
