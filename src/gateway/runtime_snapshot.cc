#include "gateway/runtime_snapshot.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <mutex>

namespace archway::gateway {

namespace {

// Health records by endpoint identity, so suspensions survive snapshot rebuilds. Touched only
// while a snapshot is built, never on the request path.
std::shared_ptr<EndpointHealth> health_of(const std::string& key) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::weak_ptr<EndpointHealth>> registry;
  std::lock_guard lock(mu);
  if (registry.size() > 1024)
    std::erase_if(registry, [](const auto& kv) { return kv.second.expired(); });
  auto& slot = registry[key];
  auto h = slot.lock();
  if (!h) {
    h = std::make_shared<EndpointHealth>();
    slot = h;
  }
  return h;
}

FailurePolicy failure_policy(const domain::Endpoint& e) {
  FailurePolicy p;
  for (int c : e.retry_codes)
    if (c >= 500 && c < 600) p.retry_statuses.set(static_cast<std::size_t>(c - 500));
  if (!e.suspend_codes.empty()) {
    p.suspend_on_connect = p.suspend_on_timeout = p.suspend_on_closed = false;
    for (int c : e.suspend_codes) {
      if (c >= 500 && c < 600) p.suspend_statuses.set(static_cast<std::size_t>(c - 500));
      p.suspend_on_connect = p.suspend_on_connect || c == domain::kCodeConnectFailed;
      p.suspend_on_timeout = p.suspend_on_timeout || c == domain::kCodeTimedOut;
      p.suspend_on_closed = p.suspend_on_closed || c == domain::kCodeConnectionClosed;
    }
  }
  p.retries_before_suspension = static_cast<std::uint32_t>(e.retries_before_suspension);
  p.suspend_ms = e.suspend_duration_ms;
  if (e.suspend_max_duration_ms > 0) p.suspend_max_ms = e.suspend_max_duration_ms;
  p.suspend_max_ms = std::max(p.suspend_max_ms, p.suspend_ms);
  p.factor = e.factor;
  return p;
}

std::optional<EndpointRuntime> endpoint_of(const std::optional<domain::Endpoint>& e, const std::string& identity) {
  if (!e) return std::nullopt;
  auto url = domain::parse_backend_url(e->url);
  if (!url) return std::nullopt;
  EndpointRuntime rt;
  rt.pool_key = fmt::format("{}://{}:{}", url->tls ? "https" : "http", url->host, url->port);
  rt.authority = url->authority();
  rt.timeout_ms = e->timeout_ms.value_or(0);
  rt.connect_timeout_ms = e->connect_timeout_ms.value_or(0);
  rt.retry_count = static_cast<std::uint32_t>(e->retry_count);
  rt.retry_delay_ms = e->retry_delay_ms;
  rt.failures = failure_policy(*e);
  rt.health = health_of(identity + "\n" + e->url);
  rt.url = std::move(*url);
  return rt;
}

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const auto n = (std::uint32_t(std::uint8_t(in[i])) << 16) | (std::uint32_t(std::uint8_t(in[i + 1])) << 8) |
                   std::uint8_t(in[i + 2]);
    for (int s : {18, 12, 6, 0}) out.push_back(kAlphabet[(n >> s) & 63]);
  }
  if (i < in.size()) {
    std::uint32_t n = std::uint32_t(std::uint8_t(in[i])) << 16;
    if (i + 1 < in.size()) n |= std::uint32_t(std::uint8_t(in[i + 1])) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string percent_encode(std::string_view in) {
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// The credentials of endpoint_security, secrets opened; nullopt (with a warning) when a secret
// cannot be opened.
std::optional<BackendCredentials> credentials_of(const domain::EndpointSecurity& s, const SnapshotSettings& settings,
                                                 const std::string& where,
                                                 const std::function<void(std::string)>& warn) {
  BackendCredentials c;
  if (!s.enabled) return c;
  auto open = [&](const std::string& sealed) -> std::optional<std::string> {
    std::optional<std::string> secret;
    if (settings.open_secret && !sealed.empty()) secret = settings.open_secret(sealed);
    if (!secret)
      warn(fmt::format("{}: the endpoint_security secret cannot be opened with this server's master key; "
                       "requests go without credentials",
                       where));
    return secret;
  };
  if (s.type == "OAUTH") {
    auto client_secret = open(s.client_secret);
    if (!client_secret) return std::nullopt;
    auto url = domain::parse_backend_url(s.token_url);
    if (!url) return std::nullopt;  // checked when the API was saved
    auto oauth = std::make_shared<BackendOAuth>();
    auto ep = std::make_shared<EndpointRuntime>();
    ep->pool_key = fmt::format("{}://{}:{}", url->tls ? "https" : "http", url->host, url->port);
    ep->authority = url->authority();
    ep->health = std::make_shared<EndpointHealth>();
    oauth->target = url->base_path.empty() ? "/" : url->base_path;
    ep->url = std::move(*url);
    oauth->token_endpoint = std::move(ep);
    oauth->token_url = s.token_url;
    oauth->client_auth = "Basic " + base64(percent_encode(s.client_id) + ":" + percent_encode(*client_secret));
    if (s.grant_type == "PASSWORD") {
      auto password = open(s.password);
      if (!password) return std::nullopt;
      oauth->form = "grant_type=password&username=" + percent_encode(s.username) + "&password=" +
                    percent_encode(*password);
    } else {
      oauth->form = "grant_type=client_credentials";
    }
    for (const auto& [k, v] : s.custom_parameters) oauth->form += "&" + percent_encode(k) + "=" + percent_encode(v);
    oauth->key = s.token_url + "\n" + oauth->client_auth + "\n" + oauth->form;
    c.oauth = std::move(oauth);
    return c;
  }
  const std::string& sealed = s.type == "BASIC" || s.type == "DIGEST" ? s.password : s.api_key_value;
  std::optional<std::string> secret = open(sealed);
  if (!secret) return std::nullopt;
  if (s.type == "DIGEST") {
    auto d = std::make_shared<BackendDigest>();
    d->username = s.username;
    d->password = *secret;
    d->key = "digest\n" + s.username + "\n" + s.password;  // the sealed form: distinct per secret
    c.digest = std::move(d);
  } else if (s.type == "BASIC") {
    c.header_name = "Authorization";
    c.header_value = "Basic " + base64(s.username + ":" + *secret);
  } else if (s.api_key_in == "QUERY_PARAMETER") {
    c.query_param = percent_encode(s.api_key_identifier) + "=" + percent_encode(*secret);
  } else {
    c.header_name = s.api_key_identifier;
    c.header_value = *secret;
  }
  return c;
}

// Fills `out` from the key type's endpoints; false when none is usable.
bool group_of(const domain::EndpointConfig& ec, const std::optional<domain::Endpoint>& single,
              const std::vector<domain::Endpoint>& group, EndpointGroup& out, const std::string& identity) {
  std::vector<std::int64_t> weights;
  if (group.empty()) {
    if (auto rt = endpoint_of(single, identity + "\n0")) out.members.push_back(std::move(*rt));
  } else {
    for (std::size_t i = 0; i < group.size(); ++i)
      if (auto rt = endpoint_of(group[i], identity + "\n" + std::to_string(i))) {
        out.members.push_back(std::move(*rt));
        weights.push_back(group[i].weight);
      }
  }
  if (out.members.empty()) return false;
  if (ec.endpoint_type == "load_balance") {
    out.mode = EndpointGroup::Mode::kLoadBalance;
    out.schedule = weighted_schedule(weights);
  } else if (ec.endpoint_type == "failover") {
    out.mode = EndpointGroup::Mode::kFailover;
  }
  return true;
}

// A policy worth enforcing: Unlimited tiers (no limit, no burst, no groups) are left out.
const traffic::Policy* enforced(const traffic::PolicySet& set, std::string_view level, std::string_view name,
                                const std::function<void(std::string)>& warn) {
  if (name.empty()) return nullptr;
  const traffic::Policy* p = set.find(level, name);
  if (!p) {
    if (name == "Unlimited") return nullptr;  // built without the policy set (tests), or renamed
    warn(fmt::format("{} tier '{}' is unknown; not enforced", level, name));
    return nullptr;
  }
  return (p->limit || p->burst || !p->groups.empty()) ? p : nullptr;
}

}  // namespace

std::vector<std::uint32_t> weighted_schedule(const std::vector<std::int64_t>& weights) {
  std::int64_t total = 0;
  for (auto w : weights) total += std::max<std::int64_t>(w, 1);
  std::vector<std::int64_t> current(weights.size(), 0);
  std::vector<std::uint32_t> out;
  out.reserve(static_cast<std::size_t>(total));
  for (std::int64_t n = 0; n < total; ++n) {
    std::size_t best = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      current[i] += std::max<std::int64_t>(weights[i], 1);
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    out.push_back(static_cast<std::uint32_t>(best));
  }
  return out;
}

const ClientRuntime* RuntimeSnapshot::client(std::string_view consumer_key) const {
  auto it = clients_.find(consumer_key);
  return it == clients_.end() ? nullptr : &it->second;
}

const ClientRuntime* RuntimeSnapshot::external_client(std::string_view key_manager,
                                                     std::string_view consumer_key) const {
  std::string k;
  k.reserve(key_manager.size() + 1 + consumer_key.size());
  k.append(key_manager).push_back('\n');
  k.append(consumer_key);
  auto it = external_clients_.find(k);
  return it == external_clients_.end() ? nullptr : &it->second;
}

const ExternalIssuer* RuntimeSnapshot::issuer(std::string_view iss) const {
  auto it = issuers_.find(iss);
  return it == issuers_.end() ? nullptr : &it->second;
}

std::int64_t RuntimeSnapshot::application_index(std::string_view id) const {
  auto it = application_ids_.find(id);
  return it == application_ids_.end() ? -1 : it->second;
}

const crypto::VerificationKey* RuntimeSnapshot::key(std::string_view kid) const {
  auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : &it->second;
}

std::shared_ptr<const RuntimeSnapshot> RuntimeSnapshot::build(const std::vector<domain::DeployedApi>& apis,
                                                              const domain::SecurityState& security,
                                                              const SnapshotSettings& settings,
                                                              std::uint64_t generation,
                                                              std::vector<std::string>* warnings) {
  auto snap = std::make_shared<RuntimeSnapshot>();
  snap->generation_ = generation;
  snap->settings_ = settings;
  const std::function<void(std::string)> warn = [&](std::string w) {
    if (warnings) warnings->push_back(std::move(w));
  };
  snap->policies_ = traffic::PolicySet::compile(security.policies, security.block_conditions, warnings);
  const traffic::PolicySet& policies = *snap->policies_;
  if (const auto* u = policies.find(domain::kPolicyLevelSubscription, "Unauthenticated"); u && (u->limit || u->burst))
    snap->unauthenticated_ = u;

  std::unordered_map<std::string, std::uint32_t> app_index;
  for (const auto& a : security.applications) {
    app_index.emplace(a.id, static_cast<std::uint32_t>(snap->applications_.size()));
    snap->application_ids_.emplace(a.id, static_cast<std::uint32_t>(snap->applications_.size()));
    snap->applications_.push_back({a.id, a.name, a.owner, a.throttling_policy,
                                   enforced(policies, domain::kPolicyLevelApplication, a.throttling_policy, warn)});
  }
  for (const auto& k : security.key_mappings) {
    auto it = app_index.find(k.application_id);
    if (it == app_index.end()) continue;
    const ClientRuntime c{it->second, k.key_type == domain::kKeyTypeSandbox};
    if (k.key_manager == domain::kResidentKeyManager) snap->clients_.emplace(k.consumer_key, c);
    else snap->external_clients_.emplace(k.key_manager + "\n" + k.consumer_key, c);
  }
  for (const auto& t : security.revoked_tokens) snap->revoked_.insert(t.jti);
  for (const auto& jwk : security.public_jwks) {
    std::string why;
    auto vk = crypto::VerificationKey::from_jwk(boost::json::parse(jwk).as_object(), &why);
    if (vk) snap->keys_.emplace(vk->kid(), std::move(*vk));
    else warn("signing key not usable: " + why);
  }
  for (const auto& ekm : security.external_key_managers) {
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
    snap->issuers_.emplace(ekm.issuer, std::move(ei));
  }
  std::unordered_map<std::string, std::vector<const domain::Subscription*>> subs_by_api;
  for (const auto& s : security.subscriptions) subs_by_api[s.api_id].push_back(&s);

  for (const auto& d : apis) {
    const domain::Api& a = d.api;
    auto rt = std::make_unique<ApiRuntime>();
    rt->id = d.api_id;
    rt->revision_id = d.revision_id;
    rt->deployment = d.deployment;
    rt->cache_key_headers = a.cache_key_headers;
    rt->name = a.name;
    rt->context = a.context;
    rt->version = a.version;
    const domain::EndpointConfig& ec = a.endpoint_config;
    if (!group_of(ec, ec.production, ec.production_group, rt->production.emplace(), d.api_id + "\nproduction"))
      rt->production.reset();
    if (!group_of(ec, ec.sandbox, ec.sandbox_group, rt->sandbox.emplace(), d.api_id + "\nsandbox"))
      rt->sandbox.reset();
    if (rt->production && ec.production_security)
      if (auto c = credentials_of(*ec.production_security, settings, fmt::format("API {} {} production", a.name, a.version), warn))
        rt->production->credentials = std::move(*c);
    if (rt->sandbox && ec.sandbox_security)
      if (auto c = credentials_of(*ec.sandbox_security, settings, fmt::format("API {} {} sandbox", a.name, a.version), warn))
        rt->sandbox->credentials = std::move(*c);
    auto has = [&](std::string_view scheme) {
      return std::find(a.security_scheme.begin(), a.security_scheme.end(), scheme) != a.security_scheme.end();
    };
    rt->oauth2 = has("oauth2") || (!has("api_key") && !has("basic_auth"));
    rt->api_key = has("api_key");
    rt->basic_auth = has("basic_auth");
    for (const auto& sc : a.scopes) rt->scope_roles.emplace(sc.name, sc.bindings);
    rt->backend_jwt = a.enable_backend_jwt;
    rt->authorization_header = a.authorization_header;
    rt->blocked = a.lifecycle_status == domain::kLifecycleBlocked;
    rt->prototyped = a.lifecycle_status == domain::kLifecyclePrototyped;
    if (!rt->production && !a.is_product()) {
      warn(fmt::format("API {} {}: no usable production endpoint; not served", a.name, a.version));
      continue;
    }
    for (const auto* s : subs_by_api[d.api_id]) {
      auto it = app_index.find(s->application_id);
      if (it != app_index.end())
        rt->subscriptions.emplace(
            it->second, SubscriptionRuntime{s->status, s->throttling_policy,
                                            enforced(policies, domain::kPolicyLevelSubscription, s->throttling_policy, warn)});
    }
    rt->versioned_context = a.context + "/" + a.version;
    rt->advanced = enforced(policies, domain::kPolicyLevelAdvanced, a.api_throttling_policy, warn);
    rt->max_tps_production = a.max_tps_production;
    rt->max_tps_sandbox = a.max_tps_sandbox;
    auto add_operation = [&](const domain::Operation& op, const domain::PolicyFlows& api_policies,
                             const EndpointGroup* production, const EndpointGroup* sandbox) {
      rt->operations.push_back({op.verb, op.target, op.auth_type, op.throttling_policy, op.auth_type != "None",
                                op.scopes, enforced(policies, domain::kPolicyLevelAdvanced, op.throttling_policy, warn),
                                op.verb + " " + op.target,
                                compile_flow(api_policies.request, op.policies.request),
                                compile_flow(api_policies.response, op.policies.response),
                                compile_flow(api_policies.fault, op.policies.fault),
                                op.response_caching.value_or(a.response_caching)
                                    ? op.cache_timeout_s.value_or(a.cache_timeout_s) * 1000
                                    : 0,
                                production, sandbox});
    };
    if (a.is_product()) {
      // Each bundled API's operations go to that API's endpoints, with its policies.
      std::size_t count = 0;
      for (const auto& pa : a.product_apis) count += pa.operations.size();
      rt->operations.reserve(count);
      for (const auto& pa : a.product_apis) {
        const domain::EndpointConfig& pec = pa.endpoint_config;
        // Named after the API: the product's calls and the API's share its endpoints' health.
        auto production = std::make_unique<EndpointGroup>();
        if (!group_of(pec, pec.production, pec.production_group, *production, pa.api_id + "\nproduction")) {
          warn(fmt::format("API product {} {}: API {} has no usable production endpoint; its operations are not served",
                           a.name, a.version, pa.name));
          continue;
        }
        auto sandbox = std::make_unique<EndpointGroup>();
        if (!group_of(pec, pec.sandbox, pec.sandbox_group, *sandbox, pa.api_id + "\nsandbox")) sandbox.reset();
        const std::string where = fmt::format("API product {} {}, API {}", a.name, a.version, pa.name);
        if (pec.production_security)
          if (auto c = credentials_of(*pec.production_security, settings, where + " production", warn))
            production->credentials = std::move(*c);
        if (sandbox && pec.sandbox_security)
          if (auto c = credentials_of(*pec.sandbox_security, settings, where + " sandbox", warn))
            sandbox->credentials = std::move(*c);
        for (const auto& op : pa.operations) add_operation(op, pa.api_policies, production.get(), sandbox.get());
        rt->product_endpoints.push_back(std::move(production));
        if (sandbox) rt->product_endpoints.push_back(std::move(sandbox));
      }
    } else {
      rt->operations.reserve(a.operations.size());
      std::optional<openapi::ApiValidators> validators;
      if (a.enable_schema_validation) {
        validators = openapi::compile_validators(a);
        if (!validators->errors.empty())
          warn(fmt::format("API {} {}: schema validation skips what cannot be compiled: {}", a.name, a.version,
                           openapi::describe(validators->errors)));
      }
      for (const auto& op : a.operations) {
        add_operation(op, a.api_policies, &*rt->production, rt->sandbox ? &*rt->sandbox : nullptr);
        if (validators) {
          rt->operations.back().validator = validators->find(op.verb, op.target);
          rt->operations.back().validate_response = a.enable_response_validation;
        }
      }
    }
    rt->cors = compile_cors(a.cors.enabled ? a.cors : settings.default_cors);
    const std::string& versioned = rt->versioned_context;
    for (const auto& op : rt->operations) {
      if (!snap->router_.add(versioned, op.target, op.verb, rt.get(), &op))
        warn(fmt::format("API {} {}: {} {}{} clashes with another API's route", a.name, a.version, op.verb,
                         versioned, op.target));
      if (a.is_default_version && !snap->router_.add(a.context, op.target, op.verb, rt.get(), &op))
        warn(fmt::format("API {} {}: default-version route {} {}{} clashes with another API's route", a.name,
                         a.version, op.verb, a.context, op.target));
    }
    snap->apis_.push_back(std::move(rt));
  }
  return snap;
}

}  // namespace archway::gateway
