// Applications and their OAuth2 clients, over the SQL layer (see store/application_store.h).
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
#include "store/sql/dialect.h"
#include "store/sql/records.h"

namespace archway::store {

using sql::run_unique;

namespace records {

// Replaces the application's attributes with `a.attributes`.
void write_attributes(sql::Connection& conn, const domain::Application& a) {
  conn.prepare("DELETE FROM application_attributes WHERE application_id = ?").bind(1, a.id).run();
  for (const auto& [name, value] : a.attributes)
    conn.prepare("INSERT INTO application_attributes (application_id, name, value) VALUES (?,?,?)")
        .bind(1, a.id)
        .bind(2, name)
        .bind(3, value)
        .run();
}

// Fills the attributes of applications read without them (one primary-key range scan each).
void read_attributes(sql::Connection& conn, domain::Application& a) {
  Stmt s = conn.prepare("SELECT name, value FROM application_attributes WHERE application_id = ? ORDER BY name");
  s.bind(1, a.id);
  a.attributes.clear();
  while (s.step()) a.attributes.emplace_back(s.text(0), s.text(1));
}

std::int64_t insert_application(sql::Tx& tx, const domain::Application& a) {
  auto& conn = tx.conn();
  run_unique(conn.prepare("INSERT INTO applications (id, name, owner, throttling_policy, "
                          "description, token_type, status, "
                          "created_time, updated_time) VALUES (?,?,?,?,?,?,?,?,?)")
                 .bind(1, a.id)
                 .bind(2, a.name)
                 .bind(3, a.owner)
                 .bind(4, a.throttling_policy)
                 .bind(5, a.description)
                 .bind(6, a.token_type)
                 .bind(7, a.status)
                 .bind(8, a.created_time)
                 .bind(9, a.updated_time),
             fmt::format("An application named '{}' already exists for '{}'", a.name, a.owner));
  write_attributes(conn, a);
  return tx.append_change("application.changed", a.id, "{}");
}

}  // namespace records

using namespace records;

void SqlApplicationStore::create_application(const domain::Application& a) {
  db_.write([&](sql::Tx& tx) { return insert_application(tx, a); });
}

void SqlApplicationStore::create_application(const domain::Application& a,
                                             const domain::Workflow& approval) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    const std::int64_t rev = insert_application(tx, a);
    insert_workflow(conn, approval);
    return rev;
  });
}

void SqlApplicationStore::set_application_status(std::string_view id, std::string_view status) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    conn.prepare("UPDATE applications SET status = ? WHERE id = ?")
        .bind(1, status)
        .bind(2, id)
        .run();
    if (conn.changes() == 0)
      throw common::ProblemError(
          common::Problem::not_found(fmt::format("Application '{}' not found", id)));
    return tx.append_change("application.changed", id, "{}");
  });
}

std::optional<domain::Application> SqlApplicationStore::get_application(std::string_view id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::Application> {
    auto a = first_row(conn.prepare(q::kAppById).bind(1, id), app_from);
    if (a) read_attributes(conn, *a);
    return a;
  });
}

std::vector<domain::Application> SqlApplicationStore::list_applications(std::string_view owner) {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::Application> {
    Stmt s = conn.prepare(owner.empty() ? std::string(q::kAppColumns) + " ORDER BY created_time, id"
                                        : std::string(q::kAppsOfOwner));
    if (!owner.empty()) s.bind(1, owner);
    std::vector<domain::Application> out;
    while (s.step()) out.push_back(app_from(s));
    return out;
  });
}

