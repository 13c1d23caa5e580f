#pragma once
// Semantic rules for an API definition (types are checked by the JSON codec). Normalises what can
// be normalised (context trailing slash, verb case) and throws ProblemError(400) naming the field.
#include "domain/api.h"

namespace archway::publisher {

void normalise_and_validate(domain::Api& api);

}  // namespace archway::publisher
