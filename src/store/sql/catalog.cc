// Shared scopes, categories, environments, labels and the Service Catalog, over the SQL layer (see
// store/catalog_store.h).
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

// The fields without their own column, as JSON.
std::string service_metadata(const domain::CatalogService& c) {
  json::object o;
  o["description"] = c.description;
  o["serviceUrl"] = c.service_url;
  o["securityType"] = c.security_type;
  o["mutualSSLEnabled"] = c.mutual_ssl_enabled;
  o["definitionUrl"] = c.definition_url;
  return json::serialize(o);
}

domain::CatalogService service_from(const Stmt& s) {
  domain::CatalogService c;
  c.id = s.text(0);
  c.key = s.text(1);
  c.name = s.text(2);
  c.display_name = s.text(3);
  c.version = s.text(4);
  c.definition_type = s.text(5);
  const json::object m = json::parse(s.text(6)).as_object();
  c.description = std::string(m.at("description").as_string());
  c.service_url = std::string(m.at("serviceUrl").as_string());
  c.security_type = std::string(m.at("securityType").as_string());
  c.mutual_ssl_enabled = m.at("mutualSSLEnabled").as_bool();
  c.definition_url = std::string(m.at("definitionUrl").as_string());
  c.definition = s.text(7);
  c.md5 = s.text(8);
  c.created_time = s.integer(9);
  c.last_updated_time = s.integer(10);
  return c;
}

std::string bindings_text(const std::vector<std::string>& roles) {
  json::array a;
  for (const auto& r : roles) a.emplace_back(r);
  return json::serialize(a);
}

std::optional<domain::ApiCategory> get_category_locked(sql::Connection& conn, std::string_view id) {
  Stmt s = conn.prepare(std::string(q::kCategoryColumns) + " WHERE c.id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return domain::ApiCategory{s.text(0), s.text(1), s.text(2), s.integer(3), s.integer(4)};
}

std::vector<std::string> apis_in_category(sql::Connection& conn, const std::string& name) {
  return all_rows(conn.prepare(q::kApisInCategory).bind(1, name),
                  [](const Stmt& s) { return s.text(0); });
}

// The environment whose `column` (id or name) is `value`.
std::optional<domain::Environment> environment_where(sql::Connection& conn, std::string_view column,
                                                     std::string_view value) {
  return first_row(
      conn
          .prepare(fmt::format(
              "SELECT id, name, definition, created_time FROM gateway_environments WHERE {} = ?",
              column))
          .bind(1, value),
      environment_from);
}

std::vector<domain::Label> api_labels_locked(sql::Connection& conn, std::string_view api_id) {
  return all_rows(conn.prepare("SELECT b.id, b.name, b.description FROM api_labels l JOIN labels b "
                               "ON b.id = l.label_id WHERE l.api_id = ? ORDER BY " +
                               sql::order_nocase(conn.dialect(), "b.name") + ", b.id")
                      .bind(1, api_id),
                  [](const Stmt& s) {
                    return domain::Label{s.text(0), s.text(1), s.text(2)};
                  });
}

}  // namespace records

using namespace records;

void SqlCatalogStore::create_shared_scope(const domain::SharedScope& sc) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    // A local scope of an API may not take the name (the token endpoint must know whose bindings
    // count).
    if (!apis_declaring_scope_locked(conn, sc.name).empty())
      throw common::ProblemError(common::Problem::conflict(fmt::format(
          "Scope '{}' is already defined by an API; a shared scope needs a name of its own",
          sc.name)));
    run_unique(conn.prepare("INSERT INTO shared_scopes (id, name, display_name, description, "
                            "bindings, created_time) "
                            "VALUES (?,?,?,?,?,?)")
                   .bind(1, sc.id)
                   .bind(2, sc.name)
                   .bind(3, sc.display_name)
                   .bind(4, sc.description)
                   .bind(5, bindings_text(sc.bindings))
                   .bind(6, common::now_millis()),
               fmt::format("A shared scope named '{}' already exists", sc.name));
  });
}

