// archway: one binary, every plane. `archway serve` runs them all in one process; `control-plane`
// and `gateway` split them across machines.
#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <iostream>

#include "app/bulk_load.h"
#include "app/migrate.h"
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
    "  control-plane  Everything serve runs but the gateway listener, plus the gateway feed\n"
    "           (/internal/gateway/v1) that remote gateways follow.\n"
    "  gateway  The gateway listener only, fed by --control-plane URL[,URL...] over HTTP;\n"
    "           keeps its last snapshot in --data-dir and serves it while no control plane answers.\n"
    "  bulk-load  Write a large configuration into a data directory (for benchmarks).\n"
    "  migrate  Copy the store between SQLite and PostgreSQL: --from sqlite:PATH\n"
    "           --to postgresql://... moves an all-in-one installation to a cluster.\n"
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

  // serve, control-plane and gateway take the same options (gateway adds --control-plane).
  struct RoleCommand {
    archway::app::ServeOptions options;
    std::string data_dir;
    std::vector<std::string> sets;
    std::string control_plane;
    CLI::App* command = nullptr;
  };
  std::string keys_help = "Configuration keys (archway.toml section.key, --set section.key=value), with defaults:\n";
  for (const auto& k : archway::common::config_key_docs())
    keys_help += fmt::format("  {:<42} {:<14} {}\n", k.name, k.default_value, k.help);
  keys_help += "Every key is explained in docs/configuration.md; archway.toml.example sets each.";
  RoleCommand roles[3];
  const std::pair<archway::app::Role, const char*> role_names[3] = {
      {archway::app::Role::kServe, "serve"},
      {archway::app::Role::kControlPlane, "control-plane"},
      {archway::app::Role::kGateway, "gateway"}};
  const char* role_help[3] = {
      "Run every plane in one process on embedded SQLite",
      "Run the management plane, Key Manager and gateway feed without a gateway listener",
      "Run the gateway listener only, following control planes (--control-plane URL[,URL...])"};
  for (int i = 0; i < 3; ++i) {
    RoleCommand& rc = roles[i];
    rc.options.role = role_names[i].first;
    rc.command = app.add_subcommand(role_names[i].second, role_help[i]);
    rc.command->add_option("-c,--config", rc.options.config_file, "Configuration file (default: ./archway.toml if present)");
    rc.command->add_option("-d,--data-dir", rc.data_dir, "Data directory (server.data_dir, default ./data)");
    rc.command->add_option("--set", rc.sets, "Set a configuration key, e.g. --set gateway.http_port=8281 (repeatable)");
    rc.command->add_option("--ready-file", rc.options.ready_file,
                           "Write the bound ports as JSON to this file once every listener is up");
    if (rc.options.role != archway::app::Role::kGateway)
      rc.command->add_option("--routes-file", rc.options.routes_file,
                             "Write the management REST routes to this file, one \"METHOD /pattern\" a line");
    if (rc.options.role == archway::app::Role::kGateway)
      rc.command->add_option("--control-plane", rc.control_plane,
                             "Control-plane base URLs, comma-separated, tried in turn (cluster.control_plane)");
    rc.command->footer(keys_help);
  }

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

  archway::app::MigrateOptions migrate;
  auto* migrate_cmd = app.add_subcommand(
      "migrate", "Copy every record of a store into an empty one: SQLite to PostgreSQL (an all-in-one "
                 "installation to a cluster) or back, in one transaction, checked table by table");
  migrate_cmd->add_option("--from", migrate.from, "The store to read: sqlite:PATH (file or data directory) "
                                                  "or postgresql://user:password@host:port/db")
      ->required();
  migrate_cmd->add_option("--to", migrate.to, "The store to write, the other kind; its schema is created or "
                                              "brought up to date first")
      ->required();
  migrate_cmd->add_flag("--overwrite", migrate.overwrite,
                        "Replace whatever the target holds (deleted in the same transaction) instead of "
                        "refusing a target with data");
  migrate_cmd->footer(
      "Stop every node on the source first. The source is only read. Nothing is written unless every "
      "table copies whole: each table's rows are compared before the commit. Carry the source's "
      "master.key to the nodes that open the target. See docs/deployment.md.");

  app.add_subcommand("version", "Print the version")->callback([] { std::cout << "archway " ARCHWAY_VERSION "\n"; });

  CLI11_PARSE(app, argc, argv);

  for (auto& rc : roles) {
    if (!rc.command->parsed()) continue;
    if (!rc.data_dir.empty()) rc.options.settings.emplace_back("server.data_dir", rc.data_dir);
    if (!rc.control_plane.empty()) rc.options.settings.emplace_back("cluster.control_plane", rc.control_plane);
    for (const auto& s : rc.sets) {
      const auto eq = s.find('=');
      if (eq == std::string::npos || eq == 0) {
        std::cerr << "archway: --set expects key=value, got '" << s << "'\n";
        return 2;
      }
      rc.options.settings.emplace_back(s.substr(0, eq), s.substr(eq + 1));
    }
    return archway::app::run_serve(rc.options);
  }
  if (bulk_cmd->parsed()) return archway::app::run_bulk_load(bulk);
  if (migrate_cmd->parsed()) return archway::app::run_migrate(migrate);
  if (app.get_subcommands().empty()) {  // bare `archway`: who it is and what it can do
    std::cout << "archway " ARCHWAY_VERSION "\n\n" << app.help();
    return 0;
  }
  return 0;
}
