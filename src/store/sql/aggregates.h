#pragma once
// The aggregates of the store written once over the SQL layer, one class each (defined in
// store/sql/<aggregate>.cc). SqlStore (sql_store.cc) is all of them over one sql::Database.
// Internal to store/.
#include "store/sql/database.h"
#include "store/store.h"

namespace archway::store {

class SqlUserStore : public virtual UserStore {
 public:
  explicit SqlUserStore(sql::Database& db) : db_(db) {}

  std::optional<domain::User> find_user(std::string_view username) override;
  void create_user(const domain::User& u) override;
  std::int64_t count_users_with_role(std::string_view role) override;
  std::int64_t count_users() override;
  std::vector<domain::User> list_users() override;
  void update_user(const domain::User& u) override;
  bool delete_user(std::string_view username) override;
  RoleMap system_scope_roles() override;
  void set_system_scope_roles(const RoleMap& scopes) override;
  RoleMap role_aliases() override;
  void set_role_aliases(const RoleMap& aliases) override;

 protected:
  sql::Database& db_;
};

class SqlApiStore : public virtual ApiStore {
 public:
  explicit SqlApiStore(sql::Database& db) : db_(db) {}

  void create_api(const domain::Api& api) override;
  void create_api_version(const domain::Api& source_copy, std::string_view source_id) override;
  std::optional<domain::Api> get_api(std::string_view id) override;
  ApiPage list_apis(const ApiQuery& q) override;
  std::vector<std::string> api_access_roles(std::string_view api_id) override;
  std::vector<std::string> apis_hidden_from(const std::vector<std::string>& roles) override;
  ApiPage list_portal_apis(const PortalReader& reader, std::int64_t limit,
                           std::int64_t offset) override;
  ApiPage search_portal_apis(const PortalReader& reader, const ApiQuery& q) override;
  std::vector<std::pair<std::string, std::int64_t>> tag_counts(
      const std::optional<PortalReader>& reader) override;
  ScopeBindings api_scope_bindings(std::string_view scope) override;
  std::optional<domain::Api> find_api_by_name_version(std::string_view name,
                                                      std::string_view version) override;
  std::vector<domain::Api> list_api_versions(std::string_view name,
                                             std::string_view provider) override;
  void update_api(const domain::Api& changes) override;
  bool api_exists(std::string_view name, std::string_view context,
                  std::string_view version) override;
  domain::Api change_api_provider(std::string_view id, std::string_view provider) override;
  void import_api(const ApiImport& in) override;
  bool delete_api(std::string_view id) override;
  domain::Revision create_revision(const domain::Api& snapshot,
                                   std::string_view description) override;
  std::vector<domain::Revision> list_revisions(std::string_view api_id) override;
  std::optional<domain::Revision> get_revision(std::string_view api_id,
                                               std::string_view revision_id) override;
  bool delete_revision(std::string_view api_id, std::string_view revision_id) override;
  std::optional<domain::Revision> find_revision(std::string_view revision_id) override;
  std::vector<domain::Deployment> deploy_revision(
      std::string_view api_id, std::string_view revision_id,
      const std::vector<domain::Deployment>& targets) override;
  int undeploy_revision(std::string_view api_id, std::string_view revision_id,
                        const std::vector<std::string>& environments) override;
  void change_lifecycle(const std::vector<domain::LifecycleHistoryEntry>& changes,
                        const std::vector<domain::Subscription>& carried) override;
  std::vector<domain::LifecycleHistoryEntry> lifecycle_history(std::string_view api_id) override;
  std::vector<domain::Deployment> list_deployments(std::string_view api_id) override;
  DeployedState deployed_state(std::string_view environment) override;
  std::optional<domain::Deployment> update_deployment(std::string_view api_id,
                                                      std::string_view environment,
                                                      bool display_on_devportal) override;
  domain::EnvironmentProperties environment_properties(std::string_view api_id,
                                                       std::string_view environment) override;
  std::map<std::string, domain::EnvironmentProperties> environment_properties_of(
      std::string_view environment) override;
  void set_environment_properties(std::string_view api_id, std::string_view environment,
                                  const domain::EnvironmentProperties& properties) override;

 protected:
  sql::Database& db_;
};

class SqlContentStore : public virtual ContentStore {
 public:
  explicit SqlContentStore(sql::Database& db) : db_(db) {}

