// APIs, revisions, lifecycle, deployments and environment properties, over the SQL layer (see
// store/api_store.h).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "common/clock.h"
#include "common/ids.h"
#include "common/problem.h"
#include "common/strings.h"
#include "domain/api_json.h"
#include "domain/lifecycle.h"
#include "domain/mediation_json.h"
#include "domain/policy_json.h"
#include "store/sql/aggregates.h"
#include "store/sql/dialect.h"
#include "store/sql/records.h"

namespace archway::store {

using sql::run_unique;

namespace records {

std::int64_t create_api_locked(sql::Tx& tx, const domain::Api& api) {
  auto& conn = tx.conn();
  check_unique(conn, api);
  conn.prepare(
          "INSERT INTO apis (id, name, version, context, provider, lifecycle_status, search_text, "
          "definition, created_time, last_updated_time, is_default, kind) VALUES "
          "(?,?,?,?,?,?,?,?,?,?,?,?)")
      .bind(1, api.id)
      .bind(2, api.name)
      .bind(3, api.version)
      .bind(4, api.context)
      .bind(5, api.provider)
      .bind(6, api.lifecycle_status)
      .bind(7, search_text(api))
      .bind(8, codec::encode_api(api))
      .bind(9, api.created_time)
      .bind(10, api.last_updated_time)
      .bind(11, api.is_default_version ? 1 : 0)
      .bind(12, kind_of(api))
      .run();
  record_product_members(conn, api);
  record_api_refs(conn, api);
  insert_history(conn, {api.id, "", api.lifecycle_status, api.provider, api.created_time});
  save_openapi_definition(conn, api.id, api.openapi_definition);
  return settle_default_version(tx, api, false);
}

// A search (with audiences: the DevPortal's) in two statements over migration 19's rows: the
// total, and the ids of one page, whose definitions alone are read.
ApiPage search_locked(sql::Connection& conn, const ApiQuery& q,
                      const std::vector<std::string>& audiences) {
  ApiPage page;
  {
    const auto search = q::api_search_sql(q, audiences, true, conn.dialect());
    Stmt s = conn.prepare(search.sql);
    bind_all(s, search.params);
    s.step();
    page.total = s.integer(0);
  }
  std::vector<std::string> ids;
  {
    const auto search = q::api_search_sql(q, audiences, false, conn.dialect());
    Stmt s = conn.prepare(search.sql);
    const int n = bind_all(s, search.params);
    s.bind(n + 1, sql::limit_param(q.limit)).bind(n + 2, q.offset);
    while (s.step()) ids.push_back(s.text(0));
  }
  page.list = apis_by_ids(conn, ids);
  return page;
}

// The APIs with these ids, in this order, as lists return them.
std::vector<domain::Api> apis_by_ids(sql::Connection& conn, const std::vector<std::string>& ids) {
  std::vector<domain::Api> out;
  for (const auto& id : ids) {
    Stmt s = conn.prepare(q::kApiById);
    s.bind(1, id);
    if (s.step()) out.push_back(api_from_row(s));
  }
  return out;
}

// Who the reader is to the portal, as the audiences of migration 18.
std::vector<std::string> portal_audiences(const PortalReader& reader) {
  if (reader.admin) return {"admin"};
  if (!reader.signed_in) return {"anyone"};
  std::vector<std::string> audiences{"signed-in"};
  for (const auto& role : reader.roles) audiences.push_back("role:" + role);
  return audiences;
}

std::int64_t update_api_locked(sql::Tx& tx, const domain::Api& changes) {
  auto& conn = tx.conn();
  domain::Api api = changes;
  bool was_default = false;
  {
    Stmt st = conn.prepare("SELECT lifecycle_status, is_default FROM apis WHERE id = ?");
    st.bind(1, api.id);
    if (!st.step())
      throw common::ProblemError(
          common::Problem::not_found(fmt::format("API '{}' not found", api.id)));
    api.lifecycle_status = st.text(0);
    was_default = st.integer(1) != 0;
  }
  {
    Stmt st = conn.prepare("SELECT 1 FROM api_thumbnails WHERE api_id = ?");
    st.bind(1, api.id);
    api.has_thumbnail = st.step();
  }
  check_unique(conn, api);
  Stmt s = conn.prepare(
      "UPDATE apis SET name=?, version=?, context=?, provider=?, lifecycle_status=?, "
      "search_text=?, "
      "definition=?, last_updated_time=?, is_default=? WHERE id=?");
  s.bind(1, api.name)
      .bind(2, api.version)
      .bind(3, api.context)
      .bind(4, api.provider)
      .bind(5, api.lifecycle_status)
      .bind(6, search_text(api))
      .bind(7, codec::encode_api(api))
      .bind(8, api.last_updated_time)
      .bind(9, api.is_default_version ? 1 : 0)
      .bind(10, api.id)
      .run();
  if (conn.changes() == 0)
    throw common::ProblemError(
        common::Problem::not_found(fmt::format("API '{}' not found", api.id)));
  save_openapi_definition(conn, api.id, api.openapi_definition);
  record_product_members(conn, api);
  record_api_refs(conn, api);
  return settle_default_version(tx, api, was_default);
}

// The default version belongs to the API, not to a revision: exactly one version of an API
// (name and provider) is the default. When `api` became the default, the others stop being it;
// every change of the flag appends api.default_version so gateways route the bare context to
// the right deployed version. Returns the last event's revision (0: none).
std::int64_t settle_default_version(sql::Tx& tx, const domain::Api& api, bool was_default) {
  auto& conn = tx.conn();
  std::int64_t rev = 0;
  auto event = [&](const std::string& id, bool is_default) {
    json::object payload{{"apiId", id}, {"isDefaultVersion", is_default}};
    rev = tx.append_change("api.default_version", id, json::serialize(payload));
  };
  if (api.is_default_version) {
    std::vector<std::string> others;
    {
      Stmt s = conn.prepare(q::kOtherDefaultVersions);
      s.bind(1, api.name).bind(2, api.provider).bind(3, api.id);
      while (s.step()) others.push_back(s.text(0));
    }
    for (const auto& id : others) {
      auto other = get_api_locked(conn, id);
      if (!other) continue;
      other->is_default_version = false;
      conn.prepare("UPDATE apis SET is_default = 0, definition = ? WHERE id = ?")
          .bind(1, codec::encode_api(*other))
          .bind(2, id)
          .run();
      event(id, false);
    }
  }
  if (api.is_default_version != was_default) event(api.id, api.is_default_version);
  return rev;
}

void check_unique(sql::Connection& conn, const domain::Api& api) {
  {  // an API product and an API never share a context, whatever their versions
    Stmt s = conn.prepare(q::kContextOfOtherKind);
    s.bind(1, api.context).bind(2, kind_of(api)).bind(3, api.id);
    if (s.step())
      throw common::ProblemError(common::Problem::conflict(
          fmt::format("Context '{}' is used by {} '{}' {}", api.context,
                      api.is_product() ? "API" : "API product", s.text(0), s.text(1))));
  }
  {
    Stmt s = conn.prepare(q::kNameVersionTaken);
    s.bind(1, api.name).bind(2, api.version).bind(3, api.id);
    if (s.step())
      throw common::ProblemError(common::Problem::conflict(fmt::format(
          "An API named '{}' with version '{}' already exists", api.name, api.version)));
  }
  {
    Stmt s = conn.prepare(q::kContextVersionTaken);
    s.bind(1, api.context).bind(2, api.version).bind(3, api.id);
    if (s.step())
      throw common::ProblemError(common::Problem::conflict(fmt::format(
          "An API with context '{}' and version '{}' already exists", api.context, api.version)));
  }
}

std::string kind_of(const domain::Api& api) { return api.is_product() ? "APIPRODUCT" : "API"; }

// The APIs an API product bundles, so that deleting one of them can be refused.
void record_product_members(sql::Connection& conn, const domain::Api& api) {
  conn.prepare("DELETE FROM api_product_members WHERE product_id = ?").bind(1, api.id).run();
  for (const auto& pa : api.product_apis) {
    Stmt s = conn.prepare("SELECT 1 FROM apis WHERE id = ? AND kind = 'API'");
    s.bind(1, pa.api_id);
    if (!s.step())  // checked by the Publisher, but deleted since
      throw common::ProblemError(common::Problem::conflict(
          fmt::format("API '{}' of API product '{}' no longer exists", pa.api_id, api.name)));
    conn.prepare(
            "INSERT INTO api_product_members (product_id, api_id) VALUES (?, ?) ON CONFLICT DO "
            "NOTHING")
        .bind(1, api.id)
        .bind(2, pa.api_id)
        .run();
  }
}

// What the API names as rows (its tiers and categories), so that usage checks are index lookups;
// who the portal shows it to and what searches find it by.
void record_api_refs(sql::Connection& conn, const domain::Api& api) {
  conn.prepare("DELETE FROM api_policy_refs WHERE api_id = ? AND revision_id = ''")
      .bind(1, api.id)
      .run();
  insert_policy_refs(conn, api, "");
  record_category_refs(conn, api);
  record_scope_refs(conn, api);
  record_audiences(conn, api);
  record_access_roles(conn, api);
  record_search(conn, api);
}

// Who may see the API in the Publisher besides admins (migration 29): rows only while its
// access control is RESTRICTED.
void record_access_roles(sql::Connection& conn, const domain::Api& api) {
  conn.prepare("DELETE FROM api_access_roles WHERE api_id = ?").bind(1, api.id).run();
  if (api.access_control != "RESTRICTED") return;
  for (const auto& role : api.access_control_roles)
    conn.prepare("INSERT INTO api_access_roles (api_id, role) VALUES (?, ?) ON CONFLICT DO NOTHING")
        .bind(1, api.id)
        .bind(2, role)
        .run();
}

// Who the Developer Portal shows the API to (see migration 18); none while its lifecycle state
// keeps it out of the portal. The same rule as devportal::shown_to.
void record_audiences(sql::Connection& conn, const domain::Api& api) {
  conn.prepare("DELETE FROM api_audiences WHERE api_id = ?").bind(1, api.id).run();
  if (!domain::shown_in_devportal(api.lifecycle_status)) return;
  // The stored creation time: an update's copy of the API may not carry it.
  auto insert = [&](const std::string& audience) {
    conn.prepare(
            "INSERT INTO api_audiences (api_id, audience, created_time) "
            "SELECT id, ?, created_time FROM apis WHERE id = ? ON CONFLICT DO NOTHING")
        .bind(1, audience)
        .bind(2, api.id)
        .run();
  };
  insert("admin");
  if (api.visibility == "PUBLIC") insert("anyone");
  if (api.visibility == "PUBLIC" || api.visibility == "PRIVATE") {
    insert("signed-in");
    return;
  }
  for (const auto& role : api.visible_roles) insert("role:" + role);
}

void record_scope_refs(sql::Connection& conn, const domain::Api& api) {
  conn.prepare("DELETE FROM api_scope_refs WHERE api_id = ?").bind(1, api.id).run();
  auto insert = [&](const std::string& scope, bool open, std::string_view role) {
    conn.prepare("INSERT INTO api_scope_refs (api_id, scope, open, role) VALUES (?,?,?,?)")
        .bind(1, api.id)
        .bind(2, scope)
        .bind(3, open ? 1 : 0)
        .bind(4, role)
        .run();
  };
  for (const auto& sc : api.scopes) {
    if (sc.bindings.empty()) insert(sc.name, true, "");
    for (const auto& role : sc.bindings) insert(sc.name, false, role);
  }
}

// The tiers a copy of the API (revision_id: '' for the working copy) names; the same rows
// migration 14 derives from the stored definitions.
void insert_policy_refs(sql::Connection& conn, const domain::Api& api,
                        std::string_view revision_id) {
  auto insert = [&](std::string_view level, const std::string& name, const std::string& place) {
    conn.prepare(
            "INSERT INTO api_policy_refs (api_id, revision_id, level, name, place) VALUES "
            "(?,?,?,?,?)")
        .bind(1, api.id)
        .bind(2, revision_id)
        .bind(3, level)
        .bind(4, name)
        .bind(5, place)
        .run();
  };
  for (const auto& p : api.policies) insert(domain::kPolicyLevelSubscription, p, "policies");
  if (!api.api_throttling_policy.empty())
    insert(domain::kPolicyLevelAdvanced, api.api_throttling_policy, "apiThrottlingPolicy");
  for (std::size_t i = 0; i < api.operations.size(); ++i)
    if (!api.operations[i].throttling_policy.empty())
      insert(domain::kPolicyLevelAdvanced, api.operations[i].throttling_policy,
             fmt::format("operations[{}].throttlingPolicy", i));
}

domain::Api api_from_row(const Stmt& s) {
  domain::Api api = api_from_definition(s.text(0));
  api.created_time = s.integer(1);
  api.last_updated_time = s.integer(2);
  return api;
}

// The OpenAPI definition lives beside the API's row (it can be large and list queries skip it).
void save_openapi_definition(sql::Connection& conn, std::string_view api_id,
                             const std::string& definition) {
  if (definition.empty()) {
    conn.prepare("DELETE FROM api_definitions WHERE api_id = ?").bind(1, api_id).run();
    return;
  }
  conn.prepare(
          "INSERT INTO api_definitions (api_id, definition) VALUES (?, ?) "
          "ON CONFLICT(api_id) DO UPDATE SET definition = excluded.definition")
      .bind(1, api_id)
      .bind(2, definition)
      .run();
}

void load_revision_definition(sql::Connection& conn, domain::Revision& r) {
  Stmt d = conn.prepare("SELECT definition FROM api_revision_definitions WHERE revision_id = ?");
  d.bind(1, r.id);
  if (d.step()) r.api.openapi_definition = d.text(0);
}

std::optional<domain::Revision> get_revision_locked(sql::Connection& conn, std::string_view api_id,
                                                    std::string_view revision_id) {
  Stmt s = conn.prepare(q::kRevisionOfApi);
  s.bind(1, api_id).bind(2, revision_id);
  if (!s.step()) return std::nullopt;
  domain::Revision r = revision_from(s);
  load_revision_definition(conn, r);
  return r;
}

domain::Revision revision_from(const Stmt& s) {
  domain::Revision r;
  r.id = s.text(0);
  r.api_id = s.text(1);
  r.number = static_cast<int>(s.integer(2));
  r.description = s.text(3);
  r.api = api_from_definition(s.text(4));
  r.created_time = s.integer(5);
  return r;
}

void insert_history(sql::Connection& conn, const domain::LifecycleHistoryEntry& e) {
  conn.prepare(
          "INSERT INTO api_lifecycle_history "
          "(api_id, previous_state, post_state, username, updated_time) VALUES (?,?,?,?,?)")
      .bind(1, e.api_id)
      .bind(2, e.previous_state)
      .bind(3, e.post_state)
      .bind(4, e.user)
      .bind(5, e.updated_time)
      .run();
}

std::string undeploy_payload(std::string_view api_id, std::string_view env) {
  json::object p;
  p["apiId"] = api_id;
  p["environment"] = env;
  return json::serialize(p);
}

std::optional<domain::Deployment> deployment_locked(sql::Connection& conn, std::string_view api_id,
                                                    std::string_view environment) {
  Stmt s = conn.prepare(q::kDeploymentsOfApi);
  s.bind(1, api_id);
  while (s.step())
    if (s.text(2) == environment)
      return domain::Deployment{s.text(0), s.text(1),         s.text(2),
                                s.text(3), s.integer(4) != 0, s.integer(5)};
  return std::nullopt;
}

// Whether the gateway reads the API's OpenAPI definition (schema validation, INLINE mocks).
bool gateway_needs_definition(const domain::Api& api) {
  return api.enable_schema_validation || api.endpoint_config.endpoint_type == "INLINE";
}

// The api.deployed event of a deployment: what its environment's gateways serve.
std::int64_t append_deployed_event(sql::Tx& tx, const domain::Deployment& d,
                                   const domain::Api& api) {
  json::object payload;
  payload["apiId"] = d.api_id;
  payload["revisionId"] = d.revision_id;
  payload["environment"] = d.name;
  payload["vhost"] = d.vhost;
  payload["api"] = domain::api_to_json(api);
  // Schema validation and INLINE mocks need the definition at the gateway; other APIs keep the
  // event small.
  if (gateway_needs_definition(api) && !api.openapi_definition.empty())
    payload["openapiDefinition"] = api.openapi_definition;
  return tx.append_change("api.deployed", d.api_id, json::serialize(payload));
}

}  // namespace records

using namespace records;

void SqlApiStore::create_api(const domain::Api& api) {
  db_.write([&](sql::Tx& tx) {
    domain::Api fresh = api;
    fresh.has_thumbnail = false;
    return create_api_locked(tx, fresh);
  });
}

void SqlApiStore::create_api_version(const domain::Api& source_copy, std::string_view source_id) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    domain::Api api = source_copy;
    {
      Stmt s = conn.prepare("SELECT 1 FROM api_thumbnails WHERE api_id = ?");
      s.bind(1, source_id);
      api.has_thumbnail = s.step();
    }
    const std::int64_t rev = create_api_locked(tx, api);
    std::vector<std::string> docs;
    {
      Stmt s =
          conn.prepare("SELECT id FROM api_documents WHERE api_id = ? ORDER BY created_time, id");
      s.bind(1, source_id);
      while (s.step()) docs.push_back(s.text(0));
    }
    for (const auto& doc_id : docs)
      conn.prepare(
              "INSERT INTO api_documents (id, api_id, name, type, other_type_name, summary, "
              "visibility, "
              "source_type, source_url, file_name, media_type, content, created_by, created_time, "
              "updated_by, "
              "updated_time) SELECT ?, ?, name, type, other_type_name, summary, visibility, "
              "source_type, "
              "source_url, file_name, media_type, content, created_by, created_time, updated_by, "
              "updated_time "
              "FROM api_documents WHERE id = ?")
          .bind(1, common::new_uuid())
          .bind(2, api.id)
          .bind(3, doc_id)
          .run();
    conn.prepare(
            "INSERT INTO api_thumbnails (api_id, media_type, data, updated_time) "
            "SELECT ?, media_type, data, updated_time FROM api_thumbnails WHERE api_id = ?")
        .bind(1, api.id)
        .bind(2, source_id)
        .run();
    return rev;
  });
}

