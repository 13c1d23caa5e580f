#pragma once
// The management listener: HTTP and HTTPS on a small thread pool, whole requests read into
// memory (bounded), dispatched to a RestRouter. Answers GET /health (and /ready when asked) itself.
// A response may stream its body (RestResponse::stream) on the connection's strand.
#include <boost/asio/ssl/context.hpp>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "http/rest_router.h"

namespace archway::http {

struct RestServerOptions {
  std::string host = "0.0.0.0";
  int http_port = 9763;   // -1 disables
  int https_port = 9443;  // -1 disables
  int threads = 2;
  std::size_t max_body_bytes = 10 * 1024 * 1024;
  std::size_t max_header_bytes = 64 * 1024;
  std::shared_ptr<boost::asio::ssl::context> tls;  // required when https_port >= 0
  // Runs after a request other than GET, HEAD or OPTIONS succeeded (2xx or 3xx), before the
  // response is written: `archway serve` waits there until its gateway has the change.
  std::function<void()> after_write;
  // Set: GET (or HEAD) /ready answers the status and JSON body it returns (readiness probes).
  std::function<std::pair<int, std::string>()> readiness;
};

class RestServer {
 public:
  RestServer(RestServerOptions options, std::shared_ptr<const RestRouter> router);
  ~RestServer();

  void start();  // binds (throws on failure) and starts the threads
  int http_port() const;
  int https_port() const;
  // Stops accepting, closes idle connections, lets requests in flight finish, for at most grace_ms.
  void stop(std::int64_t grace_ms);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace archway::http
