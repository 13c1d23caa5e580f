#include "store/sqlite/queries.h"

#include "store/sql/dialect.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace archway::store::sqlite::sql {

namespace {

std::string placeholders(std::size_t n) {
  std::string in = n > 0 ? "?" : "";
  for (std::size_t i = 1; i < n; ++i) in += ",?";
  return in;
}

// The trigram tokenizer counts characters (UTF-8 sequences), not bytes.
std::size_t characters(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// A substring as a LIKE pattern (ESCAPE '\'): %, _ and \ stand for themselves.
std::string like_substring(std::string_view needle) {
  std::string out = "%";
  for (char c : needle) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "%";
}

// A substring of one column as an FTS5 phrase: inside double quotes only a double quote is
// special (doubled), so %, _, *, : and operators are plain characters. With the trigram tokenizer
// a phrase matches exactly the values holding it as a substring, ignoring case.
std::string fts_phrase(std::string_view column, std::string_view needle) {
  std::string out = std::string(column) + " : \"";
  for (char c : needle) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

// Whether `s` is well-formed UTF-8 (PostgreSQL refuses any other text as a parameter).
bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size() || (n == 2 && c < 0xC2)) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

// The api_search column of a substring field of the search syntax.
std::string_view search_column(std::string_view field) {
  for (std::string_view column : {"name", "context", "provider", "version"})
    if (field == column) return column;
  throw std::invalid_argument("unknown API search field '" + std::string(field) + "'");
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
  // Several audiences are 'signed-in' and the reader's roles. An API has either a 'signed-in' row
  // (PUBLIC, PRIVATE) or role rows (any other visibility), never both: the count is an index count
  // of the first plus the distinct APIs of the few role rows, with no sort of what the reader sees.
  if (count)
    return "SELECT (SELECT COUNT(*) FROM api_audiences WHERE audience = ?) + (SELECT "
           "COUNT(DISTINCT api_id) FROM api_audiences WHERE audience IN (" +
           placeholders(audiences - 1) + "))";
  // The 'admin' rows are every API the portal shows: walked in creation order, each probed for the
  // reader's audiences, the page stops after offset + limit hits. A reader who may see only a few
  // of many APIs makes the walk long; the usual portal (mostly PUBLIC and PRIVATE) pays its page.
  return "SELECT a.api_id FROM api_audiences a WHERE a.audience = 'admin' AND EXISTS (SELECT 1 "
         "FROM api_audiences b WHERE b.api_id = a.api_id AND b.audience IN (" +
         in + ")) ORDER BY a.created_time, a.api_id LIMIT ? OFFSET ?";
}

ApiSearchSql api_search_sql(const ApiQuery& q, const std::vector<std::string>& audiences,
                            bool count, store::sql::Dialect dialect) {
  using store::sql::Dialect;
  const bool pg = dialect == Dialect::kPostgres;
  std::vector<std::string> phrases;                              // FTS5 column phrases
  std::vector<std::pair<std::string_view, std::string>> shorts;  // column, LIKE pattern
  std::vector<std::string> tags, categories, states;
  // SQLite reads a LIKE pattern or a MATCH expression up to a NUL: a term holding one cannot be
  // asked for, and matches nothing.
  bool unaskable = false;
  auto text_term = [&](std::string_view column, const std::string& needle) {
    if (needle.find('\0') != std::string::npos || (pg && !valid_utf8(needle)))
      unaskable = true;
    else if (!pg && characters(needle) >= kTrigram)
      phrases.push_back(fts_phrase(column, needle));
    else
      shorts.emplace_back(column, like_substring(needle));
  };
  if (!q.text.empty()) text_term("text", q.text);
  for (const auto& [field, value] : q.fields) {
    if (field == "tag")
      tags.push_back(value);
    else if (field == "api-category")
      categories.push_back(value);
    else if (field == "status")
      states.push_back(value);
    else
      text_term(search_column(field), value);
  }

  ApiSearchSql out;
  std::string where;
  auto add = [&](std::string_view condition) {
    where += where.empty() ? " WHERE " : " AND ";
    where += condition;
  };
  // The LIKE conditions of the short terms on api_search (as `prefix`), their patterns bound.
  auto short_likes = [&](std::string_view prefix) {
    std::string likes;
    for (const auto& [column, pattern] : shorts) {
      likes += fmt::format("{}{}{} {} ? ESCAPE '\\'", likes.empty() ? "" : " AND ", prefix, column,
                           store::sql::like_nocase(dialect));
      out.params.push_back(pattern);
    }
    return likes;
  };
  auto take_first = [](std::vector<std::string>& values) {
    std::string first = std::move(values.front());
    values.erase(values.begin());
    return first;
  };
  if (unaskable) add(store::sql::never(dialect));
  // One term drives (the narrowest index first); the others filter what it finds. A lifecycle
  // state that does not drive is written +r.status, so that SQLite does not walk its index.
  bool shorts_checked = true;
  if (!phrases.empty()) {
    std::string match;
    for (const auto& p : phrases) match += (match.empty() ? "" : " AND ") + p;
    out.params.push_back(std::move(match));
    const std::string likes = short_likes("");
    // fts5 MATCH (SQLite only); PostgreSQL: to_tsvector(...) @@ plainto_tsquery(?) or pg_trgm.
    add("r.id IN (SELECT rowid FROM api_search WHERE api_search MATCH ?" +
        (likes.empty() ? "" : " AND " + likes) + ")");
  } else if (!tags.empty()) {
    // PostgreSQL: lower(tag) = lower(?), over an index on lower(tag).
    add("r.api_id IN (SELECT api_id FROM api_tags WHERE " +
        store::sql::equals_nocase(dialect, "tag") + ")");
    out.params.push_back(take_first(tags));
    shorts_checked = shorts.empty();
  } else if (!categories.empty()) {
    add("r.api_id IN (SELECT api_id FROM api_category_refs WHERE " +
        store::sql::equals_nocase(dialect, "name") + ")");
    out.params.push_back(take_first(categories));
    shorts_checked = shorts.empty();
  } else if (!states.empty()) {
    add("r.status = ?");
    out.params.push_back(take_first(states));
    shorts_checked = shorts.empty();
  } else if (!shorts.empty()) {  // SQLite: only terms under 3 characters, a scan of the full-text rows
    add("r.id IN (SELECT rowid FROM api_search WHERE " + short_likes("") + ")");
  }
  if (!shorts_checked)
    add("EXISTS (SELECT 1 FROM api_search s WHERE s.rowid = r.id AND " + short_likes("s.") + ")");
  for (auto& state : states) {
    add(pg ? "r.status = ?" : "+r.status = ?");
    out.params.push_back(std::move(state));
  }
  for (auto& tag : tags) {
    add("EXISTS (SELECT 1 FROM api_tags t WHERE t.api_id = r.api_id AND " +
        store::sql::equals_nocase(dialect, "t.tag") + ")");
    out.params.push_back(std::move(tag));
  }
  for (auto& category : categories) {
    add("EXISTS (SELECT 1 FROM api_category_refs c WHERE c.api_id = r.api_id AND " +
        store::sql::equals_nocase(dialect, "c.name") + ")");
    out.params.push_back(std::move(category));
  }
  if (!q.kind.empty()) {
    add("r.kind = ?");
    out.params.push_back(q.kind);
  }
  if (q.publisher_roles) {
    std::string restricted = "NOT EXISTS (SELECT 1 FROM api_access_roles p WHERE p.api_id = r.api_id)";
    if (!q.publisher_roles->empty()) {
      restricted = "(" + restricted +
                   " OR EXISTS (SELECT 1 FROM api_access_roles p WHERE p.api_id = r.api_id AND p.role IN (" +
                   placeholders(q.publisher_roles->size()) + ")))";
      out.params.insert(out.params.end(), q.publisher_roles->begin(), q.publisher_roles->end());
    }
    add(restricted);
  }
  if (!audiences.empty()) {
    add("EXISTS (SELECT 1 FROM api_audiences a WHERE a.api_id = r.api_id AND a.audience IN (" +
        placeholders(audiences.size()) + "))");
    out.params.insert(out.params.end(), audiences.begin(), audiences.end());
  }
  out.sql = std::string(count ? "SELECT COUNT(*)" : "SELECT r.api_id") + " FROM api_search_rows r" +
            where;
  if (!count) out.sql += " ORDER BY r.created_time, r.api_id LIMIT ? OFFSET ?";
  return out;
}

std::string tag_counts_sql(std::size_t audiences) {
  if (audiences == 0) return "SELECT tag, COUNT(*) FROM api_tags GROUP BY tag ORDER BY tag";
  return "SELECT tag, COUNT(*) FROM api_tags WHERE api_id IN (SELECT api_id FROM api_audiences "
         "WHERE audience IN (" +
         placeholders(audiences) + ")) GROUP BY tag ORDER BY tag";
}

std::string api_exists_sql(bool name, bool context, bool version, store::sql::Dialect dialect) {
  std::string sql = "SELECT 1 FROM apis WHERE ";
  std::string sep;
  // PostgreSQL: lower(name) = lower(?) over an index on lower(name) (likewise context).
  if (name) sql += std::exchange(sep, " AND ") + store::sql::equals_nocase(dialect, "name");
  if (context) sql += std::exchange(sep, " AND ") + store::sql::equals_nocase(dialect, "context");
  if (version) sql += std::exchange(sep, " AND ") + "version = ?";
  return sql + " LIMIT 1";
}

std::string apis_using_service_sql(store::sql::Dialect dialect) {
  if (dialect == store::sql::Dialect::kSqlite) return std::string(kApisUsingService);
  return "SELECT definition, created_time, last_updated_time FROM apis WHERE " +
         store::sql::json_text(dialect, "definition", "$.serviceInfo.key") +
         " = ? ORDER BY created_time, id";
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
      {"API with a name (any case)", api_exists_sql(true, false, false)},
      {"API with a context at a version (any case)", api_exists_sql(false, true, true)},
      {"API with a name and a context (any case)", api_exists_sql(true, true, false)},
      {"comment by id", std::string(kCommentById)},
      {"page of an API's comments", std::string(kTopCommentsPage)},
      {"count of an API's comments", std::string(kTopCommentsCount)},
      {"page of a comment's replies", std::string(kRepliesPage)},
      {"count of a comment's replies", std::string(kRepliesCount)},
      {"rating of a user", std::string(kRatingOf)},
      {"page of an API's ratings", std::string(kRatingsPage)},
      {"rating totals of an API", std::string(kRatingTotals)},
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
      {"family access tokens expired before a time", std::string(kDeleteFamilyAccessTokensBefore)},
      {"refresh tokens of a family", std::string(kUseFamilyRefreshTokens)},
      {"unexpired access tokens of a family", std::string(kFamilyAccessTokens)},
  };
  for (std::size_t n : {1, 3})
    for (bool count : {false, true})
      out.push_back(
          {fmt::format("DevPortal APIs of {} audience(s) ({})", n, count ? "count" : "page"),
           portal_apis_sql(n, count)});
  // Searches: one of each driver, every filter beside a driver, and the DevPortal's readers (an
  // anonymous one and a signed-in one with two roles). The names of those whose text terms are all
  // under 3 characters say so: they read every full-text row, the one scan a search may do.
  const std::vector<std::string> publisher, anonymous{"anyone"},
      signed_in{"signed-in", "role:creator", "role:publisher"};
  struct Search {
    std::string name, query, kind;
    const std::vector<std::string>& audiences;
  };
  const Search searches[] = {
      {"API search by free text", "pizza", "", publisher},
      {"API search by free text of one kind", "pizza", "API", publisher},
      {"API search by name", "name:pizza", "", publisher},
      {"API search by context", "context:/pizza", "", publisher},
      {"API search by provider", "provider:admin", "", publisher},
      {"API search by version", "version:1.0.0", "", publisher},
      {"API search by status", "status:published", "APIPRODUCT", publisher},
      {"API search by tag", "tag:food", "", publisher},
      {"API search by category", "api-category:food", "", publisher},
      {"API search by every prefix and free text",
       "shack name:pizza context:/pizza provider:admin version:1.0 status:published tag:food "
       "tag:italian api-category:food",
       "API", publisher},
      {"API search by name and a short version", "name:pizza version:1", "", publisher},
      {"API search by tag and short free text", "tag:food v1", "", publisher},
      {"API search by category and status", "api-category:food status:published", "", publisher},
      {"API search by status and short free text", "status:published ab", "", publisher},
      {"API search by free text under 3 characters", "ab", "", publisher},
      {"API search by a name under 3 characters", "name:ab", "API", publisher},
      {"DevPortal search by free text, anonymous", "pizza", "", anonymous},
      {"DevPortal search by tag, anonymous", "tag:food", "", anonymous},
      {"DevPortal search by free text, signed in", "pizza", "", signed_in},
      {"DevPortal search by status and name, signed in", "status:published name:pizza", "",
       signed_in},
      {"DevPortal search by category, signed in", "api-category:food", "", signed_in},
  };
  for (const auto& s : searches) {
    ApiQuery q = parse_api_query(s.query);
    q.kind = s.kind;
    for (bool count : {false, true})
      out.push_back(
          {s.name + (count ? " (count)" : " (page)"), api_search_sql(q, s.audiences, count).sql});
  }
  out.push_back({"DevPortal tags, anonymous", tag_counts_sql(1)});
  out.push_back({"DevPortal tags, signed in", tag_counts_sql(3)});
  out.push_back({"tags of every API", tag_counts_sql(0)});
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
