// Approval tasks and settings, over the SQL layer (see store/workflow_store.h).
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

domain::Workflow workflow_row(Stmt& s) {
  domain::Workflow w;
  w.reference_id = s.text(0);
  w.type = s.text(1);
  w.status = s.text(2);
  w.subject_id = s.text(3);
  w.environment = s.text(4);
  w.created_by = s.text(5);
  w.properties = s.text(6);
  w.description = s.text(7);
  w.note = s.text(8);
  w.created_time = s.integer(9);
  w.updated_time = s.integer(10);
  return w;
}

}  // namespace records

using namespace records;

void SqlWorkflowStore::create_workflow(const domain::Workflow& w) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    insert_workflow(conn, w);
  });
}

std::optional<domain::Workflow> SqlWorkflowStore::get_workflow(std::string_view reference_id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::Workflow> {
    return first_row(conn.prepare(std::string(kWorkflowColumns) + " WHERE reference_id = ?")
                         .bind(1, reference_id),
                     workflow_row);
  });
}

std::optional<domain::Workflow> SqlWorkflowStore::find_pending_workflow(
    std::string_view type, std::string_view subject_id, std::string_view environment) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::Workflow> {
    return first_row(
        conn.prepare(
                std::string(kWorkflowColumns) +
                " WHERE type = ? AND subject_id = ? AND environment = ? AND status = 'CREATED'")
            .bind(1, type)
            .bind(2, subject_id)
            .bind(3, environment),
        workflow_row);
  });
}

std::vector<domain::Workflow> SqlWorkflowStore::pending_workflows_of(std::string_view subject_id) {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::Workflow> {
    return all_rows(
        conn.prepare(
                std::string(kWorkflowColumns) +
                " WHERE subject_id = ? AND status = 'CREATED' ORDER BY created_time, reference_id")
            .bind(1, subject_id),
        workflow_row);
  });
}

WorkflowPage SqlWorkflowStore::list_pending_workflows(std::string_view type, std::int64_t limit,
                                                      std::int64_t offset) {
  return db_.read([&](sql::Connection& conn) -> WorkflowPage {
    const std::string where =
        type.empty() ? " WHERE status = 'CREATED'" : " WHERE status = 'CREATED' AND type = ?";
    WorkflowPage page;
    Stmt s = conn.prepare(std::string(kWorkflowColumns) + where +
                          " ORDER BY created_time, reference_id LIMIT ? OFFSET ?");
    int i = 1;
    if (!type.empty()) s.bind(i++, type);
    s.bind(i, sql::limit_param(limit));
    s.bind(i + 1, offset);
    while (s.step()) page.list.push_back(workflow_row(s));
    Stmt c = conn.prepare("SELECT COUNT(*) FROM workflows" + where);
    if (!type.empty()) c.bind(1, type);
    c.step();
    page.total = c.integer(0);
    return page;
  });
}

bool SqlWorkflowStore::finish_workflow(std::string_view reference_id, std::string_view status,
                                       std::string_view note, std::int64_t now) {
  return db_.write([&](sql::Tx& tx) -> bool {
    auto& conn = tx.conn();
    conn.prepare(
            "UPDATE workflows SET status = ?, note = ?, updated_time = ? WHERE reference_id = ? "
            "AND status = 'CREATED'")
        .bind(1, status)
        .bind(2, note)
        .bind(3, now)
        .bind(4, reference_id)
        .run();
    return conn.changes() > 0;
  });
}

int SqlWorkflowStore::cancel_pending_workflows(std::string_view type, std::string_view subject_id,
                                               std::string_view environment) {
  return db_.write([&](sql::Tx& tx) -> int {
    auto& conn = tx.conn();
    Stmt s = conn.prepare(
        environment.empty()
            ? "DELETE FROM workflows WHERE type = ? AND subject_id = ? AND status = 'CREATED'"
            : "DELETE FROM workflows WHERE type = ? AND subject_id = ? AND status = 'CREATED' "
              "AND environment = ?");
    s.bind(1, type).bind(2, subject_id);
    if (!environment.empty()) s.bind(3, environment);
    s.run();
    return conn.changes();
  });
}

std::vector<std::pair<std::string, bool>> SqlWorkflowStore::workflow_settings() {
  return db_.read([&](sql::Connection& conn) -> std::vector<std::pair<std::string, bool>> {
    std::vector<std::pair<std::string, bool>> out;
    for (auto type : domain::kWorkflowTypes) out.emplace_back(std::string(type), false);
    Stmt s = conn.prepare("SELECT type, approval_required FROM workflow_settings");
    while (s.step())
      for (auto& [type, required] : out)
        if (type == s.text(0)) required = s.integer(1) != 0;
    return out;
  });
}

void SqlWorkflowStore::set_workflow_setting(std::string_view type, bool approval_required) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    conn.prepare(
            "INSERT INTO workflow_settings (type, approval_required) VALUES (?, ?) "
            "ON CONFLICT (type) DO UPDATE SET approval_required = excluded.approval_required")
        .bind(1, type)
        .bind(2, approval_required ? 1 : 0)
        .run();
  });
}

}  // namespace archway::store
