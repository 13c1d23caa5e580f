#pragma once
// The stored form of an API (the `definition` column of apis and api_revisions): owned by the
// store, so that a change of the REST shape (domain/api_json.h) is not a change of stored rows.
// Today it writes exactly what the REST codec wrote when rows were first stored (same names), so no
// data migration was needed to introduce it; from now on its names change only with a migration.
#include <string>
#include <string_view>

#include "domain/api.h"

namespace archway::store::codec {

std::string encode_api(const domain::Api& api);
// Reads a stored definition. Throws when the text is not one.
domain::Api decode_api(std::string_view stored);

}  // namespace archway::store::codec
