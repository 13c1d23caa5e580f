#pragma once
// A shared scope (the Publisher's /scopes): an OAuth2 scope defined once and referenced by name
// from any number of APIs (`scopes: [{"scope": {"name": ...}, "shared": true}]`); `bindings` are the
// roles allowed to obtain it (empty: anyone).
#include <cstdint>
#include <string>
#include <vector>

namespace archway::domain {

struct SharedScope {
  std::string id;
  std::string name;
  std::string display_name;
  std::string description;
  std::vector<std::string> bindings;
  std::int64_t usage_count = 0;  // APIs (working copies) that use it; read-only
};

}  // namespace archway::domain
