#pragma once
// A small blocking HTTP(S) client for the control plane's own outbound calls (JWKS of external
// identity providers, analytics alert webhooks). Not for the gateway's data path, which has its own pooled client.
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace archway::http {

struct FetchResult {
  int status = 0;       // 0 when the request failed
  std::string body;
  std::string error;    // why it failed, when status is 0
};

// GET `url` (http or https, verified against `tls`'s trust store), following no redirects, the whole
// exchange (resolve, connect, TLS, request, answer) bounded by `timeout`; the
// body is cut off (an error) beyond `max_body` bytes.
FetchResult fetch(const std::string& url, boost::asio::ssl::context& tls, std::chrono::milliseconds timeout,
                  std::size_t max_body = 1024 * 1024);
// POST `body` as application/json to `url` (webhooks); the answer's body is cut off beyond 64 KiB.
FetchResult post_json(const std::string& url, const std::string& body, boost::asio::ssl::context& tls,
                      std::chrono::milliseconds timeout);

struct PostBody {
  std::string_view content_type;
  std::string_view bytes;
  std::vector<std::pair<std::string, std::string>> headers;  // further request headers
};
// POST any body with headers of the caller's (a gateway's analytics to its control plane); the
// answer's body is cut off beyond 64 KiB.
FetchResult post(const std::string& url, const PostBody& body, boost::asio::ssl::context& tls,
                 std::chrono::milliseconds timeout);

}  // namespace archway::http
