#include "admin/workflow_rest.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "admin/admin_rest.h"
#include "common/clock.h"
#include "common/json.h"
#include "common/problem.h"
#include "identity/roles.h"

namespace archway::admin {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;
using http::RestRequest;
using http::RestResponse;

namespace {

bool known_type(std::string_view type) {
  return std::find(std::begin(domain::kWorkflowTypes), std::end(domain::kWorkflowTypes), type) !=
         std::end(domain::kWorkflowTypes);
}

std::string known_types() { return fmt::format("{}", fmt::join(domain::kWorkflowTypes, ", ")); }

// The product's WorkflowInfo: its workflowType drops the "AM_" of the type names the query takes.
json::object workflow_json(const domain::Workflow& w) {
  std::string_view type = w.type;
  if (type.starts_with("AM_")) type.remove_prefix(3);
  json::object o{{"workflowType", type},
                 {"workflowStatus", w.status},
                 {"createdTime", common::iso8601_utc(w.created_time)},
                 {"updatedTime", common::iso8601_utc(w.updated_time)},
                 {"referenceId", w.reference_id},
                 {"properties", workflow::Approvals::properties(w)},
                 {"description", w.description}};
  // Archway additions: who asked, and what it concerns.
  o["createdBy"] = w.created_by;
  o["subjectId"] = w.subject_id;
  if (!w.environment.empty()) o["environment"] = w.environment;
  if (!w.note.empty()) o["note"] = w.note;
  return o;
}

json::object settings_json(store::Store& store) {
  json::array items;
  for (const auto& [type, required] : store.workflow_settings())
    items.push_back(json::object{{"workflowType", type}, {"approvalRequired", required}});
  return common::list_body(std::move(items));
}

}  // namespace

void add_workflow_routes(http::RestRouter& r, identity::Authenticator& auth, store::Store& store,
                         workflow::Approvals& approvals) {
  auto admin = [&auth](const RestRequest& req) { auth.authorize(req, {domain::kRoleAdmin}, identity::kScopeAdmin); };

  r.add("GET", admin_path("/workflows"), [&, admin](RestRequest& req) {
    admin(req);
    const std::int64_t limit = http::query_int(req, "limit", 25, 1, 1000);
    const std::int64_t offset = http::query_int(req, "offset", 0, 0, 1'000'000'000);
    std::string type;
    if (const std::string* t = req.query_param("workflowType"); t && !t->empty()) {
      if (!known_type(*t)) bad(fmt::format("'workflowType' must be one of {}, got '{}'", known_types(), *t));
      type = *t;
    }
    const store::WorkflowPage page = store.list_pending_workflows(type, limit, offset);
    json::array items;
    for (const auto& w : page.list) items.push_back(workflow_json(w));
    json::object body = common::list_body(std::move(items));
    const std::string collection = admin_path("/workflows") + (type.empty() ? "" : "?workflowType=" + type);
    json::object pagination = common::pagination_json(collection, limit, offset, page.total);
    body["next"] = pagination["next"];
    body["previous"] = pagination["previous"];
    body["pagination"] = std::move(pagination);
    return ok(200, body);
  });

  r.add("GET", admin_path("/workflows/{externalWorkflowRef}"), [&, admin](RestRequest& req) {
    admin(req);
    const std::string& ref = req.path_params["externalWorkflowRef"];
    auto w = store.get_workflow(ref);
    if (!w) throw ProblemError(Problem::not_found(fmt::format("Workflow '{}' not found", ref)));
    return ok(200, workflow_json(*w));
  });

  // Approves or rejects a pending task: {"status": "APPROVED" | "REJECTED", "description", "attributes"}.
  r.add("POST", admin_path("/workflows/update-workflow-status"), [&, admin](RestRequest& req) {
    admin(req);
    const std::string& ref = http::required_query(req, "workflowReferenceId");
    const json::value body = common::parse_json_body(req.body);
    if (!body.is_object()) bad("The body must be a JSON object");
    const json::object& o = body.as_object();
    const std::string status = common::opt_string(o, "status", "status").value_or("");
    if (status != domain::kWorkflowApproved && status != domain::kWorkflowRejected)
      bad(fmt::format("'status' must be APPROVED or REJECTED, got '{}'", status));
    std::string note = common::opt_string(o, "description", "description").value_or("");
    if (note.size() > 1024) bad("'description' must be at most 1024 characters");
    json::object attributes;
    if (const json::object* a = common::opt_object(o, "attributes", "attributes")) attributes = *a;
    const domain::Workflow done = approvals.complete(ref, status == domain::kWorkflowApproved, std::move(note));
    return ok(200, json::object{{"status", done.status}, {"attributes", std::move(attributes)},
                                {"description", done.note}});
  });

  r.add("GET", admin_path("/workflow-config"), [&, admin](RestRequest& req) {
    admin(req);
    return ok(200, settings_json(store));
  });

  // {"list": [{"workflowType": "AM_APPLICATION_CREATION", "approvalRequired": true}, ...]}: the
  // types named change, the others stay. Checked whole before anything is set.
  r.add("PUT", admin_path("/workflow-config"), [&, admin](RestRequest& req) {
    admin(req);
    const json::value body = common::parse_json_body(req.body);
    if (!body.is_object()) bad("The body must be a JSON object with a 'list'");
    const json::array* list = common::opt_array(body.as_object(), "list", "list");
    if (!list) bad("'list' is required: [{\"workflowType\": ..., \"approvalRequired\": true|false}]");
    std::vector<std::pair<std::string, bool>> changes;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string at = fmt::format("list[{}]", i);
      if (!(*list)[i].is_object()) bad(fmt::format("'{}' must be an object", at));
      const json::object& item = (*list)[i].as_object();
      const std::string type = common::opt_string(item, "workflowType", at + ".workflowType").value_or("");
      if (!known_type(type)) bad(fmt::format("'{}.workflowType' must be one of {}, got '{}'", at, known_types(), type));
      const auto required = common::opt_bool(item, "approvalRequired", at + ".approvalRequired");
      if (!required) bad(fmt::format("'{}.approvalRequired' is required (true or false)", at));
      changes.emplace_back(type, *required);
    }
    for (const auto& [type, required] : changes) store.set_workflow_setting(type, required);
    return ok(200, settings_json(store));
  });
}

}  // namespace archway::admin
