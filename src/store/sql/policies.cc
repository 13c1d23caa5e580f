// Throttling policies, deny policies, operation policies and gateway policy mappings, over the SQL
// layer (see store/policy_store.h).
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

std::vector<std::string> gateway_labels_locked(sql::Connection& conn, std::string_view mapping_id) {
  return all_rows(
      conn.prepare(
              "SELECT environment FROM gateway_policy_deployments WHERE mapping_id = ? ORDER BY "
              "environment")
          .bind(1, mapping_id),
      [](const Stmt& s) { return s.text(0); });
}

domain::GatewayPolicyMapping gateway_mapping_from(sql::Connection& conn, const Stmt& s) {
  domain::GatewayPolicyMapping m;
  m.id = s.text(0);
  m.display_name = s.text(1);
  m.description = s.text(2);
  m.flows = domain::policy_flows_from_json(json::parse(s.text(3)), "policyMapping");
  m.labels = gateway_labels_locked(conn, m.id);
  return m;
}

}  // namespace records

using namespace records;

void SqlPolicyStore::create_operation_policy(const domain::OperationPolicy& p) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    Stmt s = conn.prepare(
        "INSERT INTO operation_policies (id, api_id, name, version, record, created_time) VALUES "
        "(?,?,?,?,?,?)");
    s.bind(1, p.id).bind(2, p.api_id).bind(3, p.spec.name).bind(4, p.version);
    s.bind(5, json::serialize(domain::operation_policy_record(p))).bind(6, p.created_time);
    run_unique(s, fmt::format("{} policy '{}' {} already exists",
                              p.api_id.empty() ? "A common" : "The API's", p.spec.name, p.version));
  });
}

std::vector<domain::OperationPolicy> SqlPolicyStore::list_operation_policies(
    std::string_view api_id) {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::OperationPolicy> {
    return all_rows(
        conn.prepare(
                "SELECT record FROM operation_policies WHERE api_id = ? ORDER BY name, version")
            .bind(1, api_id),
        [](const Stmt& s) { return operation_policy_from(s.text(0)); });
  });
}

std::optional<domain::OperationPolicy> SqlPolicyStore::get_operation_policy(std::string_view id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::OperationPolicy> {
    Stmt s = conn.prepare("SELECT record FROM operation_policies WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return operation_policy_from(s.text(0));
  });
}

bool SqlPolicyStore::delete_operation_policy(std::string_view id) {
  return db_.write([&](sql::Tx& tx) -> bool {
    auto& conn = tx.conn();
    Stmt s = conn.prepare("SELECT api_id, name, version FROM operation_policies WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return false;
    const std::string api_id = s.text(0), name = s.text(1), version = s.text(2);
    // A scan of the definitions that name the policy at all (a deletion is rare), then an exact
    // check.
    const std::string like = "%\"policyName\":\"" + name + "\"%";
    std::vector<std::string> users;
    auto scan = [&](const char* sql, bool with_api) {
      Stmt q = conn.prepare(sql);
      q.bind(1, like);
      if (with_api) q.bind(2, api_id);
      while (q.step())
        if (names_policy(q.text(1), name, version)) users.push_back(q.text(0));
    };
    if (api_id.empty()) {
      // A prefilter only (names_policy decides): SQLite's LIKE ignores case, PostgreSQL's does not,
      // both find every use.
      scan("SELECT name || ' ' || version, definition FROM apis WHERE definition LIKE ?", false);
      scan(
          "SELECT a.name || ' ' || a.version || ' (revision ' || r.number || ')', r.definition "
          "FROM api_revisions r "
          "JOIN apis a ON a.id = r.api_id WHERE r.definition LIKE ?",
          false);
      scan(
          "SELECT 'gateway policy mapping ' || display_name, flows FROM gateway_policy_mappings "
          "WHERE flows LIKE ?",
          false);
    } else {
      scan("SELECT name || ' ' || version, definition FROM apis WHERE definition LIKE ? AND id = ?",
           true);
      scan(
          "SELECT a.name || ' ' || a.version || ' (revision ' || r.number || ')', r.definition "
          "FROM api_revisions r "
          "JOIN apis a ON a.id = r.api_id WHERE r.definition LIKE ? AND r.api_id = ?",
          true);
    }
    if (!users.empty())
      throw common::ProblemError(common::Problem::conflict(
          fmt::format("Operation policy '{}' {} cannot be deleted: it is used by {}", name, version,
                      fmt::join(users, ", "))));
    conn.prepare("DELETE FROM operation_policies WHERE id = ?").bind(1, id).run();
    return true;
  });
}

void SqlPolicyStore::copy_operation_policies(std::string_view from_api_id,
                                             std::string_view to_api_id) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    Stmt s = conn.prepare("SELECT record FROM operation_policies WHERE api_id = ?");
    s.bind(1, from_api_id);
    std::vector<domain::OperationPolicy> copies;
    while (s.step()) copies.push_back(operation_policy_from(s.text(0)));
    for (auto& p : copies) {
      p.id = common::new_uuid();
      p.api_id = std::string(to_api_id);
      conn.prepare(
              "INSERT INTO operation_policies (id, api_id, name, version, record, created_time) "
              "VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING")
          .bind(1, p.id)
          .bind(2, p.api_id)
          .bind(3, p.spec.name)
          .bind(4, p.version)
          .bind(5, json::serialize(domain::operation_policy_record(p)))
          .bind(6, p.created_time)
          .run();
    }
  });
}

