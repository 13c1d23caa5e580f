#include "store/sqlite/queries.h"

#include <fmt/format.h>

namespace archway::store::sqlite::sql {

namespace {

std::string placeholders(std::size_t n) {
  std::string in = n > 0 ? "?" : "";
  for (std::size_t i = 1; i < n; ++i) in += ",?";
  return in;
}

}  // namespace

// Filters are added only when given (an "? = '' OR column = ?" form would keep SQLite from using
// the index); with an owner the application's index leads and orders.
std::string subscriptions_sql(const SubscriptionQuery& q, bool count) {
  std::string sql = count
                        ? "SELECT COUNT(*) FROM subscriptions s"
                        : "SELECT s.id, s.application_id, s.api_id, s.throttling_policy, s.status, "
                          "s.created_time FROM subscriptions s";
  if (!q.owner.empty()) sql += " JOIN applications a ON a.id = s.application_id";
  std::string where;
  auto add = [&](std::string_view condition) {
    where += where.empty() ? " WHERE " : " AND ";
    where += condition;
  };
  if (!q.application_id.empty()) add("s.application_id = ?");
  if (!q.api_id.empty()) add("s.api_id = ?");
  if (!q.owner.empty()) add("a.owner = ?");
  sql += where;
  if (count) return sql;
  sql += q.owner.empty() ? " ORDER BY s.created_time, s.id"
                         : " ORDER BY a.created_time, a.id, s.created_time, s.id";
  return sql + " LIMIT ? OFFSET ?";
}

std::string portal_apis_sql(std::size_t audiences, bool count) {
  if (audiences == 1)
    return count ? "SELECT COUNT(*) FROM api_audiences WHERE audience = ?"
                 : "SELECT api_id FROM api_audiences WHERE audience = ? "
                   "ORDER BY created_time, api_id LIMIT ? OFFSET ?";
  const std::string in = placeholders(audiences);
  if (count)
    return "SELECT COUNT(DISTINCT api_id) FROM api_audiences WHERE audience IN (" + in + ")";
  // The 'admin' rows are every API the portal shows: walked in creation order, each probed for the
  // reader's audiences, the page stops after offset + limit hits. A reader who may see only a few
  // of many APIs makes the walk long; the usual portal (mostly PUBLIC and PRIVATE) pays its page.
  return "SELECT a.api_id FROM api_audiences a WHERE a.audience = 'admin' AND EXISTS (SELECT 1 "
         "FROM api_audiences b WHERE b.api_id = a.api_id AND b.audience IN (" +
         in + ")) ORDER BY a.created_time, a.api_id LIMIT ? OFFSET ?";
}

std::vector<NamedQuery> hot_queries() {
  std::vector<NamedQuery> out = {
      {"count of the users holding a role", std::string(kUsersWithRoleCount)},
      {"application by id", std::string(kAppById)},
      {"application by owner and name (uniqueness)", std::string(kAppByOwnerAndName)},
      {"applications of an owner", std::string(kAppsOfOwner)},
      {"page of an owner's applications", std::string(kAppsOfOwnerPage)},
      {"count of an owner's applications", std::string(kAppsOfOwnerCount)},
      {"application using a policy", std::string(kAppUsingPolicy)},
      {"key mapping by consumer key", std::string(kKeyByConsumerKey)},
      {"key mappings of an application", std::string(kKeysOfApplication)},
      {"subscription by id", std::string(kSubById)},
      {"subscription count of an application", std::string(kSubsOfApplicationCount)},
      {"subscription using a policy", std::string(kSubUsingPolicy)},
      {"API by id", std::string(kApiById)},
      {"versions of an API", std::string(kApiVersions)},
      {"API by name and version", std::string(kApiByNameVersion)},
      {"page of APIs of a kind", std::string(kApisOfKindPage)},
      {"count of APIs of a kind", std::string(kApisOfKindCount)},
      {"page of APIs", std::string(kApisPage)},
      {"context held by the other kind (uniqueness)", std::string(kContextOfOtherKind)},
      {"name and version taken (uniqueness)", std::string(kNameVersionTaken)},
      {"context and version taken (uniqueness)", std::string(kContextVersionTaken)},
      {"other default versions", std::string(kOtherDefaultVersions)},
      {"products bundling an API", std::string(kProductsBundling)},
      {"APIs using a service", std::string(kApisUsingService)},
      {"category with its API count", std::string(kCategoryColumns) + " WHERE c.id = ?"},
      {"APIs in a category", std::string(kApisInCategory)},
      {"role bindings of an API scope", std::string(kScopeBindings)},
      {"API offering a policy", std::string(kApiRefToPolicy)},
      {"API or revision naming a policy", std::string(kAnyRefToPolicy)},
      {"revision by id", std::string(kRevisionById)},
      {"revision of an API", std::string(kRevisionOfApi)},
      {"revisions of an API", std::string(kRevisionsOfApi)},
      {"deployments of an API", std::string(kDeploymentsOfApi)},
      {"deployments of a revision", std::string(kDeploymentsOfRevision)},
      {"policies of a level", std::string(kPoliciesOfLevel)},
      {"policy by id", std::string(kPolicyById)},
      {"policy by name", std::string(kPolicyByName)},
      {"events after a revision", std::string(kEventsAfter)},
      {"revoked tokens expired before a time", std::string(kDeleteRevokedTokensBefore)},
      {"refresh tokens expired before a time", std::string(kDeleteRefreshTokensBefore)},
      {"authorization codes expired before a time", std::string(kDeleteAuthorizationCodesBefore)},
  };
  for (std::size_t n : {1, 3})
    for (bool count : {false, true})
      out.push_back(
          {fmt::format("DevPortal APIs of {} audience(s) ({})", n, count ? "count" : "page"),
           portal_apis_sql(n, count)});
  const SubscriptionQuery shapes[] = {{"app", "", "", 25, 0},
                                      {"", "api", "", 25, 0},
                                      {"app", "api", "", 25, 0},
                                      {"", "api", "owner", 25, 0},
                                      {"", "", "owner", 25, 0}};
  for (const auto& q : shapes)
    for (bool count : {false, true})
      out.push_back({"subscriptions by" +
                         std::string(q.application_id.empty() ? "" : " application") +
                         (q.api_id.empty() ? "" : " API") + (q.owner.empty() ? "" : " owner") +
                         (count ? " (count)" : " (page)"),
                     subscriptions_sql(q, count)});
  return out;
}

}  // namespace archway::store::sqlite::sql
