#include "support/redis_server.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/backend.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace archway::testing {

RedisServer::RedisServer() : port_(unused_port()), dir_(make_temp_dir()) {
  try {
    start();
  } catch (...) {
    stop();
    throw;
  }
}

RedisServer::~RedisServer() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void RedisServer::start() {
  if (pid_ > 0) return;
  int status = 0;
  const std::string port = std::to_string(port_);
  const std::string log = dir_ + "/redis.log";
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // Not the test's stdout: a pipe reader would wait for this child too.
    const int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1", "--save", "",
           "--appendonly", "no", "--dir", dir_.c_str(), "--logfile", log.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 500; ++i) {  // 5 s
    try {
      if (raw_exchange("127.0.0.1", port_, "PING\r\nQUIT\r\n", 200).find("+PONG") != std::string::npos) return;
    } catch (const std::exception&) {
      // not listening yet
    }
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("redis-server exited at start; see " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("redis-server did not answer PING within 5 s");
}

void RedisServer::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace archway::testing
