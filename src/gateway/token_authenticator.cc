#include "gateway/token_authenticator.h"

#include <boost/json.hpp>

#include "crypto/jwt.h"

namespace archway::gateway {

const TokenCache::Entry* TokenCache::find(std::string_view token) const {
  auto it = map_.find(token);
  return it == map_.end() ? nullptr : &it->second;
}

void TokenCache::put(std::string_view token, Entry e) {
  if (map_.size() >= kMaxEntries) map_.clear();  // crude but bounded; a full cache is rebuilt as tokens reappear
  map_.insert_or_assign(std::string(token), std::move(e));
}

namespace {

AuthDecision deny(AuthOutcome o, std::string_view why) { return AuthDecision{o, why, nullptr, nullptr}; }

std::string_view bearer_token(std::string_view h) {
  if (h.size() < 8) return {};
  if (!(h.substr(0, 7) == "Bearer " || h.substr(0, 7) == "bearer ")) return {};
  h.remove_prefix(7);
  while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
  while (!h.empty() && h.back() == ' ') h.remove_suffix(1);
  return h;
}

std::string string_claim(const boost::json::object& c, std::string_view k) {
  auto* v = c.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

AuthDecision authorize(const RuntimeSnapshot& snap, const ApiRuntime& api, std::string_view authorization,
                       TokenCache& cache, std::int64_t now_s) {
  const std::string_view token = bearer_token(authorization);
  if (token.empty()) return deny(AuthOutcome::kMissingCredentials, "Send an access token: Authorization: Bearer <token>");
  const auto& settings = snap.settings();

  const TokenCache::Entry* entry = cache.find(token);
  if (entry && (now_s > entry->exp + settings.leeway_s || !snap.key(entry->kid))) entry = nullptr;
  if (!entry) {
    crypto::JwtError err = crypto::JwtError::kNone;
    auto jwt = crypto::parse_jwt(token, &err);
    if (!jwt) return deny(AuthOutcome::kInvalidCredentials, crypto::describe(err));
    const crypto::VerificationKey* key = snap.key(jwt->kid);
    if (!key) return deny(AuthOutcome::kInvalidCredentials, crypto::describe(crypto::JwtError::kUnknownKey));
    if (!crypto::verify_jwt_signature(*jwt, *key))
      return deny(AuthOutcome::kInvalidCredentials, crypto::describe(crypto::JwtError::kBadSignature));
    err = crypto::check_claims(jwt->claims, now_s, settings.leeway_s, settings.issuer);
    if (err != crypto::JwtError::kNone) return deny(AuthOutcome::kInvalidCredentials, crypto::describe(err));
    TokenCache::Entry e;
    e.kid = jwt->kid;
    e.client_id = string_claim(jwt->claims, "client_id");
    e.jti = string_claim(jwt->claims, "jti");
    e.exp = jwt->claims.at("exp").to_number<std::int64_t>();
    e.sandbox = string_claim(jwt->claims, "keytype") == "SANDBOX";
    if (e.client_id.empty() || e.jti.empty())
      return deny(AuthOutcome::kInvalidCredentials, "the token carries no client_id or jti");
    cache.put(token, std::move(e));
    entry = cache.find(token);
  }
  if (snap.revoked(entry->jti)) return deny(AuthOutcome::kInvalidCredentials, "the token has been revoked");

  const ClientRuntime* client = snap.client(entry->client_id);
  if (!client) return deny(AuthOutcome::kInvalidCredentials, "the token's application no longer exists");
  if (client->sandbox != entry->sandbox)
    return deny(AuthOutcome::kInvalidCredentials, "the token's key type does not match its client");
  auto sub = api.subscriptions.find(client->application);
  if (sub == api.subscriptions.end())
    return deny(AuthOutcome::kForbidden, "The application is not subscribed to this API");
  if (sub->second.status == domain::kSubscriptionBlocked ||
      (sub->second.status == domain::kSubscriptionProdOnlyBlocked && !entry->sandbox))
    return deny(AuthOutcome::kForbidden, "The subscription to this API is blocked");

  AuthDecision d;
  d.application = &snap.applications()[client->application];
  if (entry->sandbox) {
    if (!api.sandbox) return deny(AuthOutcome::kInvalidCredentials, "the API has no sandbox endpoint for a SANDBOX token");
    d.endpoint = &*api.sandbox;
  } else {
    d.endpoint = &*api.production;
  }
  return d;
}

}  // namespace archway::gateway
