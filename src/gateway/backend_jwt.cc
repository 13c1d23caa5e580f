#include "gateway/backend_jwt.h"

#include <boost/json.hpp>

#include "crypto/jwt.h"

namespace archway::gateway {

namespace json = boost::json;

BackendJwtSigner::BackendJwtSigner() : key_(crypto::SigningKey::generate(crypto::JwsAlg::kES256)) {
  jwks_ = json::serialize(json::object{{"keys", json::array{key_.public_jwk()}}});
}

std::string BackendJwtSigner::sign(const ApiRuntime& api, const ApplicationRuntime& app, const TokenCacheEntry& caller,
                                   std::int64_t now, std::int64_t& exp_out) const {
  exp_out = now + kLifetimeS;
  if (caller.exp != 0 && caller.exp < exp_out) exp_out = caller.exp;
  std::string_view scope = caller.scope;
  while (!scope.empty() && scope.front() == ' ') scope.remove_prefix(1);
  while (!scope.empty() && scope.back() == ' ') scope.remove_suffix(1);
  json::object claims{{"iss", "archway-gateway"},
                      {"sub", caller.subject},
                      {"iat", now},
                      {"exp", exp_out},
                      {"keytype", caller.sandbox ? "SANDBOX" : "PRODUCTION"},
                      {"scope", scope},
                      {"application", json::object{{"id", app.id}, {"name", app.name}, {"owner", app.owner}, {"tier", app.tier}}},
                      {"api", json::object{{"id", api.id}, {"name", api.name}, {"context", api.context}, {"version", api.version}}}};
  if (!caller.client_id.empty()) claims["client_id"] = caller.client_id;
  if (!caller.issuer.empty()) claims["token_issuer"] = caller.issuer;
  return crypto::sign_jwt(key_, claims);
}

const std::string& BackendJwtCache::get(const BackendJwtSigner& signer, const ApiRuntime& api,
                                        const ApplicationRuntime& app, const TokenCacheEntry& caller,
                                        std::int64_t now) {
  key_.clear();
  key_.append(caller.jti.empty() ? caller.client_id + "\n" + caller.subject : caller.jti).push_back('\n');
  key_.append(api.id);
  auto it = map_.find(key_);
  if (it != map_.end() && it->second.exp - 30 > now) return it->second.jwt;
  if (map_.size() >= kMaxEntries) map_.clear();
  Item item;
  item.jwt = signer.sign(api, app, caller, now, item.exp);
  return map_.insert_or_assign(key_, std::move(item)).first->second.jwt;
}

}  // namespace archway::gateway
