// The Key Manager's records, over the SQL layer (see store/key_manager_store.h).
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

domain::ApiKeyRecord api_key_from(const Stmt& s) {
  return {s.text(0), s.text(1), s.text(2),    s.text(3),    s.text(4),     s.text(5),
          s.text(6), s.text(7), s.integer(8), s.integer(9), s.integer(10), s.integer(11)};
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
  return tx.append_change("token.revoked", t.jti,
                          json::serialize(json::object{{"expiresAt", t.expires_at}}));
}

// Within a transaction: the token, after the cleanup of those expired a day ago.
void insert_refresh_token(sql::Connection& conn, const domain::RefreshToken& t) {
  conn.prepare(q::kDeleteRefreshTokensBefore).bind(1, common::now_millis() / 1000 - 86400).run();
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

// Marks a code or refresh token used (`consume`, one row by its hash, only if unused) and records
// what was issued from it, in one transaction: of two racing redemptions exactly one succeeds.
bool redeem(sql::Connection& conn, const char* consume, std::string_view hash,
            const domain::FamilyIssue& f) {
  conn.prepare(consume).bind(1, hash).run();
  if (conn.changes() == 0) return false;
  insert_family_issue(conn, f);
  return true;
}

}  // namespace records

using namespace records;

void SqlKeyManagerStore::create_key_manager(const domain::ExternalKeyManager& k) {
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

std::vector<domain::ExternalKeyManager> SqlKeyManagerStore::list_key_managers() {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::ExternalKeyManager> {
    return all_rows(conn.prepare(kKmColumns + std::string(" ORDER BY name")), km_from);
  });
}

std::optional<domain::ExternalKeyManager> SqlKeyManagerStore::get_key_manager(std::string_view id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::ExternalKeyManager> {
    return first_row(conn.prepare(kKmColumns + std::string(" WHERE id = ?")).bind(1, id), km_from);
  });
}

void SqlKeyManagerStore::update_key_manager(const domain::ExternalKeyManager& k) {
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

bool SqlKeyManagerStore::delete_key_manager(std::string_view id) {
  bool removed = false;
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    auto& conn = tx.conn();
    conn.prepare("DELETE FROM key_managers WHERE id = ?").bind(1, id).run();
    removed = conn.changes() > 0;
    return removed ? tx.append_change("keymanager.changed", id, "{}") : 0;
  });
  return removed;
}

void SqlKeyManagerStore::set_key_manager_jwks(std::string_view id, std::string_view jwks,
                                              std::int64_t fetched) {
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

void SqlKeyManagerStore::add_signing_key(const domain::SigningKeyRecord& k) {
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

void SqlKeyManagerStore::retire_signing_keys_except(std::string_view kid, std::int64_t now) {
  db_.write([&](sql::Tx& tx) {
    auto& conn = tx.conn();
    conn.prepare("UPDATE signing_keys SET retired_time = ? WHERE kid <> ? AND retired_time = 0")
        .bind(1, now)
        .bind(2, kid)
        .run();
    return tx.append_change("signing_key.changed", kid, "{}");
  });
}

std::vector<domain::SigningKeyRecord> SqlKeyManagerStore::list_signing_keys() {
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

void SqlKeyManagerStore::revoke_token(const domain::RevokedToken& t) {
  db_.write([&](sql::Tx& tx) -> std::int64_t {
    auto& conn = tx.conn();
    conn.prepare("UPDATE api_keys SET revoked_time = ? WHERE id = ? AND revoked_time = 0")
        .bind(1, common::now_millis())
        .bind(2, t.jti)
        .run();
    const std::int64_t rev = insert_revocation(tx, t);
    if (rev != 0)
      conn.prepare(q::kDeleteRevokedTokensBefore).bind(1, common::now_millis() / 1000 - 3600).run();
    return rev;
  });
}

void SqlKeyManagerStore::record_api_key(const domain::ApiKeyRecord& k) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    conn.prepare(
            "INSERT INTO api_keys (id, name, application_id, application_name, api_id, api_name, "
            "key_type, owner, "
            "issued_time, validity_seconds, expires_at, revoked_time) VALUES "
            "(?,?,?,?,?,?,?,?,?,?,?,?)")
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

std::vector<domain::ApiKeyRecord> SqlKeyManagerStore::list_api_keys(std::int64_t limit,
                                                                    std::int64_t offset) {
  return db_.read([&](sql::Connection& conn) -> std::vector<domain::ApiKeyRecord> {
    return all_rows(conn.prepare(std::string(kApiKeyColumns) +
                                 " ORDER BY issued_time DESC, id LIMIT ? OFFSET ?")
                        .bind(1, sql::limit_param(limit))
                        .bind(2, offset),
                    api_key_from);
  });
}

std::int64_t SqlKeyManagerStore::count_api_keys() {
  return db_.read([&](sql::Connection& conn) -> std::int64_t {
    Stmt s = conn.prepare("SELECT COUNT(*) FROM api_keys");
    s.step();
    return s.integer(0);
  });
}

std::optional<domain::ApiKeyRecord> SqlKeyManagerStore::get_api_key(std::string_view id) {
  return db_.read([&](sql::Connection& conn) -> std::optional<domain::ApiKeyRecord> {
    return first_row(conn.prepare(std::string(kApiKeyColumns) + " WHERE id = ?").bind(1, id),
                     api_key_from);
  });
}

bool SqlKeyManagerStore::is_token_revoked(std::string_view jti) {
  return db_.read([&](sql::Connection& conn) -> bool {
    Stmt s = conn.prepare("SELECT 1 FROM revoked_tokens WHERE jti = ?");
    s.bind(1, jti);
    return s.step();
  });
}

void SqlKeyManagerStore::save_refresh_token(const domain::RefreshToken& t) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    insert_refresh_token(conn, t);
  });
}

