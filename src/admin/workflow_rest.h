#pragma once
// Admin REST API v4: approval tasks (/workflows: the pending ones listed and read, approved or
// rejected with update-workflow-status) and, an Archway addition, which kinds of change wait for
// approval (/workflow-config).
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "workflow/approvals.h"

namespace archway::admin {

void add_workflow_routes(http::RestRouter& router, identity::Authenticator& auth, store::Store& store,
                         workflow::Approvals& approvals);

}  // namespace archway::admin
