#pragma once
// Admin REST API v4: throttling policies across levels: search (/throttling/policies/search) and
// moving a policy between installations (/throttling/policies/export, /throttling/policies/import)
// in the product's exported-file shape, so its CLI's files carry over.
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "store/store.h"

namespace archway::admin {

void add_policy_transfer_routes(http::RestRouter& router, identity::Authenticator& auth, store::Store& store);

}  // namespace archway::admin
