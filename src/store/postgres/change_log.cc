#include "store/postgres/change_log.h"

namespace archway::store::postgres {

std::int64_t append_change(sql::Connection& conn, std::string_view type, std::string_view entity_id,
                           std::string_view payload, std::int64_t created_time) {
  sql::Stmt s = conn.prepare(
      "INSERT INTO change_log (type, entity_id, payload, created_time) VALUES (?, ?, ?, ?) RETURNING revision");
  s.bind(1, type).bind(2, entity_id).bind(3, payload).bind(4, created_time);
  if (!s.step()) throw sql::Error(sql::Error::Kind::kOther, "INSERT INTO change_log returned no revision");
  const std::int64_t revision = s.integer(0);
  s.run();
  return revision;
}

std::vector<ChangeRecord> changes_after(sql::Connection& conn, std::int64_t revision, std::size_t limit) {
  sql::Stmt s = conn.prepare(
      "SELECT revision, type, entity_id, payload, created_time FROM change_log WHERE revision > ? "
      "ORDER BY revision LIMIT ?");
  s.bind(1, revision).bind(2, static_cast<std::int64_t>(limit));
  std::vector<ChangeRecord> out;
  while (s.step()) out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.integer(4)});
  return out;
}

}  // namespace archway::store::postgres
