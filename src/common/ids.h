#pragma once
// Identifiers: random UUIDs (v4) for every resource the REST APIs expose.
#include <string>
#include <string_view>

namespace archway::common {

std::string new_uuid();
bool is_uuid(std::string_view s);

}  // namespace archway::common
