// The change log, over the SQL layer (see store/change_log.h).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "common/clock.h"
#include "common/ids.h"
#include "common/problem.h"
#include "common/strings.h"
#include "domain/api_json.h"
#include "domain/lifecycle.h"
#include "domain/mediation_json.h"
#include "domain/policy_json.h"
#include "store/sql/aggregates.h"
#include "store/sql/records.h"

namespace archway::store {

using sql::run_unique;

using namespace records;

std::vector<ChangeEvent> SqlChangeLog::events_after(std::int64_t revision, std::size_t limit) {
  return db_.read([&](sql::Connection& conn) -> std::vector<ChangeEvent> {
    return all_rows(
        conn.prepare(q::kEventsAfter).bind(1, revision).bind(2, static_cast<std::int64_t>(limit)),
        [](const Stmt& s) {
          return ChangeEvent{s.integer(0), s.text(1), s.text(2), s.text(3), s.integer(4)};
        });
  });
}

void SqlChangeLog::set_commit_listener(std::function<void(std::int64_t)> listener) {
  db_.set_commit_listener(std::move(listener));
}

}  // namespace archway::store
