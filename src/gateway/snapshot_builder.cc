#include "gateway/snapshot_builder.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "crypto/x509_certificate.h"
#include "domain/url.h"

namespace archway::gateway {

SnapshotBuilder::SnapshotBuilder(SnapshotSettings settings)
    : settings_(std::make_shared<const SnapshotSettings>(std::move(settings))) {
  next_.settings_ = settings_;
  set_policies({}, {});
}

const traffic::Policy* SnapshotBuilder::enforced(std::string_view level, std::string_view name) {
  return enforced_policy(*next_.policies_, level, name, [this](std::string w) { warnings_.push_back(std::move(w)); });
}

void SnapshotBuilder::reset(const std::vector<domain::DeployedApi>& apis, const domain::SecurityState& security) {
  const auto settings = settings_;
  auto warnings = std::move(warnings_);
  const std::uint32_t handles = next_handle_;
  *this = SnapshotBuilder(*settings);
  settings_ = settings;
  next_.settings_ = settings;
  warnings_ = std::move(warnings);
  next_handle_ = handles;  // handles are never reused within the process

  set_environment_type(security.environment_type);
  gateway_policies_ = security.gateway_policies;
  apps_.reserve(security.applications.size());
  apis_.reserve(apis.size());
  next_.applications_.reserve(security.applications.size());
  next_.application_handles_.reserve(security.applications.size());
  next_.clients_.reserve(security.key_mappings.size());
  next_.subscriptions_.reserve(security.subscriptions.size());
  set_policies(security.policies, security.block_conditions);
  set_signing_keys(security.public_jwks);
  set_key_managers(security.external_key_managers);
  set_certificates(security.endpoint_certificates, security.client_certificates);
  for (const auto& a : security.applications) put_application(a);
  std::unordered_map<std::string_view, std::vector<domain::KeyMapping>> keys;
  for (const auto& k : security.key_mappings) keys[k.application_id].push_back(k);
  for (const auto& [app, list] : keys) set_keys(std::string(app), list);
  for (const auto& s : security.subscriptions) put_subscription(s);
  for (const auto& t : security.revoked_tokens) next_.revoked_.put(t.jti, t.expires_at);
  for (const auto& d : apis) put_api(d);
}

bool SnapshotBuilder::apply(const domain::ConfigChange& change) {
  return std::visit(
      [this](const auto& c) -> bool {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, domain::ApiChange>) {
          if (c.deployed && !c.deleted) put_api(*c.deployed);
          else remove_api(c.api_id, c.deleted);
        } else if constexpr (std::is_same_v<T, domain::ApplicationChange>) {
          if (c.application) put_application(*c.application);
          else remove_application(c.id);
        } else if constexpr (std::is_same_v<T, domain::KeysChange>) {
          set_keys(c.application_id, c.keys);
        } else if constexpr (std::is_same_v<T, domain::SubscriptionChange>) {
          if (c.subscription) put_subscription(*c.subscription);
          else if (!c.application_id.empty()) remove_subscription(c.application_id, c.api_id);
        } else if constexpr (std::is_same_v<T, domain::TokenRevoked>) {
          next_.revoked_.put(c.token.jti, c.token.expires_at);
        } else if constexpr (std::is_same_v<T, domain::PoliciesChange>) {
          return false;  // every compiled API and entry points into the policies: reload whole
        } else if constexpr (std::is_same_v<T, domain::GatewayPoliciesChange>) {
          return false;  // every API runs them: reload whole (the load carries them)
        } else if constexpr (std::is_same_v<T, domain::SigningKeysChange>) {
          set_signing_keys(c.public_jwks);
        } else if constexpr (std::is_same_v<T, domain::KeyManagersChange>) {
          set_key_managers(c.key_managers);
        } else if constexpr (std::is_same_v<T, domain::EnvironmentChange>) {
          set_environment_type(c.type);
        } else if constexpr (std::is_same_v<T, domain::CertificatesChange>) {
          set_certificates(c.endpoint_certificates, c.client_certificates);
        }  // ThrottleReset changes counters, not the snapshot (app/serve.cc applies it)
        return true;
      },
      change);
}

