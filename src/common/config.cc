#include "common/config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <functional>
// toml++ 3.3 asserts (abort() without NDEBUG) on a table header such as "[,x]" and then, with the
// assert off, reports the parse error itself; a typo in archway.toml must end in that message.
#define TOML_ASSERT(expr) static_assert(true)
#include <toml++/toml.h>
#include <unistd.h>

extern char** environ;

namespace archway::common {

namespace {

enum class Kind { kString, kInt, kBool };

struct KeySpec {
  const char* name;
  Kind kind;
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::function<void(Config&, const std::string&, std::int64_t)> set;
};

const std::vector<KeySpec>& specs() {
  static const std::vector<KeySpec> kSpecs = {
      {"server.data_dir", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.data_dir = s; }},
      {"server.log_level", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.log_level = s; }},
      {"server.log_format", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.log_format = s; }},
      {"server.shutdown_grace_ms", Kind::kInt, 0, 600000,
       [](Config& c, const std::string&, std::int64_t v) { c.shutdown_grace_ms = v; }},
      {"management.host", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.management.host = s; }},
      {"management.http_port", Kind::kInt, -1, 65535,
       [](Config& c, const std::string&, std::int64_t v) { c.management.http_port = int(v); }},
      {"management.https_port", Kind::kInt, -1, 65535,
       [](Config& c, const std::string&, std::int64_t v) { c.management.https_port = int(v); }},
      {"management.threads", Kind::kInt, 1, 256,
       [](Config& c, const std::string&, std::int64_t v) { c.management_threads = int(v); }},
      {"management.max_body_bytes", Kind::kInt, 1024, std::int64_t(1) << 32,
       [](Config& c, const std::string&, std::int64_t v) { c.management_max_body_bytes = v; }},
      {"gateway.host", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.gateway.host = s; }},
      {"gateway.http_port", Kind::kInt, -1, 65535,
       [](Config& c, const std::string&, std::int64_t v) { c.gateway.http_port = int(v); }},
      {"gateway.https_port", Kind::kInt, -1, 65535,
       [](Config& c, const std::string&, std::int64_t v) { c.gateway.https_port = int(v); }},
      {"gateway.environment", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) {
         const bool valid = !s.empty() && s.size() <= 255 && std::all_of(s.begin(), s.end(), [](unsigned char ch) {
           return std::isalnum(ch) || ch == '_' || ch == '-';
         });
         if (!valid) throw ConfigError("gateway.environment must be 1-255 letters, digits, '_' or '-'");
         c.gateway_environment = s;
       }},
      {"gateway.workers", Kind::kInt, 0, 1024,
       [](Config& c, const std::string&, std::int64_t v) { c.gateway_workers = int(v); }},
      {"gateway.max_header_bytes", Kind::kInt, 1024, 1024 * 1024,
       [](Config& c, const std::string&, std::int64_t v) { c.gateway_max_header_bytes = v; }},
      {"gateway.max_body_bytes", Kind::kInt, 0, std::int64_t(1) << 40,
       [](Config& c, const std::string&, std::int64_t v) { c.gateway_max_body_bytes = v; }},
      {"gateway.max_transform_bytes", Kind::kInt, 1024, std::int64_t(1) << 32,
       [](Config& c, const std::string&, std::int64_t v) { c.gateway_max_transform_bytes = v; }},
      {"gateway.response_cache_max_bytes", Kind::kInt, 0, std::int64_t(1) << 40,
       [](Config& c, const std::string&, std::int64_t v) { c.gateway_response_cache_max_bytes = v; }},
      {"gateway.connect_timeout_ms", Kind::kInt, 1, 600000,
       [](Config& c, const std::string&, std::int64_t v) { c.gateway_connect_timeout_ms = v; }},
      {"gateway.upstream_timeout_ms", Kind::kInt, 1, 3600000,
       [](Config& c, const std::string&, std::int64_t v) { c.gateway_upstream_timeout_ms = v; }},
      {"gateway.client_idle_timeout_ms", Kind::kInt, 100, 3600000,
       [](Config& c, const std::string&, std::int64_t v) { c.gateway_client_idle_timeout_ms = v; }},
      {"gateway.max_idle_upstream_connections", Kind::kInt, 0, 100000,
       [](Config& c, const std::string&, std::int64_t v) {
         c.gateway_max_idle_upstream_connections = int(v);
       }},
      {"gateway.cors_enabled", Kind::kBool, 0, 0,
       [](Config& c, const std::string&, std::int64_t v) { c.gateway_cors_enabled = v != 0; }},
      {"gateway.cors_allow_origins", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.gateway_cors_allow_origins = s; }},
      {"gateway.trusted_proxies", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.gateway_trusted_proxies = s; }},
      {"gateway.allow_encoded_slashes", Kind::kBool, 0, 0,
       [](Config& c, const std::string&, std::int64_t v) { c.gateway_allow_encoded_slashes = v != 0; }},
      {"gateway.trust_store", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.gateway_trust_store = s; }},
      {"analytics.enabled", Kind::kBool, 0, 0,
       [](Config& c, const std::string&, std::int64_t v) { c.analytics_enabled = v != 0; }},
      {"analytics.db_path", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.analytics_db_path = s; }},
      {"analytics.raw_retention_days", Kind::kInt, 1, 3650,
       [](Config& c, const std::string&, std::int64_t v) { c.analytics_raw_retention_days = v; }},
      {"analytics.rollup_retention_days", Kind::kInt, 1, 3650,
       [](Config& c, const std::string&, std::int64_t v) { c.analytics_rollup_retention_days = v; }},
      {"analytics.buffer_events", Kind::kInt, 16, 1 << 20,
       [](Config& c, const std::string&, std::int64_t v) { c.analytics_buffer_events = v; }},
      {"analytics.flush_interval_ms", Kind::kInt, 10, 10000,
       [](Config& c, const std::string&, std::int64_t v) { c.analytics_flush_interval_ms = v; }},
      {"analytics.store_url", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) {
         if (!s.empty() && s != "sqlite" && !s.starts_with("postgresql://") && !s.starts_with("postgres://"))
           throw ConfigError(
               "'analytics.store_url' must be empty (the store's PostgreSQL database when store.url names one, "
               "else analytics.db_path), \"sqlite\" (analytics.db_path) or a postgresql:// URL");
         c.analytics_store_url = s;
       }},
      {"analytics.rollup_interval_ms", Kind::kInt, 0, 60000,
       [](Config& c, const std::string&, std::int64_t v) { c.analytics_rollup_interval_ms = v; }},
      {"analytics.alert_interval_s", Kind::kInt, 1, 3600,
       [](Config& c, const std::string&, std::int64_t v) { c.analytics_alert_interval_s = v; }},
      {"analytics.webhook_retries", Kind::kInt, 0, 10,
       [](Config& c, const std::string&, std::int64_t v) { c.analytics_webhook_retries = v; }},
      {"analytics.webhook_backoff_ms", Kind::kInt, 10, 600000,
       [](Config& c, const std::string&, std::int64_t v) { c.analytics_webhook_backoff_ms = v; }},
      {"keymanager.issuer", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.keymanager_issuer = s; }},
      {"keymanager.signing_alg", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.keymanager_signing_alg = s; }},
      {"keymanager.jwks_refresh_s", Kind::kInt, 10, 86400,
       [](Config& c, const std::string&, std::int64_t v) { c.keymanager_jwks_refresh_s = v; }},
      {"keymanager.jwks_min_refetch_ms", Kind::kInt, 100, 3600000,
       [](Config& c, const std::string&, std::int64_t v) { c.keymanager_jwks_min_refetch_ms = v; }},
      {"devportal.self_signup", Kind::kBool, 0, 0,
       [](Config& c, const std::string&, std::int64_t v) { c.devportal_self_signup = v != 0; }},
      {"web.dir", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.web_dir = s; }},
      {"cluster.gateway_token", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.cluster_gateway_token = s; }},
      {"cluster.gateway_client_ca", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.cluster_gateway_client_ca = s; }},
      {"cluster.gateway_client_names", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.cluster_gateway_client_names = s; }},
      {"cluster.gateway_cert", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.cluster_gateway_cert = s; }},
      {"cluster.gateway_key", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.cluster_gateway_key = s; }},
      {"cluster.control_plane", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.cluster_control_plane = s; }},
      {"cluster.feed_ring_batches", Kind::kInt, 1, 1000000,
       [](Config& c, const std::string&, std::int64_t v) { c.cluster_feed_ring_batches = v; }},
      {"cluster.change_poll_ms", Kind::kInt, 10, 60000,
       [](Config& c, const std::string&, std::int64_t v) { c.cluster_change_poll_ms = v; }},
      {"cluster.heartbeat_interval_ms", Kind::kInt, 100, 60000,
       [](Config& c, const std::string&, std::int64_t v) { c.cluster_heartbeat_interval_ms = v; }},
      {"cluster.reconnect_max_ms", Kind::kInt, 10, 600000,
       [](Config& c, const std::string&, std::int64_t v) { c.cluster_reconnect_max_ms = v; }},
      {"cluster.snapshot_persist_ms", Kind::kInt, 0, 600000,
       [](Config& c, const std::string&, std::int64_t v) { c.cluster_snapshot_persist_ms = v; }},
      {"cluster.analytics_queue_mb", Kind::kInt, 1, 4096,
       [](Config& c, const std::string&, std::int64_t v) { c.cluster_analytics_queue_mb = v; }},
      {"store.url", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) {
         // Only the scheme is repeated: the rest may hold a password.
         if (!s.empty() && !s.starts_with("postgresql://") && !s.starts_with("postgres://")) {
           const auto colon = s.find(':');
           throw ConfigError(fmt::format(
               "'store.url' must be empty (SQLite in server.data_dir) or a postgresql:// URL such as "
               "postgresql://archway:secret@db.example:5432/archway; got {}",
               colon == std::string::npos ? std::string("a value without a scheme")
                                          : "the unsupported scheme '" + s.substr(0, colon) + "'"));
         }
         c.store_url = s;
       }},
      {"store.pool_size", Kind::kInt, 1, 1000,
       [](Config& c, const std::string&, std::int64_t v) { c.store_pool_size = int(v); }},
      {"store.pool_wait_ms", Kind::kInt, 0, 600000,
       [](Config& c, const std::string&, std::int64_t v) { c.store_pool_wait_ms = v; }},
      {"store.change_notifications", Kind::kBool, 0, 0,
       [](Config& c, const std::string&, std::int64_t v) { c.store_change_notifications = v != 0; }},
      {"traffic.redis", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.traffic_redis = s; }},
      {"traffic.sync_interval_ms", Kind::kInt, 5, 10000,
       [](Config& c, const std::string&, std::int64_t v) { c.traffic_sync_interval_ms = v; }},
      {"traffic.max_counters", Kind::kInt, 1000, 100000000,
       [](Config& c, const std::string&, std::int64_t v) { c.traffic_max_counters = v; }},
      {"security.login_free_attempts", Kind::kInt, 0, 1000,
       [](Config& c, const std::string&, std::int64_t v) { c.security_login_free_attempts = int(v); }},
      {"security.login_free_attempts_per_address", Kind::kInt, 0, 1000000,
       [](Config& c, const std::string&, std::int64_t v) { c.security_login_free_attempts_per_address = int(v); }},
      {"security.login_backoff_base_ms", Kind::kInt, 1, 3600000,
       [](Config& c, const std::string&, std::int64_t v) { c.security_login_backoff_base_ms = v; }},
      {"security.login_backoff_max_ms", Kind::kInt, 1, 86400000,
       [](Config& c, const std::string&, std::int64_t v) { c.security_login_backoff_max_ms = v; }},
      {"security.login_max_tracked", Kind::kInt, 16, 100000000,
       [](Config& c, const std::string&, std::int64_t v) { c.security_login_max_tracked = v; }},
      {"metrics.gateway_enabled", Kind::kBool, 0, 0,
       [](Config& c, const std::string&, std::int64_t v) { c.metrics_gateway_enabled = v != 0; }},
      {"metrics.path", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) {
         const bool valid = s.size() >= 2 && s.size() <= 256 && s.front() == '/' &&
                            std::all_of(s.begin(), s.end(), [](unsigned char ch) {
                              return std::isalnum(ch) || ch == '/' || ch == '-' || ch == '_' || ch == '.';
                            });
         if (!valid)
           throw ConfigError("'metrics.path' must be a path such as /metrics (letters, digits, '/', '-', '_', '.'), "
                             "got '" + s + "'");
         c.metrics_path = s;
       }},
      {"metrics.management_access", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) {
         if (s != "local" && s != "open" && s != "admin")
           throw ConfigError("'metrics.management_access' must be local, open or admin, got '" + s + "'");
         c.metrics_management_access = s;
       }},
      {"gateway.access_log", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) {
         if (s != "off" && s != "combined" && s != "json")
           throw ConfigError("'gateway.access_log' must be off, combined or json, got '" + s + "'");
         c.gateway_access_log = s;
       }},
      {"gateway.access_log_path", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.gateway_access_log_path = s; }},
      {"tracing.enabled", Kind::kBool, 0, 0,
       [](Config& c, const std::string&, std::int64_t v) { c.tracing_enabled = v != 0; }},
      {"tracing.otlp_endpoint", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) {
         if (!s.empty() && (!s.starts_with("http://") || s.size() <= 7))
           throw ConfigError("'tracing.otlp_endpoint' must be an http:// URL such as "
                             "http://localhost:4318/v1/traces, got '" + s + "'");
         c.tracing_otlp_endpoint = s;
       }},
      {"tracing.service_name", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) {
         if (s.empty() || s.size() > 255) throw ConfigError("'tracing.service_name' must be 1-255 characters");
         c.tracing_service_name = s;
       }},
      {"tracing.max_queue_spans", Kind::kInt, 16, 10000000,
       [](Config& c, const std::string&, std::int64_t v) { c.tracing_max_queue_spans = v; }},
      {"tracing.export_interval_ms", Kind::kInt, 10, 600000,
       [](Config& c, const std::string&, std::int64_t v) { c.tracing_export_interval_ms = v; }},
      {"tls.cert_file", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.tls_cert_file = s; }},
      {"tls.key_file", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.tls_key_file = s; }},
      {"tls.ciphers", Kind::kString, 0, 0,
       [](Config& c, const std::string& s, std::int64_t) { c.tls_ciphers = s; }},
  };
  return kSpecs;
}

