#pragma once
// The backend JWT (X-JWT-Assertion): the caller's claims, signed by the gateway's own ES256 key so
// backends need not trust the caller's token. The key's JWKS is served by the gateway at
// /.well-known/jwks.json. Signing is cached per worker per credential and API until expiry.
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

#include "crypto/jwk.h"
#include "gateway/runtime_snapshot.h"
#include "gateway/token_authenticator.h"

namespace archway::gateway {

class BackendJwtSigner {
 public:
  static constexpr std::int64_t kLifetimeS = 900;

  BackendJwtSigner();  // a fresh ES256 key
  const std::string& jwks_json() const { return jwks_; }
  std::string sign(const ApiRuntime& api, const ApplicationRuntime& app, const TokenCacheEntry& caller,
                   std::int64_t now_s, std::int64_t& exp_out) const;

 private:
  crypto::SigningKey key_;
  std::string jwks_;
};

// Per-worker cache of signed backend JWTs.
class BackendJwtCache {
 public:
  // The header value for this caller and API, signing a new one when none is cached or it is near expiry.
  const std::string& get(const BackendJwtSigner& signer, const ApiRuntime& api, const ApplicationRuntime& app,
                         const TokenCacheEntry& caller, std::int64_t now_s);

 private:
  struct Item {
    std::string jwt;
    std::int64_t exp = 0;
  };
  static constexpr std::size_t kMaxEntries = 20000;
  std::string key_;  // reused buffer
  StringMap<Item> map_;
};

}  // namespace archway::gateway