void SqlKeyManagerStore::record_family_issue(const domain::FamilyIssue& f) {
  return db_.write([&](sql::Tx& tx) -> void {
    auto& conn = tx.conn();
    insert_family_issue(conn, f);
  });
}

bool SqlKeyManagerStore::redeem_authorization_code(std::string_view hash,
                                                   const domain::FamilyIssue& f) {
  return db_.write([&](sql::Tx& tx) -> bool {
    auto& conn = tx.conn();
    return redeem(conn, "UPDATE authorization_codes SET used = 1 WHERE code_hash = ? AND used = 0",
                  hash, f);
  });
}

bool SqlKeyManagerStore::redeem_refresh_token(std::string_view hash, const domain::FamilyIssue& f) {
  return db_.write([&](sql::Tx& tx) -> bool {
    auto& conn = tx.conn();
    return redeem(conn, "UPDATE refresh_tokens SET used = 1 WHERE token_hash = ? AND used = 0",
                  hash, f);
  });
}

std::size_t SqlKeyManagerStore::revoke_token_family(std::string_view family_id) {
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
      conn.prepare(q::kDeleteRevokedTokensBefore).bind(1, common::now_millis() / 1000 - 3600).run();
    return rev;
  });
  return revoked;
}

void SqlKeyManagerStore::save_authorization_code(const domain::AuthorizationCode& c) {
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

std::optional<domain::AuthorizationCode> SqlKeyManagerStore::find_authorization_code(
    std::string_view hash) {
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

bool SqlKeyManagerStore::consume_authorization_code(std::string_view hash) {
  return db_.write([&](sql::Tx& tx) -> bool {
    auto& conn = tx.conn();
    conn.prepare("UPDATE authorization_codes SET used = 1 WHERE code_hash = ? AND used = 0")
        .bind(1, hash)
        .run();
    return conn.changes() > 0;
  });
}

std::optional<domain::RefreshToken> SqlKeyManagerStore::find_refresh_token(std::string_view hash) {
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

bool SqlKeyManagerStore::consume_refresh_token(std::string_view hash) {
  return db_.write([&](sql::Tx& tx) -> bool {
    auto& conn = tx.conn();
    conn.prepare("UPDATE refresh_tokens SET used = 1 WHERE token_hash = ? AND used = 0")
        .bind(1, hash)
        .run();
    return conn.changes() > 0;
  });
}

}  // namespace archway::store
