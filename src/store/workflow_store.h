#pragma once
// Approval tasks (workflows) and which kinds of change wait for one. One aggregate of the store (see store.h).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/workflow.h"

namespace archway::store {

struct WorkflowPage {
  std::vector<domain::Workflow> list;
  std::int64_t total = 0;
};

class WorkflowStore {
 public:
  virtual ~WorkflowStore() = default;

  // Approval tasks (workflows). At most one pending task per type, subject and environment (409);
  // deleting an application, subscription or API drops its tasks.
  virtual void create_workflow(const domain::Workflow& w) = 0;
  virtual std::optional<domain::Workflow> get_workflow(std::string_view reference_id) = 0;
  virtual std::optional<domain::Workflow> find_pending_workflow(std::string_view type, std::string_view subject_id,
                                                                std::string_view environment) = 0;
  // The pending tasks of a subject (any type), oldest first.
  virtual std::vector<domain::Workflow> pending_workflows_of(std::string_view subject_id) = 0;
  // A page of the pending tasks, of one type unless `type` is empty, oldest first, with the total.
  virtual WorkflowPage list_pending_workflows(std::string_view type, std::int64_t limit, std::int64_t offset) = 0;
  // Marks a pending task APPROVED or REJECTED with the approver's note; false when it is no
  // longer pending (another approver was first, or it was cancelled).
  virtual bool finish_workflow(std::string_view reference_id, std::string_view status, std::string_view note,
                               std::int64_t now) = 0;
  // Drops the pending tasks of this type, subject and environment (any environment when empty);
  // returns how many.
  virtual int cancel_pending_workflows(std::string_view type, std::string_view subject_id,
                                       std::string_view environment) = 0;
  // Which types of change wait for approval (every type of domain::kWorkflowTypes, off unless set).
  virtual std::vector<std::pair<std::string, bool>> workflow_settings() = 0;
  virtual void set_workflow_setting(std::string_view type, bool approval_required) = 0;
};

}  // namespace archway::store
