#include "publisher/access_control.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/problem.h"
#include "publisher/publisher_rest.h"

namespace archway::publisher {

using common::Problem;
using common::ProblemError;

bool admits(const std::vector<std::string>& roles, const domain::User& user) {
  if (roles.empty() || user.has_role(domain::kRoleAdmin)) return true;
  return std::ranges::any_of(roles, [&](const std::string& role) { return user.has_role(role); });
}

std::optional<std::vector<std::string>> listing_roles(const domain::User& user) {
  if (user.has_role(domain::kRoleAdmin)) return std::nullopt;
  return user.roles;
}

void check_own_access(const domain::Api& api, const domain::User& user) {
  if (api.access_control != "RESTRICTED" || admits(api.access_control_roles, user)) return;
  throw ProblemError(Problem::bad_request(fmt::format(
      "This user does not have at least one role specified in API access control: '{}' holds none of "
      "'accessControlRoles'",
      user.username)));
}

namespace {

// The id of the API or API product a request names, if any.
const std::string* named_api(const http::RestRequest& req) {
  for (const char* name : {"apiId", "apiProductId"}) {
    if (auto it = req.path_params.find(name); it != req.path_params.end()) return &it->second;
    if (const std::string* q = req.query_param(name)) return q;
  }
  return nullptr;
}

}  // namespace

void add_access_control(http::RestRouter& router, store::Store& store, identity::Authenticator& auth) {
  const std::string base = publisher_path("/");
  router.wrap([&](const http::RestRouter::RouteInfo& r) { return r.pattern.starts_with(base); },
              [&store, &auth](http::RestHandler next) -> http::RestHandler {
                return [&store, &auth, next = std::move(next)](http::RestRequest& req) {
                  if (const std::string* id = named_api(req)) {
                    const std::vector<std::string> roles = store.api_access_roles(*id);
                    // Unrestricted (or unknown) APIs cost one index lookup; the handler answers the rest.
                    if (!roles.empty() && !admits(roles, auth.authenticate(req).user)) {
                      Problem p = Problem::forbidden(fmt::format(
                          "Insufficient permission to view or update the API '{}': its Publisher access control "
                          "admits other roles",
                          *id));
                      p.code = 900365;
                      throw ProblemError(std::move(p));
                    }
                  }
                  return next(req);
                };
              });
}

}  // namespace archway::publisher
