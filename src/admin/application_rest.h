#pragma once
// Admin REST API v4: application governance (/applications): every owner's applications listed
// and read, deleted with their keys and subscriptions, handed to another owner.
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "store/store.h"

namespace archway::admin {

void add_application_routes(http::RestRouter& router, identity::Authenticator& auth, store::Store& store);

}  // namespace archway::admin
