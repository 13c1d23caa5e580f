#pragma once
// Small string helpers shared by modules.
#include <string>
#include <string_view>
#include <vector>

namespace archway::common {

// The space-separated words of `text` (OAuth2 scope and grant lists), empty words skipped.
std::vector<std::string> split_words(std::string_view text);

// ASCII lower case (header names, search text).
std::string to_lower(std::string text);

}  // namespace archway::common