std::vector<domain::SharedScope> SqlCatalogStore::list_shared_scopes(std::int64_t offset,
                                                                     std::int64_t limit) {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::SharedScope> {
    Stmt s = conn.prepare(std::string(kSharedScopeColumns) +
                          " ORDER BY created_time, id LIMIT ? OFFSET ?");
    s.bind(1, sql::limit_param(limit)).bind(2, offset);
    std::vector<domain::SharedScope> out;
    while (s.step()) out.push_back(shared_scope_from_row(s));
    for (auto& sc : out)
      sc.usage_count = static_cast<std::int64_t>(apis_declaring_scope_locked(conn, sc.name).size());
    return out;
  });
}

std::int64_t SqlCatalogStore::count_shared_scopes() {
  return db_.read([&](sql::Connection& conn) -> std::int64_t {
    Stmt s = conn.prepare("SELECT COUNT(*) FROM shared_scopes");
    s.step();
    return s.integer(0);
  });
}

std::optional<domain::SharedScope> SqlCatalogStore::get_shared_scope(std::string_view id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::SharedScope> {
    return shared_scope_where(conn, "id", id);
  });
}

std::optional<domain::SharedScope> SqlCatalogStore::find_shared_scope(std::string_view name) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::SharedScope> {
    return shared_scope_where(conn, "name", name);
  });
}

void SqlCatalogStore::update_shared_scope(const domain::SharedScope& sc) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    Stmt s = conn.prepare(
        "UPDATE shared_scopes SET display_name = ?, description = ?, bindings = ? WHERE id = ?");
    s.bind(1, sc.display_name)
        .bind(2, sc.description)
        .bind(3, bindings_text(sc.bindings))
        .bind(4, sc.id);
    s.run();
    if (conn.changes() == 0)
      throw common::ProblemError(
          common::Problem::not_found(fmt::format("Shared scope '{}' not found", sc.id)));
  });
}

bool SqlCatalogStore::delete_shared_scope(std::string_view id) {
  return db_.write([&](sql::Tx& tx) -> bool {
    auto& conn = tx.conn();
    auto sc = shared_scope_where(conn, "id", id);
    if (!sc) return false;
    if (sc->usage_count > 0)
      throw common::ProblemError(common::Problem::conflict(
          fmt::format("Shared scope '{}' is used by {} API(s); remove it from them first", sc->name,
                      sc->usage_count)));
    conn.prepare("DELETE FROM shared_scopes WHERE id = ?").bind(1, id).run();
    return true;
  });
}

std::vector<std::string> SqlCatalogStore::apis_declaring_scope(std::string_view name) {
  return db_.read([&](sql::Connection& conn) -> std::vector<std::string> {
    return apis_declaring_scope_locked(conn, name);
  });
}

void SqlCatalogStore::create_category(const domain::ApiCategory& c) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    run_unique(
        conn.prepare(
                "INSERT INTO api_categories (id, name, description, created_time) VALUES (?,?,?,?)")
            .bind(1, c.id)
            .bind(2, c.name)
            .bind(3, c.description)
            .bind(4, c.created_time),
        fmt::format("An API category named '{}' already exists", c.name));
  });
}

std::vector<domain::ApiCategory> SqlCatalogStore::list_categories() {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::ApiCategory> {
    return all_rows(
        conn.prepare(std::string(q::kCategoryColumns) + " ORDER BY " +
                     sql::order_nocase(conn.dialect(), "c.name")),
        [](const Stmt& s) {
          return domain::ApiCategory{s.text(0), s.text(1), s.text(2), s.integer(3), s.integer(4)};
        });
  });
}

std::optional<domain::ApiCategory> SqlCatalogStore::get_category(std::string_view id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::ApiCategory> {
    return get_category_locked(conn, id);
  });
}

