#pragma once
// Starts the real `archway serve` binary on free ports with a temporary data directory, waits
// until it is ready, and stops it with SIGTERM.
#include <map>
#include <string>
#include <vector>

namespace archway::testing {

struct ServerOptions {
  std::vector<std::string> extra_args;
  std::map<std::string, std::string> env;  // added to the child's environment
  std::string admin_password = "test-admin-pw";
  std::string data_dir;  // empty: a new temporary directory
};

class ServerProcess {
 public:
  explicit ServerProcess(ServerOptions options = {});
  ~ServerProcess();

  int management_port() const { return ports_.at("management_http"); }
  int management_tls_port() const { return ports_.at("management_https"); }
  int gateway_port() const { return ports_.at("gateway_http"); }
  int gateway_tls_port() const { return ports_.at("gateway_https"); }
  const std::string& data_dir() const { return data_dir_; }
  int pid() const { return pid_; }
  double ready_ms() const { return ready_ms_; }
  // Sends SIGTERM and waits; returns the exit status (or -1 on a signal).
  int stop(int timeout_ms = 15000);
  std::string output() const;  // stdout and stderr of the child so far

 private:
  int pid_ = -1;
  std::string data_dir_;
  std::string log_file_;
  bool own_dir_ = false;
  std::map<std::string, int> ports_;
  double ready_ms_ = 0;
};

// Runs the binary with arguments to completion; returns exit code and fills output.
int run_archway(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                std::string& output, int timeout_ms = 15000);

std::string archway_binary();

// With ARCHWAY_TEST_POSTGRES=host:port (scripts/test-on-postgres.sh), the store.url of a server
// whose arguments `extra` name none: a PostgreSQL database of its own on that server, remembered
// beside `data_dir` so that a restart on the same directory finds its data. Empty: SQLite.
std::string postgres_store_url(const std::string& data_dir, const std::vector<std::string>& extra);
std::string make_temp_dir();

// The management routes a server started with `--routes-file FILE` wrote there: {method, pattern}.
std::vector<std::pair<std::string, std::string>> read_routes_file(const std::string& file);

}  // namespace archway::testing
