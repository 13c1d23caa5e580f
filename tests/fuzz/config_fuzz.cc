// libFuzzer target for the server configuration (src/common/config): archway.toml, ARCHWAY_*
// variables and --set flags are operator input, but a typo must end in a message naming the key,
// not a crash. The input is the TOML file's text, then optionally a NUL and lines of overrides:
// "ARCHWAY_NAME=value" lines become environment variables, other "key=value" lines flags.
// load_config either throws common::ConfigError (anything else is a bug) or returns a
// configuration that passes its own checks; loading the same sources again gives the same answer.
// Built and run by `make fuzz` (scripts/fuzz.sh); seeds in tests/corpus/config.
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>

#include "common/config.h"

namespace {

using namespace archway::common;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// The file the inputs are written to, removed when the run ends (kept after a crash).
struct ConfigFile {
  const std::string path = "/tmp/archway_config_fuzz_" + std::to_string(getpid()) + ".toml";
  ~ConfigFile() { std::remove(path.c_str()); }
};

const std::string& config_path() {
  static const ConfigFile file;
  return file.path;
}

// The configuration or the error message, to compare two loads.
std::string outcome(const ConfigSources& sources) {
  try {
    const Config c = load_config(sources);
    check(!c.data_dir.empty() && !c.keymanager_issuer.empty());
    check(c.log_format == "text" || c.log_format == "json");
    check(c.keymanager_signing_alg == "RS256" || c.keymanager_signing_alg == "ES256");
    check(c.security_login_backoff_base_ms <= c.security_login_backoff_max_ms);
    check(c.tls_cert_file.empty() == c.tls_key_file.empty());
    return "ok " + c.data_dir + " " + std::to_string(c.gateway.http_port) + " " + c.log_level;
  } catch (const ConfigError& e) {
    check(*e.what() != '\0');
    return std::string("error ") + e.what();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = in.find('\0');
  {
    std::ofstream f(config_path(), std::ios::binary | std::ios::trunc);
    f << in.substr(0, nul);
  }
  ConfigSources sources;
  sources.config_file = config_path();
  if (nul != std::string_view::npos) {
    std::string_view rest = in.substr(nul + 1);
    while (!rest.empty()) {
      const std::size_t nl = rest.find('\n');
      const std::string_view line = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      const std::size_t eq = line.find('=');
      if (eq == std::string_view::npos) continue;
      std::string key(line.substr(0, eq));
      std::string value(line.substr(eq + 1));
      // The process environment only ever yields ARCHWAY_* names (archway_environment()).
      if (key.starts_with("ARCHWAY_") && key != "ARCHWAY_CONFIG")
        sources.environment[key] = value;
      else
        sources.flags.emplace_back(key, value);
    }
  }
  check(outcome(sources) == outcome(sources));
  return 0;
}