void SqlCatalogStore::update_category(const domain::ApiCategory& c) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    auto old = get_category_locked(conn, c.id);
    if (!old)
      throw common::ProblemError(
          common::Problem::not_found(fmt::format("API category '{}' not found", c.id)));
    run_unique(conn.prepare("UPDATE api_categories SET name = ?, description = ? WHERE id = ?")
                   .bind(1, c.name)
                   .bind(2, c.description)
                   .bind(3, c.id),
               fmt::format("An API category named '{}' already exists", c.name));
    if (old->name == c.name) return std::int64_t{0};
    // The APIs name their categories: carry the new name into each working copy.
    for (const auto& api_id : apis_in_category(conn, old->name)) {
      auto api = get_api_locked(conn, api_id);
      if (!api) continue;
      for (auto& name : api->categories)
        if (name == old->name) name = c.name;
      conn.prepare("UPDATE apis SET search_text = ?, definition = ? WHERE id = ?")
          .bind(1, search_text(*api))
          .bind(2, codec::encode_api(*api))
          .bind(3, api_id)
          .run();
      record_category_refs(conn, *api);
      record_search(conn, *api);
    }
    return std::int64_t{0};
  });
}

bool SqlCatalogStore::delete_category(std::string_view id) {
  return db_.write([&](sql::Tx& tx) -> bool {
    auto& conn = tx.conn();
    auto c = get_category_locked(conn, id);
    if (!c) return false;
    if (c->api_count > 0)
      throw common::ProblemError(common::Problem::conflict(
          fmt::format("API category '{}' is used by {} API(s); remove it from them first", c->name,
                      c->api_count)));
    conn.prepare("DELETE FROM api_categories WHERE id = ?").bind(1, id).run();
    return true;
  });
}

void SqlCatalogStore::create_environment(const domain::Environment& env) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    Stmt s = conn.prepare(
        "INSERT INTO gateway_environments (id, name, definition, created_time) VALUES (?,?,?,?)");
    s.bind(1, env.id).bind(2, env.name).bind(3, environment_to_text(env)).bind(4, env.created_time);
    run_unique(s, fmt::format("A gateway environment named '{}' already exists", env.name));
    return tx.append_change("environment.changed", env.id, "{}");
  });
}

std::vector<domain::Environment> SqlCatalogStore::list_environments() {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::Environment> {
    return all_rows(conn.prepare("SELECT id, name, definition, created_time FROM "
                                 "gateway_environments ORDER BY created_time, id"),
                    environment_from);
  });
}

std::optional<domain::Environment> SqlCatalogStore::get_environment(std::string_view id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::Environment> {
    return environment_where(conn, "id", id);
  });
}

std::optional<domain::Environment> SqlCatalogStore::find_environment(std::string_view name) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::Environment> {
    return environment_where(conn, "name", name);
  });
}

void SqlCatalogStore::update_environment(const domain::Environment& env) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    conn.prepare("UPDATE gateway_environments SET definition = ? WHERE id = ? AND name = ?")
        .bind(1, environment_to_text(env))
        .bind(2, env.id)
        .bind(3, env.name)
        .run();
    if (conn.changes() == 0)
      throw common::ProblemError(
          common::Problem::not_found(fmt::format("Gateway environment '{}' not found", env.id)));
    return tx.append_change("environment.changed", env.id, "{}");
  });
}

bool SqlCatalogStore::delete_environment(std::string_view id) {
  bool found = false;
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    found = false;  // each attempt decides afresh (a retried write runs this again)
    auto& conn = tx.conn();
    Stmt s = conn.prepare("SELECT name FROM gateway_environments WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return 0;
    found = true;
    const std::string name = s.text(0);
    Stmt d = conn.prepare("SELECT COUNT(*) FROM api_deployments WHERE environment = ?");
    d.bind(1, name);
    d.step();
    if (d.integer(0) > 0)
      throw common::ProblemError(common::Problem::conflict(
          fmt::format("Gateway environment '{}' cannot be deleted: {} API revision(s) are deployed "
                      "to it; undeploy them first",
                      name, d.integer(0))));
    conn.prepare("DELETE FROM gateway_environments WHERE id = ?").bind(1, id).run();
    conn.prepare("DELETE FROM api_environment_properties WHERE environment = ?")
        .bind(1, name)
        .run();
    conn.prepare("DELETE FROM gateway_instances WHERE environment = ?").bind(1, name).run();
    return tx.append_change("environment.changed", id, "{}");
  });
  return found;
}

