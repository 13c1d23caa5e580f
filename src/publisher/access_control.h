#pragma once
// Publisher access control (the product's accessControl / accessControlRoles): an API or API
// product RESTRICTED to roles is listed, read and changed in the Publisher only by admins and by
// users holding one of its roles. Other users get 403 (code 900365) on every route naming it and
// do not find it in lists or searches.
#include <optional>
#include <string>
#include <vector>

#include "domain/api.h"
#include "domain/user.h"
#include "http/rest_router.h"
#include "identity/authenticator.h"
#include "store/store.h"

namespace archway::publisher {

// Whether `user` may see an API whose access control admits `roles` (empty: not restricted).
bool admits(const std::vector<std::string>& roles, const domain::User& user);

// The roles a list is filtered by for `user` (store::ApiQuery::publisher_roles): none for an admin.
std::optional<std::vector<std::string>> listing_roles(const domain::User& user);

// 400 when `user` (not an admin) would restrict `api` to roles none of which they hold: they would
// lose it as they save it.
void check_own_access(const domain::Api& api, const domain::User& user);

// Wraps every Publisher route that names an API or API product (path parameter apiId or
// apiProductId, or query parameter apiId or apiProductId) with the check. Call once every Publisher
// route is added.
void add_access_control(http::RestRouter& router, store::Store& store, identity::Authenticator& auth);

}  // namespace archway::publisher
