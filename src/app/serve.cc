#include "app/serve.h"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <malloc.h>
#include <netdb.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <iostream>
#include <optional>
#include <utility>

#include "common/clock.h"
#include "common/config.h"
#include "common/ids.h"
#include "common/logging.h"
#include "common/problem.h"
#include "crypto/password_hash.h"
#include "crypto/random.h"
#include "crypto/secret_box.h"
#include "crypto/tls_identity.h"
#include "analytics/alerts.h"
#include "analytics/analytics_rest.h"
#include "analytics/analytics_store.h"
#include "analytics/recorder.h"
#include "devportal/devportal_rest.h"
#include "devportal/definition_rest.h"
#include "devportal/application_transfer_rest.h"
#include "devportal/comment_rest.h"
#include "devportal/document_rest.h"
#include "devportal/settings_rest.h"
#include "gateway/gateway_metrics.h"
#include "gateway/gateway_server.h"
#include "observability/access_log.h"
#include "observability/prometheus.h"
#include "observability/span_exporter.h"
#include "gateway/snapshot_builder.h"
#include "http/rest_server.h"
#include "http/tls_context.h"
#include "keymanager/jwks_fetcher.h"
#include "publisher/openapi_rest.h"
#include "keymanager/key_manager.h"
#include "keymanager/oauth_rest.h"
#include "publisher/access_control.h"
#include "publisher/api_service.h"
#include "admin/admin_rest.h"
#include "admin/api_rest.h"
#include "catalog/catalog_rest.h"
#include "publisher/service_import.h"
#include "admin/application_rest.h"
#include "admin/category_rest.h"
#include "admin/environment_rest.h"
#include "admin/platform_gateway_rest.h"
#include "admin/api_key_rest.h"
#include "admin/policy_transfer_rest.h"
#include "admin/system_scope_rest.h"
#include "admin/workflow_rest.h"
#include "identity/authenticator.h"
#include "identity/roles.h"
#include "identity/login_throttle.h"
#include "identity/user_service.h"
#include "publisher/comment_rest.h"
#include "publisher/document_rest.h"
#include "publisher/project_archive_rest.h"
#include "webui/static_site.h"
#include "publisher/publisher_rest.h"
#include "publisher/settings_rest.h"
#include "publisher/certificate_rest.h"
#include "publisher/environment_rest.h"
#include "publisher/operation_policy_rest.h"
#include "publisher/scope_rest.h"
#include "publisher/test_key_rest.h"
#include "store/postgres/pg_store.h"
#include "store/store.h"
#include "sync/change_feed.h"
#include "sync/feed_server.h"
#include "sync/analytics_uplink.h"
#include "sync/remote_feed.h"
#include "traffic/traffic_manager.h"

namespace archway::app {

namespace fs = std::filesystem;

namespace {

// `gateway.cors_allow_origins`: "*" or comma-separated scheme://host[:port] origins.
std::vector<std::string> cors_origins(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string o = text.substr(start, comma - start);
    o.erase(0, o.find_first_not_of(" \t"));
    o.erase(o.find_last_not_of(" \t") + 1);
    start = comma + 1;
    if (o.empty()) continue;
    const auto scheme_end = o.find("://");
    const bool origin = (o.starts_with("http://") || o.starts_with("https://")) &&
                        o.find('/', scheme_end + 3) == std::string::npos && o.size() > scheme_end + 3;
    if (o != "*" && !origin)
      throw std::runtime_error("gateway.cors_allow_origins: '" + o + "' is not * or scheme://host[:port]");
    out.push_back(std::move(o));
  }
  return out;
}

// The entries of a comma-separated list, trimmed, empty ones skipped.
std::vector<std::string> comma_list(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

void write_private_file(const fs::path& p, const std::string& content) {
  const mode_t old = umask(077);
  std::ofstream f(p, std::ios::trunc);
  umask(old);
  f << content;
  f.close();
  fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
}

// Whether host:port can be bound now (another process would make the listener fail later). Only
// a probe: the socket is closed at once; the listeners bind for real after the data is opened.
std::optional<std::string> port_taken(const std::string& what, const std::string& host, int port) {
  if (port <= 0) return std::nullopt;  // 0 picks a free port, -1 disables the listener
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found) != 0 || !found)
    return std::nullopt;  // the listener says what is wrong with the host
  std::optional<std::string> taken;
  const int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (fd >= 0) {
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(fd, found->ai_addr, found->ai_addrlen) != 0 && errno == EADDRINUSE)
      taken = fmt::format("cannot listen on {}:{} for the {} listener: the port is in use by another process", host,
                          port, what);
    close(fd);
  }
  freeaddrinfo(found);
  return taken;
}

// Marks the data directory as used by this process (an advisory lock held until it exits). A
// second process on the same directory still starts (several gateways on one machine share a
// database on purpose), but says so, naming the first one.
int lock_data_dir(const std::string& data_dir) {
  const std::string path = (fs::path(data_dir) / "archway.lock").string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
    const std::string pid = std::to_string(getpid()) + "\n";
    if (ftruncate(fd, 0) == 0 && pwrite(fd, pid.data(), pid.size(), 0) < 0) spdlog::debug("cannot write {}", path);
    return fd;
  }
  char other[32] = {};
  const ssize_t n = pread(fd, other, sizeof other - 1, 0);
  std::string holder = n > 0 ? std::string(other, static_cast<std::size_t>(n)) : std::string("?");
  while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
  spdlog::warn("another archway process (pid {}) serves from the data directory {}: both use its database and "
               "its change log. That is how several gateways share one configuration on one machine; if it is "
               "not what you meant, stop one of them",
               holder, data_dir);
  ::close(fd);
  return -1;
}

