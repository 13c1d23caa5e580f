#pragma once
// Admin REST API v4: API categories (/api-categories), which APIs name in `categories` and the
// Developer Portal lists and filters by.
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "store/store.h"

namespace archway::admin {

void add_category_routes(http::RestRouter& router, identity::Authenticator& auth, store::Store& store);

}  // namespace archway::admin