void SqlPolicyStore::create_gateway_policy_mapping(const domain::GatewayPolicyMapping& m) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    conn.prepare(
            "INSERT INTO gateway_policy_mappings (id, display_name, description, flows, "
            "created_time) "
            "VALUES (?,?,?,?,?)")
        .bind(1, m.id)
        .bind(2, m.display_name)
        .bind(3, m.description)
        .bind(4, json::serialize(domain::policy_flows_to_json(m.flows)))
        .bind(5, common::now_millis())
        .run();
  });
}

std::vector<domain::GatewayPolicyMapping> SqlPolicyStore::list_gateway_policy_mappings() {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::GatewayPolicyMapping> {
    return all_rows(
        conn.prepare(
            "SELECT id, display_name, description, flows FROM gateway_policy_mappings ORDER BY "
            "created_time, id"),
        [&](const Stmt& s) { return gateway_mapping_from(conn, s); });
  });
}

std::optional<domain::GatewayPolicyMapping> SqlPolicyStore::get_gateway_policy_mapping(
    std::string_view id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::GatewayPolicyMapping> {
    Stmt s = conn.prepare(
        "SELECT id, display_name, description, flows FROM gateway_policy_mappings WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return gateway_mapping_from(conn, s);
  });
}

bool SqlPolicyStore::update_gateway_policy_mapping(const domain::GatewayPolicyMapping& m) {
  bool found = false;
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    auto& conn = tx.conn();
    conn.prepare(
            "UPDATE gateway_policy_mappings SET display_name = ?, description = ?, flows = ? WHERE "
            "id = ?")
        .bind(1, m.display_name)
        .bind(2, m.description)
        .bind(3, json::serialize(domain::policy_flows_to_json(m.flows)))
        .bind(4, m.id)
        .run();
    found = conn.changes() > 0;
    return found && !gateway_labels_locked(conn, m.id).empty()
               ? tx.append_change("gateway_policy.changed", m.id, "{}")
               : 0;
  });
  return found;
}

bool SqlPolicyStore::delete_gateway_policy_mapping(std::string_view id) {
  return db_.write([&](sql::Tx& tx) -> bool {
    auto& conn = tx.conn();
    const auto labels = gateway_labels_locked(conn, id);
    if (!labels.empty()) {
      common::Problem p = common::Problem::conflict(
          fmt::format("The gateway policy mapping is deployed to {}; undeploy it first",
                      fmt::join(labels, ", ")));
      p.status = p.code = 412;  // as the product lists for this call
      p.message = "Precondition Failed";
      throw common::ProblemError(std::move(p));
    }
    conn.prepare("DELETE FROM gateway_policy_mappings WHERE id = ?").bind(1, id).run();
    const bool found = conn.changes() > 0;
    return found;
  });
}

