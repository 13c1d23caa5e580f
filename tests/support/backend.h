#pragma once
// A real HTTP backend for integration tests, listening on a free loopback port. Paths:
//   /status/{code}       answers that status (empty body)
//   /slow/{ms}           waits, then answers 200 "slow"
//   /chunked             answers with a chunked body "part-0 part-1 part-2 " in three chunks
//   /nolength            answers without Content-Length and closes to end the body
//   /big/{bytes}         answers that many 'x'
//   /close-mid-body      announces 100000 bytes, sends 10, closes
//   /hang...             reads the request and never answers (until the backend stops)
//   /digest/..., /digest-sha256/...  need HTTP Digest (RFC 7616, qop auth, MD5 or SHA-256) as
//                        user "svc", password "digest-pw", realm "archway-test"; otherwise 401 with
//                        the challenge (stale=true for an old nonce); then they echo as below
//   /close-before-response...  reads the request and closes without a word
//   anything else        echoes the request as JSON: method, target, headers, body (and "sni",
//                        the TLS server name the client sent, on a TLS backend)
// fail_with() turns every request into a failure until it is called with 0 again.
#include <atomic>
#include <memory>
#include <string>

namespace archway::testing {

class Backend {
 public:
  Backend();
  // An HTTPS backend presenting the PEM certificate chain and key in these files.
  Backend(const std::string& cert_file, const std::string& key_file);
  ~Backend();
  int port() const { return port_; }
  std::string url(const std::string& path = "") const;
  int connections_accepted() const { return accepted_.load(); }
  // Answers GET `path` with 200 and `body` (application/json) from now on.
  void serve_static(const std::string& path, const std::string& body);
  int requests_served() const { return served_.load(); }
  // Digest paths: how many 401 challenges were sent; rotating makes the current nonce stale.
  int digest_challenges() const { return digest_challenges_.load(); }
  void rotate_digest_nonce();
  // From now on: 0 serves normally, an HTTP status answers every request with it, -1 closes every
  // connection after reading its request.
  void fail_with(int status) { fail_with_.store(status); }

 private:
  void start();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<int> served_{0};
  std::atomic<int> fail_with_{0};
  std::atomic<int> digest_challenges_{0};
  int digest_rotations_ = 0;
};

// A free port on loopback (bound then closed), for a server a test is about to start.
int unused_port();

// A port on loopback that refuses connections for as long as the test process lives: the port for
// a backend that is down.
int refused_port();

}  // namespace archway::testing