// Creates the admin user on first start. The password comes from ARCHWAY_ADMIN_PASSWORD or is
// generated, printed once and kept in <data>/initial-admin-password (0600).
void bootstrap_admin(store::Store& store, const common::Config& cfg) {
  if (store.count_users() > 0) return;
  std::string password = cfg.admin_password;
  const bool generated = password.empty();
  if (generated) password = crypto::random_password(20);
  domain::User admin;
  admin.id = common::new_uuid();
  admin.username = "admin";
  admin.password_hash = crypto::hash_password(password);
  admin.roles = {std::string(domain::kRoleAdmin)};
  admin.created_time = common::now_millis();
  store.create_user(admin);
  if (generated) {
    const fs::path file = fs::path(cfg.data_dir) / "initial-admin-password";
    write_private_file(file, password + "\n");
    std::cout << "Created user 'admin' with generated password: " << password << "\n"
              << "(also written to " << file.string() << "; it is not shown again)" << std::endl;
  } else {
    spdlog::info("created user 'admin' with the password from ARCHWAY_ADMIN_PASSWORD");
  }
}

// Whether a management request comes over loopback (metrics.management_access = local).
bool from_loopback(const std::string& address) {
  return address.starts_with("127.") || address == "::1" || address.starts_with("::ffff:127.");
}

// The built-in gateway environment: this server's own gateway, answering on any host name.
domain::Environment builtin_environment(const std::string& host, int http_port, int https_port) {
  domain::Environment env;
  env.id = env.name = env.display_name = std::string(domain::kDefaultEnvironment);
  env.description = "This server's gateway";
  env.read_only = true;
  domain::VirtualHost vhost;
  vhost.host = host;
  vhost.http_port = http_port;
  vhost.https_port = https_port;
  vhost.ws_port = vhost.wss_port = -1;
  env.vhosts.push_back(std::move(vhost));
  return env;
}

// SQLite in the data directory, or the PostgreSQL database store.url names (migrated under its
// advisory lock, so nodes starting together take turns). Analytics follows (analytics.store_url).
std::unique_ptr<store::Store> open_store(const common::Config& cfg) {
  if (cfg.store_url.empty()) return store::open_sqlite_store((fs::path(cfg.data_dir) / "archway.db").string());
  store::postgres::PgPoolOptions options;
  options.connection.url = cfg.store_url;
  options.size = cfg.store_pool_size;
  options.wait = std::chrono::milliseconds(cfg.store_pool_wait_ms);
  options.watch_commits = cfg.store_change_notifications;
  try {
    auto store = store::postgres::open_postgres_store(options);
    spdlog::info("store: PostgreSQL ({} connections at most{})", options.size,
                 options.watch_commits ? "" : "; other nodes' commits found by polling alone");
    return store;
  } catch (const store::sql::Error& e) {
    throw std::runtime_error(std::string("store.url: ") + e.what());
  }
}

// The management plane: the REST APIs, the portals and /metrics over the store. Its services live
// as long as it does; the constructor registers their routes on `router`.
struct ManagementDeps {
  const common::Config& cfg;
  store::Store& store;
  const crypto::SecretBox& secrets;
  keymanager::KeyManager& key_manager;
  identity::LoginThrottle& login_throttle;
  keymanager::JwksFetcher& jwks_fetcher;
  analytics::AnalyticsStore* analytics_store;
  analytics::AlertEngine* alert_engine;
  observability::MetricsRegistry& metrics_registry;
  std::function<std::pair<int, int>()> gateway_ports;  // http, https: what the Default environment announces
};

class ManagementPlane {
 public:
  explicit ManagementPlane(const ManagementDeps& d);
  const std::shared_ptr<http::RestRouter> router = std::make_shared<http::RestRouter>();

 private:
  static publisher::OpenApiSettings openapi_settings(const ManagementDeps& d) {
    publisher::OpenApiSettings s;
    s.gateway_listeners = [ports = d.gateway_ports]() {
      const auto [http_port, https_port] = ports();
      return std::vector<std::pair<std::string, int>>{{"http", http_port}, {"https", https_port}};
    };
    s.token_url = d.cfg.keymanager_issuer;
    s.client_tls = http::make_client_tls();
    s.max_definition_bytes = static_cast<std::size_t>(d.cfg.management_max_body_bytes);
    return s;
  }

  ManagementDeps d_;
  publisher::ApiService api_service_{d_.store, &d_.secrets};
  publisher::ApiService product_service_{d_.store, &d_.secrets, publisher::ApiKind::kProduct};
  publisher::DocumentService document_service_{d_.store};
  publisher::DocumentService product_document_service_{d_.store, publisher::ApiKind::kProduct};
  identity::Authenticator auth_{d_.store, &d_.login_throttle};
  identity::SystemScopes system_scopes_{d_.store};
  identity::UserService users_{d_.store, auth_};
  publisher::OpenApiService openapi_service_{api_service_, openapi_settings(d_), &product_service_};
  publisher::CommentService comment_service_{d_.store};
  publisher::ProjectArchive project_archive_{api_service_, product_service_, openapi_service_, document_service_,
                                             d_.store};
  workflow::Approvals approvals_{d_.store};
  catalog::ServiceCatalog service_catalog_{d_.store};
  publisher::ServiceImport service_import_{api_service_, openapi_service_, service_catalog_};
  webui::LoadedWebAssets web_from_dir_;
  std::optional<webui::StaticSite> web_portals_;
};