void SqlCatalogStore::record_gateway_heartbeat(const domain::GatewayInstance& g) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    conn.prepare(
            "INSERT INTO gateway_instances (gateway_id, environment, last_active) VALUES (?,?,?) "
            "ON CONFLICT(gateway_id) DO UPDATE SET environment = excluded.environment, "
            "last_active = excluded.last_active")
        .bind(1, g.gateway_id)
        .bind(2, g.environment)
        .bind(3, g.last_active)
        .run();
    // Nodes gone for a day are forgotten.
    conn.prepare("DELETE FROM gateway_instances WHERE last_active < ?")
        .bind(1, g.last_active - 86'400'000)
        .run();
  });
}

std::vector<domain::GatewayInstance> SqlCatalogStore::list_gateway_instances(
    std::string_view environment) {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::GatewayInstance> {
    return all_rows(conn.prepare("SELECT gateway_id, environment, last_active FROM "
                                 "gateway_instances WHERE environment = ? "
                                 "ORDER BY gateway_id")
                        .bind(1, environment),
                    [](const Stmt& s) {
                      return domain::GatewayInstance{s.text(0), s.text(1), s.integer(2)};
                    });
  });
}

namespace {

constexpr const char* kPlatformGatewayColumns =
    "SELECT id, name, display_name, description, vhost, properties, permission_type, roles, token_hash, "
    "created_time, updated_time, last_active_time FROM platform_gateways";

domain::PlatformGateway platform_gateway_from(const Stmt& s) {
  domain::PlatformGateway g;
  g.id = s.text(0);
  g.name = s.text(1);
  g.display_name = s.text(2);
  g.description = s.text(3);
  g.vhost = s.text(4);
  g.properties = s.text(5);
  g.permission_type = s.text(6);
  const json::value roles = json::parse(s.text(7));  // kept: a range-for would not extend a temporary's life
  for (const auto& r : roles.as_array()) g.roles.emplace_back(r.as_string());
  g.token_hash = s.text(8);
  g.created_time = s.integer(9);
  g.updated_time = s.integer(10);
  g.last_active_time = s.integer(11);
  return g;
}

std::string roles_text(const std::vector<std::string>& roles) {
  return json::serialize(json::array(roles.begin(), roles.end()));
}

}  // namespace

void SqlCatalogStore::create_platform_gateway(const domain::PlatformGateway& g) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    Stmt s = conn.prepare(
        "INSERT INTO platform_gateways (id, name, display_name, description, vhost, properties, "
        "permission_type, roles, token_hash, created_time, updated_time, last_active_time) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,0)");
    s.bind(1, g.id).bind(2, g.name).bind(3, g.display_name).bind(4, g.description).bind(5, g.vhost);
    s.bind(6, g.properties).bind(7, g.permission_type).bind(8, roles_text(g.roles)).bind(9, g.token_hash);
    s.bind(10, g.created_time).bind(11, g.updated_time);
    sql::run_unique(s, fmt::format("A gateway named '{}' already exists", g.name));
  });
}

std::vector<domain::PlatformGateway> SqlCatalogStore::list_platform_gateways() {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::PlatformGateway> {
    return all_rows(conn.prepare(std::string(kPlatformGatewayColumns) + " ORDER BY name"), platform_gateway_from);
  });
}

std::optional<domain::PlatformGateway> SqlCatalogStore::get_platform_gateway(std::string_view id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::PlatformGateway> {
    return first_row(conn.prepare(std::string(kPlatformGatewayColumns) + " WHERE id = ?").bind(1, id),
                     platform_gateway_from);
  });
}