std::optional<domain::Api> SqlApiStore::get_api(std::string_view id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::Api> {
    return get_api_locked(conn, id);
  });
}

ApiPage SqlApiStore::list_apis(const ApiQuery& q) {
  return db_.read([&](sql::Connection& conn) -> ApiPage {
    if (!q.text.empty() || !q.fields.empty() || q.publisher_roles)
      return search_locked(conn, q, {});
    ApiPage page;  // the plain list: an index walk of one page
    {
      Stmt s = conn.prepare(q.kind.empty() ? "SELECT COUNT(*) FROM apis"
                                           : std::string(q::kApisOfKindCount));
      if (!q.kind.empty()) s.bind(1, q.kind);
      s.step();
      page.total = s.integer(0);
    }
    Stmt s = conn.prepare(q.kind.empty() ? q::kApisPage : q::kApisOfKindPage);
    const int first = q.kind.empty() ? 1 : 2;
    if (!q.kind.empty()) s.bind(1, q.kind);
    s.bind(first, sql::limit_param(q.limit)).bind(first + 1, q.offset);
    while (s.step()) page.list.push_back(api_from_row(s));
    return page;
  });
}

std::vector<std::string> SqlApiStore::api_access_roles(std::string_view api_id) {
  return db_.read([&](sql::Connection& conn) -> std::vector<std::string> {
    Stmt s = conn.prepare("SELECT role FROM api_access_roles WHERE api_id = ? ORDER BY role");
    s.bind(1, api_id);
    std::vector<std::string> roles;
    while (s.step()) roles.push_back(s.text(0));
    return roles;
  });
}

