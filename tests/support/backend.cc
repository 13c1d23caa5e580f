#include "support/backend.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/json.hpp>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

namespace archway::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
}

namespace {

std::string hex_digest(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", out[i]);
    hex += b;
  }
  return hex;
}

// name=value / name="value" pairs after "Digest " (no escapes: the test's values have none).
std::map<std::string, std::string> digest_params(std::string_view h) {
  std::map<std::string, std::string> out;
  if (!h.starts_with("Digest ")) return out;
  std::size_t i = 7;
  while (i < h.size()) {
    while (i < h.size() && (h[i] == ' ' || h[i] == ',')) ++i;
    const std::size_t eq = h.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string name(h.substr(i, eq - i));
    i = eq + 1;
    std::string value;
    if (i < h.size() && h[i] == '"') {
      const std::size_t end = h.find('"', i + 1);
      if (end == std::string_view::npos) break;
      value = std::string(h.substr(i + 1, end - i - 1));
      i = end + 1;
    } else {
      const std::size_t end = std::min(h.find(',', i), h.size());
      value = std::string(h.substr(i, end - i));
      i = end;
    }
    out[name] = value;
  }
  return out;
}

}  // namespace

struct Backend::Impl {
  std::mutex static_mu;
  std::string digest_nonce = "nonce-1";  // under static_mu
  std::map<std::string, std::string> statics;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  Backend* owner;
  std::unique_ptr<asio::ssl::context> tls;

  template <class Stream>
  asio::awaitable<void> session(Stream& sock, std::string sni) {
    beast::flat_buffer buf;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      auto [ec, n] = co_await bhttp::async_read(sock, buf, req, kTuple);
      if (ec) co_return;
      owner->served_++;
      std::string target(req.target());
      const int failing = owner->fail_with_.load();
      if (failing < 0 || target.starts_with("/close-before-response")) {
        boost::system::error_code ignored;
        beast::get_lowest_layer(sock).shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(sock).close(ignored);
        co_return;
      }
      if (target.starts_with("/hang")) {
        asio::steady_timer t(sock.get_executor(), std::chrono::minutes(5));
        co_await t.async_wait(kTuple);
        co_return;
      }
      if (failing > 0) target = "/status/" + std::to_string(failing);
      bhttp::response<bhttp::string_body> res{bhttp::status::ok, req.version()};
      res.keep_alive(req.keep_alive());
      std::optional<std::string> fixed;
      {
        std::lock_guard lock(static_mu);
        if (auto it = statics.find(target); it != statics.end()) fixed = it->second;
      }
      bool digest_refused = false;
      if (target.starts_with("/digest/") || target.starts_with("/digest-sha256/")) {
        // RFC 7616 with qop auth: svc / digest-pw in realm archway-test, one nonce at a time.
        const bool sha = target.starts_with("/digest-sha256/");
        std::string nonce;
        {
          std::lock_guard lock(static_mu);
          nonce = digest_nonce;
        }
        auto p = digest_params(req[bhttp::field::authorization]);
        const EVP_MD* md = sha ? EVP_sha256() : EVP_md5();
        bool stale = false;
        bool ok = p["username"] == "svc" && p["realm"] == "archway-test" && p["uri"] == target && p["qop"] == "auth" &&
                  p["algorithm"] == (sha ? "SHA-256" : "MD5") && p["opaque"] == "opaque-1";
        if (ok && p["nonce"] != nonce) {
          ok = false;
          stale = true;
        }
        if (ok) {
          const std::string ha1 = hex_digest(md, "svc:archway-test:digest-pw");
          const std::string ha2 = hex_digest(md, std::string(req.method_string()) + ":" + target);
          ok = p["response"] == hex_digest(md, ha1 + ":" + nonce + ":" + p["nc"] + ":" + p["cnonce"] + ":auth:" + ha2);
        }
        if (!ok) {
          owner->digest_challenges_++;
          digest_refused = true;
          res.result(bhttp::status::unauthorized);
          res.set(bhttp::field::www_authenticate, std::string("Digest realm=\"archway-test\", qop=\"auth\", algorithm=") +
                                                      (sha ? "SHA-256" : "MD5") + ", nonce=\"" + nonce +
                                                      "\", opaque=\"opaque-1\"" + (stale ? ", stale=true" : ""));
          res.body() = "digest credentials required";
        }
      }
      if (digest_refused) {
      } else if (fixed) {
        res.set(bhttp::field::content_type, "application/json");
        res.body() = *fixed;
      } else if (target.starts_with("/status/")) {
        res.result(static_cast<unsigned>(std::stoi(target.substr(8))));
      } else if (target.starts_with("/slow/")) {
        asio::steady_timer t(sock.get_executor(), std::chrono::milliseconds(std::stoi(target.substr(6))));
        co_await t.async_wait(kTuple);
        res.body() = "slow";
      } else if (target == "/chunked") {
        std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n";
        std::string chunks;
        for (int i = 0; i < 3; ++i) {
          std::string part = "part-" + std::to_string(i) + " ";
          char size[16];
          std::snprintf(size, sizeof size, "%zx\r\n", part.size());
          chunks += size + part + "\r\n";
        }
        chunks += "0\r\n\r\n";
        co_await asio::async_write(sock, asio::buffer(head + chunks), kTuple);
        continue;
      } else if (target == "/nolength") {
        std::string raw = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nuntil-eof-body";
        co_await asio::async_write(sock, asio::buffer(raw), kTuple);
        boost::system::error_code ignored;
        beast::get_lowest_layer(sock).shutdown(tcp::socket::shutdown_both, ignored);
        co_return;
      } else if (target == "/close-mid-body") {
        std::string raw = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n0123456789";
        co_await asio::async_write(sock, asio::buffer(raw), kTuple);
        co_return;
      } else if (target == "/close-mid-head") {  // part of a head, then the connection closes
        std::string raw = "HTTP/1.1 200 OK\r\nContent-Le";
        co_await asio::async_write(sock, asio::buffer(raw), kTuple);
        co_return;
      } else if (target == "/answer-then-close") {  // a keep-alive answer, then the connection closes
        std::string raw = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        co_await asio::async_write(sock, asio::buffer(raw), kTuple);
        co_return;
      } else if (target == "/answer-then-half-close") {
        // A keep-alive answer, then the sending side closes while the connection goes on being read
        // and discarded (a lingering close): what comes next draws no reset. Corked, the answer and
        // the FIN leave in one segment, so they always arrive together.
        auto& low = beast::get_lowest_layer(sock);
        const int on = 1;
        ::setsockopt(low.native_handle(), IPPROTO_TCP, TCP_CORK, &on, sizeof on);
        std::string raw = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        co_await asio::async_write(sock, asio::buffer(raw), kTuple);
        boost::system::error_code ignored;
        low.shutdown(tcp::socket::shutdown_send, ignored);
        std::array<char, 1024> sink;
        for (;;) {
          auto [rec, rn] = co_await beast::get_lowest_layer(sock).async_read_some(asio::buffer(sink), kTuple);
          if (rec) break;
        }
        co_return;
      } else if (target.starts_with("/big/")) {
        res.body() = std::string(std::stoul(target.substr(5)), 'x');
      } else {
        json::object o;
        o["method"] = std::string(req.method_string());
        o["target"] = target;
        json::object h;
        for (const auto& f : req) {
          std::string k(f.name_string());
          for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          h[k] = std::string(f.value());
        }
        o["headers"] = std::move(h);
        o["body"] = req.body();
        if (tls) o["sni"] = sni;
        res.set(bhttp::field::content_type, "application/json");
        res.body() = json::serialize(o);
      }
      res.prepare_payload();
      if (req.method() == bhttp::verb::head) {
        bhttp::response<bhttp::empty_body> h{res.result(), res.version()};
        for (const auto& f : res) h.set(f.name_string(), f.value());
        bhttp::response_serializer<bhttp::empty_body> sr{h};
        auto [hec, hn] = co_await bhttp::async_write_header(sock, sr, kTuple);
        if (hec) co_return;
      } else {
        auto [wec, wn] = co_await bhttp::async_write(sock, res, kTuple);
        if (wec) co_return;
      }
      if (!req.keep_alive()) co_return;
    }
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, sock] = co_await acceptor.async_accept(kTuple);
      if (ec) co_return;
      owner->accepted_++;
      asio::co_spawn(io, serve(std::move(sock)), asio::detached);
    }
  }

  asio::awaitable<void> serve(tcp::socket sock) {
    if (!tls) {
      co_await session(sock, "");
      co_return;
    }
    asio::ssl::stream<tcp::socket> s(std::move(sock), *tls);
    auto [hec] = co_await s.async_handshake(asio::ssl::stream_base::server, kTuple);
    if (hec) co_return;
    const char* name = SSL_get_servername(s.native_handle(), TLSEXT_NAMETYPE_host_name);
    co_await session(s, name ? name : "");
  }
};

