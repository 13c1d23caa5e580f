// What the aggregates share: see records.h.
#include "store/sql/records.h"

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

namespace archway::store::records {

using sql::run_unique;

std::string search_text(const domain::Api& api) {
  std::string s = api.name + "\n" + api.context + "\n" + api.provider + "\n" + api.version + "\n" +
                  api.description;
  for (const auto& t : api.tags) s += "\n" + t;
  for (const auto& c : api.categories) s += "\n" + c;
  return common::to_lower(std::move(s));
}

domain::Api api_from_definition(const std::string& text) { return codec::decode_api(text); }

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
      const std::string_view used =
          ver && ver->is_string() ? std::string_view(ver->get_string()) : "v1";
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
    vhosts.push_back(json::object{{"host", v.host},
                                  {"http_context", v.http_context},
                                  {"http_port", v.http_port},
                                  {"https_port", v.https_port},
                                  {"ws_port", v.ws_port},
                                  {"wss_port", v.wss_port},
                                  {"ws_host", v.ws_host},
                                  {"wss_host", v.wss_host}});
  json::array props;
  for (const auto& [k, v] : e.additional_properties)
    props.push_back(json::array{json::string(k), json::string(v)});
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
  for (const auto& r : o.at("permission_roles").as_array())
    e.permission_roles.emplace_back(r.as_string());
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

// Binds `params` as the first parameters of `s`; returns how many.
int bind_all(Stmt& s, const std::vector<std::string>& params) {
  int n = 0;
  for (const auto& p : params) s.bind(++n, p);
  return n;
}

void insert_document_locked(sql::Connection& conn, const domain::Document& d,
                            const std::optional<domain::StoredFile>& content) {
  require_api(conn, d.api_id);
  Stmt s = conn.prepare(
      "INSERT INTO api_documents (id, api_id, name, type, other_type_name, summary, visibility, "
      "source_type, source_url, file_name, media_type, content, created_by, created_time, "
      "updated_by, "
      "updated_time) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.bind(1, d.id).bind(2, d.api_id);
  bind_document(s, 3, d, content);
  s.bind(13, d.created_by).bind(14, d.created_time).bind(15, d.updated_by).bind(16, d.updated_time);
  run_unique(s, fmt::format("The API already has a document named '{}'", d.name));
}

void set_thumbnail_locked(sql::Connection& conn, std::string_view api_id,
                          const domain::StoredFile& image) {
  require_api(conn, api_id);
  conn.prepare(
          "INSERT INTO api_thumbnails (api_id, media_type, data, updated_time) VALUES (?,?,?,?) "
          "ON CONFLICT(api_id) DO UPDATE SET media_type = excluded.media_type, data = "
          "excluded.data, "
          "updated_time = excluded.updated_time")
      .bind(1, api_id)
      .bind(2, image.media_type)
      .bind_blob(3, image.data)
      .bind(4, common::now_millis())
      .run();
  if (conn.dialect() == sql::Dialect::kSqlite) {
    conn.prepare(
            "UPDATE apis SET definition = json_set(definition, '$.hasThumbnail', json('true')) WHERE "
            "id = ?")
        .bind(1, api_id)
        .run();
    return;
  }
  // PostgreSQL's jsonb would rewrite the whole text (spaces, key order) that the policy scans'
  // LIKE prefilters read compact: the flag is set here, and the text written as compact as SQLite's.
  Stmt s = conn.prepare("SELECT definition FROM apis WHERE id = ?");
  s.bind(1, api_id);
  if (!s.step()) return;
  boost::json::value definition = boost::json::parse(s.text(0));
  if (!definition.is_object()) return;
  definition.as_object()["hasThumbnail"] = true;
  conn.prepare("UPDATE apis SET definition = ? WHERE id = ?")
      .bind(1, boost::json::serialize(definition))
      .bind(2, api_id)
      .run();
}

domain::EndpointCertificate endpoint_cert_from(const Stmt& s) {
  return {s.text(0), s.text(1), s.text(2), s.integer(3)};
}

domain::ClientCertificate client_cert_from(const Stmt& s) {
  return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5)};
}