void SnapshotBuilder::prune_revoked(std::int64_t now_s) {
  // As the store's security state: revocations are kept five minutes past the token's expiry.
  next_.revoked_.erase_if([&](const std::string&, std::int64_t expires_at) { return expires_at < now_s - 300; });
}

void SnapshotBuilder::set_policies(const std::vector<domain::ThrottlePolicy>& policies,
                                   const std::vector<domain::BlockCondition>& conditions) {
  next_.policies_ = traffic::PolicySet::compile(policies, conditions, &warnings_);
  next_.unauthenticated_ = nullptr;
  if (const auto* u = next_.policies_->find(domain::kPolicyLevelSubscription, "Unauthenticated"); u && (u->limit || u->burst))
    next_.unauthenticated_ = u;
}

void SnapshotBuilder::set_environment_type(const std::string& type) {
  next_.production_only_ = type == "production";
  next_.sandbox_only_ = type == "sandbox";
}

namespace {

// The origin ("https://host:port", as pool keys spell it) an endpoint certificate applies to.
std::optional<std::string> origin_of(std::string_view endpoint) {
  auto url = domain::parse_backend_url(endpoint);
  if (!url) return std::nullopt;
  return fmt::format("{}://{}:{}", url->tls ? "https" : "http", url->host, url->port);
}

X509* x509_of(const std::string& pem) {
  BIO* in = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!in) return nullptr;
  X509* cert = PEM_read_bio_X509(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  return cert;
}

}  // namespace

void SnapshotBuilder::set_certificates(const std::vector<domain::EndpointCertificate>& endpoint_certificates,
                                       const std::vector<domain::ClientCertificate>& client_certificates) {
  auto tables = std::make_shared<CertificateTables>();
  for (const auto& c : client_certificates) {
    std::string error;
    auto facts = crypto::read_pem_certificate(c.pem, error);
    if (!facts) {
      warnings_.push_back(fmt::format("client certificate '{}' of API {}: {}; ignored", c.alias, c.api_id, error));
      continue;
    }
    const std::string key(reinterpret_cast<const char*>(facts->fingerprint.data()), facts->fingerprint.size());
    tables->clients[key].push_back(ClientCertRuntime{c.api_id, c.alias, c.key_type == domain::kKeyTypeSandbox,
                                                     interned(c.tier),
                                                     enforced(domain::kPolicyLevelSubscription, c.tier)});
  }
  // One trust store per origin: the base trust (as the client TLS context has it) and the origin's
  // certificates.
  for (const auto& c : endpoint_certificates) {
    const auto origin = origin_of(c.endpoint);
    if (!origin) {
      warnings_.push_back(fmt::format("endpoint certificate '{}': '{}' is not an http(s) URL; ignored", c.alias,
                                      c.endpoint));
      continue;
    }
    auto& store = tables->backend_trust[*origin];
    if (!store) {
      store = std::shared_ptr<X509_STORE>(X509_STORE_new(), X509StoreFree{});
      const std::string& base = settings_->trust_store;
      if (!store || (base.empty() ? X509_STORE_set_default_paths(store.get())
                                  : X509_STORE_load_file(store.get(), base.c_str())) != 1)
        warnings_.push_back(fmt::format("endpoint certificates of {}: the base trust store cannot be loaded", *origin));
    }
    X509* cert = x509_of(c.pem);
    if (!store || !cert || X509_STORE_add_cert(store.get(), cert) != 1)
      warnings_.push_back(fmt::format("endpoint certificate '{}' cannot be trusted; ignored", c.alias));
    X509_free(cert);
  }
  ERR_clear_error();
  next_.certificates_ = std::move(tables);
}

void SnapshotBuilder::set_signing_keys(const std::vector<std::string>& public_jwks) {
  auto keys = std::make_shared<StringMap<crypto::VerificationKey>>();
  for (const auto& jwk : public_jwks) {
    std::string why;
    boost::system::error_code ec;
    auto v = boost::json::parse(jwk, ec);
    auto vk = !ec && v.is_object() ? crypto::VerificationKey::from_jwk(v.as_object(), &why) : std::nullopt;
    if (vk) keys->emplace(vk->kid(), std::move(*vk));
    else warnings_.push_back("signing key not usable: " + (why.empty() ? std::string("not a JSON object") : why));
  }
  next_.keys_ = std::move(keys);
}

