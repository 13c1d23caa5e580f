#include <fmt/format.h>

#include <algorithm>

#include "common/problem.h"
#include "common/strings.h"
#include "store/store.h"

namespace archway::store {

ApiQuery parse_api_query(std::string_view query) {
  ApiQuery q;
  for (std::string& term : common::split_words(query)) {
    term = common::to_lower(std::move(term));
    const std::size_t colon = term.find(':');
    if (colon == std::string::npos) {
      q.text += (q.text.empty() ? "" : " ") + term;
      continue;
    }
    std::string field = term.substr(0, colon);
    if (field == "lifecycle") field = "status";
    static constexpr std::string_view kFields[] = {"name",    "tag",    "context",
                                                   "provider", "version", "status",
                                                   "api-category"};
    if (std::find(std::begin(kFields), std::end(kFields), field) == std::end(kFields))
      throw common::ProblemError(common::Problem::bad_request(fmt::format(
          "'query': unknown search prefix '{}:' (use name:, tag:, context:, provider:, version:, status:, api-category: or free text)",
          field)));
    std::string value = term.substr(colon + 1);
    if (value.empty())
      throw common::ProblemError(common::Problem::bad_request(fmt::format("'query': '{}:' needs a value", field)));
    q.fields.emplace_back(std::move(field), std::move(value));
  }
  return q;
}

}  // namespace archway::store
