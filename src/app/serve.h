#pragma once
// The roles of the one binary (docs/deployment.md): `archway serve` (every plane in one process on
// embedded SQLite), `archway control-plane` (everything but the gateway listener, plus the gateway
// feed) and `archway gateway` (the gateway listener fed by control planes over HTTP).
#include <string>
#include <utility>
#include <vector>

namespace archway::app {

enum class Role { kServe, kControlPlane, kGateway };

struct ServeOptions {
  Role role = Role::kServe;
  std::string config_file;
  std::vector<std::pair<std::string, std::string>> settings;  // --set and shortcut flags
  std::string ready_file;  // written with the bound ports once every listener is up
  std::string routes_file;  // written with the management routes ("METHOD /pattern" a line) at start
};

// Runs the role until SIGTERM/SIGINT; returns the process exit code.
int run_serve(const ServeOptions& options);

}  // namespace archway::app