std::vector<std::string> SqlApiStore::apis_hidden_from(const std::vector<std::string>& roles) {
  std::string sql = "SELECT DISTINCT api_id FROM api_access_roles";
  if (!roles.empty()) {
    sql += " WHERE api_id NOT IN (SELECT api_id FROM api_access_roles WHERE role IN (";
    for (std::size_t i = 0; i < roles.size(); ++i) sql += i ? ",?" : "?";
    sql += "))";
  }
  return db_.read([&](sql::Connection& conn) -> std::vector<std::string> {
    Stmt s = conn.prepare(sql);
    bind_all(s, roles);
    std::vector<std::string> ids;
    while (s.step()) ids.push_back(s.text(0));
    return ids;
  });
}

ApiPage SqlApiStore::list_portal_apis(const PortalReader& reader, std::int64_t limit,
                                      std::int64_t offset) {
  const std::vector<std::string> audiences = portal_audiences(reader);
  return db_.read([&](sql::Connection& conn) -> ApiPage {
    ApiPage page;
    {
      Stmt s = conn.prepare(q::portal_apis_sql(audiences.size(), true));
      for (std::size_t i = 0; i < audiences.size(); ++i)
        s.bind(static_cast<int>(i + 1), audiences[i]);
      s.step();
      page.total = s.integer(0);
    }
    std::vector<std::string> ids;
    {
      Stmt s = conn.prepare(q::portal_apis_sql(audiences.size(), false));
      const int n = static_cast<int>(audiences.size());
      for (int i = 0; i < n; ++i) s.bind(i + 1, audiences[static_cast<std::size_t>(i)]);
      s.bind(n + 1, sql::limit_param(limit)).bind(n + 2, offset);
      while (s.step()) ids.push_back(s.text(0));
    }
    page.list = apis_by_ids(conn, ids);
    return page;
  });
}

