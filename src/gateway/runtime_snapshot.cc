#include "gateway/runtime_snapshot.h"
#include "gateway/gateway_metrics.h"

#include "gateway/filter.h"

#include <openssl/x509_vfy.h>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <cctype>
#include <map>
#include <mutex>
#include <unordered_set>

#include "gateway/filter.h"
#include "gateway/snapshot_builder.h"
#include "openapi/mock_payload.h"

namespace archway::gateway {

namespace {

// Health records by endpoint identity, so suspensions survive snapshot rebuilds. Touched only
// while a snapshot is built, never on the request path.
std::shared_ptr<EndpointHealth> health_of(const std::string& key) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::weak_ptr<EndpointHealth>> registry;
  static std::size_t sweep_at = 1024;
  std::lock_guard lock(mu);
  // Forget endpoints no snapshot uses once the registry has doubled since the last sweep: each
  // sweep is paid for by as many registrations, so a registration costs O(1) however many exist.
  if (registry.size() >= sweep_at) {
    std::erase_if(registry, [](const auto& kv) { return kv.second.expired(); });
    sweep_at = std::max<std::size_t>(1024, 2 * registry.size());
  }
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

// The mocks an INLINE API's definition holds in x-mediation-script (openapi/mock_payload.h), by
// "VERB target"; scripts that are not Archway's declarative mocks (the product's JavaScript) are
// left out.
std::map<std::string, CompiledFlow::Mock> inline_mock_responses(const domain::Api& a) {
  std::map<std::string, CompiledFlow::Mock> out;
  if (a.openapi_definition.empty()) return out;
  boost::json::error_code ec;
  const boost::json::value doc = boost::json::parse(a.openapi_definition, ec);
  if (ec || !doc.is_object()) return out;
  const boost::json::value* paths = doc.get_object().if_contains("paths");
  if (!paths || !paths->is_object()) return out;
  for (const auto& [path, item] : paths->get_object()) {
    if (!item.is_object()) continue;
    for (const auto& [method, op] : item.get_object()) {
      const boost::json::value* script = op.is_object() ? op.get_object().if_contains(openapi::kMockScriptExtension) : nullptr;
      if (!script || !script->is_string()) continue;
      const auto mock = openapi::parse_mock_script(std::string_view(script->get_string().data(), script->get_string().size()));
      if (!mock) continue;
      std::string verb(method);
      for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      CompiledFlow::Mock m;
      m.status = mock->status;
      m.status_given = true;
      m.content_type = mock->content_type;
      m.body = mock->payload;
      out.emplace(verb + " " + std::string(path), std::move(m));
    }
  }
  return out;
}

// What an INLINE API's operation without a mock answers: 501 saying how to get one.
CompiledFlow::Mock missing_mock(const domain::Operation& op) {
  CompiledFlow::Mock m;
  m.status = 501;
  m.status_given = true;
  m.body = boost::json::serialize(boost::json::object{
      {"code", 501},
      {"message", "Not Implemented"},
      {"description", fmt::format("No mock response for {} {}: generate them with POST "
                                  "/api/am/publisher/v4/apis/{{apiId}}/generate-mock-scripts",
                                  op.verb, op.target)}});
  return m;
}

}  // namespace

// A policy worth enforcing: Unlimited tiers (no limit, no burst, no groups) are left out.
const traffic::Policy* enforced_policy(const traffic::PolicySet& set, std::string_view level, std::string_view name,
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

std::shared_ptr<const ApiRuntime> compile_api(const domain::DeployedApi& d, std::uint32_t handle,
                                              const SnapshotSettings& settings, const traffic::PolicySet& policies,
                                              const std::function<void(std::string)>& warn,
                                              const domain::PolicyFlows& gateway_policies) {
  const domain::Api& a = d.api;
  auto rt = std::make_shared<ApiRuntime>();
  rt->id = d.api_id;
  rt->handle = handle;
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
  rt->oauth2 = has("oauth2") || (!has("api_key") && !has("basic_auth") && !has("mutualssl"));
  rt->mutual_tls = has("mutualssl");
  // Mutual SSL alone is mandatory by nature; beside other schemes, as mutualssl_mandatory says.
  rt->mutual_tls_mandatory =
      rt->mutual_tls && (has("mutualssl_mandatory") || (!rt->oauth2 && !has("api_key") && !has("basic_auth")));
  rt->app_auth_mandatory = has("oauth_basic_auth_api_key_mandatory");
  rt->api_key = has("api_key");
  rt->basic_auth = has("basic_auth");
  for (const auto& sc : a.scopes) rt->scope_roles.emplace(sc.name, sc.bindings);
  rt->backend_jwt = a.enable_backend_jwt;
  rt->authorization_header = a.authorization_header;
  rt->blocked = a.lifecycle_status == domain::kLifecycleBlocked;
  rt->prototyped = a.lifecycle_status == domain::kLifecyclePrototyped;
  rt->audiences = a.audiences;
  const bool inline_mocks = ec.endpoint_type == "INLINE" && !a.is_product();
  if (!rt->production && !a.is_product() && !inline_mocks) {
    warn(fmt::format("API {} {}: no usable production endpoint; not served", a.name, a.version));
    return nullptr;
  }
  rt->versioned_context = a.context + "/" + a.version;
  rt->is_default_version = a.is_default_version;
  rt->advanced = enforced_policy(policies, domain::kPolicyLevelAdvanced, a.api_throttling_policy, warn);
  rt->max_tps_production = a.max_tps_production;
  rt->max_tps_sandbox = a.max_tps_sandbox;
  auto add_operation = [&](const domain::Operation& op, const domain::PolicyFlows& api_policies,
                           const EndpointGroup* production, const EndpointGroup* sandbox) {
    rt->operations.push_back({op.verb, op.target, op.auth_type, op.throttling_policy, op.auth_type != "None",
                              op.scopes, enforced_policy(policies, domain::kPolicyLevelAdvanced, op.throttling_policy, warn),
                              op.verb + " " + op.target,
                              compile_flow(gateway_policies.request, api_policies.request, op.policies.request),
                              compile_flow(gateway_policies.response, api_policies.response, op.policies.response),
                              compile_flow(gateway_policies.fault, api_policies.fault, op.policies.fault),
                              op.response_caching.value_or(a.response_caching)
                                  ? op.cache_timeout_s.value_or(a.cache_timeout_s) * 1000
                                  : 0,
                              production, sandbox});
  };
  rt->is_product = a.is_product();
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
      for (const auto& op : pa.operations) {
        add_operation(op, pa.api_policies, production.get(), sandbox.get());
        OperationRuntime& added = rt->operations.back();
        added.source_api_id = pa.api_id;
        added.source_api_name = pa.name;
        added.source_api_version = pa.version;
      }
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
    const auto mocks = inline_mocks ? inline_mock_responses(a) : std::map<std::string, CompiledFlow::Mock>{};
    for (const auto& op : a.operations) {
      add_operation(op, a.api_policies, rt->production ? &*rt->production : nullptr,
                    rt->sandbox ? &*rt->sandbox : nullptr);
      if (inline_mocks && !rt->operations.back().request.mock) {  // a mockResponse policy wins
        const auto m = mocks.find(op.verb + " " + op.target);
        rt->operations.back().request.mock = m != mocks.end() ? m->second : missing_mock(op);
      }
      if (validators) {
        rt->operations.back().validator = validators->find(op.verb, op.target);
        rt->operations.back().validate_response = a.enable_response_validation;
      }
    }
  }
  rt->cors = compile_cors(a.cors.enabled ? a.cors : settings.default_cors);
  for (OperationRuntime& op : rt->operations) {
    op.filters = compose_chain(*rt, op);
    op.metrics_api = rt->name + ":" + rt->version;
    if (settings.metrics) op.metrics_slot = settings.metrics->slot(rt->id, op.metrics_api, op.verb, op.target);
  }
  return rt;
}

std::string_view interned(std::string_view s) {
  static std::mutex mu;
  static std::unordered_set<std::string, StringHash, std::equal_to<>> pool;
  std::lock_guard lock(mu);
  auto it = pool.find(s);
  if (it == pool.end()) it = pool.emplace(s).first;
  return *it;
}

const ClientRuntime* RuntimeSnapshot::external_client(std::string_view key_manager,
                                                     std::string_view consumer_key) const {
  std::array<char, 256> buf;  // "<key manager>\n<consumer key>" without allocating when it fits
  const std::size_t n = key_manager.size() + 1 + consumer_key.size();
  if (n <= buf.size()) {
    std::copy(key_manager.begin(), key_manager.end(), buf.begin());
    buf[key_manager.size()] = '\n';
    std::copy(consumer_key.begin(), consumer_key.end(), buf.begin() + static_cast<std::ptrdiff_t>(key_manager.size() + 1));
    return external_clients_.find(std::string_view(buf.data(), n));
  }
  std::string k;
  k.reserve(n);
  k.append(key_manager).push_back('\n');
  k.append(consumer_key);
  return external_clients_.find(std::string_view(k));
}

void X509StoreFree::operator()(x509_store_st* s) const { X509_STORE_free(s); }

const ClientCertRuntime* RuntimeSnapshot::client_certificate(std::string_view fingerprint,
                                                             std::string_view api_id) const {
  if (!certificates_ || fingerprint.empty()) return nullptr;
  auto it = certificates_->clients.find(fingerprint);
  if (it == certificates_->clients.end()) return nullptr;
  for (const auto& c : it->second)
    if (c.api_id == api_id) return &c;
  return nullptr;
}

x509_store_st* RuntimeSnapshot::backend_trust(std::string_view origin) const {
  if (!certificates_) return nullptr;
  auto it = certificates_->backend_trust.find(origin);
  return it == certificates_->backend_trust.end() ? nullptr : it->second.get();
}

const ExternalIssuer* RuntimeSnapshot::issuer(std::string_view iss) const {
  if (!issuers_) return nullptr;
  auto it = issuers_->find(iss);
  return it == issuers_->end() ? nullptr : &it->second;
}

const crypto::VerificationKey* RuntimeSnapshot::key(std::string_view kid) const {
  if (!keys_) return nullptr;
  auto it = keys_->find(kid);
  return it == keys_->end() ? nullptr : &it->second;
}

std::string RuntimeSnapshot::describe() const {
  std::vector<std::string> lines;
  auto policy_name = [](const traffic::Policy* p) { return p ? p->level + "/" + p->name : std::string("-"); };
  std::unordered_map<std::uint32_t, std::string> app_by_handle, api_by_handle;
  application_handles_.for_each([&](const std::string& id, std::uint32_t h) { app_by_handle[h] = id; });
  api_handles_.for_each([&](const std::string& id, std::uint32_t h) { api_by_handle[h] = id; });
  if (production_only_ || sandbox_only_) lines.push_back(production_only_ ? "serves PRODUCTION" : "serves SANDBOX");
  for (const auto& a : *apis_) {
    lines.push_back(fmt::format("api {} rev={} deployment={} {} {} {} blocked={} prototyped={} advanced={}", a->id,
                                a->revision_id, a->deployment, a->name, a->context, a->version, a->blocked,
                                a->prototyped, policy_name(a->advanced)));
    for (const auto& op : a->operations)
      lines.push_back(fmt::format("op {} {} {} advanced={}", a->id, op.verb, op.target, policy_name(op.advanced)));
  }
  router_.describe(lines);
  applications_.for_each([&](std::uint32_t h, const ApplicationRuntime& a) {
    lines.push_back(fmt::format("app {} {} {} {} policy={} handle-known={}", a.id, a.name, a.owner, a.tier,
                                policy_name(a.policy), app_by_handle.count(h) == 1 && app_by_handle[h] == a.id));
  });
  auto client_line = [&](std::string_view kind, const std::string& key, const ClientRuntime& c) {
    const ApplicationRuntime* a = application(c.application);
    lines.push_back(fmt::format("{} {} app={} sandbox={}", kind, key, a ? a->id : "?", c.sandbox));
  };
  clients_.for_each([&](const std::string& k, const ClientRuntime& c) { client_line("client", k, c); });
  external_clients_.for_each([&](const std::string& k, const ClientRuntime& c) { client_line("external-client", k, c); });
  subscriptions_.for_each([&](std::uint64_t k, const SubscriptionRuntime& s) {
    const auto api = api_by_handle.find(static_cast<std::uint32_t>(k >> 32));
    const auto app = app_by_handle.find(static_cast<std::uint32_t>(k & 0xffffffffu));
    lines.push_back(fmt::format("subscription api={} app={} {} {} policy={}",
                                api == api_by_handle.end() ? "?" : api->second,
                                app == app_by_handle.end() ? "?" : app->second, s.status, s.tier, policy_name(s.policy)));
  });
  revoked_.for_each([&](const std::string& jti, std::int64_t) { lines.push_back("revoked " + jti); });
  if (keys_)
    for (const auto& [kid, k] : *keys_) lines.push_back("key " + kid);
  if (issuers_)
    for (const auto& [iss, ei] : *issuers_) {
      std::vector<std::string> kids;
      for (const auto& [kid, k] : ei.keys) kids.push_back(kid);
      std::sort(kids.begin(), kids.end());
      lines.push_back(fmt::format("issuer {} {} {} {} keys={}", iss, ei.name, ei.consumer_key_claim, ei.scopes_claim,
                                  fmt::join(kids, ",")));
    }
  lines.push_back("unauthenticated " + policy_name(unauthenticated_));
  std::sort(lines.begin(), lines.end());
  return fmt::format("{}\n", fmt::join(lines, "\n"));
}

std::shared_ptr<const RuntimeSnapshot> RuntimeSnapshot::build(const std::vector<domain::DeployedApi>& apis,
                                                              const domain::SecurityState& security,
                                                              const SnapshotSettings& settings,
                                                              std::uint64_t generation,
                                                              std::vector<std::string>* warnings) {
  SnapshotBuilder builder(settings);
  builder.reset(apis, security);
  auto snap = builder.snapshot(generation);
  if (warnings)
    for (auto& w : builder.take_warnings()) warnings->push_back(std::move(w));
  return snap;
}

}  // namespace archway::gateway
