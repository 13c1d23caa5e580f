#pragma once
// JSON codec for Api in the WSO2 API Manager 4.x Publisher shape (field names as the product's).
// Reading checks types and names the offending field; semantic rules live in the publisher.
#include <boost/json.hpp>

#include "domain/api.h"

namespace archway::domain {

// Throws common::ProblemError(400) naming the field when a value has the wrong type.
Api api_from_json(const boost::json::object& o);
boost::json::object api_to_json(const Api& api);
// api_to_json for REST answers: endpoint_security secrets (password, apiKeyValue) given as "", and
// the rest of the product's API fields with what holds for this server.
boost::json::object api_to_public_json(const Api& api);
// The additional properties the Developer Portal shows (display true), as [{name, value, display}].
boost::json::array displayed_properties_json(const Api& api);

// An API product in the product's APIProduct shape (apis: [{name, apiId, version, operations}],
// state, apiType "APIPRODUCT"). api_to_json is the stored form, which adds what the gateway needs.
boost::json::object product_to_json(const Api& product);

EndpointConfig endpoint_config_from_json(const boost::json::object& o);

}  // namespace archway::domain