ApiPage SqlApiStore::search_portal_apis(const PortalReader& reader, const ApiQuery& q) {
  if (q.text.empty() && q.fields.empty()) return list_portal_apis(reader, q.limit, q.offset);
  return db_.read([&](sql::Connection& conn) -> ApiPage {
    return search_locked(conn, q, portal_audiences(reader));
  });
}

std::vector<std::pair<std::string, std::int64_t>> SqlApiStore::tag_counts(
    const std::optional<PortalReader>& reader) {
  const std::vector<std::string> audiences =
      reader ? portal_audiences(*reader) : std::vector<std::string>{};
  return db_.read([&](sql::Connection& conn) -> std::vector<std::pair<std::string, std::int64_t>> {
    Stmt s = conn.prepare(q::tag_counts_sql(audiences.size()));
    bind_all(s, audiences);
    std::vector<std::pair<std::string, std::int64_t>> out;
    while (s.step()) out.emplace_back(s.text(0), s.integer(1));
    return out;
  });
}

ScopeBindings SqlApiStore::api_scope_bindings(std::string_view scope) {
  return db_.read([&](sql::Connection& conn) -> ScopeBindings {
    // A shared scope is granted by its own bindings, whatever copy the APIs using it keep.
    if (auto shared = shared_scope_where(conn, "name", scope, false)) {
      ScopeBindings out;
      out.declared = true;
      out.open = shared->bindings.empty();
      out.roles = shared->bindings;
      return out;
    }
    Stmt s = conn.prepare(q::kScopeBindings);
    s.bind(1, scope);
    ScopeBindings out;
    while (s.step()) {
      out.declared = true;
      if (s.integer(0) != 0)
        out.open = true;
      else
        out.roles.push_back(s.text(1));
    }
    return out;
  });
}