ManagementPlane::ManagementPlane(const ManagementDeps& deps) : d_(deps) {
  const common::Config& cfg = d_.cfg;
  store::Store& store = d_.store;
  auto& key_manager = d_.key_manager;
  auth_.set_bearer_verifier([&key_manager](std::string_view token) { return key_manager.verify_bearer(token); });
  auth_.set_system_scopes(&system_scopes_);
  key_manager.set_system_scopes(&system_scopes_);
  auto& r = *router;
  publisher::add_openapi_routes(r, openapi_service_, auth_);
  publisher::add_document_routes(r, document_service_, product_document_service_, store, auth_);
  publisher::add_comment_routes(r, api_service_, comment_service_, auth_);
  publisher::add_project_archive_routes(r, project_archive_, api_service_, product_service_, auth_);
  publisher::add_approval_completions(approvals_, api_service_, product_service_);
  devportal::add_approval_completions(approvals_, store);
  publisher::add_publisher_routes(r, api_service_, product_service_, auth_, approvals_);
  publisher::add_test_key_routes(r, api_service_, key_manager, auth_);
  // What the settings and key-manager calls announce: the gateway's URLs (asked when called, as
  // its ports are known once it listens) and the Key Manager's endpoints.
  const std::string oauth_base = keymanager::endpoint_base(cfg.keymanager_issuer);
  const std::string& gw_host = cfg.gateway.host;
  const std::string url_host = gw_host.empty() || gw_host == "0.0.0.0" || gw_host == "::" ? "localhost" : gw_host;
  domain::ServerInfoSource server_info = [ports = d_.gateway_ports, &store, oauth_base, url_host] {
    domain::ServerInfo info;
    const auto [http_port, https_port] = ports();
    info.environments.push_back(builtin_environment(url_host, http_port, https_port));
    for (auto& env : store.list_environments()) info.environments.push_back(std::move(env));
    info.management_url = oauth_base;
    info.token_endpoint = oauth_base + "/oauth2/token";
    info.revoke_endpoint = oauth_base + "/oauth2/revoke";
    return info;
  };
  publisher::add_settings_routes(r, api_service_, store, auth_, server_info);
  publisher::add_environment_routes(r, api_service_, product_service_, auth_);
  publisher::add_operation_policy_routes(r, api_service_, store, auth_);
  publisher::add_certificate_routes(r, store, api_service_, auth_);
  publisher::add_scope_routes(r, store, auth_, system_scopes_);
  devportal::add_devportal_routes(
      r, store, key_manager, approvals_, auth_, users_, cfg.devportal_self_signup, server_info,
      [this](const domain::Api& a) {
        return boost::json::serialize(devportal::portal_definition(openapi_service_, a));
      });
  devportal::add_application_transfer_routes(r, auth_, store);
  devportal::add_settings_routes(r, store, auth_, server_info, cfg.devportal_self_signup);
  devportal::add_document_routes(r, store, auth_);
  devportal::add_comment_routes(r, store, comment_service_, auth_);
  devportal::add_definition_routes(r, store, openapi_service_, auth_);
  admin::add_admin_routes(r, users_, auth_, key_manager, d_.jwks_fetcher, store);
  admin::add_category_routes(r, auth_, store);
  admin::add_policy_transfer_routes(r, auth_, store);
  admin::add_api_key_routes(r, auth_, key_manager, store);
  admin::add_environment_routes(r, auth_, store, server_info);
  admin::add_platform_gateway_routes(r, auth_, store);
  admin::add_application_routes(r, auth_, store);
  admin::add_api_routes(r, auth_, store);
  admin::add_system_scope_routes(r, auth_, store, system_scopes_);
  admin::add_workflow_routes(r, auth_, store, approvals_);
  keymanager::add_oauth_routes(r, key_manager, store, auth_);
  if (d_.analytics_store) analytics::add_analytics_routes(r, *d_.analytics_store, store, auth_, d_.alert_engine);
  catalog::add_catalog_routes(r, service_catalog_, auth_);
  publisher::add_service_import_routes(r, service_import_, auth_);
  publisher::add_access_control(r, store, auth_);  // after every Publisher route
  if (!cfg.web_dir.empty()) {
    web_from_dir_ = webui::load_web_assets(cfg.web_dir);
    spdlog::info("serving the web portals from {} ({} files)", cfg.web_dir, web_from_dir_.table.size());
  }
  web_portals_.emplace(cfg.web_dir.empty() ? webui::embedded_web_assets()
                                           : std::span<const webui::WebAsset>(web_from_dir_.table));
  web_portals_->add_routes(r);
  // The same exposition as the gateway listener's. Access (metrics.management_access): local lets
  // loopback callers in and asks others for an admin credential; open lets anyone in; admin
  // always asks for one.
  r.add("GET", "/metrics", [this](http::RestRequest& req) {
    const std::string& access = d_.cfg.metrics_management_access;
    if (access == "admin" || (access == "local" && !from_loopback(req.remote_address)))
      auth_.authorize(req, {domain::kRoleAdmin}, identity::kScopeAdmin);
    http::RestResponse res;
    res.content_type = std::string(observability::kContentType);
    res.body = d_.metrics_registry.render();
    return res;
  });
}

// The answer of /ready: 200 with `detail` when every check passed, else 503 with a problem body
// saying which failed.
std::pair<int, std::string> readiness_answer(const std::vector<std::string>& failures, boost::json::object detail) {
  if (failures.empty()) {
    detail["status"] = "READY";
    return {200, boost::json::serialize(detail)};
  }
  std::string why;
  for (const auto& f : failures) why += (why.empty() ? "" : "; ") + f;
  common::Problem p{503, 503, "Service Unavailable", "Not ready: " + why};
  return {503, p.to_json()};
}

}  // namespace

