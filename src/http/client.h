#pragma once
// A small blocking HTTP(S) client for the control plane's own outbound calls (JWKS of external
// identity providers). Not for the gateway's data path, which has its own pooled client.
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <string>

namespace archway::http {

struct FetchResult {
  int status = 0;       // 0 when the request failed
  std::string body;
  std::string error;    // why it failed, when status is 0
};

// GET `url` (http or https, verified against `tls`'s trust store), following no redirects; the
// body is cut off (an error) beyond `max_body` bytes.
FetchResult fetch(const std::string& url, boost::asio::ssl::context& tls, std::chrono::milliseconds timeout,
                  std::size_t max_body = 1024 * 1024);

}  // namespace archway::http