std::optional<domain::Api> SqlApiStore::find_api_by_name_version(std::string_view name,
                                                                 std::string_view version) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::Api> {
    return first_row(conn.prepare(q::kApiByNameVersion).bind(1, name).bind(2, version),
                     api_from_row);
  });
}

std::vector<domain::Api> SqlApiStore::list_api_versions(std::string_view name,
                                                        std::string_view provider) {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::Api> {
    Stmt s = conn.prepare(q::kApiVersions);
    s.bind(1, name).bind(2, provider);
    std::vector<domain::Api> out;
    while (s.step()) {
      domain::Api api = api_from_definition(s.text(0));
      api.created_time = s.integer(1);
      api.last_updated_time = s.integer(2);
      out.push_back(std::move(api));
    }
    return out;
  });
}

void SqlApiStore::update_api(const domain::Api& changes) {
  db_.write([&](sql::Tx& tx) { return update_api_locked(tx, changes); });
}

bool SqlApiStore::api_exists(std::string_view name, std::string_view context,
                             std::string_view version) {
  return db_.read([&](sql::Connection& conn) -> bool {
    Stmt s = conn.prepare(q::api_exists_sql(!name.empty(), !context.empty(), !version.empty(), conn.dialect()));
    int i = 0;
    if (!name.empty()) s.bind(++i, name);
    if (!context.empty()) s.bind(++i, context);
    if (!version.empty()) s.bind(++i, version);
    return s.step();
  });
}

domain::Api SqlApiStore::change_api_provider(std::string_view id, std::string_view provider) {
  domain::Api api;
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    auto found = get_api_locked(conn, id);
    if (!found || found->is_product())
      throw common::ProblemError(common::Problem::not_found(fmt::format("API '{}' not found", id)));
    Stmt u = conn.prepare("SELECT username FROM users WHERE username = ?");
    u.bind(1, provider);
    if (!u.step())
      throw common::ProblemError(common::Problem::bad_request(
          fmt::format("'provider': there is no user named '{}'", provider)));
    api = std::move(*found);
    api.provider = u.text(0);
    api.last_updated_time = std::max(common::now_millis(), api.last_updated_time);
    return update_api_locked(tx, api);
  });
  return api;
}

void SqlApiStore::import_api(const ApiImport& in) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    std::int64_t rev = 0;
    if (in.replace) {
      conn.prepare("DELETE FROM api_documents WHERE api_id = ?").bind(1, in.api.id).run();
      conn.prepare("DELETE FROM api_thumbnails WHERE api_id = ?").bind(1, in.api.id).run();
      rev = update_api_locked(tx, in.api);
    } else {
      domain::Api fresh = in.api;
      fresh.has_thumbnail = false;
      rev = create_api_locked(tx, fresh);
    }
    for (const auto& d : in.documents) insert_document_locked(conn, d.document, d.content);
    if (in.thumbnail) set_thumbnail_locked(conn, in.api.id, *in.thumbnail);
    return rev;
  });
}

