#include "http/client.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <optional>

namespace archway::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Target {
  bool secure = false;
  std::string host, port, host_header, path;
};

// One exchange under one deadline: every step (resolve, connect, handshake, write, read) is an
// asynchronous operation on a stream whose timer is set to the same instant, so a peer that accepts
// and then says nothing costs `timeout`, not a blocked thread (synchronous Beast calls ignore it).
class Exchange {
 public:
  Exchange(asio::io_context& io, asio::ssl::context& tls, Target t, std::chrono::milliseconds timeout,
           std::size_t max_body, const PostBody* body)
      : io_(io), tls_(tls), t_(std::move(t)), deadline_(std::chrono::steady_clock::now() + timeout),
        max_body_(max_body), body_(body), stream_(io) {}

  asio::awaitable<FetchResult> run() {
    FetchResult out;
    tcp::resolver resolver(io_);
    // The resolver has no timer of its own: a watchdog cancels it at the deadline.
    asio::steady_timer watchdog(io_, deadline_);
    watchdog.async_wait([&resolver](boost::system::error_code ec) {
      if (!ec) resolver.cancel();
    });
    auto [rec, endpoints] = co_await resolver.async_resolve(t_.host, t_.port, kTuple);
    watchdog.cancel();
    if (rec) co_return failed(out, rec == asio::error::operation_aborted ? "timed out resolving " + t_.host
                                                                      : "resolving " + t_.host + ": " + rec.message());
    stream_.expires_at(deadline_);
    auto [cec, ep] = co_await stream_.async_connect(endpoints, kTuple);
    if (cec) co_return failed(out, "connecting: " + message(cec));
    if (!t_.secure) co_return co_await exchange(stream_);
    beast::ssl_stream<beast::tcp_stream&> ssl(stream_, tls_);
    SSL_set_tlsext_host_name(ssl.native_handle(), t_.host.c_str());
    ssl.set_verify_callback(asio::ssl::host_name_verification(t_.host));
    stream_.expires_at(deadline_);
    auto [hec] = co_await ssl.async_handshake(asio::ssl::stream_base::client, kTuple);
    if (hec) co_return failed(out, "TLS handshake: " + message(hec));
    co_return co_await exchange(ssl);
  }

 private:
  template <class Stream>
  asio::awaitable<FetchResult> exchange(Stream& s) {
    FetchResult out;
    bhttp::request<bhttp::string_body> req{body_ ? bhttp::verb::post : bhttp::verb::get, t_.path, 11};
    req.set(bhttp::field::host, t_.host_header);
    req.set(bhttp::field::accept, "application/json");
    req.set(bhttp::field::user_agent, "archway");
    if (body_) {
      req.set(bhttp::field::content_type, body_->content_type);
      for (const auto& [name, value] : body_->headers) req.set(name, value);
      req.body() = body_->bytes;
      req.prepare_payload();
    }
    stream_.expires_at(deadline_);
    auto [wec, wn] = co_await bhttp::async_write(s, req, kTuple);
    if (wec) co_return failed(out, "sending the request: " + message(wec));
    beast::flat_buffer buf;
    bhttp::response_parser<bhttp::string_body> p;
    p.body_limit(max_body_);
    stream_.expires_at(deadline_);
    auto [rec, rn] = co_await bhttp::async_read(s, buf, p, kTuple);
    if (rec) co_return failed(out, "reading the response: " + message(rec));
    out.status = p.get().result_int();
    out.body = std::move(p.get().body());
    co_return out;
  }

  static std::string message(const boost::system::error_code& ec) {
    return ec == beast::error::timeout ? std::string("timed out") : ec.message();
  }
  static FetchResult failed(FetchResult& out, std::string why) {
    out.status = 0;
    out.error = std::move(why);
    return out;
  }

  asio::io_context& io_;
  asio::ssl::context& tls_;
  Target t_;
  std::chrono::steady_clock::time_point deadline_;
  std::size_t max_body_;
  const PostBody* body_;
  beast::tcp_stream stream_;
};

FetchResult request(const std::string& url, asio::ssl::context& tls, std::chrono::milliseconds timeout,
                    std::size_t max_body, const PostBody* body) {
  FetchResult out;
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u || (u->scheme() != "http" && u->scheme() != "https") || u->encoded_host().empty()) {
    out.error = "not an http(s) URL: " + url;
    return out;
  }
  Target t;
  t.secure = u->scheme() == "https";
  t.host = std::string(u->host_address());
  t.port = u->has_port() ? std::string(u->port()) : (t.secure ? "443" : "80");
  t.host_header = u->has_port() ? t.host + ":" + t.port : t.host;
  t.path = std::string(u->encoded_path());
  if (t.path.empty()) t.path = "/";
  if (u->has_query()) t.path += "?" + std::string(u->encoded_query());
  asio::io_context io;
  Exchange x(io, tls, std::move(t), timeout, max_body, body);
  std::optional<FetchResult> result;
  asio::co_spawn(io, x.run(), [&](std::exception_ptr e, FetchResult r) {
    if (!e) {
      result = std::move(r);
      return;
    }
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      result = FetchResult{0, {}, ex.what()};
    }
  });
  io.run();
  return result ? std::move(*result) : FetchResult{0, {}, "the request did not complete"};
}

}  // namespace

FetchResult fetch(const std::string& url, asio::ssl::context& tls, std::chrono::milliseconds timeout,
                  std::size_t max_body) {
  return request(url, tls, timeout, max_body, nullptr);
}

FetchResult post_json(const std::string& url, const std::string& body, asio::ssl::context& tls,
                      std::chrono::milliseconds timeout) {
  const PostBody b{"application/json", body, {}};
  return request(url, tls, timeout, 64 * 1024, &b);
}

FetchResult post(const std::string& url, const PostBody& body, asio::ssl::context& tls,
                 std::chrono::milliseconds timeout) {
  return request(url, tls, timeout, 64 * 1024, &body);
}

}  // namespace archway::http