void SqlCatalogStore::update_platform_gateway(const domain::PlatformGateway& g) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    Stmt s = conn.prepare(
        "UPDATE platform_gateways SET display_name = ?, description = ?, properties = ?, permission_type = ?, "
        "roles = ?, token_hash = ?, updated_time = ? WHERE id = ?");
    s.bind(1, g.display_name).bind(2, g.description).bind(3, g.properties).bind(4, g.permission_type);
    s.bind(5, roles_text(g.roles)).bind(6, g.token_hash).bind(7, g.updated_time).bind(8, g.id);
    s.run();
    if (conn.changes() == 0)
      throw common::ProblemError(common::Problem::not_found(fmt::format("Gateway '{}' not found", g.id)));
  });
}

bool SqlCatalogStore::delete_platform_gateway(std::string_view id) {
  bool removed = false;
  db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    conn.prepare("DELETE FROM platform_gateways WHERE id = ?").bind(1, id).run();
    removed = conn.changes() > 0;
  });
  return removed;
}

std::optional<domain::PlatformGateway> SqlCatalogStore::use_platform_gateway_token(std::string_view token_hash,
                                                                                   std::int64_t now_ms) {
  return db_.write([&](sql::Tx& tx) -> std::optional<domain::PlatformGateway> {
    auto& conn = tx.conn();
    auto g = first_row(conn.prepare(std::string(kPlatformGatewayColumns) + " WHERE token_hash = ?").bind(1, token_hash),
                       platform_gateway_from);
    if (!g) return std::nullopt;
    conn.prepare("UPDATE platform_gateways SET last_active_time = ? WHERE id = ?").bind(1, now_ms).bind(2, g->id).run();
    g->last_active_time = now_ms;
    return g;
  });
}

void SqlCatalogStore::create_label(const domain::Label& label) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    Stmt s = conn.prepare("INSERT INTO labels (id, name, description) VALUES (?,?,?)");
    s.bind(1, label.id).bind(2, label.name).bind(3, label.description);
    run_unique(s, fmt::format("Label with name '{}' already exists", label.name));
  });
}

std::vector<domain::Label> SqlCatalogStore::list_labels() {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::Label> {
    // PostgreSQL: ORDER BY lower(name), id.
    Stmt s =
        conn.prepare("SELECT id, name, description FROM labels ORDER BY " +
                     sql::order_nocase(conn.dialect(), "name") + ", id");
    std::vector<domain::Label> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2)});
    return out;
  });
}

std::optional<domain::Label> SqlCatalogStore::get_label(std::string_view id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::Label> {
    Stmt s = conn.prepare("SELECT id, name, description FROM labels WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return domain::Label{s.text(0), s.text(1), s.text(2)};
  });
}

void SqlCatalogStore::update_label(const domain::Label& label) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    Stmt s = conn.prepare("UPDATE labels SET name = ?, description = ? WHERE id = ?");
    s.bind(1, label.name).bind(2, label.description).bind(3, label.id);
    run_unique(s, fmt::format("Label with name '{}' already exists", label.name));
    if (conn.changes() == 0)
      throw common::ProblemError(
          common::Problem::not_found(fmt::format("Label '{}' not found", label.id)));
  });
}

bool SqlCatalogStore::delete_label(std::string_view id) {
  return db_.write([&](sql::Tx& tx) -> bool {
    auto& conn = tx.conn();
    Stmt u = conn.prepare("SELECT COUNT(*) FROM api_labels WHERE label_id = ?");
    u.bind(1, id);
    u.step();
    if (u.integer(0) > 0)
      throw common::ProblemError(
          common::Problem::conflict(fmt::format("The label cannot be deleted: it is attached to {} "
                                                "API(s); detach it first (see its usage)",
                                                u.integer(0))));
    conn.prepare("DELETE FROM labels WHERE id = ?").bind(1, id).run();
    const bool found = conn.changes() > 0;
    return found;
  });
}

