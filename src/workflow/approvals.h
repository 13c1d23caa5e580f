#pragma once
// Approvals (the product's workflows): which kinds of change wait for an administrator, the task
// a pending change is recorded as, and what approving or rejecting a task does. Each plane that
// holds changes back registers what completing its kind of task does; the Admin API completes them.
#include <boost/json/object.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/workflow.h"
#include "store/store.h"

namespace archway::workflow {

class Approvals {
 public:
  explicit Approvals(store::Store& store) : store_(store) {}
  Approvals(const Approvals&) = delete;
  Approvals& operator=(const Approvals&) = delete;

  // Whether changes of `type` (domain::kWorkflowTypes) wait for approval, as the Admin set it.
  bool required(std::string_view type);

  // A pending task of `type` about `subject_id` that `user` asked for, not stored yet (the caller
  // stores it together with the pending object). `environment` is a revision deployment's.
  static domain::Workflow task(std::string_view type, std::string subject_id, const boost::json::object& properties,
                               std::string description, std::string user, std::string environment = {});

  // What approving (`approved` true) or rejecting a task of `type` does to what it holds back.
  // It may throw a ProblemError (the change is no longer possible): the task then stays pending.
  // A task's properties (the JSON object it was stored with; empty if it is not one).
  static boost::json::object properties(const domain::Workflow& task);
  // One string property of a task; a 500 when it lacks it (the plane that stored the task wrote it).
  static std::string property(const domain::Workflow& task, std::string_view name);

  using Completion = std::function<void(const domain::Workflow& task, bool approved)>;
  void on_complete(std::string_view type, Completion completion);

  // Approves or rejects a pending task with the approver's note: runs the completion of its type,
  // then records the outcome. 404 for an unknown reference, 409 when it is no longer pending.
  domain::Workflow complete(std::string_view reference_id, bool approved, std::string note);

  // The pending tasks about `subject_id` (an API's state change and revision deployments, ...).
  std::vector<domain::Workflow> pending(std::string_view subject_id) { return store_.pending_workflows_of(subject_id); }
  // Stores a task whose pending change is kept in the task alone (409 when one is pending already).
  void add(const domain::Workflow& task) { store_.create_workflow(task); }
  // Drops the pending tasks of this type and subject (and environment, unless empty); how many.
  int cancel(std::string_view type, std::string_view subject_id, std::string_view environment = {}) {
    return store_.cancel_pending_workflows(type, subject_id, environment);
  }

 private:
  store::Store& store_;
  std::vector<std::pair<std::string, Completion>> completions_;
};

}  // namespace archway::workflow