ApplicationPage SqlApplicationStore::list_applications_page(std::string_view owner,
                                                            std::int64_t limit,
                                                            std::int64_t offset) {
  return db_.read([&](sql::Connection& conn) -> ApplicationPage {
    ApplicationPage page;
    {
      Stmt s = conn.prepare(q::kAppsOfOwnerCount);
      s.bind(1, owner);
      s.step();
      page.total = s.integer(0);
    }
    Stmt s = conn.prepare(q::kAppsOfOwnerPage);
    s.bind(1, owner).bind(2, sql::limit_param(limit)).bind(3, offset);
    while (s.step()) page.list.push_back({app_from(s), s.integer(9)});
    for (auto& e : page.list) read_attributes(conn, e.application);
    return page;
  });
}

ApplicationPage SqlApplicationStore::search_applications(const ApplicationQuery& q) {
  return db_.read([&](sql::Connection& conn) -> ApplicationPage {
    // Filters in SQL; the order walks an index (name: migration 22, owner: the unique one).
    std::string where = " WHERE 1=1";
    if (!q.owner.empty()) where += " AND a.owner = ?";
    // A name ignores case (SQLite's LIKE, PostgreSQL's ILIKE; the same ESCAPE).
    if (!q.name.empty())
      where += std::string(" AND a.name ") + sql::like_nocase(conn.dialect()) + " ? ESCAPE '\\'";
    if (!q.key_manager.empty())
      where +=
          " AND EXISTS (SELECT 1 FROM application_keys k WHERE k.application_id = a.id AND "
          "k.key_manager = ?)";
    auto bind_filters = [&](Stmt& s) {
      int i = 1;
      if (!q.owner.empty()) s.bind(i++, q.owner);
      if (!q.name.empty()) s.bind(i++, "%" + escape_like(q.name) + "%");
      if (!q.key_manager.empty()) s.bind(i++, q.key_manager);
      return i;
    };
    ApplicationPage page;
    {
      Stmt s = conn.prepare("SELECT COUNT(*) FROM applications a" + where);
      bind_filters(s);
      s.step();
      page.total = s.integer(0);
    }
    const char* dir = q.descending ? " DESC" : "";
    const std::string order = q.by_owner ? fmt::format(" ORDER BY a.owner{0}, a.name{0}", dir)
                                         : fmt::format(" ORDER BY a.name{0}, a.owner{0}", dir);
    Stmt s = conn.prepare(
        "SELECT a.id, a.name, a.owner, a.throttling_policy, a.description, a.token_type, a.status, "
        "a.created_time, "
        "a.updated_time, (SELECT COUNT(*) FROM subscriptions s WHERE s.application_id = a.id) FROM "
        "applications a" +
        where + order + " LIMIT ? OFFSET ?");
    const int i = bind_filters(s);
    s.bind(i, sql::limit_param(q.limit)).bind(i + 1, q.offset);
    while (s.step()) page.list.push_back({app_from(s), s.integer(9)});
    for (auto& e : page.list) read_attributes(conn, e.application);
    return page;
  });
}

std::optional<domain::Application> SqlApplicationStore::find_application(std::string_view owner,
                                                                         std::string_view name) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::Application> {
    auto a = first_row(conn.prepare(q::kAppByOwnerAndName).bind(1, owner).bind(2, name), app_from);
    if (a) read_attributes(conn, *a);
    return a;
  });
}

void SqlApplicationStore::update_application(const domain::Application& a) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    run_unique(conn.prepare("UPDATE applications SET name=?, throttling_policy=?, description=?, "
                            "token_type=?, "
                            "updated_time=?, owner=? WHERE id=?")
                   .bind(1, a.name)
                   .bind(2, a.throttling_policy)
                   .bind(3, a.description)
                   .bind(4, a.token_type)
                   .bind(5, a.updated_time)
                   .bind(6, a.owner)
                   .bind(7, a.id),
               fmt::format("An application named '{}' already exists for '{}'", a.name, a.owner));
    if (conn.changes() == 0)
      throw common::ProblemError(
          common::Problem::not_found(fmt::format("Application '{}' not found", a.id)));
    write_attributes(conn, a);
    return tx.append_change("application.changed", a.id, "{}");
  });
}