std::vector<std::string> SqlCatalogStore::label_usage(std::string_view label_id) {
  return db_.read([&](sql::Connection& conn) -> std::vector<std::string> {
    return all_rows(conn.prepare("SELECT l.api_id FROM api_labels l JOIN apis a ON a.id = l.api_id "
                                 "WHERE l.label_id = ? "
                                 "ORDER BY a.created_time, a.id")
                        .bind(1, label_id),
                    [](const Stmt& s) { return s.text(0); });
  });
}

std::vector<domain::Label> SqlCatalogStore::api_labels(std::string_view api_id) {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::Label> {
    return api_labels_locked(conn, api_id);
  });
}

std::vector<domain::Label> SqlCatalogStore::change_api_labels(
    std::string_view api_id, const std::vector<std::string>& label_ids, bool attach) {
  return db_.write([&](sql::Tx& tx) -> std::vector<domain::Label> {
    auto& conn = tx.conn();
    if (!get_api_locked(conn, api_id))
      throw common::ProblemError(
          common::Problem::not_found(fmt::format("API '{}' not found", api_id)));
    for (std::size_t i = 0; i < label_ids.size(); ++i) {
      Stmt s = conn.prepare("SELECT 1 FROM labels WHERE id = ?");
      s.bind(1, label_ids[i]);
      if (!s.step())
        throw common::ProblemError(common::Problem::bad_request(fmt::format(
            "'labels[{}]': no label with id '{}' (see the Admin API's /labels)", i, label_ids[i])));
      conn.prepare(
              attach
                  ? "INSERT INTO api_labels (api_id, label_id) VALUES (?,?) ON CONFLICT DO NOTHING"
                  : "DELETE FROM api_labels WHERE api_id = ? AND label_id = ?")
          .bind(1, api_id)
          .bind(2, label_ids[i])
          .run();
    }
    auto out = api_labels_locked(conn, api_id);
    return out;
  });
}

void SqlCatalogStore::create_service(const domain::CatalogService& c) {
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    auto& conn = tx.conn();
    run_unique(
        conn.prepare("INSERT INTO catalog_services (id, service_key, name, display_name, version, "
                     "definition_type, metadata, definition, md5, created_time, last_updated_time) "
                     "VALUES (?,?,?,?,?,?,?,?,?,?,?)")
            .bind(1, c.id)
            .bind(2, c.key)
            .bind(3, c.name)
            .bind(4, c.display_name)
            .bind(5, c.version)
            .bind(6, c.definition_type)
            .bind(7, service_metadata(c))
            .bind(8, c.definition)
            .bind(9, c.md5)
            .bind(10, c.created_time)
            .bind(11, c.last_updated_time),
        fmt::format("A service with key '{}' already exists", c.key));
    return 0;
  });
}

std::optional<domain::CatalogService> SqlCatalogStore::get_service(std::string_view id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::CatalogService> {
    return first_row(conn.prepare(std::string(kServiceColumns) + " WHERE id = ?").bind(1, id),
                     service_from);
  });
}

std::optional<domain::CatalogService> SqlCatalogStore::find_service_by_key(std::string_view key) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::CatalogService> {
    return first_row(
        conn.prepare(std::string(kServiceColumns) + " WHERE service_key = ?").bind(1, key),
        service_from);
  });
}

