#pragma once
// What the store's aggregates share (store/sql/*.cc): row readers of each record type, the column
// lists they read, the rows an API is indexed by, and the small storage codecs. Internal to store/.
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "store/codec/api_codec.h"
#include "store/sql/database.h"
#include "store/sqlite/queries.h"
#include "store/store.h"

namespace archway::store::records {

namespace json = boost::json;
using sql::Stmt;
namespace q = sqlite::sql;  // the named SQL of the hot queries: plain SQL, shared by every backend

// The row readers' two shapes: the first row of a statement (nullopt when there is none) and
// every row of it, each read by `row` (one of the *_from readers below).
template <class Row>
auto first_row(Stmt& s, Row&& row) -> std::optional<std::decay_t<decltype(row(s))>> {
  if (!s.step()) return std::nullopt;
  return row(s);
}
template <class Row>
auto all_rows(Stmt& s, Row&& row) -> std::vector<std::decay_t<decltype(row(s))>> {
  std::vector<std::decay_t<decltype(row(s))>> out;
  while (s.step()) out.push_back(row(s));
  return out;
}
template <class Row>
auto first_row(Stmt&& s, Row&& row) {
  return first_row(s, row);
}
template <class Row>
auto all_rows(Stmt&& s, Row&& row) {
  return all_rows(s, row);
}

inline constexpr const char* kApiKeyColumns =
    "SELECT id, name, application_id, application_name, api_id, api_name, key_type, owner, "
    "issued_time, "
    "validity_seconds, expires_at, revoked_time FROM api_keys";

inline constexpr const char* kAppColumns =
    "SELECT id, name, owner, throttling_policy, description, token_type, status, created_time, "
    "updated_time "
    "FROM applications";

inline constexpr const char* kKeyColumns =
    "SELECT id, application_id, key_type, consumer_key, consumer_secret_hash, grant_types, "
    "callback_url, "
    "validity_seconds, created_time, key_manager FROM application_keys";

inline constexpr const char* kSubColumns =
    "SELECT id, application_id, api_id, throttling_policy, status, created_time FROM "
    "subscriptions";

inline constexpr const char* kEndpointCertColumns =
    "SELECT alias, endpoint, certificate, created_time FROM endpoint_certificates";

inline constexpr const char* kClientCertColumns =
    "SELECT api_id, key_type, alias, tier, certificate, created_time FROM api_client_certificates";

inline constexpr const char* kServiceColumns =
    "SELECT id, service_key, name, display_name, version, definition_type, metadata, definition, "
    "md5, "
    "created_time, last_updated_time FROM catalog_services";

inline constexpr const char* kBlockColumns =
    "SELECT id, definition, enabled, created_time FROM block_conditions";

inline constexpr const char* kKmColumns =
    "SELECT id, name, display_name, type, description, issuer, jwks_url, consumer_key_claim, "
    "scopes_claim, enabled, "
    "jwks, jwks_fetched_time, created_time FROM key_managers";

inline constexpr std::string_view kWorkflowColumns =
    "SELECT reference_id, type, status, subject_id, environment, created_by, properties, "
    "description, note, "
    "created_time, updated_time FROM workflows";

inline constexpr std::string_view kSharedScopeColumns =
    "SELECT id, name, display_name, description, bindings FROM shared_scopes";

inline constexpr std::string_view kDocumentColumns =
    "SELECT id, api_id, name, type, other_type_name, summary, visibility, source_type, source_url, "
    "file_name, "
    "content IS NOT NULL, created_by, created_time, updated_by, updated_time FROM api_documents";

std::string search_text(const domain::Api& api);
domain::Api api_from_definition(const std::string& text);
std::string join_roles(const std::vector<std::string>& roles);
std::vector<std::string> split_roles(const std::string& s);
domain::OperationPolicy operation_policy_from(const std::string& record);
bool names_policy(const json::value& v, std::string_view name, std::string_view version);
bool names_policy(const std::string& definition, std::string_view name, std::string_view version);
std::string environment_to_text(const domain::Environment& e);
domain::Environment environment_from(const Stmt& s);
domain::EnvironmentProperties properties_from_text(const std::string& text);
void record_user_roles(sql::Connection& conn, std::string_view user_id,
                       const std::vector<std::string>& roles);
std::int64_t create_api_locked(sql::Tx& tx, const domain::Api& api);
ApiPage search_locked(sql::Connection& conn, const ApiQuery& q,
                      const std::vector<std::string>& audiences);
int bind_all(Stmt& s, const std::vector<std::string>& params);
std::vector<domain::Api> apis_by_ids(sql::Connection& conn, const std::vector<std::string>& ids);
std::vector<std::string> portal_audiences(const PortalReader& reader);
std::int64_t update_api_locked(sql::Tx& tx, const domain::Api& changes);
std::int64_t settle_default_version(sql::Tx& tx, const domain::Api& api, bool was_default);
void insert_document_locked(sql::Connection& conn, const domain::Document& d,
                            const std::optional<domain::StoredFile>& content);
domain::Comment comment_from(const Stmt& s);
domain::Rating rating_from(const Stmt& s);
void set_thumbnail_locked(sql::Connection& conn, std::string_view api_id,
                          const domain::StoredFile& image);
std::vector<std::string> gateway_labels_locked(sql::Connection& conn, std::string_view mapping_id);
domain::GatewayPolicyMapping gateway_mapping_from(sql::Connection& conn, const Stmt& s);
domain::ApiKeyRecord api_key_from(const Stmt& s);
std::int64_t insert_revocation(sql::Tx& tx, const domain::RevokedToken& t);
void insert_refresh_token(sql::Connection& conn, const domain::RefreshToken& t);
void insert_family_issue(sql::Connection& conn, const domain::FamilyIssue& f);
bool redeem(sql::Connection& conn, const char* consume, std::string_view hash,
            const domain::FamilyIssue& f);
domain::SecurityState read_security(sql::Connection& conn, std::int64_t now_s, std::int64_t grace_s,
                                    bool entries, bool subscriptions);
domain::EndpointCertificate endpoint_cert_from(const Stmt& s);
domain::ClientCertificate client_cert_from(const Stmt& s);
domain::ThrottlePolicy policy_from(const Stmt& s);
std::string service_metadata(const domain::CatalogService& c);
domain::CatalogService service_from(const Stmt& s);
domain::BlockCondition block_from(const Stmt& s);
domain::ExternalKeyManager km_from(const Stmt& s);
domain::Application app_from(const Stmt& s);
domain::KeyMapping key_from(const Stmt& s);
domain::Subscription sub_from(const Stmt& s);
std::int64_t insert_application(sql::Tx& tx, const domain::Application& a);
std::int64_t insert_subscription(sql::Tx& tx, const domain::Subscription& sub);
domain::Workflow workflow_row(Stmt& s);
void insert_workflow(sql::Connection& conn, const domain::Workflow& w);
std::string escape_like(const std::string& s);
void check_unique(sql::Connection& conn, const domain::Api& api);
std::string kind_of(const domain::Api& api);
void record_product_members(sql::Connection& conn, const domain::Api& api);
void record_api_refs(sql::Connection& conn, const domain::Api& api);
void record_access_roles(sql::Connection& conn, const domain::Api& api);
void record_search(sql::Connection& conn, const domain::Api& api);
void record_audiences(sql::Connection& conn, const domain::Api& api);
std::string bindings_text(const std::vector<std::string>& roles);
domain::SharedScope shared_scope_from_row(Stmt& s);
std::optional<domain::SharedScope> shared_scope_where(sql::Connection& conn,
                                                      std::string_view column,
                                                      std::string_view value,
                                                      bool with_usage = true);
std::vector<std::string> apis_declaring_scope_locked(sql::Connection& conn, std::string_view name);
UserStore::RoleMap role_map(sql::Connection& conn, const char* sql);
void record_scope_refs(sql::Connection& conn, const domain::Api& api);
void insert_policy_refs(sql::Connection& conn, const domain::Api& api,
                        std::string_view revision_id);
void record_category_refs(sql::Connection& conn, const domain::Api& api);
domain::Api api_from_row(const Stmt& s);
void require_api(sql::Connection& conn, std::string_view api_id);
domain::Document document_from(const Stmt& s);
void bind_document(Stmt& s, int first, const domain::Document& d,
                   const std::optional<domain::StoredFile>& content);
std::optional<domain::ApiCategory> get_category_locked(sql::Connection& conn, std::string_view id);
std::vector<std::string> apis_in_category(sql::Connection& conn, const std::string& name);
std::optional<domain::Api> get_api_locked(sql::Connection& conn, std::string_view id);
void save_openapi_definition(sql::Connection& conn, std::string_view api_id,
                             const std::string& definition);
void load_revision_definition(sql::Connection& conn, domain::Revision& r);
std::optional<domain::Revision> get_revision_locked(sql::Connection& conn, std::string_view api_id,
                                                    std::string_view revision_id);
domain::Revision revision_from(const Stmt& s);
void insert_history(sql::Connection& conn, const domain::LifecycleHistoryEntry& e);
std::string undeploy_payload(std::string_view api_id, std::string_view env);
std::optional<domain::Environment> environment_where(sql::Connection& conn, std::string_view column,
                                                     std::string_view value);
std::vector<domain::Label> api_labels_locked(sql::Connection& conn, std::string_view api_id);
std::optional<domain::Deployment> deployment_locked(sql::Connection& conn, std::string_view api_id,
                                                    std::string_view environment);
std::int64_t append_deployed_event(sql::Tx& tx, const domain::Deployment& d,
                                   const domain::Api& api);

}  // namespace archway::store::records
