// Store over the SQL layer (store/sql/connection.h), for any backend: every public method is one
// read or one write of sql::Database, and change events are appended inside the write.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <mutex>
#include <set>

#include "common/clock.h"
#include "common/ids.h"
#include "common/problem.h"
#include "common/strings.h"
#include "domain/api_json.h"
#include "domain/lifecycle.h"
#include "domain/mediation_json.h"
#include "domain/policy_json.h"
#include "store/migrations.h"
#include "store/sql/database.h"
#include "store/sql/sql_store.h"
#include "store/sqlite/queries.h"
#include "store/sqlite/sqlite_connection.h"
#include "store/store.h"

namespace archway::store {

namespace json = boost::json;
using sql::run_unique;
using sql::Stmt;
namespace q = sqlite::sql;  // the named SQL of the hot queries (plain SQL, shared by every backend)

namespace {

std::string search_text(const domain::Api& api) {
  std::string s = api.name + "\n" + api.context + "\n" + api.provider + "\n" + api.version + "\n" +
                  api.description;
  for (const auto& t : api.tags) s += "\n" + t;
  for (const auto& c : api.categories) s += "\n" + c;
  return common::to_lower(std::move(s));
}

domain::Api api_from_definition(const std::string& text) {
  return domain::api_from_json(json::parse(text).as_object());
}

std::string join_roles(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& r : roles) out += (out.empty() ? "" : ",") + r;
  return out;
}

std::vector<std::string> split_roles(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

domain::OperationPolicy operation_policy_from(const std::string& record) {
  const json::value v = json::parse(record);
  return domain::operation_policy_from_record(v.as_object());
}

// Whether a stored definition (an API, a revision or policy flows) has a use of that policy.
bool names_policy(const json::value& v, std::string_view name, std::string_view version) {
  if (v.is_array()) {
    for (const auto& x : v.get_array())
      if (names_policy(x, name, version)) return true;
  } else if (v.is_object()) {
    const json::object& o = v.get_object();
    const json::value* n = o.if_contains("policyName");
    if (n && n->is_string() && n->get_string() == name) {
      const json::value* ver = o.if_contains("policyVersion");
      const std::string_view used = ver && ver->is_string() ? std::string_view(ver->get_string()) : "v1";
      if (used == version) return true;
    }
    for (const auto& [k, x] : o)
      if (names_policy(x, name, version)) return true;
  }
  return false;
}

bool names_policy(const std::string& definition, std::string_view name, std::string_view version) {
  boost::system::error_code ec;
  const json::value v = json::parse(definition, ec);
  return !ec && names_policy(v, name, version);
}

// Storage codec of gateway environments (the `definition` column): the store's own field names,
// independent of the REST shape.
std::string environment_to_text(const domain::Environment& e) {
  json::array vhosts;
  for (const auto& v : e.vhosts)
    vhosts.push_back(json::object{{"host", v.host},         {"http_context", v.http_context},
                                  {"http_port", v.http_port}, {"https_port", v.https_port},
                                  {"ws_port", v.ws_port},     {"wss_port", v.wss_port},
                                  {"ws_host", v.ws_host},     {"wss_host", v.wss_host}});
  json::array props;
  for (const auto& [k, v] : e.additional_properties) props.push_back(json::array{json::string(k), json::string(v)});
  json::array roles;
  for (const auto& r : e.permission_roles) roles.emplace_back(r);
  return json::serialize(json::object{{"display_name", e.display_name},
                                      {"description", e.description},
                                      {"provider", e.provider},
                                      {"type", e.type},
                                      {"gateway_type", e.gateway_type},
                                      {"vhosts", std::move(vhosts)},
                                      {"additional_properties", std::move(props)},
                                      {"permission_type", e.permission_type},
                                      {"permission_roles", std::move(roles)},
                                      {"updated_time", e.updated_time}});
}

// Reads id, name, definition, created_time.
domain::Environment environment_from(const Stmt& s) {
  domain::Environment e;
  e.id = s.text(0);
  e.name = s.text(1);
  e.created_time = s.integer(3);
  const json::object o = json::parse(s.text(2)).as_object();
  auto str = [&o](const char* k) { return std::string(o.at(k).as_string()); };
  e.display_name = str("display_name");
  e.description = str("description");
  e.provider = str("provider");
  e.type = str("type");
  e.gateway_type = str("gateway_type");
  for (const auto& v : o.at("vhosts").as_array()) {
    const json::object& vo = v.as_object();
    domain::VirtualHost h;
    h.host = std::string(vo.at("host").as_string());
    h.http_context = std::string(vo.at("http_context").as_string());
    h.http_port = static_cast<int>(vo.at("http_port").as_int64());
    h.https_port = static_cast<int>(vo.at("https_port").as_int64());
    h.ws_port = static_cast<int>(vo.at("ws_port").as_int64());
    h.wss_port = static_cast<int>(vo.at("wss_port").as_int64());
    h.ws_host = std::string(vo.at("ws_host").as_string());
    h.wss_host = std::string(vo.at("wss_host").as_string());
    e.vhosts.push_back(std::move(h));
  }
  for (const auto& p : o.at("additional_properties").as_array())
    e.additional_properties.emplace_back(std::string(p.as_array().at(0).as_string()),
                                         std::string(p.as_array().at(1).as_string()));
  e.permission_type = str("permission_type");
  for (const auto& r : o.at("permission_roles").as_array()) e.permission_roles.emplace_back(r.as_string());
  e.updated_time = o.at("updated_time").as_int64();
  return e;
}

domain::EnvironmentProperties properties_from_text(const std::string& text) {
  domain::EnvironmentProperties out;
  const json::value parsed = json::parse(text);
  for (const auto& [k, v] : parsed.as_object())
    if (v.is_string()) out[std::string(k)] = std::string(v.get_string());
  return out;
}

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<sql::ConnectionSource> source, const std::vector<Migration>& migrations)
      : db_(std::move(source)) {
    auto lease = db_.source().acquire();
    migrate(*lease, migrations);
  }

