#include "gateway/token_authenticator.h"

#include <boost/json.hpp>

#include <algorithm>

#include "crypto/jwt.h"
#include "domain/workflow.h"

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

// Whether `word` is one of the space-separated words of `padded` (which starts and ends with ' ').
bool has_word(std::string_view padded, std::string_view word) {
  for (std::size_t at = padded.find(word); at != std::string_view::npos; at = padded.find(word, at + 1))
    if (at > 0 && padded[at - 1] == ' ' && at + word.size() < padded.size() && padded[at + word.size()] == ' ')
      return true;
  return false;
}

std::string string_claim(const boost::json::object& c, std::string_view k) {
  auto* v = c.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

namespace {

// Verifies `token` (an access token, or an API key when `api_key`) and caches what it says.
const crypto::VerificationKey* key_of(const RuntimeSnapshot& snap, std::string_view issuer, std::string_view kid) {
  if (issuer.empty()) return snap.key(kid);
  const ExternalIssuer* ei = snap.issuer(issuer);
  if (!ei) return nullptr;
  auto it = ei->keys.find(kid);
  return it == ei->keys.end() ? nullptr : &it->second;
}

// A claim holding scopes as a space-separated string or an array of strings, as " a b ".
std::string padded_scopes(const boost::json::object& c, std::string_view claim) {
  std::string out = " ";
  auto* v = c.if_contains(claim);
  if (v && v->is_string()) out.append(v->get_string()).push_back(' ');
  if (v && v->is_array())
    for (const auto& s : v->get_array())
      if (s.is_string()) out.append(s.get_string()).push_back(' ');
  return out;
}

const TokenCache::Entry* verified(const RuntimeSnapshot& snap, std::string_view token, bool api_key,
                                  TokenCache& cache, std::int64_t now_s, std::string_view& why,
                                  const UnknownKeyHandler& on_unknown_key) {
  const auto& settings = snap.settings();
  const TokenCache::Entry* entry = cache.find(token);
  if (entry && (entry->api_key != api_key || (entry->exp != 0 && now_s > entry->exp + settings.leeway_s) ||
                !key_of(snap, entry->issuer, entry->kid)))
    entry = nullptr;
  if (entry) {
    ++cache.hits;
    return entry;
  }
  ++cache.misses;
  crypto::JwtError err = crypto::JwtError::kNone;
  auto jwt = crypto::parse_jwt(token, &err);
  if (!jwt) {
    why = crypto::describe(err);
    return nullptr;
  }
  // Whose token is it? Ours, or a registered external key manager's (never for API keys).
  const std::string iss = string_claim(jwt->claims, "iss");
  const ExternalIssuer* external = nullptr;
  if (iss != settings.issuer) {
    external = api_key ? nullptr : snap.issuer(iss);
    if (!external) {
      why = crypto::describe(crypto::JwtError::kWrongIssuer);
      return nullptr;
    }
  }
  const crypto::VerificationKey* key = key_of(snap, external ? std::string_view(iss) : std::string_view(), jwt->kid);
  if (!key) {
    if (external && on_unknown_key) on_unknown_key(iss);  // perhaps the IdP rotated its keys
    why = crypto::describe(crypto::JwtError::kUnknownKey);
    return nullptr;
  }
  if (!crypto::verify_jwt_signature(*jwt, *key)) {
    why = crypto::describe(crypto::JwtError::kBadSignature);
    return nullptr;
  }
  err = crypto::check_claims(jwt->claims, now_s, settings.leeway_s, iss, !api_key);
  if (err != crypto::JwtError::kNone) {
    why = crypto::describe(err);
    return nullptr;
  }
  if ((string_claim(jwt->claims, "token_type") == "apiKey") != api_key) {
    why = api_key ? "an access token is not an API key" : "an API key is not an access token";
    return nullptr;
  }
  TokenCache::Entry e;
  e.kid = jwt->kid;
  e.api_key = api_key;
  e.jti = string_claim(jwt->claims, "jti");
  e.subject = string_claim(jwt->claims, "sub");
  if (auto* exp = jwt->claims.if_contains("exp")) e.exp = exp->to_number<std::int64_t>();
  e.sandbox = string_claim(jwt->claims, "keytype") == "SANDBOX";
  e.scope = padded_scopes(jwt->claims, external ? std::string_view(external->scopes_claim) : std::string_view("scope"));
  if (external) e.issuer = iss;
  e.claims = boost::json::serialize(jwt->claims);
  e.audiences = padded_scopes(jwt->claims, "aud");
  if (api_key) {
    if (auto* app = jwt->claims.if_contains("application"); app && app->is_object())
      e.application_id = string_claim(app->get_object(), "id");
    else if (auto* test = jwt->claims.if_contains("api"); test && test->is_object())
      e.test_api_id = string_claim(test->get_object(), "id");
    if (e.application_id.empty() && e.test_api_id.empty()) {
      why = "the API key names no application";
      return nullptr;
    }
  } else {
    e.client_id = string_claim(jwt->claims, external ? std::string_view(external->consumer_key_claim)
                                                     : std::string_view("client_id"));
    if (e.client_id.empty()) {
      why = "the token carries no client_id";
      return nullptr;
    }
  }
  if (e.jti.empty() && !external) {  // external IdPs need not issue jti; revocation is theirs
    why = "the token carries no jti";
    return nullptr;
  }
  cache.put(token, std::move(e));
  return cache.find(token);
}

}  // namespace

AuthDecision authorize(const RuntimeSnapshot& snap, const ApiRuntime& api, const OperationRuntime& op,
                       std::string_view authorization, std::string_view api_key, TokenCache& cache,
                       std::int64_t now_s, const UnknownKeyHandler& on_unknown_key) {
  // An API key where the scheme allows one; else only a Publisher test key, which opens its API
  // whatever the scheme (checked once verified), sent without a Bearer token.
  const std::string_view bearer = api.oauth2 ? bearer_token(authorization) : std::string_view();
  const bool use_key = !api_key.empty() && (api.api_key || bearer.empty());
  const std::string_view token = use_key ? api_key : bearer;
  if (token.empty())
    return deny(AuthOutcome::kMissingCredentials, api.oauth2 ? (api.api_key ? "Send an access token (Authorization: Bearer) or an API key (apikey header)"
                                                                            : "Send an access token: Authorization: Bearer <token>")
                                                             : "Send an API key in the apikey header");
  std::string_view why;
  const TokenCache::Entry* entry = verified(snap, token, use_key, cache, now_s, why, on_unknown_key);
  // On an API without API keys, an apikey header that is no test key counts as no credential.
  const bool only_test_key = use_key && !api.api_key;
  if (!entry)
    return only_test_key ? deny(AuthOutcome::kMissingCredentials, "Send an access token: Authorization: Bearer <token>")
                         : deny(AuthOutcome::kInvalidCredentials, why);
  if (!entry->jti.empty() && snap.revoked(entry->jti))
    return deny(AuthOutcome::kInvalidCredentials, "the token has been revoked");

  if (!use_key && !api.audiences.empty() &&
      std::ranges::none_of(api.audiences, [&](const std::string& aud) { return has_word(entry->audiences, aud); }))
    return deny(AuthOutcome::kInvalidCredentials, "the access token's audience is not one this API accepts");

  if (only_test_key && entry->test_api_id.empty())
    return deny(AuthOutcome::kMissingCredentials, "Send an access token: Authorization: Bearer <token>");
  if (use_key && !entry->test_api_id.empty()) {  // a Publisher test key: this API only, no subscription
    if (entry->test_api_id != api.id) return deny(AuthOutcome::kInvalidCredentials, "the test key is for another API");
    if (!snap.serves_key_type(false))
      return deny(AuthOutcome::kInvalidCredentials, "this gateway environment serves SANDBOX keys only");
    AuthDecision d;
    d.token = entry;
    d.endpoint = op.production;
    return d;
  }
  std::uint32_t app = 0;  // the application's handle
  bool sandbox = entry->sandbox;
  if (use_key) {
    const std::uint32_t* handle = snap.application_handle(entry->application_id);
    if (!handle) return deny(AuthOutcome::kInvalidCredentials, "the API key's application no longer exists");
    app = *handle;
  } else if (!entry->issuer.empty()) {
    const ExternalIssuer* ei = snap.issuer(entry->issuer);
    const ClientRuntime* client = ei ? snap.external_client(ei->name, entry->client_id) : nullptr;
    if (!client) return deny(AuthOutcome::kInvalidCredentials, "the token's client is not mapped to an application");
    app = client->application;
    sandbox = client->sandbox;  // external tokens carry no key type: the mapping decides
  } else {
    const ClientRuntime* client = snap.client(entry->client_id);
    if (!client) return deny(AuthOutcome::kInvalidCredentials, "the token's application no longer exists");
    if (client->sandbox != entry->sandbox)
      return deny(AuthOutcome::kInvalidCredentials, "the token's key type does not match its client");
    app = client->application;
  }
  if (!snap.serves_key_type(sandbox))
    return deny(AuthOutcome::kInvalidCredentials, sandbox ? "this gateway environment serves PRODUCTION keys only"
                                                          : "this gateway environment serves SANDBOX keys only");
  const ApplicationRuntime* application = snap.application(app);
  if (!application) return deny(AuthOutcome::kInvalidCredentials, "the token's application no longer exists");
  // A prototype is tried out without subscribing (the product's PROTOTYPED state).
  const SubscriptionRuntime* subscription = nullptr;
  if (!api.prototyped) {
    subscription = snap.subscription(api, app);
    if (!subscription) return deny(AuthOutcome::kForbidden, "The application is not subscribed to this API");
    if (subscription->status == domain::kSubscriptionBlocked ||
        (subscription->status == domain::kSubscriptionProdOnlyBlocked && !sandbox))
      return deny(AuthOutcome::kForbidden, "The subscription to this API is blocked");
    // Waiting for approval (ON_HOLD) or rejected; a pending tier change keeps the current tier.
    if (subscription->status != domain::kSubscriptionUnblocked &&
        subscription->status != domain::kSubscriptionProdOnlyBlocked &&
        subscription->status != domain::kSubscriptionTierUpdatePending)
      return deny(AuthOutcome::kForbidden, "The subscription to this API is not active");
  }

  if (!op.scopes.empty()) {
    bool granted = false;
    for (const auto& sc : op.scopes) granted = granted || has_word(entry->scope, sc);
    if (!granted) return deny(AuthOutcome::kScopeMissing, "The access token does not allow this operation's scopes");
  }

  AuthDecision d;
  d.application = application;
  d.token = entry;
  d.subscription = subscription;
  d.sandbox = sandbox;
  if (sandbox) {
    // A mock answers every key type (an INLINE API has no endpoints at all).
    if (!op.sandbox && !op.request.mock)
      return deny(AuthOutcome::kInvalidCredentials, "the API has no sandbox endpoint for a SANDBOX token");
    d.endpoint = op.sandbox;
  } else {
    d.endpoint = op.production;
  }
  return d;
}

}  // namespace archway::gateway