bool SqlApiStore::delete_api(std::string_view id) {
  return db_.write([&](sql::Tx& tx) -> bool {
    auto& conn = tx.conn();
    {
      Stmt s = conn.prepare(q::kProductsBundling);
      s.bind(1, id);
      std::vector<std::string> products;
      while (s.step()) products.push_back(fmt::format("'{}' {}", s.text(0), s.text(1)));
      if (!products.empty())
        throw common::ProblemError(common::Problem::conflict(
            fmt::format("API '{}' is used by API product{} {}; remove its operations from {} first",
                        id, products.size() > 1 ? "s" : "", fmt::join(products, ", "),
                        products.size() > 1 ? "them" : "it")));
    }
    {
      Stmt s = conn.prepare("SELECT environment FROM api_deployments WHERE api_id = ?");
      s.bind(1, id);
      while (s.step()) tx.append_change("api.undeployed", id, undeploy_payload(id, s.text(0)));
    }
    conn.prepare("DELETE FROM apis WHERE id = ?").bind(1, id).run();
    if (conn.changes() == 0) return false;
    // Its subscriptions went with it: gateways forget them.
    tx.append_change("api.deleted", id, "{}");
    return true;
  });
}

domain::Revision SqlApiStore::create_revision(const domain::Api& snapshot,
                                              std::string_view description) {
  return db_.write([&](sql::Tx& tx) -> domain::Revision {
    auto& conn = tx.conn();
    int number = 1;
    {
      Stmt s = conn.prepare("SELECT last_number FROM api_revision_counters WHERE api_id = ?");
      s.bind(1, snapshot.id);
      if (s.step()) number = static_cast<int>(s.integer(0)) + 1;
    }
    conn.prepare(
            "INSERT INTO api_revision_counters (api_id, last_number) VALUES (?, ?) "
            "ON CONFLICT(api_id) DO UPDATE SET last_number = excluded.last_number")
        .bind(1, snapshot.id)
        .bind(2, std::int64_t{number})
        .run();
    domain::Revision r;
    r.id = common::new_uuid();
    r.api_id = snapshot.id;
    r.number = number;
    r.description = std::string(description);
    r.created_time = common::now_millis();
    r.api = snapshot;
    conn.prepare(
            "INSERT INTO api_revisions (id, api_id, number, description, definition, created_time) "
            "VALUES (?,?,?,?,?,?)")
        .bind(1, r.id)
        .bind(2, r.api_id)
        .bind(3, std::int64_t{r.number})
        .bind(4, r.description)
        .bind(5, codec::encode_api(snapshot))
        .bind(6, r.created_time)
        .run();
    if (!snapshot.openapi_definition.empty())
      conn.prepare("INSERT INTO api_revision_definitions (revision_id, definition) VALUES (?, ?)")
          .bind(1, r.id)
          .bind(2, snapshot.openapi_definition)
          .run();
    insert_policy_refs(conn, snapshot, r.id);
    return r;
  });
}

std::vector<domain::Revision> SqlApiStore::list_revisions(std::string_view api_id) {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::Revision> {
    Stmt s = conn.prepare(q::kRevisionsOfApi);
    s.bind(1, api_id);
    std::vector<domain::Revision> out;
    while (s.step()) out.push_back(revision_from(s));
    for (auto& r : out) load_revision_definition(conn, r);
    return out;
  });
}

std::optional<domain::Revision> SqlApiStore::get_revision(std::string_view api_id,
                                                          std::string_view revision_id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::Revision> {
    return get_revision_locked(conn, api_id, revision_id);
  });
}

bool SqlApiStore::delete_revision(std::string_view api_id, std::string_view revision_id) {
  return db_.write([&](sql::Tx& tx) -> bool {
    auto& conn = tx.conn();
    {
      Stmt s = conn.prepare(q::kDeploymentsOfRevision);
      s.bind(1, api_id).bind(2, revision_id);
      s.step();
      if (s.integer(0) > 0)
        throw common::ProblemError(common::Problem::conflict(
            fmt::format("Revision '{}' is deployed; undeploy it before deleting it", revision_id)));
    }
    conn.prepare("DELETE FROM api_revisions WHERE api_id = ? AND id = ?")
        .bind(1, api_id)
        .bind(2, revision_id)
        .run();
    const bool removed = conn.changes() > 0;
    if (removed)
      conn.prepare("DELETE FROM api_policy_refs WHERE api_id = ? AND revision_id = ?")
          .bind(1, api_id)
          .bind(2, revision_id)
          .run();
    return removed;
  });
}

std::optional<domain::Revision> SqlApiStore::find_revision(std::string_view revision_id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::Revision> {
    Stmt s = conn.prepare(q::kRevisionById);
    s.bind(1, revision_id);
    if (!s.step()) return std::nullopt;
    domain::Revision r = revision_from(s);
    load_revision_definition(conn, r);
    return r;
  });
}

