#pragma once
// A real HTTP backend for integration tests, listening on a free loopback port. Paths:
//   /status/{code}       answers that status (empty body)
//   /slow/{ms}           waits, then answers 200 "slow"
//   /chunked             answers with a chunked body "part-0 part-1 part-2 " in three chunks
//   /nolength            answers without Content-Length and closes to end the body
//   /big/{bytes}         answers that many 'x'
//   /close-mid-body      announces 100000 bytes, sends 10, closes
//   anything else        echoes the request as JSON: method, target, headers, body
#include <atomic>
#include <memory>
#include <string>

namespace archway::testing {

class Backend {
 public:
  Backend();
  ~Backend();
  int port() const { return port_; }
  std::string url(const std::string& path = "") const;
  int connections_accepted() const { return accepted_.load(); }
  // Answers GET `path` with 200 and `body` (application/json) from now on.
  void serve_static(const std::string& path, const std::string& body);
  int requests_served() const { return served_.load(); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<int> served_{0};
};

// A port on loopback that nothing listens on (bound then closed).
int unused_port();

}  // namespace archway::testing