void SqlPolicyStore::deploy_gateway_policy_mapping(std::string_view id,
                                                   const std::vector<std::string>& deploy,
                                                   const std::vector<std::string>& undeploy) {
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    auto& conn = tx.conn();
    for (const auto& env : deploy) {
      Stmt s =
          conn.prepare("SELECT mapping_id FROM gateway_policy_deployments WHERE environment = ?");
      s.bind(1, env);
      if (s.step() && s.text(0) != id)
        throw common::ProblemError(common::Problem::conflict(fmt::format(
            "Gateway '{}' already has gateway policy mapping '{}' deployed; undeploy it first", env,
            s.text(0))));
      conn.prepare(
              "INSERT INTO gateway_policy_deployments (environment, mapping_id) VALUES (?,?) ON "
              "CONFLICT DO NOTHING")
          .bind(1, env)
          .bind(2, id)
          .run();
    }
    for (const auto& env : undeploy)
      conn.prepare(
              "DELETE FROM gateway_policy_deployments WHERE environment = ? AND mapping_id = ?")
          .bind(1, env)
          .bind(2, id)
          .run();
    return tx.append_change("gateway_policy.changed", id, "{}");
  });
}

domain::PolicyFlows SqlPolicyStore::gateway_policies_of(std::string_view environment) {
  return db_.read([&](sql::Connection& conn) -> domain::PolicyFlows {
    Stmt s = conn.prepare(
        "SELECT m.flows FROM gateway_policy_deployments d JOIN gateway_policy_mappings m ON m.id = "
        "d.mapping_id "
        "WHERE d.environment = ?");
    s.bind(1, environment);
    if (!s.step()) return {};
    return domain::policy_flows_from_json(json::parse(s.text(0)), "gatewayPolicies");
  });
}

void SqlPolicyStore::create_policy(const domain::ThrottlePolicy& p) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    run_unique(conn.prepare("INSERT INTO throttle_policies (id, level, name, unlimited, "
                            "definition, created_time) "
                            "VALUES (?,?,?,?,?,?)")
                   .bind(1, p.id)
                   .bind(2, p.level)
                   .bind(3, p.name)
                   .bind(4, std::int64_t{p.unlimited})
                   .bind(5, json::serialize(domain::policy_to_json(p)))
                   .bind(6, common::now_millis()),
               p.level == domain::kPolicyLevelCustom
                   ? fmt::format("A custom rule named '{}' already exists", p.name)
                   : fmt::format("A {} policy named '{}' already exists", p.level, p.name));
    return tx.append_change("policy.changed", p.id, "{}");
  });
}

std::vector<domain::ThrottlePolicy> SqlPolicyStore::list_policies(std::string_view level) {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::ThrottlePolicy> {
    return all_rows(conn.prepare(q::kPoliciesOfLevel).bind(1, level), policy_from);
  });
}

std::optional<domain::ThrottlePolicy> SqlPolicyStore::get_policy(std::string_view level,
                                                                 std::string_view id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::ThrottlePolicy> {
    return first_row(conn.prepare(q::kPolicyById).bind(1, level).bind(2, id), policy_from);
  });
}

std::optional<domain::ThrottlePolicy> SqlPolicyStore::find_policy(std::string_view level,
                                                                  std::string_view name) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::ThrottlePolicy> {
    return first_row(conn.prepare(q::kPolicyByName).bind(1, level).bind(2, name), policy_from);
  });
}

void SqlPolicyStore::update_policy(const domain::ThrottlePolicy& p) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    conn.prepare("UPDATE throttle_policies SET definition = ? WHERE level = ? AND id = ?")
        .bind(1, json::serialize(domain::policy_to_json(p)))
        .bind(2, p.level)
        .bind(3, p.id)
        .run();
    if (conn.changes() == 0)
      throw common::ProblemError(
          common::Problem::not_found(fmt::format("Policy '{}' not found", p.id)));
    return tx.append_change("policy.changed", p.id, "{}");
  });
}