int run_serve(const ServeOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const Role role = options.role;
  const bool with_store = role != Role::kGateway;        // management plane, Key Manager, change log
  const bool with_gateway = role != Role::kControlPlane;  // the gateway listener
  common::Config cfg;
  try {
    common::ConfigSources src;
    src.config_file = options.config_file;
    src.environment = common::archway_environment();
    src.flags = options.settings;
    cfg = common::load_config(src);
  } catch (const common::ConfigError& e) {
    std::cerr << "archway: configuration error: " << e.what() << std::endl;
    return 2;
  }
  common::init_logging(cfg.log_level, cfg.log_format == "json");
  std::vector<std::string> control_planes;
  if (role == Role::kGateway) {
    try {
      control_planes = sync::RemoteFeed::parse_urls(cfg.cluster_control_plane);
    } catch (const std::invalid_argument& e) {
      std::cerr << "archway: --control-plane (cluster.control_plane): " << e.what() << std::endl;
      return 2;
    }
    if (cfg.cluster_gateway_token.empty() && cfg.cluster_gateway_cert.empty())
      spdlog::warn("neither cluster.gateway_token nor cluster.gateway_cert is set: every control plane will "
                   "refuse this gateway (401)");
    if (!cfg.cluster_gateway_cert.empty())
      for (const auto& url : control_planes)
        if (!url.starts_with("https://"))
          spdlog::warn("cluster.gateway_cert is presented over https only; {} is plain http", url);
  }
  if (role == Role::kControlPlane && cfg.cluster_gateway_token.empty() && cfg.cluster_gateway_client_ca.empty())
    spdlog::warn("neither cluster.gateway_token nor cluster.gateway_client_ca is set: the gateway feed ({}) refuses "
                 "every gateway but platform gateways (Admin /gateways)", sync::FeedServer::kBase);
  if (role != Role::kControlPlane && !cfg.cluster_gateway_client_ca.empty())
    spdlog::warn("cluster.gateway_client_ca is used by archway control-plane only; ignored");

  // Signals are handled by sigwait in this thread; block them before any other thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  try {
    // Nothing is created (data directory, admin password) when the start would fail on a port.
    std::vector<std::optional<std::string>> taken;
    if (with_store) {
      taken.push_back(port_taken("management HTTP", cfg.management.host, cfg.management.http_port));
      taken.push_back(port_taken("management HTTPS", cfg.management.host, cfg.management.https_port));
    }
    if (with_gateway) {
      taken.push_back(port_taken("gateway HTTP", cfg.gateway.host, cfg.gateway.http_port));
      taken.push_back(port_taken("gateway HTTPS", cfg.gateway.host, cfg.gateway.https_port));
    }
    for (const auto& t : taken)
      if (t) throw std::runtime_error(*t + " (change it with --set or archway.toml)");
    fs::create_directories(cfg.data_dir);
    const int data_lock = lock_data_dir(cfg.data_dir);  // held (open) until the process exits
    (void)data_lock;
    fs::permissions(cfg.data_dir, fs::perms::owner_all, fs::perm_options::replace);
    std::unique_ptr<store::Store> store;
    if (with_store) {
      store = open_store(cfg);
      bootstrap_admin(*store, cfg);
    }

    crypto::TlsIdentity tls{cfg.tls_cert_file, cfg.tls_key_file};
    if (tls.cert_file.empty()) tls = crypto::ensure_self_signed((fs::path(cfg.data_dir) / "tls").string());
    auto server_tls = http::make_server_tls(tls.cert_file, tls.key_file,
                                            cfg.tls_ciphers.empty() ? http::kDefaultTls12Ciphers : cfg.tls_ciphers);
    // Mutual TLS with remote gateways: the control plane's HTTPS management listener asks for (never
    // requires) a client certificate; a gateway presents its own on every https connection to one.
    if (role == Role::kControlPlane && !cfg.cluster_gateway_client_ca.empty()) {
      http::request_gateway_client_certificates(*server_tls, cfg.cluster_gateway_client_ca);
      if (cfg.management.https_port < 0)
        spdlog::warn("cluster.gateway_client_ca needs the HTTPS management listener (management.https_port is -1)");
    }
    std::shared_ptr<boost::asio::ssl::context> feed_tls, uplink_tls;
    if (role == Role::kGateway) {
      feed_tls = http::make_client_tls(cfg.gateway_trust_store);
      uplink_tls = http::make_client_tls(cfg.gateway_trust_store);
      if (!cfg.cluster_gateway_cert.empty()) {
        http::use_client_certificate(*feed_tls, cfg.cluster_gateway_cert, cfg.cluster_gateway_key);
        http::use_client_certificate(*uplink_tls, cfg.cluster_gateway_cert, cfg.cluster_gateway_key);
      }
    }

    gateway::GatewayOptions gw;
    gw.host = cfg.gateway.host;
    gw.http_port = cfg.gateway.http_port;
    gw.https_port = cfg.gateway.https_port;
    gw.workers = cfg.gateway_workers;
    gw.max_header_bytes = static_cast<std::size_t>(cfg.gateway_max_header_bytes);
    gw.max_body_bytes = static_cast<std::uint64_t>(cfg.gateway_max_body_bytes);
    gw.max_transform_bytes = static_cast<std::size_t>(cfg.gateway_max_transform_bytes);
    gw.allow_encoded_slashes = cfg.gateway_allow_encoded_slashes;
    try {
      gw.trusted_proxies = gateway::parse_networks(cfg.gateway_trusted_proxies);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(std::string("gateway.trusted_proxies: ") + e.what());
    }
    gw.response_cache_max_bytes = static_cast<std::size_t>(cfg.gateway_response_cache_max_bytes);
    gw.connect_timeout_ms = cfg.gateway_connect_timeout_ms;
    gw.upstream_timeout_ms = cfg.gateway_upstream_timeout_ms;
    gw.client_idle_timeout_ms = cfg.gateway_client_idle_timeout_ms;
    gw.max_idle_upstream = static_cast<std::size_t>(cfg.gateway_max_idle_upstream_connections);
    // The gateway's own context: it asks callers for a client certificate (mutual SSL), the
    // management listener does not.
    gw.server_tls = http::make_server_tls(tls.cert_file, tls.key_file,
                                          cfg.tls_ciphers.empty() ? http::kDefaultTls12Ciphers : cfg.tls_ciphers);
    http::request_client_certificates(*gw.server_tls);
    gw.client_tls = http::make_client_tls(cfg.gateway_trust_store);
    std::unique_ptr<keymanager::JwksFetcher> jwks_fetcher;
    if (with_store) {
      jwks_fetcher = std::make_unique<keymanager::JwksFetcher>(
          *store, http::make_client_tls(), std::chrono::seconds(cfg.keymanager_jwks_refresh_s),
          std::chrono::milliseconds(cfg.keymanager_jwks_min_refetch_ms));
      gw.on_unknown_key = [f = jwks_fetcher.get()](std::string_view issuer) { f->request_refresh(issuer); };
      // Basic-auth APIs check the control plane's users (in process here; a remote gateway has none).
      gw.basic_auth_verifier = [&store](const std::string& user, const std::string& password)
          -> std::optional<std::vector<std::string>> {
        auto u = store->find_user(user);
        if (!u || !crypto::verify_password(u->password_hash, password)) return std::nullopt;
        return u->roles;
      };
    }
    // Observability: one registry both listeners' /metrics render, the gateway's per-worker counters
    // (slots given to operations when snapshots are built), the access log and span export.
    observability::MetricsRegistry metrics_registry;
    gateway::GatewayMetrics gateway_metrics(gateway::GatewayServer::worker_count(gw));
    gw.metrics = &gateway_metrics;
    if (cfg.metrics_gateway_enabled) {
      gw.metrics_text = [&metrics_registry] { return metrics_registry.render(); };
      gw.metrics_path = cfg.metrics_path;
    }
    std::unique_ptr<observability::AccessLog> access_log;
    if (cfg.gateway_access_log != "off" && with_gateway) {
      observability::AccessLog::Options lo;
      lo.path = cfg.gateway_access_log_path.empty() ? (fs::path(cfg.data_dir) / "access.log").string()
                                                    : cfg.gateway_access_log_path;
      observability::AccessLog::parse_format(cfg.gateway_access_log, lo.format);
      lo.workers = gateway_metrics.workers();
      access_log = std::make_unique<observability::AccessLog>(lo);
      gw.access_log = access_log.get();
    }
    gw.trace_propagation = cfg.tracing_enabled;
    std::unique_ptr<observability::SpanExporter> span_exporter;
    if (!cfg.tracing_otlp_endpoint.empty() && cfg.tracing_enabled && with_gateway) {
      observability::SpanExporter::Options so;
      so.endpoint = cfg.tracing_otlp_endpoint;
      so.service_name = cfg.tracing_service_name;
      so.service_version = ARCHWAY_VERSION;
      so.max_queue = static_cast<std::size_t>(cfg.tracing_max_queue_spans);
      so.interval = std::chrono::milliseconds(cfg.tracing_export_interval_ms);
      try {
        span_exporter = std::make_unique<observability::SpanExporter>(so);
      } catch (const std::invalid_argument& e) {
        throw std::runtime_error(std::string("tracing.otlp_endpoint: ") + e.what());
      }
      gw.span_exporter = span_exporter.get();
    }
    std::atomic<std::int64_t> applied_revision{0};
    std::unique_ptr<traffic::TrafficManager> traffic_manager;
    if (with_gateway) {
      traffic::TrafficOptions tro;
      tro.redis_url = cfg.traffic_redis;
      tro.sync_interval_ms = cfg.traffic_sync_interval_ms;
      tro.max_counters = static_cast<std::size_t>(cfg.traffic_max_counters);
      traffic_manager = std::make_unique<traffic::TrafficManager>(tro);
      traffic_manager->start();
      gw.throttler = &traffic_manager->throttler();
    }
    // Analytics: each gateway worker records its requests into a ring of its own; one drain thread
    // stores them in batches in the analytics database (a file of its own) and prunes it. The
    // control plane serves what its database holds and evaluates the alert rules on it. A remote
    // gateway has no analytics database: its drain thread queues the batches for the control plane
    // (the uplink, created once the gateway listens), whose own drain thread only keeps its
    // database (rollups, pruning).
    std::unique_ptr<analytics::AnalyticsStore> analytics_store;
    std::unique_ptr<sync::AnalyticsUplink> analytics_uplink;
    std::unique_ptr<analytics::Recorder> recorder;
    std::unique_ptr<analytics::AlertEngine> alert_engine;
    if (cfg.analytics_enabled) {
      if (with_store) {
        analytics::AnalyticsStoreOptions so;
        so.rollup_flush_ms = cfg.analytics_rollup_interval_ms;
        const std::string url = cfg.analytics_store_url.empty() ? cfg.store_url
                                : cfg.analytics_store_url == "sqlite" ? std::string()
                                                                      : cfg.analytics_store_url;
        if (url.empty()) {
          const std::string path = cfg.analytics_db_path.empty()
                                       ? (fs::path(cfg.data_dir) / "analytics.db").string()
                                       : cfg.analytics_db_path;
          analytics_store = std::make_unique<analytics::AnalyticsStore>(path, cfg.gateway_environment, so);
        } else {
          // Connections of their own: analytics never waits for the store's pool, nor it for analytics.
          store::postgres::PgPoolOptions writer, readers;
          writer.connection.url = readers.connection.url = url;
          writer.size = 1;
          readers.size = 4;
          writer.wait = readers.wait = std::chrono::milliseconds(cfg.store_pool_wait_ms);
          try {
            analytics_store = std::make_unique<analytics::AnalyticsStore>(
                std::make_unique<store::postgres::PgPool>(writer), std::make_unique<store::postgres::PgPool>(readers),
                cfg.gateway_environment, so);
          } catch (const store::sql::Error& e) {
            throw std::runtime_error(std::string("analytics.store_url: ") + e.what());
          }
          spdlog::info("analytics: PostgreSQL");
        }
      }
      analytics::RecorderOptions ro;
      ro.ring_events = static_cast<std::size_t>(cfg.analytics_buffer_events);
      ro.flush_interval_ms = cfg.analytics_flush_interval_ms;
      analytics::Recorder::Sink sink;
      if (analytics_store)
        sink = [s = analytics_store.get()](std::span<const analytics::Event* const> events) { s->write(events); };
      else
        sink = [&analytics_uplink](std::span<const analytics::Event* const> events) {
          analytics_uplink->enqueue(events);
        };
      recorder = std::make_unique<analytics::Recorder>(ro, std::move(sink));
      if (analytics_store) {
        constexpr std::int64_t kDayMs = 86400000;
        // The rollups a batch added are written once they are rollup_interval_ms old, traffic or not.
        recorder->add_tick([s = analytics_store.get()] { s->flush_if_due(); }, cfg.analytics_flush_interval_ms);
        recorder->add_tick(
            [s = analytics_store.get(), raw = cfg.analytics_raw_retention_days * kDayMs,
             rollups = cfg.analytics_rollup_retention_days * kDayMs] {
              const std::int64_t now = common::now_millis();
              s->prune(now - raw, now - rollups);
            },
            60000);
      }
      if (with_gateway) {
        gw.analytics = recorder.get();
        metrics_registry.set_analytics_dropped_source([r = recorder.get(), &analytics_uplink] {
          return r->dropped() + (analytics_uplink ? analytics_uplink->dropped_events() : 0);
        });
      }
      if (with_store) {
        analytics::AlertOptions ao;
        ao.interval_ms = cfg.analytics_alert_interval_s * 1000;
        ao.webhook_retries = static_cast<int>(cfg.analytics_webhook_retries);
        ao.webhook_backoff_ms = cfg.analytics_webhook_backoff_ms;
        alert_engine = std::make_unique<analytics::AlertEngine>(*analytics_store, ao);
        metrics_registry.add_collector([a = alert_engine.get()](std::string& out) {
          observability::write_family(out, "archway_analytics_alert_webhook_failures_total",
                                      "Alert webhooks that failed every attempt (or found the queue full)", "counter");
          observability::write_sample(out, "archway_analytics_alert_webhook_failures_total", {}, a->webhook_failures());
          observability::write_family(out, "archway_analytics_alert_webhook_retries_total",
                                      "Alert webhook attempts made again after a failure", "counter");
          observability::write_sample(out, "archway_analytics_alert_webhook_retries_total", {}, a->webhook_retries());
        });
      }
    }

    // The gateway's readiness (/ready on its listener and the management one): a snapshot served.
    std::function<std::pair<int, std::string>()> readiness;
    std::unique_ptr<sync::RemoteFeed> remote_feed;
    std::atomic<const sync::RemoteFeed*> remote_status = nullptr;  // read by /ready and /metrics threads
    std::atomic<sync::FeedServer*> feed_status = nullptr;          // the control plane's, read by /ready
    std::atomic<bool> snapshot_loaded = false;
    readiness = [&]() -> std::pair<int, std::string> {
      std::vector<std::string> failures;
      boost::json::object detail;
      detail["role"] = role == Role::kServe ? "serve" : role == Role::kGateway ? "gateway" : "control-plane";
      if (with_store) {
        try {
          (void)store->count_users();
        } catch (const std::exception& e) {
          failures.push_back(std::string("the store does not answer (") + e.what() + ")");
        }
      }
      if (const auto* rf = remote_status.load()) {
        const auto s = rf->status();
        if (!s.loaded) failures.push_back("no snapshot loaded yet: no control plane has answered");
        detail["revision"] = s.revision;
        detail["snapshotRevision"] = s.snapshot_revision;
        detail["revisionsApplied"] = s.revisions_applied;
        detail["batchesApplied"] = s.batches_applied;
        detail["duplicatesSkipped"] = s.duplicates_skipped;
        detail["snapshotsLoaded"] = s.snapshots_loaded;
        detail["source"] = s.from_disk ? "disk" : "control-plane";
        detail["connected"] = s.connected;
        detail["controlPlane"] = s.control_plane;
      } else if (auto* feeds = feed_status.load()) {
        // The change-log revision the gateway feed has read, per environment followed: a gateway
        // that has caught up reports the same `revision`.
        boost::json::object revisions;
        for (const auto& [env, rev] : feeds->revisions()) revisions[env] = rev;
        detail["feedRevisions"] = std::move(revisions);
      } else if (with_gateway) {
        if (!snapshot_loaded) failures.push_back("the gateway has not loaded its snapshot yet");
        detail["revision"] = applied_revision.load(std::memory_order_relaxed);
      }
      return readiness_answer(failures, std::move(detail));
    };
    gw.readiness = readiness;

    std::unique_ptr<gateway::GatewayServer> gateway;
    if (with_gateway) gateway = std::make_unique<gateway::GatewayServer>(gw);
    metrics_registry.add_collector([&](std::string& out) {
      if (gateway) gateway->write_metrics(out);
      observability::write_family(out, "archway_gateway_snapshot_revision",
                                  "Change-log revision the gateway's runtime snapshot includes", "gauge");
      observability::write_sample(out, "archway_gateway_snapshot_revision", {},
                                  static_cast<double>(applied_revision.load(std::memory_order_relaxed)));
      observability::write_family(out, "archway_gateway_access_log_dropped_total",
                                  "Access log lines dropped because a worker's buffer was full", "counter");
      observability::write_sample(out, "archway_gateway_access_log_dropped_total", {},
                                  access_log ? access_log->dropped() : std::uint64_t{0});
      observability::write_family(out, "archway_tracing_spans_dropped_total",
                                  "Spans dropped: export queue full or the collector failed", "counter");
      observability::write_sample(out, "archway_tracing_spans_dropped_total", {},
                                  span_exporter ? span_exporter->dropped() : std::uint64_t{0});
      observability::write_family(out, "archway_tracing_spans_exported_total",
                                  "Spans the OTLP endpoint accepted", "counter");
      observability::write_sample(out, "archway_tracing_spans_exported_total", {},
                                  span_exporter ? span_exporter->exported() : std::uint64_t{0});
      if (const auto* rf = remote_status.load()) {
        const auto s = rf->status();
        observability::write_family(out, "archway_gateway_feed_batches_applied_total",
                                    "Change batches a remote gateway applied from its control plane", "counter");
        observability::write_sample(out, "archway_gateway_feed_batches_applied_total", {},
                                    static_cast<double>(s.batches_applied));
        observability::write_family(out, "archway_gateway_feed_duplicates_skipped_total",
                                    "Change batches a remote gateway skipped because it had them already", "counter");
        observability::write_sample(out, "archway_gateway_feed_duplicates_skipped_total", {},
                                    static_cast<double>(s.duplicates_skipped));
        observability::write_family(out, "archway_gateway_feed_snapshots_loaded_total",
                                    "Snapshots a remote gateway loaded (from a control plane or its disk)", "counter");
        observability::write_sample(out, "archway_gateway_feed_snapshots_loaded_total", {},
                                    static_cast<double>(s.snapshots_loaded));
        observability::write_family(out, "archway_gateway_feed_connected",
                                    "1 while a remote gateway streams from a control plane", "gauge");
        observability::write_sample(out, "archway_gateway_feed_connected", {}, s.connected ? 1.0 : 0.0);
      }
    });

    keymanager::KeyManagerOptions kmo;
    kmo.issuer = cfg.keymanager_issuer;
    kmo.alg = *crypto::parse_alg(cfg.keymanager_signing_alg);
    // One master key seals secrets at rest: signing keys and endpoint_security credentials. A remote
    // gateway opens endpoint credentials with its own copy (docs/deployment.md).
    const crypto::SecretBox secrets = crypto::SecretBox::from_key_file((fs::path(cfg.data_dir) / "master.key").string());
    // Failed sign-ins anywhere (token endpoint, sign-in form, management Basic) share one throttle.
    identity::LoginThrottle login_throttle(identity::LoginThrottleOptions{
        cfg.security_login_free_attempts, cfg.security_login_free_attempts_per_address,
        std::chrono::milliseconds(cfg.security_login_backoff_base_ms),
        std::chrono::milliseconds(cfg.security_login_backoff_max_ms),
        static_cast<std::size_t>(cfg.security_login_max_tracked)});
    std::unique_ptr<keymanager::KeyManager> key_manager;
    if (with_store) {
      key_manager = std::make_unique<keymanager::KeyManager>(*store, secrets, kmo, &login_throttle);
      key_manager->init();
      // The web portals sign in as public clients of our own Key Manager (authorization code + PKCE).
      for (std::string_view portal : webui::StaticSite::kPortals)
        key_manager->ensure_public_client("archway-" + std::string(portal), "Archway " + std::string(portal),
                                          "/" + std::string(portal) + "/callback");
    }

    gateway::SnapshotSettings snapshot_settings{kmo.issuer, kmo.leeway_s, {}, {}};
    snapshot_settings.metrics = &gateway_metrics;
    snapshot_settings.trust_store = cfg.gateway_trust_store;
    snapshot_settings.default_cors.enabled = cfg.gateway_cors_enabled;
    snapshot_settings.default_cors.allow_origins = cors_origins(cfg.gateway_cors_allow_origins);
    snapshot_settings.open_secret = [&secrets](std::string_view sealed) -> std::optional<std::string> {
      if (!sealed.starts_with(domain::kSealedSecretPrefix)) return std::nullopt;
      return secrets.open(sealed.substr(domain::kSealedSecretPrefix.size()));
    };
    // The gateway's state follows a change feed (in process, or from a control plane): loaded
    // whole at start, then changed by what each write names (both on the feed's thread); every
    // batch is published as a new snapshot.
    std::uint64_t generation = 0;
    gateway::SnapshotBuilder snapshots(snapshot_settings);
    auto publish = [&] {
      gateway->update(snapshots.snapshot(++generation));
      for (const auto& w : snapshots.take_warnings()) spdlog::warn("gateway: {}", w);
    };
    sync::DeploymentFeed::Subscriber subscriber;
    subscriber.load = [&](const auto& apis, const auto& security, const auto& subscriptions, std::int64_t rev) {
      const auto began = std::chrono::steady_clock::now();
      snapshots.reset(apis, security);
      std::size_t count = 0;
      for (std::vector<domain::Subscription> chunk; subscriptions(chunk); count += chunk.size())
        snapshots.add_subscriptions(chunk);
      publish();
      applied_revision.store(rev, std::memory_order_relaxed);
      snapshot_loaded = true;
      // A full load reads everything into temporary lists first: give their memory back.
      malloc_trim(0);
      spdlog::info("gateway serves {} API(s), {} application(s), {} subscription(s) at change revision {} "
                   "(loaded in {} ms)",
                   apis.size(), security.applications.size(), count, rev,
                   std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began).count());
    };
    subscriber.apply = [&](const std::vector<domain::ConfigChange>& changes, std::int64_t rev) {
      // Counter resets first: a batch that makes the snapshot reload whole ends the loop below.
      for (const auto& c : changes)
        if (const auto* t = std::get_if<domain::ThrottleReset>(&c))
          traffic_manager->reset_application(t->application_id, t->user);
      for (const auto& c : changes)
        if (!snapshots.apply(c)) return false;
      publish();
      applied_revision.store(rev, std::memory_order_relaxed);
      return true;
    };
    // Each gateway node records itself under its environment (the Admin API's
    // /environments/{id}/gateways), at start and then once a minute from the feed's thread; a
    // remote gateway through its control plane.
    std::atomic<bool> gateway_listening = false;
    auto gateway_id = [&] {
      char host[256] = {};
      if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "localhost");
      const int port = gateway->http_port() >= 0 ? gateway->http_port() : gateway->https_port();
      return fmt::format("{}:{}", host, port);
    };
    auto heartbeat = [&] {
      if (!gateway_listening || !store) return;
      try {
        store->record_gateway_heartbeat({gateway_id(), cfg.gateway_environment, common::now_millis()});
      } catch (const std::exception& e) {
        spdlog::warn("gateway: could not record its heartbeat: {}", e.what());
      }
    };
    subscriber.tick = [&](std::int64_t now_s) {
      heartbeat();
      // Retired signing keys stop being trusted once their grace ends; expired revocations go.
      snapshots.prune_revoked(now_s);
      if (store)
        (void)snapshots.apply(domain::SigningKeysChange{
            store->security_settings(now_s, sync::ChangeReader::kRetiredKeyGraceS).public_jwks});
      publish();
    };
    std::unique_ptr<sync::DeploymentFeed> feed;
    if (role == Role::kServe) {
      if (cfg.gateway_environment != domain::kDefaultEnvironment && !store->find_environment(cfg.gateway_environment))
        spdlog::warn("gateway: environment '{}' (gateway.environment) is not defined yet; the gateway serves what is "
                     "deployed to it once an administrator adds it (POST /api/am/admin/v4/environments)",
                     cfg.gateway_environment);
      feed = std::make_unique<sync::DeploymentFeed>(*store, cfg.gateway_environment, std::move(subscriber));
      feed->set_poll_interval(std::chrono::milliseconds(cfg.cluster_change_poll_ms));
    }

    std::unique_ptr<ManagementPlane> management_plane;
    std::unique_ptr<sync::FeedServer> feed_server;
    std::unique_ptr<http::RestServer> management;
    if (with_store) {
      management_plane = std::make_unique<ManagementPlane>(ManagementDeps{
          cfg, *store, secrets, *key_manager, login_throttle, *jwks_fetcher, analytics_store.get(),
          alert_engine.get(), metrics_registry, [&]() -> std::pair<int, int> {
            if (gateway) return {gateway->http_port(), gateway->https_port()};
            return {cfg.gateway.http_port, cfg.gateway.https_port};  // the remote gateways' configured ports
          }});
      auto& router = *management_plane->router;
      if (role == Role::kControlPlane) {
        sync::FeedServer::Options fo;
        fo.token = cfg.cluster_gateway_token;
        fo.client_certificates = !cfg.cluster_gateway_client_ca.empty();
        fo.client_names = comma_list(cfg.cluster_gateway_client_names);
        fo.ring_batches = static_cast<std::size_t>(cfg.cluster_feed_ring_batches);
        fo.heartbeat = std::chrono::milliseconds(cfg.cluster_heartbeat_interval_ms);
        if (analytics_store)
          fo.analytics = [s = analytics_store.get()](std::string_view bytes, std::string_view gateway,
                                                     std::string_view boot, std::int64_t seq) {
            return s->write_segment(bytes, gateway, boot, seq);
          };
        fo.change_poll = std::chrono::milliseconds(cfg.cluster_change_poll_ms);
        feed_server = std::make_unique<sync::FeedServer>(*store, fo);
        feed_server->start(router);
        feed_status = feed_server.get();
      }
      if (!options.routes_file.empty()) {
        // The route list the REST parity check (docs/rest-parity.md) compares against.
        std::ofstream out(options.routes_file);
        for (const auto& r : router.routes()) out << r.method << ' ' << r.pattern << '\n';
        if (!out) throw std::runtime_error("cannot write the routes file " + options.routes_file);
      }
      http::RestServerOptions mo;
      mo.host = cfg.management.host;
      mo.http_port = cfg.management.http_port;
      mo.https_port = cfg.management.https_port;
      mo.threads = cfg.management_threads;
      mo.max_body_bytes = static_cast<std::size_t>(cfg.management_max_body_bytes);
      mo.tls = server_tls;
      mo.readiness = readiness;
      // Read-your-writes: a write is answered once this process's gateway serves it (deployments,
      // keys, subscriptions, revocations), so a client may call the gateway right after.
      if (feed)
        mo.after_write = [f = feed.get()] {
          if (!f->wait_delivered(std::chrono::seconds(2)))
            spdlog::warn("the gateway has not applied a change within 2 s; answering the write anyway");
        };
      management = std::make_unique<http::RestServer>(mo, management_plane->router);
    }

    if (feed) feed->start();
    if (jwks_fetcher) jwks_fetcher->start();
    if (recorder && role != Role::kGateway) recorder->start();
    if (alert_engine) alert_engine->start();
    if (gateway) {
      gateway->start();
      gateway_listening = true;
      heartbeat();
    }
    if (role == Role::kGateway) {
      sync::RemoteFeed::Options ro;
      ro.control_planes = control_planes;
      ro.token = cfg.cluster_gateway_token;
      ro.environment = cfg.gateway_environment;
      ro.state_dir = cfg.data_dir;
      ro.gateway_id = gateway_id();
      ro.heartbeat = std::chrono::milliseconds(cfg.cluster_heartbeat_interval_ms);
      ro.reconnect_max = std::chrono::milliseconds(cfg.cluster_reconnect_max_ms);
      ro.persist_interval = std::chrono::milliseconds(cfg.cluster_snapshot_persist_ms);
      ro.tls = feed_tls;
      remote_feed = std::make_unique<sync::RemoteFeed>(std::move(ro), std::move(subscriber));
      if (recorder) {
        sync::AnalyticsUplink::Options uo;
        uo.control_planes = control_planes;
        uo.token = cfg.cluster_gateway_token;
        uo.environment = cfg.gateway_environment;
        uo.gateway_id = gateway_id();
        uo.max_queued_bytes = static_cast<std::size_t>(cfg.cluster_analytics_queue_mb) << 20;
        uo.retry_max = std::chrono::milliseconds(cfg.cluster_reconnect_max_ms);
        uo.tls = uplink_tls;
        analytics_uplink = std::make_unique<sync::AnalyticsUplink>(std::move(uo));
        analytics_uplink->start();
        recorder->start();  // requests recorded until now waited in the rings
      }
      // The gateway listens before the first snapshot: /health answers, /ready says 503 until one
      // is loaded (from the persisted file at once, or from a control plane).
      remote_feed->start();
      remote_status = remote_feed.get();
    }
    if (management) management->start();

    const auto ready_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    const int m_http = management ? management->http_port() : -1;
    const int m_https = management ? management->https_port() : -1;
    const int g_http = gateway ? gateway->http_port() : -1;
    const int g_https = gateway ? gateway->https_port() : -1;
    spdlog::info("archway {} ready in {} ms: management http {} https {}, gateway http {} https {}, data {}",
                 role == Role::kServe ? "serve" : role == Role::kGateway ? "gateway" : "control-plane", ready_ms,
                 m_http, m_https, g_http, g_https, cfg.data_dir);
    if (!options.ready_file.empty()) {
      boost::json::object ports{{"management_http", m_http},
                                {"management_https", m_https},
                                {"gateway_http", g_http},
                                {"gateway_https", g_https},
                                {"pid", ::getpid()}};
      const std::string tmp = options.ready_file + ".tmp";
      std::ofstream(tmp) << boost::json::serialize(ports) << "\n";
      fs::rename(tmp, options.ready_file);
    }

    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("received {}, shutting down (grace {} ms)", sig == SIGTERM ? "SIGTERM" : "SIGINT",
                 cfg.shutdown_grace_ms);
    // Both listeners drain at once: stop accepting, finish requests in flight, then exit. The feed
    // server goes first, so its streams end and their gateways reconnect elsewhere.
    if (feed_server) feed_server->stop();
    std::thread mgmt_stop([&] {
      if (management) management->stop(cfg.shutdown_grace_ms);
    });
    if (gateway) gateway->stop(cfg.shutdown_grace_ms);
    mgmt_stop.join();
    if (remote_feed) remote_feed->stop();  // persists what it applied last (the listeners are stopped)
    if (alert_engine) alert_engine->stop();
    if (recorder) {
      recorder->stop();  // what the workers recorded before they stopped is stored
      spdlog::info("analytics: {} events stored, {} dropped (buffers full), {} lost to failed writes",
                   recorder->delivered(), recorder->dropped(), recorder->failed_batches());
    }
    if (analytics_uplink) {
      analytics_uplink->stop(std::chrono::milliseconds(3000));  // sends what is queued while it can
      spdlog::info("analytics: {} events sent to the control plane, {} dropped", analytics_uplink->sent_events(),
                   analytics_uplink->dropped_events());
    }
    if (jwks_fetcher) jwks_fetcher->stop();
    if (feed) feed->stop();
    spdlog::info("stopped");
    return 0;
  } catch (const std::exception& e) {
    spdlog::critical("archway cannot start: {}", e.what());
    return 1;
  }
}

}  // namespace archway::app
