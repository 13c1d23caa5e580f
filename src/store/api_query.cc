#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/problem.h"
#include "common/strings.h"
#include "store/store.h"

namespace archway::store {

namespace {

// Space-separated terms; double quotes keep spaces inside one term and are dropped
// (`api-category:"Weather Data"`, `"credit card"`). An unclosed quote is a 400.
std::vector<std::string> query_terms(std::string_view query) {
  std::vector<std::string> terms;
  std::string term;
  bool quoted = false;
  bool any = false;  // the term has begun (an empty "" still makes a term)
  for (char c : query) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
    } else if (c == ' ' && !quoted) {
      if (any) terms.push_back(std::move(term));
      term.clear();
      any = false;
    } else {
      term += c;
      any = true;
    }
  }
  if (quoted)
    throw common::ProblemError(common::Problem::bad_request("'query': a double quote is not closed"));
  if (any) terms.push_back(std::move(term));
  return terms;
}

}  // namespace

ApiQuery parse_api_query(std::string_view query) {
  ApiQuery q;
  for (std::string& term : query_terms(query)) {
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
