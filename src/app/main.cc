// archway: one binary, every plane. `archway serve` runs them all in one process.
#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <iostream>

#include "app/bulk_load.h"
#include "app/serve.h"
#include "common/config.h"

namespace {

constexpr const char* kDescription =
    "Archway: an API manager in one binary.\n"
    "\n"
    "Roles:\n"
    "  serve    Every plane in one process on embedded SQLite: the management REST APIs\n"
    "           (Publisher at /api/am/publisher/v4) on ports 9763/9443 and the API gateway on\n"
    "           ports 8280/8243. Data lives in --data-dir (default ./data).\n"
    "  bulk-load  Write a large configuration into a data directory (for benchmarks).\n"
    "  version  Print the version (also: archway --version).\n"
    "\n"
    "Configuration: archway.toml (or --config FILE), then ARCHWAY_* environment variables\n"
    "(ARCHWAY_GATEWAY_HTTP_PORT sets gateway.http_port), then flags; flags win.\n"
    "See docs/configuration.md for every key.";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{kDescription, "archway"};
  app.set_version_flag("--version", std::string("archway ") + ARCHWAY_VERSION);
  app.require_subcommand(0, 1);

  archway::app::ServeOptions serve;
  std::string data_dir;
  std::vector<std::string> sets;
  auto* serve_cmd = app.add_subcommand("serve", "Run every plane in one process on embedded SQLite");
  serve_cmd->add_option("-c,--config", serve.config_file, "Configuration file (default: ./archway.toml if present)");
  serve_cmd->add_option("-d,--data-dir", data_dir, "Data directory (server.data_dir, default ./data)");
  serve_cmd->add_option("--set", sets, "Set a configuration key, e.g. --set gateway.http_port=8281 (repeatable)");
  serve_cmd->add_option("--ready-file", serve.ready_file,
                        "Write the bound ports as JSON to this file once every listener is up");
  serve_cmd->add_option("--routes-file", serve.routes_file,
                        "Write the management REST routes to this file, one \"METHOD /pattern\" a line");
  std::string keys_help = "Configuration keys (archway.toml section.key, --set section.key=value), with defaults:\n";
  for (const auto& k : archway::common::config_key_docs())
    keys_help += fmt::format("  {:<42} {:<14} {}\n", k.name, k.default_value, k.help);
  keys_help += "Every key is explained in docs/configuration.md; archway.toml.example sets each.";
  serve_cmd->footer(keys_help);

  archway::app::BulkLoadOptions bulk;
  auto* bulk_cmd = app.add_subcommand(
      "bulk-load", "Write a large configuration into a data directory (benchmarks): published, deployed APIs, "
                   "applications with keys, subscriptions spread over them");
  bulk_cmd->add_option("-d,--data-dir", bulk.data_dir, "Data directory (default ./data)");
  bulk_cmd->add_option("--apis", bulk.apis, "APIs to create, publish and deploy");
  bulk_cmd->add_option("--operations-per-api", bulk.operations_per_api, "Operations of each API (default 5)");
  bulk_cmd->add_option("--applications", bulk.applications, "Applications, each with production keys");
  bulk_cmd->add_option("--subscriptions", bulk.subscriptions, "Subscriptions (at most apis x applications)");
  bulk_cmd->add_option("--backend", bulk.backend_url, "The APIs' production endpoint (default http://127.0.0.1:8080)");
  bulk_cmd->add_option("--prefix", bulk.prefix, "Names and contexts: <prefix>N, /<prefix>N (default bulk)");

  app.add_subcommand("version", "Print the version")->callback([] { std::cout << "archway " ARCHWAY_VERSION "\n"; });

  CLI11_PARSE(app, argc, argv);

  if (serve_cmd->parsed()) {
    if (!data_dir.empty()) serve.settings.emplace_back("server.data_dir", data_dir);
    for (const auto& s : sets) {
      const auto eq = s.find('=');
      if (eq == std::string::npos || eq == 0) {
        std::cerr << "archway: --set expects key=value, got '" << s << "'\n";
        return 2;
      }
      serve.settings.emplace_back(s.substr(0, eq), s.substr(eq + 1));
    }
    return archway::app::run_serve(serve);
  }
  if (bulk_cmd->parsed()) return archway::app::run_bulk_load(bulk);
  if (app.get_subcommands().empty()) {  // bare `archway`: who it is and what it can do
    std::cout << "archway " ARCHWAY_VERSION "\n\n" << app.help();
    return 0;
  }
  return 0;
}
