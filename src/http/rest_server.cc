#include "http/rest_server.h"

#include "common/strings.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <list>
#include <mutex>

#include "common/problem.h"
#include "http/listener.h"
#include "http/peer_certificate.h"
#include "http/request_checks.h"

namespace archway::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using common::Problem;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

RestResponse problem_response(const Problem& p) {
  RestResponse r = RestResponse::json(p.status, p.to_json());
  if (p.retry_after_s > 0) r.headers.emplace_back("Retry-After", std::to_string(p.retry_after_s));
  return r;
}

}  // namespace

struct RestServer::Impl {
  RestServerOptions opts;
  std::shared_ptr<const RestRouter> router;
  asio::io_context io;
  std::optional<tcp::acceptor> http_acc;
  std::optional<tcp::acceptor> https_acc;
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};

  struct Conn {
    std::function<void()> close;  // posts a close of the socket
    bool busy = false;
  };
  std::mutex conns_mu;
  std::list<Conn> conns;

  std::list<Conn>::iterator track(std::function<void()> close) {
    std::lock_guard lock(conns_mu);
    conns.push_front(Conn{std::move(close), false});
    return conns.begin();
  }
  void untrack(std::list<Conn>::iterator it) {
    std::lock_guard lock(conns_mu);
    conns.erase(it);
  }
  void set_busy(std::list<Conn>::iterator it, bool busy) {
    std::lock_guard lock(conns_mu);
    it->busy = busy;
  }

  RestResponse dispatch(RestRequest& req) {
    if (req.path == "/health" && (req.method == "GET" || req.method == "HEAD"))
      return RestResponse::json(200, R"({"status":"UP"})");
    if (req.path == "/ready" && opts.readiness && (req.method == "GET" || req.method == "HEAD")) {
      auto [status, body] = opts.readiness();
      return RestResponse::json(status, std::move(body));
    }
    bool path_known = false;
    const RestHandler* h = router->match(req, path_known);
    if (!h) {
      if (path_known) {
        Problem p{405, 405, "Method Not Allowed",
                  "Method " + req.method + " is not supported on " + req.path};
        return problem_response(p);
      }
      return problem_response(Problem::not_found("No resource at " + req.path));
    }
    const bool write = req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS";
    RestResponse res;
    try {
      res = (*h)(req);
      if (opts.after_write && res.status < 400 && write) opts.after_write();
    } catch (const common::ProblemError& e) {
      res = problem_response(e.problem());
    } catch (const std::exception& e) {
      spdlog::error("{} {} failed: {}", req.method, req.path, e.what());
      res = problem_response(Problem::internal("The server failed to handle the request; see its log"));
    }
    audit(req, res, write);
    return res;
  }

  // The audit log: every management write (who, what, from where, how it ended) and every
  // refused call (401, 403, 429), at info, each line starting with "audit:".
  static void audit(const RestRequest& req, const RestResponse& res, bool write) {
    const bool refused = res.status == 401 || res.status == 403 || res.status == 429;
    // Token requests are the OAuth2 server's traffic, not configuration: only their refusals.
    if (!refused && (!write || req.path.starts_with("/oauth2/"))) return;
    spdlog::info("audit: {} {} {} by {} from {}: {}", refused ? "refused" : "write", req.method, req.path,
              req.principal.empty() ? std::string_view("(anonymous)") : std::string_view(req.principal),
              req.remote_address.empty() ? std::string_view("-") : std::string_view(req.remote_address), res.status);
  }

  static RestRequest to_rest(const bhttp::request<bhttp::string_body>& m, const std::string& remote,
                             bool secure, const std::shared_ptr<const PeerCertificate>& peer) {
    RestRequest r;
    r.method = std::string(m.method_string());
    std::string_view target = m.target();
    auto q = target.find('?');
    r.raw_path = std::string(target.substr(0, q));
    r.path = percent_decode(r.raw_path);
    if (q != std::string_view::npos) r.query = parse_query(target.substr(q + 1));
    for (const auto& f : m) {
      r.headers.emplace_back(common::to_lower(std::string(f.name_string())), std::string(f.value()));
    }
    r.body = m.body();
    r.remote_address = remote;
    r.secure = secure;
    r.peer_certificate = peer;
    return r;
  }

  // What the client hears when reading its request failed (nothing when it went away).
  static std::optional<Problem> read_problem(boost::system::error_code ec, std::uint64_t max_body_bytes) {
    if (ec == bhttp::error::header_limit)
      return Problem{431, 431, "Request Header Fields Too Large", "Request headers exceed the limit"};
    if (ec == bhttp::error::body_limit)
      return Problem{413, 413, "Payload Too Large", "Request body exceeds " + std::to_string(max_body_bytes) + " bytes"};
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
      return Problem::bad_request("Malformed HTTP request: " + ec.message());
    return std::nullopt;
  }

  template <class Stream>
  asio::awaitable<void> serve(Stream& stream, std::string remote, bool secure,
                              std::list<Conn>::iterator conn, std::shared_ptr<const PeerCertificate> peer = nullptr) {
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(opts.max_header_bytes));
      parser.body_limit(opts.max_body_bytes);
      beast::get_lowest_layer(stream).expires_after(kIdleTimeout);
      auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
      // Framing two parsers could read differently (smuggling): refused before the body is read.
      std::optional<Problem> bad_framing = ec ? std::nullopt : framing_problem(parser.get().base());
      if (!ec && !bad_framing && !parser.is_done()) std::tie(ec, n) = co_await bhttp::async_read(stream, buffer, parser, kTuple);
      if (ec || bad_framing) {
        std::optional<Problem> p = bad_framing ? std::move(bad_framing) : read_problem(ec, opts.max_body_bytes);
        if (p) {
          bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(p->status), 11};
          res.set(bhttp::field::content_type, "application/json");
          res.keep_alive(false);
          res.body() = p->to_json();
          res.prepare_payload();
          co_await bhttp::async_write(stream, res, kTuple);
        }
        break;
      }
      set_busy(conn, true);
      auto& msg = parser.get();
      RestRequest req = to_rest(msg, remote, secure, peer);
      RestResponse out = dispatch(req);
      if (out.stream) {
        co_await write_stream(stream, msg.version(), out);
        set_busy(conn, false);
        break;  // a stream ends its connection
      }
      bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(out.status), msg.version()};
      res.set(bhttp::field::server, "Archway");
      if (!out.content_type.empty()) res.set(bhttp::field::content_type, out.content_type);
      for (const auto& [k, v] : out.headers) res.set(k, v);
      const bool keep = msg.keep_alive() && !stopping.load(std::memory_order_relaxed);
      res.keep_alive(keep);
      res.body() = std::move(out.body);
      res.prepare_payload();
      if (msg.method() == bhttp::verb::head) res.body().clear();
      auto [wec, wn] = co_await bhttp::async_write(stream, res, kTuple);
      set_busy(conn, false);
      if (wec || !keep) break;
    }
  }

  // Writes a streamed response: the head, then each piece the stream has ready as one chunk. Waits
  // on a timer between pulls that the stream's wake cancels (posted to this strand, so a wake
  // between the check and the wait is not lost), and pulls at least once a second regardless.
  template <class Stream>
  asio::awaitable<void> write_stream(Stream& stream, unsigned version, RestResponse& out) {
    bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(out.status), version};
    res.set(bhttp::field::server, "Archway");
    if (!out.content_type.empty()) res.set(bhttp::field::content_type, out.content_type);
    res.set(bhttp::field::cache_control, "no-cache");
    for (const auto& [k, v] : out.headers) res.set(k, v);
    res.keep_alive(false);
    res.chunked(true);
    bhttp::response_serializer<bhttp::empty_body> sr{res};
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
    auto [hec, hn] = co_await bhttp::async_write_header(stream, sr, kTuple);
    if (hec) co_return;
    auto timer = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor);
    auto woken = std::make_shared<std::atomic<bool>>(false);
    out.stream->set_wake([weak = std::weak_ptr<asio::steady_timer>(timer), woken] {
      woken->store(true);
      if (auto t = weak.lock()) asio::post(t->get_executor(), [weak] {
          if (auto t2 = weak.lock()) t2->cancel();
        });
    });
    std::string piece;
    for (;;) {
      woken->store(false);
      piece.clear();
      const bool more = out.stream->pull(piece) && !stopping.load(std::memory_order_relaxed);
      if (!piece.empty()) {
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
        auto [wec, wn] = co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(piece)), kTuple);
        if (wec) break;
      }
      if (!more) {
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
        co_await asio::async_write(stream, bhttp::make_chunk_last(), kTuple);
        break;
      }
      if (woken->load()) continue;
      timer->expires_after(std::chrono::seconds(1));
      co_await timer->async_wait(kTuple);
    }
    out.stream->set_wake(nullptr);
  }

  asio::awaitable<void> session(tcp::socket sock, bool tls) {
    boost::system::error_code ec;
    auto rep = sock.remote_endpoint(ec);
    const std::string remote = ec ? "" : rep.address().to_string();
    sock.set_option(tcp::no_delay(true), ec);
    auto stream = std::make_shared<beast::tcp_stream>(std::move(sock));
    // The socket's executor is a strand, so the close runs serialised with this coroutine.
    auto conn = track([weak = std::weak_ptr<beast::tcp_stream>(stream)] {
      if (auto s = weak.lock())
        asio::post(s->get_executor(), [weak] {
          if (auto s2 = weak.lock()) s2->socket().close();
        });
    });
    if (!tls) {
      co_await serve(*stream, remote, false, conn);
      stream->socket().shutdown(tcp::socket::shutdown_send, ec);
    } else {
      beast::ssl_stream<beast::tcp_stream&> ssl(*stream, *opts.tls);
      stream->expires_after(std::chrono::seconds(10));
      auto [hec] = co_await ssl.async_handshake(asio::ssl::stream_base::server, kTuple);
      if (!hec) {
        co_await serve(ssl, remote, true, conn, peer_certificate(ssl.native_handle()));
        stream->expires_after(std::chrono::seconds(2));
        co_await ssl.async_shutdown(kTuple);
      }
    }
    untrack(conn);
  }

  asio::awaitable<void> accept_loop(tcp::acceptor& acc, bool tls) {
    for (;;) {
      auto [ec, sock] = co_await acc.async_accept(asio::make_strand(io), kTuple);
      if (ec) {
        if (!acc.is_open() || stopping) co_return;
        spdlog::warn("management accept failed: {}", ec.message());
        continue;
      }
      auto ex = sock.get_executor();
      asio::co_spawn(ex, session(std::move(sock), tls), asio::detached);
    }
  }
};

