#include "support/openapi_samples.h"

#include <boost/json.hpp>
#include <string>

namespace archway::testing {

namespace json = boost::json;

std::string petstore_yaml() {
  return R"(openapi: 3.0.3
info:
  title: Swagger Petstore
  version: 1.0.0
  description: A sample pet store, with shared schemas.
  license:
    name: Apache 2.0
    url: https://www.apache.org/licenses/LICENSE-2.0.html
servers:
  - url: https://petstore.example.com/petstore/v1
x-wso2-production-endpoints:
  urls:
    - http://backend.example.com/pets
  type: http
tags:
  - name: pets
paths:
  /pets:
    get:
      summary: List all pets
      operationId: listPets
      tags: [pets]
      x-throttling-tier: Unlimited
      parameters:
        - $ref: '#/components/parameters/Limit'
      security:
        - petstore_auth: [read:pets]
      responses:
        '200':
          description: A page of pets
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Pets'
              examples:
                two:
                  value: [{"id": 1, "name": "Rex", "tag": "dog"}, {"id": 2, "name": "Tom"}]
        default:
          $ref: '#/components/responses/Error'
    post:
      summary: Create a pet
      operationId: createPet
      tags: [pets]
      x-auth-type: Application
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/NewPet'
            example:
              name: Rex
      security:
        - petstore_auth: [write:pets, read:pets]
      responses:
        '201':
          description: Created
  /pets/{petId}:
    parameters:
      - name: petId
        in: path
        required: true
        schema:
          type: integer
          format: int64
    get:
      summary: Info for a specific pet
      operationId: showPetById
      x-scopes: [read:pets]
      responses:
        '200':
          description: The pet
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Pet'
        '404':
          description: No such pet
    delete:
      operationId: deletePet
      x-auth-type: None
      responses:
        '204':
          description: Deleted
  /stores/{storeId}/orders:
    get:
      operationId: listOrders
      parameters:
        - name: storeId
          in: path
          required: true
          schema: {type: string}
        - name: status
          in: query
          schema:
            type: string
            enum: [placed, approved, delivered]
      responses:
        '200':
          description: Orders
components:
  parameters:
    Limit:
      name: limit
      in: query
      description: How many items to return at one time (max 100)
      schema:
        type: integer
        maximum: 100
  responses:
    Error:
      description: unexpected error
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Error'
  schemas:
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        tag: {type: string}
    Pet:
      allOf:
        - $ref: '#/components/schemas/NewPet'
        - type: object
          required: [id]
          properties:
            id: {type: integer, format: int64}
    Pets:
      type: array
      items:
        $ref: '#/components/schemas/Pet'
    Error:
      type: object
      required: [code, message]
      properties:
        code: {type: integer, format: int32}
        message: {type: string}
  securitySchemes:
    petstore_auth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://auth.example.com/token
          scopes:
            read:pets: read your pets
            write:pets: modify pets in your account
)";
}

