#include <fmt/format.h>

#include <algorithm>

#include "common/problem.h"
#include "store/store.h"

namespace archway::store {

ApiQuery parse_api_query(std::string_view query) {
  ApiQuery q;
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  };
  std::size_t i = 0;
  while (i < query.size()) {
    while (i < query.size() && query[i] == ' ') ++i;
    std::size_t j = query.find(' ', i);
    if (j == std::string_view::npos) j = query.size();
    const std::string_view term = query.substr(i, j - i);
    i = j;
    if (term.empty()) continue;
    const std::size_t colon = term.find(':');
    if (colon == std::string_view::npos) {
      q.text += (q.text.empty() ? "" : " ") + lower(std::string(term));
      continue;
    }
    std::string field = lower(std::string(term.substr(0, colon)));
    if (field == "lifecycle") field = "status";
    static constexpr std::string_view kFields[] = {"name", "tag", "context", "provider", "version", "status"};
    if (std::find(std::begin(kFields), std::end(kFields), field) == std::end(kFields))
      throw common::ProblemError(common::Problem::bad_request(fmt::format(
          "'query': unknown search prefix '{}:' (use name:, tag:, context:, provider:, version:, status: or free text)",
          field)));
    std::string value = lower(std::string(term.substr(colon + 1)));
    if (value.empty())
      throw common::ProblemError(common::Problem::bad_request(fmt::format("'query': '{}:' needs a value", field)));
    q.fields.emplace_back(std::move(field), std::move(value));
  }
  return q;
}

}  // namespace archway::store