const KeySpec* find_spec(std::string_view key) {
  for (const auto& s : specs())
    if (key == s.name) return &s;
  return nullptr;
}

void apply_text(Config& c, const KeySpec& spec, const std::string& text, const std::string& source) {
  switch (spec.kind) {
    case Kind::kString:
      spec.set(c, text, 0);
      return;
    case Kind::kBool: {
      if (text == "true" || text == "1") return spec.set(c, text, 1);
      if (text == "false" || text == "0") return spec.set(c, text, 0);
      throw ConfigError(fmt::format("{}: '{}' must be true or false, got '{}'", source, spec.name, text));
    }
    case Kind::kInt: {
      std::int64_t v = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || p != text.data() + text.size())
        throw ConfigError(fmt::format("{}: '{}' must be an integer, got '{}'", source, spec.name, text));
      if (v < spec.min || v > spec.max)
        throw ConfigError(fmt::format("{}: '{}' must be between {} and {}, got {}", source, spec.name,
                                      spec.min, spec.max, v));
      spec.set(c, text, v);
      return;
    }
  }
}

// The line of the first byte outside ASCII that is not inside a string or comment, or 0. TOML
// allows none there, and toml++ 3.3 reaches __builtin_unreachable() on some (U+00A1..U+0499 where
// it looks for whitespace), so such a file is refused before it is parsed.
std::size_t stray_non_ascii_line(std::string_view text) {
  std::size_t line = 1;
  for (std::size_t i = text.starts_with("\xEF\xBB\xBF") ? 3 : 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '\n') {
      ++line;
    } else if (ch == '#') {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (ch == '"' || ch == '\'') {
      const bool multi = text.substr(i, 3) == std::string(3, ch);
      const std::string close = multi ? std::string(3, ch) : std::string(1, ch);
      i += close.size();
      while (i < text.size() && text.substr(i, close.size()) != close) {
        if (text[i] == '\n') {
          if (!multi) break;  // an unterminated string: the parser reports it
          ++line;
        }
        if (text[i] == '\\' && ch == '"' && i + 1 < text.size() && text[i + 1] != '\n') ++i;
        ++i;
      }
      if (i < text.size() && text[i] == '\n') --i;  // let the loop count it
      else i += close.size() - 1;
    } else if (static_cast<unsigned char>(ch) >= 0x80) {
      return line;
    }
  }
  return 0;
}