std::vector<domain::Deployment> SqlApiStore::deploy_revision(
    std::string_view api_id, std::string_view revision_id,
    const std::vector<domain::Deployment>& targets) {
  return db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    std::vector<domain::Deployment> out;
    auto revision = get_revision_locked(conn, api_id, revision_id);
    if (!revision)
      throw common::ProblemError(common::Problem::not_found(
          fmt::format("Revision '{}' of API '{}' not found", revision_id, api_id)));
    {
      Stmt st = conn.prepare("SELECT lifecycle_status, is_default FROM apis WHERE id = ?");
      st.bind(1, api_id);
      st.step();
      revision->api.lifecycle_status = st.text(0);
      revision->api.is_default_version = st.integer(1) != 0;
    }
    if (revision->api.lifecycle_status == domain::kLifecycleRetired)
      throw common::ProblemError(common::Problem::conflict(fmt::format(
          "API '{}' is RETIRED: a retired API cannot be deployed", revision->api.name)));
    const std::int64_t now = common::now_millis();
    for (domain::Deployment d : targets) {
      d.api_id = std::string(api_id);
      d.revision_id = std::string(revision_id);
      d.deployed_time = now;
      conn.prepare(
              "INSERT INTO api_deployments (api_id, environment, revision_id, vhost, "
              "display_on_devportal, "
              "deployed_time) VALUES (?,?,?,?,?,?) ON CONFLICT(api_id, environment) DO UPDATE SET "
              "revision_id=excluded.revision_id, vhost=excluded.vhost, "
              "display_on_devportal=excluded.display_on_devportal, "
              "deployed_time=excluded.deployed_time")
          .bind(1, d.api_id)
          .bind(2, d.name)
          .bind(3, d.revision_id)
          .bind(4, d.vhost)
          .bind(5, std::int64_t{d.display_on_devportal})
          .bind(6, d.deployed_time)
          .run();
      append_deployed_event(tx, d, revision->api);
      out.push_back(std::move(d));
    }
    return out;
  });
}

int SqlApiStore::undeploy_revision(std::string_view api_id, std::string_view revision_id,
                                   const std::vector<std::string>& environments) {
  return db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    int removed = 0;
    for (const auto& env : environments) {
      conn.prepare(
              "DELETE FROM api_deployments WHERE api_id = ? AND revision_id = ? AND environment = "
              "?")
          .bind(1, api_id)
          .bind(2, revision_id)
          .bind(3, env)
          .run();
      if (conn.changes() > 0) {
        ++removed;
        tx.append_change("api.undeployed", api_id, undeploy_payload(api_id, env));
      }
    }
    return removed;
  });
}

void SqlApiStore::change_lifecycle(const std::vector<domain::LifecycleHistoryEntry>& changes,
                                   const std::vector<domain::Subscription>& carried) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    std::int64_t rev = 0;
    for (const auto& c : changes) {
      auto api = get_api_locked(conn, c.api_id);
      if (!api)
        throw common::ProblemError(
            common::Problem::not_found(fmt::format("API '{}' not found", c.api_id)));
      if (api->lifecycle_status != c.previous_state)
        throw common::ProblemError(common::Problem::conflict(
            fmt::format("API '{}' {} is {} now, not {}: another change came first; read its "
                        "lifecycle state and retry",
                        api->name, api->version, api->lifecycle_status, c.previous_state)));
      api->lifecycle_status = c.post_state;
      api->last_updated_time = c.updated_time;
      conn.prepare(
              "UPDATE apis SET lifecycle_status = ?, definition = ?, last_updated_time = ? "
              "WHERE id = ?")
          .bind(1, api->lifecycle_status)
          .bind(2, codec::encode_api(*api))
          .bind(3, api->last_updated_time)
          .bind(4, api->id)
          .run();
      insert_history(conn, c);
      record_audiences(conn, *api);
      record_search(conn, *api);
      json::object payload;
      payload["apiId"] = c.api_id;
      payload["state"] = c.post_state;
      rev = tx.append_change("api.lifecycle", c.api_id, json::serialize(payload));
      if (c.post_state != domain::kLifecycleRetired) continue;
      std::vector<std::string> environments;
      {
        Stmt s = conn.prepare(
            "SELECT environment FROM api_deployments WHERE api_id = ? ORDER BY environment");
        s.bind(1, c.api_id);
        while (s.step()) environments.push_back(s.text(0));
      }
      conn.prepare("DELETE FROM api_deployments WHERE api_id = ?").bind(1, c.api_id).run();
      for (const auto& env : environments)
        rev = tx.append_change("api.undeployed", c.api_id, undeploy_payload(c.api_id, env));
    }
    for (const auto& sub : carried) {
      conn.prepare(
              "INSERT INTO subscriptions (id, application_id, api_id, throttling_policy, "
              "status, created_time) "
              "SELECT ?,?,?,?,?,? WHERE EXISTS (SELECT 1 FROM applications WHERE id = ?) "
              "AND EXISTS (SELECT 1 FROM apis WHERE id = ?) ON CONFLICT DO NOTHING")
          .bind(1, sub.id)
          .bind(2, sub.application_id)
          .bind(3, sub.api_id)
          .bind(4, sub.throttling_policy)
          .bind(5, sub.status)
          .bind(6, sub.created_time)
          .bind(7, sub.application_id)
          .bind(8, sub.api_id)
          .run();
      if (conn.changes() > 0) rev = tx.append_change("subscription.changed", sub.id, "{}");
    }
    return rev;
  });
}

std::vector<domain::LifecycleHistoryEntry> SqlApiStore::lifecycle_history(std::string_view api_id) {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::LifecycleHistoryEntry> {
    return all_rows(
        conn.prepare("SELECT api_id, previous_state, post_state, username, updated_time "
                     "FROM api_lifecycle_history WHERE api_id = ? ORDER BY id")
            .bind(1, api_id),
        [](const Stmt& s) {
          return domain::LifecycleHistoryEntry{s.text(0), s.text(1), s.text(2), s.text(3),
                                               s.integer(4)};
        });
  });
}