RestServer::RestServer(RestServerOptions options, std::shared_ptr<const RestRouter> router)
    : impl_(std::make_unique<Impl>()) {
  impl_->opts = std::move(options);
  impl_->router = std::move(router);
}

RestServer::~RestServer() {
  if (!impl_->threads.empty()) stop(0);
}

void RestServer::start() {
  auto& i = *impl_;
  if (i.opts.http_port >= 0) i.http_acc.emplace(make_acceptor(i.io, i.opts.host, i.opts.http_port, false));
  if (i.opts.https_port >= 0) i.https_acc.emplace(make_acceptor(i.io, i.opts.host, i.opts.https_port, false));
  if (i.http_acc) asio::co_spawn(i.io, i.accept_loop(*i.http_acc, false), asio::detached);
  if (i.https_acc) asio::co_spawn(i.io, i.accept_loop(*i.https_acc, true), asio::detached);
  for (int t = 0; t < std::max(1, i.opts.threads); ++t)
    i.threads.emplace_back([&i] {
      for (;;) {
        try {
          i.io.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("management thread: {}", e.what());
        }
      }
    });
}

int RestServer::http_port() const {
  return impl_->http_acc ? impl_->http_acc->local_endpoint().port() : -1;
}
int RestServer::https_port() const {
  return impl_->https_acc ? impl_->https_acc->local_endpoint().port() : -1;
}

void RestServer::stop(std::int64_t grace_ms) {
  auto& i = *impl_;
  i.stopping = true;
  asio::post(i.io, [&i] {
    boost::system::error_code ec;
    if (i.http_acc) i.http_acc->close(ec);
    if (i.https_acc) i.https_acc->close(ec);
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  for (;;) {
    {
      std::lock_guard lock(i.conns_mu);
      for (auto& c : i.conns)
        if (!c.busy) c.close();
      if (i.conns.empty()) break;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  i.io.stop();
  for (auto& t : i.threads) t.join();
  i.threads.clear();
}

}  // namespace archway::http