void apply_toml(Config& c, const std::string& path) {
  toml::table tbl;
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) throw ConfigError(fmt::format("{}: cannot be read", path));
  if (const std::size_t line = stray_non_ascii_line(text))
    throw ConfigError(fmt::format("{}:{}: a non-ASCII character outside a string or comment", path, line));
  try {
    tbl = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw ConfigError(fmt::format("{}:{}:{}: {}", path, e.source().begin.line, e.source().begin.column,
                                  e.description()));
  }
  for (auto& [section, node] : tbl) {
    const auto* sub = node.as_table();
    if (!sub)
      throw ConfigError(fmt::format("{}: unknown key '{}' (settings live in sections such as [gateway])",
                                    path, section.str()));
    for (auto& [key, value] : *sub) {
      const std::string dotted = fmt::format("{}.{}", section.str(), key.str());
      const KeySpec* spec = find_spec(dotted);
      if (!spec) throw ConfigError(fmt::format("{}: unknown key '{}'", path, dotted));
      std::string text;
      if (auto s = value.as_string()) {
        if (spec->kind != Kind::kString)
          throw ConfigError(fmt::format("{}: '{}' must not be a string", path, dotted));
        text = s->get();
      } else if (auto i = value.as_integer()) {
        if (spec->kind == Kind::kString)
          throw ConfigError(fmt::format("{}: '{}' must be a string", path, dotted));
        text = std::to_string(i->get());
      } else if (auto b = value.as_boolean()) {
        text = b->get() ? "true" : "false";
      } else {
        throw ConfigError(fmt::format("{}: '{}' has an unsupported value type", path, dotted));
      }
      apply_text(c, *spec, text, path);
    }
  }
}