  void create_document(const domain::Document& d,
                       const std::optional<domain::StoredFile>& content) override;
  std::vector<domain::Document> list_documents(std::string_view api_id) override;
  std::optional<domain::Document> get_document(std::string_view api_id,
                                               std::string_view id) override;
  void update_document(const domain::Document& d,
                       const std::optional<domain::StoredFile>& content) override;
  std::optional<domain::StoredFile> document_content(std::string_view api_id,
                                                     std::string_view id) override;
  bool delete_document(std::string_view api_id, std::string_view id) override;
  void create_comment(const domain::Comment& c) override;
  std::optional<domain::Comment> get_comment(std::string_view api_id, std::string_view id) override;
  CommentPage list_comments(std::string_view api_id, std::string_view parent_id, std::int64_t limit,
                            std::int64_t offset) override;
  bool update_comment(const domain::Comment& c) override;
  bool delete_comment(std::string_view api_id, std::string_view id) override;
  domain::Rating set_rating(const domain::Rating& r) override;
  std::optional<domain::Rating> get_rating(std::string_view api_id, std::string_view user) override;
  bool delete_rating(std::string_view api_id, std::string_view user) override;
  RatingPage list_ratings(std::string_view api_id, std::int64_t limit,
                          std::int64_t offset) override;
  std::vector<std::pair<std::string, RatingTotals>> rating_totals(
      const std::vector<std::string>& api_ids) override;
  void set_thumbnail(std::string_view api_id, const domain::StoredFile& image) override;
  std::optional<domain::StoredFile> thumbnail(std::string_view api_id) override;
  std::optional<std::string> server_setting(std::string_view name) override;
  void set_server_setting(std::string_view name, const std::optional<std::string>& value) override;

 protected:
  sql::Database& db_;
};

class SqlCatalogStore : public virtual CatalogStore {
 public:
  explicit SqlCatalogStore(sql::Database& db) : db_(db) {}

  void create_shared_scope(const domain::SharedScope& sc) override;
  std::vector<domain::SharedScope> list_shared_scopes(std::int64_t offset,
                                                      std::int64_t limit) override;
  std::int64_t count_shared_scopes() override;
  std::optional<domain::SharedScope> get_shared_scope(std::string_view id) override;
  std::optional<domain::SharedScope> find_shared_scope(std::string_view name) override;
  void update_shared_scope(const domain::SharedScope& sc) override;
  bool delete_shared_scope(std::string_view id) override;
  std::vector<std::string> apis_declaring_scope(std::string_view name) override;
  void create_category(const domain::ApiCategory& c) override;
  std::vector<domain::ApiCategory> list_categories() override;
  std::optional<domain::ApiCategory> get_category(std::string_view id) override;
  void update_category(const domain::ApiCategory& c) override;
  bool delete_category(std::string_view id) override;
  void create_environment(const domain::Environment& env) override;
  std::vector<domain::Environment> list_environments() override;
  std::optional<domain::Environment> get_environment(std::string_view id) override;
  std::optional<domain::Environment> find_environment(std::string_view name) override;
  void update_environment(const domain::Environment& env) override;
  bool delete_environment(std::string_view id) override;
  void record_gateway_heartbeat(const domain::GatewayInstance& g) override;
  std::vector<domain::GatewayInstance> list_gateway_instances(
      std::string_view environment) override;
  void create_platform_gateway(const domain::PlatformGateway& g) override;
  std::vector<domain::PlatformGateway> list_platform_gateways() override;
  std::optional<domain::PlatformGateway> get_platform_gateway(std::string_view id) override;
  void update_platform_gateway(const domain::PlatformGateway& g) override;
  bool delete_platform_gateway(std::string_view id) override;
  std::optional<domain::PlatformGateway> use_platform_gateway_token(std::string_view token_hash,
                                                                   std::int64_t now_ms) override;
  void create_label(const domain::Label& label) override;
  std::vector<domain::Label> list_labels() override;
  std::optional<domain::Label> get_label(std::string_view id) override;
  void update_label(const domain::Label& label) override;
  bool delete_label(std::string_view id) override;
  std::vector<std::string> label_usage(std::string_view label_id) override;
  std::vector<domain::Label> api_labels(std::string_view api_id) override;
  std::vector<domain::Label> change_api_labels(std::string_view api_id,
                                               const std::vector<std::string>& label_ids,
                                               bool attach) override;
  void create_service(const domain::CatalogService& c) override;
  std::optional<domain::CatalogService> get_service(std::string_view id) override;
  std::optional<domain::CatalogService> find_service_by_key(std::string_view key) override;
  ServicePage list_services(const ServiceQuery& q) override;
  void update_service(const domain::CatalogService& c) override;
  bool delete_service(std::string_view id) override;
  std::vector<domain::Api> apis_using_service(std::string_view key) override;

 protected:
  sql::Database& db_;
};

class SqlPolicyStore : public virtual PolicyStore {
 public:
  explicit SqlPolicyStore(sql::Database& db) : db_(db) {}

