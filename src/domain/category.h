#pragma once
// An API category (the Admin portal's api-categories): a named group APIs join by name, which the
// Developer Portal lists and filters by.
#include <cstdint>
#include <string>

namespace archway::domain {

struct ApiCategory {
  std::string id;
  std::string name;  // unique, case-insensitively
  std::string description;
  std::int64_t api_count = 0;  // APIs naming it (filled when read)
  std::int64_t created_time = 0;
};

}  // namespace archway::domain