std::string env_to_key(const std::string& var) {
  // ARCHWAY_GATEWAY_HTTP_PORT -> gateway.http_port
  std::string rest = var.substr(std::string("ARCHWAY_").size());
  std::transform(rest.begin(), rest.end(), rest.begin(), [](unsigned char ch) { return std::tolower(ch); });
  auto us = rest.find('_');
  if (us == std::string::npos) return rest;
  rest[us] = '.';
  return rest;
}

}  // namespace

Config load_config(const ConfigSources& src) {
  Config c;
  std::string file = src.config_file;
  if (auto it = src.environment.find("ARCHWAY_CONFIG"); file.empty() && it != src.environment.end())
    file = it->second;
  if (!file.empty()) {
    if (!std::filesystem::exists(file)) throw ConfigError(fmt::format("config file '{}' does not exist", file));
    apply_toml(c, file);
  } else if (std::filesystem::exists("archway.toml")) {
    apply_toml(c, "archway.toml");
  }
  for (const auto& [var, value] : src.environment) {
    if (var == "ARCHWAY_CONFIG") continue;
    if (var == "ARCHWAY_ADMIN_PASSWORD") {
      c.admin_password = value;
      continue;
    }
    std::string key = env_to_key(var);
    const KeySpec* spec = find_spec(key);
    if (!spec) {  // server keys may drop their section: ARCHWAY_DATA_DIR -> server.data_dir
      std::string flat = key;
      std::replace(flat.begin(), flat.end(), '.', '_');
      if ((spec = find_spec("server." + flat))) key = "server." + flat;
    }
    if (!spec)
      throw ConfigError(fmt::format("environment: unknown variable '{}' (no key '{}')", var, key));
    apply_text(c, *spec, value, "environment " + var);
  }
  for (const auto& [key, value] : src.flags) {
    const KeySpec* spec = find_spec(key);
    if (!spec) throw ConfigError(fmt::format("command line: unknown key '{}'", key));
    apply_text(c, *spec, value, "command line");
  }
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::find(std::begin(kLevels), std::end(kLevels), c.log_level) == std::end(kLevels))
    throw ConfigError(fmt::format("'server.log_level' must be one of trace, debug, info, warn, error, "
                                  "critical, off; got '{}'", c.log_level));
  if (c.log_format != "text" && c.log_format != "json")
    throw ConfigError("'server.log_format' must be text or json, got '" + c.log_format + "'");
  if (c.keymanager_signing_alg != "RS256" && c.keymanager_signing_alg != "ES256")
    throw ConfigError("'keymanager.signing_alg' must be RS256 or ES256, got '" + c.keymanager_signing_alg + "'");
  if (c.keymanager_issuer.empty()) throw ConfigError("'keymanager.issuer' must not be empty");
  if (c.data_dir.empty()) throw ConfigError("'server.data_dir' must not be empty");
  if (c.security_login_backoff_base_ms > c.security_login_backoff_max_ms)
    throw ConfigError("'security.login_backoff_base_ms' must not exceed 'security.login_backoff_max_ms'");
  if (c.tls_cert_file.empty() != c.tls_key_file.empty())
    throw ConfigError("'tls.cert_file' and 'tls.key_file' must be set together");
  if (c.cluster_gateway_cert.empty() != c.cluster_gateway_key.empty())
    throw ConfigError("'cluster.gateway_cert' and 'cluster.gateway_key' must be set together");
  if (!c.cluster_gateway_client_names.empty() && c.cluster_gateway_client_ca.empty())
    throw ConfigError("'cluster.gateway_client_names' needs 'cluster.gateway_client_ca' (the CA that signs those "
                      "certificates)");
  return c;
}