  void create_operation_policy(const domain::OperationPolicy& p) override;
  std::vector<domain::OperationPolicy> list_operation_policies(std::string_view api_id) override;
  std::optional<domain::OperationPolicy> get_operation_policy(std::string_view id) override;
  bool delete_operation_policy(std::string_view id) override;
  void copy_operation_policies(std::string_view from_api_id, std::string_view to_api_id) override;
  void create_gateway_policy_mapping(const domain::GatewayPolicyMapping& m) override;
  std::vector<domain::GatewayPolicyMapping> list_gateway_policy_mappings() override;
  std::optional<domain::GatewayPolicyMapping> get_gateway_policy_mapping(
      std::string_view id) override;
  bool update_gateway_policy_mapping(const domain::GatewayPolicyMapping& m) override;
  bool delete_gateway_policy_mapping(std::string_view id) override;
  void deploy_gateway_policy_mapping(std::string_view id, const std::vector<std::string>& deploy,
                                     const std::vector<std::string>& undeploy) override;
  domain::PolicyFlows gateway_policies_of(std::string_view environment) override;
  void create_policy(const domain::ThrottlePolicy& p) override;
  std::vector<domain::ThrottlePolicy> list_policies(std::string_view level) override;
  std::optional<domain::ThrottlePolicy> get_policy(std::string_view level,
                                                   std::string_view id) override;
  std::optional<domain::ThrottlePolicy> find_policy(std::string_view level,
                                                    std::string_view name) override;
  void update_policy(const domain::ThrottlePolicy& p) override;
  bool delete_policy(std::string_view level, std::string_view id) override;
  std::optional<PolicyUse> find_policy_use(std::string_view level, std::string_view name) override;
  void create_block_condition(const domain::BlockCondition& c) override;
  std::vector<domain::BlockCondition> list_block_conditions() override;
  std::optional<domain::BlockCondition> get_block_condition(std::string_view id) override;
  bool set_block_condition_status(std::string_view id, bool enabled) override;
  bool delete_block_condition(std::string_view id) override;

 protected:
  sql::Database& db_;
};

class SqlApplicationStore : public virtual ApplicationStore {
 public:
  explicit SqlApplicationStore(sql::Database& db) : db_(db) {}

  void create_application(const domain::Application& a) override;
  void create_application(const domain::Application& a, const domain::Workflow& approval) override;
  void set_application_status(std::string_view id, std::string_view status) override;
  std::optional<domain::Application> get_application(std::string_view id) override;
  std::vector<domain::Application> list_applications(std::string_view owner) override;
  ApplicationPage list_applications_page(std::string_view owner, std::int64_t limit,
                                         std::int64_t offset) override;
  ApplicationPage search_applications(const ApplicationQuery& q) override;
  std::optional<domain::Application> find_application(std::string_view owner,
                                                      std::string_view name) override;
  void update_application(const domain::Application& a) override;
  bool delete_application(std::string_view id) override;
  void create_key_mapping(const domain::KeyMapping& k) override;
  std::vector<domain::KeyMapping> list_key_mappings(std::string_view application_id) override;
  std::optional<domain::KeyMapping> find_key_mapping(std::string_view consumer_key) override;
  void update_consumer_secret(std::string_view key_mapping_id,
                              std::string_view secret_hash) override;
  void update_key_mapping(const domain::KeyMapping& k) override;
  bool delete_key_mapping(std::string_view key_mapping_id) override;
  void reset_application_throttle(std::string_view application_id, std::string_view user) override;

 protected:
  sql::Database& db_;
};

class SqlSubscriptionStore : public virtual SubscriptionStore {
 public:
  explicit SqlSubscriptionStore(sql::Database& db) : db_(db) {}

  void create_subscription(const domain::Subscription& sub) override;
  void create_subscription(const domain::Subscription& sub,
                           const domain::Workflow& approval) override;
  void request_subscription_tier(std::string_view id, const domain::Workflow& approval) override;
  void create_subscriptions(const std::vector<domain::Subscription>& subs,
                            const std::vector<domain::Workflow>& approvals) override;
  std::optional<domain::Subscription> get_subscription(std::string_view id) override;
  std::vector<domain::Subscription> list_subscriptions(std::string_view application_id,
                                                       std::string_view api_id) override;
  SubscriptionPage list_subscriptions_page(const SubscriptionQuery& q) override;
  std::int64_t count_subscriptions(std::string_view application_id) override;
  void update_subscription_status(std::string_view id, std::string_view status) override;
  void update_subscription_tier(std::string_view id, std::string_view tier) override;
  bool delete_subscription(std::string_view id) override;

 protected:
  sql::Database& db_;
};

class SqlKeyManagerStore : public virtual KeyManagerStore {
 public:
  explicit SqlKeyManagerStore(sql::Database& db) : db_(db) {}

