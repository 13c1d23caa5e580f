#include "store/postgres/schema.h"

#include <fmt/format.h>

#include <chrono>
#include <set>
#include <stdexcept>

namespace archway::store::postgres {

namespace {

// Version 29: the schema SQLite reaches at its migration 29, in one step. A later SQLite migration
// gets its PostgreSQL counterpart here under the same number (PostgresSchema.* compares them).
constexpr const char* kSchema29 = R"sql(
-- The schema SQLite reaches at its migration 29 (src/store/migrations.cc), in PostgreSQL's types:
-- INTEGER -> BIGINT (booleans stay 0/1 integers, so SQL reads the same on both), BLOB -> BYTEA,
-- AUTOINCREMENT and INTEGER PRIMARY KEY -> identity columns, a COLLATE NOCASE column -> CITEXT (its
-- equality, ordering and uniqueness ignore case, as NOCASE does), a COLLATE NOCASE index ->
-- an index on lower(column), the fts5 trigram table -> a table with a pg_trgm GIN index (ILIKE
-- '%term%' uses it), triggers -> trigger functions.
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  username      CITEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  roles         TEXT NOT NULL,
  created_time  BIGINT NOT NULL
);
CREATE TABLE apis (
  id                TEXT PRIMARY KEY,
  name              TEXT NOT NULL,
  version           TEXT NOT NULL,
  context           TEXT NOT NULL,
  provider          TEXT NOT NULL,
  lifecycle_status  TEXT NOT NULL,
  search_text       TEXT NOT NULL,
  definition        TEXT NOT NULL,
  created_time      BIGINT NOT NULL,
  last_updated_time BIGINT NOT NULL,
  is_default        BIGINT NOT NULL DEFAULT 0,
  kind              TEXT NOT NULL DEFAULT 'API',
  UNIQUE (name, version),
  UNIQUE (context, version)
);
CREATE TABLE api_revisions (
  id           TEXT PRIMARY KEY,
  api_id       TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  number       BIGINT NOT NULL,
  description  TEXT NOT NULL,
  definition   TEXT NOT NULL,
  created_time BIGINT NOT NULL,
  UNIQUE (api_id, number)
);
CREATE TABLE api_revision_counters (
  api_id      TEXT PRIMARY KEY REFERENCES apis(id) ON DELETE CASCADE,
  last_number BIGINT NOT NULL
);
CREATE TABLE api_deployments (
  api_id               TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  environment          TEXT NOT NULL,
  revision_id          TEXT NOT NULL REFERENCES api_revisions(id) ON DELETE CASCADE,
  vhost                TEXT NOT NULL,
  display_on_devportal BIGINT NOT NULL,
  deployed_time        BIGINT NOT NULL,
  PRIMARY KEY (api_id, environment)
);
-- Revisions become visible in their order, with no gap a reader could pass: an insert that names no
-- revision takes the change-log lock (pg_advisory_xact_lock, held until its transaction ends) and
-- only then draws its number, so a revision is drawn after every smaller one has committed or
-- rolled back (docs/architecture.md, "Change log ordering on PostgreSQL"). An insert that names
-- its revision (copying a log from SQLite) is taken as it is.
CREATE SEQUENCE change_log_revision;
CREATE TABLE change_log (
  revision     BIGINT PRIMARY KEY,
  type         TEXT NOT NULL,
  entity_id    TEXT NOT NULL,
  payload      TEXT NOT NULL,
  created_time BIGINT NOT NULL
);
ALTER SEQUENCE change_log_revision OWNED BY change_log.revision;
CREATE FUNCTION change_log_in_commit_order() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF NEW.revision IS NULL THEN
    PERFORM pg_advisory_xact_lock(4715941060140955906);
    NEW.revision := nextval('change_log_revision');
  END IF;
  RETURN NEW;
END
$body$;
CREATE TRIGGER change_log_in_commit_order BEFORE INSERT ON change_log
  FOR EACH ROW EXECUTE FUNCTION change_log_in_commit_order();
CREATE TABLE applications (
  id                TEXT PRIMARY KEY,
  name              TEXT NOT NULL,
  owner             TEXT NOT NULL,
  throttling_policy TEXT NOT NULL,
  description       TEXT NOT NULL,
  token_type        TEXT NOT NULL,
  status            TEXT NOT NULL,
  created_time      BIGINT NOT NULL,
  updated_time      BIGINT NOT NULL,
  UNIQUE (owner, name)
);
CREATE TABLE application_keys (
  id                   TEXT PRIMARY KEY,
  application_id       TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
  key_type             TEXT NOT NULL,
  consumer_key         TEXT NOT NULL UNIQUE,
  consumer_secret_hash TEXT NOT NULL,
  grant_types          TEXT NOT NULL,
  callback_url         TEXT NOT NULL,
  validity_seconds     BIGINT NOT NULL,
  created_time         BIGINT NOT NULL,
  key_manager          TEXT NOT NULL DEFAULT 'Resident Key Manager',
  UNIQUE (application_id, key_type)
);
CREATE TABLE subscriptions (
  id                TEXT PRIMARY KEY,
  application_id    TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
  api_id            TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  throttling_policy TEXT NOT NULL,
  status            TEXT NOT NULL,
  created_time      BIGINT NOT NULL,
  UNIQUE (application_id, api_id)
);
CREATE TABLE signing_keys (
  kid                TEXT PRIMARY KEY,
  alg                TEXT NOT NULL,
  sealed_private_pem TEXT NOT NULL,
  public_jwk         TEXT NOT NULL,
  created_time       BIGINT NOT NULL,
  retired_time       BIGINT NOT NULL
);
CREATE TABLE revoked_tokens (
  jti          TEXT PRIMARY KEY,
  expires_at   BIGINT NOT NULL,
  revoked_time BIGINT NOT NULL
);
CREATE TABLE refresh_tokens (
  token_hash   TEXT PRIMARY KEY,
  consumer_key TEXT NOT NULL REFERENCES application_keys(consumer_key) ON DELETE CASCADE,
  subject      TEXT NOT NULL,
  scope        TEXT NOT NULL,
  expires_at   BIGINT NOT NULL,
  used         BIGINT NOT NULL,
  created_time BIGINT NOT NULL,
  family_id    TEXT NOT NULL DEFAULT ''
);
CREATE TABLE authorization_codes (
  code_hash      TEXT PRIMARY KEY,
  consumer_key   TEXT NOT NULL REFERENCES application_keys(consumer_key) ON DELETE CASCADE,
  redirect_uri   TEXT NOT NULL,
  subject        TEXT NOT NULL,
  scope          TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  expires_at     BIGINT NOT NULL,
  used           BIGINT NOT NULL,
  family_id      TEXT NOT NULL DEFAULT ''
);
CREATE TABLE key_managers (
  id                 TEXT PRIMARY KEY,
  name               TEXT NOT NULL UNIQUE,
  display_name       TEXT NOT NULL,
  type               TEXT NOT NULL,
  description        TEXT NOT NULL,
  issuer             TEXT NOT NULL UNIQUE,
  jwks_url           TEXT NOT NULL,
  consumer_key_claim TEXT NOT NULL,
  scopes_claim       TEXT NOT NULL,
  enabled            BIGINT NOT NULL,
  jwks               TEXT NOT NULL,
  jwks_fetched_time  BIGINT NOT NULL,
  created_time       BIGINT NOT NULL
);
CREATE TABLE throttle_policies (
  id           TEXT PRIMARY KEY,
  level        TEXT NOT NULL,
  name         TEXT NOT NULL,
  unlimited    BIGINT NOT NULL,
  definition   TEXT NOT NULL,
  created_time BIGINT NOT NULL,
  UNIQUE (level, name)
);
CREATE TABLE block_conditions (
  id           TEXT PRIMARY KEY,
  type         TEXT NOT NULL,
  value        TEXT NOT NULL,
  definition   TEXT NOT NULL,
  enabled      BIGINT NOT NULL,
  created_time BIGINT NOT NULL,
  UNIQUE (type, value)
);
CREATE TABLE api_lifecycle_history (
  id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  api_id         TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  previous_state TEXT NOT NULL,
  post_state     TEXT NOT NULL,
  username       TEXT NOT NULL,
  updated_time   BIGINT NOT NULL
);
CREATE INDEX api_lifecycle_history_by_api ON api_lifecycle_history (api_id, id);
CREATE TABLE catalog_services (
  id                TEXT PRIMARY KEY,
  service_key       TEXT NOT NULL UNIQUE,
  name              TEXT NOT NULL,
  display_name      TEXT NOT NULL,
  version           TEXT NOT NULL,
  definition_type   TEXT NOT NULL,
  metadata          TEXT NOT NULL,
  definition        TEXT NOT NULL,
  md5               TEXT NOT NULL,
  created_time      BIGINT NOT NULL,
  last_updated_time BIGINT NOT NULL
);
CREATE TABLE api_definitions (
  api_id     TEXT PRIMARY KEY REFERENCES apis(id) ON DELETE CASCADE,
  definition TEXT NOT NULL
);
CREATE TABLE api_revision_definitions (
  revision_id TEXT PRIMARY KEY REFERENCES api_revisions(id) ON DELETE CASCADE,
  definition  TEXT NOT NULL
);
CREATE TABLE api_product_members (
  product_id TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  api_id     TEXT NOT NULL,
  PRIMARY KEY (product_id, api_id)
);
CREATE INDEX api_product_members_by_api ON api_product_members (api_id);
CREATE TABLE api_documents (
  id              TEXT PRIMARY KEY,
  api_id          TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  type            TEXT NOT NULL,
  other_type_name TEXT NOT NULL,
  summary         TEXT NOT NULL,
  visibility      TEXT NOT NULL,
  source_type     TEXT NOT NULL,
  source_url      TEXT NOT NULL,
  file_name       TEXT NOT NULL,
  media_type      TEXT NOT NULL,
  content         BYTEA,
  created_by      TEXT NOT NULL,
  created_time    BIGINT NOT NULL,
  updated_by      TEXT NOT NULL,
  updated_time    BIGINT NOT NULL,
  UNIQUE (api_id, name)
);
CREATE TABLE api_thumbnails (
  api_id       TEXT PRIMARY KEY REFERENCES apis(id) ON DELETE CASCADE,
  media_type   TEXT NOT NULL,
  data         BYTEA NOT NULL,
  updated_time BIGINT NOT NULL
);
CREATE TABLE api_categories (
  id           TEXT PRIMARY KEY,
  name         CITEXT NOT NULL UNIQUE,
  description  TEXT NOT NULL,
  created_time BIGINT NOT NULL
);
CREATE INDEX applications_by_owner ON applications (owner, created_time, id);
CREATE INDEX applications_by_policy ON applications (throttling_policy);
CREATE INDEX subscriptions_by_application ON subscriptions (application_id, created_time, id);
CREATE INDEX subscriptions_by_api ON subscriptions (api_id, created_time, id);
CREATE INDEX subscriptions_by_policy ON subscriptions (throttling_policy);
CREATE INDEX refresh_tokens_by_consumer_key ON refresh_tokens (consumer_key);
CREATE INDEX authorization_codes_by_consumer_key ON authorization_codes (consumer_key);
CREATE INDEX api_deployments_by_revision ON api_deployments (revision_id);
CREATE INDEX api_deployments_by_environment ON api_deployments (environment, api_id);
CREATE INDEX apis_by_kind ON apis (kind, created_time, id);
CREATE INDEX apis_by_created ON apis (created_time, id);
CREATE INDEX apis_by_name_provider ON apis (name, provider);
-- SQLite: json_extract(definition, '$.serviceInfo.key'); a query must spell the same expression.
CREATE INDEX apis_by_service_key ON apis (((definition::jsonb) #>> '{serviceInfo,key}'));
CREATE TABLE api_policy_refs (
  api_id      TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  revision_id TEXT NOT NULL,
  level       TEXT NOT NULL,
  name        TEXT NOT NULL,
  place       TEXT NOT NULL
);
CREATE INDEX api_policy_refs_by_policy ON api_policy_refs (level, name, revision_id);
CREATE INDEX api_policy_refs_by_owner ON api_policy_refs (api_id, revision_id);
CREATE TABLE api_category_refs (
  api_id TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  name   TEXT NOT NULL,
  PRIMARY KEY (api_id, name)
);
CREATE INDEX api_category_refs_by_name ON api_category_refs (name);
CREATE INDEX revoked_tokens_by_expiry ON revoked_tokens (expires_at);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);
CREATE INDEX authorization_codes_by_expiry ON authorization_codes (expires_at);
CREATE TABLE user_roles (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role    TEXT NOT NULL,
  PRIMARY KEY (user_id, role)
);
CREATE INDEX user_roles_by_role ON user_roles (role);
CREATE TABLE api_scope_refs (
  api_id TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  scope  TEXT NOT NULL,
  open   BIGINT NOT NULL,
  role   TEXT NOT NULL
);
CREATE INDEX api_scope_refs_by_scope ON api_scope_refs (scope, open, role);
CREATE INDEX api_scope_refs_by_api ON api_scope_refs (api_id);
CREATE TABLE api_audiences (
  api_id       TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  audience     TEXT NOT NULL,
  created_time BIGINT NOT NULL,
  PRIMARY KEY (api_id, audience)
);
CREATE INDEX api_audiences_by_audience ON api_audiences (audience, created_time, api_id);
CREATE TABLE api_search_rows (
  id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  api_id       TEXT NOT NULL UNIQUE REFERENCES apis(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL,
  status       TEXT NOT NULL,
  created_time BIGINT NOT NULL
);
CREATE INDEX api_search_rows_by_status ON api_search_rows (status, created_time, api_id);
-- SQLite's fts5 table (trigram tokenizer, MATCH: a case-insensitive substring). Here a plain table
-- whose rows go with their api_search_rows row, and one trigram index over its five columns that
-- serves `column ILIKE '%term%'` on any of them. The key keeps SQLite's name, rowid, so the
-- statements that write it read the same on both.
CREATE TABLE api_search (
  rowid    BIGINT PRIMARY KEY REFERENCES api_search_rows(id) ON DELETE CASCADE,
  text     TEXT NOT NULL,
  name     TEXT NOT NULL,
  context  TEXT NOT NULL,
  provider TEXT NOT NULL,
  version  TEXT NOT NULL
);
CREATE INDEX api_search_trigrams ON api_search USING gin (text gin_trgm_ops, name gin_trgm_ops,
  context gin_trgm_ops, provider gin_trgm_ops, version gin_trgm_ops);
CREATE TABLE api_tags (
  api_id TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  tag    TEXT NOT NULL,
  PRIMARY KEY (api_id, tag)
);
CREATE INDEX api_tags_by_tag ON api_tags (lower(tag), api_id);
CREATE INDEX api_category_refs_by_folded_name ON api_category_refs (lower(name), api_id);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
CREATE TABLE family_access_tokens (
  jti        TEXT PRIMARY KEY,
  family_id  TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX family_access_tokens_by_family ON family_access_tokens (family_id, expires_at);
CREATE INDEX family_access_tokens_by_expiry ON family_access_tokens (expires_at);
CREATE TABLE shared_scopes (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  description  TEXT NOT NULL,
  bindings     TEXT NOT NULL,
  created_time BIGINT NOT NULL
);
CREATE INDEX shared_scopes_by_time ON shared_scopes (created_time, id);
CREATE TABLE system_scope_roles (
  scope TEXT NOT NULL,
  role  TEXT NOT NULL,
  PRIMARY KEY (scope, role)
);
CREATE TABLE role_aliases (
  role  TEXT NOT NULL,
  alias TEXT NOT NULL,
  PRIMARY KEY (role, alias)
);
CREATE INDEX applications_by_name ON applications (name, owner);
CREATE TABLE api_comments (
  -- SQLite's implicit rowid, which orders comments of the same millisecond as they were written.
  rowid        BIGINT GENERATED BY DEFAULT AS IDENTITY,
  id           TEXT PRIMARY KEY,
  api_id       TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  parent_id    TEXT REFERENCES api_comments(id) ON DELETE CASCADE,
  content      TEXT NOT NULL,
  category     TEXT NOT NULL,
  entry_point  TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  created_time BIGINT NOT NULL,
  updated_time BIGINT NOT NULL
);
CREATE INDEX api_comments_by_api ON api_comments (api_id, parent_id, created_time);
CREATE INDEX api_comments_by_parent ON api_comments (parent_id);
CREATE TABLE api_ratings (
  rowid        BIGINT GENERATED BY DEFAULT AS IDENTITY,  -- as api_comments.rowid
  id           TEXT NOT NULL UNIQUE,
  api_id       TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  rated_by     TEXT NOT NULL,
  rating       BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
  created_time BIGINT NOT NULL,
  updated_time BIGINT NOT NULL,
  PRIMARY KEY (api_id, rated_by)
);
CREATE INDEX api_ratings_by_time ON api_ratings (api_id, created_time);
CREATE INDEX apis_by_folded_name ON apis (lower(name), version);
CREATE INDEX apis_by_folded_context ON apis (lower(context), version);
CREATE TABLE gateway_environments (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  definition   TEXT NOT NULL,
  created_time BIGINT NOT NULL
);
CREATE TABLE gateway_instances (
  gateway_id  TEXT PRIMARY KEY,
  environment TEXT NOT NULL,
  last_active BIGINT NOT NULL
);
CREATE INDEX gateway_instances_by_environment ON gateway_instances (environment, gateway_id);
CREATE TABLE api_environment_properties (
  api_id      TEXT NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
  environment TEXT NOT NULL,
  properties  TEXT NOT NULL,
  PRIMARY KEY (api_id, environment)
);
CREATE INDEX api_environment_properties_by_environment ON api_environment_properties (environment, api_id);
CREATE TABLE labels (
  id          TEXT PRIMARY KEY,
  name        CITEXT NOT NULL UNIQUE,
  description TEXT NOT NULL
);
CREATE TABLE api_labels (
  api_id   TEXT NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
  label_id TEXT NOT NULL REFERENCES labels (id),
  PRIMARY KEY (api_id, label_id)
);
CREATE INDEX api_labels_by_label ON api_labels (label_id, api_id);
CREATE TABLE endpoint_certificates (
  alias        TEXT PRIMARY KEY,
  endpoint     TEXT NOT NULL,
  certificate  TEXT NOT NULL,
  created_time BIGINT NOT NULL
);
CREATE TABLE api_client_certificates (
  api_id       TEXT NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
  key_type     TEXT NOT NULL CHECK (key_type IN ('PRODUCTION', 'SANDBOX')),
  alias        TEXT NOT NULL,
  tier         TEXT NOT NULL,
  certificate  TEXT NOT NULL,
  created_time BIGINT NOT NULL,
  PRIMARY KEY (api_id, key_type, alias)
);
CREATE TABLE operation_policies (
  id           TEXT PRIMARY KEY,
  api_id       TEXT NOT NULL,
  name         TEXT NOT NULL,
  version      TEXT NOT NULL,
  record       TEXT NOT NULL,
  created_time BIGINT NOT NULL,
  UNIQUE (api_id, name, version)
);
CREATE FUNCTION operation_policies_go_with_their_api() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  DELETE FROM operation_policies WHERE api_id = OLD.id;
  RETURN NULL;
END
$body$;
CREATE TRIGGER operation_policies_go_with_their_api AFTER DELETE ON apis
  FOR EACH ROW EXECUTE FUNCTION operation_policies_go_with_their_api();
CREATE TABLE gateway_policy_mappings (
  id           TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  description  TEXT NOT NULL,
  flows        TEXT NOT NULL,
  created_time BIGINT NOT NULL
);
CREATE TABLE gateway_policy_deployments (
  environment TEXT PRIMARY KEY,
  mapping_id  TEXT NOT NULL REFERENCES gateway_policy_mappings (id)
);
CREATE INDEX gateway_policy_deployments_by_mapping ON gateway_policy_deployments (mapping_id, environment);
CREATE TABLE api_keys (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL,
  application_id   TEXT NOT NULL,
  application_name TEXT NOT NULL,
  api_id           TEXT NOT NULL,
  api_name         TEXT NOT NULL,
  key_type         TEXT NOT NULL,
  owner            TEXT NOT NULL,
  issued_time      BIGINT NOT NULL,
  validity_seconds BIGINT NOT NULL,
  expires_at       BIGINT NOT NULL,
  revoked_time     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_by_issue ON api_keys (issued_time, id);
CREATE TABLE workflows (
  reference_id TEXT PRIMARY KEY,
  type         TEXT NOT NULL,
  status       TEXT NOT NULL,
  subject_id   TEXT NOT NULL,
  environment  TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  properties   TEXT NOT NULL,
  description  TEXT NOT NULL,
  note         TEXT NOT NULL,
  created_time BIGINT NOT NULL,
  updated_time BIGINT NOT NULL
);
CREATE UNIQUE INDEX workflows_one_pending ON workflows (type, subject_id, environment) WHERE status = 'CREATED';
CREATE INDEX workflows_pending ON workflows (status, type, created_time);
CREATE INDEX workflows_by_subject ON workflows (subject_id, status);
CREATE TABLE workflow_settings (
  type              TEXT PRIMARY KEY,
  approval_required BIGINT NOT NULL
);
-- SQLite's three triggers workflows_of_deleted_{application,subscription,api}, one function.
CREATE FUNCTION workflows_of_deleted_subject() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  DELETE FROM workflows WHERE subject_id = OLD.id;
  RETURN NULL;
END
$body$;
CREATE TRIGGER workflows_of_deleted_application AFTER DELETE ON applications
  FOR EACH ROW EXECUTE FUNCTION workflows_of_deleted_subject();
CREATE TRIGGER workflows_of_deleted_subscription AFTER DELETE ON subscriptions
  FOR EACH ROW EXECUTE FUNCTION workflows_of_deleted_subject();
CREATE TRIGGER workflows_of_deleted_api AFTER DELETE ON apis
  FOR EACH ROW EXECUTE FUNCTION workflows_of_deleted_subject();
CREATE TABLE api_access_roles (
  api_id TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  role   TEXT NOT NULL,
  PRIMARY KEY (api_id, role)
);
-- The rows SQLite's migrations 6, 7, 21 and 23 seed.
INSERT INTO throttle_policies (id, level, name, unlimited, definition, created_time) VALUES
  ('5eed0000-0000-0000-0000-000000000001', 'subscription', 'Unlimited', 1, '{"policyId":"5eed0000-0000-0000-0000-000000000001","policyName":"Unlimited","displayName":"Unlimited","description":"Allows unlimited requests","isDeployed":true,"type":"SubscriptionThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":2147483647}},"rateLimitCount":0,"rateLimitTimeUnit":null,"stopOnQuotaReach":true,"billingPlan":"FREE"}', 0),
  ('5eed0000-0000-0000-0000-000000000002', 'subscription', 'Gold', 0, '{"policyId":"5eed0000-0000-0000-0000-000000000002","policyName":"Gold","displayName":"Gold","description":"Allows 5000 requests per minute","isDeployed":true,"type":"SubscriptionThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":5000}},"rateLimitCount":0,"rateLimitTimeUnit":null,"stopOnQuotaReach":true,"billingPlan":"FREE"}', 0),
  ('5eed0000-0000-0000-0000-000000000003', 'subscription', 'Silver', 0, '{"policyId":"5eed0000-0000-0000-0000-000000000003","policyName":"Silver","displayName":"Silver","description":"Allows 2000 requests per minute","isDeployed":true,"type":"SubscriptionThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":2000}},"rateLimitCount":0,"rateLimitTimeUnit":null,"stopOnQuotaReach":true,"billingPlan":"FREE"}', 0),
  ('5eed0000-0000-0000-0000-000000000004', 'subscription', 'Bronze', 0, '{"policyId":"5eed0000-0000-0000-0000-000000000004","policyName":"Bronze","displayName":"Bronze","description":"Allows 1000 requests per minute","isDeployed":true,"type":"SubscriptionThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":1000}},"rateLimitCount":0,"rateLimitTimeUnit":null,"stopOnQuotaReach":true,"billingPlan":"FREE"}', 0),
  ('5eed0000-0000-0000-0000-000000000005', 'subscription', 'Unauthenticated', 0, '{"policyId":"5eed0000-0000-0000-0000-000000000005","policyName":"Unauthenticated","displayName":"Unauthenticated","description":"Allows 500 requests per minute","isDeployed":true,"type":"SubscriptionThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":500}},"rateLimitCount":0,"rateLimitTimeUnit":null,"stopOnQuotaReach":true,"billingPlan":"FREE"}', 0),
  ('5eed0000-0000-0000-0000-000000000006', 'application', 'Unlimited', 1, '{"policyId":"5eed0000-0000-0000-0000-000000000006","policyName":"Unlimited","displayName":"Unlimited","description":"Allows unlimited requests","isDeployed":true,"type":"ApplicationThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":2147483647}}}', 0),
  ('5eed0000-0000-0000-0000-000000000007', 'application', '10PerMin', 0, '{"policyId":"5eed0000-0000-0000-0000-000000000007","policyName":"10PerMin","displayName":"10PerMin","description":"Allows 10 requests per minute","isDeployed":true,"type":"ApplicationThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":10}}}', 0),
  ('5eed0000-0000-0000-0000-000000000008', 'application', '20PerMin', 0, '{"policyId":"5eed0000-0000-0000-0000-000000000008","policyName":"20PerMin","displayName":"20PerMin","description":"Allows 20 requests per minute","isDeployed":true,"type":"ApplicationThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":20}}}', 0),
  ('5eed0000-0000-0000-0000-000000000009', 'application', '50PerMin', 0, '{"policyId":"5eed0000-0000-0000-0000-000000000009","policyName":"50PerMin","displayName":"50PerMin","description":"Allows 50 requests per minute","isDeployed":true,"type":"ApplicationThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":50}}}', 0),
  ('5eed0000-0000-0000-0000-00000000000a', 'advanced', 'Unlimited', 1, '{"policyId":"5eed0000-0000-0000-0000-00000000000a","policyName":"Unlimited","displayName":"Unlimited","description":"Allows unlimited requests","isDeployed":true,"type":"AdvancedThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":2147483647}},"conditionalGroups":[]}', 0),
  ('5eed0000-0000-0000-0000-00000000000b', 'advanced', '10KPerMin', 0, '{"policyId":"5eed0000-0000-0000-0000-00000000000b","policyName":"10KPerMin","displayName":"10KPerMin","description":"Allows 10000 requests per minute","isDeployed":true,"type":"AdvancedThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":10000}},"conditionalGroups":[]}', 0),
  ('5eed0000-0000-0000-0000-00000000000c', 'advanced', '20KPerMin', 0, '{"policyId":"5eed0000-0000-0000-0000-00000000000c","policyName":"20KPerMin","displayName":"20KPerMin","description":"Allows 20000 requests per minute","isDeployed":true,"type":"AdvancedThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":20000}},"conditionalGroups":[]}', 0),
  ('5eed0000-0000-0000-0000-00000000000d', 'advanced', '50KPerMin', 0, '{"policyId":"5eed0000-0000-0000-0000-00000000000d","policyName":"50KPerMin","displayName":"50KPerMin","description":"Allows 50000 requests per minute","isDeployed":true,"type":"AdvancedThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":50000}},"conditionalGroups":[]}', 0);
INSERT INTO system_scope_roles (scope, role) VALUES
  ('apim:api_view', 'admin'),
  ('apim:api_view', 'creator'),
  ('apim:api_view', 'publisher'),
  ('apim:api_create', 'admin'),
  ('apim:api_create', 'creator'),
  ('apim:api_publish', 'admin'),
  ('apim:api_publish', 'publisher'),
  ('apim:api_import_export', 'admin'),
  ('apim:api_import_export', 'creator'),
  ('apim:subscribe', 'admin'),
  ('apim:subscribe', 'subscriber'),
  ('apim:admin', 'admin'),
  ('apim:shared_scope_manage', 'admin'),
  ('apim:shared_scope_manage', 'creator'),
  ('apim:scope_manage', 'admin'),
  ('service_catalog:service_view', 'admin'),
  ('service_catalog:service_view', 'creator'),
  ('service_catalog:service_view', 'publisher'),
  ('service_catalog:service_write', 'admin'),
  ('service_catalog:service_write', 'creator'),
  ('apim:comment_write', 'admin'),
  ('apim:comment_write', 'creator'),
  ('apim:comment_write', 'publisher');
)sql";

// Version 30: SQLite's migration 30, the same statement (portable SQL).
constexpr const char* kSchema30 = R"sql(
-- Migration 30. The product's application attributes: name-value pairs an application carries (the DevPortal's
-- Application.attributes), read in name order.
CREATE TABLE application_attributes (
  application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
  name           TEXT NOT NULL,
  value          TEXT NOT NULL,
  PRIMARY KEY (application_id, name)
);
-- Server-wide settings the portals read (the Publisher's linter-custom-rules), by name.
CREATE TABLE server_settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
-- Platform gateways (Admin /gateways): remote gateways registered by name; the SHA-256 of each
-- one's registration token opens the gateway feed.
CREATE TABLE platform_gateways (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL UNIQUE,
  display_name     TEXT NOT NULL,
  description      TEXT NOT NULL,
  vhost            TEXT NOT NULL,
  properties       TEXT NOT NULL,
  permission_type  TEXT NOT NULL,
  roles            TEXT NOT NULL,
  token_hash       TEXT NOT NULL UNIQUE,
  created_time     BIGINT NOT NULL,
  updated_time     BIGINT NOT NULL,
  last_active_time BIGINT NOT NULL
);
)sql";

}  // namespace

const std::vector<Migration>& postgres_migrations() {
  static const std::vector<Migration> kMigrations = {
      {29, "the schema of SQLite migrations 1-29: users, APIs, applications, keys, subscriptions, policies, "
           "documents, comments, environments, certificates, workflows, change log", kSchema29},
      {30, "application attributes, server settings (the Publisher's linter custom rules), platform gateways", kSchema30},
      {31, "apim:app_import_export held by admin", R"sql(
-- apim:app_import_export (the DevPortal's application export and import) held by admin, so an
-- admin's token can carry it as in the product (no role held it: only HTTP Basic reached those routes).
INSERT INTO system_scope_roles (scope, role) VALUES ('apim:app_import_export', 'admin');
)sql"},
  };
  return kMigrations;
}

namespace {

// Holds the session-level migration lock until it goes out of scope (or the session ends).
class MigrationLock {
 public:
  explicit MigrationLock(sql::Connection& conn) : conn_(conn) {
    conn_.prepare("SELECT pg_advisory_lock(?)").bind(1, kMigrationLockKey).run();
  }
  ~MigrationLock() {
    try {
      conn_.prepare("SELECT pg_advisory_unlock(?)").bind(1, kMigrationLockKey).run();
    } catch (const sql::Error&) {
      // a lost session has released it already
    }
  }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

 private:
  sql::Connection& conn_;
};

std::int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int migrate(sql::Connection& conn) {
  MigrationLock lock(conn);
  conn.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, "
      "applied_time BIGINT NOT NULL)");
  std::set<std::int64_t> applied;
  {
    sql::Stmt s = conn.prepare("SELECT version FROM schema_migrations");
    while (s.step()) applied.insert(s.integer(0));
  }
  const auto& migrations = postgres_migrations();
  const std::int64_t known = migrations.empty() ? 0 : migrations.back().version;
  if (!applied.empty() && *applied.rbegin() > known)
    throw std::runtime_error(fmt::format(
        "the PostgreSQL database's schema is at version {}, newer than the {} this Archway knows: it was "
        "written by a newer release. Run that release (or newer) against it",
        *applied.rbegin(), known));
  int count = 0;
  for (const auto& m : migrations) {
    if (applied.count(m.version)) continue;
    conn.exec("BEGIN");
    try {
      conn.exec(m.sql);
      conn.prepare("INSERT INTO schema_migrations (version, description, applied_time) VALUES (?, ?, ?)")
          .bind(1, std::int64_t{m.version})
          .bind(2, m.description)
          .bind(3, now_millis())
          .run();
      conn.commit();
    } catch (...) {
      conn.rollback();
      throw;
    }
    ++count;
  }
  return count;
}

}  // namespace archway::store::postgres