std::map<std::string, std::string> archway_environment() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    if (!kv.starts_with("ARCHWAY_")) continue;
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return out;
}

std::vector<std::string> config_keys() {
  std::vector<std::string> out;
  for (const auto& s : specs()) out.emplace_back(s.name);
  return out;
}

namespace {

// What `archway serve --help` says of each key: its default and one line (docs/configuration.md
// has the whole story). Every key of specs() has a row; a unit test holds them together.
struct KeyHelp {
  const char* name;
  const char* default_value;
  const char* line;
};

constexpr KeyHelp kKeyHelp[] = {
    {"server.data_dir", "./data", "database, master.key and TLS material (back them up together)"},
    {"server.log_level", "info", "trace, debug, info, warn, error, critical or off"},
    {"server.log_format", "text", "text, or json: one JSON object a line (time, level, message)"},
    {"server.shutdown_grace_ms", "10000", "time requests in flight get to finish on SIGTERM/SIGINT"},
    {"management.host", "0.0.0.0", "address of the management listener (REST APIs, portals, OAuth2)"},
    {"management.http_port", "9763", "plain HTTP port; 0 picks a free one, -1 disables it"},
    {"management.https_port", "9443", "HTTPS port; 0 picks a free one, -1 disables it"},
    {"management.threads", "2", "threads serving management requests"},
    {"management.max_body_bytes", "10485760", "largest REST request body (413 above)"},
    {"gateway.host", "0.0.0.0", "address of the gateway listener"},
    {"gateway.http_port", "8280", "plain HTTP port; 0 picks a free one, -1 disables it"},
    {"gateway.https_port", "8243", "HTTPS port; 0 picks a free one, -1 disables it"},
    {"gateway.workers", "0", "worker threads, each with its own event loop; 0: one per core"},
    {"gateway.environment", "Default", "the gateway environment whose deployments this gateway serves"},
    {"gateway.max_header_bytes", "32768", "largest request header block (431 above)"},
    {"gateway.max_body_bytes", "10485760", "largest request body (413 above)"},
    {"gateway.max_transform_bytes", "4194304", "largest body payload policies and schema validation read whole"},
    {"gateway.response_cache_max_bytes", "67108864", "memory for cached responses; 0 turns caching off"},
    {"gateway.connect_timeout_ms", "5000", "time to connect to a backend (504 above)"},
    {"gateway.upstream_timeout_ms", "60000", "time a backend may take to answer, unless its endpoint says (504)"},
    {"gateway.client_idle_timeout_ms", "60000", "an idle client keep-alive connection closes after this"},
    {"gateway.max_idle_upstream_connections", "64", "idle keep-alive connections per worker per backend"},
    {"gateway.cors_enabled", "true", "CORS for APIs without a configuration of their own"},
    {"gateway.cors_allow_origins", "*", "origins that default allows: * or a comma-separated list"},
    {"gateway.allow_encoded_slashes", "false", "whether %2F and %5C may appear in request paths (else 400)"},
    {"gateway.trust_store", "(system store)", "PEM file of the CAs https backends must chain to"},
    {"gateway.trusted_proxies", "(none)", "addresses/CIDRs whose X-Forwarded-For or Forwarded names the client"},
    {"analytics.enabled", "true", "record one event per gateway request and serve the analytics REST API"},
    {"analytics.db_path", "<data_dir>/analytics.db", "the analytics database, a SQLite file of its own"},
    {"analytics.raw_retention_days", "7", "how long raw events are kept"},
    {"analytics.rollup_retention_days", "90", "how long per-minute rollups are kept"},
    {"analytics.buffer_events", "8192", "events each gateway worker buffers; more are dropped (and counted)"},
    {"analytics.flush_interval_ms", "100", "how often idle buffers are drained into the database"},
    {"analytics.store_url", "(follows store.url)", "empty: store.url's PostgreSQL if set, else the SQLite file; \"sqlite\"; or postgresql://..."},
    {"analytics.rollup_interval_ms", "1000", "how long per-minute rollups gather in memory before they are written"},
    {"analytics.alert_interval_s", "60", "how often analytics alert rules are evaluated on the rollups"},
    {"analytics.webhook_retries", "3", "further attempts of a failed alert webhook (exponential back-off)"},
    {"analytics.webhook_backoff_ms", "1000", "wait before a webhook's first retry; doubles each time"},
    {"keymanager.issuer", "(derived)", "the iss of tokens issued here; https://localhost:<https_port>/oauth2/token"},
    {"keymanager.signing_alg", "RS256", "RS256 or ES256 for new signing keys"},
    {"keymanager.jwks_refresh_s", "900", "how often external key managers' JWKS are fetched again"},
    {"keymanager.jwks_min_refetch_ms", "5000", "least time between refetches caused by an unknown kid"},
    {"devportal.self_signup", "true", "whether the Developer Portal's sign-up creates accounts"},
    {"web.dir", "(embedded)", "serve the web portals from this directory instead of the binary"},
    {"cluster.gateway_token", "(none)", "the credential remote gateways present to the control plane's feed"},
    {"cluster.gateway_client_ca", "(none)", "control plane: PEM CA bundle whose gateway client certificates open the feed (mTLS)"},
    {"cluster.gateway_client_names", "(any)", "control plane: names a gateway certificate must carry, comma-separated (*.x allowed)"},
    {"cluster.gateway_cert", "(none)", "gateway role: PEM client certificate chain presented to https control planes"},
    {"cluster.gateway_key", "(none)", "gateway role: PEM private key of cluster.gateway_cert"},
    {"cluster.control_plane", "(none)", "gateway role: control-plane URLs, comma-separated (--control-plane)"},
    {"cluster.feed_ring_batches", "1024", "recent change batches a control plane keeps per environment"},
    {"cluster.change_poll_ms", "100", "how often a control plane's feed reads other nodes' commits"},
    {"cluster.heartbeat_interval_ms", "5000", "feed heartbeat; a gateway reconnects after 3 silent intervals"},
    {"cluster.reconnect_max_ms", "5000", "the longest back-off between a gateway's connection attempts"},
    {"cluster.analytics_queue_mb", "64", "gateway role: analytics waiting for a control plane, at most this many MiB"},
    {"cluster.snapshot_persist_ms", "1000", "a gateway writes its snapshot to its data directory at most this often"},
    {"store.url", "(SQLite)", "empty: SQLite in server.data_dir; postgresql://user:password@host:port/db: PostgreSQL"},
    {"store.pool_size", "8", "PostgreSQL connections this node keeps open at most"},
    {"store.pool_wait_ms", "5000", "how long a request waits for a free PostgreSQL connection (then 503)"},
    {"store.change_notifications", "true", "PostgreSQL: learn other nodes' commits at once (LISTEN/NOTIFY)"},
    {"traffic.redis", "(none)", "redis://host:port shared by gateways for common rate limits"},
    {"traffic.sync_interval_ms", "20", "how often counters are synchronised through Redis"},
    {"traffic.max_counters", "1000000", "rate-limit counters kept at once; the oldest window goes first"},
    {"security.login_free_attempts", "5", "failed logins a client id or user may have before back-off"},
    {"security.login_free_attempts_per_address", "20", "failed logins a source address may have before back-off"},
    {"security.login_backoff_base_ms", "1000", "the first lock after the free attempts (doubles each time)"},
    {"security.login_backoff_max_ms", "900000", "the longest lock"},
    {"security.login_max_tracked", "100000", "client ids, users and addresses remembered per kind"},
    {"metrics.gateway_enabled", "true", "whether the gateway listener answers GET <metrics.path> (Prometheus)"},
    {"metrics.path", "/metrics", "the gateway listener's metrics path; an API deployed at it takes precedence"},
    {"metrics.management_access", "local", "management /metrics: local (open to loopback), open, or admin"},
    {"gateway.access_log", "off", "the gateway's access log: off, combined or json"},
    {"gateway.access_log_path", "<data_dir>/access.log", "file the access log is appended to; - for standard output"},
    {"tracing.enabled", "true", "W3C traceparent accepted (or started) and sent on to backends"},
    {"tracing.otlp_endpoint", "(none)", "http://host:port/v1/traces: export spans there (OTLP/HTTP JSON)"},
    {"tracing.service_name", "archway", "service.name of exported spans"},
    {"tracing.max_queue_spans", "8192", "spans waiting for export; more are dropped and counted"},
    {"tracing.export_interval_ms", "1000", "how often queued spans are sent"},
    {"tls.cert_file", "(self-signed)", "PEM certificate chain of both HTTPS listeners"},
    {"tls.key_file", "(self-signed)", "PEM private key of that certificate"},
    {"tls.ciphers", "(AEAD + PFS)", "TLS 1.2 cipher suites (AEAD, forward secrecy), in OpenSSL's cipher-list syntax"},
};

}  // namespace

std::vector<ConfigKeyDoc> config_key_docs() {
  std::vector<ConfigKeyDoc> out;
  for (const auto& s : specs()) {
    ConfigKeyDoc d{s.name, "", ""};
    for (const auto& h : kKeyHelp)
      if (d.name == h.name) d.default_value = h.default_value, d.help = h.line;
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace archway::common