void SnapshotBuilder::set_key_managers(const std::vector<domain::ExternalKeyManager>& key_managers) {
  auto issuers = std::make_shared<StringMap<ExternalIssuer>>();
  for (const auto& ekm : key_managers) {
    ExternalIssuer ei{ekm.name, ekm.consumer_key_claim, ekm.scopes_claim, {}};
    if (!ekm.jwks.empty()) {
      boost::system::error_code ec;
      auto v = boost::json::parse(ekm.jwks, ec);
      if (!ec && v.is_object() && v.as_object().contains("keys") && v.as_object().at("keys").is_array())
        for (const auto& jwk : v.as_object().at("keys").as_array()) {
          if (!jwk.is_object()) continue;
          auto vk = crypto::VerificationKey::from_jwk(jwk.as_object());
          if (vk) ei.keys.emplace(vk->kid(), std::move(*vk));  // keys we cannot use (enc, HMAC, ...) are skipped
        }
    }
    issuers->emplace(ekm.issuer, std::move(ei));
  }
  next_.issuers_ = std::move(issuers);
}

void SnapshotBuilder::put_application(const domain::Application& a) {
  auto [it, added] = apps_.try_emplace(a.id);
  if (added) it->second.handle = next_handle_++;
  const std::uint32_t h = it->second.handle;
  next_.applications_.put(h, ApplicationRuntime{a.id, a.name, a.owner, a.throttling_policy,
                                                enforced(domain::kPolicyLevelApplication, a.throttling_policy)});
  if (added) next_.application_handles_.put(a.id, h);
}

void SnapshotBuilder::remove_application(const std::string& id) {
  auto it = apps_.find(id);
  if (it == apps_.end()) return;
  set_keys(id, {});
  for (const std::uint32_t api : it->second.subscriptions)
    next_.subscriptions_.erase(RuntimeSnapshot::subscription_key(api, it->second.handle));
  next_.applications_.erase(it->second.handle);
  next_.application_handles_.erase(std::string_view(id));
  apps_.erase(it);
}

void SnapshotBuilder::set_keys(const std::string& application_id, const std::vector<domain::KeyMapping>& keys) {
  auto it = apps_.find(application_id);
  if (it == apps_.end()) return;  // keys of an application the gateway does not know (any more)
  AppEntry& app = it->second;
  for (const auto& c : app.clients) (c.external ? next_.external_clients_ : next_.clients_).erase(std::string_view(c.key));
  app.clients.clear();
  for (const auto& k : keys) {
    const ClientRuntime c{app.handle, k.key_type == domain::kKeyTypeSandbox};
    const bool external = k.key_manager != domain::kResidentKeyManager;
    std::string key = external ? k.key_manager + "\n" + k.consumer_key : k.consumer_key;
    (external ? next_.external_clients_ : next_.clients_).put(key, c);
    app.clients.push_back({std::move(key), external});
  }
}

SnapshotBuilder::ApiMap::iterator SnapshotBuilder::api_entry(const std::string& id) {
  auto [it, added] = apis_.try_emplace(id);
  if (added) {
    it->second.handle = next_handle_++;
    next_.api_handles_.put(id, it->second.handle);
  }
  return it;
}

void SnapshotBuilder::put_subscription(const domain::Subscription& s) {
  auto app = apps_.find(s.application_id);
  if (app == apps_.end()) return;  // its application is gone (or not known yet): nothing to authorise
  const std::uint32_t api = api_entry(s.api_id)->second.handle;
  const std::uint64_t key = RuntimeSnapshot::subscription_key(api, app->second.handle);
  const bool known = next_.subscriptions_.find(key) != nullptr;
  next_.subscriptions_.put(key, SubscriptionRuntime{interned(s.status), interned(s.throttling_policy),
                                                    enforced(domain::kPolicyLevelSubscription, s.throttling_policy)});
  if (!known) app->second.subscriptions.push_back(api);
}

