#include "store/migrations.h"

namespace archway::store {

namespace {

constexpr const char* kMigration30 = R"sql(
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
  created_time     INTEGER NOT NULL,
  updated_time     INTEGER NOT NULL,
  last_active_time INTEGER NOT NULL
);
)sql";

}  // namespace

const std::vector<Migration>& sqlite_migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "users, apis, revisions, deployments, change log", R"sql(
CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  roles         TEXT NOT NULL,
  created_time  INTEGER NOT NULL
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
  created_time      INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL,
  UNIQUE (name, version),
  UNIQUE (context, version)
);
CREATE TABLE api_revisions (
  id           TEXT PRIMARY KEY,
  api_id       TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  number       INTEGER NOT NULL,
  description  TEXT NOT NULL,
  definition   TEXT NOT NULL,
  created_time INTEGER NOT NULL,
  UNIQUE (api_id, number)
);
CREATE TABLE api_revision_counters (
  api_id TEXT PRIMARY KEY REFERENCES apis(id) ON DELETE CASCADE,
  last_number INTEGER NOT NULL
);
CREATE TABLE api_deployments (
  api_id               TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  environment          TEXT NOT NULL,
  revision_id          TEXT NOT NULL REFERENCES api_revisions(id) ON DELETE CASCADE,
  vhost                TEXT NOT NULL,
  display_on_devportal INTEGER NOT NULL,
  deployed_time        INTEGER NOT NULL,
  PRIMARY KEY (api_id, environment)
);
CREATE TABLE change_log (
  revision     INTEGER PRIMARY KEY AUTOINCREMENT,
  type         TEXT NOT NULL,
  entity_id    TEXT NOT NULL,
  payload      TEXT NOT NULL,
  created_time INTEGER NOT NULL
);
)sql"},
      {2, "applications, key mappings, subscriptions, signing keys, revoked tokens", R"sql(
CREATE TABLE applications (
  id                TEXT PRIMARY KEY,
  name              TEXT NOT NULL,
  owner             TEXT NOT NULL,
  throttling_policy TEXT NOT NULL,
  description       TEXT NOT NULL,
  token_type        TEXT NOT NULL,
  status            TEXT NOT NULL,
  created_time      INTEGER NOT NULL,
  updated_time      INTEGER NOT NULL,
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
  validity_seconds     INTEGER NOT NULL,
  created_time         INTEGER NOT NULL,
  UNIQUE (application_id, key_type)
);
CREATE TABLE subscriptions (
  id                TEXT PRIMARY KEY,
  application_id    TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
  api_id            TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  throttling_policy TEXT NOT NULL,
  status            TEXT NOT NULL,
  created_time      INTEGER NOT NULL,
  UNIQUE (application_id, api_id)
);
CREATE TABLE signing_keys (
  kid                TEXT PRIMARY KEY,
  alg                TEXT NOT NULL,
  sealed_private_pem TEXT NOT NULL,
  public_jwk         TEXT NOT NULL,
  created_time       INTEGER NOT NULL,
  retired_time       INTEGER NOT NULL
);
CREATE TABLE revoked_tokens (
  jti          TEXT PRIMARY KEY,
  expires_at   INTEGER NOT NULL,
  revoked_time INTEGER NOT NULL
);
)sql"},
      {3, "refresh tokens", R"sql(
CREATE TABLE refresh_tokens (
  token_hash   TEXT PRIMARY KEY,
  consumer_key TEXT NOT NULL REFERENCES application_keys(consumer_key) ON DELETE CASCADE,
  subject      TEXT NOT NULL,
  scope        TEXT NOT NULL,
  expires_at   INTEGER NOT NULL,
  used         INTEGER NOT NULL,
  created_time INTEGER NOT NULL
);
)sql"},
      {4, "authorization codes", R"sql(
CREATE TABLE authorization_codes (
  code_hash      TEXT PRIMARY KEY,
  consumer_key   TEXT NOT NULL REFERENCES application_keys(consumer_key) ON DELETE CASCADE,
  redirect_uri   TEXT NOT NULL,
  subject        TEXT NOT NULL,
  scope          TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  expires_at     INTEGER NOT NULL,
  used           INTEGER NOT NULL
);
)sql"},
      {5, "external key managers", R"sql(
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
  enabled            INTEGER NOT NULL,
  jwks               TEXT NOT NULL,
  jwks_fetched_time  INTEGER NOT NULL,
  created_time       INTEGER NOT NULL
);
ALTER TABLE application_keys ADD COLUMN key_manager TEXT NOT NULL DEFAULT 'Resident Key Manager';
)sql"},
      {6, "throttling policies, seeded with the product's default tiers", R"sql(
CREATE TABLE throttle_policies (
  id           TEXT PRIMARY KEY,
  level        TEXT NOT NULL,
  name         TEXT NOT NULL,
  unlimited    INTEGER NOT NULL,
  definition   TEXT NOT NULL,
  created_time INTEGER NOT NULL,
  UNIQUE (level, name)
);
INSERT INTO throttle_policies (id, level, name, unlimited, definition, created_time) VALUES
('5eed0000-0000-0000-0000-000000000001','subscription','Unlimited',1,'{"policyId":"5eed0000-0000-0000-0000-000000000001","policyName":"Unlimited","displayName":"Unlimited","description":"Allows unlimited requests","isDeployed":true,"type":"SubscriptionThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":2147483647}},"rateLimitCount":0,"rateLimitTimeUnit":null,"stopOnQuotaReach":true,"billingPlan":"FREE"}',0),
('5eed0000-0000-0000-0000-000000000002','subscription','Gold',0,'{"policyId":"5eed0000-0000-0000-0000-000000000002","policyName":"Gold","displayName":"Gold","description":"Allows 5000 requests per minute","isDeployed":true,"type":"SubscriptionThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":5000}},"rateLimitCount":0,"rateLimitTimeUnit":null,"stopOnQuotaReach":true,"billingPlan":"FREE"}',0),
('5eed0000-0000-0000-0000-000000000003','subscription','Silver',0,'{"policyId":"5eed0000-0000-0000-0000-000000000003","policyName":"Silver","displayName":"Silver","description":"Allows 2000 requests per minute","isDeployed":true,"type":"SubscriptionThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":2000}},"rateLimitCount":0,"rateLimitTimeUnit":null,"stopOnQuotaReach":true,"billingPlan":"FREE"}',0),
('5eed0000-0000-0000-0000-000000000004','subscription','Bronze',0,'{"policyId":"5eed0000-0000-0000-0000-000000000004","policyName":"Bronze","displayName":"Bronze","description":"Allows 1000 requests per minute","isDeployed":true,"type":"SubscriptionThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":1000}},"rateLimitCount":0,"rateLimitTimeUnit":null,"stopOnQuotaReach":true,"billingPlan":"FREE"}',0),
('5eed0000-0000-0000-0000-000000000005','subscription','Unauthenticated',0,'{"policyId":"5eed0000-0000-0000-0000-000000000005","policyName":"Unauthenticated","displayName":"Unauthenticated","description":"Allows 500 requests per minute","isDeployed":true,"type":"SubscriptionThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":500}},"rateLimitCount":0,"rateLimitTimeUnit":null,"stopOnQuotaReach":true,"billingPlan":"FREE"}',0),
('5eed0000-0000-0000-0000-000000000006','application','Unlimited',1,'{"policyId":"5eed0000-0000-0000-0000-000000000006","policyName":"Unlimited","displayName":"Unlimited","description":"Allows unlimited requests","isDeployed":true,"type":"ApplicationThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":2147483647}}}',0),
('5eed0000-0000-0000-0000-000000000007','application','10PerMin',0,'{"policyId":"5eed0000-0000-0000-0000-000000000007","policyName":"10PerMin","displayName":"10PerMin","description":"Allows 10 requests per minute","isDeployed":true,"type":"ApplicationThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":10}}}',0),
('5eed0000-0000-0000-0000-000000000008','application','20PerMin',0,'{"policyId":"5eed0000-0000-0000-0000-000000000008","policyName":"20PerMin","displayName":"20PerMin","description":"Allows 20 requests per minute","isDeployed":true,"type":"ApplicationThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":20}}}',0),
('5eed0000-0000-0000-0000-000000000009','application','50PerMin',0,'{"policyId":"5eed0000-0000-0000-0000-000000000009","policyName":"50PerMin","displayName":"50PerMin","description":"Allows 50 requests per minute","isDeployed":true,"type":"ApplicationThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":50}}}',0);
)sql"},
      {7, "deny policies (blocking conditions); the product's advanced tiers", R"sql(
CREATE TABLE block_conditions (
  id           TEXT PRIMARY KEY,
  type         TEXT NOT NULL,
  value        TEXT NOT NULL,
  definition   TEXT NOT NULL,
  enabled      INTEGER NOT NULL,
  created_time INTEGER NOT NULL,
  UNIQUE (type, value)
);
INSERT INTO throttle_policies (id, level, name, unlimited, definition, created_time) VALUES
('5eed0000-0000-0000-0000-00000000000a','advanced','Unlimited',1,'{"policyId":"5eed0000-0000-0000-0000-00000000000a","policyName":"Unlimited","displayName":"Unlimited","description":"Allows unlimited requests","isDeployed":true,"type":"AdvancedThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":2147483647}},"conditionalGroups":[]}',0),
('5eed0000-0000-0000-0000-00000000000b','advanced','10KPerMin',0,'{"policyId":"5eed0000-0000-0000-0000-00000000000b","policyName":"10KPerMin","displayName":"10KPerMin","description":"Allows 10000 requests per minute","isDeployed":true,"type":"AdvancedThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":10000}},"conditionalGroups":[]}',0),
('5eed0000-0000-0000-0000-00000000000c','advanced','20KPerMin',0,'{"policyId":"5eed0000-0000-0000-0000-00000000000c","policyName":"20KPerMin","displayName":"20KPerMin","description":"Allows 20000 requests per minute","isDeployed":true,"type":"AdvancedThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":20000}},"conditionalGroups":[]}',0),
('5eed0000-0000-0000-0000-00000000000d','advanced','50KPerMin',0,'{"policyId":"5eed0000-0000-0000-0000-00000000000d","policyName":"50KPerMin","displayName":"50KPerMin","description":"Allows 50000 requests per minute","isDeployed":true,"type":"AdvancedThrottlePolicy","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":50000}},"conditionalGroups":[]}',0);
)sql"},
      {8, "API lifecycle history", R"sql(
CREATE TABLE api_lifecycle_history (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  api_id         TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  previous_state TEXT NOT NULL,
  post_state     TEXT NOT NULL,
  username       TEXT NOT NULL,
  updated_time   INTEGER NOT NULL
);
CREATE INDEX api_lifecycle_history_by_api ON api_lifecycle_history (api_id, id);
)sql"},
      {9, "default version flag of APIs as a column (one default version per API name and provider)", R"sql(
ALTER TABLE apis ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0;
UPDATE apis SET is_default = 1 WHERE json_extract(definition, '$.isDefaultVersion') = 1;
)sql"},
      {10, "Service Catalog entries", R"sql(
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
  created_time      INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL
);
)sql"},
      {11, "OpenAPI definitions of APIs and of their revisions", R"sql(
CREATE TABLE api_definitions (
  api_id     TEXT PRIMARY KEY REFERENCES apis(id) ON DELETE CASCADE,
  definition TEXT NOT NULL
);
CREATE TABLE api_revision_definitions (
  revision_id TEXT PRIMARY KEY REFERENCES api_revisions(id) ON DELETE CASCADE,
  definition  TEXT NOT NULL
);
)sql"},
      {12, "API products: the kind of a record (API or APIPRODUCT) and the APIs each product bundles", R"sql(
ALTER TABLE apis ADD COLUMN kind TEXT NOT NULL DEFAULT 'API';
CREATE TABLE api_product_members (
  product_id TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  api_id     TEXT NOT NULL,
  PRIMARY KEY (product_id, api_id)
);
CREATE INDEX api_product_members_by_api ON api_product_members (api_id);
)sql"},
      {13, "API documents, thumbnails and categories", R"sql(
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
  content         BLOB,
  created_by      TEXT NOT NULL,
  created_time    INTEGER NOT NULL,
  updated_by      TEXT NOT NULL,
  updated_time    INTEGER NOT NULL,
  UNIQUE (api_id, name)
);
CREATE TABLE api_thumbnails (
  api_id       TEXT PRIMARY KEY REFERENCES apis(id) ON DELETE CASCADE,
  media_type   TEXT NOT NULL,
  data         BLOB NOT NULL,
  updated_time INTEGER NOT NULL
);
CREATE TABLE api_categories (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  description  TEXT NOT NULL,
  created_time INTEGER NOT NULL
);
)sql"},
      {14, "indexes for management reads and usage checks; what each API names (policies, categories) as rows", R"sql(
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
CREATE INDEX apis_by_service_key ON apis (json_extract(definition, '$.serviceInfo.key'));
-- The tiers an API's working copy (revision_id '') or one of its revisions names: 'subscription'
-- (the tiers it offers) or 'advanced' (its own or an operation's tier); `place` says where.
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
INSERT OR IGNORE INTO api_category_refs (api_id, name)
  SELECT a.id, j.value FROM apis a, json_each(a.definition, '$.categories') j WHERE j.type = 'text';
INSERT INTO api_policy_refs (api_id, revision_id, level, name, place)
  SELECT a.id, '', 'subscription', j.value, 'policies'
  FROM apis a, json_each(a.definition, '$.policies') j WHERE j.type = 'text';
INSERT INTO api_policy_refs (api_id, revision_id, level, name, place)
  SELECT a.id, '', 'advanced', json_extract(a.definition, '$.apiThrottlingPolicy'), 'apiThrottlingPolicy'
  FROM apis a WHERE COALESCE(json_extract(a.definition, '$.apiThrottlingPolicy'), '') <> '';
INSERT INTO api_policy_refs (api_id, revision_id, level, name, place)
  SELECT a.id, '', 'advanced', json_extract(o.value, '$.throttlingPolicy'), 'operations[' || o.key || '].throttlingPolicy'
  FROM apis a, json_each(a.definition, '$.operations') o
  WHERE COALESCE(json_extract(o.value, '$.throttlingPolicy'), '') <> '';
INSERT INTO api_policy_refs (api_id, revision_id, level, name, place)
  SELECT r.api_id, r.id, 'subscription', j.value, 'policies'
  FROM api_revisions r, json_each(r.definition, '$.policies') j WHERE j.type = 'text';
INSERT INTO api_policy_refs (api_id, revision_id, level, name, place)
  SELECT r.api_id, r.id, 'advanced', json_extract(r.definition, '$.apiThrottlingPolicy'), 'apiThrottlingPolicy'
  FROM api_revisions r WHERE COALESCE(json_extract(r.definition, '$.apiThrottlingPolicy'), '') <> '';
INSERT INTO api_policy_refs (api_id, revision_id, level, name, place)
  SELECT r.api_id, r.id, 'advanced', json_extract(o.value, '$.throttlingPolicy'), 'operations[' || o.key || '].throttlingPolicy'
  FROM api_revisions r, json_each(r.definition, '$.operations') o
  WHERE COALESCE(json_extract(o.value, '$.throttlingPolicy'), '') <> '';
)sql"},
      {15, "expiry indexes of revoked tokens, refresh tokens and authorization codes (the cleanup on every save)", R"sql(
CREATE INDEX revoked_tokens_by_expiry ON revoked_tokens (expires_at);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);
CREATE INDEX authorization_codes_by_expiry ON authorization_codes (expires_at);
)sql"},
      {16, "the roles of each user as rows (who holds a role is an index lookup)", R"sql(
CREATE TABLE user_roles (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role    TEXT NOT NULL,
  PRIMARY KEY (user_id, role)
);
CREATE INDEX user_roles_by_role ON user_roles (role);
WITH RECURSIVE split(user_id, role, rest) AS (
  SELECT id, '', roles || ',' FROM users
  UNION ALL
  SELECT user_id, substr(rest, 1, instr(rest, ',') - 1), substr(rest, instr(rest, ',') + 1)
  FROM split WHERE rest <> ''
)
INSERT OR IGNORE INTO user_roles (user_id, role) SELECT user_id, role FROM split WHERE role <> '';
)sql"},
      {17, "the scopes each API declares with their role bindings, as rows (the token endpoint's lookup)", R"sql(
-- One row per (scope, role) an API's working copy binds; a scope bound to no role has one row
-- with open = 1 and role ''.
CREATE TABLE api_scope_refs (
  api_id TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  scope  TEXT NOT NULL,
  open   INTEGER NOT NULL,
  role   TEXT NOT NULL
);
CREATE INDEX api_scope_refs_by_scope ON api_scope_refs (scope, open, role);
CREATE INDEX api_scope_refs_by_api ON api_scope_refs (api_id);
INSERT INTO api_scope_refs (api_id, scope, open, role)
  SELECT a.id, COALESCE(json_extract(s.value, '$.scope.name'), ''), b.value IS NULL, COALESCE(b.value, '')
  FROM apis a, json_each(a.definition, '$.scopes') s
  LEFT JOIN json_each(s.value, '$.scope.bindings') b;
)sql"},
      {18, "who the Developer Portal shows each API to, as rows (its lists page in SQL)", R"sql(
-- Rows only while the API's lifecycle state is one the portal shows: 'admin' (admins see every
-- such API), 'anyone' (PUBLIC), 'signed-in' (PUBLIC and PRIVATE) and 'role:<role>' (any other
-- visibility: each of its visibleRoles). created_time is the API's, for the lists' order.
CREATE TABLE api_audiences (
  api_id       TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  audience     TEXT NOT NULL,
  created_time INTEGER NOT NULL,
  PRIMARY KEY (api_id, audience)
);
CREATE INDEX api_audiences_by_audience ON api_audiences (audience, created_time, api_id);
INSERT OR IGNORE INTO api_audiences (api_id, audience, created_time)
  SELECT id, 'admin', created_time FROM apis
  WHERE lifecycle_status IN ('PUBLISHED', 'PROTOTYPED', 'DEPRECATED');