domain::ThrottlePolicy policy_from(const Stmt& s) {
  // Stored policies were validated on the way in; the seeded Unlimited ones carry a huge count.
  domain::ThrottlePolicy p =
      domain::policy_from_json(json::parse(s.text(3)).as_object(), s.text(1));
  p.id = s.text(0);
  p.unlimited = s.integer(2) != 0;
  return p;
}

domain::BlockCondition block_from(const Stmt& s) {
  domain::BlockCondition c = domain::block_condition_from_json(json::parse(s.text(1)).as_object());
  c.id = s.text(0);
  c.enabled = s.integer(2) != 0;
  c.created_time = s.integer(3);
  return c;
}

domain::ExternalKeyManager km_from(const Stmt& s) {
  return {s.text(0),  s.text(1),     s.text(2),    s.text(3), s.text(4),
          s.text(5),  s.text(6),     s.text(7),    s.text(8), s.integer(9) != 0,
          s.text(10), s.integer(11), s.integer(12)};
}

domain::Application app_from(const Stmt& s) {
  return {s.text(0), s.text(1), s.text(2),    s.text(3),   s.text(4),
          s.text(5), s.text(6), s.integer(7), s.integer(8)};
}

domain::KeyMapping key_from(const Stmt& s) {
  return {s.text(0), s.text(1),    s.text(2),    s.text(3), s.text(4), split_roles(s.text(5)),
          s.text(6), s.integer(7), s.integer(8), s.text(9)};
}

domain::Subscription sub_from(const Stmt& s) {
  return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5)};
}

void insert_workflow(sql::Connection& conn, const domain::Workflow& w) {
  run_unique(conn.prepare("INSERT INTO workflows (reference_id, type, status, subject_id, "
                          "environment, created_by, "
                          "properties, description, note, created_time, updated_time) VALUES "
                          "(?,?,?,?,?,?,?,?,?,?,?)")
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

std::string escape_like(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
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
  // api_search is an fts5 table keyed by rowid (SQLite only); PostgreSQL: a tsvector/pg_trgm table
  // keyed by the API row.
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
    conn.prepare("INSERT INTO api_tags (api_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING")
        .bind(1, api.id)
        .bind(2, t)
        .run();
}

domain::SharedScope shared_scope_from_row(Stmt& s) {
  domain::SharedScope sc{s.text(0), s.text(1), s.text(2), s.text(3), {}, 0};
  const json::value v = json::parse(s.text(4));
  for (const auto& r : v.as_array()) sc.bindings.emplace_back(r.as_string());
  return sc;
}

std::optional<domain::SharedScope> shared_scope_where(sql::Connection& conn,
                                                      std::string_view column,
                                                      std::string_view value, bool with_usage) {
  Stmt s =
      conn.prepare(std::string(kSharedScopeColumns) + " WHERE " + std::string(column) + " = ?");
  s.bind(1, value);
  if (!s.step()) return std::nullopt;
  domain::SharedScope sc = shared_scope_from_row(s);
  if (with_usage)
    sc.usage_count = static_cast<std::int64_t>(apis_declaring_scope_locked(conn, sc.name).size());
  return sc;
}

std::vector<std::string> apis_declaring_scope_locked(sql::Connection& conn, std::string_view name) {
  Stmt s =
      conn.prepare("SELECT DISTINCT api_id FROM api_scope_refs WHERE scope = ? ORDER BY api_id");
  s.bind(1, name);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

void record_category_refs(sql::Connection& conn, const domain::Api& api) {
  conn.prepare("DELETE FROM api_category_refs WHERE api_id = ?").bind(1, api.id).run();
  for (const auto& c : api.categories)
    conn.prepare(
            "INSERT INTO api_category_refs (api_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING")
        .bind(1, api.id)
        .bind(2, c)
        .run();
}

void require_api(sql::Connection& conn, std::string_view api_id) {
  Stmt s = conn.prepare("SELECT 1 FROM apis WHERE id = ?");
  s.bind(1, api_id);
  if (!s.step())
    throw common::ProblemError(
        common::Problem::not_found(fmt::format("API '{}' not found", api_id)));
}

// Binds name .. content (ten columns) from `first`.
void bind_document(Stmt& s, int first, const domain::Document& d,
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
  if (content)
    s.bind_blob(first + 9, content->data);
  else
    s.bind_null(first + 9);
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

}  // namespace archway::store::records