void SnapshotBuilder::remove_subscription(const std::string& application_id, const std::string& api_id) {
  auto app = apps_.find(application_id);
  auto api = apis_.find(api_id);
  if (app == apps_.end() || api == apis_.end()) return;
  if (next_.subscriptions_.erase(RuntimeSnapshot::subscription_key(api->second.handle, app->second.handle)))
    std::erase(app->second.subscriptions, api->second.handle);
}

void SnapshotBuilder::put_api(const domain::DeployedApi& d) {
  ApiEntry& e = api_entry(d.api_id)->second;
  auto rt = compile_api(d, e.handle, *settings_, *next_.policies_,
                        [this](std::string w) { warnings_.push_back(std::move(w)); }, gateway_policies_);
  if (e.runtime) {
    buckets_[e.bucket].erase(d.api_id);
    dirty_buckets_.insert(e.bucket);
  }
  if (!rt) {
    if (e.runtime) {
      e.runtime.reset();
      listed_.erase(e.position);
      api_list_dirty_ = true;
    }
    return;
  }
  if (!e.runtime) e.position = api_order_++;
  e.runtime = std::move(rt);
  e.bucket = std::string(Router::bucket_of(e.runtime->context));
  buckets_[e.bucket].insert(d.api_id);
  dirty_buckets_.insert(e.bucket);
  listed_[e.position] = e.runtime;
  api_list_dirty_ = true;
}

void SnapshotBuilder::remove_api(const std::string& id, bool deleted) {
  auto it = apis_.find(id);
  if (it == apis_.end()) return;
  ApiEntry& e = it->second;
  if (e.runtime) {
    buckets_[e.bucket].erase(id);
    dirty_buckets_.insert(e.bucket);
    e.runtime.reset();
    listed_.erase(e.position);
    api_list_dirty_ = true;
  }
  if (!deleted) return;
  // Its subscriptions go with it (a scan: deleting an API is rare). The applications' lists keep
  // the handle, which is never given again, so looking it up later finds nothing.
  const std::uint32_t handle = e.handle;
  next_.subscriptions_.erase_if([&](std::uint64_t key, const SubscriptionRuntime&) { return key >> 32 == handle; });
  next_.api_handles_.erase(std::string_view(id));
  apis_.erase(it);
}

void SnapshotBuilder::rebuild_bucket(const std::string& bucket) {
  auto ids = buckets_.find(bucket);
  if (ids == buckets_.end() || ids->second.empty()) {
    if (ids != buckets_.end()) buckets_.erase(ids);
    next_.router_.set_bucket(bucket, nullptr);
    return;
  }
  // APIs are placed in the order of their ids, as a full load places them: the first one placed
  // keeps a route another API also declares.
  auto trie = std::make_shared<RouteTrie>();
  for (const std::string& id : ids->second) {
    const auto& rt = apis_.at(id).runtime;
    for (const auto& op : rt->operations) {
      if (!trie->add(rt->versioned_context, op.target, op.verb, rt.get(), &op))
        warnings_.push_back(fmt::format("API {} {}: {} {}{} clashes with another API's route", rt->name, rt->version,
                                        op.verb, rt->versioned_context, op.target));
      if (rt->is_default_version && !trie->add(rt->context, op.target, op.verb, rt.get(), &op))
        warnings_.push_back(fmt::format("API {} {}: default-version route {} {}{} clashes with another API's route",
                                        rt->name, rt->version, op.verb, rt->context, op.target));
    }
    trie->keep(rt);
  }
  next_.router_.set_bucket(bucket, std::move(trie));
}

std::shared_ptr<const RuntimeSnapshot> SnapshotBuilder::snapshot(std::uint64_t generation) {
  for (const auto& b : dirty_buckets_) rebuild_bucket(b);
  dirty_buckets_.clear();
  if (api_list_dirty_ || !next_.apis_) {
    auto list = std::make_shared<std::vector<std::shared_ptr<const ApiRuntime>>>();
    list->reserve(listed_.size());
    for (const auto& [position, rt] : listed_) list->push_back(rt);
    next_.apis_ = std::move(list);
    api_list_dirty_ = false;
  }
  auto snap = std::make_shared<RuntimeSnapshot>(next_);
  snap->generation_ = generation;
  return snap;
}

}  // namespace archway::gateway