  std::optional<domain::User> find_user(std::string_view username) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::User> {
      Stmt s = conn.prepare(
          "SELECT id, username, password_hash, roles, created_time FROM users WHERE username = ?");
      s.bind(1, username);
      if (!s.step()) return std::nullopt;
      return domain::User{s.text(0), s.text(1), s.text(2), split_roles(s.text(3)), s.integer(4)};
    });
  }

  void create_user(const domain::User& u) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      run_unique(conn.prepare("INSERT INTO users (id, username, password_hash, roles, created_time) "
                             "VALUES (?,?,?,?,?)")
                     .bind(1, u.id)
                     .bind(2, u.username)
                     .bind(3, u.password_hash)
                     .bind(4, join_roles(u.roles))
                     .bind(5, u.created_time),
                 fmt::format("User '{}' already exists", u.username));
      record_user_roles(conn, u.id, u.roles);
    });
  }

  // The user's roles as rows as well, so that who holds a role is an index lookup.
  void record_user_roles(sql::Connection& conn, std::string_view user_id, const std::vector<std::string>& roles) {
    conn.prepare("DELETE FROM user_roles WHERE user_id = ?").bind(1, user_id).run();
    for (const auto& r : roles)
      conn.prepare("INSERT OR IGNORE INTO user_roles (user_id, role) VALUES (?, ?)")
          .bind(1, user_id)
          .bind(2, r)
          .run();
  }

  std::int64_t count_users_with_role(std::string_view role) override {
    return db_.read([&](sql::Connection& conn) -> std::int64_t {
      Stmt s = conn.prepare(q::kUsersWithRoleCount);
      s.bind(1, role);
      s.step();
      return s.integer(0);
    });
  }

  std::int64_t count_users() override {
    return db_.read([&](sql::Connection& conn) -> std::int64_t {
      Stmt s = conn.prepare("SELECT COUNT(*) FROM users");
      s.step();
      return s.integer(0);
    });
  }

  std::vector<domain::User> list_users() override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::User> {
      Stmt s = conn.prepare(
          "SELECT id, username, password_hash, roles, created_time FROM users ORDER BY username");
      std::vector<domain::User> out;
      while (s.step())
        out.push_back({s.text(0), s.text(1), s.text(2), split_roles(s.text(3)), s.integer(4)});
      return out;
    });
  }

  void update_user(const domain::User& u) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      conn.prepare("UPDATE users SET password_hash = ?, roles = ? WHERE username = ?")
          .bind(1, u.password_hash)
          .bind(2, join_roles(u.roles))
          .bind(3, u.username)
          .run();
      if (conn.changes() == 0)
        throw common::ProblemError(
            common::Problem::not_found(fmt::format("User '{}' not found", u.username)));
      Stmt s = conn.prepare("SELECT id FROM users WHERE username = ?");
      s.bind(1, u.username);
      if (s.step()) record_user_roles(conn, s.text(0), u.roles);
    });
  }

  bool delete_user(std::string_view username) override {
    return db_.write([&](sql::Tx& tx) -> bool {
      auto& conn = tx.conn();
      conn.prepare("DELETE FROM users WHERE username = ?").bind(1, username).run();
      return conn.changes() > 0;
    });
  }

  void create_api(const domain::Api& api) override {
    db_.write([&](sql::Tx& tx) {
      domain::Api fresh = api;
      fresh.has_thumbnail = false;
      return create_api_locked(tx, fresh);
    });
  }

  void create_api_version(const domain::Api& source_copy, std::string_view source_id) override {
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
        Stmt s = conn.prepare("SELECT id FROM api_documents WHERE api_id = ? ORDER BY created_time, id");
        s.bind(1, source_id);
        while (s.step()) docs.push_back(s.text(0));
      }
      for (const auto& doc_id : docs)
        conn.prepare(
               "INSERT INTO api_documents (id, api_id, name, type, other_type_name, summary, visibility, "
               "source_type, source_url, file_name, media_type, content, created_by, created_time, updated_by, "
               "updated_time) SELECT ?, ?, name, type, other_type_name, summary, visibility, source_type, "
               "source_url, file_name, media_type, content, created_by, created_time, updated_by, updated_time "
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

  std::int64_t create_api_locked(sql::Tx& tx, const domain::Api& api) {
    auto& conn = tx.conn();
    check_unique(conn, api);
    conn.prepare(
           "INSERT INTO apis (id, name, version, context, provider, lifecycle_status, search_text, "
           "definition, created_time, last_updated_time, is_default, kind) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
        .bind(1, api.id)
        .bind(2, api.name)
        .bind(3, api.version)
        .bind(4, api.context)
        .bind(5, api.provider)
        .bind(6, api.lifecycle_status)
        .bind(7, search_text(api))
        .bind(8, json::serialize(domain::api_to_json(api)))
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

  std::optional<domain::Api> get_api(std::string_view id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::Api> {
      return get_api_locked(conn, id);
    });
  }

  ApiPage list_apis(const ApiQuery& q) override {
    return db_.read([&](sql::Connection& conn) -> ApiPage {
      if (!q.text.empty() || !q.fields.empty() || q.publisher_roles) return search_locked(conn, q, {});
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
      s.bind(first, q.limit).bind(first + 1, q.offset);
      while (s.step()) page.list.push_back(api_from_row(s));
      return page;
    });
  }

  std::vector<std::string> api_access_roles(std::string_view api_id) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<std::string> {
      Stmt s = conn.prepare("SELECT role FROM api_access_roles WHERE api_id = ? ORDER BY role");
      s.bind(1, api_id);
      std::vector<std::string> roles;
      while (s.step()) roles.push_back(s.text(0));
      return roles;
    });
  }

  std::vector<std::string> apis_hidden_from(const std::vector<std::string>& roles) override {
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

  ApiPage list_portal_apis(const PortalReader& reader, std::int64_t limit, std::int64_t offset) override {
    const std::vector<std::string> audiences = portal_audiences(reader);
    return db_.read([&](sql::Connection& conn) -> ApiPage {
      ApiPage page;
      {
        Stmt s = conn.prepare(q::portal_apis_sql(audiences.size(), true));
        for (std::size_t i = 0; i < audiences.size(); ++i) s.bind(static_cast<int>(i + 1), audiences[i]);
        s.step();
        page.total = s.integer(0);
      }
      std::vector<std::string> ids;
      {
        Stmt s = conn.prepare(q::portal_apis_sql(audiences.size(), false));
        const int n = static_cast<int>(audiences.size());
        for (int i = 0; i < n; ++i) s.bind(i + 1, audiences[static_cast<std::size_t>(i)]);
        s.bind(n + 1, limit).bind(n + 2, offset);
        while (s.step()) ids.push_back(s.text(0));
      }
      page.list = apis_by_ids(conn, ids);
      return page;
    });
  }

  ApiPage search_portal_apis(const PortalReader& reader, const ApiQuery& q) override {
    if (q.text.empty() && q.fields.empty()) return list_portal_apis(reader, q.limit, q.offset);
    return db_.read([&](sql::Connection& conn) -> ApiPage {
      return search_locked(conn, q, portal_audiences(reader));
    });
  }

  // A search (with audiences: the DevPortal's) in two statements over migration 19's rows: the
  // total, and the ids of one page, whose definitions alone are read.
  ApiPage search_locked(sql::Connection& conn, const ApiQuery& q, const std::vector<std::string>& audiences) {
    ApiPage page;
    {
      const auto search = q::api_search_sql(q, audiences, true);
      Stmt s = conn.prepare(search.sql);
      bind_all(s, search.params);
      s.step();
      page.total = s.integer(0);
    }
    std::vector<std::string> ids;
    {
      const auto search = q::api_search_sql(q, audiences, false);
      Stmt s = conn.prepare(search.sql);
      const int n = bind_all(s, search.params);
      s.bind(n + 1, q.limit).bind(n + 2, q.offset);
      while (s.step()) ids.push_back(s.text(0));
    }
    page.list = apis_by_ids(conn, ids);
    return page;
  }

  std::vector<std::pair<std::string, std::int64_t>> tag_counts(
      const std::optional<PortalReader>& reader) override {
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

  // Binds `params` as the first parameters of `s`; returns how many.
  static int bind_all(Stmt& s, const std::vector<std::string>& params) {
    int n = 0;
    for (const auto& p : params) s.bind(++n, p);
    return n;
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
  static std::vector<std::string> portal_audiences(const PortalReader& reader) {
    if (reader.admin) return {"admin"};
    if (!reader.signed_in) return {"anyone"};
    std::vector<std::string> audiences{"signed-in"};
    for (const auto& role : reader.roles) audiences.push_back("role:" + role);
    return audiences;
  }

  ScopeBindings api_scope_bindings(std::string_view scope) override {
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
        if (s.integer(0) != 0) out.open = true;
        else out.roles.push_back(s.text(1));
      }
      return out;
    });
  }

  std::optional<domain::Api> find_api_by_name_version(std::string_view name, std::string_view version) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::Api> {
      Stmt s = conn.prepare(q::kApiByNameVersion);
      s.bind(1, name).bind(2, version);
      if (!s.step()) return std::nullopt;
      return api_from_row(s);
    });
  }

  std::vector<domain::Api> list_api_versions(std::string_view name,
                                             std::string_view provider) override {
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

  void update_api(const domain::Api& changes) override {
    db_.write([&](sql::Tx& tx) { return update_api_locked(tx, changes); });
  }

  bool api_exists(std::string_view name, std::string_view context, std::string_view version) override {
    return db_.read([&](sql::Connection& conn) -> bool {
      Stmt s = conn.prepare(q::api_exists_sql(!name.empty(), !context.empty(), !version.empty()));
      int i = 0;
      if (!name.empty()) s.bind(++i, name);
      if (!context.empty()) s.bind(++i, context);
      if (!version.empty()) s.bind(++i, version);
      return s.step();
    });
  }

  domain::Api change_api_provider(std::string_view id, std::string_view provider) override {
    domain::Api api;
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      auto found = get_api_locked(conn, id);
      if (!found || found->is_product())
        throw common::ProblemError(common::Problem::not_found(fmt::format("API '{}' not found", id)));
      Stmt u = conn.prepare("SELECT username FROM users WHERE username = ?");
      u.bind(1, provider);
      if (!u.step())
        throw common::ProblemError(
            common::Problem::bad_request(fmt::format("'provider': there is no user named '{}'", provider)));
      api = std::move(*found);
      api.provider = u.text(0);
      api.last_updated_time = std::max(common::now_millis(), api.last_updated_time);
      return update_api_locked(tx, api);
    });
    return api;
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
        .bind(7, json::serialize(domain::api_to_json(api)))
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

  void import_api(const ApiImport& in) override {
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
            .bind(1, json::serialize(domain::api_to_json(*other)))
            .bind(2, id)
            .run();
        event(id, false);
      }
    }
    if (api.is_default_version != was_default) event(api.id, api.is_default_version);
    return rev;
  }

  bool delete_api(std::string_view id) override {
    return db_.write([&](sql::Tx& tx) -> bool {
      auto& conn = tx.conn();
      {
        Stmt s = conn.prepare(q::kProductsBundling);
        s.bind(1, id);
        std::vector<std::string> products;
        while (s.step()) products.push_back(fmt::format("'{}' {}", s.text(0), s.text(1)));
        if (!products.empty())
          throw common::ProblemError(common::Problem::conflict(
              fmt::format("API '{}' is used by API product{} {}; remove its operations from {} first", id,
                          products.size() > 1 ? "s" : "", fmt::join(products, ", "),
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

  // Documents

  void create_document(const domain::Document& d, const std::optional<domain::StoredFile>& content) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      insert_document_locked(conn, d, content);
      return std::int64_t{0};
    });
  }

  void insert_document_locked(sql::Connection& conn, const domain::Document& d, const std::optional<domain::StoredFile>& content) {
    require_api(conn, d.api_id);
    Stmt s = conn.prepare(
        "INSERT INTO api_documents (id, api_id, name, type, other_type_name, summary, visibility, "
        "source_type, source_url, file_name, media_type, content, created_by, created_time, updated_by, "
        "updated_time) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, d.id).bind(2, d.api_id);
    bind_document(s, 3, d, content);
    s.bind(13, d.created_by).bind(14, d.created_time).bind(15, d.updated_by).bind(16, d.updated_time);
    run_unique(s, fmt::format("The API already has a document named '{}'", d.name));
  }

  std::vector<domain::Document> list_documents(std::string_view api_id) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::Document> {
      Stmt s = conn.prepare(std::string(kDocumentColumns) + " WHERE api_id = ? ORDER BY created_time, id");
      s.bind(1, api_id);
      std::vector<domain::Document> out;
      while (s.step()) out.push_back(document_from(s));
      return out;
    });
  }

  std::optional<domain::Document> get_document(std::string_view api_id, std::string_view id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::Document> {
      Stmt s = conn.prepare(std::string(kDocumentColumns) + " WHERE api_id = ? AND id = ?");
      s.bind(1, api_id).bind(2, id);
      if (!s.step()) return std::nullopt;
      return document_from(s);
    });
  }

  void update_document(const domain::Document& d, const std::optional<domain::StoredFile>& content) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      std::optional<domain::StoredFile> kept = content;
      if (!kept) {
        // Content stays while the source type does; a new source type starts without any.
        Stmt s = conn.prepare(
            "SELECT source_type, file_name, media_type, content FROM api_documents WHERE api_id = ? AND id = ?");
        s.bind(1, d.api_id).bind(2, d.id);
        if (!s.step())
          throw common::ProblemError(common::Problem::not_found(fmt::format("Document '{}' not found", d.id)));
        if (s.text(0) == d.source_type && !s.is_null(3)) kept = domain::StoredFile{s.text(2), s.text(1), s.blob(3)};
      }
      Stmt s = conn.prepare(
          "UPDATE api_documents SET name=?, type=?, other_type_name=?, summary=?, visibility=?, source_type=?, "
          "source_url=?, file_name=?, media_type=?, content=?, updated_by=?, updated_time=? "
          "WHERE api_id = ? AND id = ?");
      bind_document(s, 1, d, kept);
      s.bind(11, d.updated_by).bind(12, d.updated_time).bind(13, d.api_id).bind(14, d.id);
      run_unique(s, fmt::format("The API already has a document named '{}'", d.name));
      if (conn.changes() == 0)
        throw common::ProblemError(common::Problem::not_found(fmt::format("Document '{}' not found", d.id)));
      return std::int64_t{0};
    });
  }

  std::optional<domain::StoredFile> document_content(std::string_view api_id, std::string_view id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::StoredFile> {
      Stmt s = conn.prepare("SELECT media_type, file_name, content FROM api_documents WHERE api_id = ? AND id = ?");
      s.bind(1, api_id).bind(2, id);
      if (!s.step() || s.is_null(2)) return std::nullopt;
      return domain::StoredFile{s.text(0), s.text(1), s.blob(2)};
    });
  }

  bool delete_document(std::string_view api_id, std::string_view id) override {
    return db_.write([&](sql::Tx& tx) -> bool {
      auto& conn = tx.conn();
      conn.prepare("DELETE FROM api_documents WHERE api_id = ? AND id = ?").bind(1, api_id).bind(2, id).run();
      return conn.changes() > 0;
    });
  }

  // Comments and ratings

  static domain::Comment comment_from(const Stmt& s) {
    domain::Comment c;
    c.id = s.text(0);
    c.api_id = s.text(1);
    c.parent_id = s.text(2);
    c.content = s.text(3);
    c.category = s.text(4);
    c.entry_point = s.text(5);
    c.created_by = s.text(6);
    c.created_time = s.integer(7);
    c.updated_time = s.integer(8);
    return c;
  }

  void create_comment(const domain::Comment& c) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      require_api(conn, c.api_id);
      if (!c.parent_id.empty()) {
        Stmt p = conn.prepare(q::kCommentById);
        p.bind(1, c.api_id).bind(2, c.parent_id);
        if (!p.step())
          throw common::ProblemError(common::Problem::not_found(
              fmt::format("Comment '{}' of API '{}' not found", c.parent_id, c.api_id)));
        if (!comment_from(p).parent_id.empty())
          throw common::ProblemError(common::Problem::bad_request(
              fmt::format("'replyTo': comment '{}' is a reply; replies nest one level", c.parent_id)));
      }
      Stmt s = conn.prepare(
          "INSERT INTO api_comments (id, api_id, parent_id, content, category, entry_point, created_by, "
          "created_time, updated_time) VALUES (?,?,?,?,?,?,?,?,?)");
      s.bind(1, c.id).bind(2, c.api_id);
      if (c.parent_id.empty()) s.bind_null(3);
      else s.bind(3, c.parent_id);
      s.bind(4, c.content).bind(5, c.category).bind(6, c.entry_point).bind(7, c.created_by);
      s.bind(8, c.created_time).bind(9, c.updated_time);
      s.run();
      return std::int64_t{0};
    });
  }

  std::optional<domain::Comment> get_comment(std::string_view api_id, std::string_view id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::Comment> {
      Stmt s = conn.prepare(q::kCommentById);
      s.bind(1, api_id).bind(2, id);
      if (!s.step()) return std::nullopt;
      return comment_from(s);
    });
  }

  CommentPage list_comments(std::string_view api_id, std::string_view parent_id, std::int64_t limit,
                            std::int64_t offset) override {
    return db_.read([&](sql::Connection& conn) -> CommentPage {
      CommentPage page;
      const bool replies = !parent_id.empty();
      {
        Stmt s = conn.prepare(replies ? q::kRepliesPage : q::kTopCommentsPage);
        s.bind(1, api_id);
        if (replies) s.bind(2, parent_id);
        const int at = replies ? 3 : 2;
        s.bind(at, limit).bind(at + 1, offset);
        while (s.step()) page.list.push_back(comment_from(s));
      }
      Stmt n = conn.prepare(replies ? q::kRepliesCount : q::kTopCommentsCount);
      n.bind(1, api_id);
      if (replies) n.bind(2, parent_id);
      n.step();
      page.total = n.integer(0);
      return page;
    });
  }

  bool update_comment(const domain::Comment& c) override {
    return db_.write([&](sql::Tx& tx) -> bool {
      auto& conn = tx.conn();
      conn.prepare("UPDATE api_comments SET content = ?, category = ?, updated_time = ? WHERE api_id = ? AND id = ?")
          .bind(1, c.content)
          .bind(2, c.category)
          .bind(3, c.updated_time)
          .bind(4, c.api_id)
          .bind(5, c.id)
          .run();
      return conn.changes() > 0;
    });
  }

  bool delete_comment(std::string_view api_id, std::string_view id) override {
    return db_.write([&](sql::Tx& tx) -> bool {
      auto& conn = tx.conn();
      conn.prepare("DELETE FROM api_comments WHERE api_id = ? AND id = ?").bind(1, api_id).bind(2, id).run();
      return conn.changes() > 0;
    });
  }

  static domain::Rating rating_from(const Stmt& s) {
    domain::Rating r;
    r.id = s.text(0);
    r.api_id = s.text(1);
    r.rated_by = s.text(2);
    r.rating = static_cast<int>(s.integer(3));
    r.created_time = s.integer(4);
    r.updated_time = s.integer(5);
    return r;
  }

  domain::Rating set_rating(const domain::Rating& r) override {
    domain::Rating stored;
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      require_api(conn, r.api_id);
      conn.prepare(
             "INSERT INTO api_ratings (id, api_id, rated_by, rating, created_time, updated_time) VALUES (?,?,?,?,?,?) "
             "ON CONFLICT (api_id, rated_by) DO UPDATE SET rating = excluded.rating, updated_time = excluded.updated_time")
          .bind(1, r.id)
          .bind(2, r.api_id)
          .bind(3, r.rated_by)
          .bind(4, std::int64_t{r.rating})
          .bind(5, r.created_time)
          .bind(6, r.updated_time)
          .run();
      Stmt s = conn.prepare(q::kRatingOf);
      s.bind(1, r.api_id).bind(2, r.rated_by);
      s.step();
      stored = rating_from(s);
      return std::int64_t{0};
    });
    return stored;
  }

  std::optional<domain::Rating> get_rating(std::string_view api_id, std::string_view user) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::Rating> {
      Stmt s = conn.prepare(q::kRatingOf);
      s.bind(1, api_id).bind(2, user);
      if (!s.step()) return std::nullopt;
      return rating_from(s);
    });
  }

  bool delete_rating(std::string_view api_id, std::string_view user) override {
    return db_.write([&](sql::Tx& tx) -> bool {
      auto& conn = tx.conn();
      conn.prepare("DELETE FROM api_ratings WHERE api_id = ? AND rated_by = ?").bind(1, api_id).bind(2, user).run();
      return conn.changes() > 0;
    });
  }

  RatingPage list_ratings(std::string_view api_id, std::int64_t limit, std::int64_t offset) override {
    return db_.read([&](sql::Connection& conn) -> RatingPage {
      RatingPage page;
      {
        Stmt s = conn.prepare(q::kRatingsPage);
        s.bind(1, api_id).bind(2, limit).bind(3, offset);
        while (s.step()) page.list.push_back(rating_from(s));
      }
      Stmt n = conn.prepare(q::kRatingTotals);
      n.bind(1, api_id);
      n.step();
      page.total = n.integer(0);
      page.sum = n.integer(1);
      return page;
    });
  }

  std::vector<std::pair<std::string, RatingTotals>> rating_totals(const std::vector<std::string>& api_ids) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<std::pair<std::string, RatingTotals>> {
      std::vector<std::pair<std::string, RatingTotals>> out;
      for (const auto& id : api_ids) {
        Stmt s = conn.prepare(q::kRatingTotals);
        s.bind(1, id);
        if (s.step() && s.integer(0) > 0) out.emplace_back(id, RatingTotals{s.integer(0), s.integer(1)});
      }
      return out;
    });
  }

  // Thumbnails

  void set_thumbnail(std::string_view api_id, const domain::StoredFile& image) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      set_thumbnail_locked(conn, api_id, image);
      return std::int64_t{0};
    });
  }

  void set_thumbnail_locked(sql::Connection& conn, std::string_view api_id, const domain::StoredFile& image) {
    require_api(conn, api_id);
    conn.prepare(
           "INSERT INTO api_thumbnails (api_id, media_type, data, updated_time) VALUES (?,?,?,?) "
           "ON CONFLICT(api_id) DO UPDATE SET media_type = excluded.media_type, data = excluded.data, "
           "updated_time = excluded.updated_time")
        .bind(1, api_id)
        .bind(2, image.media_type)
        .bind_blob(3, image.data)
        .bind(4, common::now_millis())
        .run();
    conn.prepare("UPDATE apis SET definition = json_set(definition, '$.hasThumbnail', json('true')) WHERE id = ?")
        .bind(1, api_id)
        .run();
  }

  std::optional<domain::StoredFile> thumbnail(std::string_view api_id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::StoredFile> {
      Stmt s = conn.prepare("SELECT media_type, data FROM api_thumbnails WHERE api_id = ?");
      s.bind(1, api_id);
      if (!s.step()) return std::nullopt;
      return domain::StoredFile{s.text(0), "", s.blob(1)};
    });
  }

  // Shared scopes

  void create_shared_scope(const domain::SharedScope& sc) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      // A local scope of an API may not take the name (the token endpoint must know whose bindings count).
      if (!apis_declaring_scope_locked(conn, sc.name).empty())
        throw common::ProblemError(common::Problem::conflict(
            fmt::format("Scope '{}' is already defined by an API; a shared scope needs a name of its own", sc.name)));
      run_unique(conn.prepare("INSERT INTO shared_scopes (id, name, display_name, description, bindings, created_time) "
                             "VALUES (?,?,?,?,?,?)")
                     .bind(1, sc.id)
                     .bind(2, sc.name)
                     .bind(3, sc.display_name)
                     .bind(4, sc.description)
                     .bind(5, bindings_text(sc.bindings))
                     .bind(6, common::now_millis()),
                 fmt::format("A shared scope named '{}' already exists", sc.name));
    });
  }

  std::vector<domain::SharedScope> list_shared_scopes(std::int64_t offset, std::int64_t limit) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::SharedScope> {
      Stmt s = conn.prepare(std::string(kSharedScopeColumns) + " ORDER BY created_time, id LIMIT ? OFFSET ?");
      s.bind(1, limit).bind(2, offset);
      std::vector<domain::SharedScope> out;
      while (s.step()) out.push_back(shared_scope_from_row(s));
      for (auto& sc : out) sc.usage_count = static_cast<std::int64_t>(apis_declaring_scope_locked(conn, sc.name).size());
      return out;
    });
  }

  std::int64_t count_shared_scopes() override {
    return db_.read([&](sql::Connection& conn) -> std::int64_t {
      Stmt s = conn.prepare("SELECT COUNT(*) FROM shared_scopes");
      s.step();
      return s.integer(0);
    });
  }

  std::optional<domain::SharedScope> get_shared_scope(std::string_view id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::SharedScope> {
      return shared_scope_where(conn, "id", id);
    });
  }

  std::optional<domain::SharedScope> find_shared_scope(std::string_view name) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::SharedScope> {
      return shared_scope_where(conn, "name", name);
    });
  }

  void update_shared_scope(const domain::SharedScope& sc) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      Stmt s = conn.prepare("UPDATE shared_scopes SET display_name = ?, description = ?, bindings = ? WHERE id = ?");
      s.bind(1, sc.display_name).bind(2, sc.description).bind(3, bindings_text(sc.bindings)).bind(4, sc.id);
      s.run();
      if (conn.changes() == 0)
        throw common::ProblemError(common::Problem::not_found(fmt::format("Shared scope '{}' not found", sc.id)));
    });
  }

  bool delete_shared_scope(std::string_view id) override {
    return db_.write([&](sql::Tx& tx) -> bool {
      auto& conn = tx.conn();
      auto sc = shared_scope_where(conn, "id", id);
      if (!sc) return false;
      if (sc->usage_count > 0)
        throw common::ProblemError(common::Problem::conflict(fmt::format(
            "Shared scope '{}' is used by {} API(s); remove it from them first", sc->name, sc->usage_count)));
      conn.prepare("DELETE FROM shared_scopes WHERE id = ?").bind(1, id).run();
      return true;
    });
  }

  std::vector<std::string> apis_declaring_scope(std::string_view name) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<std::string> {
      return apis_declaring_scope_locked(conn, name);
    });
  }

  RoleMap system_scope_roles() override {
    return db_.read([&](sql::Connection& conn) -> RoleMap {
      return role_map(conn, "SELECT scope, role FROM system_scope_roles ORDER BY scope, role");
    });
  }

  void set_system_scope_roles(const RoleMap& scopes) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      for (const auto& [scope, roles] : scopes) {
        conn.prepare("DELETE FROM system_scope_roles WHERE scope = ?").bind(1, scope).run();
        for (const auto& role : roles)
          conn.prepare("INSERT OR IGNORE INTO system_scope_roles (scope, role) VALUES (?, ?)").bind(1, scope).bind(2, role).run();
      }
    });
  }

  RoleMap role_aliases() override {
    return db_.read([&](sql::Connection& conn) -> RoleMap {
      return role_map(conn, "SELECT role, alias FROM role_aliases ORDER BY role, alias");
    });
  }

  void set_role_aliases(const RoleMap& aliases) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      conn.prepare("DELETE FROM role_aliases").run();
      for (const auto& [role, names] : aliases)
        for (const auto& alias : names)
          conn.prepare("INSERT OR IGNORE INTO role_aliases (role, alias) VALUES (?, ?)").bind(1, role).bind(2, alias).run();
    });
  }

  // Categories

  void create_category(const domain::ApiCategory& c) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      run_unique(conn.prepare("INSERT INTO api_categories (id, name, description, created_time) VALUES (?,?,?,?)")
                     .bind(1, c.id)
                     .bind(2, c.name)
                     .bind(3, c.description)
                     .bind(4, c.created_time),
                 fmt::format("An API category named '{}' already exists", c.name));
    });
  }

  std::vector<domain::ApiCategory> list_categories() override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::ApiCategory> {
      Stmt s = conn.prepare(std::string(q::kCategoryColumns) + " ORDER BY c.name COLLATE NOCASE");
      std::vector<domain::ApiCategory> out;
      while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.integer(3), s.integer(4)});
      return out;
    });
  }

  std::optional<domain::ApiCategory> get_category(std::string_view id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::ApiCategory> {
      return get_category_locked(conn, id);
    });
  }

  void update_category(const domain::ApiCategory& c) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      auto old = get_category_locked(conn, c.id);
      if (!old)
        throw common::ProblemError(common::Problem::not_found(fmt::format("API category '{}' not found", c.id)));
      run_unique(conn.prepare("UPDATE api_categories SET name = ?, description = ? WHERE id = ?")
                     .bind(1, c.name)
                     .bind(2, c.description)
                     .bind(3, c.id),
                 fmt::format("An API category named '{}' already exists", c.name));
      if (old->name == c.name) return std::int64_t{0};
      // The APIs name their categories: carry the new name into each working copy.
      for (const auto& api_id : apis_in_category(conn, old->name)) {
        auto api = get_api_locked(conn, api_id);
        if (!api) continue;
        for (auto& name : api->categories)
          if (name == old->name) name = c.name;
        conn.prepare("UPDATE apis SET search_text = ?, definition = ? WHERE id = ?")
            .bind(1, search_text(*api))
            .bind(2, json::serialize(domain::api_to_json(*api)))
            .bind(3, api_id)
            .run();
        record_category_refs(conn, *api);
        record_search(conn, *api);
      }
      return std::int64_t{0};
    });
  }

  bool delete_category(std::string_view id) override {
    return db_.write([&](sql::Tx& tx) -> bool {
      auto& conn = tx.conn();
      auto c = get_category_locked(conn, id);
      if (!c) return false;
      if (c->api_count > 0)
        throw common::ProblemError(common::Problem::conflict(fmt::format(
            "API category '{}' is used by {} API(s); remove it from them first", c->name, c->api_count)));
      conn.prepare("DELETE FROM api_categories WHERE id = ?").bind(1, id).run();
      return true;
    });
  }

  domain::Revision create_revision(const domain::Api& snapshot,
                                   std::string_view description) override {
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
          .bind(5, json::serialize(domain::api_to_json(snapshot)))
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

  std::vector<domain::Revision> list_revisions(std::string_view api_id) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::Revision> {
      Stmt s = conn.prepare(q::kRevisionsOfApi);
      s.bind(1, api_id);
      std::vector<domain::Revision> out;
      while (s.step()) out.push_back(revision_from(s));
      for (auto& r : out) load_revision_definition(conn, r);
      return out;
    });
  }

  std::optional<domain::Revision> get_revision(std::string_view api_id,
                                               std::string_view revision_id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::Revision> {
      return get_revision_locked(conn, api_id, revision_id);
    });
  }

  bool delete_revision(std::string_view api_id, std::string_view revision_id) override {
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

  std::optional<domain::Revision> find_revision(std::string_view revision_id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::Revision> {
      Stmt s = conn.prepare(q::kRevisionById);
      s.bind(1, revision_id);
      if (!s.step()) return std::nullopt;
      domain::Revision r = revision_from(s);
      load_revision_definition(conn, r);
      return r;
    });
  }

  std::vector<domain::Deployment> deploy_revision(
      std::string_view api_id, std::string_view revision_id,
      const std::vector<domain::Deployment>& targets) override {
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

  int undeploy_revision(std::string_view api_id, std::string_view revision_id,
                        const std::vector<std::string>& environments) override {
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

  void change_lifecycle(const std::vector<domain::LifecycleHistoryEntry>& changes,
                        const std::vector<domain::Subscription>& carried) override {
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
            .bind(2, json::serialize(domain::api_to_json(*api)))
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

  std::vector<domain::LifecycleHistoryEntry> lifecycle_history(std::string_view api_id) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::LifecycleHistoryEntry> {
      Stmt s = conn.prepare(
          "SELECT api_id, previous_state, post_state, username, updated_time "
          "FROM api_lifecycle_history WHERE api_id = ? ORDER BY id");
      s.bind(1, api_id);
      std::vector<domain::LifecycleHistoryEntry> out;
      while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4)});
      return out;
    });
  }

  std::vector<domain::Deployment> list_deployments(std::string_view api_id) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::Deployment> {
      Stmt s = conn.prepare(q::kDeploymentsOfApi);
      s.bind(1, api_id);
      std::vector<domain::Deployment> out;
      while (s.step())
        out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4) != 0, s.integer(5)});
      return out;
    });
  }

  DeployedState deployed_state(std::string_view environment) override {
    return db_.read([&](sql::Connection& conn) {
      DeployedState st;
      Stmt s = conn.prepare(
          "SELECT d.api_id, d.revision_id, r.definition, a.lifecycle_status, a.is_default, rd.definition "
          "FROM api_deployments d "
          "JOIN api_revisions r ON r.id = d.revision_id JOIN apis a ON a.id = d.api_id "
          "LEFT JOIN api_revision_definitions rd ON rd.revision_id = d.revision_id "
          "WHERE d.environment = ? ORDER BY d.api_id");
      s.bind(1, environment);
      while (s.step()) {
        st.apis.push_back({s.text(0), s.text(1), api_from_definition(s.text(2))});
        st.apis.back().api.lifecycle_status = s.text(3);  // the API's state, not the revision's
        st.apis.back().api.is_default_version = s.integer(4) != 0;  // likewise its default flag
        // Schema validation compiles the revision's OpenAPI definition into the gateway's snapshot.
        if (st.apis.back().api.enable_schema_validation) st.apis.back().api.openapi_definition = s.text(5);
      }
      Stmt m = conn.prepare("SELECT COALESCE(MAX(revision), 0) FROM change_log");
      m.step();
      st.revision = m.integer(0);
      return st;
    });
  }

  std::optional<domain::Deployment> update_deployment(std::string_view api_id, std::string_view environment,
                                                      bool display_on_devportal) override {
    return db_.write([&](sql::Tx& tx) -> std::optional<domain::Deployment> {
      auto& conn = tx.conn();
      conn.prepare("UPDATE api_deployments SET display_on_devportal = ? WHERE api_id = ? AND environment = ?")
          .bind(1, std::int64_t{display_on_devportal})
          .bind(2, api_id)
          .bind(3, environment)
          .run();
      if (conn.changes() == 0) return std::nullopt;
      return deployment_locked(conn, api_id, environment);
    });
  }

  void create_environment(const domain::Environment& env) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      Stmt s = conn.prepare("INSERT INTO gateway_environments (id, name, definition, created_time) VALUES (?,?,?,?)");
      s.bind(1, env.id).bind(2, env.name).bind(3, environment_to_text(env)).bind(4, env.created_time);
      run_unique(s, fmt::format("A gateway environment named '{}' already exists", env.name));
      return tx.append_change("environment.changed", env.id, "{}");
    });
  }

  std::vector<domain::Environment> list_environments() override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::Environment> {
      Stmt s = conn.prepare(
          "SELECT id, name, definition, created_time FROM gateway_environments ORDER BY created_time, id");
      std::vector<domain::Environment> out;
      while (s.step()) out.push_back(environment_from(s));
      return out;
    });
  }

  std::optional<domain::Environment> get_environment(std::string_view id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::Environment> {
      return environment_where(conn, "id", id);
    });
  }

  std::optional<domain::Environment> find_environment(std::string_view name) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::Environment> {
      return environment_where(conn, "name", name);
    });
  }

  void update_environment(const domain::Environment& env) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      conn.prepare("UPDATE gateway_environments SET definition = ? WHERE id = ? AND name = ?")
          .bind(1, environment_to_text(env))
          .bind(2, env.id)
          .bind(3, env.name)
          .run();
      if (conn.changes() == 0)
        throw common::ProblemError(
            common::Problem::not_found(fmt::format("Gateway environment '{}' not found", env.id)));
      return tx.append_change("environment.changed", env.id, "{}");
    });
  }

  bool delete_environment(std::string_view id) override {
    bool found = false;
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      Stmt s = conn.prepare("SELECT name FROM gateway_environments WHERE id = ?");
      s.bind(1, id);
      if (!s.step()) return 0;
      found = true;
      const std::string name = s.text(0);
      Stmt d = conn.prepare("SELECT COUNT(*) FROM api_deployments WHERE environment = ?");
      d.bind(1, name);
      d.step();
      if (d.integer(0) > 0)
        throw common::ProblemError(common::Problem::conflict(fmt::format(
            "Gateway environment '{}' cannot be deleted: {} API revision(s) are deployed to it; undeploy them first",
            name, d.integer(0))));
      conn.prepare("DELETE FROM gateway_environments WHERE id = ?").bind(1, id).run();
      conn.prepare("DELETE FROM api_environment_properties WHERE environment = ?").bind(1, name).run();
      conn.prepare("DELETE FROM gateway_instances WHERE environment = ?").bind(1, name).run();
      return tx.append_change("environment.changed", id, "{}");
    });
    return found;
  }

  void record_gateway_heartbeat(const domain::GatewayInstance& g) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      conn.prepare(
             "INSERT INTO gateway_instances (gateway_id, environment, last_active) VALUES (?,?,?) "
             "ON CONFLICT(gateway_id) DO UPDATE SET environment = excluded.environment, "
             "last_active = excluded.last_active")
          .bind(1, g.gateway_id)
          .bind(2, g.environment)
          .bind(3, g.last_active)
          .run();
      // Nodes gone for a day are forgotten.
      conn.prepare("DELETE FROM gateway_instances WHERE last_active < ?").bind(1, g.last_active - 86'400'000).run();
    });
  }

  std::vector<domain::GatewayInstance> list_gateway_instances(std::string_view environment) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::GatewayInstance> {
      Stmt s = conn.prepare(
          "SELECT gateway_id, environment, last_active FROM gateway_instances WHERE environment = ? "
          "ORDER BY gateway_id");
      s.bind(1, environment);
      std::vector<domain::GatewayInstance> out;
      while (s.step()) out.push_back({s.text(0), s.text(1), s.integer(2)});
      return out;
    });
  }

  domain::EnvironmentProperties environment_properties(std::string_view api_id,
                                                       std::string_view environment) override {
    return db_.read([&](sql::Connection& conn) -> domain::EnvironmentProperties {
      Stmt s = conn.prepare("SELECT properties FROM api_environment_properties WHERE api_id = ? AND environment = ?");
      s.bind(1, api_id).bind(2, environment);
      return s.step() ? properties_from_text(s.text(0)) : domain::EnvironmentProperties{};
    });
  }

  std::map<std::string, domain::EnvironmentProperties> environment_properties_of(
      std::string_view environment) override {
    return db_.read([&](sql::Connection& conn) -> std::map<std::string, domain::EnvironmentProperties> {
      Stmt s = conn.prepare("SELECT api_id, properties FROM api_environment_properties WHERE environment = ?");
      s.bind(1, environment);
      std::map<std::string, domain::EnvironmentProperties> out;
      while (s.step()) out[s.text(0)] = properties_from_text(s.text(1));
      return out;
    });
  }

  void set_environment_properties(std::string_view api_id, std::string_view environment,
                                  const domain::EnvironmentProperties& properties) override {
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      if (!get_api_locked(conn, api_id))
        throw common::ProblemError(common::Problem::not_found(fmt::format("API '{}' not found", api_id)));
      if (properties.empty()) {
        conn.prepare("DELETE FROM api_environment_properties WHERE api_id = ? AND environment = ?")
            .bind(1, api_id)
            .bind(2, environment)
            .run();
      } else {
        json::object o;
        for (const auto& [k, v] : properties) o[k] = v;
        conn.prepare(
               "INSERT INTO api_environment_properties (api_id, environment, properties) VALUES (?,?,?) "
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

  void create_label(const domain::Label& label) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      Stmt s = conn.prepare("INSERT INTO labels (id, name, description) VALUES (?,?,?)");
      s.bind(1, label.id).bind(2, label.name).bind(3, label.description);
      run_unique(s, fmt::format("Label with name '{}' already exists", label.name));
    });
  }

  void add_endpoint_certificate(const domain::EndpointCertificate& c) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      Stmt s = conn.prepare("INSERT INTO endpoint_certificates (alias, endpoint, certificate, created_time) VALUES (?,?,?,?)");
      s.bind(1, c.alias).bind(2, c.endpoint).bind(3, c.pem).bind(4, c.created_time);
      run_unique(s, fmt::format("A certificate with alias '{}' already exists", c.alias));
      return tx.append_change("certificate.changed", c.alias, "{}");
    });
  }

  std::vector<domain::EndpointCertificate> list_endpoint_certificates() override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::EndpointCertificate> {
      Stmt s = conn.prepare(std::string(kEndpointCertColumns) + " ORDER BY alias");
      std::vector<domain::EndpointCertificate> out;
      while (s.step()) out.push_back(endpoint_cert_from(s));
      return out;
    });
  }

  std::optional<domain::EndpointCertificate> get_endpoint_certificate(std::string_view alias) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::EndpointCertificate> {
      Stmt s = conn.prepare(std::string(kEndpointCertColumns) + " WHERE alias = ?");
      s.bind(1, alias);
      if (!s.step()) return std::nullopt;
      return endpoint_cert_from(s);
    });
  }

  bool update_endpoint_certificate(std::string_view alias, std::string_view pem) override {
    bool found = false;
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      conn.prepare("UPDATE endpoint_certificates SET certificate = ? WHERE alias = ?").bind(1, pem).bind(2, alias).run();
      if (!(found = conn.changes() > 0)) return 0;
      return tx.append_change("certificate.changed", alias, "{}");
    });
    return found;
  }

  bool delete_endpoint_certificate(std::string_view alias) override {
    bool found = false;
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      conn.prepare("DELETE FROM endpoint_certificates WHERE alias = ?").bind(1, alias).run();
      if (!(found = conn.changes() > 0)) return 0;
      return tx.append_change("certificate.changed", alias, "{}");
    });
    return found;
  }

  void add_client_certificate(const domain::ClientCertificate& c) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      Stmt s = conn.prepare(
          "INSERT INTO api_client_certificates (api_id, key_type, alias, tier, certificate, created_time) "
          "VALUES (?,?,?,?,?,?)");
      s.bind(1, c.api_id).bind(2, c.key_type).bind(3, c.alias).bind(4, c.tier).bind(5, c.pem).bind(6, c.created_time);
      run_unique(s, fmt::format("A client certificate with alias '{}' already exists for this API's {} keys", c.alias,
                                c.key_type));
      return tx.append_change("certificate.changed", c.api_id, "{}");
    });
  }

  std::vector<domain::ClientCertificate> list_client_certificates(std::string_view api_id,
                                                                  std::string_view key_type) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::ClientCertificate> {
      Stmt s = conn.prepare(std::string(kClientCertColumns) +
                           " WHERE api_id = ? AND (? = '' OR key_type = ?) ORDER BY created_time, alias");
      s.bind(1, api_id).bind(2, key_type).bind(3, key_type);
      std::vector<domain::ClientCertificate> out;
      while (s.step()) out.push_back(client_cert_from(s));
      return out;
    });
  }

  std::optional<domain::ClientCertificate> get_client_certificate(std::string_view api_id, std::string_view key_type,
                                                                  std::string_view alias) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::ClientCertificate> {
      Stmt s = conn.prepare(std::string(kClientCertColumns) + " WHERE api_id = ? AND key_type = ? AND alias = ?");
      s.bind(1, api_id).bind(2, key_type).bind(3, alias);
      if (!s.step()) return std::nullopt;
      return client_cert_from(s);
    });
  }

  bool update_client_certificate(const domain::ClientCertificate& c) override {
    bool found = false;
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      conn.prepare(
             "UPDATE api_client_certificates SET certificate = CASE WHEN ? = '' THEN certificate ELSE ? END, "
             "tier = CASE WHEN ? = '' THEN tier ELSE ? END WHERE api_id = ? AND key_type = ? AND alias = ?")
          .bind(1, c.pem)
          .bind(2, c.pem)
          .bind(3, c.tier)
          .bind(4, c.tier)
          .bind(5, c.api_id)
          .bind(6, c.key_type)
          .bind(7, c.alias)
          .run();
      if (!(found = conn.changes() > 0)) return 0;
      return tx.append_change("certificate.changed", c.api_id, "{}");
    });
    return found;
  }

  bool delete_client_certificate(std::string_view api_id, std::string_view key_type, std::string_view alias) override {
    bool found = false;
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      conn.prepare("DELETE FROM api_client_certificates WHERE api_id = ? AND key_type = ? AND alias = ?")
          .bind(1, api_id)
          .bind(2, key_type)
          .bind(3, alias)
          .run();
      if (!(found = conn.changes() > 0)) return 0;
      return tx.append_change("certificate.changed", api_id, "{}");
    });
    return found;
  }

  std::vector<domain::Label> list_labels() override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::Label> {
      Stmt s = conn.prepare("SELECT id, name, description FROM labels ORDER BY name COLLATE NOCASE, id");
      std::vector<domain::Label> out;
      while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2)});
      return out;
    });
  }

  std::optional<domain::Label> get_label(std::string_view id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::Label> {
      Stmt s = conn.prepare("SELECT id, name, description FROM labels WHERE id = ?");
      s.bind(1, id);
      if (!s.step()) return std::nullopt;
      return domain::Label{s.text(0), s.text(1), s.text(2)};
    });
  }

  void update_label(const domain::Label& label) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      Stmt s = conn.prepare("UPDATE labels SET name = ?, description = ? WHERE id = ?");
      s.bind(1, label.name).bind(2, label.description).bind(3, label.id);
      run_unique(s, fmt::format("Label with name '{}' already exists", label.name));
      if (conn.changes() == 0)
        throw common::ProblemError(common::Problem::not_found(fmt::format("Label '{}' not found", label.id)));
    });
  }

  bool delete_label(std::string_view id) override {
    return db_.write([&](sql::Tx& tx) -> bool {
      auto& conn = tx.conn();
      Stmt u = conn.prepare("SELECT COUNT(*) FROM api_labels WHERE label_id = ?");
      u.bind(1, id);
      u.step();
      if (u.integer(0) > 0)
        throw common::ProblemError(common::Problem::conflict(fmt::format(
            "The label cannot be deleted: it is attached to {} API(s); detach it first (see its usage)",
            u.integer(0))));
      conn.prepare("DELETE FROM labels WHERE id = ?").bind(1, id).run();
      const bool found = conn.changes() > 0;
      return found;
    });
  }

  std::vector<std::string> label_usage(std::string_view label_id) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<std::string> {
      Stmt s = conn.prepare(
          "SELECT l.api_id FROM api_labels l JOIN apis a ON a.id = l.api_id WHERE l.label_id = ? "
          "ORDER BY a.created_time, a.id");
      s.bind(1, label_id);
      std::vector<std::string> out;
      while (s.step()) out.push_back(s.text(0));
      return out;
    });
  }

  std::vector<domain::Label> api_labels(std::string_view api_id) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::Label> {
      return api_labels_locked(conn, api_id);
    });
  }

  std::vector<std::string> gateway_labels_locked(sql::Connection& conn, std::string_view mapping_id) {
    Stmt s = conn.prepare("SELECT environment FROM gateway_policy_deployments WHERE mapping_id = ? ORDER BY environment");
    s.bind(1, mapping_id);
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
  }

  domain::GatewayPolicyMapping gateway_mapping_from(sql::Connection& conn, const Stmt& s) {
    domain::GatewayPolicyMapping m;
    m.id = s.text(0);
    m.display_name = s.text(1);
    m.description = s.text(2);
    m.flows = domain::policy_flows_from_json(json::parse(s.text(3)), "policyMapping");
    m.labels = gateway_labels_locked(conn, m.id);
    return m;
  }

  std::vector<domain::Label> change_api_labels(std::string_view api_id, const std::vector<std::string>& label_ids,
                                               bool attach) override {
    return db_.write([&](sql::Tx& tx) -> std::vector<domain::Label> {
      auto& conn = tx.conn();
      if (!get_api_locked(conn, api_id))
        throw common::ProblemError(common::Problem::not_found(fmt::format("API '{}' not found", api_id)));
      for (std::size_t i = 0; i < label_ids.size(); ++i) {
        Stmt s = conn.prepare("SELECT 1 FROM labels WHERE id = ?");
        s.bind(1, label_ids[i]);
        if (!s.step())
          throw common::ProblemError(common::Problem::bad_request(
              fmt::format("'labels[{}]': no label with id '{}' (see the Admin API's /labels)", i, label_ids[i])));
        conn.prepare(attach ? "INSERT OR IGNORE INTO api_labels (api_id, label_id) VALUES (?,?)"
                           : "DELETE FROM api_labels WHERE api_id = ? AND label_id = ?")
            .bind(1, api_id)
            .bind(2, label_ids[i])
            .run();
      }
      auto out = api_labels_locked(conn, api_id);
      return out;
    });
  }

  void create_operation_policy(const domain::OperationPolicy& p) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      Stmt s = conn.prepare(
          "INSERT INTO operation_policies (id, api_id, name, version, record, created_time) VALUES (?,?,?,?,?,?)");
      s.bind(1, p.id).bind(2, p.api_id).bind(3, p.spec.name).bind(4, p.version);
      s.bind(5, json::serialize(domain::operation_policy_record(p))).bind(6, p.created_time);
      run_unique(s, fmt::format("{} policy '{}' {} already exists", p.api_id.empty() ? "A common" : "The API's",
                                p.spec.name, p.version));
    });
  }

  std::vector<domain::OperationPolicy> list_operation_policies(std::string_view api_id) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::OperationPolicy> {
      Stmt s = conn.prepare("SELECT record FROM operation_policies WHERE api_id = ? ORDER BY name, version");
      s.bind(1, api_id);
      std::vector<domain::OperationPolicy> out;
      while (s.step()) out.push_back(operation_policy_from(s.text(0)));
      return out;
    });
  }

  std::optional<domain::OperationPolicy> get_operation_policy(std::string_view id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::OperationPolicy> {
      Stmt s = conn.prepare("SELECT record FROM operation_policies WHERE id = ?");
      s.bind(1, id);
      if (!s.step()) return std::nullopt;
      return operation_policy_from(s.text(0));
    });
  }

  bool delete_operation_policy(std::string_view id) override {
    return db_.write([&](sql::Tx& tx) -> bool {
      auto& conn = tx.conn();
      Stmt s = conn.prepare("SELECT api_id, name, version FROM operation_policies WHERE id = ?");
      s.bind(1, id);
      if (!s.step()) return false;
      const std::string api_id = s.text(0), name = s.text(1), version = s.text(2);
      // A scan of the definitions that name the policy at all (a deletion is rare), then an exact check.
      const std::string like = "%\"policyName\":\"" + name + "\"%";
      std::vector<std::string> users;
      auto scan = [&](const char* sql, bool with_api) {
        Stmt q = conn.prepare(sql);
        q.bind(1, like);
        if (with_api) q.bind(2, api_id);
        while (q.step())
          if (names_policy(q.text(1), name, version)) users.push_back(q.text(0));
      };
      if (api_id.empty()) {
        scan("SELECT name || ' ' || version, definition FROM apis WHERE definition LIKE ?", false);
        scan("SELECT a.name || ' ' || a.version || ' (revision ' || r.number || ')', r.definition FROM api_revisions r "
             "JOIN apis a ON a.id = r.api_id WHERE r.definition LIKE ?",
             false);
        scan("SELECT 'gateway policy mapping ' || display_name, flows FROM gateway_policy_mappings WHERE flows LIKE ?",
             false);
      } else {
        scan("SELECT name || ' ' || version, definition FROM apis WHERE definition LIKE ? AND id = ?", true);
        scan("SELECT a.name || ' ' || a.version || ' (revision ' || r.number || ')', r.definition FROM api_revisions r "
             "JOIN apis a ON a.id = r.api_id WHERE r.definition LIKE ? AND r.api_id = ?",
             true);
      }
      if (!users.empty())
        throw common::ProblemError(common::Problem::conflict(
            fmt::format("Operation policy '{}' {} cannot be deleted: it is used by {}", name, version,
                        fmt::join(users, ", "))));
      conn.prepare("DELETE FROM operation_policies WHERE id = ?").bind(1, id).run();
      return true;
    });
  }

  void copy_operation_policies(std::string_view from_api_id, std::string_view to_api_id) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      Stmt s = conn.prepare("SELECT record FROM operation_policies WHERE api_id = ?");
      s.bind(1, from_api_id);
      std::vector<domain::OperationPolicy> copies;
      while (s.step()) copies.push_back(operation_policy_from(s.text(0)));
      for (auto& p : copies) {
        p.id = common::new_uuid();
        p.api_id = std::string(to_api_id);
        conn.prepare("INSERT OR IGNORE INTO operation_policies (id, api_id, name, version, record, created_time) "
                    "VALUES (?,?,?,?,?,?)")
            .bind(1, p.id)
            .bind(2, p.api_id)
            .bind(3, p.spec.name)
            .bind(4, p.version)
            .bind(5, json::serialize(domain::operation_policy_record(p)))
            .bind(6, p.created_time)
            .run();
      }
    });
  }

  void create_gateway_policy_mapping(const domain::GatewayPolicyMapping& m) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      conn.prepare("INSERT INTO gateway_policy_mappings (id, display_name, description, flows, created_time) "
                  "VALUES (?,?,?,?,?)")
          .bind(1, m.id)
          .bind(2, m.display_name)
          .bind(3, m.description)
          .bind(4, json::serialize(domain::policy_flows_to_json(m.flows)))
          .bind(5, common::now_millis())
          .run();
    });
  }

  std::vector<domain::GatewayPolicyMapping> list_gateway_policy_mappings() override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::GatewayPolicyMapping> {
      Stmt s = conn.prepare(
          "SELECT id, display_name, description, flows FROM gateway_policy_mappings ORDER BY created_time, id");
      std::vector<domain::GatewayPolicyMapping> out;
      while (s.step()) out.push_back(gateway_mapping_from(conn, s));
      return out;
    });
  }

  std::optional<domain::GatewayPolicyMapping> get_gateway_policy_mapping(std::string_view id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::GatewayPolicyMapping> {
      Stmt s = conn.prepare("SELECT id, display_name, description, flows FROM gateway_policy_mappings WHERE id = ?");
      s.bind(1, id);
      if (!s.step()) return std::nullopt;
      return gateway_mapping_from(conn, s);
    });
  }

  bool update_gateway_policy_mapping(const domain::GatewayPolicyMapping& m) override {
    bool found = false;
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      conn.prepare("UPDATE gateway_policy_mappings SET display_name = ?, description = ?, flows = ? WHERE id = ?")
          .bind(1, m.display_name)
          .bind(2, m.description)
          .bind(3, json::serialize(domain::policy_flows_to_json(m.flows)))
          .bind(4, m.id)
          .run();
      found = conn.changes() > 0;
      return found && !gateway_labels_locked(conn, m.id).empty() ? tx.append_change("gateway_policy.changed", m.id, "{}") : 0;
    });
    return found;
  }

  bool delete_gateway_policy_mapping(std::string_view id) override {
    return db_.write([&](sql::Tx& tx) -> bool {
      auto& conn = tx.conn();
      const auto labels = gateway_labels_locked(conn, id);
      if (!labels.empty()) {
        common::Problem p = common::Problem::conflict(
            fmt::format("The gateway policy mapping is deployed to {}; undeploy it first", fmt::join(labels, ", ")));
        p.status = p.code = 412;  // as the product lists for this call
        p.message = "Precondition Failed";
        throw common::ProblemError(std::move(p));
      }
      conn.prepare("DELETE FROM gateway_policy_mappings WHERE id = ?").bind(1, id).run();
      const bool found = conn.changes() > 0;
      return found;
    });
  }

  void deploy_gateway_policy_mapping(std::string_view id, const std::vector<std::string>& deploy,
                                     const std::vector<std::string>& undeploy) override {
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      for (const auto& env : deploy) {
        Stmt s = conn.prepare("SELECT mapping_id FROM gateway_policy_deployments WHERE environment = ?");
        s.bind(1, env);
        if (s.step() && s.text(0) != id)
          throw common::ProblemError(common::Problem::conflict(fmt::format(
              "Gateway '{}' already has gateway policy mapping '{}' deployed; undeploy it first", env, s.text(0))));
        conn.prepare("INSERT OR IGNORE INTO gateway_policy_deployments (environment, mapping_id) VALUES (?,?)")
            .bind(1, env)
            .bind(2, id)
            .run();
      }
      for (const auto& env : undeploy)
        conn.prepare("DELETE FROM gateway_policy_deployments WHERE environment = ? AND mapping_id = ?")
            .bind(1, env)
            .bind(2, id)
            .run();
      return tx.append_change("gateway_policy.changed", id, "{}");
    });
  }

  domain::PolicyFlows gateway_policies_of(std::string_view environment) override {
    return db_.read([&](sql::Connection& conn) -> domain::PolicyFlows {
      Stmt s = conn.prepare(
          "SELECT m.flows FROM gateway_policy_deployments d JOIN gateway_policy_mappings m ON m.id = d.mapping_id "
          "WHERE d.environment = ?");
      s.bind(1, environment);
      if (!s.step()) return {};
      return domain::policy_flows_from_json(json::parse(s.text(0)), "gatewayPolicies");
    });
  }


  void create_application(const domain::Application& a) override {
    db_.write([&](sql::Tx& tx) { return insert_application(tx, a); });
  }

  void create_application(const domain::Application& a, const domain::Workflow& approval) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      const std::int64_t rev = insert_application(tx, a);
      insert_workflow(conn, approval);
      return rev;
    });
  }

  void set_application_status(std::string_view id, std::string_view status) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      conn.prepare("UPDATE applications SET status = ? WHERE id = ?").bind(1, status).bind(2, id).run();
      if (conn.changes() == 0)
        throw common::ProblemError(common::Problem::not_found(fmt::format("Application '{}' not found", id)));
      return tx.append_change("application.changed", id, "{}");
    });
  }

  std::optional<domain::Application> get_application(std::string_view id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::Application> {
      Stmt s = conn.prepare(q::kAppById);
      s.bind(1, id);
      if (!s.step()) return std::nullopt;
      return app_from(s);
    });
  }

  std::vector<domain::Application> list_applications(std::string_view owner) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::Application> {
      Stmt s = conn.prepare(owner.empty() ? std::string(q::kAppColumns) + " ORDER BY created_time, id"
                                         : std::string(q::kAppsOfOwner));
      if (!owner.empty()) s.bind(1, owner);
      std::vector<domain::Application> out;
      while (s.step()) out.push_back(app_from(s));
      return out;
    });
  }

  ApplicationPage list_applications_page(std::string_view owner, std::int64_t limit,
                                         std::int64_t offset) override {
    return db_.read([&](sql::Connection& conn) -> ApplicationPage {
      ApplicationPage page;
      {
        Stmt s = conn.prepare(q::kAppsOfOwnerCount);
        s.bind(1, owner);
        s.step();
        page.total = s.integer(0);
      }
      Stmt s = conn.prepare(q::kAppsOfOwnerPage);
      s.bind(1, owner).bind(2, limit).bind(3, offset);
      while (s.step()) page.list.push_back({app_from(s), s.integer(9)});
      return page;
    });
  }

  ApplicationPage search_applications(const ApplicationQuery& q) override {
    return db_.read([&](sql::Connection& conn) -> ApplicationPage {
      // Filters in SQL; the order walks an index (name: migration 22, owner: the unique one).
      std::string where = " WHERE 1=1";
      if (!q.owner.empty()) where += " AND a.owner = ?";
      if (!q.name.empty()) where += " AND a.name LIKE ? ESCAPE '\\'";
      if (!q.key_manager.empty())
        where += " AND EXISTS (SELECT 1 FROM application_keys k WHERE k.application_id = a.id AND k.key_manager = ?)";
      auto bind_filters = [&](Stmt& s) {
        int i = 1;
        if (!q.owner.empty()) s.bind(i++, q.owner);
        if (!q.name.empty()) s.bind(i++, "%" + escape_like(q.name) + "%");
        if (!q.key_manager.empty()) s.bind(i++, q.key_manager);
        return i;
      };
      ApplicationPage page;
      {
        Stmt s = conn.prepare("SELECT COUNT(*) FROM applications a" + where);
        bind_filters(s);
        s.step();
        page.total = s.integer(0);
      }
      const char* dir = q.descending ? " DESC" : "";
      const std::string order = q.by_owner ? fmt::format(" ORDER BY a.owner{0}, a.name{0}", dir)
                                           : fmt::format(" ORDER BY a.name{0}, a.owner{0}", dir);
      Stmt s = conn.prepare(
          "SELECT a.id, a.name, a.owner, a.throttling_policy, a.description, a.token_type, a.status, a.created_time, "
          "a.updated_time, (SELECT COUNT(*) FROM subscriptions s WHERE s.application_id = a.id) FROM applications a" +
          where + order + " LIMIT ? OFFSET ?");
      const int i = bind_filters(s);
      s.bind(i, q.limit).bind(i + 1, q.offset);
      while (s.step()) page.list.push_back({app_from(s), s.integer(9)});
      return page;
    });
  }

  std::optional<domain::Application> find_application(std::string_view owner, std::string_view name) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::Application> {
      Stmt s = conn.prepare(q::kAppByOwnerAndName);
      s.bind(1, owner).bind(2, name);
      if (!s.step()) return std::nullopt;
      return app_from(s);
    });
  }

  void update_application(const domain::Application& a) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      run_unique(conn.prepare("UPDATE applications SET name=?, throttling_policy=?, description=?, "
                             "token_type=?, "
                             "updated_time=?, owner=? WHERE id=?")
                     .bind(1, a.name)
                     .bind(2, a.throttling_policy)
                     .bind(3, a.description)
                     .bind(4, a.token_type)
                     .bind(5, a.updated_time)
                     .bind(6, a.owner)
                     .bind(7, a.id),
                 fmt::format("An application named '{}' already exists for '{}'", a.name, a.owner));
      if (conn.changes() == 0)
        throw common::ProblemError(
            common::Problem::not_found(fmt::format("Application '{}' not found", a.id)));
      return tx.append_change("application.changed", a.id, "{}");
    });
  }

  bool delete_application(std::string_view id) override {
    bool removed = false;
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      conn.prepare("DELETE FROM applications WHERE id = ?").bind(1, id).run();
      removed = conn.changes() > 0;
      return removed ? tx.append_change("application.changed", id, "{}") : 0;
    });
    return removed;
  }

  void create_key_mapping(const domain::KeyMapping& k) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      run_unique(conn.prepare("INSERT INTO application_keys (id, application_id, key_type, "
                             "consumer_key, consumer_secret_hash, "
                             "grant_types, callback_url, validity_seconds, created_time, "
                             "key_manager) VALUES (?,?,?,?,?,?,?,?,?,?)")
                     .bind(1, k.id)
                     .bind(2, k.application_id)
                     .bind(3, k.key_type)
                     .bind(4, k.consumer_key)
                     .bind(5, k.consumer_secret_hash)
                     .bind(6, join_roles(k.grant_types))
                     .bind(7, k.callback_url)
                     .bind(8, k.validity_seconds)
                     .bind(9, k.created_time)
                     .bind(10, k.key_manager),
                 fmt::format("Keys of type {} already exist for this application", k.key_type));
      return tx.append_change("keys.changed", k.application_id, "{}");
    });
  }

  std::vector<domain::KeyMapping> list_key_mappings(std::string_view application_id) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::KeyMapping> {
      Stmt s = conn.prepare(q::kKeysOfApplication);
      s.bind(1, application_id);
      std::vector<domain::KeyMapping> out;
      while (s.step()) out.push_back(key_from(s));
      return out;
    });
  }

  std::optional<domain::KeyMapping> find_key_mapping(std::string_view consumer_key) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::KeyMapping> {
      Stmt s = conn.prepare(q::kKeyByConsumerKey);
      s.bind(1, consumer_key);
      if (!s.step()) return std::nullopt;
      return key_from(s);
    });
  }

  void update_consumer_secret(std::string_view key_mapping_id,
                              std::string_view secret_hash) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      conn.prepare("UPDATE application_keys SET consumer_secret_hash = ? WHERE id = ?")
          .bind(1, secret_hash)
          .bind(2, key_mapping_id)
          .run();
    });
  }

  void update_key_mapping(const domain::KeyMapping& k) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      conn.prepare("UPDATE application_keys SET grant_types = ?, callback_url = ?, validity_seconds = ? WHERE id = ?")
          .bind(1, join_roles(k.grant_types))
          .bind(2, k.callback_url)
          .bind(3, k.validity_seconds)
          .bind(4, k.id)
          .run();
      if (conn.changes() == 0)
        throw common::ProblemError(common::Problem::not_found(fmt::format("Key mapping '{}' not found", k.id)));
      return tx.append_change("keys.changed", k.application_id, "{}");
    });
  }

  bool delete_key_mapping(std::string_view key_mapping_id) override {
    bool removed = false;
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      std::string application_id;
      {
        Stmt s = conn.prepare("SELECT application_id FROM application_keys WHERE id = ?");
        s.bind(1, key_mapping_id);
        if (!s.step()) return 0;
        application_id = s.text(0);
      }
      conn.prepare("DELETE FROM application_keys WHERE id = ?").bind(1, key_mapping_id).run();
      removed = conn.changes() > 0;
      // Named after the application, as every keys.changed: gateways reload that application's keys.
      return removed ? tx.append_change("keys.changed", application_id, "{}") : 0;
    });
    return removed;
  }

  void create_subscription(const domain::Subscription& sub) override {
    db_.write([&](sql::Tx& tx) { return insert_subscription(tx, sub); });
  }

  void create_subscription(const domain::Subscription& sub, const domain::Workflow& approval) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      const std::int64_t rev = insert_subscription(tx, sub);
      insert_workflow(conn, approval);
      return rev;
    });
  }

  void request_subscription_tier(std::string_view id, const domain::Workflow& approval) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      conn.prepare("UPDATE subscriptions SET status = ? WHERE id = ?")
          .bind(1, domain::kSubscriptionTierUpdatePending)
          .bind(2, id)
          .run();
      if (conn.changes() == 0)
        throw common::ProblemError(common::Problem::not_found(fmt::format("Subscription '{}' not found", id)));
      insert_workflow(conn, approval);
      return tx.append_change("subscription.changed", id, "{}");
    });
  }

  void create_subscriptions(const std::vector<domain::Subscription>& subs,
                            const std::vector<domain::Workflow>& approvals) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      std::int64_t rev = 0;
      for (std::size_t i = 0; i < subs.size(); ++i) {
        const auto& sub = subs[i];
        run_unique(conn.prepare("INSERT INTO subscriptions (id, application_id, api_id, "
                               "throttling_policy, status, created_time) "
                               "VALUES (?,?,?,?,?,?)")
                       .bind(1, sub.id)
                       .bind(2, sub.application_id)
                       .bind(3, sub.api_id)
                       .bind(4, sub.throttling_policy)
                       .bind(5, sub.status)
                       .bind(6, sub.created_time),
                   fmt::format("[{}]: the application is already subscribed to this API; nothing was subscribed", i));
        rev = tx.append_change("subscription.changed", sub.id, "{}");
      }
      for (const auto& w : approvals) insert_workflow(conn, w);
      return rev;
    });
  }

  void reset_application_throttle(std::string_view application_id, std::string_view user) override {
    db_.write([&](sql::Tx& tx) {
      return tx.append_change("throttle.reset", application_id, json::serialize(json::object{{"userName", user}}));
    });
  }

  std::optional<domain::Subscription> get_subscription(std::string_view id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::Subscription> {
      Stmt s = conn.prepare(q::kSubById);
      s.bind(1, id);
      if (!s.step()) return std::nullopt;
      return sub_from(s);
    });
  }

  std::vector<domain::Subscription> list_subscriptions(std::string_view application_id,
                                                       std::string_view api_id) override {
    SubscriptionQuery q;
    q.application_id = std::string(application_id);
    q.api_id = std::string(api_id);
    q.limit = -1;  // SQLite: no limit
    return list_subscriptions_page(q).list;
  }

  SubscriptionPage list_subscriptions_page(const SubscriptionQuery& q) override {
    return db_.read([&](sql::Connection& conn) -> SubscriptionPage {
      auto bind_filters = [&](Stmt& s) {
        int i = 1;
        if (!q.application_id.empty()) s.bind(i++, q.application_id);
        if (!q.api_id.empty()) s.bind(i++, q.api_id);
        if (!q.owner.empty()) s.bind(i++, q.owner);
        return i;
      };
      SubscriptionPage page;
      Stmt s = conn.prepare(q::subscriptions_sql(q, false));
      const int next = bind_filters(s);
      s.bind(next, q.limit).bind(next + 1, q.offset);
      while (s.step()) page.list.push_back(sub_from(s));
      const auto n = static_cast<std::int64_t>(page.list.size());
      // A whole list, or a short page that is not past the end, tells the total without a count.
      if (q.limit < 0 || (n < q.limit && (n > 0 || q.offset == 0))) {
        page.total = q.offset + n;
        return page;
      }
      Stmt c = conn.prepare(q::subscriptions_sql(q, true));
      bind_filters(c);
      c.step();
      page.total = c.integer(0);
      return page;
    });
  }

  std::int64_t count_subscriptions(std::string_view application_id) override {
    return db_.read([&](sql::Connection& conn) -> std::int64_t {
      Stmt s = conn.prepare(q::kSubsOfApplicationCount);
      s.bind(1, application_id);
      s.step();
      return s.integer(0);
    });
  }

  void update_subscription_status(std::string_view id, std::string_view status) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      conn.prepare("UPDATE subscriptions SET status = ? WHERE id = ?")
          .bind(1, status)
          .bind(2, id)
          .run();
      if (conn.changes() == 0)
        throw common::ProblemError(
            common::Problem::not_found(fmt::format("Subscription '{}' not found", id)));
      return tx.append_change("subscription.changed", id, "{}");
    });
  }

  void update_subscription_tier(std::string_view id, std::string_view tier) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      conn.prepare("UPDATE subscriptions SET throttling_policy = ? WHERE id = ?").bind(1, tier).bind(2, id).run();
      if (conn.changes() == 0)
        throw common::ProblemError(common::Problem::not_found(fmt::format("Subscription '{}' not found", id)));
      return tx.append_change("subscription.changed", id, "{}");
    });
  }

  bool delete_subscription(std::string_view id) override {
    bool removed = false;
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      json::object pair;  // gateways find a removed subscription by its application and API
      {
        Stmt s = conn.prepare("SELECT application_id, api_id FROM subscriptions WHERE id = ?");
        s.bind(1, id);
        if (!s.step()) return 0;
        pair = {{"applicationId", s.text(0)}, {"apiId", s.text(1)}};
      }
      conn.prepare("DELETE FROM subscriptions WHERE id = ?").bind(1, id).run();
      removed = conn.changes() > 0;
      return removed ? tx.append_change("subscription.changed", id, json::serialize(pair)) : 0;
    });
    return removed;
  }

  void create_policy(const domain::ThrottlePolicy& p) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      run_unique(conn.prepare("INSERT INTO throttle_policies (id, level, name, unlimited, "
                             "definition, created_time) "
                             "VALUES (?,?,?,?,?,?)")
                     .bind(1, p.id)
                     .bind(2, p.level)
                     .bind(3, p.name)
                     .bind(4, std::int64_t{p.unlimited})
                     .bind(5, json::serialize(domain::policy_to_json(p)))
                     .bind(6, common::now_millis()),
                 p.level == domain::kPolicyLevelCustom
                     ? fmt::format("A custom rule named '{}' already exists", p.name)
                     : fmt::format("A {} policy named '{}' already exists", p.level, p.name));
      return tx.append_change("policy.changed", p.id, "{}");
    });
  }

  std::vector<domain::ThrottlePolicy> list_policies(std::string_view level) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::ThrottlePolicy> {
      Stmt s = conn.prepare(q::kPoliciesOfLevel);
      s.bind(1, level);
      std::vector<domain::ThrottlePolicy> out;
      while (s.step()) out.push_back(policy_from(s));
      return out;
    });
  }

  std::optional<domain::ThrottlePolicy> get_policy(std::string_view level,
                                                   std::string_view id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::ThrottlePolicy> {
      Stmt s = conn.prepare(q::kPolicyById);
      s.bind(1, level).bind(2, id);
      if (!s.step()) return std::nullopt;
      return policy_from(s);
    });
  }

  std::optional<domain::ThrottlePolicy> find_policy(std::string_view level,
                                                    std::string_view name) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::ThrottlePolicy> {
      Stmt s = conn.prepare(q::kPolicyByName);
      s.bind(1, level).bind(2, name);
      if (!s.step()) return std::nullopt;
      return policy_from(s);
    });
  }

  void update_policy(const domain::ThrottlePolicy& p) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      conn.prepare("UPDATE throttle_policies SET definition = ? WHERE level = ? AND id = ?")
          .bind(1, json::serialize(domain::policy_to_json(p)))
          .bind(2, p.level)
          .bind(3, p.id)
          .run();
      if (conn.changes() == 0)
        throw common::ProblemError(
            common::Problem::not_found(fmt::format("Policy '{}' not found", p.id)));
      return tx.append_change("policy.changed", p.id, "{}");
    });
  }

  bool delete_policy(std::string_view level, std::string_view id) override {
    bool removed = false;
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      conn.prepare("DELETE FROM throttle_policies WHERE level = ? AND id = ?")
          .bind(1, level)
          .bind(2, id)
          .run();
      removed = conn.changes() > 0;
      return removed ? tx.append_change("policy.changed", id, "{}") : 0;
    });
    return removed;
  }

  std::optional<PolicyUse> find_policy_use(std::string_view level, std::string_view name) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<PolicyUse> {
      if (level == domain::kPolicyLevelApplication) {
        Stmt s = conn.prepare(q::kAppUsingPolicy);
        s.bind(1, name);
        if (s.step()) return PolicyUse{PolicyUse::By::kApplication, s.text(0), 0, ""};
        return std::nullopt;
      }
      if (level == domain::kPolicyLevelAdvanced) {
        Stmt s = conn.prepare(q::kAnyRefToPolicy);
        s.bind(1, level).bind(2, name);
        if (!s.step()) return std::nullopt;
        const int number = static_cast<int>(s.integer(2));
        return PolicyUse{number > 0 ? PolicyUse::By::kRevision : PolicyUse::By::kApi, s.text(0), number, s.text(1)};
      }
      {
        Stmt s = conn.prepare(q::kApiRefToPolicy);
        s.bind(1, level).bind(2, name);
        if (s.step()) return PolicyUse{PolicyUse::By::kApi, s.text(0), 0, s.text(1)};
      }
      if (level != domain::kPolicyLevelSubscription) return std::nullopt;
      Stmt s = conn.prepare(q::kSubUsingPolicy);
      s.bind(1, name);
      if (s.step()) return PolicyUse{PolicyUse::By::kSubscription, "", 0, ""};
      return std::nullopt;
    });
  }

  void create_block_condition(const domain::BlockCondition& c) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      run_unique(conn.prepare("INSERT INTO block_conditions (id, type, value, definition, enabled, "
                             "created_time) VALUES (?,?,?,?,?,?)")
                     .bind(1, c.id)
                     .bind(2, c.type)
                     .bind(3, domain::block_condition_key(c))
                     .bind(4, json::serialize(domain::block_condition_to_json(c)))
                     .bind(5, std::int64_t{c.enabled})
                     .bind(6, c.created_time ? c.created_time : common::now_millis()),
                 fmt::format("A deny policy of type {} for '{}' already exists", c.type,
                             domain::block_condition_key(c)));
      return tx.append_change("blocking.changed", c.id, "{}");
    });
  }

  std::vector<domain::BlockCondition> list_block_conditions() override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::BlockCondition> {
      Stmt s = conn.prepare(std::string(kBlockColumns) + " ORDER BY created_time, id");
      std::vector<domain::BlockCondition> out;
      while (s.step()) out.push_back(block_from(s));
      return out;
    });
  }

  std::optional<domain::BlockCondition> get_block_condition(std::string_view id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::BlockCondition> {
      Stmt s = conn.prepare(std::string(kBlockColumns) + " WHERE id = ?");
      s.bind(1, id);
      if (!s.step()) return std::nullopt;
      return block_from(s);
    });
  }

  bool set_block_condition_status(std::string_view id, bool enabled) override {
    bool found = false;
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      conn.prepare("UPDATE block_conditions SET enabled = ? WHERE id = ?")
          .bind(1, std::int64_t{enabled})
          .bind(2, id)
          .run();
      found = conn.changes() > 0;
      return found ? tx.append_change("blocking.changed", id, "{}") : 0;
    });
    return found;
  }

  bool delete_block_condition(std::string_view id) override {
    bool removed = false;
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      conn.prepare("DELETE FROM block_conditions WHERE id = ?").bind(1, id).run();
      removed = conn.changes() > 0;
      return removed ? tx.append_change("blocking.changed", id, "{}") : 0;
    });
    return removed;
  }

  void create_service(const domain::CatalogService& c) override {
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      run_unique(conn.prepare("INSERT INTO catalog_services (id, service_key, name, display_name, version, "
                             "definition_type, metadata, definition, md5, created_time, last_updated_time) "
                             "VALUES (?,?,?,?,?,?,?,?,?,?,?)")
                     .bind(1, c.id)
                     .bind(2, c.key)
                     .bind(3, c.name)
                     .bind(4, c.display_name)
                     .bind(5, c.version)
                     .bind(6, c.definition_type)
                     .bind(7, service_metadata(c))
                     .bind(8, c.definition)
                     .bind(9, c.md5)
                     .bind(10, c.created_time)
                     .bind(11, c.last_updated_time),
                 fmt::format("A service with key '{}' already exists", c.key));
      return 0;
    });
  }

  std::optional<domain::CatalogService> get_service(std::string_view id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::CatalogService> {
      Stmt s = conn.prepare(std::string(kServiceColumns) + " WHERE id = ?");
      s.bind(1, id);
      if (!s.step()) return std::nullopt;
      return service_from(s);
    });
  }

  std::optional<domain::CatalogService> find_service_by_key(std::string_view key) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::CatalogService> {
      Stmt s = conn.prepare(std::string(kServiceColumns) + " WHERE service_key = ?");
      s.bind(1, key);
      if (!s.step()) return std::nullopt;
      return service_from(s);
    });
  }

  ServicePage list_services(const ServiceQuery& q) override {
    return db_.read([&](sql::Connection& conn) -> ServicePage {
      std::string where = " WHERE 1=1";
      std::vector<std::string> args;
      if (!q.name.empty()) {
        where += " AND lower(name) LIKE ? ESCAPE '\\'";
        args.push_back("%" + escape_like(common::to_lower(q.name)) + "%");
      }
      if (!q.display_name.empty()) {
        where += " AND lower(display_name) LIKE ? ESCAPE '\\'";
        args.push_back("%" + escape_like(common::to_lower(q.display_name)) + "%");
      }
      if (!q.version.empty()) {
        where += " AND version = ?";
        args.push_back(q.version);
      }
      if (q.definition_type == "OAS") {
        where += " AND definition_type IN ('OAS2','OAS3')";
      } else if (!q.definition_type.empty()) {
        where += " AND definition_type = ?";
        args.push_back(q.definition_type);
      }
      if (!q.keys.empty()) {
        where += " AND service_key IN (";
        for (std::size_t i = 0; i < q.keys.size(); ++i) {
          where += i ? ",?" : "?";
          args.push_back(q.keys[i]);
        }
        where += ")";
      }
      auto bind_all = [&](Stmt& s) {
        for (std::size_t i = 0; i < args.size(); ++i) s.bind(static_cast<int>(i + 1), args[i]);
      };
      ServicePage page;
      {
        Stmt s = conn.prepare("SELECT COUNT(*) FROM catalog_services" + where);
        bind_all(s);
        s.step();
        page.total = s.integer(0);
      }
      const std::string order = std::string(q.sort_by_definition_type ? "definition_type" : "lower(name)") +
                                (q.descending ? " DESC" : " ASC") + ", version, id";
      Stmt s = conn.prepare(std::string(kServiceColumns) + where + " ORDER BY " + order + " LIMIT ? OFFSET ?");
      bind_all(s);
      s.bind(static_cast<int>(args.size() + 1), q.limit).bind(static_cast<int>(args.size() + 2), q.offset);
      while (s.step()) page.list.push_back(service_from(s));
      return page;
    });
  }

  void update_service(const domain::CatalogService& c) override {
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      run_unique(conn.prepare("UPDATE catalog_services SET service_key = ?, name = ?, display_name = ?, "
                             "version = ?, definition_type = ?, metadata = ?, definition = ?, md5 = ?, "
                             "last_updated_time = ? WHERE id = ?")
                     .bind(1, c.key)
                     .bind(2, c.name)
                     .bind(3, c.display_name)
                     .bind(4, c.version)
                     .bind(5, c.definition_type)
                     .bind(6, service_metadata(c))
                     .bind(7, c.definition)
                     .bind(8, c.md5)
                     .bind(9, c.last_updated_time)
                     .bind(10, c.id),
                 fmt::format("A service with key '{}' already exists", c.key));
      if (conn.changes() == 0)
        throw common::ProblemError(common::Problem::not_found(fmt::format("Service '{}' not found", c.id)));
      return 0;
    });
  }

  bool delete_service(std::string_view id) override {
    bool removed = false;
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      Stmt k = conn.prepare("SELECT service_key FROM catalog_services WHERE id = ?");
      k.bind(1, id);
      if (!k.step()) return 0;
      const std::string key = k.text(0);
      Stmt users = conn.prepare(
          "SELECT name, version FROM apis WHERE json_extract(definition, '$.serviceInfo.key') = ? "
          "ORDER BY created_time, id");
      users.bind(1, key);
      std::string names;
      while (users.step()) names += (names.empty() ? "" : ", ") + users.text(0) + " " + users.text(1);
      if (!names.empty())
        throw common::ProblemError(common::Problem::conflict(
            fmt::format("Service '{}' is used by API(s) {}; delete them first", key, names)));
      conn.prepare("DELETE FROM catalog_services WHERE id = ?").bind(1, id).run();
      removed = conn.changes() > 0;
      return 0;
    });
    return removed;
  }

  std::vector<domain::Api> apis_using_service(std::string_view key) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::Api> {
      Stmt s = conn.prepare(q::kApisUsingService);
      s.bind(1, key);
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

  void create_key_manager(const domain::ExternalKeyManager& k) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      run_unique(conn.prepare("INSERT INTO key_managers (id, name, display_name, type, description, "
                             "issuer, jwks_url, "
                             "consumer_key_claim, scopes_claim, enabled, jwks, jwks_fetched_time, "
                             "created_time) "
                             "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")
                     .bind(1, k.id)
                     .bind(2, k.name)
                     .bind(3, k.display_name)
                     .bind(4, k.type)
                     .bind(5, k.description)
                     .bind(6, k.issuer)
                     .bind(7, k.jwks_url)
                     .bind(8, k.consumer_key_claim)
                     .bind(9, k.scopes_claim)
                     .bind(10, std::int64_t{k.enabled})
                     .bind(11, k.jwks)
                     .bind(12, k.jwks_fetched_time)
                     .bind(13, k.created_time),
                 fmt::format("A key manager named '{}' or with issuer '{}' already exists", k.name,
                             k.issuer));
      return tx.append_change("keymanager.changed", k.id, "{}");
    });
  }

  std::vector<domain::ExternalKeyManager> list_key_managers() override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::ExternalKeyManager> {
      Stmt s = conn.prepare(kKmColumns + std::string(" ORDER BY name"));
      std::vector<domain::ExternalKeyManager> out;
      while (s.step()) out.push_back(km_from(s));
      return out;
    });
  }

  std::optional<domain::ExternalKeyManager> get_key_manager(std::string_view id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::ExternalKeyManager> {
      Stmt s = conn.prepare(kKmColumns + std::string(" WHERE id = ?"));
      s.bind(1, id);
      if (!s.step()) return std::nullopt;
      return km_from(s);
    });
  }

  void update_key_manager(const domain::ExternalKeyManager& k) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      run_unique(conn.prepare("UPDATE key_managers SET name=?, display_name=?, type=?, "
                             "description=?, issuer=?, jwks_url=?, "
                             "consumer_key_claim=?, scopes_claim=?, enabled=? WHERE id=?")
                     .bind(1, k.name)
                     .bind(2, k.display_name)
                     .bind(3, k.type)
                     .bind(4, k.description)
                     .bind(5, k.issuer)
                     .bind(6, k.jwks_url)
                     .bind(7, k.consumer_key_claim)
                     .bind(8, k.scopes_claim)
                     .bind(9, std::int64_t{k.enabled})
                     .bind(10, k.id),
                 "Another key manager has that name or issuer");
      if (conn.changes() == 0)
        throw common::ProblemError(
            common::Problem::not_found(fmt::format("Key manager '{}' not found", k.id)));
      return tx.append_change("keymanager.changed", k.id, "{}");
    });
  }

  bool delete_key_manager(std::string_view id) override {
    bool removed = false;
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      conn.prepare("DELETE FROM key_managers WHERE id = ?").bind(1, id).run();
      removed = conn.changes() > 0;
      return removed ? tx.append_change("keymanager.changed", id, "{}") : 0;
    });
    return removed;
  }

  void set_key_manager_jwks(std::string_view id, std::string_view jwks,
                            std::int64_t fetched) override {
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      conn.prepare(
             "UPDATE key_managers SET jwks = ?, jwks_fetched_time = ? WHERE id = ? AND jwks <> ?")
          .bind(1, jwks)
          .bind(2, fetched)
          .bind(3, id)
          .bind(4, jwks)
          .run();
      return conn.changes() > 0 ? tx.append_change("keymanager.changed", id, "{}") : 0;
    });
  }

  void add_signing_key(const domain::SigningKeyRecord& k) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      conn.prepare(
             "INSERT INTO signing_keys (kid, alg, sealed_private_pem, public_jwk, created_time, "
             "retired_time) "
             "VALUES (?,?,?,?,?,?)")
          .bind(1, k.kid)
          .bind(2, k.alg)
          .bind(3, k.sealed_private_pem)
          .bind(4, k.public_jwk)
          .bind(5, k.created_time)
          .bind(6, k.retired_time)
          .run();
      return tx.append_change("signing_key.changed", k.kid, "{}");
    });
  }

  void retire_signing_keys_except(std::string_view kid, std::int64_t now) override {
    db_.write([&](sql::Tx& tx) {
      auto& conn = tx.conn();
      conn.prepare("UPDATE signing_keys SET retired_time = ? WHERE kid <> ? AND retired_time = 0")
          .bind(1, now)
          .bind(2, kid)
          .run();
      return tx.append_change("signing_key.changed", kid, "{}");
    });
  }

  std::vector<domain::SigningKeyRecord> list_signing_keys() override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::SigningKeyRecord> {
      Stmt s = conn.prepare(
          "SELECT kid, alg, sealed_private_pem, public_jwk, created_time, retired_time "
          "FROM signing_keys ORDER BY created_time DESC, kid");
      std::vector<domain::SigningKeyRecord> out;
      while (s.step())
        out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4), s.integer(5)});
      return out;
    });
  }

  void revoke_token(const domain::RevokedToken& t) override {
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      conn.prepare("UPDATE api_keys SET revoked_time = ? WHERE id = ? AND revoked_time = 0")
          .bind(1, common::now_millis())
          .bind(2, t.jti)
          .run();
      const std::int64_t rev = insert_revocation(tx, t);
      if (rev != 0)
        conn.prepare(q::kDeleteRevokedTokensBefore)
            .bind(1, common::now_millis() / 1000 - 3600)
            .run();
      return rev;
    });
  }

  void record_api_key(const domain::ApiKeyRecord& k) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      conn.prepare(
             "INSERT INTO api_keys (id, name, application_id, application_name, api_id, api_name, key_type, owner, "
             "issued_time, validity_seconds, expires_at, revoked_time) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
          .bind(1, k.id)
          .bind(2, k.name)
          .bind(3, k.application_id)
          .bind(4, k.application_name)
          .bind(5, k.api_id)
          .bind(6, k.api_name)
          .bind(7, k.key_type)
          .bind(8, k.owner)
          .bind(9, k.issued_time)
          .bind(10, k.validity_s)
          .bind(11, k.expires_at)
          .bind(12, k.revoked_time)
          .run();
    });
  }

  static constexpr const char* kApiKeyColumns =
      "SELECT id, name, application_id, application_name, api_id, api_name, key_type, owner, issued_time, "
      "validity_seconds, expires_at, revoked_time FROM api_keys";
  static domain::ApiKeyRecord api_key_from(const Stmt& s) {
    return {s.text(0),    s.text(1),    s.text(2),     s.text(3),     s.text(4),     s.text(5),
            s.text(6),    s.text(7),    s.integer(8),  s.integer(9),  s.integer(10), s.integer(11)};
  }

  std::vector<domain::ApiKeyRecord> list_api_keys(std::int64_t limit, std::int64_t offset) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::ApiKeyRecord> {
      Stmt s = conn.prepare(std::string(kApiKeyColumns) + " ORDER BY issued_time DESC, id LIMIT ? OFFSET ?");
      s.bind(1, limit).bind(2, offset);
      std::vector<domain::ApiKeyRecord> out;
      while (s.step()) out.push_back(api_key_from(s));
      return out;
    });
  }

  std::int64_t count_api_keys() override {
    return db_.read([&](sql::Connection& conn) -> std::int64_t {
      Stmt s = conn.prepare("SELECT COUNT(*) FROM api_keys");
      s.step();
      return s.integer(0);
    });
  }

  std::optional<domain::ApiKeyRecord> get_api_key(std::string_view id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::ApiKeyRecord> {
      Stmt s = conn.prepare(std::string(kApiKeyColumns) + " WHERE id = ?");
      s.bind(1, id);
      if (!s.step()) return std::nullopt;
      return api_key_from(s);
    });
  }

  // Within a write: records the revocation and its token.revoked event (the gateway's change feed
  // applies it); 0 when the token was revoked already.
  std::int64_t insert_revocation(sql::Tx& tx, const domain::RevokedToken& t) {
    auto& conn = tx.conn();
    conn.prepare(
           "INSERT INTO revoked_tokens (jti, expires_at, revoked_time) VALUES (?,?,?) "
           "ON CONFLICT(jti) DO NOTHING")
        .bind(1, t.jti)
        .bind(2, t.expires_at)
        .bind(3, common::now_millis())
        .run();
    if (conn.changes() == 0) return 0;
    return tx.append_change("token.revoked", t.jti, json::serialize(json::object{{"expiresAt", t.expires_at}}));
  }

  bool is_token_revoked(std::string_view jti) override {
    return db_.read([&](sql::Connection& conn) -> bool {
      Stmt s = conn.prepare("SELECT 1 FROM revoked_tokens WHERE jti = ?");
      s.bind(1, jti);
      return s.step();
    });
  }

  void save_refresh_token(const domain::RefreshToken& t) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      insert_refresh_token(conn, t);
    });
  }

  // Within a transaction: the token, after the cleanup of those expired a day ago.
  void insert_refresh_token(sql::Connection& conn, const domain::RefreshToken& t) {
    conn.prepare(q::kDeleteRefreshTokensBefore)
        .bind(1, common::now_millis() / 1000 - 86400)
        .run();
    conn.prepare(
           "INSERT INTO refresh_tokens (token_hash, consumer_key, subject, scope, expires_at, "
           "used, created_time, family_id) "
           "VALUES (?,?,?,?,?,0,?,?)")
        .bind(1, t.token_hash)
        .bind(2, t.consumer_key)
        .bind(3, t.subject)
        .bind(4, t.scope)
        .bind(5, t.expires_at)
        .bind(6, common::now_millis())
        .bind(7, t.family_id)
        .run();
  }

  // Within a transaction: the family's new access token (and refresh token), after the cleanup of
  // access tokens expired an hour ago (revoking them would change nothing).
  void insert_family_issue(sql::Connection& conn, const domain::FamilyIssue& f) {
    conn.prepare(q::kDeleteFamilyAccessTokensBefore)
        .bind(1, common::now_millis() / 1000 - 3600)
        .run();
    conn.prepare("INSERT INTO family_access_tokens (jti, family_id, expires_at) VALUES (?,?,?)")
        .bind(1, f.access_jti)
        .bind(2, f.family_id)
        .bind(3, f.access_expires_at)
        .run();
    if (f.refresh) insert_refresh_token(conn, *f.refresh);
  }

  void record_family_issue(const domain::FamilyIssue& f) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      insert_family_issue(conn, f);
    });
  }

  bool redeem_authorization_code(std::string_view hash, const domain::FamilyIssue& f) override {
    return db_.write([&](sql::Tx& tx) -> bool {
      auto& conn = tx.conn();
      return redeem(conn, "UPDATE authorization_codes SET used = 1 WHERE code_hash = ? AND used = 0", hash, f);
    });
  }

  bool redeem_refresh_token(std::string_view hash, const domain::FamilyIssue& f) override {
    return db_.write([&](sql::Tx& tx) -> bool {
      auto& conn = tx.conn();
      return redeem(conn, "UPDATE refresh_tokens SET used = 1 WHERE token_hash = ? AND used = 0", hash, f);
    });
  }

  // Marks a code or refresh token used (`consume`, one row by its hash, only if unused) and records
  // what was issued from it, in one transaction: of two racing redemptions exactly one succeeds.
  bool redeem(sql::Connection& conn, const char* consume, std::string_view hash, const domain::FamilyIssue& f) {
    conn.prepare(consume).bind(1, hash).run();
    if (conn.changes() == 0) return false;
    insert_family_issue(conn, f);
    return true;
  }

  std::size_t revoke_token_family(std::string_view family_id) override {
    if (family_id.empty()) return 0;
    std::size_t revoked = 0;
    db_.write([&](sql::Tx& tx) -> std::int64_t {
      auto& conn = tx.conn();
      revoked = 0;  // a retried write counts again
      conn.prepare(q::kUseFamilyRefreshTokens).bind(1, family_id).run();
      std::vector<domain::RevokedToken> tokens;
      {
        Stmt s = conn.prepare(q::kFamilyAccessTokens);
        s.bind(1, family_id);
        s.bind(2, common::now_millis() / 1000);
        while (s.step()) tokens.push_back({s.text(0), s.integer(1)});
      }
      std::int64_t rev = 0;
      for (const auto& t : tokens)
        if (const std::int64_t r = insert_revocation(tx, t); r != 0) {
          rev = r;
          ++revoked;
        }
      if (rev != 0)
        conn.prepare(q::kDeleteRevokedTokensBefore)
            .bind(1, common::now_millis() / 1000 - 3600)
            .run();
      return rev;
    });
    return revoked;
  }

  void save_authorization_code(const domain::AuthorizationCode& c) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      conn.prepare(q::kDeleteAuthorizationCodesBefore)
          .bind(1, common::now_millis() / 1000 - 3600)
          .run();
      conn.prepare(
             "INSERT INTO authorization_codes (code_hash, consumer_key, redirect_uri, subject, "
             "scope, code_challenge, "
             "expires_at, used, family_id) VALUES (?,?,?,?,?,?,?,0,?)")
          .bind(1, c.code_hash)
          .bind(2, c.consumer_key)
          .bind(3, c.redirect_uri)
          .bind(4, c.subject)
          .bind(5, c.scope)
          .bind(6, c.code_challenge)
          .bind(7, c.expires_at)
          .bind(8, c.family_id)
          .run();
    });
  }

  std::optional<domain::AuthorizationCode> find_authorization_code(std::string_view hash) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::AuthorizationCode> {
      Stmt s = conn.prepare(
          "SELECT code_hash, consumer_key, redirect_uri, subject, scope, code_challenge, expires_at, "
          "used, family_id "
          "FROM authorization_codes WHERE code_hash = ?");
      s.bind(1, hash);
      if (!s.step()) return std::nullopt;
      return domain::AuthorizationCode{s.text(0),    s.text(1),         s.text(2),
                                       s.text(3),    s.text(4),         s.text(5),
                                       s.integer(6), s.integer(7) != 0, s.text(8)};
    });
  }

  bool consume_authorization_code(std::string_view hash) override {
    return db_.write([&](sql::Tx& tx) -> bool {
      auto& conn = tx.conn();
      conn.prepare("UPDATE authorization_codes SET used = 1 WHERE code_hash = ? AND used = 0")
          .bind(1, hash)
          .run();
      return conn.changes() > 0;
    });
  }

  std::optional<domain::RefreshToken> find_refresh_token(std::string_view hash) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::RefreshToken> {
      Stmt s = conn.prepare(
          "SELECT token_hash, consumer_key, subject, scope, expires_at, used, family_id "
          "FROM refresh_tokens WHERE token_hash = ?");
      s.bind(1, hash);
      if (!s.step()) return std::nullopt;
      return domain::RefreshToken{s.text(0),    s.text(1),         s.text(2), s.text(3),
                                  s.integer(4), s.integer(5) != 0, s.text(6)};
    });
  }

  bool consume_refresh_token(std::string_view hash) override {
    return db_.write([&](sql::Tx& tx) -> bool {
      auto& conn = tx.conn();
      conn.prepare("UPDATE refresh_tokens SET used = 1 WHERE token_hash = ? AND used = 0")
          .bind(1, hash)
          .run();
      return conn.changes() > 0;
    });
  }

  domain::SecurityState security_state(std::int64_t now_s, std::int64_t grace_s) override {
    return db_.read([&](sql::Connection& conn) -> domain::SecurityState {
      return read_security(conn, now_s, grace_s, true, true);
    });
  }

  domain::SecurityState security_settings(std::int64_t now_s, std::int64_t grace_s) override {
    return db_.read([&](sql::Connection& conn) -> domain::SecurityState {
      return read_security(conn, now_s, grace_s, false, false);
    });
  }

  domain::SecurityState security_state_except_subscriptions(std::int64_t now_s, std::int64_t grace_s) override {
    return db_.read([&](sql::Connection& conn) -> domain::SecurityState {
      return read_security(conn, now_s, grace_s, true, false);
    });
  }

  void for_each_subscription(const std::function<void(domain::Subscription&&)>& f) override {
    return db_.read([&](sql::Connection& conn) -> void {
      Stmt s = conn.prepare(kSubColumns);
      while (s.step()) f(sub_from(s));
    });
  }

  // With `entries` false: only the small, rarely changed sets (policies, block conditions, signing
  // keys, external key managers).
  domain::SecurityState read_security(sql::Connection& conn, std::int64_t now_s, std::int64_t grace_s, bool entries, bool subscriptions) {
    domain::SecurityState st;
    {
      if (entries) {
        Stmt s = conn.prepare(kAppColumns);
        while (s.step()) st.applications.push_back(app_from(s));
      }
      if (entries) {
        Stmt s = conn.prepare(kKeyColumns);
        while (s.step()) {
          auto k = key_from(s);
          k.consumer_secret_hash.clear();
          st.key_mappings.push_back(std::move(k));
        }
      }
      if (subscriptions) {
        Stmt s = conn.prepare(kSubColumns);
        while (s.step()) st.subscriptions.push_back(sub_from(s));
      }
      if (entries) {
        Stmt s = conn.prepare("SELECT jti, expires_at FROM revoked_tokens WHERE expires_at >= ?");
        s.bind(1, now_s - 300);
        while (s.step()) st.revoked_tokens.push_back({s.text(0), s.integer(1)});
      }
      {
        Stmt s = conn.prepare(
            "SELECT public_jwk FROM signing_keys WHERE retired_time = 0 OR retired_time >= ?");
        s.bind(1, (now_s - grace_s) * 1000);
        while (s.step()) st.public_jwks.push_back(s.text(0));
      }
      {
        Stmt s = conn.prepare(kKmColumns + std::string(" WHERE enabled = 1"));
        while (s.step()) st.external_key_managers.push_back(km_from(s));
      }
      {
        Stmt s = conn.prepare("SELECT id, level, unlimited, definition FROM throttle_policies ORDER BY level, name");
        while (s.step()) st.policies.push_back(policy_from(s));
      }
      {
        Stmt s = conn.prepare(std::string(kBlockColumns) + " WHERE enabled = 1 ORDER BY created_time, id");
        while (s.step()) st.block_conditions.push_back(block_from(s));
      }
      {
        Stmt s = conn.prepare(std::string(kEndpointCertColumns) + " ORDER BY alias");
        while (s.step()) st.endpoint_certificates.push_back(endpoint_cert_from(s));
      }
      {
        Stmt s = conn.prepare(std::string(kClientCertColumns) + " ORDER BY api_id, key_type, alias");
        while (s.step()) st.client_certificates.push_back(client_cert_from(s));
      }
    }
    return st;
  }

  void create_workflow(const domain::Workflow& w) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      insert_workflow(conn, w);
    });
  }

  std::optional<domain::Workflow> get_workflow(std::string_view reference_id) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::Workflow> {
      Stmt s = conn.prepare(std::string(kWorkflowColumns) + " WHERE reference_id = ?");
      s.bind(1, reference_id);
      if (!s.step()) return std::nullopt;
      return workflow_row(s);
    });
  }

  std::optional<domain::Workflow> find_pending_workflow(std::string_view type, std::string_view subject_id,
                                                        std::string_view environment) override {
    return db_.read([&](sql::Connection& conn) -> std::optional<domain::Workflow> {
      Stmt s = conn.prepare(std::string(kWorkflowColumns) +
                           " WHERE type = ? AND subject_id = ? AND environment = ? AND status = 'CREATED'");
      s.bind(1, type).bind(2, subject_id).bind(3, environment);
      if (!s.step()) return std::nullopt;
      return workflow_row(s);
    });
  }

  std::vector<domain::Workflow> pending_workflows_of(std::string_view subject_id) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<domain::Workflow> {
      Stmt s = conn.prepare(std::string(kWorkflowColumns) +
                           " WHERE subject_id = ? AND status = 'CREATED' ORDER BY created_time, reference_id");
      s.bind(1, subject_id);
      std::vector<domain::Workflow> out;
      while (s.step()) out.push_back(workflow_row(s));
      return out;
    });
  }

  WorkflowPage list_pending_workflows(std::string_view type, std::int64_t limit, std::int64_t offset) override {
    return db_.read([&](sql::Connection& conn) -> WorkflowPage {
      const std::string where = type.empty() ? " WHERE status = 'CREATED'" : " WHERE status = 'CREATED' AND type = ?";
      WorkflowPage page;
      Stmt s = conn.prepare(std::string(kWorkflowColumns) + where +
                           " ORDER BY created_time, reference_id LIMIT ? OFFSET ?");
      int i = 1;
      if (!type.empty()) s.bind(i++, type);
      s.bind(i, limit);
      s.bind(i + 1, offset);
      while (s.step()) page.list.push_back(workflow_row(s));
      Stmt c = conn.prepare("SELECT COUNT(*) FROM workflows" + where);
      if (!type.empty()) c.bind(1, type);
      c.step();
      page.total = c.integer(0);
      return page;
    });
  }

  bool finish_workflow(std::string_view reference_id, std::string_view status, std::string_view note,
                       std::int64_t now) override {
    return db_.write([&](sql::Tx& tx) -> bool {
      auto& conn = tx.conn();
      conn.prepare("UPDATE workflows SET status = ?, note = ?, updated_time = ? WHERE reference_id = ? AND status = 'CREATED'")
          .bind(1, status)
          .bind(2, note)
          .bind(3, now)
          .bind(4, reference_id)
          .run();
      return conn.changes() > 0;
    });
  }

  int cancel_pending_workflows(std::string_view type, std::string_view subject_id,
                               std::string_view environment) override {
    return db_.write([&](sql::Tx& tx) -> int {
      auto& conn = tx.conn();
      Stmt s = conn.prepare(environment.empty()
                               ? "DELETE FROM workflows WHERE type = ? AND subject_id = ? AND status = 'CREATED'"
                               : "DELETE FROM workflows WHERE type = ? AND subject_id = ? AND status = 'CREATED' "
                                 "AND environment = ?");
      s.bind(1, type).bind(2, subject_id);
      if (!environment.empty()) s.bind(3, environment);
      s.run();
      return conn.changes();
    });
  }

  std::vector<std::pair<std::string, bool>> workflow_settings() override {
    return db_.read([&](sql::Connection& conn) -> std::vector<std::pair<std::string, bool>> {
      std::vector<std::pair<std::string, bool>> out;
      for (auto type : domain::kWorkflowTypes) out.emplace_back(std::string(type), false);
      Stmt s = conn.prepare("SELECT type, approval_required FROM workflow_settings");
      while (s.step())
        for (auto& [type, required] : out)
          if (type == s.text(0)) required = s.integer(1) != 0;
      return out;
    });
  }

  void set_workflow_setting(std::string_view type, bool approval_required) override {
    return db_.write([&](sql::Tx& tx) -> void {
      auto& conn = tx.conn();
      conn.prepare("INSERT INTO workflow_settings (type, approval_required) VALUES (?, ?) "
                  "ON CONFLICT (type) DO UPDATE SET approval_required = excluded.approval_required")
          .bind(1, type)
          .bind(2, approval_required ? 1 : 0)
          .run();
    });
  }

  std::vector<ChangeEvent> events_after(std::int64_t revision, std::size_t limit) override {
    return db_.read([&](sql::Connection& conn) -> std::vector<ChangeEvent> {
      Stmt s = conn.prepare(q::kEventsAfter);
      s.bind(1, revision).bind(2, static_cast<std::int64_t>(limit));
      std::vector<ChangeEvent> out;
      while (s.step()) out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.integer(4)});
      return out;
    });
  }

  void set_commit_listener(std::function<void(std::int64_t)> listener) override {
    db_.set_commit_listener(std::move(listener));
  }

 private:
  static constexpr const char* kAppColumns =
      "SELECT id, name, owner, throttling_policy, description, token_type, status, created_time, "
      "updated_time "
      "FROM applications";
  static constexpr const char* kKeyColumns =
      "SELECT id, application_id, key_type, consumer_key, consumer_secret_hash, grant_types, "
      "callback_url, "
      "validity_seconds, created_time, key_manager FROM application_keys";
  static constexpr const char* kSubColumns =
      "SELECT id, application_id, api_id, throttling_policy, status, created_time FROM "
      "subscriptions";

  static constexpr const char* kEndpointCertColumns =
      "SELECT alias, endpoint, certificate, created_time FROM endpoint_certificates";
  static constexpr const char* kClientCertColumns =
      "SELECT api_id, key_type, alias, tier, certificate, created_time FROM api_client_certificates";

  static domain::EndpointCertificate endpoint_cert_from(const Stmt& s) {
    return {s.text(0), s.text(1), s.text(2), s.integer(3)};
  }
  static domain::ClientCertificate client_cert_from(const Stmt& s) {
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5)};
  }

  static domain::ThrottlePolicy policy_from(const Stmt& s) {
    // Stored policies were validated on the way in; the seeded Unlimited ones carry a huge count.
    domain::ThrottlePolicy p =
        domain::policy_from_json(json::parse(s.text(3)).as_object(), s.text(1));
    p.id = s.text(0);
    p.unlimited = s.integer(2) != 0;
    return p;
  }

  static constexpr const char* kServiceColumns =
      "SELECT id, service_key, name, display_name, version, definition_type, metadata, definition, md5, "
      "created_time, last_updated_time FROM catalog_services";
  // The fields without their own column, as JSON.
  static std::string service_metadata(const domain::CatalogService& c) {
    json::object o;
    o["description"] = c.description;
    o["serviceUrl"] = c.service_url;
    o["securityType"] = c.security_type;
    o["mutualSSLEnabled"] = c.mutual_ssl_enabled;
    o["definitionUrl"] = c.definition_url;
    return json::serialize(o);
  }
  static domain::CatalogService service_from(const Stmt& s) {
    domain::CatalogService c;
    c.id = s.text(0);
    c.key = s.text(1);
    c.name = s.text(2);
    c.display_name = s.text(3);
    c.version = s.text(4);
    c.definition_type = s.text(5);
    const json::object m = json::parse(s.text(6)).as_object();
    c.description = std::string(m.at("description").as_string());
    c.service_url = std::string(m.at("serviceUrl").as_string());
    c.security_type = std::string(m.at("securityType").as_string());
    c.mutual_ssl_enabled = m.at("mutualSSLEnabled").as_bool();
    c.definition_url = std::string(m.at("definitionUrl").as_string());
    c.definition = s.text(7);
    c.md5 = s.text(8);
    c.created_time = s.integer(9);
    c.last_updated_time = s.integer(10);
    return c;
  }

  static constexpr const char* kBlockColumns =
      "SELECT id, definition, enabled, created_time FROM block_conditions";
  static domain::BlockCondition block_from(const Stmt& s) {
    domain::BlockCondition c = domain::block_condition_from_json(json::parse(s.text(1)).as_object());
    c.id = s.text(0);
    c.enabled = s.integer(2) != 0;
    c.created_time = s.integer(3);
    return c;
  }

  static constexpr const char* kKmColumns =
      "SELECT id, name, display_name, type, description, issuer, jwks_url, consumer_key_claim, "
      "scopes_claim, enabled, "
      "jwks, jwks_fetched_time, created_time FROM key_managers";
  static domain::ExternalKeyManager km_from(const Stmt& s) {
    return {s.text(0),  s.text(1),     s.text(2),    s.text(3), s.text(4),
            s.text(5),  s.text(6),     s.text(7),    s.text(8), s.integer(9) != 0,
            s.text(10), s.integer(11), s.integer(12)};
  }

  static domain::Application app_from(const Stmt& s) {
    return {s.text(0), s.text(1), s.text(2),    s.text(3),   s.text(4),
            s.text(5), s.text(6), s.integer(7), s.integer(8)};
  }
  static domain::KeyMapping key_from(const Stmt& s) {
    return {s.text(0), s.text(1),    s.text(2),    s.text(3), s.text(4), split_roles(s.text(5)),
            s.text(6), s.integer(7), s.integer(8), s.text(9)};
  }
  static domain::Subscription sub_from(const Stmt& s) {
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5)};
  }

  std::int64_t insert_application(sql::Tx& tx, const domain::Application& a) {
    auto& conn = tx.conn();
    run_unique(conn.prepare("INSERT INTO applications (id, name, owner, throttling_policy, "
                           "description, token_type, status, "
                           "created_time, updated_time) VALUES (?,?,?,?,?,?,?,?,?)")
                   .bind(1, a.id)
                   .bind(2, a.name)
                   .bind(3, a.owner)
                   .bind(4, a.throttling_policy)
                   .bind(5, a.description)
                   .bind(6, a.token_type)
                   .bind(7, a.status)
                   .bind(8, a.created_time)
                   .bind(9, a.updated_time),
               fmt::format("An application named '{}' already exists for '{}'", a.name, a.owner));
    return tx.append_change("application.changed", a.id, "{}");
  }

  std::int64_t insert_subscription(sql::Tx& tx, const domain::Subscription& sub) {
    auto& conn = tx.conn();
    run_unique(conn.prepare("INSERT INTO subscriptions (id, application_id, api_id, "
                           "throttling_policy, status, created_time) "
                           "VALUES (?,?,?,?,?,?)")
                   .bind(1, sub.id)
                   .bind(2, sub.application_id)
                   .bind(3, sub.api_id)
                   .bind(4, sub.throttling_policy)
                   .bind(5, sub.status)
                   .bind(6, sub.created_time),
               "The application is already subscribed to this API");
    return tx.append_change("subscription.changed", sub.id, "{}");
  }

  static constexpr std::string_view kWorkflowColumns =
      "SELECT reference_id, type, status, subject_id, environment, created_by, properties, description, note, "
      "created_time, updated_time FROM workflows";

  static domain::Workflow workflow_row(Stmt& s) {
    domain::Workflow w;
    w.reference_id = s.text(0);
    w.type = s.text(1);
    w.status = s.text(2);
    w.subject_id = s.text(3);
    w.environment = s.text(4);
    w.created_by = s.text(5);
    w.properties = s.text(6);
    w.description = s.text(7);
    w.note = s.text(8);
    w.created_time = s.integer(9);
    w.updated_time = s.integer(10);
    return w;
  }

  void insert_workflow(sql::Connection& conn, const domain::Workflow& w) {
    run_unique(conn.prepare("INSERT INTO workflows (reference_id, type, status, subject_id, environment, created_by, "
                           "properties, description, note, created_time, updated_time) VALUES (?,?,?,?,?,?,?,?,?,?,?)")
                   .bind(1, w.reference_id)
                   .bind(2, w.type)
                   .bind(3, w.status)
                   .bind(4, w.subject_id)
                   .bind(5, w.environment)
                   .bind(6, w.created_by)
                   .bind(7, w.properties)
                   .bind(8, w.description)
                   .bind(9, w.note)
                   .bind(10, w.created_time)
                   .bind(11, w.updated_time),
               "A change of this kind is already waiting for approval");
  }

  // Migrations run outside the write path: each is its own transaction, recorded in it.
  static void migrate(sql::Connection& conn, const std::vector<Migration>& migrations) {
    conn.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description "
        "TEXT NOT NULL, "
        "applied_time INTEGER NOT NULL)");
    std::int64_t current = 0;
    {
      Stmt s = conn.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
      s.step();
      current = s.integer(0);
    }
    // A database a newer Archway migrated may hold what this one cannot read or would overwrite:
    // refuse it rather than run on half-understood tables.
    const std::int64_t known = migrations.empty() ? 0 : migrations.back().version;
    if (current > known)
      throw std::runtime_error(fmt::format(
          "the database's schema is at version {}, newer than the {} this Archway knows: it was written by a "
          "newer release. Run that release (or newer), or restore a backup made with this one (docs/operations.md)",
          current, known));
    // Each migration not yet recorded runs, in order: versions may have gaps (branches take
    // numbers apart), and one merged later than a higher one still runs once.
    std::set<std::int64_t> applied;
    {
      Stmt s = conn.prepare("SELECT version FROM schema_migrations");
      while (s.step()) applied.insert(s.integer(0));
    }
    for (const auto& m : migrations) {
      if (applied.count(m.version)) continue;
      conn.begin_write();
      try {
        conn.exec(m.sql);
        conn.prepare("INSERT INTO schema_migrations (version, description, applied_time) VALUES (?,?,?)")
            .bind(1, std::int64_t{m.version})
            .bind(2, m.description)
            .bind(3, common::now_millis())
            .run();
        conn.commit();
      } catch (...) {
        conn.rollback();
        throw;
      }
    }
  }

  static std::string escape_like(const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    return out;
  }

  void check_unique(sql::Connection& conn, const domain::Api& api) {
    {  // an API product and an API never share a context, whatever their versions
      Stmt s = conn.prepare(q::kContextOfOtherKind);
      s.bind(1, api.context).bind(2, kind_of(api)).bind(3, api.id);
      if (s.step())
        throw common::ProblemError(common::Problem::conflict(fmt::format(
            "Context '{}' is used by {} '{}' {}", api.context, api.is_product() ? "API" : "API product",
            s.text(0), s.text(1))));
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

  static std::string kind_of(const domain::Api& api) { return api.is_product() ? "APIPRODUCT" : "API"; }

  // The APIs an API product bundles, so that deleting one of them can be refused.
  void record_product_members(sql::Connection& conn, const domain::Api& api) {
    conn.prepare("DELETE FROM api_product_members WHERE product_id = ?").bind(1, api.id).run();
    for (const auto& pa : api.product_apis) {
      Stmt s = conn.prepare("SELECT 1 FROM apis WHERE id = ? AND kind = 'API'");
      s.bind(1, pa.api_id);
      if (!s.step())  // checked by the Publisher, but deleted since
        throw common::ProblemError(common::Problem::conflict(
            fmt::format("API '{}' of API product '{}' no longer exists", pa.api_id, api.name)));
      conn.prepare("INSERT OR IGNORE INTO api_product_members (product_id, api_id) VALUES (?, ?)")
          .bind(1, api.id)
          .bind(2, pa.api_id)
          .run();
    }
  }

  // What the API names as rows (its tiers and categories), so that usage checks are index lookups;
  // who the portal shows it to and what searches find it by.
  void record_api_refs(sql::Connection& conn, const domain::Api& api) {
    conn.prepare("DELETE FROM api_policy_refs WHERE api_id = ? AND revision_id = ''").bind(1, api.id).run();
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
      conn.prepare("INSERT OR IGNORE INTO api_access_roles (api_id, role) VALUES (?, ?)")
          .bind(1, api.id)
          .bind(2, role)
          .run();
  }

  // What searches find the API by (migration 19): its text and tags from `api`; its kind,
  // lifecycle state and creation time from the stored row (an update's copy may not carry them).
  // Its api_search row keeps its rowid across updates.
  void record_search(sql::Connection& conn, const domain::Api& api) {
    conn.prepare(
           "INSERT INTO api_search_rows (api_id, kind, status, created_time) "
           "SELECT id, kind, lower(lifecycle_status), created_time FROM apis WHERE id = ? "
           "ON CONFLICT (api_id) DO UPDATE SET kind = excluded.kind, status = excluded.status, "
           "created_time = excluded.created_time")
        .bind(1, api.id)
        .run();
    std::int64_t row = 0;
    {
      Stmt s = conn.prepare("SELECT id FROM api_search_rows WHERE api_id = ?");
      s.bind(1, api.id);
      if (!s.step()) return;  // no such API: nothing to find
      row = s.integer(0);
    }
    conn.prepare("DELETE FROM api_search WHERE rowid = ?").bind(1, row).run();
    conn.prepare(
           "INSERT INTO api_search (rowid, text, name, context, provider, version) VALUES "
           "(?,?,?,?,?,?)")
        .bind(1, row)
        .bind(2, search_text(api))
        .bind(3, api.name)
        .bind(4, api.context)
        .bind(5, api.provider)
        .bind(6, api.version)
        .run();
    conn.prepare("DELETE FROM api_tags WHERE api_id = ?").bind(1, api.id).run();
    for (const auto& t : api.tags)
      conn.prepare("INSERT OR IGNORE INTO api_tags (api_id, tag) VALUES (?, ?)")
          .bind(1, api.id)
          .bind(2, t)
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
             "INSERT OR IGNORE INTO api_audiences (api_id, audience, created_time) "
             "SELECT id, ?, created_time FROM apis WHERE id = ?")
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

  static constexpr std::string_view kSharedScopeColumns =
      "SELECT id, name, display_name, description, bindings FROM shared_scopes";

  static std::string bindings_text(const std::vector<std::string>& roles) {
    json::array a;
    for (const auto& r : roles) a.emplace_back(r);
    return json::serialize(a);
  }

  static domain::SharedScope shared_scope_from_row(Stmt& s) {
    domain::SharedScope sc{s.text(0), s.text(1), s.text(2), s.text(3), {}, 0};
    const json::value v = json::parse(s.text(4));
    for (const auto& r : v.as_array()) sc.bindings.emplace_back(r.as_string());
    return sc;
  }

  std::optional<domain::SharedScope> shared_scope_where(sql::Connection& conn, std::string_view column, std::string_view value,
                                                       bool with_usage = true) {
    Stmt s = conn.prepare(std::string(kSharedScopeColumns) + " WHERE " + std::string(column) + " = ?");
    s.bind(1, value);
    if (!s.step()) return std::nullopt;
    domain::SharedScope sc = shared_scope_from_row(s);
    if (with_usage) sc.usage_count = static_cast<std::int64_t>(apis_declaring_scope_locked(conn, sc.name).size());
    return sc;
  }

  std::vector<std::string> apis_declaring_scope_locked(sql::Connection& conn, std::string_view name) {
    Stmt s = conn.prepare("SELECT DISTINCT api_id FROM api_scope_refs WHERE scope = ? ORDER BY api_id");
    s.bind(1, name);
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
  }

  RoleMap role_map(sql::Connection& conn, const char* sql) {
    Stmt s = conn.prepare(sql);
    RoleMap out;
    while (s.step()) {
      std::string key = s.text(0);
      if (out.empty() || out.back().first != key) out.emplace_back(std::move(key), std::vector<std::string>{});
      out.back().second.push_back(s.text(1));
    }
    return out;
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
  void insert_policy_refs(sql::Connection& conn, const domain::Api& api, std::string_view revision_id) {
    auto insert = [&](std::string_view level, const std::string& name, const std::string& place) {
      conn.prepare("INSERT INTO api_policy_refs (api_id, revision_id, level, name, place) VALUES (?,?,?,?,?)")
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

  void record_category_refs(sql::Connection& conn, const domain::Api& api) {
    conn.prepare("DELETE FROM api_category_refs WHERE api_id = ?").bind(1, api.id).run();
    for (const auto& c : api.categories)
      conn.prepare("INSERT OR IGNORE INTO api_category_refs (api_id, name) VALUES (?, ?)")
          .bind(1, api.id)
          .bind(2, c)
          .run();
  }

  static domain::Api api_from_row(const Stmt& s) {
    domain::Api api = api_from_definition(s.text(0));
    api.created_time = s.integer(1);
    api.last_updated_time = s.integer(2);
    return api;
  }

  void require_api(sql::Connection& conn, std::string_view api_id) {
    Stmt s = conn.prepare("SELECT 1 FROM apis WHERE id = ?");
    s.bind(1, api_id);
    if (!s.step())
      throw common::ProblemError(common::Problem::not_found(fmt::format("API '{}' not found", api_id)));
  }

  static constexpr std::string_view kDocumentColumns =
      "SELECT id, api_id, name, type, other_type_name, summary, visibility, source_type, source_url, file_name, "
      "content IS NOT NULL, created_by, created_time, updated_by, updated_time FROM api_documents";

  static domain::Document document_from(const Stmt& s) {
    domain::Document d;
    d.id = s.text(0);
    d.api_id = s.text(1);
    d.name = s.text(2);
    d.type = s.text(3);
    d.other_type_name = s.text(4);
    d.summary = s.text(5);
    d.visibility = s.text(6);
    d.source_type = s.text(7);
    d.source_url = s.text(8);
    d.file_name = s.text(9);
    d.has_content = s.integer(10) != 0;
    d.created_by = s.text(11);
    d.created_time = s.integer(12);
    d.updated_by = s.text(13);
    d.updated_time = s.integer(14);
    return d;
  }

  // Binds name .. content (ten columns) from `first`.
  static void bind_document(Stmt& s, int first, const domain::Document& d,
                            const std::optional<domain::StoredFile>& content) {
    s.bind(first, d.name)
        .bind(first + 1, d.type)
        .bind(first + 2, d.other_type_name)
        .bind(first + 3, d.summary)
        .bind(first + 4, d.visibility)
        .bind(first + 5, d.source_type)
        .bind(first + 6, d.source_url)
        .bind(first + 7, content ? content->file_name : std::string())
        .bind(first + 8, content ? content->media_type : std::string());
    if (content) s.bind_blob(first + 9, content->data);
    else s.bind_null(first + 9);
  }

  std::optional<domain::ApiCategory> get_category_locked(sql::Connection& conn, std::string_view id) {
    Stmt s = conn.prepare(std::string(q::kCategoryColumns) + " WHERE c.id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return domain::ApiCategory{s.text(0), s.text(1), s.text(2), s.integer(3), s.integer(4)};
  }

  std::vector<std::string> apis_in_category(sql::Connection& conn, const std::string& name) {
    Stmt s = conn.prepare(q::kApisInCategory);
    s.bind(1, name);
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
  }

  std::optional<domain::Api> get_api_locked(sql::Connection& conn, std::string_view id) {
    Stmt s = conn.prepare(q::kApiById);
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    domain::Api api = api_from_definition(s.text(0));
    api.created_time = s.integer(1);
    api.last_updated_time = s.integer(2);
    Stmt d = conn.prepare("SELECT definition FROM api_definitions WHERE api_id = ?");
    d.bind(1, id);
    if (d.step()) api.openapi_definition = d.text(0);
    return api;
  }

  // The OpenAPI definition lives beside the API's row (it can be large and list queries skip it).
  void save_openapi_definition(sql::Connection& conn, std::string_view api_id, const std::string& definition) {
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

  static domain::Revision revision_from(const Stmt& s) {
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

  static std::string undeploy_payload(std::string_view api_id, std::string_view env) {
    json::object p;
    p["apiId"] = api_id;
    p["environment"] = env;
    return json::serialize(p);
  }

  // The environment whose `column` (id or name) is `value`.
  std::optional<domain::Environment> environment_where(sql::Connection& conn, std::string_view column, std::string_view value) {
    Stmt s = conn.prepare(fmt::format(
        "SELECT id, name, definition, created_time FROM gateway_environments WHERE {} = ?", column));
    s.bind(1, value);
    if (!s.step()) return std::nullopt;
    return environment_from(s);
  }

  std::vector<domain::Label> api_labels_locked(sql::Connection& conn, std::string_view api_id) {
    Stmt s = conn.prepare(
        "SELECT b.id, b.name, b.description FROM api_labels l JOIN labels b ON b.id = l.label_id "
        "WHERE l.api_id = ? ORDER BY b.name COLLATE NOCASE, b.id");
    s.bind(1, api_id);
    std::vector<domain::Label> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2)});
    return out;
  }

  std::optional<domain::Deployment> deployment_locked(sql::Connection& conn, std::string_view api_id, std::string_view environment) {
    Stmt s = conn.prepare(q::kDeploymentsOfApi);
    s.bind(1, api_id);
    while (s.step())
      if (s.text(2) == environment)
        return domain::Deployment{s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4) != 0, s.integer(5)};
    return std::nullopt;
  }

  // The api.deployed event of a deployment: what its environment's gateways serve.
  std::int64_t append_deployed_event(sql::Tx& tx, const domain::Deployment& d, const domain::Api& api) {
    json::object payload;
    payload["apiId"] = d.api_id;
    payload["revisionId"] = d.revision_id;
    payload["environment"] = d.name;
    payload["vhost"] = d.vhost;
    payload["api"] = domain::api_to_json(api);
    // Schema validation needs the definition at the gateway; other APIs keep the event small.
    if (api.enable_schema_validation && !api.openapi_definition.empty())
      payload["openapiDefinition"] = api.openapi_definition;
    return tx.append_change("api.deployed", d.api_id, json::serialize(payload));
  }

  sql::Database db_;
};

}  // namespace

std::unique_ptr<Store> open_sql_store(std::unique_ptr<sql::ConnectionSource> source,
                                      const std::vector<Migration>& migrations) {
  return std::make_unique<SqlStore>(std::move(source), migrations);
}

std::unique_ptr<Store> open_sqlite_store(const std::string& path) {
  return open_sql_store(std::make_unique<sqlite::SqliteConnectionSource>(path), sqlite_migrations());
}

}  // namespace archway::store
