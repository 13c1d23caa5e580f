#pragma once
// The SQL of the store's hot management queries (lists, lookups by key, usage and uniqueness
// checks), named, so that a test can check every one of them against the schema's indexes.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql/connection.h"
#include "store/store.h"

namespace archway::store::sqlite::sql {

inline constexpr std::string_view kUsersWithRoleCount =
    "SELECT COUNT(*) FROM user_roles WHERE role = ?";

inline constexpr std::string_view kAppColumns =
    "SELECT id, name, owner, throttling_policy, description, token_type, status, created_time, "
    "updated_time "
    "FROM applications";

inline constexpr std::string_view kAppById =
    "SELECT id, name, owner, throttling_policy, description, token_type, status, created_time, "
    "updated_time "
    "FROM applications WHERE id = ?";
inline constexpr std::string_view kAppByOwnerAndName =
    "SELECT id, name, owner, throttling_policy, description, token_type, status, created_time, "
    "updated_time "
    "FROM applications WHERE owner = ? AND name = ?";
inline constexpr std::string_view kAppsOfOwner =
    "SELECT id, name, owner, throttling_policy, description, token_type, status, created_time, "
    "updated_time "
    "FROM applications WHERE owner = ? ORDER BY created_time, id";
// With each application's subscription count (an index count per application of the page).
inline constexpr std::string_view kAppsOfOwnerPage =
    "SELECT a.id, a.name, a.owner, a.throttling_policy, a.description, a.token_type, a.status, "
    "a.created_time, "
    "a.updated_time, (SELECT COUNT(*) FROM subscriptions s WHERE s.application_id = a.id) "
    "FROM applications a WHERE a.owner = ? ORDER BY a.created_time, a.id LIMIT ? OFFSET ?";
inline constexpr std::string_view kAppsOfOwnerCount =
    "SELECT COUNT(*) FROM applications WHERE owner = ?";
inline constexpr std::string_view kAppUsingPolicy =
    "SELECT name FROM applications WHERE throttling_policy = ? LIMIT 1";

inline constexpr std::string_view kKeyByConsumerKey =
    "SELECT id, application_id, key_type, consumer_key, consumer_secret_hash, grant_types, "
    "callback_url, "
    "validity_seconds, created_time, key_manager FROM application_keys WHERE consumer_key = ?";
inline constexpr std::string_view kKeysOfApplication =
    "SELECT id, application_id, key_type, consumer_key, consumer_secret_hash, grant_types, "
    "callback_url, "
    "validity_seconds, created_time, key_manager FROM application_keys WHERE application_id = ? "
    "ORDER BY key_type";

inline constexpr std::string_view kSubById =
    "SELECT id, application_id, api_id, throttling_policy, status, created_time FROM subscriptions "
    "WHERE id = ?";
inline constexpr std::string_view kSubsOfApplicationCount =
    "SELECT COUNT(*) FROM subscriptions WHERE application_id = ?";
inline constexpr std::string_view kSubUsingPolicy =
    "SELECT 1 FROM subscriptions WHERE throttling_policy = ? LIMIT 1";

// The subscriptions of a query (id, application_id, api_id, throttling_policy, status,
// created_time), one page of them or (count) how many.
std::string subscriptions_sql(const SubscriptionQuery& q, bool count);

inline constexpr std::string_view kApiById =
    "SELECT definition, created_time, last_updated_time FROM apis WHERE id = ?";
inline constexpr std::string_view kApiVersions =
    "SELECT definition, created_time, last_updated_time FROM apis WHERE name = ? AND provider = ? "
    "ORDER BY created_time, id";
inline constexpr std::string_view kApiByNameVersion =
    "SELECT definition, created_time, last_updated_time FROM apis WHERE name = ? AND version = ?";
inline constexpr std::string_view kApisOfKindPage =
    "SELECT definition, created_time, last_updated_time FROM apis WHERE kind = ? ORDER BY "
    "created_time, id "
    "LIMIT ? OFFSET ?";
inline constexpr std::string_view kApisOfKindCount = "SELECT COUNT(*) FROM apis WHERE kind = ?";
inline constexpr std::string_view kApisPage =
    "SELECT definition, created_time, last_updated_time FROM apis ORDER BY created_time, id LIMIT "
    "? OFFSET ?";
inline constexpr std::string_view kContextOfOtherKind =
    "SELECT name, version FROM apis WHERE context = ? AND kind <> ? AND id <> ?";
inline constexpr std::string_view kNameVersionTaken =
    "SELECT 1 FROM apis WHERE name = ? AND version = ? AND id <> ?";
inline constexpr std::string_view kContextVersionTaken =
    "SELECT 1 FROM apis WHERE context = ? AND version = ? AND id <> ?";
inline constexpr std::string_view kOtherDefaultVersions =
    "SELECT id FROM apis WHERE name = ? AND provider = ? AND id <> ? AND is_default = 1";
inline constexpr std::string_view kProductsBundling =
    "SELECT p.name, p.version FROM api_product_members m JOIN apis p ON p.id = m.product_id "
    "WHERE m.api_id = ? ORDER BY p.name, p.version";
// The same expression as the index apis_by_service_key.
inline constexpr std::string_view kApisUsingService =
    "SELECT definition, created_time, last_updated_time FROM apis "
    // PostgreSQL: definition::jsonb #>> '{serviceInfo,key}'.
    "WHERE json_extract(definition, '$.serviceInfo.key') = ? ORDER BY created_time, id";
// kApisUsingService in `dialect` (PostgreSQL's spelling of the expression its schema indexes).
std::string apis_using_service_sql(store::sql::Dialect dialect);
inline constexpr std::string_view kScopeBindings =
    "SELECT DISTINCT open, role FROM api_scope_refs WHERE scope = ?";
// The DevPortal's lists: the APIs one of `audiences` may see (migration 18), a page of their ids
// in creation order or (count) how many. One audience walks its index in order; with several the
// page walks every API the portal shows in order and keeps those one of them may see (no sort of
// all the reader's APIs); several audiences are 'signed-in' first, then the reader's roles.
std::string portal_apis_sql(std::size_t audiences, bool count);

// An API search (the product's search syntax, migration 19): a page of the matching API ids in
// creation order or (count) how many match, with the text parameters in binding order (a page
// binds limit and offset after them). Matching, counting and paging run in SQL, driven by one
// index: the trigram full-text index when a text term has 3 characters or more, else a tag's or
// a category's rows, else the lifecycle state's. Shorter text terms are checked with LIKE on the
// full-text table's rows, which scans it when nothing else narrows the search. With `audiences`
// (the DevPortal reader's, as in portal_apis_sql) only the APIs one of them may see match.
// The query needs a term (free text or a field); an unknown field is a std::invalid_argument.
inline constexpr std::size_t kTrigram = 3;  // characters a text term needs to use the index
struct ApiSearchSql {
  std::string sql;
  std::vector<std::string> params;
};
// On PostgreSQL every text term is an ILIKE on the api_search table (its pg_trgm index serves
// terms of 3 characters or more), and a term that is not valid UTF-8 matches nothing.
ApiSearchSql api_search_sql(const ApiQuery& q, const std::vector<std::string>& audiences,
                            bool count, store::sql::Dialect dialect = store::sql::Dialect::kSqlite);

// How many APIs carry each tag, by tag (BINARY order): of every API, or (with audiences) of those
// one of them may see in the DevPortal (tag rows of the visible APIs only).
std::string tag_counts_sql(std::size_t audiences);

inline constexpr std::string_view kCategoryColumns =
    "SELECT c.id, c.name, c.description, (SELECT COUNT(*) FROM api_category_refs r WHERE r.name = "
    "c.name), "
    "c.created_time FROM api_categories c";
inline constexpr std::string_view kApisInCategory =
    "SELECT api_id FROM api_category_refs WHERE name = ?";

// Usage of a policy by an API's working copy (subscription tiers it offers) or by any copy
// (advanced tiers, revisions included): the first that names it, with its API and revision.
inline constexpr std::string_view kApiRefToPolicy =
    "SELECT a.name, p.place FROM api_policy_refs p JOIN apis a ON a.id = p.api_id "
    "WHERE p.level = ? AND p.name = ? AND p.revision_id = '' LIMIT 1";
inline constexpr std::string_view kAnyRefToPolicy =
    "SELECT a.name, p.place, COALESCE(r.number, 0) FROM api_policy_refs p JOIN apis a ON a.id = "
    "p.api_id "
    "LEFT JOIN api_revisions r ON r.id = p.revision_id WHERE p.level = ? AND p.name = ? LIMIT 1";

inline constexpr std::string_view kRevisionById =
    "SELECT id, api_id, number, description, definition, created_time FROM api_revisions WHERE id "
    "= ?";
inline constexpr std::string_view kRevisionOfApi =
    "SELECT id, api_id, number, description, definition, created_time FROM api_revisions "
    "WHERE api_id = ? AND id = ?";
inline constexpr std::string_view kRevisionsOfApi =
    "SELECT id, api_id, number, description, definition, created_time FROM api_revisions "
    "WHERE api_id = ? ORDER BY number";
inline constexpr std::string_view kDeploymentsOfApi =
    "SELECT api_id, revision_id, environment, vhost, display_on_devportal, deployed_time "
    "FROM api_deployments WHERE api_id = ? ORDER BY environment";
inline constexpr std::string_view kDeploymentsOfRevision =
    "SELECT COUNT(*) FROM api_deployments WHERE api_id = ? AND revision_id = ?";

inline constexpr std::string_view kPoliciesOfLevel =
    "SELECT id, level, unlimited, definition FROM throttle_policies WHERE level = ? "
    "ORDER BY unlimited DESC, created_time, name";
inline constexpr std::string_view kPolicyById =
    "SELECT id, level, unlimited, definition FROM throttle_policies WHERE level = ? AND id = ?";
inline constexpr std::string_view kPolicyByName =
    "SELECT id, level, unlimited, definition FROM throttle_policies WHERE level = ? AND name = ?";

// The cleanup each token save does: what expired before a cut-off (an expiry index range).
inline constexpr std::string_view kDeleteRevokedTokensBefore =
    "DELETE FROM revoked_tokens WHERE expires_at < ?";
inline constexpr std::string_view kDeleteRefreshTokensBefore =
    "DELETE FROM refresh_tokens WHERE expires_at < ?";
inline constexpr std::string_view kDeleteAuthorizationCodesBefore =
    "DELETE FROM authorization_codes WHERE expires_at < ?";
inline constexpr std::string_view kDeleteFamilyAccessTokensBefore =
    "DELETE FROM family_access_tokens WHERE expires_at < ?";

// Revoking a token family: its refresh tokens, and its access tokens not yet expired.
inline constexpr std::string_view kUseFamilyRefreshTokens =
    "UPDATE refresh_tokens SET used = 1 WHERE family_id = ? AND used = 0";
inline constexpr std::string_view kFamilyAccessTokens =
    "SELECT jti, expires_at FROM family_access_tokens WHERE family_id = ? AND expires_at >= ?";

inline constexpr std::string_view kEventsAfter =
    "SELECT revision, type, entity_id, payload, created_time FROM change_log "
    "WHERE revision > ? ORDER BY revision LIMIT ?";

// Comments and ratings (migration 23).
inline constexpr std::string_view kCommentById =
    "SELECT id, api_id, COALESCE(parent_id, ''), content, category, entry_point, created_by, created_time, "
    "updated_time FROM api_comments WHERE api_id = ? AND id = ?";
inline constexpr std::string_view kTopCommentsPage =
    "SELECT id, api_id, COALESCE(parent_id, ''), content, category, entry_point, created_by, created_time, "
    "updated_time FROM api_comments WHERE api_id = ? AND parent_id IS NULL "
    // rowid breaks ties in insertion order (PostgreSQL's schema gives the table an identity
    // column of that name).
    "ORDER BY created_time DESC, rowid DESC LIMIT ? OFFSET ?";
inline constexpr std::string_view kTopCommentsCount =
    "SELECT COUNT(*) FROM api_comments WHERE api_id = ? AND parent_id IS NULL";
inline constexpr std::string_view kRepliesPage =
    "SELECT id, api_id, COALESCE(parent_id, ''), content, category, entry_point, created_by, created_time, "
    "updated_time FROM api_comments WHERE api_id = ? AND parent_id = ? "
    "ORDER BY created_time, rowid LIMIT ? OFFSET ?";
inline constexpr std::string_view kRepliesCount =
    "SELECT COUNT(*) FROM api_comments WHERE api_id = ? AND parent_id = ?";
inline constexpr std::string_view kRatingOf =
    "SELECT id, api_id, rated_by, rating, created_time, updated_time FROM api_ratings "
    "WHERE api_id = ? AND rated_by = ?";
inline constexpr std::string_view kRatingsPage =
    "SELECT id, api_id, rated_by, rating, created_time, updated_time FROM api_ratings "
    "WHERE api_id = ? ORDER BY created_time, rowid LIMIT ? OFFSET ?";
inline constexpr std::string_view kRatingTotals =
    "SELECT COUNT(*), COALESCE(SUM(rating), 0) FROM api_ratings WHERE api_id = ?";

// POST /apis/validate (Publisher): whether a name, a context or both are taken, optionally at a
// version; each ignores case.
std::string api_exists_sql(bool name, bool context, bool version,
                           store::sql::Dialect dialect = store::sql::Dialect::kSqlite);

struct NamedQuery {
  std::string name;
  std::string sql;
};

// Every query above (subscriptions_sql in each of its shapes), for the query-plan test.
std::vector<NamedQuery> hot_queries();

}  // namespace archway::store::sqlite::sql
