#pragma once
// Semantic rules for an API definition (types are checked by the JSON codec). Normalises what can
// be normalised (context trailing slash, verb case) and throws ProblemError(400) naming the field.
#include <string>
#include <string_view>

#include "domain/api.h"

namespace archway::publisher {

void normalise_and_validate(domain::Api& api);

// What an API must have to be in `state`: PUBLISHED (and BLOCKED and DEPRECATED, which were
// published) an endpoint and a subscription tier, PROTOTYPED an endpoint. Throws 400 starting
// with `doing` and naming what is missing.
void require_for_state(const domain::Api& api, std::string_view state, const std::string& doing);

}  // namespace archway::publisher
