#pragma once
// The gateway's security filter for secured operations: a Bearer access token or an API key
// (`apikey` header), as the API's securityScheme allows — both JWTs of the resident Key Manager
// (signature by a trusted kid, iss, exp/nbf with leeway, not revoked) — then the caller's
// application's subscription to the API from the snapshot's in-memory map (none needed for a
// PROTOTYPED API). A Publisher test key (an API key naming an API instead of an application)
// opens only that API, as a caller of no application. Verified tokens are cached per worker until they expire; revocations and
// subscription changes are checked on every request.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gateway/runtime_snapshot.h"

namespace archway::gateway {

enum class AuthOutcome {
  kAllowed,
  kMissingCredentials,  // 401, code 900902
  kInvalidCredentials,  // 401, code 900901
  kForbidden,           // 403, code 900908: not subscribed, or the subscription is blocked
  kScopeMissing,        // 403, code 900910: the token lacks every scope the operation accepts
};

// What a verified credential says, as the per-worker cache keeps it.
struct TokenCacheEntry {
  std::string kid;
  std::string client_id;       // access tokens
  std::string application_id;  // API keys
  std::string test_api_id;     // Publisher test keys: the one API they open (no application)
  std::string subject;
  std::string jti;
  std::int64_t exp = 0;  // 0: does not expire
  std::string scope;   // " a b c ": space-padded for whole-word search
  std::string issuer;  // empty for the resident Key Manager, else the external issuer
  bool sandbox = false;
  bool api_key = false;
  std::string claims;  // the JWT payload (JSON), for JWT-claim conditions of throttling policies
  std::string audiences;  // the aud claim (a string or an array) as " a b "
};

struct AuthDecision {
  AuthOutcome outcome = AuthOutcome::kAllowed;
  std::string_view description;
  const EndpointGroup* endpoint = nullptr;  // production or sandbox, by the token's key type
  const ApplicationRuntime* application = nullptr;
  const TokenCacheEntry* token = nullptr;  // what the credential said (valid until the next cache write)
  const SubscriptionRuntime* subscription = nullptr;  // none for a PROTOTYPED API
  bool sandbox = false;
};


// Hashes a token by its length and its last 32 bytes: a JWT's signature (or an opaque token's
// random tail) tells tokens apart, and hashing the whole of a ~900-byte token cost more than the
// rest of the lookup. Equal tails only share a bucket (the key compares whole), and only tokens
// whose signature verified are stored, so crafted tokens sharing a tail lengthen no chain.
struct TokenHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view token) const noexcept {
    constexpr std::size_t kTail = 32;
    const std::string_view tail = token.size() > kTail ? token.substr(token.size() - kTail) : token;
    return common::FastStringHash{}(tail) ^ (token.size() * 0x9E3779B97F4A7C15ULL);
  }
};

// Per-worker cache of verified tokens; bounded, never shared between threads.
class TokenCache {
 public:
  using Entry = TokenCacheEntry;
  // The bound: a put into a full cache empties it first (tokens still in use are verified again).
  static constexpr std::size_t kMaxEntries = 20000;
  const Entry* find(std::string_view token) const;
  void put(std::string_view token, Entry e);
  std::size_t size() const { return map_.size(); }
  // Credentials found verified here, and verified afresh (the worker's own: metrics copy them).
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;

 private:
  std::unordered_map<std::string, Entry, TokenHash, std::equal_to<>> map_;
};

// Told about a token of a known external issuer signed with a kid we do not have (so the
// control plane can refetch that issuer's JWKS); must be cheap and thread-safe.
using UnknownKeyHandler = std::function<void(std::string_view issuer)>;

AuthDecision authorize(const RuntimeSnapshot& snap, const ApiRuntime& api, const OperationRuntime& op,
                       std::string_view authorization, std::string_view api_key, TokenCache& cache,
                       std::int64_t now_s, const UnknownKeyHandler& on_unknown_key = {});

}  // namespace archway::gateway
