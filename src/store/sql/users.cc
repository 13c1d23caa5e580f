// Users and the roles of management scopes, over the SQL layer (see store/user_store.h).
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

namespace records {

// The user's roles as rows as well, so that who holds a role is an index lookup.
void record_user_roles(sql::Connection& conn, std::string_view user_id,
                       const std::vector<std::string>& roles) {
  conn.prepare("DELETE FROM user_roles WHERE user_id = ?").bind(1, user_id).run();
  for (const auto& r : roles)
    conn.prepare("INSERT INTO user_roles (user_id, role) VALUES (?, ?) ON CONFLICT DO NOTHING")
        .bind(1, user_id)
        .bind(2, r)
        .run();
}

UserStore::RoleMap role_map(sql::Connection& conn, const char* sql) {
  Stmt s = conn.prepare(sql);
  UserStore::RoleMap out;
  while (s.step()) {
    std::string key = s.text(0);
    if (out.empty() || out.back().first != key)
      out.emplace_back(std::move(key), std::vector<std::string>{});
    out.back().second.push_back(s.text(1));
  }
  return out;
}

}  // namespace records

using namespace records;

std::optional<domain::User> SqlUserStore::find_user(std::string_view username) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::User> {
    Stmt s = conn.prepare(
        "SELECT id, username, password_hash, roles, created_time FROM users WHERE username = ?");
    s.bind(1, username);
    if (!s.step()) return std::nullopt;
    return domain::User{s.text(0), s.text(1), s.text(2), split_roles(s.text(3)), s.integer(4)};
  });
}

void SqlUserStore::create_user(const domain::User& u) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    run_unique(conn.prepare("INSERT INTO users (id, username, password_hash, roles, created_time) "
                            "VALUES (?,?,?,?,?)")
                   .bind(1, u.id)
                   .bind(2, u.username)
                   .bind(3, u.password_hash)
                   .bind(4, join_roles(u.roles))
                   .bind(5, u.created_time),
               fmt::format("User '{}' already exists", u.username));
    record_user_roles(conn, u.id, u.roles);
  });
}

std::int64_t SqlUserStore::count_users_with_role(std::string_view role) {
  return db_.read([&](sql::Connection& conn) -> std::int64_t {
    Stmt s = conn.prepare(q::kUsersWithRoleCount);
    s.bind(1, role);
    s.step();
    return s.integer(0);
  });
}

std::int64_t SqlUserStore::count_users() {
  return db_.read([&](sql::Connection& conn) -> std::int64_t {
    Stmt s = conn.prepare("SELECT COUNT(*) FROM users");
    s.step();
    return s.integer(0);
  });
}

std::vector<domain::User> SqlUserStore::list_users() {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::User> {
    Stmt s = conn.prepare(
        "SELECT id, username, password_hash, roles, created_time FROM users ORDER BY username");
    std::vector<domain::User> out;
    while (s.step())
      out.push_back({s.text(0), s.text(1), s.text(2), split_roles(s.text(3)), s.integer(4)});
    return out;
  });
}

void SqlUserStore::update_user(const domain::User& u) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    conn.prepare("UPDATE users SET password_hash = ?, roles = ? WHERE username = ?")
        .bind(1, u.password_hash)
        .bind(2, join_roles(u.roles))
        .bind(3, u.username)
        .run();
    if (conn.changes() == 0)
      throw common::ProblemError(
          common::Problem::not_found(fmt::format("User '{}' not found", u.username)));
    Stmt s = conn.prepare("SELECT id FROM users WHERE username = ?");
    s.bind(1, u.username);
    if (s.step()) record_user_roles(conn, s.text(0), u.roles);
  });
}

bool SqlUserStore::delete_user(std::string_view username) {
  return db_.write([&](sql::Tx& tx) -> bool {
    auto& conn = tx.conn();
    conn.prepare("DELETE FROM users WHERE username = ?").bind(1, username).run();
    return conn.changes() > 0;
  });
}

UserStore::RoleMap SqlUserStore::system_scope_roles() {
  return db_.read([&](sql::Connection& conn) -> RoleMap {
    return role_map(conn, "SELECT scope, role FROM system_scope_roles ORDER BY scope, role");
  });
}

void SqlUserStore::set_system_scope_roles(const RoleMap& scopes) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    for (const auto& [scope, roles] : scopes) {
      conn.prepare("DELETE FROM system_scope_roles WHERE scope = ?").bind(1, scope).run();
      for (const auto& role : roles)
        conn.prepare(
                "INSERT INTO system_scope_roles (scope, role) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bind(1, scope)
            .bind(2, role)
            .run();
    }
  });
}

UserStore::RoleMap SqlUserStore::role_aliases() {
  return db_.read([&](sql::Connection& conn) -> RoleMap {
    return role_map(conn, "SELECT role, alias FROM role_aliases ORDER BY role, alias");
  });
}

void SqlUserStore::set_role_aliases(const RoleMap& aliases) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    conn.prepare("DELETE FROM role_aliases").run();
    for (const auto& [role, names] : aliases)
      for (const auto& alias : names)
        conn.prepare("INSERT INTO role_aliases (role, alias) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bind(1, role)
            .bind(2, alias)
            .run();
  });
}

}  // namespace archway::store
