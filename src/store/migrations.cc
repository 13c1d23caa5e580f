#include "store/migrations.h"

namespace archway::store {

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
  };
  return kMigrations;
}

}  // namespace archway::store