bool SqlApplicationStore::delete_application(std::string_view id) {
  bool removed = false;
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    auto& conn = tx.conn();
    conn.prepare("DELETE FROM applications WHERE id = ?").bind(1, id).run();
    removed = conn.changes() > 0;
    return removed ? tx.append_change("application.changed", id, "{}") : 0;
  });
  return removed;
}

void SqlApplicationStore::create_key_mapping(const domain::KeyMapping& k) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    run_unique(conn.prepare("INSERT INTO application_keys (id, application_id, key_type, "
                            "consumer_key, consumer_secret_hash, "
                            "grant_types, callback_url, validity_seconds, created_time, "
                            "key_manager) VALUES (?,?,?,?,?,?,?,?,?,?)")
                   .bind(1, k.id)
                   .bind(2, k.application_id)
                   .bind(3, k.key_type)
                   .bind(4, k.consumer_key)
                   .bind(5, k.consumer_secret_hash)
                   .bind(6, join_roles(k.grant_types))
                   .bind(7, k.callback_url)
                   .bind(8, k.validity_seconds)
                   .bind(9, k.created_time)
                   .bind(10, k.key_manager),
               fmt::format("Keys of type {} already exist for this application", k.key_type));
    return tx.append_change("keys.changed", k.application_id, "{}");
  });
}

std::vector<domain::KeyMapping> SqlApplicationStore::list_key_mappings(
    std::string_view application_id) {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::KeyMapping> {
    return all_rows(conn.prepare(q::kKeysOfApplication).bind(1, application_id), key_from);
  });
}

std::optional<domain::KeyMapping> SqlApplicationStore::find_key_mapping(
    std::string_view consumer_key) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::KeyMapping> {
    return first_row(conn.prepare(q::kKeyByConsumerKey).bind(1, consumer_key), key_from);
  });
}

void SqlApplicationStore::update_consumer_secret(std::string_view key_mapping_id,
                                                 std::string_view secret_hash) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    conn.prepare("UPDATE application_keys SET consumer_secret_hash = ? WHERE id = ?")
        .bind(1, secret_hash)
        .bind(2, key_mapping_id)
        .run();
  });
}

void SqlApplicationStore::update_key_mapping(const domain::KeyMapping& k) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    conn.prepare(
            "UPDATE application_keys SET grant_types = ?, callback_url = ?, validity_seconds = ? "
            "WHERE id = ?")
        .bind(1, join_roles(k.grant_types))
        .bind(2, k.callback_url)
        .bind(3, k.validity_seconds)
        .bind(4, k.id)
        .run();
    if (conn.changes() == 0)
      throw common::ProblemError(
          common::Problem::not_found(fmt::format("Key mapping '{}' not found", k.id)));
    return tx.append_change("keys.changed", k.application_id, "{}");
  });
}

bool SqlApplicationStore::delete_key_mapping(std::string_view key_mapping_id) {
  bool removed = false;
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    removed = false;  // each attempt decides afresh (a retried write runs this again)
    auto& conn = tx.conn();
    std::string application_id;
    {
      Stmt s = conn.prepare("SELECT application_id FROM application_keys WHERE id = ?");
      s.bind(1, key_mapping_id);
      if (!s.step()) return 0;
      application_id = s.text(0);
    }
    conn.prepare("DELETE FROM application_keys WHERE id = ?").bind(1, key_mapping_id).run();
    removed = conn.changes() > 0;
    // Named after the application, as every keys.changed: gateways reload that application's keys.
    return removed ? tx.append_change("keys.changed", application_id, "{}") : 0;
  });
  return removed;
}

void SqlApplicationStore::reset_application_throttle(std::string_view application_id,
                                                     std::string_view user) {
  db_.write([&](sql::Tx& tx) {
    return tx.append_change("throttle.reset", application_id,
                            json::serialize(json::object{{"userName", user}}));
  });
}

}  // namespace archway::store
