#pragma once
// The Key Manager's records: external key managers, signing keys, revocations, issued API keys,
// refresh tokens, authorization codes and token families. One aggregate of the store (see store.h).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/application.h"

namespace archway::store {

class KeyManagerStore {
 public:
  virtual ~KeyManagerStore() = default;

  // External key managers (unique name and issuer).
  virtual void create_key_manager(const domain::ExternalKeyManager& km) = 0;
  virtual std::vector<domain::ExternalKeyManager> list_key_managers() = 0;
  virtual std::optional<domain::ExternalKeyManager> get_key_manager(std::string_view id) = 0;
  virtual void update_key_manager(const domain::ExternalKeyManager& km) = 0;  // not the cached JWKS
  virtual bool delete_key_manager(std::string_view id) = 0;
  virtual void set_key_manager_jwks(std::string_view id, std::string_view jwks, std::int64_t fetched_time) = 0;

  // Key Manager signing keys and token revocations.
  virtual void add_signing_key(const domain::SigningKeyRecord& key) = 0;
  // Marks every other active key retired at `now`; they stay trusted until their tokens expire.
  virtual void retire_signing_keys_except(std::string_view kid, std::int64_t now) = 0;
  virtual std::vector<domain::SigningKeyRecord> list_signing_keys() = 0;
  // Revokes (token.revoked event); an API key recorded under the jti is marked revoked with it.
  virtual void revoke_token(const domain::RevokedToken& token) = 0;
  // Issued API keys (metadata only). list_api_keys: newest first, `limit` at most.
  virtual void record_api_key(const domain::ApiKeyRecord& key) = 0;
  virtual std::vector<domain::ApiKeyRecord> list_api_keys(std::int64_t limit, std::int64_t offset) = 0;
  virtual std::int64_t count_api_keys() = 0;
  virtual std::optional<domain::ApiKeyRecord> get_api_key(std::string_view id) = 0;
  virtual bool is_token_revoked(std::string_view jti) = 0;
  virtual void save_refresh_token(const domain::RefreshToken& token) = 0;
  virtual void save_authorization_code(const domain::AuthorizationCode& code) = 0;
  virtual std::optional<domain::AuthorizationCode> find_authorization_code(std::string_view code_hash) = 0;
  // Marks the code used; false when it was used already.
  virtual bool consume_authorization_code(std::string_view code_hash) = 0;
  virtual std::optional<domain::RefreshToken> find_refresh_token(std::string_view token_hash) = 0;
  // Marks the token used; false when it was used already (so two concurrent uses cannot both win).
  virtual bool consume_refresh_token(std::string_view token_hash) = 0;

  // Token families (RFC 9700 §4.14). Records the tokens a grant that starts a family issued.
  virtual void record_family_issue(const domain::FamilyIssue& issue) = 0;

  // Marks the code (or refresh token) used and records what was issued for it in one transaction;
  // false, recording nothing, when it was used already. So whoever loses a race for it finds the
  // winner's tokens in the family when it revokes the family.
  virtual bool redeem_authorization_code(std::string_view code_hash, const domain::FamilyIssue& issue) = 0;
  virtual bool redeem_refresh_token(std::string_view token_hash, const domain::FamilyIssue& issue) = 0;
  // Revokes a family in one transaction: every refresh token of it becomes used, and every access
  // token of it not yet expired is revoked as revoke_token() does (one token.revoked event each).
  // Returns how many access tokens were revoked.
  virtual std::size_t revoke_token_family(std::string_view family_id) = 0;
};

}  // namespace archway::store