ServicePage SqlCatalogStore::list_services(const ServiceQuery& q) {
  return db_.read([&](sql::Connection& conn) -> ServicePage {
    std::string where = " WHERE 1=1";
    std::vector<std::string> args;
    if (!q.name.empty()) {
      // lower() on both sides: case-insensitive in both dialects.
      where += " AND lower(name) LIKE ? ESCAPE '\\'";
      args.push_back("%" + escape_like(common::to_lower(q.name)) + "%");
    }
    if (!q.display_name.empty()) {
      where += " AND lower(display_name) LIKE ? ESCAPE '\\'";
      args.push_back("%" + escape_like(common::to_lower(q.display_name)) + "%");
    }
    if (!q.version.empty()) {
      where += " AND version = ?";
      args.push_back(q.version);
    }
    if (q.definition_type == "OAS") {
      where += " AND definition_type IN ('OAS2','OAS3')";
    } else if (!q.definition_type.empty()) {
      where += " AND definition_type = ?";
      args.push_back(q.definition_type);
    }
    if (!q.keys.empty()) {
      where += " AND service_key IN (";
      for (std::size_t i = 0; i < q.keys.size(); ++i) {
        where += i ? ",?" : "?";
        args.push_back(q.keys[i]);
      }
      where += ")";
    }
    auto bind_all = [&](Stmt& s) {
      for (std::size_t i = 0; i < args.size(); ++i) s.bind(static_cast<int>(i + 1), args[i]);
    };
    ServicePage page;
    {
      Stmt s = conn.prepare("SELECT COUNT(*) FROM catalog_services" + where);
      bind_all(s);
      s.step();
      page.total = s.integer(0);
    }
    const std::string order =
        std::string(q.sort_by_definition_type ? "definition_type" : "lower(name)") +
        (q.descending ? " DESC" : " ASC") + ", version, id";
    Stmt s = conn.prepare(std::string(kServiceColumns) + where + " ORDER BY " + order +
                          " LIMIT ? OFFSET ?");
    bind_all(s);
    s.bind(static_cast<int>(args.size() + 1), q.limit)
        .bind(static_cast<int>(args.size() + 2), q.offset);
    while (s.step()) page.list.push_back(service_from(s));
    return page;
  });
}

void SqlCatalogStore::update_service(const domain::CatalogService& c) {
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    auto& conn = tx.conn();
    run_unique(
        conn.prepare("UPDATE catalog_services SET service_key = ?, name = ?, display_name = ?, "
                     "version = ?, definition_type = ?, metadata = ?, definition = ?, md5 = ?, "
                     "last_updated_time = ? WHERE id = ?")
            .bind(1, c.key)
            .bind(2, c.name)
            .bind(3, c.display_name)
            .bind(4, c.version)
            .bind(5, c.definition_type)
            .bind(6, service_metadata(c))
            .bind(7, c.definition)
            .bind(8, c.md5)
            .bind(9, c.last_updated_time)
            .bind(10, c.id),
        fmt::format("A service with key '{}' already exists", c.key));
    if (conn.changes() == 0)
      throw common::ProblemError(
          common::Problem::not_found(fmt::format("Service '{}' not found", c.id)));
    return 0;
  });
}

bool SqlCatalogStore::delete_service(std::string_view id) {
  bool removed = false;
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    removed = false;  // each attempt decides afresh (a retried write runs this again)
    auto& conn = tx.conn();
    Stmt k = conn.prepare("SELECT service_key FROM catalog_services WHERE id = ?");
    k.bind(1, id);
    if (!k.step()) return 0;
    const std::string key = k.text(0);
    Stmt users = conn.prepare("SELECT name, version FROM apis WHERE " +
                              sql::json_text(conn.dialect(), "definition", "$.serviceInfo.key") +
                              " = ? ORDER BY created_time, id");
    users.bind(1, key);
    std::string names;
    while (users.step()) names += (names.empty() ? "" : ", ") + users.text(0) + " " + users.text(1);
    if (!names.empty())
      throw common::ProblemError(common::Problem::conflict(
          fmt::format("Service '{}' is used by API(s) {}; delete them first", key, names)));
    conn.prepare("DELETE FROM catalog_services WHERE id = ?").bind(1, id).run();
    removed = conn.changes() > 0;
    return 0;
  });
  return removed;
}

std::vector<domain::Api> SqlCatalogStore::apis_using_service(std::string_view key) {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::Api> {
    Stmt s = conn.prepare(q::apis_using_service_sql(conn.dialect()));
    s.bind(1, key);
    std::vector<domain::Api> out;
    while (s.step()) {
      domain::Api api = api_from_definition(s.text(0));
      api.created_time = s.integer(1);
      api.last_updated_time = s.integer(2);
      out.push_back(std::move(api));
    }
    return out;
  });
}

}  // namespace archway::store