  void create_key_manager(const domain::ExternalKeyManager& k) override;
  std::vector<domain::ExternalKeyManager> list_key_managers() override;
  std::optional<domain::ExternalKeyManager> get_key_manager(std::string_view id) override;
  void update_key_manager(const domain::ExternalKeyManager& k) override;
  bool delete_key_manager(std::string_view id) override;
  void set_key_manager_jwks(std::string_view id, std::string_view jwks,
                            std::int64_t fetched) override;
  void add_signing_key(const domain::SigningKeyRecord& k) override;
  void retire_signing_keys_except(std::string_view kid, std::int64_t now) override;
  std::vector<domain::SigningKeyRecord> list_signing_keys() override;
  void revoke_token(const domain::RevokedToken& t) override;
  void record_api_key(const domain::ApiKeyRecord& k) override;
  std::vector<domain::ApiKeyRecord> list_api_keys(std::int64_t limit, std::int64_t offset) override;
  std::int64_t count_api_keys() override;
  std::optional<domain::ApiKeyRecord> get_api_key(std::string_view id) override;
  bool is_token_revoked(std::string_view jti) override;
  void save_refresh_token(const domain::RefreshToken& t) override;
  void record_family_issue(const domain::FamilyIssue& f) override;
  bool redeem_authorization_code(std::string_view hash, const domain::FamilyIssue& f) override;
  bool redeem_refresh_token(std::string_view hash, const domain::FamilyIssue& f) override;
  std::size_t revoke_token_family(std::string_view family_id) override;
  void save_authorization_code(const domain::AuthorizationCode& c) override;
  std::optional<domain::AuthorizationCode> find_authorization_code(std::string_view hash) override;
  bool consume_authorization_code(std::string_view hash) override;
  std::optional<domain::RefreshToken> find_refresh_token(std::string_view hash) override;
  bool consume_refresh_token(std::string_view hash) override;

 protected:
  sql::Database& db_;
};

class SqlCertificateStore : public virtual CertificateStore {
 public:
  explicit SqlCertificateStore(sql::Database& db) : db_(db) {}

  void add_endpoint_certificate(const domain::EndpointCertificate& c) override;
  std::vector<domain::EndpointCertificate> list_endpoint_certificates() override;
  std::optional<domain::EndpointCertificate> get_endpoint_certificate(
      std::string_view alias) override;
  bool update_endpoint_certificate(std::string_view alias, std::string_view pem) override;
  bool delete_endpoint_certificate(std::string_view alias) override;
  void add_client_certificate(const domain::ClientCertificate& c) override;
  std::vector<domain::ClientCertificate> list_client_certificates(
      std::string_view api_id, std::string_view key_type) override;
  std::optional<domain::ClientCertificate> get_client_certificate(std::string_view api_id,
                                                                  std::string_view key_type,
                                                                  std::string_view alias) override;
  bool update_client_certificate(const domain::ClientCertificate& c) override;
  bool delete_client_certificate(std::string_view api_id, std::string_view key_type,
                                 std::string_view alias) override;

 protected:
  sql::Database& db_;
};

class SqlGatewayStateStore : public virtual GatewayStateStore {
 public:
  explicit SqlGatewayStateStore(sql::Database& db) : db_(db) {}

  domain::SecurityState security_state(std::int64_t now_s, std::int64_t grace_s) override;
  domain::SecurityState security_settings(std::int64_t now_s, std::int64_t grace_s) override;
  domain::SecurityState security_state_except_subscriptions(std::int64_t now_s,
                                                            std::int64_t grace_s) override;
  void for_each_subscription(const std::function<void(domain::Subscription&&)>& f) override;

 protected:
  sql::Database& db_;
};

class SqlWorkflowStore : public virtual WorkflowStore {
 public:
  explicit SqlWorkflowStore(sql::Database& db) : db_(db) {}

  void create_workflow(const domain::Workflow& w) override;
  std::optional<domain::Workflow> get_workflow(std::string_view reference_id) override;
  std::optional<domain::Workflow> find_pending_workflow(std::string_view type,
                                                        std::string_view subject_id,
                                                        std::string_view environment) override;
  std::vector<domain::Workflow> pending_workflows_of(std::string_view subject_id) override;
  WorkflowPage list_pending_workflows(std::string_view type, std::int64_t limit,
                                      std::int64_t offset) override;
  bool finish_workflow(std::string_view reference_id, std::string_view status,
                       std::string_view note, std::int64_t now) override;
  int cancel_pending_workflows(std::string_view type, std::string_view subject_id,
                               std::string_view environment) override;
  std::vector<std::pair<std::string, bool>> workflow_settings() override;
  void set_workflow_setting(std::string_view type, bool approval_required) override;

 protected:
  sql::Database& db_;
};

class SqlChangeLog : public virtual ChangeLog {
 public:
  explicit SqlChangeLog(sql::Database& db) : db_(db) {}

  std::vector<ChangeEvent> events_after(std::int64_t revision, std::size_t limit) override;
  void set_commit_listener(std::function<void(std::int64_t)> listener) override;

 protected:
  sql::Database& db_;
};

}  // namespace archway::store
