#include "support/http_client.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/ssl.hpp>
#include <stdexcept>

namespace archway::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct HttpClient::Impl {
  std::string host;
  int port;
  bool tls;
  asio::io_context io;
  asio::ssl::context ssl_ctx{asio::ssl::context::tls_client};
  std::unique_ptr<beast::tcp_stream> stream;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream&>> ssl;
  beast::flat_buffer buffer;

  void connect(int timeout_ms) {
    ssl.reset();
    stream = std::make_unique<beast::tcp_stream>(io);
    stream->expires_after(std::chrono::milliseconds(timeout_ms));
    tcp::resolver resolver(io);
    stream->connect(resolver.resolve(host, std::to_string(port)));
    buffer.clear();
    if (tls) {
      ssl_ctx.set_verify_mode(asio::ssl::verify_none);  // the server's certificate is self-signed
      ssl = std::make_unique<beast::ssl_stream<beast::tcp_stream&>>(*stream, ssl_ctx);
      ssl->handshake(asio::ssl::stream_base::client);
    }
  }

  template <class S>
  HttpResponse exchange(S& s, const HttpRequest& r) {
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(r.method), r.target, 11};
    req.method_string(r.method);
    req.set(bhttp::field::host, host + ":" + std::to_string(port));
    for (const auto& [k, v] : r.headers) req.set(k, v);
    req.body() = r.body;
    if (r.chunked) {
      req.chunked(true);
    } else if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
      req.prepare_payload();
    }
    stream->expires_after(std::chrono::milliseconds(r.timeout_ms));
    bhttp::write(s, req);
    bhttp::response_parser<bhttp::string_body> p;
    p.body_limit(boost::none);
    if (r.method == "HEAD") p.skip(true);
    bhttp::read(s, buffer, p);
    auto& res = p.get();
    HttpResponse out;
    out.status = res.result_int();
    for (const auto& f : res) {
      std::string n(f.name_string());
      for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[n] = std::string(f.value());
    }
    out.body = res.body();
    out.keep_alive = res.keep_alive();
    return out;
  }
};

HttpClient::HttpClient(std::string host, int port, bool tls) : impl_(new Impl) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->tls = tls;
}

HttpClient::~HttpClient() { delete impl_; }

HttpResponse HttpClient::send(const HttpRequest& req) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool fresh = !impl_->stream;
    if (fresh) impl_->connect(req.timeout_ms);
    try {
      HttpResponse res = impl_->ssl ? impl_->exchange(*impl_->ssl, req) : impl_->exchange(*impl_->stream, req);
      if (!res.keep_alive) close();
      return res;
    } catch (const boost::system::system_error& e) {
      close();
      // A reused connection the server closed in between: try once on a new one.
      if (fresh || e.code() == beast::error::timeout) throw;
    }
  }
  throw std::runtime_error("unreachable");
}

HttpResponse HttpClient::get(const std::string& target, std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest r;
  r.target = target;
  r.headers = std::move(headers);
  return send(r);
}

HttpResponse HttpClient::call(const std::string& method, const std::string& target, const std::string& body,
                              const std::string& user, const std::string& password) {
  HttpRequest r;
  r.method = method;
  r.target = target;
  r.body = body;
  if (!user.empty()) r.headers.emplace_back("Authorization", basic_auth(user, password));
  if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  return send(r);
}

bool HttpClient::connected() const { return impl_->stream != nullptr; }

void HttpClient::close() {
  impl_->ssl.reset();
  impl_->stream.reset();
}

std::string raw_exchange(const std::string& host, int port, const std::string& bytes, int timeout_ms) {
  asio::io_context io;
  beast::tcp_stream s(io);
  s.expires_after(std::chrono::milliseconds(timeout_ms));
  tcp::resolver resolver(io);
  s.connect(resolver.resolve(host, std::to_string(port)));
  asio::write(s, asio::buffer(bytes));
  std::string out;
  char buf[4096];
  boost::system::error_code ec;
  for (;;) {
    std::size_t n = s.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

std::string basic_auth(const std::string& user, const std::string& password) {
  const std::string creds = user + ":" + password;
  std::string out(beast::detail::base64::encoded_size(creds.size()), '\0');
  out.resize(beast::detail::base64::encode(out.data(), creds.data(), creds.size()));
  return "Basic " + out;
}

Multipart& Multipart::field(const std::string& name, const std::string& value, const std::string& type) {
  body_ += "--" + boundary_ + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n";
  if (!type.empty()) body_ += "Content-Type: " + type + "\r\n";
  body_ += "\r\n" + value + "\r\n";
  return *this;
}

Multipart& Multipart::file(const std::string& name, const std::string& filename, const std::string& bytes,
                           const std::string& type) {
  body_ += "--" + boundary_ + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" +
           filename + "\"\r\nContent-Type: " + type + "\r\n\r\n" + bytes + "\r\n";
  return *this;
}

}  // namespace archway::testing