Backend::Backend() : impl_(std::make_unique<Impl>()) { start(); }

Backend::Backend(const std::string& cert_file, const std::string& key_file) : impl_(std::make_unique<Impl>()) {
  impl_->tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  impl_->tls->use_certificate_chain_file(cert_file);
  impl_->tls->use_private_key_file(key_file, asio::ssl::context::pem);
  start();
}

void Backend::start() {
  impl_->owner = this;
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

Backend::~Backend() {
  impl_->io.stop();
  impl_->thread.join();
}

void Backend::rotate_digest_nonce() {
  std::lock_guard lock(impl_->static_mu);
  impl_->digest_nonce = "nonce-" + std::to_string(++digest_rotations_ + 1);
}

void Backend::serve_static(const std::string& path, const std::string& body) {
  std::lock_guard lock(impl_->static_mu);
  impl_->statics[path] = body;
}

std::string Backend::url(const std::string& path) const {
  return std::string(impl_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + path;
}

int unused_port() {
  asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

int refused_port() {
  // Bound without listen(): a connection is refused, and while the socket stays open no server and
  // no client's ephemeral port can take the number (a closed port may come back as a client's
  // source port, and a connect to it then reaches itself).
  static std::mutex mu;
  static std::vector<int> held;  // open until the process ends
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("binding a loopback port failed");
  }
  std::lock_guard lock(mu);
  held.push_back(fd);
  return ntohs(addr.sin_port);
}

}  // namespace archway::testing
