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
  };
  return kMigrations;
}

}  // namespace archway::store
