#pragma once
// A real PostgreSQL server (Debian's) of the test's own: `initdb` into a temporary directory, then
// `pg_ctl start` on a free loopback port with its socket in that directory; stopped and removed
// on destruction. Never the system's service. initdb refuses to run as root, so under root the
// server runs as the `postgres` user the package creates. Any user may connect as the superuser
// `archway`, without a password, over 127.0.0.1.
#include <string>
#include <vector>

namespace archway::testing {

class PostgresServer {
 public:
  // What is missing for a server (e.g. "initdb (package postgresql)"), or empty when installed.
  static std::string missing();

  PostgresServer();  // initdb + start; throws std::runtime_error (naming the log) on failure
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  void start();  // waits until it accepts connections
  void stop();   // fast shutdown, waits for it
  // Creates an empty database owned by `archway`.
  void create_database(const std::string& name);
  int port() const { return port_; }
  std::string url(const std::string& database) const {
    return "postgresql://archway@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }

 private:
  int run(const std::string& program, const std::vector<std::string>& args, bool as_server_user);

  std::string bin_dir_;
  std::string dir_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace archway::testing
