#include "http/client.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

namespace archway::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

template <class Stream>
FetchResult exchange(Stream& s, beast::tcp_stream& tcp, const std::string& host, const std::string& target,
                     std::chrono::milliseconds timeout, std::size_t max_body, const std::string* json_body) {
  FetchResult out;
  bhttp::request<bhttp::string_body> req{json_body ? bhttp::verb::post : bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, host);
  req.set(bhttp::field::accept, "application/json");
  req.set(bhttp::field::user_agent, "archway");
  if (json_body) {
    req.set(bhttp::field::content_type, "application/json");
    req.body() = *json_body;
    req.prepare_payload();
  }
  tcp.expires_after(timeout);
  bhttp::write(s, req);
  beast::flat_buffer buf;
  bhttp::response_parser<bhttp::string_body> p;
  p.body_limit(max_body);
  bhttp::read(s, buf, p);
  out.status = p.get().result_int();
  out.body = std::move(p.get().body());
  return out;
}

}  // namespace

namespace {

FetchResult request(const std::string& url, asio::ssl::context& tls, std::chrono::milliseconds timeout,
                    std::size_t max_body, const std::string* json_body) {
  FetchResult out;
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u || (u->scheme() != "http" && u->scheme() != "https") || u->encoded_host().empty()) {
    out.error = "not an http(s) URL: " + url;
    return out;
  }
  const bool secure = u->scheme() == "https";
  const std::string host(u->host_address());
  const std::string port = u->has_port() ? std::string(u->port()) : (secure ? "443" : "80");
  std::string target(u->encoded_path());
  if (target.empty()) target = "/";
  if (u->has_query()) target += "?" + std::string(u->encoded_query());
  try {
    asio::io_context io;
    tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(timeout);
    stream.connect(resolver.resolve(host, port));
    const std::string host_header = u->has_port() ? host + ":" + port : host;
    if (!secure) {
      out = exchange(stream, stream, host_header, target, timeout, max_body, json_body);
    } else {
      beast::ssl_stream<beast::tcp_stream&> ssl(stream, tls);
      SSL_set_tlsext_host_name(ssl.native_handle(), host.c_str());
      ssl.set_verify_callback(asio::ssl::host_name_verification(host));
      ssl.handshake(asio::ssl::stream_base::client);
      out = exchange(ssl, stream, host_header, target, timeout, max_body, json_body);
    }
  } catch (const std::exception& e) {
    out.status = 0;
    out.error = e.what();
  }
  return out;
}

}  // namespace

FetchResult fetch(const std::string& url, asio::ssl::context& tls, std::chrono::milliseconds timeout,
                  std::size_t max_body) {
  return request(url, tls, timeout, max_body, nullptr);
}

FetchResult post_json(const std::string& url, const std::string& body, asio::ssl::context& tls,
                      std::chrono::milliseconds timeout) {
  return request(url, tls, timeout, 64 * 1024, &body);
}

}  // namespace archway::http
