#include "domain/api.h"

#include <algorithm>
#include <map>

namespace archway::domain {

bool is_http_verb(std::string_view verb) {
  return std::find(std::begin(kHttpVerbs), std::end(kHttpVerbs), verb) != std::end(kHttpVerbs);
}

std::vector<std::pair<std::string, std::int64_t>> tag_counts(const std::vector<Api>& apis) {
  std::map<std::string, std::int64_t> counts;
  for (const auto& a : apis) {
    std::vector<std::string> tags = a.tags;
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());  // an API counts once per tag
    for (const auto& t : tags) ++counts[t];
  }
  return {counts.begin(), counts.end()};
}

}  // namespace archway::domain
