#pragma once
// Endpoint security: the backend's own credentials on every request toward it. A static header
// (BASIC, API key) and the OAUTH bearer token are set by the endpoint_security filter; a DIGEST
// answer depends on the endpoint and on its last challenge, so the forwarding step asks for it on
// each attempt and hands back the challenges it gets.
#include <optional>
#include <string_view>

#include "gateway/filter.h"

namespace archway::gateway::filters {

// Answers the endpoint's last challenge in the request's Authorization header, or removes the
// header while this worker has seen none. Call with the request's final method and target.
// Returns whether an answer was set.
bool set_digest_authorization(Call& call, const BackendDigest& digest, const EndpointRuntime& ep);

// Keeps the challenge of a backend's 401 (`www_authenticate`) for the next requests to `ep`.
// nullopt when it is not a Digest challenge; else whether it says the nonce was stale.
std::optional<bool> remember_digest_challenge(Call& call, const BackendDigest& digest, const EndpointRuntime& ep,
                                              std::string_view www_authenticate);

}  // namespace archway::gateway::filters
