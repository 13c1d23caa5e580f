#pragma once
// Server configuration: defaults, then archway.toml, then ARCHWAY_* environment variables, then
// command-line flags (flags win). Every key is listed in docs/configuration.md.
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace archway::common {

struct ListenerConfig {
  std::string host;
  int http_port = 0;   // 0 picks a free port; -1 disables the listener
  int https_port = 0;  // 0 picks a free port; -1 disables the listener
};

struct Config {
  std::string data_dir = "./data";
  std::string log_level = "info";
  std::string log_format = "text";  // or "json"
  std::int64_t shutdown_grace_ms = 10000;

  ListenerConfig management{"0.0.0.0", 9763, 9443};
  int management_threads = 2;
  std::int64_t management_max_body_bytes = 10 * 1024 * 1024;

  ListenerConfig gateway{"0.0.0.0", 8280, 8243};
  int gateway_workers = 0;  // 0 = one per core
  std::string gateway_environment = "Default";  // the gateway environment whose deployments this gateway serves
  std::int64_t gateway_max_header_bytes = 32 * 1024;
  std::int64_t gateway_max_body_bytes = 10 * 1024 * 1024;
  std::int64_t gateway_max_transform_bytes = 4 * 1024 * 1024;  // largest body a payload policy buffers
  std::int64_t gateway_response_cache_max_bytes = 64 * 1024 * 1024;  // 0: response caching off
  std::int64_t gateway_connect_timeout_ms = 5000;
  std::int64_t gateway_upstream_timeout_ms = 60000;
  std::int64_t gateway_client_idle_timeout_ms = 60000;
  int gateway_max_idle_upstream_connections = 64;  // per worker per backend
  bool gateway_cors_enabled = true;          // CORS for APIs without their own corsConfiguration
  std::string gateway_cors_allow_origins = "*";  // comma-separated origins, or *
  bool gateway_allow_encoded_slashes = false;  // %2F / %5C in gateway paths: refused (400) unless true
  std::string gateway_trust_store;  // PEM CA bundle for https backends; empty: the system store
  // Comma-separated addresses and CIDRs of proxies whose X-Forwarded-For / Forwarded name the
  // client; empty: the direct peer is the client and those headers are ignored.
  std::string gateway_trusted_proxies;

  std::string tls_cert_file;  // empty: self-signed certificate in <data_dir>/tls
  std::string tls_key_file;
  std::string tls_ciphers;  // TLS 1.2 cipher list (OpenSSL syntax); empty: AEAD suites with forward secrecy

  std::string keymanager_issuer = "https://localhost:9443/oauth2/token";
  std::string keymanager_signing_alg = "RS256";
  std::int64_t keymanager_jwks_refresh_s = 900;       // external key managers' JWKS, refreshed this often
  std::int64_t keymanager_jwks_min_refetch_ms = 5000;  // at most this often on unknown kids

  bool devportal_self_signup = true;
  std::string web_dir;  // serve the portals from this directory instead of the embedded build

  // Control plane and remote gateways (docs/deployment.md).
  std::string cluster_gateway_token;           // the credential gateways present to the feed; empty: feed refuses all
  std::string cluster_control_plane;           // gateway role: comma-separated control-plane base URLs
  // Mutual TLS between gateways and control planes: the control plane's CA bundle for gateway
  // client certificates and the names it allows (comma-separated; empty: any the CA signed); the
  // gateway's certificate chain and key, presented on https connections to its control planes.
  std::string cluster_gateway_client_ca;
  std::string cluster_gateway_client_names;
  std::string cluster_gateway_cert;
  std::string cluster_gateway_key;
  std::int64_t cluster_feed_ring_batches = 1024;  // recent batches a control plane keeps per environment
  std::int64_t cluster_change_poll_ms = 100;  // a control plane reads other nodes' commits this often
  std::int64_t cluster_heartbeat_interval_ms = 5000;  // feed heartbeats; 3 missed: the gateway reconnects
  std::int64_t cluster_reconnect_max_ms = 5000;  // the longest back-off between a gateway's attempts
  std::int64_t cluster_analytics_queue_mb = 64;  // a remote gateway's analytics waiting for a control plane
  std::int64_t cluster_snapshot_persist_ms = 1000;  // a gateway writes its snapshot at most this often
  // The store: empty, SQLite at <data_dir>/archway.db; postgresql://user:password@host:port/db, PostgreSQL.
  std::string store_url;
  int store_pool_size = 8;                 // PostgreSQL connections this node opens at most
  std::int64_t store_pool_wait_ms = 5000;  // how long a request waits for a free one (then 503)
  bool store_change_notifications = true;  // PostgreSQL: LISTEN for other nodes' commits

  std::string traffic_redis;                 // redis://host:port: share rate-limit counters; empty: this node only
  std::int64_t traffic_sync_interval_ms = 20;  // how often counters are synchronised through Redis
  std::int64_t traffic_max_counters = 1000000;   // rate-limit counters kept at once (keys per IP, app, ...)

  // Credential guessing: failures past the free ones lock the client id / username (and, past
  // more, the source address) for base × 2^k ms, up to max.
  int security_login_free_attempts = 5;
  int security_login_free_attempts_per_address = 20;
  std::int64_t security_login_backoff_base_ms = 1000;
  std::int64_t security_login_backoff_max_ms = 15 * 60 * 1000;
  std::int64_t security_login_max_tracked = 100000;  // per kind of key (client, user, address)

  bool analytics_enabled = true;              // one event per gateway request, stored and queryable
  std::string analytics_db_path;              // empty: <data_dir>/analytics.db
  std::int64_t analytics_raw_retention_days = 7;
  std::int64_t analytics_rollup_retention_days = 90;
  std::int64_t analytics_buffer_events = 8192;     // per gateway worker; events beyond it are dropped
  std::int64_t analytics_flush_interval_ms = 100;  // how often the drain thread looks at idle buffers
  std::string analytics_store_url;  // empty: store_url when PostgreSQL, else the SQLite file; "sqlite"; postgresql://
  std::int64_t analytics_rollup_interval_ms = 1000;  // rollups gather in memory this long between writes
  std::int64_t analytics_alert_interval_s = 60;    // how often alert rules are evaluated
  std::int64_t analytics_webhook_retries = 3;      // further attempts of a failed alert webhook
  std::int64_t analytics_webhook_backoff_ms = 1000;  // wait before the first retry (doubles each time)

  // Observability (docs/observability.md).
  bool metrics_gateway_enabled = true;      // GET <metrics.path> on the gateway listener
  std::string metrics_path = "/metrics";    // ... at this path (an API at that context wins)
  std::string metrics_management_access = "local";  // local, open or admin
  std::string gateway_access_log = "off";   // off, combined or json
  std::string gateway_access_log_path;      // empty: <data_dir>/access.log; "-": standard output
  bool tracing_enabled = true;              // W3C traceparent accepted or made, sent to backends
  std::string tracing_otlp_endpoint;        // http://host:port/v1/traces; empty: no span export
  std::string tracing_service_name = "archway";
  std::int64_t tracing_max_queue_spans = 8192;
  std::int64_t tracing_export_interval_ms = 1000;

  std::string admin_password;  // from ARCHWAY_ADMIN_PASSWORD only; never from a file
};

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ConfigSources {
  std::string config_file;  // empty: ./archway.toml when it exists
  std::map<std::string, std::string> environment;       // all ARCHWAY_* variables
  std::vector<std::pair<std::string, std::string>> flags;  // dotted key -> value, in order
};

// Builds the configuration; throws ConfigError naming the offending key and its source.
Config load_config(const ConfigSources& sources);

// Reads ARCHWAY_* variables from the process environment.
std::map<std::string, std::string> archway_environment();

// The documented keys, dotted ("gateway.http_port"), for --help and docs.
std::vector<std::string> config_keys();

struct ConfigKeyDoc {
  std::string name;
  std::string default_value;
  std::string help;  // one line; empty only for a key that has none yet (a test forbids it)
};
// Every key with its default and one line, in the order of config_keys().
std::vector<ConfigKeyDoc> config_key_docs();

}  // namespace archway::common
