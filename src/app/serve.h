#pragma once
// `archway serve`: every plane in one process on embedded SQLite.
#include <string>
#include <utility>
#include <vector>

namespace archway::app {

struct ServeOptions {
  std::string config_file;
  std::vector<std::pair<std::string, std::string>> settings;  // --set and shortcut flags
  std::string ready_file;  // written with the bound ports once every listener is up
  std::string routes_file;  // written with the management routes ("METHOD /pattern" a line) at start
};

// Runs until SIGTERM/SIGINT; returns the process exit code.
int run_serve(const ServeOptions& options);

}  // namespace archway::app