INSERT OR IGNORE INTO api_audiences (api_id, audience, created_time)
  SELECT id, 'anyone', created_time FROM apis
  WHERE lifecycle_status IN ('PUBLISHED', 'PROTOTYPED', 'DEPRECATED')
    AND COALESCE(json_extract(definition, '$.visibility'), 'PUBLIC') = 'PUBLIC';
INSERT OR IGNORE INTO api_audiences (api_id, audience, created_time)
  SELECT id, 'signed-in', created_time FROM apis
  WHERE lifecycle_status IN ('PUBLISHED', 'PROTOTYPED', 'DEPRECATED')
    AND COALESCE(json_extract(definition, '$.visibility'), 'PUBLIC') IN ('PUBLIC', 'PRIVATE');
INSERT OR IGNORE INTO api_audiences (api_id, audience, created_time)
  SELECT a.id, 'role:' || j.value, a.created_time FROM apis a, json_each(a.definition, '$.visibleRoles') j
  WHERE a.lifecycle_status IN ('PUBLISHED', 'PROTOTYPED', 'DEPRECATED')
    AND COALESCE(json_extract(a.definition, '$.visibility'), 'PUBLIC') NOT IN ('PUBLIC', 'PRIVATE')
    AND j.type = 'text';
)sql"},
      {19, "API search through indexes: a trigram full-text table of what searches match, tags as rows", R"sql(
-- One row per API (products too): the rowid of its api_search row and what searches filter and
-- order by. status is the lifecycle state in lower case (status: matches it exactly).
CREATE TABLE api_search_rows (
  id           INTEGER PRIMARY KEY,
  api_id       TEXT NOT NULL UNIQUE REFERENCES apis(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL,
  status       TEXT NOT NULL,
  created_time INTEGER NOT NULL
);
CREATE INDEX api_search_rows_by_status ON api_search_rows (status, created_time, api_id);
-- text is what free text matches (apis.search_text: name, context, provider, version, description,
-- tags and categories, lower case); the others are the fields of the name:, context:, provider:
-- and version: prefixes. The trigram tokenizer finds any substring of 3 characters or more,
-- case-insensitively, through the index.
CREATE VIRTUAL TABLE api_search USING fts5(
  text, name, context, provider, version, tokenize = 'trigram'
);
-- A virtual table takes no part in foreign keys: its row goes with the API's api_search_rows row.
CREATE TRIGGER api_search_rows_deleted AFTER DELETE ON api_search_rows
BEGIN
  DELETE FROM api_search WHERE rowid = old.id;
END;
-- tag: and api-category: match one tag or category whole, ignoring (ASCII) case.
CREATE TABLE api_tags (
  api_id TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  tag    TEXT NOT NULL,
  PRIMARY KEY (api_id, tag)
);
CREATE INDEX api_tags_by_tag ON api_tags (tag COLLATE NOCASE, api_id);
CREATE INDEX api_category_refs_by_folded_name ON api_category_refs (name COLLATE NOCASE, api_id);
INSERT INTO api_search_rows (api_id, kind, status, created_time)
  SELECT id, kind, lower(lifecycle_status), created_time FROM apis ORDER BY created_time, id;
INSERT INTO api_search (rowid, text, name, context, provider, version)
  SELECT r.id, a.search_text, a.name, a.context, a.provider, a.version
  FROM api_search_rows r JOIN apis a ON a.id = r.api_id;
INSERT OR IGNORE INTO api_tags (api_id, tag)
  SELECT a.id, j.value FROM apis a, json_each(a.definition, '$.tags') j WHERE j.type = 'text';
)sql"},
      {20, "token families: the family of each refresh token and code, and the access tokens of each family", R"sql(
-- RFC 9700 §4.14: a reused refresh token or code revokes every token of its family. Rows from
-- before families existed keep an empty family id and revoke only themselves.
ALTER TABLE refresh_tokens ADD COLUMN family_id TEXT NOT NULL DEFAULT '';
ALTER TABLE authorization_codes ADD COLUMN family_id TEXT NOT NULL DEFAULT '';
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
CREATE TABLE family_access_tokens (
  jti        TEXT PRIMARY KEY,
  family_id  TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX family_access_tokens_by_family ON family_access_tokens (family_id, expires_at);
CREATE INDEX family_access_tokens_by_expiry ON family_access_tokens (expires_at);
)sql"},
      {21, "shared scopes; the roles of the management (system) scopes and role aliases", R"sql(
CREATE TABLE shared_scopes (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  description  TEXT NOT NULL,
  bindings     TEXT NOT NULL,
  created_time INTEGER NOT NULL
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
-- The roles that held each scope before the mapping could change (identity/roles.cc).
INSERT INTO system_scope_roles (scope, role) VALUES
  ('apim:api_view', 'admin'), ('apim:api_view', 'creator'), ('apim:api_view', 'publisher'),
  ('apim:api_create', 'admin'), ('apim:api_create', 'creator'),
  ('apim:api_publish', 'admin'), ('apim:api_publish', 'publisher'),
  ('apim:api_import_export', 'admin'), ('apim:api_import_export', 'creator'),
  ('apim:subscribe', 'admin'), ('apim:subscribe', 'subscriber'),
  ('apim:admin', 'admin'),
  ('apim:shared_scope_manage', 'admin'), ('apim:shared_scope_manage', 'creator'),
  ('apim:scope_manage', 'admin'),
  ('service_catalog:service_view', 'admin'), ('service_catalog:service_view', 'creator'),
  ('service_catalog:service_view', 'publisher'),
  ('service_catalog:service_write', 'admin'), ('service_catalog:service_write', 'creator');
)sql"},
      {22, "the Admin's application list in name order", R"sql(
CREATE INDEX applications_by_name ON applications (name, owner);
)sql"},
      {23, "comments on APIs (with one level of replies), users' ratings of APIs, name and context lookups ignoring case", R"sql(
-- A comment belongs to its API and a reply to its comment: deleting either removes what hangs on it.
CREATE TABLE api_comments (
  id             TEXT PRIMARY KEY,
  api_id         TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  parent_id      TEXT REFERENCES api_comments(id) ON DELETE CASCADE,
  content        TEXT NOT NULL,
  category       TEXT NOT NULL,
  entry_point    TEXT NOT NULL,
  created_by     TEXT NOT NULL,
  created_time   INTEGER NOT NULL,
  updated_time   INTEGER NOT NULL
);
-- Pages of an API's top-level comments (parent_id NULL) and of a comment's replies, in order
-- (the rowid, which ends every index, orders comments made in the same millisecond).
CREATE INDEX api_comments_by_api ON api_comments (api_id, parent_id, created_time);
-- For the cascade from a deleted comment to its replies.
CREATE INDEX api_comments_by_parent ON api_comments (parent_id);
CREATE TABLE api_ratings (
  id           TEXT NOT NULL UNIQUE,
  api_id       TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  rated_by     TEXT NOT NULL,
  rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
  created_time INTEGER NOT NULL,
  updated_time INTEGER NOT NULL,
  PRIMARY KEY (api_id, rated_by)
);
CREATE INDEX api_ratings_by_time ON api_ratings (api_id, created_time);
-- The Publisher's POST /apis/validate: is a name or a context taken, whatever its case.
CREATE INDEX apis_by_folded_name ON apis (name COLLATE NOCASE, version);
CREATE INDEX apis_by_folded_context ON apis (context COLLATE NOCASE, version);
-- Comments are written by the admin, creator and publisher roles in the Publisher (the product's
-- apim:comment_write; subscribers comment in the Developer Portal with apim:subscribe).
INSERT INTO system_scope_roles (scope, role) VALUES
  ('apim:comment_write', 'admin'), ('apim:comment_write', 'creator'), ('apim:comment_write', 'publisher');
)sql"},
      {24, "gateway environments, their gateways' heartbeats, environment-specific API properties, labels", R"sql(
CREATE TABLE gateway_environments (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  definition   TEXT NOT NULL,
  created_time INTEGER NOT NULL
);
CREATE TABLE gateway_instances (
  gateway_id  TEXT PRIMARY KEY,
  environment TEXT NOT NULL,
  last_active INTEGER NOT NULL
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
  name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
  description TEXT NOT NULL
);
CREATE TABLE api_labels (
  api_id   TEXT NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
  label_id TEXT NOT NULL REFERENCES labels (id),
  PRIMARY KEY (api_id, label_id)
);
CREATE INDEX api_labels_by_label ON api_labels (label_id, api_id);
)sql"},
      {25, "endpoint certificates and API client certificates (mutual TLS)", R"sql(
CREATE TABLE endpoint_certificates (
  alias        TEXT PRIMARY KEY,
  endpoint     TEXT NOT NULL,
  certificate  TEXT NOT NULL,
  created_time INTEGER NOT NULL
);
CREATE TABLE api_client_certificates (
  api_id       TEXT NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
  key_type     TEXT NOT NULL CHECK (key_type IN ('PRODUCTION', 'SANDBOX')),
  alias        TEXT NOT NULL,
  tier         TEXT NOT NULL,
  certificate  TEXT NOT NULL,
  created_time INTEGER NOT NULL,
  PRIMARY KEY (api_id, key_type, alias)
);
)sql"},
      {26, "custom operation policies and gateway policy mappings", R"sql(
-- api_id '' holds the common policies; an API's own go with it (the trigger: '' cannot be a key).
CREATE TABLE operation_policies (
  id           TEXT PRIMARY KEY,
  api_id       TEXT NOT NULL,
  name         TEXT NOT NULL,
  version      TEXT NOT NULL,
  record       TEXT NOT NULL,
  created_time INTEGER NOT NULL,
  UNIQUE (api_id, name, version)
);
CREATE TRIGGER operation_policies_go_with_their_api AFTER DELETE ON apis
BEGIN
  DELETE FROM operation_policies WHERE api_id = OLD.id;
END;
CREATE TABLE gateway_policy_mappings (
  id           TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  description  TEXT NOT NULL,
  flows        TEXT NOT NULL,
  created_time INTEGER NOT NULL
);
CREATE TABLE gateway_policy_deployments (
  environment TEXT PRIMARY KEY,
  mapping_id  TEXT NOT NULL REFERENCES gateway_policy_mappings (id)
);
CREATE INDEX gateway_policy_deployments_by_mapping ON gateway_policy_deployments (mapping_id, environment);
)sql"},
      {27, "issued API keys (metadata only, by jti) for the Admin's list and revocation", R"sql(
CREATE TABLE api_keys (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL,
  application_id   TEXT NOT NULL,
  application_name TEXT NOT NULL,
  api_id           TEXT NOT NULL,
  api_name         TEXT NOT NULL,
  key_type         TEXT NOT NULL,
  owner            TEXT NOT NULL,
  issued_time      INTEGER NOT NULL,
  validity_seconds INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  revoked_time     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_by_issue ON api_keys (issued_time, id);
)sql"},
      {28, "approval tasks (workflows) and which kinds of change wait for approval", R"sql(
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
  created_time INTEGER NOT NULL,
  updated_time INTEGER NOT NULL
);
-- One pending task per type, subject and environment; the approver's list reads pending tasks in order.
CREATE UNIQUE INDEX workflows_one_pending ON workflows (type, subject_id, environment) WHERE status = 'CREATED';
CREATE INDEX workflows_pending ON workflows (status, type, created_time);
CREATE INDEX workflows_by_subject ON workflows (subject_id, status);
CREATE TABLE workflow_settings (
  type              TEXT PRIMARY KEY,
  approval_required INTEGER NOT NULL
);
-- A task goes with what it concerns (cascaded deletes fire these too).
CREATE TRIGGER workflows_of_deleted_application AFTER DELETE ON applications
BEGIN DELETE FROM workflows WHERE subject_id = OLD.id; END;
CREATE TRIGGER workflows_of_deleted_subscription AFTER DELETE ON subscriptions
BEGIN DELETE FROM workflows WHERE subject_id = OLD.id; END;
CREATE TRIGGER workflows_of_deleted_api AFTER DELETE ON apis
BEGIN DELETE FROM workflows WHERE subject_id = OLD.id; END;
)sql"},
      {29, "Publisher access control: the roles that may see an API restricted to roles", R"sql(
-- Rows only for APIs (and API products) whose accessControl is RESTRICTED: one per role of their
-- accessControlRoles (lower case). Admins see every API; other Publisher users see the APIs
-- without rows and those with a row of one of their roles.
CREATE TABLE api_access_roles (
  api_id TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
  role   TEXT NOT NULL,
  PRIMARY KEY (api_id, role)
);
)sql"},
      {30, "application attributes, server settings (the Publisher's linter custom rules), platform gateways", kMigration30},
      {31, "apim:app_import_export held by admin", R"sql(
-- apim:app_import_export (the DevPortal's application export and import) held by admin, so an
-- admin's token can carry it as in the product (no role held it: only HTTP Basic reached those routes).
INSERT INTO system_scope_roles (scope, role) VALUES ('apim:app_import_export', 'admin');
)sql"},
  };
  return kMigrations;
}

}  // namespace archway::store
