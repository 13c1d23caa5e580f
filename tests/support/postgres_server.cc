#include "support/postgres_server.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "support/backend.h"
#include "support/server_process.h"

namespace archway::testing {

namespace fs = std::filesystem;

namespace {

// Debian installs the server's programs per major version: /usr/lib/postgresql/<N>/bin.
std::string find_bin_dir() {
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec))
    if (fs::exists(entry.path() / "bin" / "initdb") && fs::exists(entry.path() / "bin" / "pg_ctl"))
      dirs.push_back(entry.path() / "bin");
  if (dirs.empty()) return "";
  std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) {
    return std::stoi(a.parent_path().filename().string()) < std::stoi(b.parent_path().filename().string());
  });
  return dirs.back().string();
}

bool running_as_root() { return geteuid() == 0; }

}  // namespace

std::string PostgresServer::missing() {
  if (find_bin_dir().empty()) return "initdb and pg_ctl under /usr/lib/postgresql/<version>/bin (package postgresql)";
  if (running_as_root() && !getpwnam("postgres")) return "the postgres user (package postgresql)";
  if (access("/usr/sbin/runuser", X_OK) != 0 && running_as_root()) return "runuser (package util-linux)";
  return "";
}

PostgresServer::PostgresServer() : bin_dir_(find_bin_dir()), dir_(make_temp_dir()), port_(unused_port()) {
  if (bin_dir_.empty()) throw std::runtime_error("PostgreSQL is not installed: " + missing());
  try {
    if (running_as_root()) {
      const passwd* pw = getpwnam("postgres");
      if (!pw) throw std::runtime_error("no postgres user to run the server as");
      if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) throw std::runtime_error("chown " + dir_ + " failed");
    }
    // Fast and throwaway: no fsync, trust on loopback, C locale.
    if (run(bin_dir_ + "/initdb", {"-D", dir_ + "/data", "-U", "archway", "-A", "trust", "-E", "UTF8",
                                   "--locale=C", "--no-sync", "--no-instructions"},
            true) != 0)
      throw std::runtime_error("initdb failed; see " + dir_ + "/initdb.log");
    start();
  } catch (...) {
    stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
    throw;
  }
}

PostgresServer::~PostgresServer() {
  stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

int PostgresServer::run(const std::string& program, const std::vector<std::string>& args, bool as_server_user) {
  std::vector<std::string> argv;
  if (as_server_user && running_as_root()) argv = {"/usr/sbin/runuser", "-u", "postgres", "--"};
  argv.push_back(program);
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string log = dir_ + "/" + fs::path(program).filename().string() + ".log";
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // Not the test's stdout: a pipe reader would wait for the server that pg_ctl leaves running.
    const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0666);
    const int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(out, 1);
    dup2(out, 2);
    if (chdir(dir_.c_str()) != 0) _exit(126);  // the postgres user may not read the test's directory
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void PostgresServer::start() {
  if (running_) return;
  const std::string options = "-p " + std::to_string(port_) + " -k " + dir_ +
                              " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
                              " -c full_page_writes=off -c max_connections=60";
  if (run(bin_dir_ + "/pg_ctl", {"-D", dir_ + "/data", "-l", dir_ + "/server.log", "-w", "-t", "30", "-o", options,
                                 "start"},
          true) != 0)
    throw std::runtime_error("pg_ctl start failed; see " + dir_ + "/server.log");
  running_ = true;
}

void PostgresServer::stop() {
  if (!running_) return;
  run(bin_dir_ + "/pg_ctl", {"-D", dir_ + "/data", "-m", "fast", "-w", "-t", "30", "stop"}, true);
  running_ = false;
}

void PostgresServer::create_database(const std::string& name) {
  if (run(bin_dir_ + "/createdb", {"-h", "127.0.0.1", "-p", std::to_string(port_), "-U", "archway", name}, false) != 0)
    throw std::runtime_error("createdb " + name + " failed; see " + dir_ + "/createdb.log");
}

}  // namespace archway::testing