std::vector<domain::Deployment> SqlApiStore::list_deployments(std::string_view api_id) {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::Deployment> {
    Stmt s = conn.prepare(q::kDeploymentsOfApi);
    s.bind(1, api_id);
    std::vector<domain::Deployment> out;
    while (s.step())
      out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4) != 0, s.integer(5)});
    return out;
  });
}

DeployedState SqlApiStore::deployed_state(std::string_view environment) {
  return db_.read([&](sql::Connection& conn) {
    DeployedState st;
    Stmt s = conn.prepare(
        "SELECT d.api_id, d.revision_id, r.definition, a.lifecycle_status, a.is_default, "
        "rd.definition "
        "FROM api_deployments d "
        "JOIN api_revisions r ON r.id = d.revision_id JOIN apis a ON a.id = d.api_id "
        "LEFT JOIN api_revision_definitions rd ON rd.revision_id = d.revision_id "
        "WHERE d.environment = ? ORDER BY d.api_id");
    s.bind(1, environment);
    while (s.step()) {
      st.apis.push_back({s.text(0), s.text(1), api_from_definition(s.text(2))});
      st.apis.back().api.lifecycle_status = s.text(3);  // the API's state, not the revision's
      st.apis.back().api.is_default_version = s.integer(4) != 0;  // likewise its default flag
      // Schema validation and INLINE mocks compile the revision's OpenAPI definition into the
      // gateway's snapshot.
      if (gateway_needs_definition(st.apis.back().api))
        st.apis.back().api.openapi_definition = s.text(5);
    }
    Stmt m = conn.prepare("SELECT COALESCE(MAX(revision), 0) FROM change_log");
    m.step();
    st.revision = m.integer(0);
    return st;
  });
}

std::optional<domain::Deployment> SqlApiStore::update_deployment(std::string_view api_id,
                                                                 std::string_view environment,
                                                                 bool display_on_devportal) {
  return db_.write([&](sql::Tx& tx) -> std::optional<domain::Deployment> {
    auto& conn = tx.conn();
    conn.prepare(
            "UPDATE api_deployments SET display_on_devportal = ? WHERE api_id = ? AND environment "
            "= ?")
        .bind(1, std::int64_t{display_on_devportal})
        .bind(2, api_id)
        .bind(3, environment)
        .run();
    if (conn.changes() == 0) return std::nullopt;
    return deployment_locked(conn, api_id, environment);
  });
}

domain::EnvironmentProperties SqlApiStore::environment_properties(std::string_view api_id,
                                                                  std::string_view environment) {
  return db_.read([&](sql::Connection& conn) -> domain::EnvironmentProperties {
    Stmt s = conn.prepare(
        "SELECT properties FROM api_environment_properties WHERE api_id = ? AND environment = ?");
    s.bind(1, api_id).bind(2, environment);
    return s.step() ? properties_from_text(s.text(0)) : domain::EnvironmentProperties{};
  });
}

std::map<std::string, domain::EnvironmentProperties> SqlApiStore::environment_properties_of(
    std::string_view environment) {
  return db_.read(
      [&](sql::Connection& conn) -> std::map<std::string, domain::EnvironmentProperties> {
        Stmt s = conn.prepare(
            "SELECT api_id, properties FROM api_environment_properties WHERE environment = ?");
        s.bind(1, environment);
        std::map<std::string, domain::EnvironmentProperties> out;
        while (s.step()) out[s.text(0)] = properties_from_text(s.text(1));
        return out;
      });
}

void SqlApiStore::set_environment_properties(std::string_view api_id, std::string_view environment,
                                             const domain::EnvironmentProperties& properties) {
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    auto& conn = tx.conn();
    if (!get_api_locked(conn, api_id))
      throw common::ProblemError(
          common::Problem::not_found(fmt::format("API '{}' not found", api_id)));
    if (properties.empty()) {
      conn.prepare("DELETE FROM api_environment_properties WHERE api_id = ? AND environment = ?")
          .bind(1, api_id)
          .bind(2, environment)
          .run();
    } else {
      json::object o;
      for (const auto& [k, v] : properties) o[k] = v;
      conn.prepare(
              "INSERT INTO api_environment_properties (api_id, environment, properties) VALUES "
              "(?,?,?) "
              "ON CONFLICT(api_id, environment) DO UPDATE SET properties = excluded.properties")
          .bind(1, api_id)
          .bind(2, environment)
          .bind(3, json::serialize(o))
          .run();
    }
    // A deployment to that environment is delivered again, so its gateways apply the properties.
    const auto deployed = deployment_locked(conn, api_id, environment);
    if (!deployed) return 0;
    auto revision = get_revision_locked(conn, api_id, deployed->revision_id);
    if (!revision) return 0;
    Stmt st = conn.prepare("SELECT lifecycle_status, is_default FROM apis WHERE id = ?");
    st.bind(1, api_id);
    st.step();
    revision->api.lifecycle_status = st.text(0);
    revision->api.is_default_version = st.integer(1) != 0;
    return append_deployed_event(tx, *deployed, revision->api);
  });
}

}  // namespace archway::store
