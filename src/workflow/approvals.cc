#include "workflow/approvals.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "common/clock.h"
#include "common/ids.h"
#include "common/problem.h"

namespace archway::workflow {

using common::Problem;
using common::ProblemError;

bool Approvals::required(std::string_view type) {
  for (const auto& [t, on] : store_.workflow_settings())
    if (t == type) return on;
  return false;
}

domain::Workflow Approvals::task(std::string_view type, std::string subject_id, const boost::json::object& properties,
                                 std::string description, std::string user, std::string environment) {
  domain::Workflow w;
  w.reference_id = common::new_uuid();
  w.type = std::string(type);
  w.subject_id = std::move(subject_id);
  w.environment = std::move(environment);
  w.created_by = std::move(user);
  w.properties = boost::json::serialize(properties);
  w.description = std::move(description);
  w.created_time = common::now_millis();
  w.updated_time = w.created_time;
  return w;
}

boost::json::object Approvals::properties(const domain::Workflow& task) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(task.properties, ec);
  return !ec && v.is_object() ? std::move(v.as_object()) : boost::json::object();
}

std::string Approvals::property(const domain::Workflow& task, std::string_view name) {
  const boost::json::object props = properties(task);
  const boost::json::value* v = props.if_contains(name);
  if (!v || !v->is_string())
    throw ProblemError(Problem::internal(fmt::format("Workflow '{}' has no '{}'", task.reference_id, name)));
  return std::string(v->as_string());
}

void Approvals::on_complete(std::string_view type, Completion completion) {
  completions_.emplace_back(std::string(type), std::move(completion));
}

domain::Workflow Approvals::complete(std::string_view reference_id, bool approved, std::string note) {
  auto task = store_.get_workflow(reference_id);
  if (!task) throw ProblemError(Problem::not_found(fmt::format("Workflow '{}' not found", reference_id)));
  if (task->status != domain::kWorkflowCreated)
    throw ProblemError(Problem::conflict(
        fmt::format("Workflow '{}' is no longer pending: it was {}", reference_id, task->status)));
  for (const auto& [type, completion] : completions_)
    if (type == task->type) completion(*task, approved);
  const std::int64_t now = common::now_millis();
  const std::string status(approved ? domain::kWorkflowApproved : domain::kWorkflowRejected);
  // Completions are idempotent, so an approver who lost a race to another changed nothing new.
  if (!store_.finish_workflow(reference_id, status, note, now))
    throw ProblemError(Problem::conflict(fmt::format("Workflow '{}' is no longer pending", reference_id)));
  task->status = status;
  task->note = std::move(note);
  task->updated_time = now;
  return *task;
}

}  // namespace archway::workflow
