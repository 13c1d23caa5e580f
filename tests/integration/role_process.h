#pragma once
// One archway process in a role (`control-plane`, `gateway`), started with SIGTERM/SIGKILL stops
// and restarts on the same data directory, for the multi-process cluster suites.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "integration/fixture.h"

extern char** environ;

namespace archway::testing {

// A free TCP port on 127.0.0.1 (bound, read, released).
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("no free port");
  ::close(fd);
  return ntohs(a.sin_port);
}

inline std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// One archway process in a role, started and restarted on the same data directory.
class RoleProcess {
 public:
  RoleProcess(std::string role, std::vector<std::string> args, std::string data_dir = "")
      : role_(std::move(role)), args_(std::move(args)), root_(make_temp_dir()) {
    data_dir_ = data_dir.empty() ? root_ + "/data" : std::move(data_dir);
    start();
  }
  ~RoleProcess() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);  // its log and, unless given one, its data directory
  }

  void start() {
    const std::string ready = root_ + "/ready.json";
    std::filesystem::remove(ready);
    std::vector<std::string> args = {role_, "--data-dir", data_dir_, "--ready-file", ready};
    for (const auto& a : args_) args.push_back(a);
    if (role_ == "control-plane")
      if (const std::string url = postgres_store_url(data_dir_, args_); !url.empty())
        args.insert(args.end(), {"--set", "store.url=" + url});
    log_ = root_ + "/log-" + std::to_string(++starts_) + ".txt";
    pid_ = ::fork();
    if (pid_ == 0) {
      const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      std::vector<std::string> envs;
      for (char** e = environ; *e; ++e)
        if (!std::string(*e).starts_with("ARCHWAY_")) envs.emplace_back(*e);
      envs.emplace_back("ARCHWAY_ADMIN_PASSWORD=" + std::string(kPassword));
      std::vector<char*> envp;
      for (auto& e : envs) envp.push_back(e.data());
      envp.push_back(nullptr);
      std::string bin = archway_binary();
      std::vector<char*> argv{bin.data()};
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execve(bin.c_str(), argv.data(), envp.data());
      _exit(127);
    }
    const auto began = std::chrono::steady_clock::now();
    while (!std::filesystem::exists(ready)) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error(role_ + " exited before it was ready:\n" + slurp(log_));
      }
      if (std::chrono::steady_clock::now() - began > std::chrono::seconds(20))
        throw std::runtime_error(role_ + " was not ready within 20 s:\n" + slurp(log_));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const auto v = boost::json::parse(slurp(ready)).as_object();
    management_port_ = static_cast<int>(v.at("management_http").as_int64());
    gateway_port_ = static_cast<int>(v.at("gateway_http").as_int64());
  }
  void stop() { signal_and_wait(SIGTERM); }
  void kill9() { signal_and_wait(SIGKILL); }

  bool running() const { return pid_ > 0; }
  int management_port() const { return management_port_; }
  int gateway_port() const { return gateway_port_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string output() const { return slurp(log_); }

 private:
  void signal_and_wait(int sig) {
    if (pid_ <= 0) return;
    ::kill(pid_, sig);
    int status = 0;
    for (int i = 0; i < 3000 && waitpid(pid_, &status, WNOHANG) != pid_; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (waitpid(pid_, &status, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }

  std::string role_;
  std::vector<std::string> args_;
  std::string root_;
  std::string data_dir_;
  std::string log_;
  int starts_ = 0;
  int pid_ = -1;
  int management_port_ = -1;
  int gateway_port_ = -1;
};

}  // namespace archway::testing
