#pragma once
// Versioned schema migrations. Applied in order at start; each version runs once, in a transaction.
#include <string_view>
#include <vector>

namespace archway::store {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

const std::vector<Migration>& sqlite_migrations();

}  // namespace archway::store
