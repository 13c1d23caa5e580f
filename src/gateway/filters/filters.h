#pragma once
// The filters of the gateway's request path, one file each; compose_chain (chain.cc) picks the
// ones an operation needs. Each returns its single, stateless instance: what it needs to know about
// the operation it reads from the Call; what it keeps per worker it keeps in Worker::local<>().
#include "gateway/filter.h"

namespace archway::gateway::filters {

const Filter& blocked_api();       // lifecycle.cc: a BLOCKED API answers 503 (700700)
const Filter& mutual_tls();        // mutual_tls.cc: the caller's TLS client certificate (mutualssl)
const Filter& basic_auth();        // auth_basic.cc: HTTP Basic against the control plane's users
const Filter& token_auth();        // auth_token.cc: Bearer access token or API key, and the subscription
const Filter& backend_jwt();       // backend_jwt.cc: X-JWT-Assertion for the backend, never the caller's
const Filter& throttle();          // throttle.cc: deny policies and rate limits (Traffic Manager)
const Filter& schema_validation();  // schema_validation.cc: the request's parameters (and an empty body)
const Filter& mock();              // mock.cc: mockResponse answers without the backend
const Filter& header_mediation();  // header_mediation.cc: header policies both ways, rewriteMethod
const Filter& cors();              // cors.cc: Access-Control-Allow-* on responses to allowed origins
const Filter& response_cache();    // response_cache.cc: a fresh cached response answers
const Filter& payload_mediation();  // payload_mediation.cc: payload policies on whole bodies both ways
const Filter& endpoint_security();  // endpoint_security.cc: the backend's own credentials
const Filter& response_cache_store();  // response_cache.cc: keeps cacheable responses (runs last)

}  // namespace archway::gateway::filters
