#pragma once
// Real-world-like OpenAPI definitions for tests: a hand-written petstore (3.0 YAML, with $ref,
// allOf, OAuth2 scopes, examples and WSO2 extensions) and generated large ones (hundreds of
// operations) in each flavour: Swagger 2.0, OpenAPI 3.0 and 3.1, JSON and YAML.
#include <string>

namespace archway::testing {

// OpenAPI 3.0.3 YAML: 6 operations on /pets and /pets/{petId} and /stores/{storeId}/orders.
std::string petstore_yaml();

enum class SampleFlavour { kSwagger20, kOpenApi30, kOpenApi31 };

// `resources` resources with five operations each (list, create, get, replace, delete) on
// /r{n}/items and /r{n}/items/{itemId}; schemas built with allOf over shared components, shared
// parameters and responses by $ref, an OAuth2 scheme with a read and write scope per resource.
std::string large_definition_json(SampleFlavour flavour, int resources);
std::string large_definition_yaml(SampleFlavour flavour, int resources);

}  // namespace archway::testing
