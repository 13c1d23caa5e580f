#include "domain/api.h"

#include <algorithm>

namespace archway::domain {

bool is_http_verb(std::string_view verb) {
  return std::find(std::begin(kHttpVerbs), std::end(kHttpVerbs), verb) != std::end(kHttpVerbs);
}

}  // namespace archway::domain
