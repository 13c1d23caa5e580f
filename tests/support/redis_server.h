#pragma once
// A real redis-server (Debian's) on a free loopback port with a temporary directory, for tests
// of the cluster mode; stop() and start() again on the same port simulate an outage.
#include <string>

namespace archway::testing {

class RedisServer {
 public:
  RedisServer();
  ~RedisServer();
  void start();  // waits until it accepts connections; throws on failure
  void stop();   // SIGTERM, waits until it has exited
  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

 private:
  int port_ = 0;
  int pid_ = -1;
  std::string dir_;
};

}  // namespace archway::testing
