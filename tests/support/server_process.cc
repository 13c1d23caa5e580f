#include "support/server_process.h"

#include <boost/json.hpp>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace archway::testing {

namespace fs = std::filesystem;

std::string archway_binary() { return ARCHWAY_BINARY; }

namespace {

// Every directory make_temp_dir() made in this process, removed when the process exits: after the
// tests, whose servers (objects constructed after this one) have been stopped by then. When a test
// failed they are kept, for the logs and data inside, and their paths printed. A test may remove
// its directories earlier; what it leaves is caught here.
class TempDirs {
 public:
  void add(const std::string& dir) {
    std::lock_guard lock(mu_);
    dirs_.push_back(dir);
  }
  ~TempDirs() {
    if (::getpid() != owner_) return;  // a forked child exiting: the directories are its parent's
    if (::testing::UnitTest::GetInstance()->Failed()) {
      std::cerr << "a test failed: its temporary directories are kept:\n";
      for (const auto& d : dirs_) std::cerr << "  " << d << "\n";
      return;
    }
    for (const auto& d : dirs_) {
      std::error_code ec;
      fs::remove_all(d, ec);
    }
  }

 private:
  std::mutex mu_;
  std::vector<std::string> dirs_;
  const pid_t owner_ = ::getpid();
};

TempDirs& temp_dirs() {
  static TempDirs dirs;
  return dirs;
}

}  // namespace

std::string make_temp_dir() {
  TempDirs& dirs = temp_dirs();  // constructed before any caller's object that holds a directory
  std::string tmpl = (fs::temp_directory_path() / "archway-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  dirs.add(tmpl);
  return tmpl;
}

namespace {

int spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
          const std::string& log_file) {
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    if (kv.starts_with("ARCHWAY_")) continue;  // tests control the child's configuration fully
    envs.push_back(kv);
  }
  for (const auto& [k, v] : env) envs.push_back(k + "=" + v);
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    std::vector<char*> argv;
    std::string bin = archway_binary();
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    execve(bin.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  return pid;
}

int wait_exit(int pid, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -2;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

std::string postgres_store_url(const std::string& data_dir, const std::vector<std::string>& extra) {
  const char* server = std::getenv("ARCHWAY_TEST_POSTGRES");
  if (!server || !*server) return "";
  for (const auto& a : extra)
    if (a.starts_with("store.url=")) return "";
  const std::string remembered = data_dir + ".store-url";
  if (std::ifstream in(remembered); in) {
    std::string url;
    std::getline(in, url);
    if (!url.empty()) return url;
  }
  const std::string host_port = server;
  const std::string host = host_port.substr(0, host_port.rfind(':'));
  const std::string port = host_port.substr(host_port.rfind(':') + 1);
  static int made = 0;
  const std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(++made) + "_" +
                           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
  const std::string cmd = "createdb -h " + host + " -p " + port + " -U archway " + name + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("ARCHWAY_TEST_POSTGRES: " + cmd + " failed");
  const std::string url = "postgresql://archway@" + host_port + "/" + name;
  std::ofstream(remembered) << url << "\n";
  return url;
}

ServerProcess::ServerProcess(ServerOptions o) {
  own_dir_ = o.data_dir.empty();
  const std::string root = make_temp_dir();
  data_dir_ = own_dir_ ? root + "/data" : o.data_dir;
  log_file_ = root + "/server.log";
  const std::string ready = root + "/ready.json";
  std::vector<std::string> args = {"serve",
                                   "--data-dir", data_dir_,
                                   "--ready-file", ready,
                                   "--set", "management.host=127.0.0.1",
                                   "--set", "gateway.host=127.0.0.1",
                                   "--set", "management.http_port=0",
                                   "--set", "management.https_port=0",
                                   "--set", "gateway.http_port=0",
                                   "--set", "gateway.https_port=0",
                                   "--set", "gateway.workers=2"};
  for (const auto& a : o.extra_args) args.push_back(a);
  if (const std::string url = postgres_store_url(data_dir_, o.extra_args); !url.empty()) {
    args.push_back("--set");
    args.push_back("store.url=" + url);
  }
  auto env = o.env;
  if (!o.admin_password.empty()) env["ARCHWAY_ADMIN_PASSWORD"] = o.admin_password;
  const auto start = std::chrono::steady_clock::now();
  pid_ = spawn(args, env, log_file_);
  for (;;) {
    if (fs::exists(ready)) break;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("archway exited before it was ready:\n" + slurp(log_file_));
    }
    if (std::chrono::steady_clock::now() - start > std::chrono::seconds(20))
      throw std::runtime_error("archway was not ready within 20 s:\n" + slurp(log_file_));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ready_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const auto v = boost::json::parse(slurp(ready)).as_object();
  for (const auto& [k, val] : v) ports_[std::string(k)] = static_cast<int>(val.as_int64());
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop(5000);
}

int ServerProcess::stop(int timeout_ms) {
  if (pid_ <= 0) return -3;
  kill(pid_, SIGTERM);
  int rc = wait_exit(pid_, timeout_ms);
  pid_ = -1;
  return rc;
}

std::string ServerProcess::output() const { return slurp(log_file_); }

int run_archway(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                std::string& output, int timeout_ms) {
  const std::string dir = make_temp_dir();
  const std::string log = dir + "/out.log";
  int pid = spawn(args, env, log);
  int rc = wait_exit(pid, timeout_ms);
  output = slurp(log);
  std::error_code ec;
  fs::remove_all(dir, ec);  // the output is the caller's now
  return rc;
}

std::vector<std::pair<std::string, std::string>> read_routes_file(const std::string& file) {
  std::vector<std::pair<std::string, std::string>> out;
  std::ifstream in(file);
  std::string method, pattern;
  while (in >> method >> pattern) out.emplace_back(method, pattern);
  return out;
}

}  // namespace archway::testing
