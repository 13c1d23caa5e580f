// The control plane's outbound client (JWKS, OpenAPI URLs, webhooks) bounds a whole exchange by its
// timeout: a peer that accepts and never answers costs the timeout, not a blocked thread.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <string>
#include <thread>

#include "http/client.h"

namespace archway::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// A listening socket nobody accepts on: the kernel completes the handshake, the request lands in
// its buffer, and no answer ever comes.
struct SilentPeer {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::string url(const std::string& scheme = "http") const {
    return scheme + "://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/x";
  }
};

// Accepts one connection, reads the request head and answers `response` verbatim.
class OneShotPeer {
 public:
  explicit OneShotPeer(std::string response) : response_(std::move(response)) {
    thread_ = std::thread([this] {
      tcp::socket s(io_);
      acceptor_.accept(s);
      asio::streambuf in;
      boost::system::error_code ec;
      asio::read_until(s, in, "\r\n\r\n", ec);
      asio::write(s, asio::buffer(response_), ec);
      s.shutdown(tcp::socket::shutdown_both, ec);
    });
  }
  ~OneShotPeer() { thread_.join(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/x"; }

 private:
  asio::io_context io_;
  tcp::acceptor acceptor_{io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::string response_;
  std::thread thread_;
};

asio::ssl::context& client_tls() {
  static asio::ssl::context tls(asio::ssl::context::tls_client);
  return tls;
}

TEST(HttpClientDeadline, AGetToAPeerThatNeverAnswersFailsSayingItTimedOut) {
  SilentPeer peer;
  const FetchResult r = fetch(peer.url(), client_tls(), std::chrono::milliseconds(200));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("timed out"), std::string::npos) << r.error;
}

TEST(HttpClientDeadline, AWebhookPostToAPeerThatNeverAnswersFailsSayingItTimedOut) {
  SilentPeer peer;
  const FetchResult r = post_json(peer.url(), R"({"alert":"x"})", client_tls(), std::chrono::milliseconds(200));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("timed out"), std::string::npos) << r.error;
}

TEST(HttpClientDeadline, ATlsHandshakeThatNeverCompletesFailsSayingItTimedOut) {
  SilentPeer peer;
  const FetchResult r = fetch(peer.url("https"), client_tls(), std::chrono::milliseconds(200));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("timed out"), std::string::npos) << r.error;
}

TEST(HttpClientDeadline, AnAnswerWithinTheDeadlineIsReturnedWithItsStatusAndBody) {
  OneShotPeer peer("HTTP/1.1 201 Created\r\nContent-Length: 7\r\nConnection: close\r\n\r\n{\"a\":1}");
  const FetchResult r = post_json(peer.url(), "{}", client_tls(), std::chrono::milliseconds(5000));
  EXPECT_EQ(r.status, 201) << r.error;
  EXPECT_EQ(r.body, R"({"a":1})");
}

TEST(HttpClientDeadline, ABodyOverTheLimitIsAnErrorNotATruncatedSuccess) {
  OneShotPeer peer("HTTP/1.1 200 OK\r\nContent-Length: 20\r\nConnection: close\r\n\r\n01234567890123456789");
  const FetchResult r = fetch(peer.url(), client_tls(), std::chrono::milliseconds(5000), 10);
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.error.empty());
}

TEST(HttpClientDeadline, ARefusedConnectionFailsAtOnceNamingIt) {
  // Bound and not listening: refused, and the number stays ours (a closed one could be reused).
  asio::io_context io;
  tcp::acceptor bound(io);
  bound.open(tcp::v4());
  bound.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::string url = "http://127.0.0.1:" + std::to_string(bound.local_endpoint().port()) + "/x";
  const FetchResult r = fetch(url, client_tls(), std::chrono::milliseconds(5000));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("connecting"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace archway::http