bool SqlPolicyStore::delete_policy(std::string_view level, std::string_view id) {
  bool removed = false;
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    auto& conn = tx.conn();
    conn.prepare("DELETE FROM throttle_policies WHERE level = ? AND id = ?")
        .bind(1, level)
        .bind(2, id)
        .run();
    removed = conn.changes() > 0;
    return removed ? tx.append_change("policy.changed", id, "{}") : 0;
  });
  return removed;
}

std::optional<PolicyUse> SqlPolicyStore::find_policy_use(std::string_view level,
                                                         std::string_view name) {
  return db_.read([&](sql::Connection& conn) -> std::optional<PolicyUse> {
    if (level == domain::kPolicyLevelApplication) {
      Stmt s = conn.prepare(q::kAppUsingPolicy);
      s.bind(1, name);
      if (s.step()) return PolicyUse{PolicyUse::By::kApplication, s.text(0), 0, ""};
      return std::nullopt;
    }
    if (level == domain::kPolicyLevelAdvanced) {
      Stmt s = conn.prepare(q::kAnyRefToPolicy);
      s.bind(1, level).bind(2, name);
      if (!s.step()) return std::nullopt;
      const int number = static_cast<int>(s.integer(2));
      return PolicyUse{number > 0 ? PolicyUse::By::kRevision : PolicyUse::By::kApi, s.text(0),
                       number, s.text(1)};
    }
    {
      Stmt s = conn.prepare(q::kApiRefToPolicy);
      s.bind(1, level).bind(2, name);
      if (s.step()) return PolicyUse{PolicyUse::By::kApi, s.text(0), 0, s.text(1)};
    }
    if (level != domain::kPolicyLevelSubscription) return std::nullopt;
    Stmt s = conn.prepare(q::kSubUsingPolicy);
    s.bind(1, name);
    if (s.step()) return PolicyUse{PolicyUse::By::kSubscription, "", 0, ""};
    return std::nullopt;
  });
}

void SqlPolicyStore::create_block_condition(const domain::BlockCondition& c) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    run_unique(conn.prepare("INSERT INTO block_conditions (id, type, value, definition, enabled, "
                            "created_time) VALUES (?,?,?,?,?,?)")
                   .bind(1, c.id)
                   .bind(2, c.type)
                   .bind(3, domain::block_condition_key(c))
                   .bind(4, json::serialize(domain::block_condition_to_json(c)))
                   .bind(5, std::int64_t{c.enabled})
                   .bind(6, c.created_time ? c.created_time : common::now_millis()),
               fmt::format("A deny policy of type {} for '{}' already exists", c.type,
                           domain::block_condition_key(c)));
    return tx.append_change("blocking.changed", c.id, "{}");
  });
}

std::vector<domain::BlockCondition> SqlPolicyStore::list_block_conditions() {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::BlockCondition> {
    return all_rows(conn.prepare(std::string(kBlockColumns) + " ORDER BY created_time, id"),
                    block_from);
  });
}

std::optional<domain::BlockCondition> SqlPolicyStore::get_block_condition(std::string_view id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::BlockCondition> {
    return first_row(conn.prepare(std::string(kBlockColumns) + " WHERE id = ?").bind(1, id),
                     block_from);
  });
}

bool SqlPolicyStore::set_block_condition_status(std::string_view id, bool enabled) {
  bool found = false;
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    auto& conn = tx.conn();
    conn.prepare("UPDATE block_conditions SET enabled = ? WHERE id = ?")
        .bind(1, std::int64_t{enabled})
        .bind(2, id)
        .run();
    found = conn.changes() > 0;
    return found ? tx.append_change("blocking.changed", id, "{}") : 0;
  });
  return found;
}

bool SqlPolicyStore::delete_block_condition(std::string_view id) {
  bool removed = false;
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    auto& conn = tx.conn();
    conn.prepare("DELETE FROM block_conditions WHERE id = ?").bind(1, id).run();
    removed = conn.changes() > 0;
    return removed ? tx.append_change("blocking.changed", id, "{}") : 0;
  });
  return removed;
}

}  // namespace archway::store