namespace {

json::object schema_ref(SampleFlavour f, const std::string& name) {
  const std::string base = f == SampleFlavour::kSwagger20 ? "#/definitions/" : "#/components/schemas/";
  return json::object{{"$ref", base + name}};
}

json::object large(SampleFlavour f, int resources) {
  const bool swagger = f == SampleFlavour::kSwagger20;
  json::object doc;
  if (swagger) doc["swagger"] = "2.0";
  else doc["openapi"] = f == SampleFlavour::kOpenApi31 ? "3.1.0" : "3.0.3";
  doc["info"] = json::object{{"title", "Inventory Platform"},
                             {"version", "2.4.1"},
                             {"description", "A large generated definition with shared components."}};
  if (swagger) {
    doc["host"] = "inventory.example.com";
    doc["basePath"] = "/inventory";
    doc["schemes"] = json::array{"https"};
  } else {
    doc["servers"] = json::array{json::object{{"url", "https://{region}.example.com/inventory"},
                                              {"variables", json::object{{"region", json::object{{"default", "eu"},
                                                                                                {"enum", json::array{"eu", "us"}}}}}}}};
  }
  json::object schemas;
  schemas["Audit"] = json::object{{"type", "object"},
                                  {"properties", json::object{{"createdAt", json::object{{"type", "string"}, {"format", "date-time"}}},
                                                              {"createdBy", json::object{{"type", "string"}}}}}};
  schemas["Error"] = json::object{{"type", "object"},
                                  {"required", json::array{"code"}},
                                  {"properties", json::object{{"code", json::object{{"type", "integer"}}},
                                                              {"message", json::object{{"type", "string"}}}}}};
  json::object scopes;
  json::object paths;
  for (int r = 0; r < resources; ++r) {
    const std::string n = std::to_string(r);
    const std::string item = "Item" + n;
    schemas[item] = json::object{
        {"allOf", json::array{schema_ref(f, "Audit"),
                              json::object{{"type", "object"},
                                           {"required", json::array{"name"}},
                                           {"properties", json::object{{"id", json::object{{"type", "string"}}},
                                                                       {"name", json::object{{"type", "string"}}},
                                                                       {"quantity", json::object{{"type", "integer"}, {"minimum", 0}}}}}}}}};
    scopes["r" + n + ":read"] = "read resource " + n;
    scopes["r" + n + ":write"] = "write resource " + n;
    auto sec = [&](const std::string& scope) {
      return json::array{json::object{{"oauth", json::array{json::string(scope)}}}};
    };
    auto ok = [&](const std::string& desc, bool with_schema, bool list) -> json::object {
      json::object resp{{"description", desc}};
      if (!with_schema) return resp;
      json::value schema = list ? json::value(json::object{{"type", "array"}, {"items", schema_ref(f, item)}})
                                : json::value(schema_ref(f, item));
      if (swagger) resp["schema"] = schema;
      else resp["content"] = json::object{{"application/json", json::object{{"schema", schema}}}};
      return resp;
    };
    const std::string err_ref = swagger ? "#/responses/Error" : "#/components/responses/Error";
    auto body = [&](json::object& op) {
      if (swagger) {
        op["parameters"] = json::array{json::object{{"name", "body"}, {"in", "body"}, {"required", true}, {"schema", schema_ref(f, item)}}};
      } else {
        op["requestBody"] = json::object{{"required", true},
                                         {"content", json::object{{"application/json", json::object{{"schema", schema_ref(f, item)}}}}}};
      }
    };
    const std::string page_ref = swagger ? "#/parameters/Page" : "#/components/parameters/Page";
    json::object list{{"operationId", "list" + item},
                      {"tags", json::array{json::string("r" + n)}},
                      {"parameters", json::array{json::object{{"$ref", page_ref}}}},
                      {"security", sec("r" + n + ":read")},
                      {"responses", json::object{{"200", ok("the items", true, true)}, {"default", json::object{{"$ref", err_ref}}}}}};
    json::object create{{"operationId", "create" + item},
                        {"security", sec("r" + n + ":write")},
                        {"x-throttling-tier", "Unlimited"},
                        {"responses", json::object{{"201", ok("created", true, false)}, {"default", json::object{{"$ref", err_ref}}}}}};
    body(create);
    json::object path_param{{"name", "itemId"}, {"in", "path"}, {"required", true}};
    if (swagger) path_param["type"] = "string";
    else path_param["schema"] = json::object{{"type", "string"}};
    json::object get{{"operationId", "get" + item},
                     {"security", sec("r" + n + ":read")},
                     {"responses", json::object{{"200", ok("the item", true, false)}, {"404", json::object{{"$ref", err_ref}}}}}};
    json::object put{{"operationId", "replace" + item},
                     {"security", sec("r" + n + ":write")},
                     {"x-auth-type", "Application User"},
                     {"responses", json::object{{"200", ok("replaced", true, false)}}}};
    body(put);
    json::object del{{"operationId", "delete" + item},
                     {"security", sec("r" + n + ":write")},
                     {"responses", json::object{{"204", json::object{{"description", "deleted"}}}}}};
    paths["/r" + n + "/items"] = json::object{{"get", list}, {"post", create}};
    paths["/r" + n + "/items/{itemId}"] =
        json::object{{"parameters", json::array{path_param}}, {"get", get}, {"put", put}, {"delete", del}};
  }
  json::object page{{"name", "page"}, {"in", "query"}, {"required", false}};
  if (swagger) page["type"] = "integer";
  else page["schema"] = json::object{{"type", "integer"}, {"minimum", 1}};
  json::object error_resp{{"description", "an error"}};
  if (swagger) error_resp["schema"] = schema_ref(f, "Error");
  else error_resp["content"] = json::object{{"application/json", json::object{{"schema", schema_ref(f, "Error")}}}};
  doc["paths"] = std::move(paths);
  if (swagger) {
    doc["definitions"] = std::move(schemas);
    doc["parameters"] = json::object{{"Page", page}};
    doc["responses"] = json::object{{"Error", error_resp}};
    doc["securityDefinitions"] = json::object{{"oauth", json::object{{"type", "oauth2"},
                                                                    {"flow", "application"},
                                                                    {"tokenUrl", "https://auth.example.com/token"},
                                                                    {"scopes", scopes}}}};
  } else {
    doc["components"] = json::object{
        {"schemas", std::move(schemas)},
        {"parameters", json::object{{"Page", page}}},
        {"responses", json::object{{"Error", error_resp}}},
        {"securitySchemes",
         json::object{{"oauth", json::object{{"type", "oauth2"},
                                             {"flows", json::object{{"clientCredentials",
                                                                     json::object{{"tokenUrl", "https://auth.example.com/token"},
                                                                                  {"scopes", scopes}}}}}}}}}};
  }
  return doc;
}

// A YAML rendering written independently of the code under test: block mappings and sequences,
// every scalar that is a string double-quoted.
void yaml(std::string& out, const json::value& v, int indent) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  if (v.is_object()) {
    for (const auto& kv : v.get_object()) {
      out += pad + json::serialize(json::string(kv.key())) + ":";
      const json::value& c = kv.value();
      if ((c.is_object() && !c.get_object().empty()) || (c.is_array() && !c.get_array().empty())) {
        out += "\n";
        yaml(out, c, indent + 2);
      } else {
        out += " " + json::serialize(c) + "\n";
      }
    }
  } else if (v.is_array()) {
    for (const auto& c : v.get_array()) {
      if ((c.is_object() && !c.get_object().empty()) || (c.is_array() && !c.get_array().empty())) {
        out += pad + "-\n";
        yaml(out, c, indent + 2);
      } else {
        out += pad + "- " + json::serialize(c) + "\n";
      }
    }
  }
}

}  // namespace

std::string large_definition_json(SampleFlavour flavour, int resources) {
  return json::serialize(large(flavour, resources));
}

std::string large_definition_yaml(SampleFlavour flavour, int resources) {
  std::string out = "# generated: " + std::to_string(resources * 5) + " operations\n";
  yaml(out, large(flavour, resources), 0);
  return out;
}

}  // namespace archway::testing
